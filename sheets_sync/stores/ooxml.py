"""Surgical edits of SpreadsheetML text.

The Excel store never loads a workbook into an object model and saves it back: that is how
writers lose charts, shapes, cached formula values and the rest. It edits the few XML parts it
must (the Contacts and Interactions sheets, styles, the workbook's tab list) as text, inserting or
replacing only the cells it owns, and copies every other part byte for byte.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from xml.etree import ElementTree

from sheets_sync.core.cells import col_index, col_letter
from sheets_sync.errors import CannotPreserve

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKSHEET_REL = REL_NS + "/worksheet"

# Child order of <worksheet> (ECMA-376 CT_Worksheet); new elements go in their proper place.
WORKSHEET_ORDER = (
    "sheetPr",
    "dimension",
    "sheetViews",
    "sheetFormatPr",
    "cols",
    "sheetData",
    "sheetCalcPr",
    "sheetProtection",
    "protectedRanges",
    "scenarios",
    "autoFilter",
    "sortState",
    "dataConsolidate",
    "customSheetViews",
    "mergeCells",
    "phoneticPr",
    "conditionalFormatting",
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
)

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ROW = re.compile(r"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
_CELL = re.compile(r"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
_REF_ATTR = re.compile(r'\sr="([A-Z]+)(\d+)"')
_ROW_ATTR = re.compile(r'\sr="(\d+)"')
_STYLE_ATTR = re.compile(r'\ss="(\d+)"')


# ---------------------------------------------------------------------------------------------
# Cell references and values


def escape(text: str) -> str:
    """Text safe for an XML element or attribute; characters XML forbids are dropped."""
    text = _ILLEGAL_XML.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def excel_serial(value: date | datetime, date1904: bool = False) -> float:
    epoch = datetime(1904, 1, 1) if date1904 else datetime(1899, 12, 30)
    moment = value if isinstance(value, datetime) else datetime.combine(value, time())
    delta = moment.replace(tzinfo=None) - epoch
    serial = delta.days + delta.seconds / 86400
    return float(serial) if serial % 1 else float(int(serial))


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


def cell_xml(ref: str, value: Any, style: int | None, date1904: bool = False) -> str:
    """One <c> element. Text is always an inline string, so it can never become a formula."""
    s_attr = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s_attr}/>' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{s_attr} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (date, datetime)):
        return f'<c r="{ref}"{s_attr}><v>{_number(excel_serial(value, date1904))}</v></c>'
    if isinstance(value, (int, float)) and not (
        isinstance(value, float) and not math.isfinite(value)
    ):
        return f'<c r="{ref}"{s_attr}><v>{_number(value)}</v></c>'
    text = escape(str(value))
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'<c r="{ref}"{s_attr} t="inlineStr"><is><t{space}>{text}</t></is></c>'


# ---------------------------------------------------------------------------------------------
# Patching rows of an existing sheet


@dataclass(frozen=True)
class CellWrite:
    """A value for one cell. style None keeps the existing cell's style (person-owned cells)."""

    value: Any
    style: int | None


@dataclass
class PatchResult:
    xml: str
    replaced_formula: bool = False


def patch_rows(
    xml: str,
    updates: Mapping[int, Mapping[int, CellWrite]],
    date1904: bool = False,
    sheet: str = "",
) -> PatchResult:
    """Write `updates` (sheet row -> column index -> value) into a worksheet's XML.

    Rows and cells not named in `updates` are copied as they are, character for character.
    """
    start, end, empty = _sheet_data_span(xml, sheet)
    content = "" if empty else xml[start:end]
    pending = sorted(updates)
    out: list[str] = []
    cursor = 0
    replaced_formula = False
    next_pending = 0
    for match in _ROW.finditer(content):
        row_xml = match.group(0)
        tag_end = row_xml.index(">")
        row_attr = _ROW_ATTR.search(row_xml[:tag_end])
        if not row_attr:
            raise CannotPreserve(
                f"Sheet '{sheet}' has rows without row numbers, which this tool cannot edit safely",
                "open and save the workbook once in Excel or LibreOffice, then run sync again",
            )
        row_number = int(row_attr.group(1))
        out.append(content[cursor : match.start()])
        cursor = match.end()
        while next_pending < len(pending) and pending[next_pending] < row_number:
            number = pending[next_pending]
            out.append(_new_row(number, updates[number], date1904))
            next_pending += 1
        if next_pending < len(pending) and pending[next_pending] == row_number:
            patched, had_formula = _patch_row(
                row_xml, row_number, updates[row_number], date1904, sheet
            )
            replaced_formula |= had_formula
            out.append(patched)
            next_pending += 1
        else:
            out.append(row_xml)
    out.append(content[cursor:])
    for number in pending[next_pending:]:
        out.append(_new_row(number, updates[number], date1904))
    new_content = "".join(out)
    if empty:
        new_xml = xml[:start] + f"<sheetData>{new_content}</sheetData>" + xml[end:]
    else:
        new_xml = xml[:start] + new_content + xml[end:]
    return PatchResult(_grow_dimension(new_xml, updates), replaced_formula)


