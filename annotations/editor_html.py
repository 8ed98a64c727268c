"""Markup of the tag editor. Pure: no database (annotations/editor.py reads what it shows).

Built in Python, as the sidebar rows are (row_html.py): creating, relabelling and undoing
all answer with the editor, and the template partial it replaces took 0.7–1.0 ms of a
5 ms write to render (the label radios, one field per attribute, the link form), against
under 0.1 ms here. Every value is escaped; the markup is the partial's, class for class.
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from annotations.row_html import clip, pk_url


def _e(value) -> str:
    return escape(str(value))


def editor_html(context: dict) -> SafeString:
    """The editor for ``context`` (editor.context(), with ``read_only`` when shown so)."""
    tag, row, read_only = context["tag"], context["row"], context.get("read_only", False)
    label = tag.label
    out = [
        f'<div class="editor cat-{_e(label.category)}" data-editor-for="{tag.pk}" '
        f'data-version="{tag.version}">',
        '<div class="editor-head"><h2 id="editor-title">',
        f"{_e(label.name)} tag",
        f' <span class="meta">by {_e(tag.owner.get_username())}, read-only</span>'
        if read_only
        else "",
        '</h2> <button type="button" class="icon-button" data-editor-close '
        'aria-label="Close the tag editor">×</button></div>',
        f'<blockquote class="editor-quote">{_e(row.snippet)}</blockquote>',
    ]
    if read_only:
        out.append(
            '<form class="editor-form" aria-readonly="true"><fieldset class="read-only-fields" '
            "disabled>"
        )
    else:
        action = pk_url("annotations:annotation-update", tag.pk)
        out.append(
            '<div class="conflict-slot" data-conflict-slot></div>'
            f'<form class="editor-form" method="post" action="{action}" data-autosave '
            f'data-tag="{tag.pk}">'
        )
    out.append('<fieldset class="label-choice"><legend>Label</legend>')
    for choice in context["labels"]:
        checked = " checked" if choice.pk == tag.label_id else ""
        out.append(
            f'<label class="cat-{_e(choice.category)}"><input type="radio" name="label" '
            f'value="{choice.pk}"{checked}> {_e(choice.name)}</label>'
        )
    out.append('</fieldset><input type="hidden" name="attributes" value="1">')
    attributes = tag.attributes if isinstance(tag.attributes, dict) else {}
    for number, item in enumerate(label.attribute_schema, start=1):
        out.append(_field(tag, item, attributes.get(item["name"]), number, context))
    out.append(
        f'<div class="field"><label for="note-{tag.pk}">Note</label> '
        f'<textarea name="note" id="note-{tag.pk}" rows="2" maxlength="5000">'
        f"{_e(tag.note)}</textarea></div>"
    )
    out.append(
        "</fieldset>" if read_only else '<p class="save-state" data-save-state role="status"></p>'
    )
    out.append("</form>")
    out.append(_links(tag, row, context, read_only))
    if not read_only:
        delete = pk_url("annotations:annotation-delete", tag.pk)
        out.append(
            f'<form class="delete-form" hx-post="{delete}" hx-target="#tag-editor">'
            f'<input type="hidden" name="version" value="{tag.version}" data-version-input> '
            '<button type="submit" class="danger">Delete tag</button></form>'
        )
    out.append("</div>")
    return mark_safe("".join(out))


def _field(tag, item: dict, value, number: int, context: dict) -> str:
    name, kind = item["name"], item.get("kind")
    field_id = f"attr-{tag.pk}-{number}"
    attr = f"attr-{_e(name)}"
    derived = name == "attributed" and tag.label.category == "claim"
    out = ['<div class="field">']
    if derived:
        # Derived from the "attributed to" link on the server: shown, never a second input.
        said = (
            f"<strong>{_e(value)}</strong>: linked to a source below. Unlinking the last "
            "source clears it."
            if value
            else "<strong>not yet</strong>: link this claim to its source below and it "
            "becomes “yes”."
        )
        out.append(
            f'<span class="field-name">{_e(capfirst(name))}</span> '
            f'<p class="derived" id="{field_id}" data-derived="attributed">{said}</p>'
        )
    else:
        required = " (required)" if item.get("required") else ""
        out.append(f'<label for="{field_id}">{_e(capfirst(name))}{required}</label> ')
        if kind == "choice":
            options = "".join(
                f'<option value="{_e(choice)}"{" selected" if choice == value else ""}>'
                f"{_e(choice)}</option>"
                for choice in item["values"]
            )
            if value is not None and value in (item.get("retired") or []):
                options += f'<option value="{_e(value)}" selected>{_e(value)} (retired)</option>'
            out.append(
                f'<select name="{attr}" id="{field_id}"><option value="">—</option>'
                f"{options}</select>"
            )
        elif kind == "bool":
            yes = " selected" if value is True else ""
            no = " selected" if value is False else ""
            out.append(
                f'<select name="{attr}" id="{field_id}"><option value="">—</option>'
                f'<option value="yes"{yes}>yes</option><option value="no"{no}>no</option>'
                "</select>"
            )
        elif kind == "multi":
            chosen = value if isinstance(value, list | tuple | set | dict | str) else ()
            boxes = "".join(
                f'<label class="inline"><input type="checkbox" name="{attr}" '
                f'value="{_e(choice)}"{" checked" if choice in chosen else ""}> {_e(choice)}'
                "</label>"
                for choice in item["values"]
            )
            boxes += "".join(
                f'<label class="inline"><input type="checkbox" name="{attr}" '
                f'value="{_e(choice)}" checked> {_e(choice)} (retired)</label>'
                for choice in item.get("retired") or []
                if choice in chosen
            )
            out.append(f'<span id="{field_id}">{boxes}</span>')
        elif kind == "entity":
            names = pk_url("annotations:entity-names", tag.article_id)
            out.append(
                f'<input type="text" name="{attr}" id="{field_id}" value="{_e(value or "")}" '
                f'maxlength="500" list="entities-{tag.pk}" autocomplete="off" '
                f'hx-get="{names}" hx-trigger="focus once" hx-target="#entities-{tag.pk}" '
                f'hx-swap="innerHTML"> <datalist id="entities-{tag.pk}"></datalist>'
            )
        else:
            out.append(
                f'<input type="text" name="{attr}" id="{field_id}" value="{_e(value or "")}" '
                'maxlength="500">'
            )
    derived_voice = context.get("derived_voice")
    if name == "voice" and derived_voice:
        lead = "Left to itself: " if value else "Now: "
        out.append(
            f' <p class="help" id="voice-hint-{tag.pk}">{lead}{_e(derived_voice.value)}, '
            f"{_e(derived_voice.reason)}.</p>"
        )
    out.append("</div>")
    return "".join(out)


def _links(tag, row, context: dict, read_only: bool) -> str:
    choices, missing = context.get("link_choices") or [], context.get("link_missing")
    if not (row.links_out or row.links_in or choices or (missing and not read_only)):
        return ""
    out = ['<div class="links"><h3>Links</h3><ul>']
    for relation, other in row.links_out:
        remove = ""
        if not read_only:
            url = pk_url("annotations:relation-delete", relation.pk)
            remove = (
                f' <button type="button" class="link-remove" hx-post="{url}" '
                'hx-target="#tag-editor" aria-label="Remove this link">Remove</button>'
            )
        out.append(
            f"<li>→ {_e(relation.get_type_display())} "
            f'<a href="#blk-{other.block}" data-tag-open="{other.pk}">'
            f"{_e(clip(other.snippet, 60))}</a>{remove}</li>"
        )
    for relation, other in row.links_in:
        out.append(
            f"<li>← {_e(other.label.name)} {_e(relation.get_type_display())} this: "
            f'<a href="#blk-{other.block}" data-tag-open="{other.pk}">'
            f"{_e(clip(other.snippet, 60))}</a></li>"
        )
    out.append("</ul>")
    if missing and not read_only:
        out.append(
            '<p class="help" data-link-missing>No source is tagged near this claim yet. Select '
            "the words naming who says it and press <kbd>S</kbd> (or click Source), then open "
            "this claim again to link it.</p>"
        )
    if choices:
        link_type = context.get("link_type")
        url = pk_url("annotations:relation-create", tag.pk)
        preselect = context.get("link_preselect")
        options = "".join(
            f'<option value="{source.pk}"{" selected" if source.pk == preselect else ""}>'
            f"{_e(clip(source.quote, 70))}</option>"
            for source in choices
        )
        said = "Same source as" if link_type == "same_as" else "Attributed to source"
        out.append(
            f'<form class="link-form" hx-post="{url}" hx-target="#tag-editor">'
            f'<input type="hidden" name="type" value="{_e(link_type)}"> '
            f'<label for="link-to-{tag.pk}">{said}</label> '
            f'<select name="to" id="link-to-{tag.pk}">{options}</select> '
            '<button type="submit">Link</button> '
            '<button type="button" data-link-pick aria-keyshortcuts="L" title="Then click a '
            'source in the text, or move with J/K and press Enter">Pick in the text '
            "<kbd>L</kbd></button></form>"
        )
    out.append("</div>")
    return "".join(out)
