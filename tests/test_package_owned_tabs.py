"""Issue: a person's tab named like an owned tab, and the parts it shares, are never the tool's.

Each test builds a real workbook, syncs it through the rules, and checks the person's parts byte
for byte (core/owned_tabs.py, stores/xlsx_package.py)."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sheets_sync.stores.xlsx_package import PKG_REL_NS, Package
from tests.libreoffice import convert
from tests.package_books import base_book, image_on, parts, sheet_part, sync
from tests.store_contract import TOOL_ISSUES_HEADER


def below(path: Path, part: str) -> dict[str, bytes]:
    """A part, its relationships and everything they reach, as bytes."""
    files = parts(path)
    with zipfile.ZipFile(path) as archive:
        package = Package(archive)
        names = {part} | {n for n in package._reach([part]) for n in [package.actual(n)] if n}
    return {n: files[n] for n in sorted(names)}


def test_a_persons_chartsheet_named_metrics_is_kept_and_the_tool_writes_beside_it(tmp_path):
    def build(wb, _ws):
        sheet = wb.add_chartsheet("Metrics")
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"values": "=Contacts!$A$1:$A$2"})
        sheet.set_chart(chart)

    path = base_book(tmp_path / "book.xlsx", build)
    before = below(path, "xl/chartsheets/sheet1.xml")
    assert sync(path)
    assert below(path, "xl/chartsheets/sheet1.xml") == before
    names = openpyxl.load_workbook(path).sheetnames
    assert "Metrics" in names and "Metrics (sheets-sync)" in names
    assert sync(path) is False  # the second sync finds its own tab by the mark


def test_a_persons_referrals_tab_with_an_image_survives_byte_for_byte(tmp_path):
    def build(wb, _ws):
        sheet = wb.add_worksheet("referrals")
        sheet.write_row(0, 0, ["Who sent whom", "When"])
        sheet.write_row(1, 0, ["Alice → Bob", "May"])
        image_on(sheet)

    path = base_book(tmp_path / "book.xlsx", build)
    part = sheet_part(path, "referrals")
    before = below(path, part)
    assert sync(path)
    assert below(path, part) == before
    assert "Referrals (sheets-sync)" in openpyxl.load_workbook(path).sheetnames


def test_an_image_an_owned_tab_shares_with_a_persons_tab_is_kept(tmp_path):
    def build(wb, _ws):
        issues = wb.add_worksheet("Issues")  # the tool's, from before the mark existed
        issues.write_row(0, 0, TOOL_ISSUES_HEADER)
        image_on(issues)
        office = wb.add_worksheet("Office")
        office.write(0, 0, "Our office")
        image_on(office)

    path = base_book(tmp_path / "book.xlsx", build)
    office = below(path, sheet_part(path, "Office"))
    media = [n for n in office if n.startswith("xl/media/")]
    assert len(media) == 1 and len([n for n in parts(path) if "media" in n]) == 1  # one image
    assert sync(path)
    after = parts(path)
    assert below(path, sheet_part(path, "Office")) == office
    assert after[media[0]] == office[media[0]]
    workbook = openpyxl.load_workbook(path)  # openpyxl follows every drawing to its image
    assert workbook.sheetnames.count("Issues") == 1
    assert workbook["Issues"]["A1"].value == "Tab"


@pytest.mark.slow  # LibreOffice saves the synced workbook: several seconds
def test_after_libreoffice_saves_it_the_next_sync_still_knows_its_own_tabs(tmp_path):
    def build(wb, _ws):
        mine = wb.add_worksheet("Today")
        mine.write_row(0, 0, ["My own list", "for today"])

    path = base_book(tmp_path / "book.xlsx", build)
    assert sync(path)
    saved = convert(path, tmp_path / "saved")
    sync(saved)
    names = openpyxl.load_workbook(saved).sheetnames
    assert names.count("Today (sheets-sync)") == 1 and "Today (sheets-sync 2)" not in names
    assert openpyxl.load_workbook(saved)["Today"]["A1"].value == "My own list"
    assert sync(saved) is False


def package_of(files: dict[str, str]) -> Package:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return Package(zipfile.ZipFile(io.BytesIO(buffer.getvalue())))


def rels(*targets: str) -> str:
    body = "".join(f'<Relationship Id="rId{n}" Type="t" Target="{t}"/>'
                   for n, t in enumerate(targets, start=1))
    return f'<Relationships xmlns="{PKG_REL_NS}">{body}</Relationships>'


def test_a_pivot_cache_the_workbook_still_uses_stays_when_an_owned_sheet_goes():
    package = package_of({
        "_rels/.rels": rels("xl/workbook.xml"),
        "xl/workbook.xml": "<workbook/>",
        "xl/_rels/workbook.xml.rels": rels("worksheets/sheet1.xml", "worksheets/sheet2.xml",
                                           "pivotCache/pivotCacheDefinition1.xml"),
        "xl/worksheets/sheet1.xml": "<worksheet/>",  # the tool's, being rewritten
        "xl/worksheets/_rels/sheet1.xml.rels": rels("../pivotTables/pivotTable1.xml",
                                                    "../media/image1.png"),
        "xl/pivotTables/pivotTable1.xml": "<pivotTableDefinition/>",
        "xl/pivotTables/_rels/pivotTable1.xml.rels": rels(
            "../pivotCache/pivotCacheDefinition1.xml"),
        "xl/pivotCache/pivotCacheDefinition1.xml": "<pivotCacheDefinition/>",
        "xl/worksheets/sheet2.xml": "<worksheet/>",  # a person's
        "xl/worksheets/_rels/sheet2.xml.rels": rels("../media/IMAGE1.png"),
        "xl/media/image1.png": "png",
    })
    assert package.removable_below("xl/worksheets/sheet1.xml") == {
        "xl/worksheets/_rels/sheet1.xml.rels", "xl/pivotTables/pivotTable1.xml",
        "xl/pivotTables/_rels/pivotTable1.xml.rels"}


def test_a_persons_custom_properties_are_kept_beside_the_mark(tmp_path):
    def build(wb, _ws):
        wb.set_custom_property("Agent", "Mei Ling")
        wb.set_custom_property("Office & branch", "KL <central>")

    path = base_book(tmp_path / "book.xlsx", build)
    theirs = re.findall(r"<property\b.*?</property>", parts(path)["docProps/custom.xml"].decode())
    assert len(theirs) == 2
    assert sync(path)
    xml = parts(path)["docProps/custom.xml"].decode()
    for element in theirs:
        assert element in xml
    with zipfile.ZipFile(path) as archive:
        mark = Package(archive).mark()
    assert mark is not None and mark["Today"] == "today" and mark["Issues"] == "issues"
    assert len(set(re.findall(r'pid="(\d+)"', xml))) == len(re.findall(r'pid="', xml))
    assert sync(path) is False


def test_the_mark_is_read_whatever_form_another_application_writes_it_in(tmp_path: Path) -> None:
    """openpyxl with lxml declares the vt namespace on each value, not on the root."""
    xml = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'custom-properties"><property name="sheets-sync.owned-tab.today" fmtid="{D5CDD505-'
           '2E9C-101B-9397-08002B2CF9AE}" pid="2"><vt:lpwstr xmlns:vt="http://schemas.'
           'openxmlformats.org/officeDocument/2006/docPropsVTypes">Today</vt:lpwstr></property>'
           '</Properties>')
    rels = (f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/custom-properties" '
            'Target="docProps/custom.xml"/></Relationships>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("_rels/.rels", rels)
        archive.writestr("docProps/custom.xml", xml)
    with zipfile.ZipFile(buffer) as archive:
        assert Package(archive).mark() == {"Today": "today"}
