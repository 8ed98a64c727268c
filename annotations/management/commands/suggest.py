import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations import services, suggest
from newsdesk import ingest, languages


class Command(BaseCommand):
    help = (
        "Run the tag suggesters on UTF-8 text files (folders are searched for .txt and .md "
        "files) and print each suggestion: sources and their claims from the spaCy parse, "
        "framing from the lexicon, quoted phrases and passives. Offsets are code points into "
        "the text after Newsdesk's normalisation (NFC, \\n newlines). Each file is read in its "
        "language (detected from its text unless --language names one) with that language's "
        "spaCy pipeline, loaded once; the rules read English only, so a file in another "
        "language gets none, and the output says so."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument(
            "--json", action="store_true", help='one JSON object per line, with a "file" field'
        )
        parser.add_argument(
            "--language",
            help="the files' language, for all of them (detected per file otherwise); it also "
            "chooses the admin's framing lexicon",
        )
        parser.add_argument(
            "--default-lexicon",
            action="store_true",
            help="use the built-in lexicon instead of the admin's (no database needed)",
        )

    def handle(self, *args, paths: list[Path], json: bool, language: str | None, **options):
        texts = [(file, read_text(file)) for file in text_files(paths)]
        lexicons: dict[str, list[suggest.LexiconEntry]] = {}
        total = skipped = 0
        for file, text in texts:
            file_language = (language or languages.detect_language(text)).lower()
            model = languages.pipeline_for(file_language)
            if file_language not in suggest.RULE_LANGUAGES or model is None:
                skipped += 1
                why = (
                    "the suggestion rules read English only"
                    if file_language not in suggest.RULE_LANGUAGES
                    else "no spaCy pipeline is configured for it (NEWSDESK_SPACY_MODELS)"
                )
                self.stderr.write(f"{file}: in “{file_language}”: {why}; no suggestions.")
                continue
            if file_language not in lexicons:
                lexicons[file_language] = lexicon_for(
                    file_language, default=options["default_lexicon"]
                )
            # load_parser keeps each pipeline once per process, however many files use it.
            nlp = suggest.load_parser(model)
            found = suggest.suggest(text, nlp=nlp, lexicon=lexicons[file_language])
            total += len(found)
            for item in found:
                if json:
                    self.stdout.write(_json_line(item, file))
                else:
                    attributes = ", ".join(f"{k}={v}" for k, v in item.attributes.items())
                    self.stdout.write(
                        f"{file}  {item.category:<8} {item.start:>6} {item.end:>6}  "
                        f"“{item.quote}”" + (f"  [{attributes}]" if attributes else "")
                    )
        if not json:
            summary = f"{total} suggestions in {len(texts)} file(s)"
            if skipped:
                summary += f"; {skipped} in a language the rules do not read"
            self.stderr.write(summary + ".")


def text_files(paths: list[Path]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*") if p.suffix.lower() in (".txt", ".md") and p.is_file()
            )
        else:
            files.append(path)
    return files


def read_text(file: Path) -> str:
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
    try:
        return ingest.normalise(ingest.decode(data, name=str(file)))
    except ingest.IngestError as exc:
        raise CommandError(str(exc)) from None


def lexicon_for(language: str, *, default: bool) -> list[suggest.LexiconEntry]:
    if default:
        return suggest.default_lexicon()
    terms = services.lexicon(language)
    if not terms:
        raise CommandError(
            f"The framing lexicon for “{language}” is empty: add terms in the admin "
            "or use --default-lexicon."
        )
    return terms


def _json_line(item: suggest.Suggestion, file: Path) -> str:
    line = {
        "file": str(file),
        "category": item.category,
        "start": item.start,
        "end": item.end,
        "quote": item.quote,
        "attributes": item.attributes,
        "reason": item.reason,
    }
    if item.link:
        line["link"] = {"type": item.link[0], "start": item.link[1], "end": item.link[2]}
    return json.dumps(line, ensure_ascii=False)
