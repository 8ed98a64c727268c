import pytest

from annotations import schema, services
from annotations.models import Annotation, Category, Codebook, Label, Relation
from annotations.services import AnnotationError

from .conftest import CLAIM_QUOTE, SOURCE_QUOTE

pytestmark = pytest.mark.django_db


def create(article, user, label, start, end, quote=None, **kwargs):
    return services.annotation_create(
        article=article,
        user=user,
        label=label,
        start=start,
        end=end,
        quote=article.text[start:end] if quote is None else quote,
        **kwargs,
    )


# The default codebook


def test_the_data_migrations_install_the_news_codebook():
    codebook = Codebook.objects.get()
    assert codebook.name == "News"
    assert codebook.is_default
    labels = list(codebook.labels.values_list("name", "category", "shortcut"))
    assert labels == [
        ("Claim", Category.CLAIM, "c"),
        ("Source", Category.SOURCE, "s"),
        ("Framing", Category.FRAMING, "f"),
    ]
    attributes = {
        label.name: {item["name"]: item for item in label.attribute_schema}
        for label in codebook.labels.all()
    }
    source = attributes["Source"]
    assert list(source) == [
        "identification",
        "source type",
        "affiliation",
        "reason for anonymity given",
        "cue",
    ]
    assert source["identification"]["values"] == ["named", "partially identified", "anonymous"]
    assert len(source["source type"]["values"]) == 11
    assert "state media" in source["source type"]["values"]
    assert source["affiliation"]["kind"] == "entity"
    assert source["reason for anonymity given"]["kind"] == "bool"
    assert list(attributes["Claim"]) == ["type", "check-worthy", "attributed"]
    assert attributes["Claim"]["attributed"]["values"] == ["yes", "no", "unclear"]
    framing = attributes["Framing"]
    assert "scare quotes or distancing" in framing["device"]["values"]
    assert "agency hidden by passive voice" in framing["device"]["values"]
    assert len(framing["frame dimension"]["values"]) == 15
    for label in codebook.labels.all():
        schema.check_schema(label.attribute_schema)


# annotation_create


def test_it_tags_the_sample_source_with_its_quote_and_context(article, alice, source_label):
    start = article.text.index(SOURCE_QUOTE)
    tag = create(
        article,
        alice,
        source_label,
        start,
        start + len(SOURCE_QUOTE),
        attributes={"identification": "anonymous"},
        note="  Unnamed security official.  ",
    )
    tag = Annotation.objects.get(pk=tag.pk)
    assert tag.owner == alice
    assert tag.article == article
    assert tag.label == source_label
    assert (tag.start, tag.end) == (554, 554 + len(SOURCE_QUOTE))
    assert tag.quote == SOURCE_QUOTE
    assert tag.prefix == article.text[start - 32 : start]
    assert tag.prefix.endswith("in the Palestinian enclave.\n\n")
    assert tag.suffix == ", told EFE Agency that an Israel"
    assert tag.attributes == {"identification": "anonymous"}
    assert tag.note == "Unnamed security official."
    assert tag.origin == Annotation.Origin.MANUAL
    assert tag.deleted_at is None


def test_it_stores_the_snapped_offsets_and_the_exact_quote(article, alice, claim_label):
    start = article.text.index(CLAIM_QUOTE)
    # " killed 1,200 peo": a leading space and a cut word, as a sloppy drag selects it
    tag = create(article, alice, claim_label, start - 1, start + len(CLAIM_QUOTE) - 3)
    tag.refresh_from_db()
    assert (tag.start, tag.end) == (start, start + len(CLAIM_QUOTE))
    assert tag.quote == CLAIM_QUOTE == article.text[tag.start : tag.end]
    assert tag.prefix == article.text[start - 32 : start]
    assert tag.suffix == article.text[tag.end : tag.end + 32]


def test_without_snapping_it_keeps_a_cut_word_but_trims_spaces(article, alice, claim_label):
    start = article.text.index(CLAIM_QUOTE)
    tag = create(
        article, alice, claim_label, start - 1, start + len(CLAIM_QUOTE) - 3, snap_to_words=False
    )
    assert (tag.start, tag.end) == (start, start + len(CLAIM_QUOTE) - 3)
    assert tag.quote == "killed 1,200 peo"


def test_the_context_is_clipped_at_the_start_of_the_text(article, alice, framing_label):
    tag = create(article, alice, framing_label, 0, len("Representatives"))
    assert tag.prefix == ""
    assert tag.suffix == article.text[15:47]


