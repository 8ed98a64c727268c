"""What a write changes on screen, from the tag's state before and after (no database)."""

import dataclasses

from annotations.changes import TagState, between

SOURCE = TagState(live=True, start=10, end=20, category="source", label_id=2, attributes={})


def test_it_inserts_a_new_tag_and_redraws_its_text():
    change = between(7, None, SOURCE)
    assert (change.text, change.insert, change.remove, change.replace) == (
        (10, 20),
        True,
        False,
        [],
    )
    assert change.fresh and not change.deleted


def test_a_note_changes_nothing_on_screen():
    after = dataclasses.replace(SOURCE, links=frozenset({(1, 8)}))
    before = dataclasses.replace(after)
    change = between(7, before, after)
    assert (change.text, change.insert, change.remove, change.replace) == (None, False, False, [])
    assert not (change.counts or change.editor or change.info)


def test_new_values_redraw_the_row_and_the_hover_not_the_text():
    change = between(7, SOURCE, dataclasses.replace(SOURCE, attributes={"identification": "named"}))
    assert change.text is None and change.replace == [7]
    assert change.info and not change.editor and not change.counts


def test_a_relabel_redraws_the_rows_linked_to_it():
    before = dataclasses.replace(SOURCE, links=frozenset({(1, 8), (2, 9)}))
    change = between(7, before, dataclasses.replace(before, label_id=3))
    # Same category: the underline stays; rows, counters, hover and editor change.
    assert change.replace == [7, 8, 9] and change.text is None
    assert not change.insert and not change.remove
    assert change.counts and change.editor and change.info


def test_a_new_category_moves_the_row_between_lists():
    before = dataclasses.replace(SOURCE, links=frozenset({(1, 8)}))
    change = between(7, before, dataclasses.replace(before, category="claim", label_id=1))
    assert change.insert and change.remove
    assert change.replace == [8]


def test_a_delete_removes_the_row_and_redraws_its_links():
    before = dataclasses.replace(SOURCE, links=frozenset({(1, 8)}))
    change = between(7, before, dataclasses.replace(before, live=False))
    assert change.deleted and change.remove and not change.insert
    assert change.replace == [8] and change.text == (10, 20)


def test_a_restore_puts_the_row_back():
    after = dataclasses.replace(SOURCE, links=frozenset({(1, 8)}))
    change = between(7, dataclasses.replace(after, live=False), after)
    assert change.insert and not change.remove and not change.deleted
    assert change.replace == [8]


def test_a_removed_link_redraws_the_other_end_even_when_another_link_remains():
    before = dataclasses.replace(SOURCE, links=frozenset({(1, 8), (2, 8)}))
    change = between(7, before, dataclasses.replace(before, links=frozenset({(2, 8)})))
    assert change.replace == [7, 8] and change.text is None
