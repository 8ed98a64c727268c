"""Files of every supported kind, built in the tests (no binary fixtures in the repository)."""

import io
import zipfile


def html_page(
    *,
    title: str = "Flood waters reach the old town",
    paragraphs: tuple[str, ...] = (
        "The river rose by two metres on Monday, the mayor told reporters at the town hall.",
        "Residents of the lower streets were moved to the school, where volunteers served soup.",
        "Forecasters expect the water to fall by Thursday if the rain stops as predicted.",
    ),
    author: str = "Jane Doe",
    date: str = "2024-03-01",
    url: str = "https://paper.example/flood",
    site: str = "The Valley Paper",
) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>{title} | {site}</title>
<meta name="author" content="{author}">
<meta property="article:published_time" content="{date}">
<meta property="og:site_name" content="{site}">
<link rel="canonical" href="{url}">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>{title}</h1>{body}</article>
<footer>© {site}. All rights reserved.</footer></body></html>""".encode()


def docx_file(paragraphs=("First paragraph.", "Second paragraph."), **properties) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    for name, value in properties.items():
        setattr(document.core_properties, name, value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf_file(pages: list[list[str]], *, info: dict[str, str] | None = None) -> bytes:
    """A PDF written by hand: each page draws its lines in Helvetica (empty: no text layer)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None]
    kids = []
    for lines in pages:
        page_number = len(objects) + 1
        kids.append(f"{page_number} 0 R")
        drawn = " ".join(f"{_pdf_string(line)} Tj 0 -16 Td" for line in lines)
        content = f"BT /F1 12 Tf 72 720 Td {drawn} ET" if lines else ""
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 {page_number + 2} 0 R >> >> "
            f"/Contents {page_number + 1} 0 R >>"
        )
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    trailer_info = ""
    if info:
        objects.append("<< " + " ".join(f"/{k} {_pdf_string(v)}" for k, v in info.items()) + " >>")
        trailer_info = f" /Info {len(objects)} 0 R"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R{trailer_info} >>\n"
        f"startxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def zip_file(members: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
