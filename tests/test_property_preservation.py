"""Property: whatever people typed, every person-owned cell is identical after a sync."""

from __future__ import annotations

import re
import shutil
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import python_calamine
import xlsxwriter
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sheets_sync.config import load_config
from sheets_sync.core.tables import column_keys
from sheets_sync.stores.ooxml import col_letter
from sheets_sync.sync import sync_workbook

TODAY = date(2026, 11, 23)
KNOWN = [
    "ID",
    "Name",
    "Owner",
    "Phone",
    "Email",
    "Birthday",
    "Circle",
    "Stage",
    "Closing date",
    "Last contact",
    "NPS",
    "Referred by",
    "Do not contact",
]

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
cell = st.one_of(
    st.none(),
    texts,
    st.sampled_from(
        [
            "=1+1",
            "+60 12-345 6789",
            "-5",
            "@home",
            "Advocat",
            "Closed",
            "31/02/2024",
            "令和6年3月5日",
            "a@b",
            "yes",
            "C0001",
            " padded ",
        ]
    ),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 12, 31)),
    st.booleans(),
)
extra_header = st.text(alphabet="xyzqw _", min_size=1, max_size=8).filter(
    lambda h: h.strip() and not column_keys("contacts", [h])
)


@st.composite
def workbooks(draw):
    known = draw(st.lists(st.sampled_from(KNOWN[2:]), unique=True, max_size=6))
    extras = draw(st.lists(extra_header, unique=True, max_size=3))
    headers = ["ID", "Name", *known, *extras]
    headers = draw(st.permutations(headers))
    rows = draw(
        st.lists(
            st.lists(cell, min_size=len(headers), max_size=len(headers)), min_size=1, max_size=8
        )
    )
    return headers, rows


def write(path: Path, headers: list[str], rows: list[list]) -> None:
    wb = xlsxwriter.Workbook(str(path))
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("Contacts")
    ws.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, date):
                ws.write_datetime(r, c, datetime.combine(value, datetime.min.time()), dates)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, value)
    wb.close()


def xml_cells(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    return {
        m.group(1): m.group(0)
        for m in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', xml, re.S)
    }


def values(path: Path) -> list[list]:
    return (
        python_calamine.CalamineWorkbook.from_path(str(path))
        .get_sheet_by_name("Contacts")
        .to_python(skip_empty_area=False)
    )


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(book=workbooks(), offset=st.integers(min_value=0, max_value=400))
@example(book=(["ID", "Owner", "Name", "_"], [[" ", None, "0", None]]), offset=0)  # spaces in ID
def test_no_person_typed_cell_ever_changes(tmp_path_factory, book, offset) -> None:
    headers, rows = book
    path = tmp_path_factory.mktemp("prop") / "book.xlsx"
    write(path, headers, rows)
    before_xml, before = xml_cells(path), values(path)
    today = TODAY + timedelta(days=offset)
    sync_workbook(str(path), load_config(), today)
    after_xml, after = xml_cells(path), values(path)
    id_col = headers.index("ID")
    for r, row in enumerate(before):
        for c in range(len(headers)):
            old = row[c] if c < len(row) else ""
            new = after[r][c]
            if c == id_col and old == "" and r > 0:
                continue  # the one write into a person column: a new ID in a blank ID cell
            assert new == old, (r, c)
    # Every cell a person wrote is the same XML, style and all (blank cells are not written).
    id_letter = col_letter(id_col)
    for ref, xml in before_xml.items():
        column, row_number = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
        if column == id_letter and before[int(row_number) - 1][id_col] == "":
            continue  # a blank (empty-text) ID cell may receive an ID, keeping its style
        assert after_xml[ref] == xml, ref
    # and a second run the same day writes nothing: answered from the sync record, and
    # worked out in full on a copy that has no record
    assert not sync_workbook(str(path), load_config(), today).written
    copy = tmp_path_factory.mktemp("again") / "book.xlsx"
    shutil.copy(path, copy)
    assert not sync_workbook(str(copy), load_config(), today).written
