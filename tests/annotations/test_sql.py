"""The workbench's hottest reads are written as SQL (newsdesk/sql.py): each is compared
here with the ORM query it replaced, on tags of two coders over two articles with deleted
tags, links to deleted tags, nested and equal stretches, and windows at the text's edges."""

import random

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from annotations import changes, editor, layers, rows, services
from annotations.models import Annotation, Category, ProjectMember, Relation
from newsdesk.models import EntityMention


@pytest.fixture
def mixed(article, other_article, alice, bob, claim_label, source_label, framing_label):
    """~120 tags at random on both articles, by both coders, some deleted, some linked."""
    rng = random.Random(11)
    labels = [claim_label, source_label, framing_label]
    made, keys = [], set()
    for owner in (alice, bob):
        for target in (article, article, other_article):
            for _ in range(20):
                start = rng.randrange(0, len(target.text) - 40)
                end = start + rng.choice([5, 12, 30, 40])
                if made and made[-1].article_id == target.pk and rng.random() < 0.4:
                    start = made[-1].start  # nested in, or the same as, the tag before
                    end = start + rng.choice([5, 12, 30, 40])
                    if rng.random() < 0.4:
                        end = made[-1].end
                label = rng.choice(labels)
                if (owner.pk, target.pk, label.pk, start, end) in keys:
                    continue  # one tag per coder, label and stretch
                keys.add((owner.pk, target.pk, label.pk, start, end))
                made.append(
                    Annotation.objects.create(
                        article=target,
                        owner=owner,
                        label=label,
                        start=start,
                        end=end,
                        quote=target.text[start:end],
                        attributes={"n": rng.randrange(3)} if rng.random() < 0.3 else {},
                    )
                )
    by_owner_article = {}
    for tag in made:
        by_owner_article.setdefault((tag.owner_id, tag.article_id), []).append(tag)
    for group in by_owner_article.values():
        for claim, source in zip(group[::2], group[1::2], strict=False):
            if rng.random() < 0.5:
                Relation.objects.create(from_annotation=claim, to_annotation=source)
    for tag in rng.sample(made, 25):
        tag.deleted_at = timezone.now()
        tag.save(update_fields=["deleted_at"])
    for n in range(40):
        start = rng.randrange(0, len(article.text) - 20)
        EntityMention.objects.create(
            article=article, start=start, end=start + 5 + n % 7, label="ORG", text="x"
        )
    return made


def windows(text):
    rng = random.Random(5)
    yield 0, len(text)
    yield 0, 1
    yield len(text) - 1, len(text)
    for _ in range(30):
        lo = rng.randrange(0, len(text))
        yield lo, min(len(text), lo + rng.choice([1, 50, 400, 2_000]))


def test_tag_rows_match_the_orm(mixed, article, alice, bob, codebook):
    labels = list(codebook.labels.all())
    for owner in (alice, bob):
        for lo, hi in windows(article.text):
            expected = list(
                Annotation.objects.for_user(owner)
                .filter(article=article, start__lt=hi, end__gt=lo)
                .order_by("start", "-end", "pk")
                .values_list("pk", "start", "end", "quote", "label_id", "attributes", "note")
            )
            found = rows.tag_rows(article, owner, labels, lo=lo, hi=hi)
            got = [(r.pk, r.start, r.end, r.quote, r.label.pk, r.attributes, r.note) for r in found]
            assert got == expected
        whole = rows.tag_rows(article, owner.pk, labels)
        assert [r.pk for r in whole] == list(
            Annotation.objects.for_user(owner)
            .filter(article=article)
            .order_by("start", "-end", "pk")
            .values_list("pk", flat=True)
        )
        assert any(r.attributes for r in whole)  # JSON comes back as a dict, not text


def test_counts_match_the_orm(mixed, article, alice, bob, codebook):
    labels = list(codebook.labels.all())
    for owner in (alice, bob):
        expected = dict(
            Annotation.objects.for_user(owner)
            .filter(article=article)
            .values("label")
            .annotate(n=Count("pk"))
            .values_list("label", "n")
        )
        by_label, by_category = rows.counts(article, owner, labels)
        assert by_label == expected
        assert sum(by_category.values()) == sum(expected.values()) > 0


