"""The Excel writer edits by structure: what real applications write in the parts it edits
(attribute orders, CDATA, end tags, extension lists, tables, odd row orders) comes out as it went
in, and what the tool adds sits where the schema puts it."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from sheets_sync.cli import main
from sheets_sync.config import load_config
from sheets_sync.core.model import Append, Column, OwnedTab
from sheets_sync.stores.xlsx import XlsxStore
from sheets_sync.sync import sync_workbook
from tests.ooxml_check import problems
from tests.test_xlsx_store import plan_for
from tests.workbooks import excel_like_workbook

TODAY = date(2026, 11, 23)
CONTACTS = "xl/worksheets/sheet1.xml"
INTERACTIONS = "xl/worksheets/sheet2.xml"
LOG_HEADERS = ["Date", "Contact ID", "Channel", "Touchpoint", "Outcome", "Notes", "Owner"]


def rewrite(path: Path, part: str, change) -> None:  # noqa: ANN001
    """Replace one part's text by `change(text)`, keeping every other zip entry as it was."""
    with zipfile.ZipFile(path) as archive:
        items = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in items:
            if info.filename == part:
                new = change(data.decode())
                assert new != data.decode(), f"the test's edit of {part} changed nothing"
                data = new.encode()
            archive.writestr(info, data)


