"""Label Studio's JSON export read, and its import format written. Pure, no Django.

A task is ``{"data": {"text": …}, "annotations": [{"completed_by", "result": […]}]}``.
Each annotation of a task is one annotator's set of tags: a ``labels`` result is a tag
(``value.start``/``end``/``text``/``labels``), ``choices`` and ``textarea`` results with
the same region ``id`` are its attributes (``from_name`` naming the attribute; a
``textarea`` named ``note`` is the note), and ``relation`` results link two regions.
Offsets are code points into ``data.text``, as Label Studio stores them since 1.0.x;
older exports that counted UTF-16 units (the browser's) are read by their ``text``
when only that reading fits. ``predictions`` and cancelled annotations are not tags.
"""

import json
from collections.abc import Iterable, Iterator
from itertools import groupby
from typing import Any

from annotations.interchange import anchoring
from annotations.interchange.records import (
    Document,
    Group,
    ImportFormatError,
    Link,
    Span,
    anchored,
    attribute_text,
    normalised,
    relation_type,
)

NOTE = "note"


def looks_like(root: Any) -> bool:
    """A Label Studio export: tasks with "data" (and "annotations"), not Web Annotations."""
    tasks = root if isinstance(root, list) else [root]
    return bool(tasks) and all(
        isinstance(task, dict)
        and isinstance(task.get("data"), dict)
        and ("annotations" in task or "predictions" in task or "completions" in task)
        for task in tasks
    )


def read_labelstudio(root: Any, *, name: str, data: str = "") -> list[Document]:
    tasks = root if isinstance(root, list) else [root]
    documents = []
    for index, task in enumerate(tasks, start=1):
        line = _line_of(data, task.get("id"), index)
        documents.extend(_task(task, index, name=name, line=line))
    if not documents:
        raise ImportFormatError("the file holds no annotated tasks.", name=name)
    return documents


def _line_of(data: str, task_id: Any, index: int) -> int | None:
    if task_id is None or not data:
        return None
    found = data.find(f'"id": {json.dumps(task_id)}')
    if found < 0:
        found = data.find(f'"id":{json.dumps(task_id)}')
    return data.count("\n", 0, found) + 1 if found >= 0 else None


def _task(task: dict, index: int, *, name: str, line: int | None) -> list[Document]:
    where_task = f"task {task.get('id', index)}"

    def fail(message: str, where: str = "") -> ImportFormatError:
        return ImportFormatError(
            message, name=name, line=line, where=f"{where_task}{', ' + where if where else ''}"
        )

    text = task["data"].get("text")
    if not isinstance(text, str):
        keys = ", ".join(task["data"]) or "nothing"
        raise fail(f"the task's data has no “text” (it has {keys}).")
    norm = normalised(text, name=name)
    annotations = task.get("annotations", task.get("completions", []))
    if not isinstance(annotations, list):
        raise fail("“annotations” must be a list.")
    title = str(task["data"].get("title") or (task.get("meta") or {}).get("title") or "")
    language = task["data"].get("language") or ""
    documents = []
    for number, annotation in enumerate(annotations, start=1):
        if not isinstance(annotation, dict):
            raise fail("an annotation must be an object.", f"annotation {number}")
        if annotation.get("was_cancelled"):
            continue
        doc = Document(
            name=name,
            text=norm.text,
            title=title[:300],
            line=line,
            annotator=annotator_of(annotation.get("completed_by")),
            language=language if isinstance(language, str) else "",
            file_text=norm,
        )
        _results(doc, norm, annotation.get("result", []), fail, f"annotation {number}")
        documents.append(doc)
    return documents


def annotator_of(completed_by: Any) -> str:
    """Who made an annotation: a username, an email, or "" (a bare Label Studio user
    number names no one here)."""
    if isinstance(completed_by, dict):
        for key in ("username", "email"):
            if isinstance(completed_by.get(key), str) and completed_by[key]:
                return completed_by[key]
        return ""
    if isinstance(completed_by, str):
        return completed_by
    return ""


