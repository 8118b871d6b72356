"""The trigger registry answers for every trigger a rule may name (SPEC §4)."""

from __future__ import annotations

from sheets_sync.core.rule_schema import KINDS
from sheets_sync.core.touch_triggers import TRIGGERS


def test_every_trigger_the_settings_accept_has_an_occurrence_function() -> None:
    assert set(TRIGGERS) == set(KINDS)
