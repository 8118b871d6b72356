"""Issue 12 (speed): the changes a sync reports on Contacts are counted an owned column at a
time; the count is the one a row-by-row comparison gives."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheets_sync.core.model import ContactWrite, Locator
from sheets_sync.core.rows import Rows
from sheets_sync.stores.diff import _changed_by_column, _changed_by_row

KEYS = ["tier", "lifecycle", "days", "next"]
# Values alike in the ways same_value tells apart: blanks, 3 and 3.0, a float a hair off.
VALUES = st.one_of(
    st.sampled_from([None, "", "A", "B", 3, 3.0, 3.0000000001, 0, 0.0, True, False,
                     date(2026, 11, 23), "2026-11-23"]),
    st.floats(allow_nan=True), st.text(max_size=3))


@st.composite
def books(draw: st.DrawFn) -> tuple[Rows, list[ContactWrite], dict[str, int]]:
    width = draw(st.integers(0, 6))
    count = draw(st.integers(0, 12))
    lengths = [draw(st.integers(0, width)) for _ in range(count)]
    rows = Rows.of((2 + n, [draw(VALUES) for _ in range(length)])
                   for n, length in enumerate(lengths))
    # Owned columns where the sheet has them, or past its last column (a first sync).
    positions = {key: draw(st.integers(0, width + 2)) for key in KEYS}
    numbers = draw(st.lists(st.integers(1, count + 3), max_size=count + 3))  # unread, repeated
    writes = [ContactWrite(f"k{n}", Locator(row, "", ""), {key: draw(VALUES) for key in KEYS})
              for n, row in enumerate(numbers)]
    return rows, writes, positions


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(books())
def test_the_count_by_column_is_the_count_by_row(
        book: tuple[Rows, list[ContactWrite], dict[str, int]]) -> None:
    rows, writes, positions = book
    by_column = _changed_by_column(rows, writes, positions)
    if writes:
        assert by_column == _changed_by_row(rows, writes, positions)


def test_writes_with_different_keys_are_counted_row_by_row() -> None:
    rows = Rows.of([(2, ["A"])])
    writes = [ContactWrite("a", Locator(2, "", ""), {"tier": "B"}),
              ContactWrite("b", Locator(3, "", ""), {"next": "Call"})]
    assert _changed_by_column(rows, writes, {"tier": 0, "next": 1}) is None
    assert _changed_by_row(rows, writes, {"tier": 0, "next": 1}) == (2, 2)
