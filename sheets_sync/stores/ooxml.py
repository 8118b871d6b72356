"""SpreadsheetML pieces the Excel store writes: cells, and the workbook's tab list.

The Excel store never loads a workbook into an object model and saves it back: that is how
writers lose charts, shapes, cached formula values and the rest. It edits the few XML parts it
must by their structure (xlsx_sheet_edit, xlsx_styles, xlsx_rels) and copies every other part
byte for byte.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, NamedTuple
from xml.etree import ElementTree

from sheets_sync.core.cells import col_index, col_letter  # noqa: F401  (re-exported)
from sheets_sync.stores import xlsx_rels
from sheets_sync.stores.ooxml_order import WORKSHEET_ORDER  # noqa: F401  (re-exported)
from sheets_sync.stores.xlsx_styles import (  # noqa: F401  (the store's names for them)
    BUILTIN_FORMATS,
    DATE_FORMAT,
    HEADER_FONT,
    OWNED_FILL,
    TAB_HEADER_FILL,
    Styles,
)
from sheets_sync.stores.xml_spans import escape  # noqa: F401  (re-exported)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKSHEET_REL = REL_NS + "/worksheet"

# Excel's limit on the characters in one cell; longer text is cut and says so.
MAX_CELL_CHARS = 32767


# ---------------------------------------------------------------------------------------------
# Cell references and values


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
    kind = value.__class__
    if (kind in _SAME_WHEN_EQUAL and (kind is not str or len(value) <= _TEXT_KEPT)) or (
            kind is datetime and value.tzinfo is None):
        key = (kind, value, style, date1904)
        tail = _TAILS.get(key)
        if tail is None:
            if len(_TAILS) >= _TAILS_KEPT:
                _TAILS.clear()
            tail = _TAILS[key] = cell_tail(value, style, date1904)
    else:
        tail = cell_tail(value, style, date1904)
    return f'<c r="{ref}"{tail}' if tail else ""


# What follows a cell's reference, by value (and its type, so 1, 1.0 and True stay apart),
# style and date system: owned columns repeat the same few values down thousands of rows.
# Only types whose equal values are written alike (not Decimal("1.0") and Decimal("1"), nor
# one moment in two time zones).
SAME_WHEN_EQUAL = frozenset({str, int, float, bool, date, type(None)})
_SAME_WHEN_EQUAL = SAME_WHEN_EQUAL
_TAILS: dict[tuple[Any, ...], str] = {}
_TAILS_KEPT = 50_000
TEXT_KEPT = 100  # characters: long notes are seldom repeated, and would make the cache large
_TEXT_KEPT = TEXT_KEPT


def cell_tail(value: Any, style: int | None, date1904: bool = False) -> str:
    """What follows `<c r="A1"` in the cell `cell_xml` writes ("" when it writes none)."""
    s_attr = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f"{s_attr}/>" if style else ""
    if isinstance(value, bool):
        return f'{s_attr} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (date, datetime)):
        return f"{s_attr}><v>{_number(excel_serial(value, date1904))}</v></c>"
    if isinstance(value, (int, float)) and not (
        isinstance(value, float) and not math.isfinite(value)
    ):
        return f"{s_attr}><v>{_number(value)}</v></c>"
    text = escape(_fit(str(value)))
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'{s_attr} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _fit(text: str) -> str:
    """Text cut to Excel's cell limit (counted in UTF-16 units, as Excel counts)."""
    if len(text) <= MAX_CELL_CHARS // 2 or len(text.encode("utf-16-le")) // 2 <= MAX_CELL_CHARS:
        return text
    marker = " … (cut: Excel holds at most 32,767 characters in a cell)"
    room = MAX_CELL_CHARS - len(marker)
    while len(text[:room].encode("utf-16-le")) // 2 > room:
        room -= 1
    return text[:room] + marker


# ---------------------------------------------------------------------------------------------
# Cells the tool writes into an existing sheet


class CellWrite(NamedTuple):
    """A value for one cell. style None keeps the existing cell's style (person-owned cells).

    A named tuple: a sync makes one per owned cell, and a tuple is the cheapest to build."""

    value: Any
    style: int | None


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
    target = part.removeprefix("xl/")
    rels_xml, rel_id = xlsx_rels.add_relationship(
        rels_xml, "xl/_rels/workbook.xml.rels", WORKSHEET_REL, target
    )
    sheet = (
        f'<sheet xmlns:r="{REL_NS}" name="{escape(name)}" sheetId="{sheet_id}" r:id="{rel_id}"/>'
    )
    if re.search(r"<sheets\s*/>", workbook_xml):
        workbook_xml = re.sub(r"<sheets\s*/>", f"<sheets>{sheet}</sheets>", workbook_xml)
    else:
        workbook_xml = workbook_xml.replace("</sheets>", sheet + "</sheets>")
    types_xml = xlsx_rels.set_override(types_xml, part, WORKSHEET_CT)
    return workbook_xml, rels_xml, types_xml


def remove_content_type(types_xml: str, part: str) -> str:
    return xlsx_rels.remove_override(types_xml, part)


def drop_calc_chain(workbook_rels: str, types_xml: str) -> tuple[str, str]:
    """Excel rebuilds the calculation chain; a stale one (after a formula cell was replaced) makes
    it report the file as damaged, so the tool removes it instead."""
    workbook_rels = xlsx_rels.remove_relationships(
        workbook_rels, "xl/_rels/workbook.xml.rels",
        lambda rel: rel.get("Type", "").endswith("/calcChain"),
    )
    return workbook_rels, remove_content_type(types_xml, "xl/calcChain.xml")