def test_it_refuses_an_end_past_the_text_and_saves_nothing(article, alice, claim_label):
    length = len(article.text)
    with pytest.raises(AnnotationError, match=rf"not inside the text \(0 to {length}\)"):
        create(article, alice, claim_label, length - 3, length + 1, quote="ber.x")
    assert Annotation.objects.count() == 0


def test_it_refuses_a_quote_that_does_not_match_and_saves_nothing(article, alice, claim_label):
    start = article.text.index(CLAIM_QUOTE)
    with pytest.raises(AnnotationError) as excinfo:
        create(article, alice, claim_label, start, start + len(CLAIM_QUOTE), "killed 1,500 people")
    assert "“killed 1,500 people”" in str(excinfo.value)
    assert "which reads “killed 1,200 people”" in str(excinfo.value)
    assert Annotation.objects.count() == 0


def test_it_refuses_a_selection_of_only_spaces(article, alice, claim_label):
    start = article.text.index("\n\n")
    with pytest.raises(AnnotationError, match="only spaces"):
        create(article, alice, claim_label, start, start + 2)
    assert Annotation.objects.count() == 0


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        ({"identification": "secret"}, "“secret” is not one of"),
        ({"loyalty": "high"}, "Unknown attribute: loyalty."),
        ({"check-worthy": True}, "Unknown attribute: check-worthy."),
    ],
)
def test_it_refuses_bad_attribute_values_and_saves_nothing(
    article, alice, source_label, attributes, message
):
    start = article.text.index(SOURCE_QUOTE)
    with pytest.raises(AnnotationError, match=message):
        create(
            article, alice, source_label, start, start + len(SOURCE_QUOTE), attributes=attributes
        )
    assert Annotation.objects.count() == 0


def test_empty_attribute_values_are_not_stored(article, alice, source_label):
    start = article.text.index(SOURCE_QUOTE)
    tag = create(
        article,
        alice,
        source_label,
        start,
        start + len(SOURCE_QUOTE),
        attributes={"identification": ""},
    )
    tag.refresh_from_db()
    assert tag.attributes == {}


def test_overlapping_and_nested_tags_are_allowed(tag, article, alice, claim_label, source_label):
    outer = tag(article, alice, claim_label, "A senior Egyptian security source, who requested")
    nested = tag(article, alice, source_label, "Egyptian security source")
    overlapping = tag(article, alice, source_label, "who requested anonymity, told EFE Agency")
    same_span = tag(article, alice, claim_label, "Egyptian security source")
    assert outer.start < nested.start < nested.end < outer.end
    assert outer.start < overlapping.start < outer.end < overlapping.end
    assert (same_span.start, same_span.end) == (nested.start, nested.end)
    assert Annotation.objects.for_user(alice).count() == 4


def test_two_annotators_can_tag_the_same_words(tag, article, alice, bob, source_label):
    mine = tag(article, alice, source_label, SOURCE_QUOTE)
    theirs = tag(article, bob, source_label, SOURCE_QUOTE)
    assert list(Annotation.objects.for_user(alice)) == [mine]
    assert list(Annotation.objects.for_user(bob)) == [theirs]


def test_the_same_words_with_the_same_label_twice_are_refused(tag, article, alice, source_label):
    first = tag(article, alice, source_label, SOURCE_QUOTE)
    start = first.start
    with pytest.raises(AnnotationError) as excinfo:
        # A sloppier selection that snaps to the same words is the same tag.
        create(article, alice, source_label, start - 1, first.end - 3)
    assert str(excinfo.value).startswith(f"You have already tagged “{SOURCE_QUOTE}” as Source.")
    assert "hold Alt while selecting" in str(excinfo.value)  # it was widened to get there
    assert list(Annotation.objects.all()) == [first]


def test_the_same_words_with_another_label_or_by_another_user_are_allowed(
    tag, article, alice, bob, source_label, claim_label
):
    tag(article, alice, source_label, SOURCE_QUOTE)
    tag(article, alice, claim_label, SOURCE_QUOTE)
    tag(article, bob, source_label, SOURCE_QUOTE)
    assert Annotation.objects.count() == 3


def test_a_deleted_tag_does_not_block_tagging_the_words_again(source_tag, tag, source_label):
    services.annotation_delete(annotation=source_tag)
    again = tag(source_tag.article, source_tag.owner, source_label, SOURCE_QUOTE)
    assert list(Annotation.objects.for_user(source_tag.owner)) == [again]


def test_restoring_a_tag_whose_words_were_tagged_again_is_refused(source_tag, tag, source_label):
    services.annotation_delete(annotation=source_tag)
    again = tag(source_tag.article, source_tag.owner, source_label, SOURCE_QUOTE)
    with pytest.raises(AnnotationError, match="already tagged"):
        services.annotation_restore(annotation=source_tag)
    assert list(Annotation.objects.for_user(source_tag.owner)) == [again]


