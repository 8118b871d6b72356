"""Write the corpus workbooks (see README.md): each from a real application where one is at
hand (openpyxl, xlsxwriter, pandas, LibreOffice headless), the rest built part by part in the
forms other writers use. Run from the repository root:

    .venv/bin/pip install pandas   # only for the two pandas files
    .venv/bin/python tests/corpus/make_corpus.py

The files are checked in; re-running rewrites them (applications stamp dates, so bytes differ).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.workbooks import png_bytes  # noqa: E402

HEADERS = ["ID", "Name", "Owner", "Phone", "Email", "Stage", "Closing date", "NPS", "My notes"]
STAGES = ["Lead", "Prospect", "Under contract", "Closed", "Lost"]
NAMES = ["Alice Tan", "王伟", "Sato Hanako", "Ahmad bin Ali", "Nor Azlina", "陈美玲", "Ken Ito",
         "Priya Nair", "Lee Min", "Siti Aminah", "Tanaka Ken", "Wong Mei Ling"]


def people(count: int) -> list[list]:
    rows = []
    for n in range(count):
        rows.append([
            f"C{n + 1:04d}" if n % 7 else "",
            NAMES[n % len(NAMES)] + ("" if n < len(NAMES) else f" {n}"),
            ["Mei", "Ken"][n % 2],
            f"+60 12-{3000000 + n * 7919:07d}",
            f"person{n}@example.com",
            STAGES[n % len(STAGES)],
            date(2025, 1 + n % 12, 1 + n % 27) if n % 3 == 0 else None,
            (n * 3) % 11,
            "likes durians" if n % 5 == 0 else "",
        ])
    return rows


def openpyxl_features(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image
    from openpyxl.formatting.rule import ColorScaleRule, DataBarRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "Contacts"
    ws.append(HEADERS)
    for row in people(40):
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFF2CC")
    for cell in ws["G"][1:]:
        cell.number_format = "dd/mm/yyyy"
    ws["B2"].comment = Comment("Met at the open house", "Mei")
    rule = DataValidation(type="list", formula1='"' + ",".join(STAGES) + '"', allow_blank=True)
    ws.add_data_validation(rule)
    rule.add("F2:F200")
    ws.conditional_formatting.add("H2:H200", DataBarRule(start_type="min", end_type="max",
                                                         color="FF638EC6"))
    ws.conditional_formatting.add("H2:H200", ColorScaleRule(start_type="min", start_color="FFFFFF",
                                                            end_type="max", end_color="63BE7B"))
    ws.auto_filter.ref = "A1:I41"
    ws.merge_cells("K2:L3")
    ws["K2"] = "merged note"
    ws.freeze_panes = "A2"
    ws["M2"].hyperlink = "https://example.com/listing"
    ws["M2"] = "listing"
    ws["N2"] = "=H2*2"
    ws.column_dimensions["B"].width = 24
    ws.print_options.gridLines = True
    ws.add_image(Image(io.BytesIO(png_bytes())), "P2")
    log = wb.create_sheet("Interactions")
    log.append(["Date", "Contact ID", "Channel", "Touchpoint", "Outcome", "Notes", "Owner"])
    log.append([datetime(2026, 11, 1), "C0002", "call", "Check-in", "answered", "", "Mei"])
    pipe = wb.create_sheet("Pipeline")
    pipe.append(["Month", "Deals"])
    for month in range(1, 7):
        pipe.append([f"M{month}", month * 3])
    chart = BarChart()
    chart.add_data(Reference(pipe, min_col=2, min_row=1, max_row=7), titles_from_data=True)
    chart.set_categories(Reference(pipe, min_col=1, min_row=2, max_row=7))
    pipe.add_chart(chart, "D2")
    wb.save(path)


def xlsxwriter_features(path: Path, constant_memory: bool = False) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory})
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    dates = wb.add_format({"num_format": "yyyy-mm-dd"})
    money = wb.add_format({"num_format": "#,##0.00"})
    ws = wb.add_worksheet("Contacts")
    ws.write_row(0, 0, HEADERS, bold)
    rows = people(300 if constant_memory else 60)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, date):
                ws.write_datetime(r, c, datetime.combine(value, datetime.min.time()), dates)
            elif value not in (None, ""):
                ws.write(r, c, value)
        if constant_memory:
            continue
    if not constant_memory:
        ws.conditional_format("H2:H500", {"type": "data_bar", "data_bar_2010": True})
        ws.conditional_format("H2:H500", {"type": "cell", "criteria": ">=", "value": 9,
                                          "format": wb.add_format({"bg_color": "#C6EFCE"})})
        ws.data_validation("F2:F500", {"validate": "list", "source": STAGES})
        ws.write_comment("B2", "Prefers WhatsApp", {"author": "Ken"})
        ws.add_sparkline("J2", {"range": "Contacts!H2:H20"})
        ws.insert_image("L2", "logo.png", {"image_data": io.BytesIO(png_bytes())})
        ws.insert_textbox("L8", "Call everyone on Friday")
        ws.write_url("K10", "https://example.com", string="site")
        ws.merge_range("N2:O3", "merged", money)
        ws.write_formula("P2", "=H2*2", money, 18)
        ws.set_landscape()
        ws.repeat_rows(0)
        ws.set_row(5, None, None, {"level": 1})
        ws.freeze_panes(1, 1)
        ws.autofilter(0, 0, len(rows), len(HEADERS) - 1)
        wb.define_name("Promoters", "=Contacts!$H$2:$H$500")
        deals = wb.add_worksheet("Deals")
        deals.add_table("A1:C4", {"columns": [{"header": "Contact ID"}, {"header": "Price"},
                                              {"header": "Side"}],
                                  "data": [["C0001", 850000, "buy"], ["C0002", 420000, "sell"],
                                           ["C0003", 910000, "buy"]]})
    log = wb.add_worksheet("Interactions")
    log.write_row(0, 0, ["Date", "Contact ID", "Channel", "Touchpoint", "Outcome", "Notes",
                         "Owner"], bold)
    log.write_datetime(1, 0, datetime(2026, 11, 1), dates)
    log.write_row(1, 1, ["C0001", "call", "Check-in", "answered", "fine", "Mei"])
    wb.close()


def pandas_books(folder: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame(people(50), columns=HEADERS)
    frame["Closing date"] = pd.to_datetime(frame["Closing date"])
    with pd.ExcelWriter(folder / "pandas_openpyxl.xlsx", engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="Contacts", index=False)
        frame[["ID", "NPS"]].describe().to_excel(writer, sheet_name="Summary")
    with pd.ExcelWriter(folder / "pandas_xlsxwriter.xlsx", engine="xlsxwriter") as writer:
        frame.to_excel(writer, sheet_name="Contacts", index=False, freeze_panes=(1, 0))
        writer.sheets["Contacts"].autofilter(0, 0, len(frame), len(HEADERS) - 1)


def libreoffice_books(folder: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        print("soffice not found: LibreOffice files not rewritten")
        return
    with tempfile.TemporaryDirectory() as work:
        work_path = Path(work)
        csv = work_path / "libreoffice_from_csv.csv"
        lines = [",".join(HEADERS)] + [
            ",".join("" if v is None else str(v) for v in row) for row in people(80)
        ]
        csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        source = work_path / "libreoffice_resaved.xlsx"
        shutil.copy(folder / "openpyxl_features.xlsx", source)
        tables = work_path / "libreoffice_resaved_tables.xlsx"
        shutil.copy(folder / "xlsxwriter_features.xlsx", tables)
        out = work_path / "out"
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{work_path / 'profile'}", "--headless",
             "--norestore", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out),
             str(csv), str(source), str(tables)],
            check=True, capture_output=True, timeout=300,
        )
        for made in out.glob("*.xlsx"):
            shutil.copy(made, folder / made.name)


# -- forms other writers use, built part by part ----------------------------------------------

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
RELS_CT = "application/vnd.openxmlformats-package.relationships+xml"


def sheet_rows(rows: list[list], first: int = 1) -> str:
    out = []
    for number, row in enumerate(rows, start=first):
        cells = []
        for col, value in enumerate(row):
            ref = f"{chr(65 + col)}{number}"
            if value in (None, ""):
                continue
            if isinstance(value, (int, float)):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                text = str(value).replace("&", "&amp;").replace("<", "&lt;")
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
        out.append(f'<row r="{number}" spans="1:{len(row)}">{"".join(cells)}</row>')
    return "".join(out)


def contact_grid(count: int) -> list[list]:
    return [HEADERS[:6] + ["NPS"]] + [row[:6] + [row[7]] for row in people(count)]


def package(path: Path, sheets: list[tuple[str, str]], styles: str, types: str | None = None,
            extra: dict[str, str] | None = None, rels_default: bool = True) -> None:
    """A workbook from its sheet XML: `sheets` is (name, worksheet xml)."""
    parts: dict[str, str] = {}
    overrides = [("/xl/workbook.xml",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
                 ("/xl/styles.xml",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml")]
    entries, rels = [], []
    for n, (name, xml) in enumerate(sheets, start=1):
        parts[f"xl/worksheets/sheet{n}.xml"] = xml
        overrides.append((f"/xl/worksheets/sheet{n}.xml", SHEET_CT))
        entries.append(f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>')
        rels.append(f'<Relationship Id="rId{n}" Type="{R}/worksheet" '
                    f'Target="worksheets/sheet{n}.xml"/>')
    rels.append(f'<Relationship Id="rId{len(sheets) + 1}" Type="{R}/styles" Target="styles.xml"/>')
    parts["xl/workbook.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{MAIN}" '
        f'xmlns:r="{R}"><bookViews><workbookView/></bookViews><sheets>{"".join(entries)}'
        "</sheets></workbook>")
    parts["xl/_rels/workbook.xml.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PKG}">{"".join(rels)}'
        "</Relationships>")
    parts["_rels/.rels"] = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Relationships xmlns="{PKG}"><Relationship '
        f'Id="rId1" Type="{R}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    parts["xl/styles.xml"] = styles
    parts.update(extra or {})
    if types is None:
        defaults = ('<Default Extension="rels" ContentType="' + RELS_CT + '"/>'
                    if rels_default else "")
        rels_overrides = "" if rels_default else "".join(
            f'<Override PartName="/{p}" ContentType="{RELS_CT}"/>' for p in parts
            if p.endswith(".rels"))
        types = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Types xmlns="http://schemas.openxmlformats'
            f'.org/package/2006/content-types">{defaults}<Default Extension="xml" '
            'ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
            + rels_overrides + "</Types>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        for name, data in parts.items():
            archive.writestr(name, data)


POI_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<styleSheet xmlns="{MAIN}"><numFmts count="3">'
    '<numFmt formatCode="GENERAL" numFmtId="164"/><numFmt formatCode="dd/mm/yyyy" numFmtId="165"/>'
    '<numFmt formatCode="0.0%" numFmtId="166"/></numFmts><fonts count="1"><font><sz val="11.0"/>'
    '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/>'
    '</fill><fill><patternFill patternType="darkGray"/></fill></fills><borders count="1"><border>'
    '<left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
    'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf '
    'numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" '
    'fillId="0" borderId="0" xfId="0" applyNumberFormat="true"/><xf numFmtId="165" fontId="0" '
    'fillId="0" borderId="0" xfId="0" applyNumberFormat="true"/></cellXfs><cellStyles count="1">'
    '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="1"><dxf><numFmt '
    'numFmtId="167" formatCode="0.00"/></dxf></dxfs></styleSheet>'
)


def poi_like(path: Path) -> None:
    """POI's forms: numFmt attributes reversed, IDs 164-167 taken (one in a dxf), custom views,
    `.rels` content types given as Overrides, a data bar with its x14 extension list."""
    grid = contact_grid(25)
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN}" xmlns:r="{R}">'
        '<dimension ref="A1:G26"/><sheetViews><sheetView workbookViewId="0" tabSelected="true">'
        '</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15.0"/><cols><col min="2" '
        'max="2" width="24.0" customWidth="true"/></cols>'
        f"<sheetData>{sheet_rows(grid)}</sheetData>"
        '<customSheetViews><customSheetView guid="{0C3F1A2B-4D5E-6F70-8192-A3B4C5D6E7F8}" '
        'scale="90"><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/></customSheetView></customSheetViews>'
        '<conditionalFormatting sqref="G2:G26"><cfRule type="dataBar" priority="1"><dataBar>'
        '<cfvo type="min"/><cfvo type="max"/><color rgb="FF638EC6"/></dataBar><extLst><ext '
        'uri="{B025F937-C7B1-47D3-B67F-A62EFF666E3E}" xmlns:x14="http://schemas.microsoft.com/'
        'office/spreadsheetml/2009/9/main"><x14:id>{00000000-0001-0002-0003-000000000004}</x14:id>'
        "</ext></extLst></cfRule></conditionalFormatting>"
        '<pageMargins bottom="0.75" footer="0.3" header="0.3" left="0.7" right="0.7" top="0.75"/>'
        "</worksheet>"
    )
    package(path, [("Contacts", sheet)], POI_STYLES, rels_default=False)


def exceljs_like(path: Path) -> None:
    """ExcelJS's forms: outline properties, markup-compatibility attributes, formulas without
    cached values (one shared), merged cells and an x14 extension."""
    grid = contact_grid(30)
    rows = sheet_rows(grid)
    rows = rows.replace('<c r="G3"><v>3</v></c>', '<c r="G3"><f>1+2</f></c>', 1)
    rows = rows.replace('<c r="G4"><v>6</v></c>', '<c r="G4"><f t="shared" ref="G4:G5" si="0">'
                        '2*3</f></c>', 1)
    rows = rows.replace('<c r="G5"><v>9</v></c>', '<c r="G5"><f t="shared" si="0"/></c>', 1)
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}" '
        f'xmlns:r="{R}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'mc:Ignorable="x14ac" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/'
        '2009/9/ac"><sheetPr filterMode="false"><outlinePr summaryBelow="0" summaryRight="0"/>'
        '</sheetPr><dimension ref="A1:K31"/><sheetViews><sheetView workbookViewId="0"><pane '
        'ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView>'
        '</sheetViews><sheetFormatPr defaultRowHeight="15" outlineLevelRow="0" outlineLevelCol="0" '
        'x14ac:dyDescent="0.25"/><cols><col min="1" max="1" width="9" customWidth="1"/><col '
        'min="2" max="2" width="22" customWidth="1"/></cols>'
        f"<sheetData>{rows}</sheetData>"
        '<mergeCells count="1"><mergeCell ref="M2:N3"/></mergeCells>'
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" xmlns:x14="http://schemas.'
        'microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="0" '
        'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/></ext></extLst>'
        "</worksheet>"
    )
    package(path, [("Contacts", sheet)], POI_STYLES.replace(' formatCode="GENERAL"',
                                                             ' formatCode="General"'))


def odd_forms(path: Path) -> None:
    """Forms that regular expressions get wrong: rows out of order, CDATA holding `</c>`,
    `<col></col>`, single-quoted attributes, a comment and a processing instruction between
    rows, a prefixed content-types part."""
    grid = contact_grid(12)
    rows = sheet_rows(grid)
    two_start = rows.index('<row r="2"')
    three_start = rows.index('<row r="3"')
    four_start = rows.index('<row r="4"')
    rows = rows[:two_start] + rows[three_start:four_start] + rows[two_start:three_start] + (
        rows[four_start:])
    rows = rows.replace("<c r=\"B5\" t=\"inlineStr\"><is><t>",
                        "<c r='B5' t='inlineStr'><is><t><![CDATA[</c> ]]>", 1)
    rows = rows.replace('<row r="6"', "<!-- moved </row> by hand --><?keep this?><row r=\"6\"", 1)
    sheet = (
        f"<?xml version='1.0' encoding='UTF-8'?>\n<worksheet xmlns='{MAIN}' xmlns:r='{R}'>"
        "<sheetViews><sheetView workbookViewId='0'/></sheetViews>"
        "<cols><col min='1' max='1' width='10' customWidth='1'></col>"
        "<col min='3' max='4' width='16' customWidth='1'></col></cols>"
        f"<sheetData>{rows}</sheetData>"
        "<pageMargins left='0.7' right='0.7' top='0.75' bottom='0.75' header='0.3' footer='0.3'/>"
        "</worksheet>"
    )
    types = (
        "<?xml version='1.0' encoding='UTF-8'?>\n<ct:Types xmlns:ct='http://schemas."
        "openxmlformats.org/package/2006/content-types'><ct:Default Extension='rels' "
        f"ContentType='{RELS_CT}'/><ct:Default Extension='xml' ContentType='application/xml'/>"
        "<ct:Override PartName='/xl/workbook.xml' ContentType='application/vnd.openxmlformats-"
        "officedocument.spreadsheetml.sheet.main+xml'/><ct:Override PartName='/xl/styles.xml' "
        "ContentType='application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml'/>"
        f"<ct:Override PartName='/xl/worksheets/sheet1.xml' ContentType='{SHEET_CT}'/></ct:Types>"
    )
    package(path, [("Contacts", sheet)], POI_STYLES, types=types)


def prefixed_sheet(path: Path) -> None:
    """A worksheet written with a namespace prefix (as some XML libraries write): the tool
    refuses it, naming it, and leaves the file as it was."""
    grid = contact_grid(5)
    rows = sheet_rows(grid).replace("<", "<x:").replace("<x:/", "</x:")
    sheet = (f'<?xml version="1.0" encoding="UTF-8"?>\n<x:worksheet xmlns:x="{MAIN}">'
             f"<x:sheetData>{rows}</x:sheetData></x:worksheet>")
    package(path, [("Contacts", sheet)], POI_STYLES)


def main() -> None:
    openpyxl_features(HERE / "openpyxl_features.xlsx")
    xlsxwriter_features(HERE / "xlsxwriter_features.xlsx")
    xlsxwriter_features(HERE / "xlsxwriter_constant_memory.xlsx", constant_memory=True)
    try:
        pandas_books(HERE)
    except ImportError:
        print("pandas not installed: pandas files not rewritten")
    libreoffice_books(HERE)
    poi_like(HERE / "poi_like.xlsx")
    exceljs_like(HERE / "exceljs_like.xlsx")
    odd_forms(HERE / "odd_forms.xlsx")
    prefixed_sheet(HERE / "refused_prefixed_sheet.xlsx")


if __name__ == "__main__":
    main()
