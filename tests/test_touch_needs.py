"""A rule is not asked for a contact it can give no occurrence (touch_triggers.needs): for every
contact and rule of the sample book, on days around the year, a rule whose need the contact
lacks has no occurrence for them, so skipping it changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sample_book import sample_book

from sheets_sync.core.messages import load_templates
from sheets_sync.core.settings import parse_settings
from sheets_sync.core.touch_index import BookIndex, Person, engine_settings
from sheets_sync.core.touch_rules import rules_of
from sheets_sync.core.touch_triggers import has, needs, occurrences


@pytest.mark.parametrize("today", [date(2026, 11, 23), date(2027, 1, 29), date(2027, 6, 1)])
def test_a_rule_whose_need_is_missing_has_no_occurrence(tmp_path: Path, today: date) -> None:
    config, book, facts, classes = sample_book(tmp_path, today)
    typed = parse_settings(config)
    templates = load_templates()
    rules = rules_of(typed)
    settings = engine_settings(typed, today, today + timedelta(days=400), today, None)
    index = BookIndex(facts, rules, templates, settings)
    skipped = 0
    for contact in book.contacts:
        person = Person(contact, facts.contact_id(contact), classes.get(contact.key), index,
                        templates)
        present = has(person, index)
        for rule in rules:
            if needs(rule) not in (None, *present):
                skipped += 1
                assert occurrences(rule, person, index) == [], (rule.key, contact.name)
    assert skipped  # the sample has contacts without closings, referrals, lunar birthdays
