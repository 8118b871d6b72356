"""A cell's XML depends on its value's type as well as the value, whichever was written first."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sheets_sync.stores.ooxml import cell_xml


def test_one_true_and_one_point_zero_stay_three_different_cells() -> None:
    assert cell_xml("A1", 1, 2) == '<c r="A1" s="2"><v>1</v></c>'
    assert cell_xml("A2", True, 2) == '<c r="A2" s="2" t="b"><v>1</v></c>'
    assert cell_xml("A3", 1.0, 2) == '<c r="A3" s="2"><v>1</v></c>'
    assert cell_xml("A4", "1", 2) == '<c r="A4" s="2" t="inlineStr"><is><t>1</t></is></c>'


def test_equal_values_that_print_differently_are_each_written_as_they_print() -> None:
    assert cell_xml("A1", Decimal("1.0"), None).endswith("<t>1.0</t></is></c>")
    assert cell_xml("A2", Decimal("1"), None).endswith("<t>1</t></is></c>")


def test_one_moment_in_two_time_zones_is_written_by_each_clock() -> None:
    utc = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
    later = utc.astimezone(timezone(timedelta(hours=6)))
    assert utc == later
    assert cell_xml("A1", utc, None) != cell_xml("A2", later, None).replace("A2", "A1")


def test_a_blank_cell_is_written_only_when_it_carries_a_style() -> None:
    assert cell_xml("A1", None, None) == ""
    assert cell_xml("A1", "", 3) == '<c r="A1" s="3"/>'