def test_next_row_matches_the_orm(mixed):
    for tag in mixed:
        expected = (
            Annotation.objects.for_user(tag.owner_id)
            .filter(article_id=tag.article_id, label__category=tag.label.category)
            .filter(
                Q(start__gt=tag.start)
                | Q(start=tag.start, end__lt=tag.end)
                | Q(start=tag.start, end=tag.end, pk__gt=tag.pk)
            )
            .exclude(pk=tag.pk)
            .order_by("start", "-end", "pk")
            .values_list("pk", flat=True)
            .first()
        )
        assert rows.next_row_pk(tag) == expected


def test_nearby_sources_match_the_orm(mixed):
    seen = 0
    for tag in mixed:
        exclude = {tag.pk, mixed[0].pk}
        window = (
            Annotation.objects.for_user(tag.owner_id)
            .filter(
                article_id=tag.article_id,
                label__category=Category.SOURCE,
                start__gte=tag.start - 300,
                start__lte=tag.end + 300,
            )
            .exclude(pk__in=exclude)
            .order_by("start", "pk")
        )
        sources = list(window)
        earlier = [s for s in sources if s.start <= tag.start][-2:]
        later = [s for s in sources if s.start > tag.start][:1]
        expected = [(s.pk, s.start, s.quote) for s in earlier + later]
        found = rows.nearby_sources(tag, exclude=exclude, before=2, after=1, reach=300)
        assert [(s.pk, s.start, s.quote) for s in found] == expected
        seen += len(found)
    assert seen > 20


def test_mention_marks_match_the_orm(mixed, article):
    for lo, hi in windows(article.text):
        expected = list(
            EntityMention.objects.filter(article=article, start__lt=hi, end__gt=lo)
            .order_by("start")
            .values_list("start", "end")
        )
        spans = layers.mention_spans(article, lo, hi)
        assert [(s.start, s.end) for s in spans] == expected
        assert all(s.css == "ent-ORG" for s in spans)


def test_links_match_the_orm(mixed):
    linked = 0
    for tag in mixed:
        expected = {
            (pk, to if source == tag.pk else source)
            for pk, source, to in Relation.objects.filter(
                Q(from_annotation=tag) | Q(to_annotation=tag)
            ).values_list("pk", "from_annotation", "to_annotation")
        }
        assert changes.links_of(tag) == expected
        linked += bool(expected)
    assert linked > 10


def test_attributed_value_matches_the_orm(mixed):
    """Linked to a live source by "attributed to" (not by another type, nor to a deleted
    tag) is "yes"; a source's live claims are those linked to it so."""
    for claim, other in zip(mixed[1::3], mixed[2::3], strict=False):
        Relation.objects.create(from_annotation=claim, to_annotation=other, type="same_as")
    answers = set()
    for tag in mixed:
        claims = Annotation.objects.filter(
            relations_out__to_annotation=tag,
            relations_out__type=Relation.Type.ATTRIBUTED_TO,
            deleted_at__isnull=True,
        )
        assert {c.pk for c in services._claims_linked_to(tag)} == {c.pk for c in claims}
        linked = Relation.objects.filter(
            from_annotation=tag,
            type=Relation.Type.ATTRIBUTED_TO,
            to_annotation__deleted_at__isnull=True,
        ).exists()
        assert services.attributed_value(tag) == ("yes" if linked else None)
        answers.add(linked)
    assert answers == {True, False}
    # Some claims are linked only to deleted tags, or only by another type.
    assert Relation.objects.filter(to_annotation__deleted_at__isnull=False).exists()


