"""Importing tags into the database: one transaction per file, a summary or a refusal."""

import io
import json
import zipfile

import pytest

from annotations.interchange.import_service import Options, Upload, import_uploads
from annotations.models import Annotation, ArticleCodebook, Category, Codebook, Label, Relation
from newsdesk import ingest
from newsdesk.ingest import IngestError
from newsdesk.ingestion import article_ingest_exact
from newsdesk.models import Article
from tests.annotations.conftest import CLAIM_QUOTE, SOURCE_QUOTE
from tests.annotations.interchange.files import CONLL, NEWS

pytestmark = pytest.mark.django_db


def state():
    """Everything an import may write."""
    return (
        list(Article.objects.values_list("pk", "text")),
        list(Annotation.objects.values_list("pk", "owner", "label", "start", "end", "deleted_at")),
        list(Relation.objects.values_list("pk", "from_annotation", "to_annotation", "type")),
        list(Label.objects.values_list("pk", "name")),
    )


def run(uploads, user, codebook, **kwargs):
    pairs = kwargs.pop("pairs", ())
    options = Options(importer=user, codebook=codebook, **kwargs)
    return import_uploads(uploads=uploads, options=options, pairs=pairs)


def one(uploads, user, codebook, **kwargs):
    (result,) = run(uploads, user, codebook, **kwargs)
    return result


def brat_pair(name, text, lines):
    return [
        Upload(f"{name}.txt", text.encode()),
        Upload(f"{name}.ann", ("\n".join(lines) + "\n").encode()),
    ]