def text(path: Path, part: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(part).decode()


def sync(path: Path) -> bool:
    return sync_workbook(str(path), load_config(), TODAY).written


def grid(path: Path, tab: str) -> list[list]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(tab).to_python(skip_empty_area=False)


def contacts_book(path: Path, headers: list[str], rows: list[list], setup=None) -> Path:  # noqa: ANN001
    """A small Contacts + Interactions workbook; `setup(workbook, contacts, interactions)` adds
    what a test needs."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Contacts")
    ws.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        ws.write_row(r, 0, row)
    log = wb.add_worksheet("Interactions")
    log.write_row(0, 0, LOG_HEADERS)
    if setup:
        setup(wb, ws, log)
    wb.close()
    return path


PEOPLE = [["C0001", "Alice Tan", 9], ["C0002", "Bob Lim", 4], ["C0003", "Chen Wei", 7]]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return excel_like_workbook(tmp_path / "book.xlsx")


# -- styles ---------------------------------------------------------------------------------


def test_duplicate_numfmt_id_with_reversed_attribute_order(book: Path) -> None:
    def reverse(xml: str) -> str:
        xml = re.sub(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"/>',
                     r'<numFmt formatCode="\2" numFmtId="\1"/>', xml)
        return xml.replace("</numFmts>", '<numFmt formatCode="GENERAL" numFmtId="170"/></numFmts>')

    rewrite(book, "xl/styles.xml", reverse)
    theirs = re.findall(r"<numFmt\b[^>]*/>", text(book, "xl/styles.xml"))
    sync(book)
    styles = text(book, "xl/styles.xml")
    ids = re.findall(r'<numFmt\b[^>]*numFmtId="(\d+)"', styles)
    assert len(ids) == len(set(ids))
    assert all(fragment in styles for fragment in theirs)
    assert min(int(i) for i in ids if i not in {"164", "165", "170"}) > 170
    assert not problems(book)


def test_an_identical_number_format_is_reused(book: Path) -> None:
    rewrite(book, "xl/styles.xml", lambda xml: xml.replace(
        "</numFmts>", '<numFmt formatCode="yyyy-mm-dd" numFmtId="171"/></numFmts>'))
    sync(book)
    styles = text(book, "xl/styles.xml")
    assert styles.count('formatCode="yyyy-mm-dd"') == 1
    assert re.search(r'<xf numFmtId="171"', styles)


def test_a_redefined_built_in_format_id_is_not_borrowed(book: Path) -> None:
    # numFmtId 9 is the built-in 0%; this file redefines it, so the tool's percentages get
    # a format of their own.
    rewrite(book, "xl/styles.xml", lambda xml: xml.replace(
        "</numFmts>", '<numFmt numFmtId="9" formatCode="0.0"/></numFmts>'))
    sync(book)
    ws = openpyxl.load_workbook(book)["Contacts"]
    headers = [c.value for c in ws[1]]
    share = ws.cell(row=2, column=headers.index("Completeness") + 1)
    assert share.number_format == "0%"


# -- worksheet elements in schema order -------------------------------------------------------


def test_data_bar_conditional_format_with_extlst_on_contacts(tmp_path: Path) -> None:
    def data_bar(wb, ws, log) -> None:  # noqa: ANN001
        ws.conditional_format("C2:C50", {"type": "data_bar", "data_bar_2010": True})

    path = contacts_book(tmp_path / "bars.xlsx", ["ID", "Name", "NPS"], PEOPLE, data_bar)
    before = text(path, CONTACTS)
    formats = re.search(r"<conditionalFormatting\b.*?</conditionalFormatting>", before).group(0)
    extension = re.search(r"</pageMargins>|<pageMargins[^>]*/>(<extLst>.*</extLst>)", before)
    assert "<extLst>" in formats
    sync(path)
    after = text(path, CONTACTS)
    assert formats in after
    assert extension.group(1) in after
    assert after.index("</conditionalFormatting>") < after.index("<dataValidations")
    assert not problems(path)
    assert not sync(path)


def test_custom_sheet_views_kept(tmp_path: Path) -> None:
    # A custom view carries its own pageMargins; the tool's dataValidations must go after the
    # worksheet's conditional formats, not inside the view.
    path = contacts_book(tmp_path / "views.xlsx", ["ID", "Name", "NPS"], PEOPLE)
    views = (
        '<customSheetViews><customSheetView guid="{6F5A3F1E-1C2B-4B7A-9E0D-6C1F2A3B4C5D}" '
        'scale="90" showPageBreaks="1"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/><selection pane="bottomLeft" activeCell="B3" sqref="B3"/>'
        "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" "
        'footer="0.3"/></customSheetView></customSheetViews>'
    )
    rewrite(path, CONTACTS, lambda xml: xml.replace("</sheetData>", "</sheetData>" + views, 1))
    sync(path)
    assert views in text(path, CONTACTS)
    assert not problems(path)
    assert not sync(path)


def test_content_type_overrides_kept(book: Path) -> None:
    def other_forms(xml: str) -> str:
        xml = re.sub(r'<Override PartName="(/xl/worksheets/[^"]*)" ContentType="([^"]*)"/>',
                     r"<Override ContentType='\2' PartName='\1' />", xml)
        return re.sub(r'<Override (PartName="/(?:docProps|xl/theme)[^"]*" ContentType="[^"]*")/>',
                      r"<Override \1></Override>", xml)

    rewrite(book, "[Content_Types].xml", other_forms)
    theirs = re.findall(r"<Override\b[^>]*(?:/>|></Override>)", text(book, "[Content_Types].xml"))
    sync(book)
    types = text(book, "[Content_Types].xml")
    assert all(fragment in types for fragment in theirs)
    assert not problems(book)  # one content type per part, none missing
    assert not sync(book)


def test_prefixed_content_types_get_the_new_parts(book: Path) -> None:
    def prefixed(xml: str) -> str:
        xml = re.sub(r"<(/?)(Types|Default|Override)\b", r"<\1ct:\2", xml)
        return xml.replace('xmlns="', 'xmlns:ct="', 1)

    rewrite(book, "[Content_Types].xml", prefixed)
    sync(book)
    added = '<ct:Override PartName="/xl/worksheets/sheet5.xml"'
    assert added in text(book, "[Content_Types].xml")
    assert not problems(book)


def test_new_rels_parts_get_a_content_type(book: Path) -> None:
    # LibreOffice 3.5-5.3 and POI name each .rels part in an Override instead of a Default.
    rels = "application/vnd.openxmlformats-package.relationships+xml"

    with zipfile.ZipFile(book) as archive:
        names = [n for n in archive.namelist() if n.endswith(".rels")]

    def overrides_only(xml: str) -> str:
        xml = re.sub(r'<Default Extension="rels"[^>]*/>', "", xml)
        extra = "".join(f'<Override PartName="/{n}" ContentType="{rels}"/>' for n in names)
        return xml.replace("</Types>", extra + "</Types>")

    rewrite(book, "[Content_Types].xml", overrides_only)
    sync(book)  # the sample's Metrics tab brings new drawing and sheet .rels parts
    assert not problems(book)


def test_new_relationship_id_is_above_every_existing_one(book: Path) -> None:
    rels_part = "xl/_rels/workbook.xml.rels"
    rewrite(book, rels_part, lambda xml: re.sub(
        r'Id="rId\d+"( Type="[^"]*/theme")', r'Id="rId20"\1', xml))
    before = {int(i) for i in re.findall(r'Id="rId(\d+)"', text(book, rels_part))}
    sync(book)
    ids = [int(i) for i in re.findall(r'Id="rId(\d+)"', text(book, rels_part))]
    assert len(ids) == len(set(ids))
    new = set(ids) - before
    assert new and min(new) > max(before) == 20


def test_contacts_autofilter_is_widened_to_the_owned_columns(tmp_path: Path) -> None:
    def autofilter(wb, ws, log) -> None:  # noqa: ANN001
        ws.autofilter("A1:C4")
        ws.filter_column("A", "x == C0001")

    path = contacts_book(tmp_path / "filter.xlsx", ["ID", "Name", "NPS"], PEOPLE, autofilter)
    criteria = re.search(r"<filterColumn\b.*?</filterColumn>", text(path, CONTACTS)).group(0)
    sync(path)
    after = text(path, CONTACTS)
    ref = re.search(r'<autoFilter ref="([A-Z]+\d+:[A-Z]+\d+)"', after).group(1)
    headers = grid(path, "Contacts")[0]
    last = openpyxl.utils.get_column_letter(headers.index("Row issues") + 1)
    assert ref == f"A1:{last}4"
    assert criteria in after


# -- rows and cells -------------------------------------------------------------------------


def test_cdata_with_closing_cell_tag_in_a_contact_row_is_kept(book: Path) -> None:
    cell = '<c r="R2" t="inlineStr"><is><t><![CDATA[call after 6 </c> not before]]></t></is></c>'
    rewrite(book, CONTACTS, lambda xml: re.sub(r'<c r="R2"[^>]*?(?:/>|>.*?</c>)', cell, xml,
                                                count=1, flags=re.S))
    sync(book)
    assert cell in text(book, CONTACTS)
    assert grid(book, "Contacts")[1][17] == "call after 6 </c> not before"
    assert not problems(book)


def test_out_of_order_rows_get_no_duplicate_row(book: Path) -> None:
    def swap(xml: str) -> str:
        two = re.search(r'<row r="2"[^>]*>.*?</row>', xml, re.S).group(0)
        three = re.search(r'<row r="3"[^>]*>.*?</row>', xml, re.S).group(0)
        return xml.replace(two + three, three + two)

    rewrite(book, CONTACTS, swap)
    sync(book)
    assert not problems(book)
    rows = grid(book, "Contacts")
    tier = rows[0].index("Tier")
    assert all(row[tier] for row in rows[1:5])


def test_col_entries_with_end_tags_are_kept(book: Path) -> None:
    rewrite(book, CONTACTS, lambda xml: re.sub(r"(<col\b[^>]*?)/>", r"\1></col>", xml))
    theirs = re.findall(r"<col\b[^>]*></col>", text(book, CONTACTS))
    sync(book)
    after = text(book, CONTACTS)
    assert theirs and all(fragment in after for fragment in theirs)
    assert len(re.findall(r"<col\b", after)) > len(theirs)  # the owned columns got widths


def test_a_table_header_with_spaces_keeps_matching_its_table_column(tmp_path: Path) -> None:
    headers = ["ID", "Name", "NPS", " Tier "]

    def table(wb, ws, log) -> None:  # noqa: ANN001
        ws.add_table("A1:D4", {"columns": [{"header": h} for h in headers],
                               "data": [[*p, None] for p in PEOPLE]})

    path = contacts_book(tmp_path / "table.xlsx", headers, [], table)
    header_cell = re.search(r'<c r="D1"[^>]*?(?:/>|>.*?</c>)', text(path, CONTACTS)).group(0)
    table_part = text(path, "xl/tables/table1.xml")
    sync(path)
    assert header_cell in text(path, CONTACTS)
    assert text(path, "xl/tables/table1.xml") == table_part
    rows = grid(path, "Contacts")
    assert rows[0][3] == " Tier " and all(row[3] for row in rows[1:4])
    openpyxl.load_workbook(path)  # the table still matches its header cells


def test_owned_columns_never_go_past_column_xfd(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    def far_right(wb, ws, log) -> None:  # noqa: ANN001
        ws.write(0, 16383, "Far right")

    path = contacts_book(tmp_path / "wide.xlsx", ["ID", "Name"], [p[:2] for p in PEOPLE],
                         far_right)
    before = path.read_bytes()
    assert main(["sync", str(path), "--today", TODAY.isoformat()]) == 4
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "XFD" in err
    assert path.read_bytes() == before


LOGGED = {"date": date(2026, 11, 23), "contact_id": "C0001", "channel": "call",
          "touchpoint": "Day 30 check-in", "outcome": "answered", "notes": "", "owner": "Mei"}


def test_appended_interactions_never_merge_into_a_row_of_formulas_below_the_log(
    book: Path,
) -> None:
    # A person's count below the log, written by a script: a formula without a cached value,
    # which a reader sees as a blank row.
    formulas = '<row r="5"><c r="A5"><f>COUNTA(A2:A4)</f></c><c r="B5"><f>NOW()</f></c></row>'
    rewrite(book, INTERACTIONS, lambda xml: xml.replace("</sheetData>", formulas + "</sheetData>"))
    store = XlsxStore(book)
    appends = [Append("interactions", [LOGGED] * 3, {"date": "date"})]
    store.apply(plan_for(store, appends=appends))
    after = text(book, INTERACTIONS)
    assert formulas in after
    rows = grid(book, "Interactions")
    assert [r[3] for r in rows[5:8]] == ["Day 30 check-in"] * 3
    assert not problems(book)


def test_appended_rows_inside_an_excel_table_extend_its_range(tmp_path: Path) -> None:
    def table(wb, ws, log) -> None:  # noqa: ANN001
        log.add_table("A1:G2", {"columns": [{"header": h} for h in LOG_HEADERS],
                                "data": [["2026-11-01", "C0001", "call", "Hi", "ok", "", "Mei"]]})

    path = contacts_book(tmp_path / "log.xlsx", ["ID", "Name", "NPS"], PEOPLE, table)
    store = XlsxStore(path)
    store.apply(plan_for(store, appends=[Append("interactions", [LOGGED] * 2, {"date": "date"})]))
    table_xml = text(path, "xl/tables/table1.xml")
    assert 'ref="A1:G4"' in table_xml and '<autoFilter ref="A1:G4"/>' in table_xml
    ws = openpyxl.load_workbook(path)["Interactions"]
    assert ws.tables["Table1"].ref == "A1:G4" and ws["D4"].value == "Day 30 check-in"


def test_calendar_cells_stay_within_excel_cell_limit(book: Path) -> None:
    calendar = OwnedTab(key="calendar", columns=[Column("month", "Month"),
                                                 Column("birthdays", "Birthdays")],
                        rows=[["January", "Alice Tan (5th); " * 2500]])
    store = XlsxStore(book)
    store.apply(plan_for(store, tabs=[calendar]))
    cell = grid(book, "Calendar")[1][1]
    assert len(cell.encode("utf-16-le")) // 2 <= 32767
    assert cell.startswith("Alice Tan (5th); ") and cell.endswith("characters in a cell)")


def test_header_note_left_out_where_an_excel_2010_validation_covers_the_headers(
    book: Path,
) -> None:
    extension = (
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.'
        'microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation '
        'type="list" allowBlank="1"><x14:formula1><xm:f>Lists!$A$1:$A$3</xm:f></x14:formula1>'
        "<xm:sqref>A1:XFD1</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>"
    )
    rewrite(book, CONTACTS, lambda xml: xml.replace("</worksheet>", extension + "</worksheet>"))
    sync(book)
    after = text(book, CONTACTS)
    assert extension in after and 'promptTitle="sheets-sync"' not in after
    assert not problems(book)


def test_a_style_sheet_with_a_document_type_is_refused_naming_it(book: Path, capsys) -> None:  # noqa: ANN001
    rewrite(book, "xl/styles.xml", lambda xml: xml.replace(
        "<styleSheet", '<!DOCTYPE styleSheet [<!ENTITY a "aaaa">]><styleSheet', 1))
    before = book.read_bytes()
    assert main(["sync", str(book), "--today", TODAY.isoformat()]) == 4
    err = capsys.readouterr().err
    assert "xl/styles.xml" in err and len(err.strip().splitlines()) == 1
    assert book.read_bytes() == before


def test_a_new_element_goes_before_a_markup_compatibility_wrapper_of_a_later_one(
    tmp_path: Path,
) -> None:
    # Excel wraps controls and OLE objects in mc:AlternateContent; the wrapper stands where the
    # element it wraps stands in the sequence (after dataValidations).
    path = contacts_book(tmp_path / "mc.xlsx", ["ID", "Name", "NPS"], PEOPLE)
    wrapper = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/'
        '2006"><mc:Choice Requires="x14"><oleObjects><oleObject progId="Package" shapeId="1025"/>'
        "</oleObjects></mc:Choice><mc:Fallback><oleObjects><oleObject progId=\"Package\" "
        'shapeId="1025"/></oleObjects></mc:Fallback></mc:AlternateContent>'
    )
    rewrite(path, CONTACTS, lambda xml: re.sub(r"<pageMargins[^>]*/>", "", xml).replace(
        "</worksheet>", wrapper + "</worksheet>"))
    sync(path)
    after = text(path, CONTACTS)
    assert wrapper in after
    assert after.index("<dataValidations") < after.index("<mc:AlternateContent")
    assert not problems(path)
