"""A keyword event rule is asked only for the contacts whose recent interactions name one of its
kinds (touch_triggers.has, "events:<rule>"): the sample's life events are found while they are
recent, and no longer once they are older than the rule looks back. That no other contact has
an occurrence is tests/test_touch_needs.py's check."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sample_book import sample_book

from sheets_sync.core.messages import load_templates
from sheets_sync.core.settings import parse_settings
from sheets_sync.core.touch_index import BookIndex, Person, engine_settings
from sheets_sync.core.touch_rules import rules_of
from sheets_sync.core.touch_triggers import has, needs, occurrences


def _told(folder: Path, today: date) -> dict[str, list[str]]:
    """Contact ID -> the `events:` needs the contact has, and whether the rule then gives an
    occurrence, on `today`."""
    config, book, facts, classes = sample_book(folder, today)
    typed = parse_settings(config)
    templates = load_templates()
    rules = rules_of(typed)
    index = BookIndex(facts, rules, templates,
                      engine_settings(typed, today, today + timedelta(days=400), today, None))
    told: dict[str, list[str]] = {}
    for contact in book.contacts:
        person = Person(contact, facts.contact_id(contact), classes.get(contact.key), index,
                        templates)
        for rule in rules:
            need = needs(rule)
            if need and need.startswith("events:") and need in has(person, index):
                told.setdefault(contact.id, []).append(rule.key)
                assert occurrences(rule, person, index), (rule.key, contact.id)
    return told


def test_a_recent_life_event_is_told_and_gives_its_check_in(tmp_path: Path) -> None:
    told = _told(tmp_path, date(2026, 11, 23))
    assert "life_event" in told.get("C0002", [])  # "New baby boy last week!"


def test_a_life_event_older_than_the_rule_looks_back_is_not_asked(tmp_path: Path) -> None:
    assert "life_event" not in _told(tmp_path, date(2027, 6, 1)).get("C0002", [])
