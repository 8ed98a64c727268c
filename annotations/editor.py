"""What the tag editor shows: the tag, its row with links, the labels, the sources it may be
linked to and, for framing, the voice it would have without the annotator's answer."""

from annotations import rows, voice
from annotations.models import Annotation, Category, Label, Relation
from newsdesk import sql


def context(tag: Annotation, row: rows.TagRow, labels: list[Label]) -> dict:
    sources = []
    if tag.label.category in (Category.CLAIM, Category.SOURCE):
        linked = {other.pk for _, other in [*row.links_out, *row.links_in]}
        sources = rows.nearby_sources(tag, exclude={tag.pk, *linked})
    derived_voice = None
    if tag.label.category == Category.FRAMING:
        derived_voice = framing_voice(tag)
    # The nearest source before the claim is most often the one it is attributed to.
    preceding = [source.pk for source in sources if source.start <= tag.start]
    return {
        "tag": tag,
        "row": row,
        "labels": labels,
        "link_choices": sources,
        "link_preselect": preceding[-1] if preceding else None,
        "link_missing": tag.label.category == Category.CLAIM and not sources and not row.links_out,
        "link_type": "same_as" if tag.label.category == Category.SOURCE else "attributed_to",
        "derived_voice": derived_voice,
    }


def framing_voice(tag: Annotation) -> voice.Voice:
    """The voice the tag would have without the annotator's answer, for the editor's hint."""
    annotation, end = sql.table(Annotation), sql.name("end")
    in_sourced_claim = sql.fetch(
        f"SELECT EXISTS (SELECT 1 FROM {annotation} a JOIN {sql.table(Label)} l "
        f"ON l.id = a.label_id JOIN {sql.table(Relation)} r ON r.from_annotation_id = a.id "
        f"JOIN {annotation} t ON t.id = r.to_annotation_id WHERE a.owner_id = %s "
        "AND a.article_id = %s AND a.deleted_at IS NULL AND l.category = %s "
        f"AND a.start <= %s AND a.{end} >= %s AND r.type = %s AND t.deleted_at IS NULL)",
        [
            tag.owner_id,
            tag.article_id,
            Category.CLAIM,
            tag.start,
            tag.end,
            Relation.Type.ATTRIBUTED_TO,
        ],
    )[0][0]
    claims = [voice.ClaimSpan(tag.start, tag.end, attributed=True)] if in_sourced_claim else []
    return voice.of_framing(
        tag.start,
        tag.end,
        {},
        claims=claims,
        quotes=voice.quotations(tag.article.text, tag.start, tag.end),
    )


CONFLICT_MESSAGES = {
    "update": "Not saved: this tag was changed in another tab or window since you opened it.",
    "delete": "Not deleted: this tag was changed in another tab or window since you opened it.",
    "restore": "Not restored: this tag was changed in another tab or window since it was "
    "deleted here.",
}


def conflict_context(tag: Annotation, action: str) -> dict:
    """What the 409 answer shows: why nothing was saved, and the values stored now."""
    return {
        "tag": tag,
        "action": action,
        "message": CONFLICT_MESSAGES[action],
        "stored": stored_values(tag),
    }


def stored_values(tag: Annotation) -> list[tuple[str, str]]:
    """The tag's attribute values as the editor would show them, in the schema's order."""
    names = [item["name"] for item in tag.label.attribute_schema]
    names += sorted(set(tag.attributes) - set(names))
    shown = []
    for name in names:
        value = tag.attributes.get(name)
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, list):
            value = ", ".join(map(str, value))
        shown.append((name, "" if value is None else str(value)))
    return shown