# annotation_update


def test_it_changes_the_note_and_attributes(source_tag):
    services.annotation_update(
        annotation=source_tag, attributes={"identification": "anonymous"}, note="  senior  "
    )
    source_tag.refresh_from_db()
    assert source_tag.attributes == {"identification": "anonymous"}
    assert source_tag.note == "senior"


def test_a_label_change_keeps_the_attributes_the_new_label_shares(
    tag, article, alice, source_label, official_label
):
    source = tag(
        article, alice, source_label, SOURCE_QUOTE, attributes={"identification": "anonymous"}
    )
    services.annotation_update(annotation=source, label=official_label)
    source.refresh_from_db()
    assert source.label == official_label
    assert source.attributes == {"identification": "anonymous"}


def test_a_label_change_drops_the_attributes_the_new_label_lacks(
    tag, article, alice, source_label, claim_label
):
    source = tag(
        article, alice, source_label, SOURCE_QUOTE, attributes={"identification": "anonymous"}
    )
    services.annotation_update(annotation=source, label=claim_label)
    source.refresh_from_db()
    assert source.label == claim_label
    assert source.attributes == {}


def test_a_label_change_keeps_links_that_still_fit(link, source_tag, official_label):
    services.annotation_update(annotation=source_tag, label=official_label)
    assert Relation.objects.filter(pk=link.pk).exists()


def test_a_label_change_drops_links_that_no_longer_fit(
    link, claim_tag, source_tag, tag, article, alice, source_label, framing_label
):
    other_source = tag(article, alice, source_label, "this same source")
    same_as = services.relation_create(
        from_annotation=source_tag, to_annotation=other_source, type=Relation.Type.SAME_AS
    )
    # The source becomes a framing tag: neither "attributed to" nor "same as" fits it now.
    services.annotation_update(annotation=source_tag, label=framing_label)
    assert not Relation.objects.filter(pk__in=[link.pk, same_as.pk]).exists()
    assert Annotation.objects.filter(pk__in=[claim_tag.pk, other_source.pk]).count() == 2


def test_a_claim_turned_source_loses_its_attribution_but_not_other_links(
    link, claim_tag, tag, article, alice, claim_label, source_label
):
    other_claim = tag(article, alice, claim_label, "two or three months without fighting")
    kept = services.relation_create(from_annotation=other_claim, to_annotation=link.to_annotation)
    services.annotation_update(annotation=claim_tag, label=source_label)
    assert not Relation.objects.filter(pk=link.pk).exists()
    assert Relation.objects.filter(pk=kept.pk).exists()


def test_a_bad_attribute_value_is_refused_and_the_row_is_unchanged(
    tag, article, alice, source_label
):
    source = tag(
        article,
        alice,
        source_label,
        SOURCE_QUOTE,
        attributes={"identification": "anonymous"},
        note="first",
    )
    before = Annotation.objects.filter(pk=source.pk).values().get()
    with pytest.raises(AnnotationError, match="“secret” is not one of"):
        services.annotation_update(
            annotation=source, attributes={"identification": "secret"}, note="second"
        )
    assert Annotation.objects.filter(pk=source.pk).values().get() == before


def test_a_label_change_whose_required_attribute_is_missing_is_refused(link, source_tag, codebook):
    strict = Label.objects.create(
        codebook=codebook,
        category=Category.FRAMING,
        name="Strict framing",
        colour="#000000",
        attribute_schema=[
            {"name": "device", "kind": "choice", "values": ["label"], "required": True}
        ],
    )
    before = Annotation.objects.filter(pk=source_tag.pk).values().get()
    with pytest.raises(AnnotationError, match="device is required."):
        services.annotation_update(annotation=source_tag, label=strict)
    assert Annotation.objects.filter(pk=source_tag.pk).values().get() == before
    assert Relation.objects.filter(pk=link.pk).exists()


def test_a_label_from_another_codebook_is_refused(source_tag):
    other = Codebook.objects.create(name="Other")
    foreign = Label.objects.create(
        codebook=other, category=Category.SOURCE, name="Source", colour="#000000"
    )
    with pytest.raises(AnnotationError, match="another codebook"):
        services.annotation_update(annotation=source_tag, label=foreign)
    source_tag.refresh_from_db()
    assert source_tag.label.codebook.is_default


def test_a_label_change_onto_an_identical_tag_is_refused(
    tag, article, alice, source_label, claim_label
):
    source = tag(article, alice, source_label, SOURCE_QUOTE)
    claim = tag(article, alice, claim_label, SOURCE_QUOTE)
    with pytest.raises(AnnotationError, match="already tagged"):
        services.annotation_update(annotation=claim, label=source_label)
    assert set(Annotation.objects.for_user(alice).values_list("pk", "label")) == {
        (source.pk, source_label.pk),
        (claim.pk, claim_label.pk),
    }