def _results(doc: Document, norm, results: Any, fail, where: str) -> None:
    if not isinstance(results, list):
        raise fail("“result” must be a list.", where)
    regions: dict[str, Span] = {}
    extras = []
    for number, result in enumerate(results, start=1):
        here = f"{where}, result {number}"
        if not isinstance(result, dict):
            raise fail("a result must be an object.", here)
        kind = result.get("type")
        if kind == "labels":
            span = _region(norm, result, fail, here, doc)
            if span.key in regions:
                raise fail(f"the region id {span.key} is used twice.", here)
            regions[span.key] = span
        elif kind in ("choices", "textarea", "relation"):
            extras.append((here, result))
        else:
            raise fail(
                f"a “{kind}” result has no counterpart in a Newsdesk tag (it takes labels "
                "regions, their choices and textareas, and relations).",
                here,
            )
    for here, result in extras:
        if result["type"] == "relation":
            labels = result.get("labels") or []
            kind = relation_type(labels[0]) if len(labels) == 1 else None
            if kind is None:
                raise fail(
                    f"a relation labelled {json.dumps(labels)} has no counterpart: Newsdesk "
                    "links a claim to its source (attributed_to, Attribution) and a source "
                    "to an earlier mention (same_as, Equiv).",
                    here,
                )
            ends = [str(result.get("from_id")), str(result.get("to_id"))]
            for end in ends:
                if end not in regions:
                    raise fail(f"the relation points to region {end}, which is not here.", here)
            if result.get("direction") == "left":
                ends.reverse()
            doc.links.append(Link(kind, ends[0], ends[1], line=doc.line, where=here))
            continue
        region = regions.get(str(result.get("id")))
        if region is None:
            raise fail(
                f"the {result['type']} “{result.get('from_name')}” belongs to no labelled "
                "region; Newsdesk keeps values only on tags.",
                here,
            )
        value = result.get("value") or {}
        attribute = str(result.get("from_name") or "")
        if result["type"] == "choices":
            choices = value.get("choices")
            if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
                raise fail("“choices” must be a list of values.", here)
            region.attribute_pairs.extend((attribute, choice) for choice in choices)
            continue
        texts = value.get("text")
        texts = texts if isinstance(texts, list) else [texts]
        if not all(isinstance(t, str) for t in texts):
            raise fail("a textarea's “text” must be text.", here)
        if attribute == NOTE:
            region.note = "\n".join(filter(None, [region.note, *texts]))
        else:
            region.attribute_pairs.append((attribute, "\n".join(texts)))
    doc.spans.extend(regions.values())


def _region(norm, result: dict, fail, here: str, doc: Document) -> Span:
    value = result.get("value")
    if not isinstance(value, dict):
        raise fail("a labels result needs a “value”.", here)
    start, end, labels = value.get("start"), value.get("end"), value.get("labels")
    if type(start) is not int or type(end) is not int:
        raise fail(
            "a labels region needs whole-number “start” and “end” (a region given by "
            "XPath offsets, from an HTML task, has no place in a text).",
            here,
        )
    if not isinstance(labels, list) or len(labels) != 1 or not isinstance(labels[0], str):
        raise fail(f"a region needs exactly one label, not {json.dumps(labels)[:60]}.", here)
    quote = value.get("text")
    if quote is not None and not isinstance(quote, str):
        raise fail("a region's “text” must be text.", here)
    start, end = _code_points(norm.original, start, end, quote)
    key = str(result.get("id") or here)
    start, end = anchored(norm, start, end, quote, name=doc.name, line=doc.line, where=here)
    return Span(key=key, label=labels[0], start=start, end=end, line=doc.line, where=here)


def _code_points(text: str, start: int, end: int, quote: str | None) -> tuple[int, int]:
    """Offsets as code points; UTF-16 ones (older Label Studio) only when the quote says so."""
    if quote is None or anchoring.same_quote(quote, text[start:end]):
        return start, end
    units = text.encode("utf-16-le")
    if 0 <= start < end <= len(units) // 2:
        before = units[: start * 2].decode("utf-16-le", errors="strict") if start else ""
        inside = units[start * 2 : end * 2].decode("utf-16-le", errors="replace")
        if anchoring.same_quote(quote, inside):
            return len(before), len(before) + len(inside)
    return start, end  # refused by the quote check, with the text it found there


# Writing


def _result_id(tag_id: int) -> str:
    return f"t{tag_id}"


def task_results(tags) -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    ids = {tag.id for tag in tags}
    for tag in tags:
        region = _result_id(tag.id)
        common = {"id": region, "to_name": "text", "origin": "manual"}
        span = {"start": tag.start, "end": tag.end}
        results.append(
            {
                **common,
                "from_name": "label",
                "type": "labels",
                "value": {**span, "text": tag.quote, "labels": [tag.label]},
            }
        )
        for item in tag.schema:
            value = tag.attributes.get(item["name"])
            if value in (None, "", []):
                continue
            if item.get("kind") == "text":
                kind, payload = "textarea", {"text": [str(value)]}
            else:
                values = value if isinstance(value, list) else [value]
                kind, payload = "choices", {"choices": [attribute_text(v) for v in values]}
            results.append(
                {**common, "from_name": item["name"], "type": kind, "value": {**span, **payload}}
            )
        if tag.note:
            results.append(
                {
                    **common,
                    "from_name": NOTE,
                    "type": "textarea",
                    "value": {**span, "text": [tag.note]},
                }
            )
    for tag in tags:
        for rtype, other in tag.relations:
            if other in ids:  # a link to a tag outside this task cannot be written
                results.append(
                    {
                        "from_id": _result_id(tag.id),
                        "to_id": _result_id(other),
                        "type": "relation",
                        "direction": "right",
                        "labels": [rtype],
                    }
                )
    return results


def write_labelstudio(groups: Iterable[Group]) -> Iterator[str]:
    """A JSON list of tasks, one per article, one annotation per annotator, streamed."""
    yield "["
    separator = "\n"
    for _, article_groups in groupby(groups, key=lambda group: group.article.id):
        article_groups = list(article_groups)
        article = article_groups[0].article
        task = {
            "id": article.id,
            "data": {"text": article.text, "title": article.title, "language": article.language},
            "annotations": [
                {"completed_by": {"username": group.annotator}, "result": task_results(group.tags)}
                for group in article_groups
                if group.annotator is not None
            ],
        }
        yield separator + json.dumps(task, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"