def t_line(key, label, text, phrase, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return f"{key}\t{label} {start} {start + len(phrase)}\t{phrase}"


def zipped(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# brat onto an existing article


def test_it_adds_brat_tags_attributes_notes_and_links_to_the_matching_article(
    article, alice, codebook
):
    text = article.text
    uploads = brat_pair(
        "wire",
        text,
        [
            t_line("T1", "Source", text, SOURCE_QUOTE),
            t_line("T2", "Claim", text, CLAIM_QUOTE),
            "A1\tidentification T1 anonymous",
            "A2\tcheck-worthy T2",
            "#1\tAnnotatorNotes T1\tNo name given.",
            "R1\tattributed_to Arg1:T2 Arg2:T1",
        ],
    )
    result = one(uploads, alice, codebook)
    assert result.ok, result.error
    assert (result.articles_matched, result.articles_created, result.tags_added) == (1, 0, 2)
    assert result.relations_added == 1
    source = Annotation.objects.get(label__category=Category.SOURCE)
    claim = Annotation.objects.get(label__category=Category.CLAIM)
    assert (source.article, source.owner, source.origin) == (article, alice, "imported")
    assert source.quote == SOURCE_QUOTE and source.attributes == {"identification": "anonymous"}
    assert source.note == "No name given."
    assert source.prefix == text[source.start - len(source.prefix) : source.start]
    # Linked on import, so attributed: derived from the R line, as in the workbench.
    assert claim.attributes == {"check-worthy": True, "attributed": "yes"}
    assert Relation.objects.get().from_annotation == claim


def test_reimporting_the_same_file_skips_twins_and_adds_nothing(article, alice, codebook):
    text = article.text
    lines = [
        t_line("T1", "Source", text, SOURCE_QUOTE),
        t_line("T2", "Claim", text, CLAIM_QUOTE),
        "R1\tAttribution Arg1:T1 Arg2:T2",  # source → claim: read back as claim → source
    ]
    assert one(brat_pair("wire", text, lines), alice, codebook).tags_added == 2
    before = state()
    again = one(brat_pair("wire", text, lines), alice, codebook)
    assert (again.ok, again.tags_added, again.twins_skipped, again.relations_added) == (
        True,
        0,
        2,
        0,
    )
    assert state() == before


def test_it_creates_an_article_with_the_normalised_text_stored_exactly(
    alice, codebook, django_capture_on_commit_callbacks
):
    text = "date 2024-02-13 Title: not metadata here\r\nThe minister said prices rose.\r\n"
    uploads = brat_pair("new-story", text, [t_line("T1", "Claim", text, "prices rose")])
    with django_capture_on_commit_callbacks(execute=True):
        result = one(uploads, alice, codebook)
    assert result.ok and result.articles_created == 1
    article = Article.objects.get()
    assert (
        article.text == "date 2024-02-13 Title: not metadata here\nThe minister said prices rose."
    )
    assert article.title == "New story" and article.uploaded_by == alice
    assert article.status == Article.Status.READY  # entities were found (tasks run at once)
    tag = Annotation.objects.get()
    assert article.text[tag.start : tag.end] == "prices rose"


def test_it_maps_crlf_nfd_and_emoji_offsets_onto_the_stored_text(alice, codebook):
    text = "Ayer 👍🏽 el ministro\r\ndijo que la situacio\u0301n mejora 🇪🇸 mucho.\r\n"
    uploads = brat_pair(
        "es",
        text,
        [
            t_line("T1", "Claim", text, "situacio\u0301n mejora 🇪🇸"),
            t_line("T2", "Source", text, "el ministro"),
        ],
    )
    assert one(uploads, alice, codebook).tags_added == 2
    article = Article.objects.get()
    assert [t.quote for t in Annotation.objects.order_by("start")] == [
        "el ministro",
        "situación mejora 🇪🇸",
    ]
    assert all(article.text[t.start : t.end] == t.quote for t in Annotation.objects.all())


# refusals change nothing


def refused(uploads, user, codebook, **kwargs):
    before = state()
    result = one(uploads, user, codebook, **kwargs)
    assert not result.ok
    assert state() == before
    return result.error


def test_it_lists_every_unknown_label_and_saves_nothing(alice, codebook):
    text = "Rain fell on Paris and Lyon, said Météo-France."
    lines = [
        t_line("T1", "LOC", text, "Paris"),
        t_line("T2", "LOC", text, "Lyon"),
        t_line("T3", "ORG", text, "Météo-France"),
        t_line("T4", "Claim", text, "Rain fell"),
    ]
    error = refused(brat_pair("w", text, lines), alice, codebook)
    assert "w.ann: 2 labels are not in the codebook “News”: LOC, ORG." in error


def test_it_creates_unknown_labels_on_request_in_the_chosen_category(staff, codebook):
    text = "Rain fell on Paris and Lyon, said Météo-France."
    lines = [t_line("T1", "LOC", text, "Paris"), t_line("T2", "Named_org", text, "Météo-France")]
    result = one(brat_pair("w", text, lines), staff, codebook, create_labels="framing")
    assert result.labels_created == ["LOC", "Named_org"]
    created = Label.objects.filter(name__in=["LOC", "Named_org"])
    assert {(lb.codebook, lb.category) for lb in created} == {(codebook, "framing")}
    assert result.tags_added == 2


def test_it_refuses_an_annotators_unknown_labels_even_when_asked_to_create_them(alice, codebook):
    text = "Rain fell on Paris and Lyon, said Météo-France."
    lines = [
        t_line("T1", "LOC", text, "Paris"),
        t_line("T2", "ORG", text, "Météo-France"),
        t_line("T3", "Claim", text, "Rain fell"),
    ]
    error = refused(brat_pair("w", text, lines), alice, codebook, create_labels="framing")
    assert error == (
        "w.ann: 2 labels are not in the codebook “News”: LOC, ORG. Only staff add labels to "
        "a codebook: ask a staff member to add them."
    )
    assert not Label.objects.filter(name__in=["LOC", "ORG"]).exists()


def other_codebook():
    book = Codebook.objects.create(name="Elections")
    Label.objects.create(codebook=book, category="claim", name="Claim", colour="#112233")
    return book


def test_an_annotator_cannot_choose_the_codebook_of_an_article(article, alice, codebook):
    book = other_codebook()
    lines = [t_line("T1", "Claim", article.text, CLAIM_QUOTE)]
    error = refused(brat_pair("w", article.text, lines), alice, book)
    assert "only staff choose the codebook an article is coded under" in error
    assert not ArticleCodebook.objects.exists()


def test_staff_importing_under_another_codebook_code_the_article_under_it(article, staff, codebook):
    book = other_codebook()
    lines = [t_line("T1", "Claim", article.text, CLAIM_QUOTE)]
    assert one(brat_pair("w", article.text, lines), staff, book).tags_added == 1
    assert ArticleCodebook.objects.get(article=article).codebook == book


def test_an_annotator_imports_under_the_codebook_staff_chose(article, alice, codebook):
    book = other_codebook()
    ArticleCodebook.objects.create(article=article, codebook=book)
    lines = [t_line("T1", "Claim", article.text, CLAIM_QUOTE)]
    assert one(brat_pair("w", article.text, lines), alice, book).tags_added == 1
    assert Annotation.objects.get().label.codebook == book


def test_it_creates_labels_differing_by_underscore_and_space_as_two(staff, codebook):
    text = "Rain fell on Paris and Lyon."
    line = {"text": text, "label": [[0, 9, "New_Technique"], [13, 18, "New Technique"]]}
    upload = Upload("a.jsonl", json.dumps(line).encode())
    result = one([upload], staff, codebook, create_labels="framing")
    assert result.ok, result.error
    assert sorted(result.labels_created) == ["New Technique", "New_Technique"]
    tags = Annotation.objects.order_by("start").values_list("label__name", flat=True)
    assert list(tags) == ["New_Technique", "New Technique"]


def test_a_label_over_the_name_limit_is_refused_each_time_without_a_crash(staff, codebook):
    text = "Rain fell on Paris and Lyon."
    long_name = "Appeal to fear " + "x" * 95
    upload = Upload("long.jsonl", json.dumps({"text": text, "label": [[0, 9, long_name]]}).encode())
    for _ in range(2):
        error = refused([upload], staff, codebook, create_labels="framing")
        assert "long.jsonl, line 1, label 1: the label “Appeal to fear xxx" in error
        assert "is 110 characters long; a label's name holds at most 100." in error
    assert not Label.objects.filter(name__startswith="Appeal").exists()


def doccano(name, text, *labels):
    """One doccano line with a tag on each (phrase, label) pair."""
    spans = [[text.index(p), text.index(p) + len(p), label] for p, label in labels]
    return Upload(name, json.dumps({"text": text, "label": spans}).encode())


def test_a_label_differing_only_in_case_from_the_codebooks_is_reported(staff, codebook):
    upload = doccano("c.jsonl", "Rain fell on Paris.", ("Rain fell", "claim"))
    for create in ("", "claim"):
        error = refused([upload], staff, codebook, create_labels=create)
        assert (
            "c.jsonl, line 1, label 1: the label “claim” differs only in case from “Claim” in "
            "the codebook: labels are matched by their exact name." in error
        )


def test_two_new_labels_differing_only_in_case_are_reported(staff, codebook):
    upload = doccano("c.jsonl", "Rain fell on Paris.", ("Rain", "LOC"), ("Paris", "Loc"))
    error = refused([upload], staff, codebook, create_labels="source")
    assert "the label “LOC” differs only in case from “Loc” in this file" in error


def test_brat_types_name_labels_exactly_or_with_underscores_for_spaces(
    staff, codebook, official_label
):
    text = "Rain fell, the Met Office said."
    lines = [t_line("T1", "Official_source", text, "the Met Office")]
    result = one(brat_pair("b", text, lines), staff, codebook)
    assert result.ok, result.error
    assert Annotation.objects.get().label == official_label
    # JSON Lines writes spaces as spaces: an underscore there is another label.
    line = doccano("j.jsonl", text, ("the Met Office", "Official_source"))
    result = one([line], staff, codebook, create_labels="source")
    assert result.labels_created == ["Official_source"]
    assert Annotation.objects.filter(label__name="Official_source").count() == 1


@pytest.mark.parametrize("label", ["", " "])
def test_an_empty_label_name_is_refused(alice, codebook, label):
    text = "Rain fell on Paris."
    error = refused(
        [doccano("e.jsonl", text, ("Rain", label))], alice, codebook, create_labels="source"
    )
    assert "e.jsonl, line 1, label 1: a tag has no label name." in error
    if not label:  # brat's space is the separator: " 0 4" is refused as offsets
        brat_lines = [f"T1\t{label} 0 4\tRain"]
        error = refused(brat_pair("e", text, brat_lines), alice, codebook, create_labels="source")
        assert "e.ann, line 1, T1: a tag has no label name." in error


@pytest.mark.parametrize("label", [" Appeal", "Appeal ", "Appeal  to fear", "Appeal\tto"])
def test_a_new_label_with_odd_blank_space_is_refused_not_changed(staff, codebook, label):
    upload = doccano("w.jsonl", "Rain fell on Paris.", ("Rain", label))
    error = refused([upload], staff, codebook, create_labels="framing")
    assert f"the label “{label}” has blank space at its edges" in error


def test_a_quote_mismatch_late_in_the_file_rejects_all_of_it(alice, codebook):
    text = "One claim here. Another claim there."
    lines = [t_line("T1", "Claim", text, "One claim"), "T2\tClaim 16 23\tAnother claim"]
    error = refused(brat_pair("w", text, lines), alice, codebook)
    assert error.startswith("w.ann, line 2, T2: the quote “Another claim” does not match")


def test_a_bad_attribute_value_names_the_line_and_saves_nothing(article, alice, codebook):
    text = article.text
    lines = [
        t_line("T1", "Claim", text, CLAIM_QUOTE),
        t_line("T2", "Source", text, SOURCE_QUOTE),
        "A1\tidentification T2 secret",
    ]
    error = refused(brat_pair("w", text, lines), alice, codebook)
    assert error == (
        "w.ann, line 2, T2, A1: Source: identification: “secret” is not one of named, "
        "partially identified, anonymous."
    )


def test_a_broken_encoding_is_refused_naming_the_file(alice, codebook):
    uploads = [
        Upload("w.txt", "Caf\xe9 noir.".encode("latin-1")),
        Upload("w.ann", b"T1\tClaim 0 4\tCaf\xc3\xa9\n"),
    ]
    assert "w.txt is not valid UTF-8 text (byte 0xE9 at position 3)" in refused(
        uploads, alice, codebook
    )


def test_an_unsupported_event_is_refused_with_its_arguments(article, alice, codebook):
    text = article.text
    lines = [
        t_line("T1", "Source", text, SOURCE_QUOTE),
        t_line("T2", "Source", text, "Hamas"),
        t_line("T3", "Meet", text, "told"),
        "E1\tMeet:T3 Agent:T1 Other:T2",
    ]
    error = refused(brat_pair("w", text, lines), alice, codebook)
    assert error.startswith("w.ann, line 4, E1: the event Meet has no counterpart in Newsdesk")
    assert "Agent T1 (source), Other T2 (source)" in error


def test_an_attribution_event_becomes_a_link_and_its_unmapped_trigger_is_left_out(
    article, alice, codebook
):
    text = article.text
    lines = [
        t_line("T1", "Source", text, SOURCE_QUOTE),
        t_line("T2", "Claim", text, CLAIM_QUOTE),
        t_line("T3", "Say", text, "told"),
        "E1\tSay:T3 Speaker:T1 Message:T2",
    ]
    result = one(brat_pair("w", text, lines), alice, codebook)
    assert (result.tags_added, result.relations_added, result.triggers_left_out) == (2, 1, 1)
    link = Relation.objects.get()
    assert (link.from_annotation.quote, link.to_annotation.quote, link.type) == (
        CLAIM_QUOTE,
        SOURCE_QUOTE,
        "attributed_to",
    )


def test_a_link_between_the_wrong_kinds_of_tag_is_refused(article, alice, codebook):
    text = article.text
    lines = [
        t_line("T1", "Claim", text, CLAIM_QUOTE),
        t_line("T2", "Framing", text, "Zionist regime"),
        "R1\tattributed_to Arg1:T1 Arg2:T2",
    ]
    error = refused(brat_pair("w", text, lines), alice, codebook)
    # The editor's rule and message (services.relation_refusal), with the file's line.
    assert error == (
        "w.ann, line 3, R1: “attributed to” links a claim to a source, not a claim to a framing."
    )


# who owns the tags


def test_a_non_staff_user_cannot_import_tags_named_for_another_user(article, alice, bob, codebook):
    text = article.text
    data = zipped({"bob/1.txt": text, "bob/1.ann": t_line("T1", "Claim", text, CLAIM_QUOTE)})
    error = refused([Upload("export.zip", data)], alice, codebook, folder_annotators=True)
    assert (
        "export.zip/bob/1.ann, line 1, T1: the file names “bob” as the annotator: you can " in error
    )


def test_staff_import_tags_for_the_user_a_file_names(article, staff, bob, codebook):
    text = article.text
    data = zipped({"bob/1.txt": text, "bob/1.ann": t_line("T1", "Claim", text, CLAIM_QUOTE)})
    result = one([Upload("export.zip", data)], staff, codebook, folder_annotators=True)
    assert result.ok and Annotation.objects.get().owner == bob


def test_staff_naming_an_unknown_user_is_refused(article, staff, codebook):
    text = article.text
    data = zipped({"zoe/1.txt": text, "zoe/1.ann": t_line("T1", "Claim", text, CLAIM_QUOTE)})
    error = refused([Upload("export.zip", data)], staff, codebook, folder_annotators=True)
    assert "the file names “zoe”, who has no account here." in error


def test_without_an_importer_every_tag_must_name_its_annotator(alice, codebook):
    text = "A claim to tag."
    error = refused(brat_pair("w", text, ["T1\tClaim 2 7\tclaim"]), None, codebook)
    assert "the file names no annotator for this tag" in error


# zip archives and uploads


def test_a_truncated_zip_is_refused_and_nothing_changes(alice, codebook):
    data = zipped({f"alice/{i}.txt": f"Text number {i}." * 40 for i in range(5)})
    error = refused([Upload("cut.zip", data[: len(data) // 2])], alice, codebook)
    assert error.startswith("cut.zip is not a readable zip archive")  # newsdesk's zip reader


def test_a_file_over_the_upload_limit_is_refused(alice, codebook, settings):
    settings.NEWSDESK_MAX_ANNOTATION_IMPORT_BYTES = 100
    error = refused([Upload("big.jsonl", b'{"text": "' + b"x" * 200 + b'"}')], alice, codebook)
    assert error == "big.jsonl is 212\xa0bytes; the limit is 100\xa0bytes."


def test_an_ann_named_differently_from_its_txt_pairs_when_named(alice, codebook):
    text = "A claim to tag."
    uploads = [
        Upload("story.txt", text.encode()),
        Upload("tags-v2.ann", b"T1\tClaim 2 7\tclaim\n"),
        Upload("other.txt", b"Other text."),
    ]
    results = run(uploads, alice, codebook, pairs=[("tags-v2.ann", "story.txt")])
    assert [(r.name, r.ok) for r in results] == [("other.txt", False), ("tags-v2.ann", True)]
    assert "a text without a .ann beside it" in results[0].error


# JSON Lines


def test_doccano_lines_create_articles_and_tags(alice, codebook):
    lines = [
        {"text": "Prices rose 5%, the bank said.", "label": [[0, 14, "Claim"], [16, 24, "Source"]]},
        {
            "text": "Second story.\r\nA source said so.",
            "labels": [[15, 23, "Source"]],
            "title": "Second",
        },
    ]
    data = "\n".join(json.dumps(line) for line in lines).encode()
    result = one([Upload("doccano.jsonl", data)], alice, codebook)
    assert (result.articles_created, result.tags_added) == (2, 3)
    assert sorted(Annotation.objects.values_list("quote", flat=True)) == [
        "A source",
        "Prices rose 5%",
        "the bank",
    ]
    assert Article.objects.get(title="Second").text == "Second story.\nA source said so."


def test_our_lines_keep_attributes_notes_relations_and_annotators(article, staff, bob, codebook):
    text = article.text
    s, c = text.index(SOURCE_QUOTE), text.index(CLAIM_QUOTE)
    line = {
        "id": article.pk,
        "text": text,
        "tags": [
            {
                "id": 10,
                "annotator": "bob",
                "label": "Source",
                "start": s,
                "end": s + len(SOURCE_QUOTE),
                "quote": SOURCE_QUOTE,
                "attributes": {"identification": "anonymous"},
                "note": "Unnamed",
            },
            {
                "id": 11,
                "annotator": "bob",
                "label": "Claim",
                "start": c,
                "end": c + len(CLAIM_QUOTE),
                "quote": CLAIM_QUOTE,
                "attributes": {},
                "relations": [{"type": "attributed_to", "to": 10}],
            },
        ],
    }
    result = one([Upload("ours.jsonl", json.dumps(line).encode())], staff, codebook)
    assert (result.articles_matched, result.tags_added, result.relations_added) == (1, 2, 1)
    source = Annotation.objects.get(label__name="Source")
    assert (source.owner, source.attributes, source.note) == (
        bob,
        {"identification": "anonymous"},
        "Unnamed",
    )


def test_doccano_entities_and_relations_become_tags_and_links(alice, codebook):
    text = "Prices rose 5%, the bank said."
    line = {
        "text": text,
        "entities": [
            {"id": 1, "label": "Claim", "start_offset": 0, "end_offset": 14},
            {"id": 2, "label": "Source", "start_offset": 16, "end_offset": 24},
        ],
        "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "attribution"}],
    }
    result = one([Upload("r.jsonl", json.dumps(line).encode())], alice, codebook)
    assert (result.tags_added, result.relations_added) == (2, 1)
    relation = Relation.objects.get()  # read back source → claim, stored claim → source
    assert (relation.from_annotation.quote, relation.to_annotation.quote, relation.type) == (
        "Prices rose 5%",
        "the bank",
        "attributed_to",
    )


def test_broken_json_is_refused_with_its_line_number(alice, codebook):
    data = b'{"text": "Fine.", "label": []}\n{"text": "Broken", "label": [}\n'
    assert refused([Upload("d.jsonl", data)], alice, codebook).startswith(
        "d.jsonl, line 2: not valid JSON"
    )


# W3C


def w3c_item(article, **selector):
    return {
        "id": "https://elsewhere.example/anno/1",
        "type": "Annotation",
        "motivation": "tagging",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "Claim"}],
        "target": {
            "source": f"https://newsdesk.example/articles/{article.pk}/",
            "selector": [selector],
        },
    }


def w3c(*items):
    return Upload(
        "w.jsonld",
        json.dumps(
            {
                "@context": "http://www.w3.org/ns/anno.jsonld",
                "type": "AnnotationPage",
                "items": list(items),
            }
        ).encode(),
    )


def test_w3c_tags_land_on_the_article_their_target_names(article, alice, codebook):
    start = article.text.index(CLAIM_QUOTE)
    item = w3c_item(article, type="TextPositionSelector", start=start, end=start + len(CLAIM_QUOTE))
    result = one([w3c(item)], alice, codebook)
    assert (result.articles_matched, result.tags_added) == (1, 1)
    assert Annotation.objects.get().quote == CLAIM_QUOTE


def test_w3c_quote_only_is_found_once_or_told_apart_by_prefix(article, alice, codebook):
    text = article.text
    assert text.count("Hamas") > 1
    nth = text.index("Hamas", text.index("Hamas") + 1)
    item = w3c_item(article, type="TextQuoteSelector", exact="Hamas", prefix=text[nth - 10 : nth])
    assert one([w3c(item)], alice, codebook).tags_added == 1
    assert Annotation.objects.get().start == nth
    ambiguous = w3c_item(article, type="TextQuoteSelector", exact="Hamas")
    error = refused([w3c(ambiguous)], alice, codebook)
    assert f"the quote “Hamas” occurs {text.count('Hamas')} times in the article" in error


def test_w3c_target_that_does_not_resolve_needs_a_named_article(article, alice, codebook):
    item = w3c_item(article, type="TextQuoteSelector", exact=CLAIM_QUOTE)
    item["target"]["source"] = "https://elsewhere.example/story.html"
    error = refused([w3c(item)], alice, codebook)
    assert "the target “https://elsewhere.example/story.html” is not an article here" in error
    assert one([w3c(item)], alice, codebook, article=article).tags_added == 1


def test_w3c_wrong_offsets_are_refused(article, alice, codebook):
    item = w3c_item(article, type="TextPositionSelector", start=0, end=5)
    item["target"]["selector"].append({"type": "TextQuoteSelector", "exact": CLAIM_QUOTE})
    error = refused([w3c(item)], alice, codebook)
    assert (
        f"w.jsonld, line 1, annotation 1: the quote “{CLAIM_QUOTE}” does not match the "
        "article at [0, 5)" in error
    )


# brat example data


@pytest.mark.parametrize("language", ["esp", "ned"])
def test_the_conll_2002_news_import_with_labels_created_on_request(language, staff, codebook):
    folder = CONLL / language
    uploads = [
        Upload(p.name, p.read_bytes())
        for p in sorted(folder.glob("*.ann")) + sorted(folder.glob("*.txt"))
    ]
    uploads.append(Upload("tools.conf", (folder / "tools.conf").read_bytes()))
    results = run(uploads, staff, codebook, create_labels="source")
    assert [r.error for r in results if not r.ok] == []
    assert [(r.name, r.skipped) for r in results if r.skipped] == [
        ("tools.conf", "brat configuration")
    ]
    t_lines = sum(
        1 for p in folder.glob("*.ann") for line in p.read_text().splitlines() if line[:1] == "T"
    )
    assert sum(r.tags_added for r in results) == t_lines
    assert sorted(
        Label.objects.filter(codebook=codebook, category="source").values_list("name", flat=True)
    ) == ["LOC", "MISC", "ORG", "PER", "Source"]
    for ann in folder.glob("*.ann"):
        text = (folder / ann.name.replace(".ann", ".txt")).read_text(encoding="utf-8")
        article = Article.objects.get(sha256=ingest.sha256(text.strip()))
        stored = sorted((t.quote, t.label.name) for t in article.annotations.all())
        expected = sorted(
            (line.split("\t")[2], line.split("\t")[1].split()[0])
            for line in ann.read_text(encoding="utf-8").splitlines()
        )
        assert stored == expected
    assert Article.objects.filter(text__contains="ñ").exists() or language == "ned"
    before = state()
    again = run(uploads, staff, codebook)  # labels now known: a second import adds nothing
    assert sum(r.twins_skipped for r in again) == t_lines and state() == before


NEWS_OUTCOMES = {
    "000-introduction": "line 17: N1 is a normalisation",
    "010-navigation": None,
    "020-top_bar": None,
    "030-login": None,
    "040-text_span_annotation": None,
    "050-editing_text_span_annotations": None,
    "060-relation_annotation": "line 12: R1: the relation type “Located” has no counterpart",
    "070-editing_relation_annotations": "line 4: R1: the relation type “Located” has no",
    "080-event-annotation": "line 3, E1: the event Merge-org has no counterpart in Newsdesk",
    "090-event_structures": "line 4, E1: the event Merge-org has no counterpart in Newsdesk",
    "100-attribute_annotation": "line 27: A1: an attribute on an event (E1) has no place",
    "110-note_annotation": "line 8: #2: a note on an event (E1) has no place",
    "999-complete": None,
}


def test_the_brat_news_tutorial_imports_or_is_refused_line_by_line(staff, codebook):
    uploads = [
        Upload(p.name, p.read_bytes())
        for p in sorted(NEWS.glob("*.txt")) + sorted(NEWS.glob("*.ann"))
    ]
    results = {
        r.name.removesuffix(".ann"): r
        for r in run(uploads, staff, codebook, create_labels="source")
        if r.name.endswith(".ann")
    }
    assert set(results) == set(NEWS_OUTCOMES)
    for name, expected in NEWS_OUTCOMES.items():
        if expected is None:
            assert results[name].ok, results[name].error
        else:
            assert results[name].error.startswith(f"{name}.ann, {expected}"), results[name].error
    assert results["040-text_span_annotation"].tags_added == 4
    empty = Article.objects.get(original_filename="010-navigation.ann")
    assert not empty.annotations.exists()
    assert Article.objects.count() == 6  # the six files that import


def test_exact_ingest_refuses_text_that_is_not_normalised_or_empty(alice):
    with pytest.raises(IngestError, match="must be normalised"):
        article_ingest_exact(text="Line\r\nnext", user=alice)
    with pytest.raises(IngestError, match="no text"):
        article_ingest_exact(text="", user=alice)
    assert not Article.objects.exists()
