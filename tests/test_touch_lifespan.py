"""A closing long past puts its drip out of play (touch_triggers.lifespan): once every anchor of
a rule is older than the rule's lifespan, its occurrences have all fallen due and expired,
whatever was done, so the engine not asking it changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sample_book import sample_book

from sheets_sync.core.messages import load_templates
from sheets_sync.core.settings import parse_settings
from sheets_sync.core.touch_engine import _mortal, outcome
from sheets_sync.core.touch_index import BookIndex, Person, engine_settings
from sheets_sync.core.touch_rules import rules_of
from sheets_sync.core.touch_triggers import lifespan, occurrences

SAMPLE_DAY = date(2026, 11, 23)


def test_a_rule_past_its_lifespan_has_nothing_due_or_coming(tmp_path: Path) -> None:
    config, book, facts, classes = sample_book(tmp_path, SAMPLE_DAY)
    typed = parse_settings(config)
    templates = load_templates()
    rules = [rule for rule in rules_of(typed) if lifespan(rule) is not None]
    assert {"drip_d1", "drip_m3", "closing_congrats"} <= {rule.key for rule in rules}
    base = BookIndex(facts, rules, templates,
                     engine_settings(typed, SAMPLE_DAY, SAMPLE_DAY, SAMPLE_DAY, None))
    checked = 0
    for contact in book.contacts:
        cid, cls = facts.contact_id(contact), classes.get(contact.key)
        for rule in rules:
            span = lifespan(rule)
            anchor = Person(contact, cid, cls, base, templates).anchor(rule.date_field)[0]
            if span is None or anchor is None:
                continue
            for late in (1, 2, 31, 400):  # days past the lifespan of the contact's anchor
                today = anchor + timedelta(days=span + late)
                settings = engine_settings(typed, today, today + timedelta(days=400), today,
                                           None)
                index = BookIndex(facts, rules, templates, settings)
                occs = occurrences(rule, Person(contact, cid, cls, index, templates), index)
                for done in ([], [anchor], [anchor + timedelta(days=d) for d in (1, 5, 40)]):
                    found = outcome(rule, occs, done, settings)
                    assert found is not None, (rule.key, contact.name)
                    _, due_now, later = found
                    assert not due_now and not later, (rule.key, contact.name, today, done)
                    checked += 1
    assert checked  # the sample has closings


def test_a_group_is_skipped_only_when_every_step_of_it_can_expire(tmp_path: Path) -> None:
    config, *_ = sample_book(tmp_path, SAMPLE_DAY)
    rules = rules_of(parse_settings(config))
    mortal = _mortal(rules)
    by_key = {rule.key: rule for rule in rules}
    drip = {key for key, rule in by_key.items() if rule.group == "drip"}
    assert any(keys == drip for keys, _, _ in mortal)
    for keys, fields, days in mortal:
        members = [by_key[key] for key in keys]
        groups = {rule.group for rule in members}
        assert len(groups) == 1
        group = groups.pop()
        if group:  # the whole group, every step with a lifespan
            assert keys == {key for key, rule in by_key.items() if rule.group == group}
        else:
            assert len(keys) == 1
        assert all(lifespan(rule) is not None and lifespan(rule) <= days for rule in members)
        assert set(fields) == {rule.date_field for rule in members}
