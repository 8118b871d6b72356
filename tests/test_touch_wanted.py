"""A sync asks the engine only for the due and coming items it reads (touchpoints.Wanted);
Today, Next touch and what it reads are the same as when every item is kept."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sample_book import sample_book

from sheets_sync.core.daily_cap import cadence_rules
from sheets_sync.core.greetings import mass_rules
from sheets_sync.core.messages import load_templates
from sheets_sync.core.touchpoints import Wanted, plan_touchpoints

SPREAD_DAYS = 3


def _plans(folder: Path, today: date):
    config, book, facts, classes = sample_book(folder, today)

    def plan(wanted: Wanted | None):
        extra = {} if wanted is None else {"wanted": wanted}
        return plan_touchpoints(book, classes, today, config, templates=load_templates(),
                                facts=facts, upcoming_days=SPREAD_DAYS, **extra)

    wanted = Wanted(due_with=mass_rules(config), coming_of=cadence_rules(config))
    return plan(None), plan(wanted), wanted


@pytest.mark.parametrize("today", [date(2026, 11, 23), date(2026, 12, 25), date(2027, 2, 17)])
def test_today_and_next_touch_do_not_depend_on_what_is_kept(tmp_path: Path, today: date) -> None:
    every, narrowed, _ = _plans(tmp_path, today)
    assert narrowed.today == every.today
    assert narrowed.next_touch == every.next_touch
    assert narrowed.issues == every.issues


@pytest.mark.parametrize("today", [date(2026, 11, 23), date(2026, 12, 25), date(2027, 2, 17)])
def test_the_kept_items_are_those_a_sync_reads(tmp_path: Path, today: date) -> None:
    every, narrowed, wanted = _plans(tmp_path, today)
    with_greeting = {(i.contact_id, i.contact_row) for i in every.due if i.rule in wanted.due_with}
    assert narrowed.due == [i for i in every.due if (i.contact_id, i.contact_row) in with_greeting]
    horizon = today + timedelta(days=SPREAD_DAYS)
    assert narrowed.upcoming == [i for i in every.upcoming if i.rule in wanted.coming_of
                                 and today < i.due <= horizon]