# annotation_delete and annotation_restore


def test_delete_is_soft_and_restore_brings_the_tag_back_with_its_links(
    link, claim_tag, source_tag, alice
):
    services.annotation_delete(annotation=source_tag)
    source_tag.refresh_from_db()
    assert source_tag.deleted_at is not None
    assert list(Annotation.objects.for_user(alice)) == [claim_tag]
    assert Annotation.objects.count() == 2
    assert Relation.objects.filter(pk=link.pk).exists()

    services.annotation_restore(annotation=source_tag)
    source_tag.refresh_from_db()
    assert source_tag.deleted_at is None
    assert set(Annotation.objects.for_user(alice)) == {claim_tag, source_tag}
    relation = Relation.objects.get()
    assert (relation.pk, relation.from_annotation, relation.to_annotation) == (
        link.pk,
        claim_tag,
        source_tag,
    )


# relation_create


def test_a_claim_is_attributed_to_its_source(claim_tag, source_tag):
    relation = services.relation_create(from_annotation=claim_tag, to_annotation=source_tag)
    relation = Relation.objects.get(pk=relation.pk)
    assert relation.from_annotation == claim_tag
    assert relation.to_annotation == source_tag
    assert relation.type == Relation.Type.ATTRIBUTED_TO


def test_two_sources_can_be_the_same_source(tag, article, alice, source_label, source_tag):
    again = tag(article, alice, source_label, "the source", nth=0)
    relation = services.relation_create(
        from_annotation=again, to_annotation=source_tag, type=Relation.Type.SAME_AS
    )
    assert Relation.objects.get().pk == relation.pk


def test_it_refuses_a_link_to_another_users_tag(tag, article, bob, source_label, claim_tag):
    bobs = tag(article, bob, source_label, SOURCE_QUOTE)
    with pytest.raises(AnnotationError, match="same annotator"):
        services.relation_create(from_annotation=claim_tag, to_annotation=bobs)
    with pytest.raises(AnnotationError, match="same annotator"):
        services.relation_create(from_annotation=bobs, to_annotation=claim_tag)
    assert Relation.objects.count() == 0


def test_it_refuses_a_link_across_articles(tag, other_article, alice, source_label, claim_tag):
    elsewhere = tag(other_article, alice, source_label, "A source")
    with pytest.raises(AnnotationError, match="within one article"):
        services.relation_create(from_annotation=claim_tag, to_annotation=elsewhere)
    assert Relation.objects.count() == 0


@pytest.mark.parametrize(
    ("from_", "to", "type", "message"),
    [
        ("source", "claim", "attributed_to", "links a claim to a source, not a source to a claim"),
        ("claim", "claim2", "attributed_to", "not a claim to a claim"),
        ("framing", "source", "attributed_to", "not a framing to a source"),
        ("claim", "source", "same_as", "links a source to a source, not a claim to a source"),
        ("claim", "source", "contradicts", "Unknown kind of link: contradicts."),
    ],
)
def test_it_refuses_links_between_the_wrong_categories(
    tag, article, alice, claim_label, framing_label, claim_tag, source_tag, from_, to, type, message
):
    tags = {
        "claim": claim_tag,
        "source": source_tag,
        "claim2": tag(article, alice, claim_label, "two or three months without fighting"),
        "framing": tag(article, alice, framing_label, "terrorists"),
    }
    with pytest.raises(AnnotationError, match=message):
        services.relation_create(from_annotation=tags[from_], to_annotation=tags[to], type=type)
    assert Relation.objects.count() == 0


def test_it_refuses_to_link_a_tag_to_itself(source_tag):
    with pytest.raises(AnnotationError, match="cannot be linked to itself"):
        services.relation_create(
            from_annotation=source_tag, to_annotation=source_tag, type=Relation.Type.SAME_AS
        )
    assert Relation.objects.count() == 0


def test_it_refuses_a_duplicate_link_and_keeps_the_first(link, claim_tag, source_tag):
    with pytest.raises(AnnotationError, match="already linked"):
        services.relation_create(from_annotation=claim_tag, to_annotation=source_tag)
    assert list(Relation.objects.all()) == [link]
    # The refused insert left the transaction usable.
    assert Annotation.objects.count() == 2


def test_relation_delete_removes_only_the_link(link, claim_tag, source_tag):
    services.relation_delete(relation=link)
    assert Relation.objects.count() == 0
    assert Annotation.objects.live().count() == 2
