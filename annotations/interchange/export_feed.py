"""The export feed: what an export holds, read from the database in chunks for the writers.

Who is in an export (the interchange contract): an annotator exports only their own
live tags; staff export everyone's, or one annotator's; a project's reviewers and managers
too, but others' tags only of the articles where they see them (access.others_tags_visible:
in a blind project once the article is opened for adjudication). Deleted tags never leave.

Articles are read by primary key in pages of ``ARTICLE_CHUNK``, their tags through one
iterator per page in chunks of ``TAG_CHUNK``, and the relations of each tag chunk and the
entity mentions of each article page in one query each: the number of queries grows with
the number of chunks, never with the number of tags.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import batched

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from annotations import access, voice
from annotations.interchange import brat, jsonl, labelstudio, records, table, w3c
from annotations.models import Annotation, Category, ConsensusLayer, Label, Relation
from newsdesk import ingest
from newsdesk.models import Article, EntityMention

ARTICLE_CHUNK = 100
TAG_CHUNK = 2_000


class ExportError(ValueError):
    """Export parameters that cannot be served; the message is meant for the user."""


class AnnotatorNotFound(ExportError):
    """An annotator the requesting user may not export, or who does not exist: a 404."""


@dataclass(frozen=True)
class Scope:
    """Whose tags: ``annotator`` None means every coder's (staff, or a project's reviewers),
    never a consensus layer's; a consensus is exported as its layer's user. ``user`` is who
    asks (None for the management command, which runs with the site's rights); ``project``
    narrows "every coder" to the project's members."""

    user: object | None
    annotator: object | None
    project: object | None = None
    consensus: bool = False

    @property
    def own(self) -> bool:
        return None not in (self.user, self.annotator) and self.annotator.pk == self.user.pk

    def tags(self) -> QuerySet[Annotation]:
        tags = Annotation.objects.live()
        if self.consensus:
            # The reviewers' own work, not a coder's: no blind mode applies.
            return tags.filter(owner=self.annotator)
        if self.user is not None and not self.own and not self.user.is_staff:
            # Others' tags only from the articles where this user sees them (blind mode).
            visible = Q(article__in=access.others_tags_visible(self.user))
            tags = tags.filter(visible | Q(owner=self.user))
        if self.annotator is not None:
            return tags.filter(owner=self.annotator)
        tags = tags.exclude(owner_id__in=ConsensusLayer.objects.values("user_id"))
        if self.project is not None:
            tags = tags.filter(owner__project_memberships__project=self.project)
        return tags

    def describe(self) -> str:
        if self.consensus:
            return f"the consensus of {self.project.name}"
        if self.annotator is None:
            return (
                "all annotators" if self.project is None else f"all coders of {self.project.name}"
            )
        return self.annotator.get_username()


LAYERS = ("", "consensus", "all")


def scope_for(user, annotator: str | None = None, *, layer: str = "", project=None) -> Scope:
    """The tags ``user`` may export, optionally narrowed to one annotator by username.

    In a ``project`` its reviewers and managers choose the layer: ``consensus``, ``all``
    coders, or one coder (``annotator``); by default the consensus once it has tags, else
    all coders. Anybody else exports their own tags, as outside projects.
    """
    annotator = (annotator or "").strip()
    layer = (layer or "").strip()
    if layer not in LAYERS:
        raise ExportError("layer must be “consensus”, “all” or left out.")
    reviews = project is not None and access.role_in(user, project) in access.REVIEWING_ROLES
    others = reviews or (project is None and access.may_export_for_others(user))
    if layer and project is None:
        raise ExportError("Choosing a layer needs a project (project=<id>).")
    if layer and not reviews:
        raise AnnotatorNotFound("Only the project's reviewers export its layers.")
    if layer == "consensus" or (reviews and not layer and not annotator):
        found = ConsensusLayer.objects.filter(project=project).select_related("user").first()
        has_tags = found is not None and Annotation.objects.for_user(found.user).exists()
        if has_tags:
            return Scope(user, found.user, project, consensus=True)
        if layer == "consensus":
            raise ExportError(f"The project {project.name} has no consensus yet.")
    if layer == "all" or (not annotator and others):
        return Scope(user, None, project)
    if not annotator or annotator == user.get_username():
        return Scope(user, user, project)
    if not others:
        raise AnnotatorNotFound("You can export your own tags only.")
    coders = get_user_model().objects.exclude(pk__in=ConsensusLayer.objects.values("user_id"))
    if project is not None:
        coders = coders.filter(project_memberships__project=project)
    other = coders.filter(username=annotator).first()
    if other is None:
        raise AnnotatorNotFound(f"There is no annotator named “{annotator}”.")
    return Scope(user, other, project)


def check_format(value: str | None) -> str:
    if value not in records.FORMATS:
        choices = ", ".join(records.FORMATS)
        shown = f"“{value}”" if value else "no format"
        raise ExportError(f"Unknown export format {shown}: choose one of {choices}.")
    return value


@dataclass
class Selection:
    """The articles and tags of one export."""

    articles: QuerySet[Article]
    tags: QuerySet[Annotation]
    # Write an article without tags as this annotator's (brat: an empty .ann), or None.
    empty_owner: str | None


def selection(scope: Scope, articles: QuerySet[Article]) -> Selection:
    return Selection(
        articles=articles,
        tags=scope.tags().filter(article__in=articles.values("pk")),
        empty_owner=scope.user.get_username() if scope.own else None,
    )


def tag_selection(tags: QuerySet[Annotation]) -> Selection:
    """Chosen tags (the admin's selection): their articles, deleted tags left out."""
    tags = tags.filter(deleted_at__isnull=True)
    return Selection(
        articles=Article.objects.filter(pk__in=tags.values("article_id")),
        tags=tags,
        empty_owner=None,
    )


def labels_of(tags: QuerySet[Annotation]) -> list[Label]:
    return list(Label.objects.filter(pk__in=tags.values("label_id")))


def attribute_names(labels: list[Label]) -> list[str]:
    """Attribute names in label order, then schema order, each once."""
    names: dict[str, None] = {}
    for label in labels:
        for item in label.attribute_schema:
            names.setdefault(item["name"])
    return list(names)


ARTICLE_FIELDS = ["pk", "title", "outlet__name", "byline", "published_on", "url", "language"]
TAG_FIELDS = [
    "pk",
    "article_id",
    "owner__username",
    "label_id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "attributes",
    "note",
    "origin",
    "created_at",
    "updated_at",
]


def groups(
    chosen: Selection,
    labels: list[Label],
    *,
    text: bool = False,
    entities: bool = False,
    original_offsets: bool = False,
) -> Iterator[records.Group]:
    """Every article of the selection in id order, with its tags per annotator.

    With ``original_offsets``, the tags of an article read from a text file count in that
    file as decoded (its offset map); the others keep the stored text's offsets, and each
    article record says which (``offsets``).
    """
    by_label = {label.pk: label for label in labels}
    # Whose voice a framing tag is in is derived from the text when not answered.
    voiced = text or any(_has_voice(label.attribute_schema) for label in labels)
    fields = [*ARTICLE_FIELDS, "text"] if voiced else list(ARTICLE_FIELDS)
    if original_offsets:
        fields.append("offset_map")
    last = 0
    while True:
        page = chosen.articles.filter(pk__gt=last).order_by("pk").values(*fields)
        rows = list(page[:ARTICLE_CHUNK])
        if not rows:
            return
        last = rows[-1]["pk"]
        articles = {row["pk"]: _article(row) for row in rows}
        if entities:
            mentions = EntityMention.objects.filter(article_id__in=list(articles)).order_by(
                "article_id", "start", "end", "pk"
            )
            for pk, start, end, label, name in mentions.values_list(
                "article_id", "start", "end", "label", "text"
            ):
                articles[pk].entities.append((start, end, label, name))
        maps = {row["pk"]: row["offset_map"] for row in rows} if original_offsets else {}
        for group in _page_groups(chosen, articles, by_label):
            if voiced:
                _fill_voice(group)
            if original_offsets:
                _to_original(group, maps[group.article.id])
            yield group


def _to_original(group: records.Group, breaks: list[list[int]] | None) -> None:
    group.article.offsets = records.STORED if breaks is None else records.ORIGINAL
    if breaks is None or breaks == [[0, 0]]:
        return
    for tag in group.tags:
        tag.start = ingest.to_original(breaks, tag.start)
        tag.end = ingest.to_original(breaks, tag.end)


def without_offset_map(chosen: Selection) -> list[int]:
    """The ids of the selection's articles that have no offset map (not read from a text
    file, or from before maps were kept): an original-offsets export keeps their stored
    offsets."""
    return list(
        chosen.articles.filter(offset_map__isnull=True).order_by("pk").values_list("pk", flat=True)
    )


def _has_voice(attribute_schema: list[dict]) -> bool:
    return any(item["name"] == voice.ATTRIBUTE for item in attribute_schema)


def _fill_voice(group: records.Group) -> None:
    """Framing tags without the annotator's answer get the derived voice."""
    framing = [
        tag
        for tag in group.tags
        if tag.category == Category.FRAMING
        and voice.ATTRIBUTE not in tag.attributes
        and _has_voice(tag.schema)
    ]
    if not framing:
        return
    claims = [
        voice.ClaimSpan(
            tag.start, tag.end, attributed=any(t == "attributed_to" for t, _ in tag.relations)
        )
        for tag in group.tags
        if tag.category == Category.CLAIM
    ]
    quotes = voice.quotations(group.article.text)
    for tag in framing:
        found = voice.of_framing(tag.start, tag.end, {}, claims=claims, quotes=quotes)
        tag.attributes = {**tag.attributes, voice.ATTRIBUTE: found.value}


def _article(row: dict) -> records.ArticleRecord:
    return records.ArticleRecord(
        id=row["pk"],
        title=row["title"],
        outlet=row["outlet__name"] or "",
        byline=row["byline"],
        published_on=row["published_on"],
        url=row["url"],
        language=row["language"],
        text=row.get("text", ""),
    )


def _page_groups(
    chosen: Selection, articles: dict[int, records.ArticleRecord], by_label: dict[int, Label]
) -> Iterator[records.Group]:
    """Merge the page's articles (in id order) with its tags (in article order)."""
    pending = iter(articles.values())

    def empty_up_to(article_id: int | None) -> Iterator[records.Group]:
        """Articles before ``article_id`` have no tags; ``article_id`` itself is taken."""
        for article in pending:
            if article.id == article_id:
                return
            yield records.Group(article, chosen.empty_owner, [])

    current: records.Group | None = None
    for tag in _tags(chosen.tags.filter(article_id__in=list(articles)), by_label):
        if current is None or tag.article_id != current.article.id:
            if current is not None:
                yield current
            yield from empty_up_to(tag.article_id)
            current = records.Group(articles[tag.article_id], tag.annotator, [])
        elif tag.annotator != current.annotator:
            yield current
            current = records.Group(current.article, tag.annotator, [])
        current.tags.append(tag)
    if current is not None:
        yield current
    yield from empty_up_to(None)


def _tags(tags: QuerySet[Annotation], by_label: dict[int, Label]) -> Iterator[records.TagRecord]:
    rows = (
        tags.order_by("article_id", "owner__username", "start", "-end", "pk")
        .values_list(*TAG_FIELDS)
        .iterator(chunk_size=TAG_CHUNK)
    )
    for chunk in batched(rows, TAG_CHUNK):
        links: dict[int, list[tuple[str, int]]] = {}
        relations = (
            Relation.objects.filter(
                from_annotation_id__in=[row[0] for row in chunk],
                to_annotation__deleted_at__isnull=True,
            )
            .order_by("pk")
            .values_list("from_annotation_id", "type", "to_annotation_id")
        )
        for source, rtype, target in relations:
            links.setdefault(source, []).append((rtype, target))
        for row in chunk:
            (pk, article_id, owner, label_id, start, end, quote, prefix, suffix) = row[:9]
            attributes, note, origin, created_at, updated_at = row[9:]
            label = by_label[label_id]
            yield records.TagRecord(
                id=pk,
                article_id=article_id,
                annotator=owner,
                label=label.name,
                category=label.category,
                start=start,
                end=end,
                quote=quote,
                prefix=prefix,
                suffix=suffix,
                attributes=attributes or {},
                schema=label.attribute_schema,
                note=note,
                origin=origin,
                created_at=created_at,
                updated_at=updated_at,
                relations=links.get(pk, []),
            )


def offsets_note(chosen: Selection, shown: int = 20) -> str:
    """What an original-offsets export says (W3C: in its label) about its offsets."""
    missing = without_offset_map(chosen)
    if not missing:
        return "; offsets count in the original files (as decoded)"
    ids = ", ".join(map(str, missing[:shown])) + (
        f" and {len(missing) - shown:,} more" if len(missing) > shown else ""
    )
    return (
        "; offsets count in the original files (as decoded), except for articles without "
        f"an offset map, which keep the stored text's: {ids}"
    )


def check_original_offsets(fmt: str, original_offsets: bool) -> None:
    if original_offsets and fmt in records.CARRY_TEXT:
        raise ExportError(
            f"{records.FORMATS[fmt]} carries the article's text, whose offsets it keeps: "
            "original-file offsets are offered for CSV, JSON Lines and W3C."
        )


def stream(
    fmt: str,
    chosen: Selection,
    *,
    links: records.Links | None = None,
    label: str = "",
    original_offsets: bool = False,
) -> Iterator[str | bytes]:
    """The export file in chunks: text (str) for csv/jsonl/w3c, bytes for brat.

    ``original_offsets`` (csv, jsonl, w3c): offsets in the files articles were read from.
    """
    check_original_offsets(fmt, original_offsets)
    labels = labels_of(chosen.tags)
    original = {"original_offsets": original_offsets}
    if fmt == "csv":
        return table.write_csv(
            groups(chosen, labels, **original), attribute_names(labels), offsets=original_offsets
        )
    if fmt == "jsonl":
        return jsonl.write_jsonl(groups(chosen, labels, text=True, entities=True, **original))
    if fmt == "brat":
        return brat.write_brat(groups(chosen, labels, text=True))
    if fmt == "labelstudio":
        return labelstudio.write_labelstudio(groups(chosen, labels, text=True))
    if fmt == "w3c":
        if links is None:
            raise ExportError("A W3C export needs the site's address for its ids.")
        # A discontinuous span's later stretches go in their first stretch's annotation.
        stretches = chosen.tags.filter(
            relations_out__type=Relation.Type.FRAGMENT_OF,
            relations_out__to_annotation__in=chosen.tags,
        )
        total = chosen.tags.count() - stretches.distinct().count()
        return w3c.write_w3c(
            groups(chosen, labels, **original), total=total, links=links, label=label
        )
    raise ExportError(f"Unknown export format “{fmt}”.")


def encoded(chunks: Iterator[str | bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    """UTF-8 bytes in pieces of about ``size``: fewer, larger writes to the client."""
    buffer: list[bytes] = []
    held = 0
    for chunk in chunks:
        data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
        buffer.append(data)
        held += len(data)
        if held >= size:
            yield b"".join(buffer)
            buffer, held = [], 0
    if buffer:
        yield b"".join(buffer)