def test_framing_voice_sees_a_sourced_claim_around_it(
    article, alice, bob, tag, claim_label, source_label, framing_label
):
    """The one EXISTS: a framing tag inside a claim of the same coder, linked to a live
    source, is in a sourced claim; a deleted source, another coder's claim, or a claim
    that does not cover it are not."""
    claim = tag(article, alice, claim_label, "killed 1,200 people")
    framing = tag(article, alice, framing_label, "1,200")
    source = tag(article, alice, source_label, "security source")
    assert editor.framing_voice(framing).value == voice_without_claim(framing).value
    relation = services.relation_create(from_annotation=claim, to_annotation=source)
    inside = editor.framing_voice(framing)
    assert inside.value != voice_without_claim(framing).value
    services.annotation_delete(annotation=source)
    assert editor.framing_voice(framing).value == voice_without_claim(framing).value
    services.annotation_restore(annotation=Annotation.objects.get(pk=source.pk))
    assert editor.framing_voice(framing).value == inside.value
    bobs = tag(article, bob, framing_label, "1,200")
    assert editor.framing_voice(bobs).value == voice_without_claim(bobs).value
    relation.delete()
    assert editor.framing_voice(framing).value == voice_without_claim(framing).value


def voice_without_claim(tag):
    from annotations import voice

    quotes = voice.quotations(tag.article.text, tag.start, tag.end)
    return voice.of_framing(tag.start, tag.end, {}, claims=[], quotes=quotes)


def orm_rows_with_links(owner, pks):
    """The ORM query rows.rows_with_links replaced: (tag, links out, links in) per tag."""
    tags = {
        t.pk: t
        for t in Annotation.objects.for_user(owner).filter(pk__in=pks).select_related("label")
    }
    relations = list(
        Relation.objects.filter(Q(from_annotation__in=tags) | Q(to_annotation__in=tags))
        .filter(from_annotation__deleted_at__isnull=True, to_annotation__deleted_at__isnull=True)
        .order_by("pk")
    )
    shown = {}
    for pk in pks:
        if pk in tags:
            tag = tags[pk]
            out = [
                (r.pk, r.type, r.to_annotation_id) for r in relations if r.from_annotation == tag
            ]
            into = [
                (r.pk, r.type, r.from_annotation_id) for r in relations if r.to_annotation == tag
            ]
            shown[pk] = (tag.start, tag.end, tag.quote, tag.label_id, tag.attributes, out, into)
    return shown


def test_rows_with_links_match_the_orm(mixed, article, alice, bob, codebook):
    rng = random.Random(3)
    labels = list(codebook.labels.all())
    linked = 0
    for owner in (alice, bob):
        pks = [t.pk for t in mixed]  # others' and deleted ones too: never shown
        for size in (1, 1, 2, 5, len(pks)):
            chosen = rng.sample(pks, size)
            for given in (labels, None):
                found = rows.rows_with_links(article, owner, chosen, given)
                got = {
                    row.pk: (
                        row.start,
                        row.end,
                        row.quote,
                        row.label.pk,
                        row.attributes,
                        [(r.pk, r.type, other.pk) for r, other in row.links_out],
                        [(r.pk, r.type, other.pk) for r, other in row.links_in],
                    )
                    for row in found
                }
                assert got == orm_rows_with_links(owner, chosen)
                assert list(got) == [pk for pk in chosen if pk in got]
                linked += sum(bool(v[5] or v[6]) for v in got.values())
    assert linked > 10
    assert rows.rows_with_links(article, alice, []) == []


def field_values(instance):
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_own_tag_builds_what_the_orm_builds(mixed, alice, bob, article, other_article, team):
    from django.http import Http404

    from annotations import access

    team(article, other_article, alice=True, bob=True)
    checked = {True: 0, False: 0}
    for tag in mixed:
        expected = Annotation.objects.select_related("label", "article").get(pk=tag.pk)
        deleted = expected.deleted_at is not None
        owner = alice if expected.owner_id == alice.pk else bob
        other = bob if owner is alice else alice
        found = access._own_tag(owner, tag.pk, deleted=deleted)
        assert field_values(found) == field_values(expected)
        assert field_values(found.label) == field_values(expected.label)
        assert field_values(found.article) == field_values(expected.article)
        assert isinstance(found.attributes, dict) and isinstance(found.label.attribute_schema, list)
        assert not found._state.adding
        for who, state in ((other, deleted), (owner, not deleted)):
            with pytest.raises(Http404):
                access._own_tag(who, tag.pk, deleted=state)
        checked[deleted] += 1
    assert checked[True] > 5 and checked[False] > 50
    ProjectMember.objects.filter(user=bob).delete()
    bobs = next(t for t in mixed if t.owner_id == bob.pk and t.deleted_at is None)
    with pytest.raises(Http404):  # off the project: his tags stay, he changes them no more
        access._own_tag(bob, bobs.pk, deleted=False)
    assert Annotation.objects.filter(pk=bobs.pk, deleted_at=None).exists()


