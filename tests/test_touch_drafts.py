"""A due item's message is drafted from its template (SPEC §4) and reads the same however the
item is handled: read, copied, changed with `dataclasses.replace`, compared."""

from __future__ import annotations

import dataclasses

from test_touch_fixtures import TODAY, birthday, book, cls, contact, plan

from sheets_sync.core.touchpoints import Touchpoint


def _birthday_item() -> Touchpoint:
    the_book = book([contact(2, "C1", "Sarah Tan", birthday=birthday(TODAY.month, TODAY.day))])
    items = [i for i in plan(the_book, {2: cls("B")}).due
             if i.rule == "birthday"]
    assert len(items) == 1
    return items[0]


def test_the_message_is_the_template_filled_for_the_contact() -> None:
    item = _birthday_item()
    assert isinstance(item.message, str)
    assert item.message.startswith("Happy birthday, Sarah!")


def test_a_replaced_or_copied_item_keeps_the_same_message() -> None:
    item = _birthday_item()
    moved = dataclasses.replace(item, days_overdue=-2)
    copied = Touchpoint(**{f.name: getattr(item, f.name) for f in dataclasses.fields(item)})
    assert moved.message == copied.message == item.message
    assert copied == item


def test_an_item_built_with_a_message_keeps_it_as_given() -> None:
    item = dataclasses.replace(_birthday_item(), message="Typed by hand")
    assert item.message == "Typed by hand"
    assert "message='Typed by hand'" in repr(item)


def test_an_item_moved_to_another_day_keeps_its_message() -> None:
    item = _birthday_item()
    moved = item.moved(days_overdue=-2)
    assert moved.days_overdue == -2 and item.days_overdue != -2
    assert moved.message == item.message
    assert dataclasses.replace(moved, days_overdue=item.days_overdue) == item