def _sheet_data_span(xml: str, sheet: str) -> tuple[int, int, bool]:
    if not re.search(r"<worksheet\b", xml[:2000]):
        raise CannotPreserve(
            f"Sheet '{sheet}' is written in a form of SpreadsheetML this tool cannot edit safely",
            "open and save the workbook once in Excel or LibreOffice, then run sync again",
        )
    empty = re.search(r"<sheetData\s*/>", xml)
    if empty:
        return empty.start(), empty.end(), True
    opening = re.search(r"<sheetData\b[^>]*>", xml)
    if not opening:
        raise CannotPreserve(
            f"Sheet '{sheet}' has no cell data section",
            "open and save the workbook once in Excel or LibreOffice",
        )
    return opening.end(), xml.index("</sheetData>", opening.end()), False


def _new_row(number: int, cells: Mapping[int, CellWrite], date1904: bool) -> str:
    body = "".join(
        cell_xml(f"{col_letter(col)}{number}", cells[col].value, cells[col].style, date1904)
        for col in sorted(cells)
    )
    return f'<row r="{number}">{body}</row>' if body else ""


def _patch_row(
    row_xml: str, number: int, cells: Mapping[int, CellWrite], date1904: bool, sheet: str
) -> tuple[str, bool]:
    tag_end = row_xml.index(">")
    self_closing = row_xml[tag_end - 1] == "/"
    open_tag = row_xml[: tag_end - 1 if self_closing else tag_end] + ">"
    # spans is an optional hint of the row's column range; drop it rather than let it go stale.
    open_tag = re.sub(r'\sspans="[^"]*"', "", open_tag)
    body = "" if self_closing else row_xml[tag_end + 1 : -len("</row>")]
    existing: dict[int, str] = {}
    order: list[int] = []
    for match in _CELL.finditer(body):
        cell = match.group(0)
        ref = _REF_ATTR.search(cell[: cell.index(">") + 1])
        if not ref:
            raise CannotPreserve(
                f"Sheet '{sheet}' row {number} has cells without references",
                "open and save the workbook once in Excel or LibreOffice, then run sync again",
            )
        col = col_index(ref.group(1))
        existing[col] = cell
        order.append(col)
    replaced_formula = False
    for col, write in cells.items():
        old = existing.get(col)
        style = write.style
        if old is not None:
            if "<f" in old:
                if re.search(r'<f\b[^>]*\bt="shared"[^>]*\bref="', old):
                    raise CannotPreserve(
                        f"Cell {col_letter(col)}{number} on '{sheet}' holds a shared formula that "
                        "other cells depend on, in a column this tool writes",
                        "move that formula out of the tool's columns, then run sync again",
                    )
                replaced_formula = True
            if style is None:
                kept = _STYLE_ATTR.search(old[: old.index(">") + 1])
                style = int(kept.group(1)) if kept else 0
        new = cell_xml(f"{col_letter(col)}{number}", write.value, style, date1904)
        if new:
            existing[col] = new
        else:
            existing.pop(col, None)
    body = "".join(existing[col] for col in sorted(existing))
    return f"{open_tag}{body}</row>", replaced_formula


def _grow_dimension(xml: str, updates: Mapping[int, Mapping[int, CellWrite]]) -> str:
    match = re.search(r'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"\s*/>', xml)
    if not match or not updates:
        return xml
    c1, r1 = col_index(match.group(1)), int(match.group(2))
    c2 = col_index(match.group(3)) if match.group(3) else c1
    r2 = int(match.group(4)) if match.group(4) else r1
    cols = [col for cells in updates.values() for col in cells]
    c1, c2 = min(c1, *cols), max(c2, *cols)
    r1, r2 = min(r1, *updates), max(r2, *updates)
    ref = f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}"
    return xml[: match.start()] + f'<dimension ref="{ref}"/>' + xml[match.end() :]


