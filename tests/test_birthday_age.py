"""A birthday's {age} placeholder is each contact's own, though contacts born on the same day
share the rest of the work (SPEC §4 personal dates)."""

from __future__ import annotations

from test_touch_fixtures import TODAY, birthday, book, by_contact, cls, config, contact

from sheets_sync.core.messages import Templates, load_templates
from sheets_sync.core.touchpoints import plan_touchpoints


def _with_age_template() -> Templates:
    shipped = load_templates()
    english = {**shipped.langs["en"],
               "messages": {**shipped.langs["en"]["messages"],
                            "birthday": "Happy {age}th birthday, {first_name}!"}}
    return Templates({**shipped.langs, "en": english})


def _messages(contacts: list) -> dict[str, str]:
    the_book = book(contacts)
    classes = by_contact(the_book, {c.row: cls("B") for c in contacts})
    result = plan_touchpoints(the_book, classes, TODAY, config(), templates=_with_age_template())
    return {i.contact_id: i.message for i in result.due if i.rule == "birthday"}


def test_contacts_born_on_the_same_day_each_get_their_own_age() -> None:
    day = (TODAY.month, TODAY.day)
    got = _messages([contact(2, "C1", "Sarah Tan", birthday=birthday(*day, 1980)),
                     contact(3, "C2", "Ali Hassan", birthday=birthday(*day, 1990))])
    assert got == {"C1": "Happy 46th birthday, Sarah!", "C2": "Happy 36th birthday, Ali!"}

