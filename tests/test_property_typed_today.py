"""Property: whatever an agent types on Today (an Outcome, a Note, with or without ticking
Done), the text is still in the book after the following days' syncs: on Today exactly as
typed, or logged in Interactions (as the tool reads every text cell: without the spaces around
it). A week of mornings on the sample, in the memory store, for any words."""

from __future__ import annotations

import copy
from datetime import date
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from agent_sim import LISTS, Agent, MemoryDesk, all_text, simulate
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sheets_sync.starter import write_starter_workbook

START = date(2027, 3, 1)  # a Monday
DAYS = 6

# What people type besides plain words: a formula, a date, a number, a boolean word, a quote
# mark Excel hides, spacing, a line break, a separator the tool itself writes ("; ").
TRICKY = ["=1+1", "2026-11-30", "12", "TRUE", "'quoted", "  spaced  ", "line\nbreak",
          "a; b", "Done", "已回复，下周再联系", "返信あり", "Sudah, terima kasih"]
words = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1,
            max_size=24).filter(str.strip),
)


@cache
def sample_tabs() -> dict[str, list[list[Any]]]:
    with TemporaryDirectory() as folder:
        path = Path(folder) / "sample.xlsx"
        write_starter_workbook(path, sample=True, today=START)
        return MemoryDesk.from_xlsx(path).store.tabs


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    outcomes=st.lists(words, min_size=1, max_size=4, unique=True),
    notes=st.lists(words, min_size=1, max_size=4, unique=True),
    seed=st.integers(min_value=0, max_value=10_000),
    tick=st.floats(min_value=0.0, max_value=0.9),
    type_only=st.floats(min_value=0.05, max_value=0.5),
)
@example(outcomes=["=1+1"], notes=["  spaced  "], seed=0, tick=0.0, type_only=0.5)
def test_no_text_typed_on_today_is_ever_lost(outcomes: list[str], notes: list[str], seed: int,
                                              tick: float, type_only: float) -> None:
    desk = MemoryDesk(copy.deepcopy(sample_tabs()))
    agent = Agent(seed=seed, tick=tick, hand_log=0.05, type_only=min(type_only, 0.95 - tick),
                  outcomes=tuple(outcomes), notes=tuple(notes))
    journal = simulate(desk, START, DAYS, agent)
    desk.sync(date.fromordinal(START.toordinal() + DAYS))  # the night after the last morning
    listed, logged = all_text(desk, LISTS), all_text(desk, ("Interactions",))
    lost = [t for t in journal.typed if t.text not in listed and t.text.strip() not in logged]
    assert not lost, lost[:5]