# ---------------------------------------------------------------------------------------------
# Other worksheet elements


def insert_element(xml: str, tag: str, element: str) -> str:
    """Insert `element` as a child of <worksheet> in its schema position."""
    after = WORKSHEET_ORDER[WORKSHEET_ORDER.index(tag) + 1 :]
    best = None
    for name in after:
        match = re.search(rf"<{name}\b", xml)
        if match and (best is None or match.start() < best):
            best = match.start()
    if best is None:
        best = xml.rindex("</worksheet>")
    return xml[:best] + element + xml[best:]


def ensure_columns_width(xml: str, widths: Mapping[int, float]) -> str:
    """Give the listed columns a width when no <col> entry covers them yet."""
    covered = [
        (int(a), int(b)) for a, b in re.findall(r'<col\b[^>]*?min="(\d+)"[^>]*?max="(\d+)"', xml)
    ]
    new = [
        f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'
        for c, w in sorted(widths.items())
        if not any(a <= c + 1 <= b for a, b in covered)
    ]
    if not new:
        return xml
    cols = re.search(r"<cols>(.*?)</cols>", xml, re.S)
    if cols:
        entries = re.findall(r"<col\b[^>]*/>", cols.group(1)) + new
        entries.sort(key=lambda e: int(re.search(r'min="(\d+)"', e).group(1)))  # type: ignore[union-attr]
        return xml[: cols.start()] + "<cols>" + "".join(entries) + "</cols>" + xml[cols.end() :]
    return insert_element(xml, "cols", "<cols>" + "".join(new) + "</cols>")


NOTE_TITLE = "sheets-sync"


def set_header_note(xml: str, sqref: str, text: str) -> str:
    """An input message on the owned header cells (shown when one is selected), saying who owns
    them. Replaces the tool's own earlier note; skipped where a person's validation overlaps."""
    ours = re.compile(
        rf'<dataValidation\b[^>]*promptTitle="{NOTE_TITLE}"[^>]*?(?:/>|>.*?</dataValidation>)', re.S
    )
    xml = _drop_with_count(xml, ours, "dataValidations", "dataValidation")
    for other in re.findall(r'<dataValidation\b[^>]*\bsqref="([^"]*)"', xml):
        if ranges_overlap(other, sqref):
            return xml
    element = (
        f'<dataValidation type="none" allowBlank="1" showInputMessage="1" '
        f'promptTitle="{NOTE_TITLE}" prompt="{escape(text)}" sqref="{sqref}"/>'
    )
    block = re.search(r"<dataValidations\b[^>]*>", xml)
    if block:
        close = xml.index("</dataValidations>", block.end())
        xml = xml[:close] + element + xml[close:]
        return _recount(xml, "dataValidations", "dataValidation")
    return insert_element(
        xml, "dataValidations", f'<dataValidations count="1">{element}</dataValidations>'
    )


def _drop_with_count(xml: str, pattern: re.Pattern[str], parent: str, child: str) -> str:
    if not pattern.search(xml):
        return xml
    xml = pattern.sub("", xml)
    xml = re.sub(rf"<{parent}\b[^>]*>\s*</{parent}>", "", xml)
    return _recount(xml, parent, child)


def _recount(xml: str, parent: str, child: str) -> str:
    block = re.search(rf"<{parent}\b[^>]*>(.*?)</{parent}>", xml, re.S)
    if not block:
        return xml
    count = len(re.findall(rf"<{child}\b", block.group(1)))
    opening = re.sub(r'\scount="\d+"', "", xml[block.start() : block.start(1)])
    opening = opening[:-1] + f' count="{count}">'
    return xml[: block.start()] + opening + xml[block.start(1) :]


def ranges_overlap(sqref_a: str, sqref_b: str) -> bool:
    """Whether two space-separated range lists (A1:B3 C5) share a cell."""

    def boxes(sqref: str) -> list[tuple[int, int, int, int]]:
        out = []
        for part in sqref.split():
            ends = [re.fullmatch(r"\$?([A-Z]+)\$?(\d+)", p) for p in part.split(":")]
            if not all(ends):
                continue
            cols = [col_index(m.group(1)) for m in ends]  # type: ignore[union-attr]
            rows = [int(m.group(2)) for m in ends]  # type: ignore[union-attr]
            out.append((min(cols), min(rows), max(cols), max(rows)))
        return out

    return any(
        a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]
        for a in boxes(sqref_a)
        for b in boxes(sqref_b)
    )