def test_the_written_out_update_stores_what_the_orm_would(
    article, alice, tag, source_label, official_label
):
    source = tag(article, alice, source_label, "A senior Egyptian security source")
    values = {"identification": "anonymous", "office": "Ministère “de l’Intérieur”"}
    services.annotation_update(
        annotation=source, label=official_label, attributes=values, note="n’ote\n2"
    )
    stored = Annotation.objects.get(pk=source.pk)
    assert (stored.label_id, stored.attributes, stored.note) == (
        official_label.pk,
        values,
        "n’ote\n2",
    )
    assert stored.version == source.version == 2 and stored.updated_at == source.updated_at
    services.annotation_delete(annotation=source)
    stored = Annotation.objects.get(pk=source.pk)
    assert stored.deleted_at == source.deleted_at and stored.deleted_at is not None
    with pytest.raises(services.Conflict):
        services.annotation_update(annotation=stored, note="stale", version=1)
    assert Annotation.objects.get(pk=source.pk).note == "n’ote\n2"
    services.annotation_restore(annotation=stored)
    assert Annotation.objects.get(pk=source.pk).deleted_at is None


def test_article_and_labels_load_what_the_orm_loads(article, other_article, codebook):
    """The create endpoint's article and every write's labels, read written-out."""
    from django.http import Http404

    from annotations import access, codebooks
    from annotations.models import ArticleCodebook, Codebook, Label
    from newsdesk.models import Article

    for target in (article, other_article):
        assert field_values(access.article_or_404(target.pk)) == field_values(
            Article.objects.get(pk=target.pk)
        )
    for missing in (0, 10**6, 2**63):
        with pytest.raises(Http404):
            access.article_or_404(missing)
    # The default codebook's labels, then a codebook of the article's own, in its order.
    default = Label.objects.filter(codebook__is_default=True).order_by("position", "id")
    got = codebooks.article_labels(article.pk)
    assert got
    assert [field_values(x) for x in got] == [field_values(x) for x in default]
    own = Codebook.objects.create(name="Own")
    for n, name in enumerate(["Zeta", "Alpha"]):
        Label.objects.create(codebook=own, name=name, category="claim", position=1 - n)
    ArticleCodebook.objects.create(article=article, codebook=own)
    assert [x.name for x in codebooks.article_labels(article.pk)] == ["Alpha", "Zeta"]
    assert [x.name for x in codebooks.article_labels(other_article.pk)] == [x.name for x in default]


def test_suggestions_by_pk_load_what_the_orm_loads(article, alice):
    from annotations.models import Suggestion

    made = [
        Suggestion.objects.create(
            article=article,
            category="claim",
            start=n,
            end=n + 4,
            quote=article.text[n : n + 4],
            attributes={"n": n} if n % 2 else {},
            reason="test",
        )
        for n in range(0, 40, 5)
    ]
    marks = [layers.SuggestionMark(s.pk, s.category, s.start, s.end) for s in made[::-1]]
    marks.append(layers.SuggestionMark(10**9, "claim", 0, 1))  # gone since: left out
    got = layers.suggestions_by_pk(marks)
    assert [s.pk for s in got] == [s.pk for s in made[::-1]]
    assert [field_values(s) for s in got] == [
        field_values(Suggestion.objects.get(pk=s.pk)) for s in got
    ]
    assert layers.suggestions_by_pk([]) == []


def test_pk_url_is_reverse_under_any_script_prefix():
    from django.urls import reverse, set_script_prefix

    from annotations.row_html import pk_url

    names = ["suggestion-accept", "suggestion-dismiss", "annotation-update", "entity-names"]
    try:
        for prefix in ("/", "/newsdesk/"):
            set_script_prefix(prefix)
            for name in names:
                for pk in (1, 42, 987654321, 2**40):
                    url = f"annotations:{name}"
                    assert pk_url(url, pk) == reverse(url, args=[pk])
    finally:
        set_script_prefix("/")
