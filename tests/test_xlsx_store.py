"""The Excel store on real files: what it writes, and everything it must leave alone."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from sheets_sync.core.model import (
    Append,
    ChangeSet,
    Chart,
    Column,
    ColumnRef,
    ContactWrite,
    Locator,
    OwnedTab,
)
from sheets_sync.core.vocabulary import OWNED_COLUMNS, label
from sheets_sync.errors import WorkbookChanged, WorkbookLocked
from sheets_sync.stores.xlsx import XlsxStore
from tests.workbooks import excel_like_workbook

TOUCHED = {
    "xl/worksheets/sheet1.xml",
    "xl/styles.xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "[Content_Types].xml",
    "_rels/.rels",  # gains the tool's mark: the custom properties naming its tabs
    "docProps/custom.xml",
}


def plan_for(
    store: XlsxStore,
    tabs: list[OwnedTab] | None = None,
    tier: str = "A",
    appends: list[Append] | None = None,
) -> ChangeSet:
    data = store.read()
    contacts = data.tables["contacts"]
    writes = [
        ContactWrite(
            key=str(v[0]).casefold() or f"#row{r}",
            locator=Locator(r, str(v[0] or ""), str(v[1])),
            values={
                "tier": tier,
                "next_touch_date": date(2026, 12, 1),
                "completeness": 0.5,
                "row_issues": "=SUM(A1)",
            },
            assign_id="C9999" if not v[0] else None,
        )
        for r, v in contacts.rows
    ]
    tabs = (
        tabs
        if tabs is not None
        else [issues_tab([["Contacts", 3]])]
    )
    kinds = {"next_touch_date": "date", "completeness": "percent"}
    return ChangeSet(
        owned_columns=[
            Column(k, label(v, "en"), kinds.get(k, "text")) for k, v in OWNED_COLUMNS.items()
        ],
        contacts=writes,
        tabs=tabs,
        tab_names={t.key: t.key.title() for t in tabs},
        appends=appends or [],
    )


def issues_tab(rows: list[list], autofilter: bool = False) -> OwnedTab:
    return OwnedTab(
        key="issues",
        columns=[Column("tab", "Tab"), Column("row", "Row", "integer")],
        rows=rows,
        autofilter=autofilter,
    )


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def cells(xml: bytes) -> dict[str, str]:
    return {
        m.group(1): m.group(0)
        for m in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', xml.decode(), re.S)
    }


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return excel_like_workbook(tmp_path / "book.xlsx")


def test_every_part_it_does_not_own_is_byte_identical(book: Path) -> None:
    before = parts(book)
    store = XlsxStore(book)
    assert store.apply(plan_for(store))
    after = parts(book)
    for name, data in before.items():
        if name not in TOUCHED:
            assert after[name] == data, name
    # charts, drawings, images, comments, shared strings all survive untouched
    assert any(n.startswith("xl/charts/") for n in after)
    assert any(n.startswith("xl/media/") for n in after)
    assert "xl/sharedStrings.xml" in after


def test_person_cells_on_contacts_are_byte_identical(book: Path) -> None:
    before = cells(parts(book)["xl/worksheets/sheet1.xml"])
    store = XlsxStore(book)
    store.apply(plan_for(store))
    after = cells(parts(book)["xl/worksheets/sheet1.xml"])
    for ref, xml in before.items():
        if ref == "A4":  # the blank ID cell that gets an ID
            continue
        assert after[ref] == xml, ref


def test_owned_columns_are_appended_after_the_last_used_column(book: Path) -> None:
    store = XlsxStore(book)
    store.apply(plan_for(store))
    ws = openpyxl.load_workbook(book)["Contacts"]
    headers = [c.value for c in ws[1]]
    assert headers[:18][-1] == "My notes"
    first_owned = headers.index("Tier")
    assert first_owned > 21  # after the formula in V and the merged T:U
    assert headers[first_owned : first_owned + 8] == [
        label(v, "en") for v in OWNED_COLUMNS.values()
    ]


def test_formula_cached_values_survive(book: Path) -> None:
    store = XlsxStore(book)
    store.apply(plan_for(store))
    values = python_calamine.CalamineWorkbook.from_path(str(book))
    assert values.get_sheet_by_name("My pipeline").to_python()[8][1] == 45
    assert openpyxl.load_workbook(book)["Contacts"]["V2"].value == "=N2*2"


def test_text_starting_with_equals_is_written_as_text(book: Path) -> None:
    store = XlsxStore(book)
    store.apply(plan_for(store))
    ws = openpyxl.load_workbook(book)["Contacts"]
    col = [c.value for c in ws[1]].index("Row issues") + 1
    cell = ws.cell(row=2, column=col)
    assert cell.value == "=SUM(A1)" and cell.data_type == "s"


def test_dates_and_percentages_are_typed_cells(book: Path) -> None:
    store = XlsxStore(book)
    store.apply(plan_for(store))
    ws = openpyxl.load_workbook(book)["Contacts"]
    headers = [c.value for c in ws[1]]
    due = ws.cell(row=2, column=headers.index("Next touch date") + 1)
    share = ws.cell(row=2, column=headers.index("Completeness") + 1)
    assert due.is_date and due.value.date() == date(2026, 12, 1)
    assert share.value == 0.5 and share.number_format == "0%"


def test_blank_id_is_filled_and_nothing_else_in_that_column(book: Path) -> None:
    store = XlsxStore(book)
    store.apply(plan_for(store))
    ws = openpyxl.load_workbook(book)["Contacts"]
    assert [ws.cell(row=r, column=1).value for r in range(2, 6)] == [
        "C0001",
        "C0002",
        "C9999",
        "C0004",
    ]


def test_second_apply_of_the_same_plan_writes_nothing(book: Path) -> None:
    store = XlsxStore(book)
    assert store.apply(plan_for(store))
    first = book.read_bytes()
    store = XlsxStore(book)
    assert store.apply(plan_for(store)) is False
    assert book.read_bytes() == first


def test_owned_tab_is_created_then_replaced(book: Path) -> None:
    store = XlsxStore(book)
    store.apply(plan_for(store))
    store = XlsxStore(book)
    tab = issues_tab([["Contacts", 4], ["X", 5]], autofilter=True)
    store.apply(plan_for(store, tabs=[tab]))
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[-1] == "Issues"
    assert [[c.value for c in r] for r in wb["Issues"].iter_rows()] == [
        ["Tab", "Row"],
        ["Contacts", 4],
        ["X", 5],
    ]
    assert wb.sheetnames.count("Issues") == 1


def test_appends_go_after_the_last_row(book: Path) -> None:
    store = XlsxStore(book)
    record = {"date": date(2026, 11, 23), "contact_id": "C0001", "channel": "call",
              "touchpoint": "Day 30 check-in", "outcome": "answered", "notes": "", "owner": "Mei"}
    store.apply(plan_for(store, appends=[Append("interactions", [record], {"date": "date"})]))
    ws = openpyxl.load_workbook(book)["Interactions"]
    assert ws.max_row == 3
    assert ws["A3"].value.date() == date(2026, 11, 23) and ws["D3"].value == "Day 30 check-in"


def test_a_backup_of_the_previous_file_is_kept(book: Path) -> None:
    original = book.read_bytes()
    store = XlsxStore(book)
    store.apply(plan_for(store))
    backups = list((book.parent / ".sheets-sync-backups").glob("book.*.xlsx"))
    assert len(backups) == 1 and backups[0].read_bytes() == original


def test_only_the_last_n_backups_are_kept(book: Path) -> None:
    for tier in "ABCDAB":
        store = XlsxStore(book, backups_keep=3)
        store.apply(plan_for(store, tier=tier))
    assert len(list((book.parent / ".sheets-sync-backups").glob("book.*.xlsx"))) == 3


def test_open_in_excel_is_read_but_not_written(book: Path) -> None:
    # Reading the last saved version is harmless (the read-only commands do it, with a note);
    # writing over a file a person is editing is not.
    store = XlsxStore(book)
    plan = plan_for(store)
    (book.parent / "~$book.xlsx").write_bytes(b"lock")
    before = book.read_bytes()
    with pytest.raises(WorkbookLocked, match="close it first"):
        store.apply(plan)
    assert book.read_bytes() == before


def test_a_file_changed_during_the_sync_is_not_overwritten(book: Path) -> None:
    store = XlsxStore(book)
    plan = plan_for(store)
    excel_like_workbook(book, extras=False)  # someone saved in between
    changed = book.read_bytes()
    with pytest.raises(WorkbookChanged, match="saved by someone else while"):
        store.apply(plan)
    assert book.read_bytes() == changed


def chart_tab() -> OwnedTab:
    rows = [["A", 5], ["B", 9], ["C", 20], ["D", 3]]
    tiers, counts = ColumnRef("metrics", "tier", 0, 3), ColumnRef("metrics", "contacts", 0, 3)
    return OwnedTab(
        key="metrics",
        columns=[Column("tier", "Tier"), Column("contacts", "Contacts", "integer")],
        rows=rows,
        charts=[
            Chart("column", "Tier distribution", tiers, [("Contacts", counts)]),
            Chart("pie", "Share", tiers, [("Contacts", counts)]),
        ],
    )


def test_charts_on_an_owned_tab_are_written_and_replaced_in_place(book: Path) -> None:
    store = XlsxStore(book)
    store.apply(plan_for(store, tabs=[chart_tab()]))
    first = parts(book)
    charts = sorted(n for n in first if n.startswith("xl/charts/"))
    assert len(charts) == 3  # the person's chart and our two
    store = XlsxStore(book)
    assert store.apply(plan_for(store, tabs=[chart_tab()])) is False
    assert parts(book) == first
    wb = openpyxl.load_workbook(book)
    assert len(wb["Metrics"]._charts) == 2


def test_charts_point_at_their_named_columns_and_sit_beside_the_data(book: Path) -> None:
    store = XlsxStore(book)
    store.apply(plan_for(store, tabs=[chart_tab()]))
    written = parts(book)
    ours = [n for n in written if n.startswith("xl/charts/") and b"Tier distribution" in written[n]]
    assert b"'Metrics'!$A$2:$A$5" in written[ours[0]]
    assert b"'Metrics'!$B$2:$B$5" in written[ours[0]]
    drawing = next(
        written[n] for n in written if n.startswith("xl/drawings/") and b"Chart 2" in written[n]
    )
    # two data columns, one blank column, then the charts side by side from the second row
    anchors = rb"<xdr:from><xdr:col>(\d+)</xdr:col>.*?<xdr:row>(\d+)</xdr:row>"
    assert re.findall(anchors, drawing) == [(b"3", b"1"), (b"9", b"1")]