# ---------------------------------------------------------------------------------------------
# Styles: find or append the few formats the tool uses, so re-runs reuse the same entries.

HEADER_FONT = (
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font>'
)
# The tool's Contacts headers: amber with dark italic text, unlike a person's (the starter's are
# dark teal with white text), so nobody takes them for columns to type in.
OWNED_FONT = (
    '<font><b/><i/><sz val="11"/><color rgb="FF3A2A00"/><name val="Calibri"/><family val="2"/>'
    "</font>"
)
OWNED_FILL = (
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFD966"/>'
    '<bgColor indexed="64"/></patternFill></fill>'
)
TAB_HEADER_FILL = (
    '<fill><patternFill patternType="solid"><fgColor rgb="FF2F5496"/>'
    '<bgColor indexed="64"/></patternFill></fill>'
)
DATE_FORMAT = "yyyy-mm-dd"
BUILTIN_FORMATS = {"percent": 9, "integer": 1, "number": 2, "thousands": 3}


class Styles:
    """Edits styles.xml as text; `xf(kind)` returns the cellXfs index for a kind of cell."""

    def __init__(self, xml: str, money_format: str) -> None:
        if not re.search(r"<styleSheet\b", xml[:2000]) or "<cellXfs" not in xml:
            raise CannotPreserve(
                "The workbook's style sheet is in a form this tool cannot edit",
                "open and save the workbook once in Excel or LibreOffice",
            )
        self.xml = xml
        self.money_format = money_format
        self._cache: dict[str, int] = {}

    def xf(self, kind: str) -> int:
        if kind in ("", "text", "general"):
            return 0
        if kind not in self._cache:
            self._cache[kind] = self._make(kind)
        return self._cache[kind]

    def _make(self, kind: str) -> int:
        if kind == "owned_header":
            font, fill = (
                self._child("fonts", "font", OWNED_FONT),
                self._child("fills", "fill", OWNED_FILL),
            )
            return self._child("cellXfs", "xf", _xf(0, font, fill, wrap=True))
        if kind == "tab_header":
            font = self._child("fonts", "font", HEADER_FONT)
            fill = self._child("fills", "fill", TAB_HEADER_FILL)
            return self._child("cellXfs", "xf", _xf(0, font, fill, wrap=True))
        if kind == "wrap":
            return self._child("cellXfs", "xf", _xf(0, 0, 0, wrap=True))
        if kind == "date":
            fmt = self._num_fmt(DATE_FORMAT)
        elif kind == "bool":
            # Excel shows a boolean cell as TRUE/FALSE whatever its format; LibreOffice needs this.
            fmt = self._num_fmt('"TRUE";"TRUE";"FALSE"')
        elif kind == "money":
            fmt = self._num_fmt(self.money_format)
        elif kind in BUILTIN_FORMATS:
            fmt = BUILTIN_FORMATS[kind]
        else:
            raise ValueError(f"unknown cell format {kind!r}")
        return self._child("cellXfs", "xf", _xf(fmt, 0, 0))

    def _child(self, parent: str, child: str, element: str) -> int:
        block = re.search(rf"<{parent}\b[^>]*?(?:/>|>(.*?)</{parent}>)", self.xml, re.S)
        if not block:
            raise CannotPreserve(
                f"The workbook's style sheet has no <{parent}> list",
                "open and save the workbook once in Excel or LibreOffice",
            )
        children = re.findall(rf"<{child}\b[^>]*?(?:/>|>.*?</{child}>)", block.group(1) or "", re.S)
        if element in children:
            return children.index(element)
        body = "".join(children) + element
        new_block = f'<{parent} count="{len(children) + 1}">{body}</{parent}>'
        self.xml = self.xml[: block.start()] + new_block + self.xml[block.end() :]
        return len(children)

    def _num_fmt(self, code: str) -> int:
        escaped = escape(code)
        existing = re.findall(r'<numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"', self.xml)
        for num_id, fmt in existing:
            if fmt == escaped:
                return int(num_id)
        new_id = max([163, *(int(i) for i, _ in existing)]) + 1
        element = f'<numFmt numFmtId="{new_id}" formatCode="{escaped}"/>'
        block = re.search(r"<numFmts\b[^>]*?(?:/>|>(.*?)</numFmts>)", self.xml, re.S)
        if block:
            body = (block.group(1) or "") + element
            count = len(re.findall(r"<numFmt\b", body))
            self.xml = (
                self.xml[: block.start()]
                + f'<numFmts count="{count}">{body}</numFmts>'
                + self.xml[block.end() :]
            )
        else:
            opening = re.search(r"<styleSheet\b[^>]*>", self.xml)
            assert opening is not None
            self.xml = (
                self.xml[: opening.end()]
                + f'<numFmts count="1">{element}</numFmts>'
                + self.xml[opening.end() :]
            )
        return new_id


def _xf(num_fmt: int, font: int, fill: int, wrap: bool = False) -> str:
    applies = "".join(
        [
            ' applyNumberFormat="1"' if num_fmt else "",
            ' applyFont="1"' if font else "",
            ' applyFill="1"' if fill else "",
            ' applyAlignment="1"' if wrap else "",
        ]
    )
    head = (
        f'<xf numFmtId="{num_fmt}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"{applies}'
    )
    if wrap:
        return head + '><alignment vertical="top" wrapText="1"/></xf>'
    return head + "/>"


# ---------------------------------------------------------------------------------------------
# Package structure: the workbook's tabs, relationships and content types


@dataclass
class SheetEntry:
    name: str
    sheet_id: int
    rel_id: str
    part: str  # zip path, e.g. xl/worksheets/sheet1.xml


def parse_sheets(workbook_xml: bytes, rels_xml: bytes) -> list[SheetEntry]:
    rels = {r.get("Id"): r.get("Target", "") for r in ElementTree.fromstring(rels_xml)}
    entries = []
    for sheet in ElementTree.fromstring(workbook_xml).iter(f"{{{MAIN_NS}}}sheet"):
        rel_id = sheet.get(f"{{{REL_NS}}}id", "")
        entries.append(
            SheetEntry(
                sheet.get("name", ""),
                int(sheet.get("sheetId", "0")),
                rel_id,
                resolve_target("xl/workbook.xml", rels.get(rel_id, "")),
            )
        )
    return entries


def resolve_target(source_part: str, target: str) -> str:
    """A relationship target made into a zip path, relative to the part that holds it."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts = source_part.split("/")[:-1]
    for piece in target.split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def rels_path(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels"


def is_date1904(workbook_xml: bytes) -> bool:
    return re.search(rb'date1904="(1|true)"', workbook_xml) is not None


def add_sheet(
    workbook_xml: str,
    rels_xml: str,
    types_xml: str,
    name: str,
    part: str,
    existing: Iterable[SheetEntry],
) -> tuple[str, str, str]:
    """Register a new worksheet part as the last tab."""
    existing = list(existing)
    sheet_id = max([0, *(e.sheet_id for e in existing)]) + 1
    used = set(re.findall(r'Id="([^"]+)"', rels_xml))
    number = 1
    while f"rId{number}" in used:
        number += 1
    rel_id = f"rId{number}"
    target = part.removeprefix("xl/")
    rels_xml = rels_xml.replace(
        "</Relationships>",
        f'<Relationship Id="{rel_id}" Type="{WORKSHEET_REL}" Target="{target}"/></Relationships>',
    )
    sheet = (
        f'<sheet xmlns:r="{REL_NS}" name="{escape(name)}" sheetId="{sheet_id}" r:id="{rel_id}"/>'
    )
    if re.search(r"<sheets\s*/>", workbook_xml):
        workbook_xml = re.sub(r"<sheets\s*/>", f"<sheets>{sheet}</sheets>", workbook_xml)
    else:
        workbook_xml = workbook_xml.replace("</sheets>", sheet + "</sheets>")
    types_xml = types_xml.replace(
        "</Types>", f'<Override PartName="/{part}" ContentType="{WORKSHEET_CT}"/></Types>'
    )
    return workbook_xml, rels_xml, types_xml


def remove_content_type(types_xml: str, part: str) -> str:
    return re.sub(rf'<Override\b[^>]*PartName="/{re.escape(part)}"[^>]*/>', "", types_xml)


def drop_calc_chain(workbook_rels: str, types_xml: str) -> tuple[str, str]:
    """Excel rebuilds the calculation chain; a stale one (after a formula cell was replaced) makes
    it report the file as damaged, so the tool removes it instead."""
    workbook_rels = re.sub(
        r'<Relationship\b[^>]*Target="[^"]*calcChain\.xml"[^>]*/>', "", workbook_rels
    )
    return workbook_rels, remove_content_type(types_xml, "xl/calcChain.xml")
