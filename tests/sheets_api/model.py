"""Spreadsheet state: sheets, sparse cells, developer metadata, and the grid operations.

Every row, column and sort operation is one remapping of indices, applied alike to cells,
dimension properties, developer metadata, protected ranges and the basic filter, so a person's
edit and an API request move the same things the same way.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from . import formulas
from .a1 import A1Error, Bounds, format_range, parse_cells, split_sheet
from .values import json_number

CELL_LIMIT = 10_000_000
MAX_COLUMNS = 18278  # ZZZ
DEFAULT_ROWS, DEFAULT_COLS = 1000, 26

Mapping = Callable[[int], "int | None"]


class ApiError(Exception):
    """An error answered in Google's JSON shape."""

    def __init__(self, code: int, message: str, status: str = "INVALID_ARGUMENT") -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status

    def body(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "status": self.status}}


def bad(message: str) -> ApiError:
    return ApiError(400, message, "INVALID_ARGUMENT")


MAX_CELL_CHARACTERS = 50_000  # Google Sheets' limit on one cell's content


def check_cell_text(text: str) -> None:
    """A cell holds at most 50,000 characters; Google refuses the whole write otherwise."""
    if len(text) > MAX_CELL_CHARACTERS:
        raise bad(f"Your input contains more than the maximum of {MAX_CELL_CHARACTERS} "
                  "characters in a single cell.")


@dataclass
class Sheet:
    props: dict
    rows: dict[int, dict[int, dict]] = field(default_factory=dict)
    dim_props: dict[str, dict[int, dict]] = field(
        default_factory=lambda: {"ROWS": {}, "COLUMNS": {}}
    )
    protected_ranges: list[dict] = field(default_factory=list)
    basic_filter: dict | None = None
    charts: list[dict] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.props["sheetId"]

    @property
    def title(self) -> str:
        return self.props["title"]

    @property
    def row_count(self) -> int:
        return self.props["gridProperties"]["rowCount"]

    @property
    def col_count(self) -> int:
        return self.props["gridProperties"]["columnCount"]

    def count(self, dim: str) -> int:
        return self.row_count if dim == "ROWS" else self.col_count

    def set_count(self, dim: str, value: int) -> None:
        key = "rowCount" if dim == "ROWS" else "columnCount"
        self.props["gridProperties"][key] = value

    def cell(self, row: int, col: int) -> dict:
        return self.rows.get(row, {}).get(col, {})

    def put(self, row: int, col: int, cell: dict) -> None:
        """Cells are replaced, never edited in place (copies share them)."""
        cleaned = {k: v for k, v in cell.items() if v not in (None, {})}
        line = self.rows.get(row)
        if cleaned:
            if line is None:
                line = self.rows[row] = {}
            line[col] = cleaned
        elif line is not None:
            line.pop(col, None)
            if not line:
                del self.rows[row]

    def copy(self) -> Sheet:
        return Sheet(
            props=copy.deepcopy(self.props),
            rows={r: dict(line) for r, line in self.rows.items()},
            dim_props={d: dict(m) for d, m in self.dim_props.items()},
            protected_ranges=copy.deepcopy(self.protected_ranges),
            basic_filter=copy.deepcopy(self.basic_filter),
            charts=copy.deepcopy(self.charts),
        )


@dataclass
class GridBox:
    """A resolved, bounded range on one sheet (half-open indices)."""

    sheet: Sheet
    start_row: int
    end_row: int
    start_col: int
    end_col: int

    def a1(self) -> str:
        return format_range(
            self.sheet.title, self.start_row, self.end_row, self.start_col, self.end_col
        )

    def grid_range(self) -> dict:
        return {
            "sheetId": self.sheet.id,
            "startRowIndex": self.start_row,
            "endRowIndex": self.end_row,
            "startColumnIndex": self.start_col,
            "endColumnIndex": self.end_col,
        }


def new_id(taken: Iterable[int]) -> int:
    used = set(taken)
    while True:
        candidate = secrets.randbelow(2**31 - 1) + 1
        if candidate not in used:
            return candidate


class Spreadsheet:
    def __init__(self, spreadsheet_id: str, title: str) -> None:
        self.id = spreadsheet_id
        self.properties: dict = {
            "title": title,
            "locale": "en_US",
            "autoRecalc": "ON_CHANGE",
            "timeZone": "Etc/GMT",
        }
        self.sheets: list[Sheet] = []
        self.metadata: list[dict] = []
        self.shared = True

    def copy(self) -> Spreadsheet:
        twin = Spreadsheet.__new__(Spreadsheet)
        twin.id = self.id
        twin.properties = copy.deepcopy(self.properties)
        twin.sheets = [s.copy() for s in self.sheets]
        twin.metadata = copy.deepcopy(self.metadata)
        twin.shared = self.shared
        return twin

    # -- sheets ---------------------------------------------------------------------------

    def sheet_by_id(self, sheet_id: int) -> Sheet:
        for sheet in self.sheets:
            if sheet.id == sheet_id:
                return sheet
        raise bad(f"No grid with id: {sheet_id}")

    def sheet_by_title(self, title: str) -> Sheet | None:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        folded = title.casefold()
        return next((s for s in self.sheets if s.title.casefold() == folded), None)

    def add_sheet(self, props: dict) -> Sheet:
        props = copy.deepcopy(props or {})
        if "sheetId" in props:
            if any(s.id == props["sheetId"] for s in self.sheets):
                raise bad(
                    f"A sheet with the id {props['sheetId']} already exists. "
                    "Please enter another id."
                )
            if props["sheetId"] < 0:
                raise bad("sheetId must be non-negative")
        else:
            props["sheetId"] = 0 if not self.sheets else new_id(s.id for s in self.sheets)
        title = props.get("title") or self._free_title()
        if self.sheet_by_title(title) is not None:
            raise bad(f'A sheet with the name "{title}" already exists. Please enter another name.')
        props["title"] = title
        props.setdefault("sheetType", "GRID")
        grid = props.setdefault("gridProperties", {})
        grid.setdefault("rowCount", DEFAULT_ROWS)
        grid.setdefault("columnCount", DEFAULT_COLS)
        if grid["columnCount"] > MAX_COLUMNS:
            raise bad(f"Sheet column count cannot exceed {MAX_COLUMNS}.")
        index = props.pop("index", len(self.sheets))
        sheet = Sheet(props=props)
        self.sheets.insert(max(0, min(index, len(self.sheets))), sheet)
        self.reindex()
        self.check_cell_limit()
        return sheet

    def _free_title(self) -> str:
        n = len(self.sheets) + 1
        while self.sheet_by_title(f"Sheet{n}") is not None:
            n += 1
        return f"Sheet{n}"

    def reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.props["index"] = i

    def cell_total(self) -> int:
        return sum(s.row_count * s.col_count for s in self.sheets)

    def check_cell_limit(self) -> None:
        if self.cell_total() > CELL_LIMIT:
            raise bad(
                "This action would increase the number of cells in the workbook above the "
                f"limit of {CELL_LIMIT} cells."
            )

    # -- ranges ---------------------------------------------------------------------------

    def resolve_a1(self, text: str, *, for_write: bool = False) -> tuple[Sheet, Bounds]:
        """The sheet and the unclipped bounds a range names ("Unable to parse range" if none)."""
        try:
            title, cells = split_sheet(text)
        except A1Error as exc:
            raise bad(f"Unable to parse range: {text}") from exc
        if title is None:
            sheet = self.sheet_by_title(cells)
            if sheet is not None:
                return sheet, Bounds(None, None, None, None)
            if not self.sheets:
                raise bad(f"Unable to parse range: {text}")
            sheet = self.sheets[0]
        else:
            sheet = self.sheet_by_title(title)
            if sheet is None:
                raise bad(f"Unable to parse range: {text}")
        try:
            bounds = parse_cells(cells)
        except A1Error as exc:
            raise bad(f"Unable to parse range: {text}") from exc
        return sheet, bounds

    def box(self, text: str) -> GridBox:
        """A read range: open sides clipped to the grid, explicit sides past it are an error."""
        sheet, b = self.resolve_a1(text)
        return clip(sheet, b, text)

    def grid_box(self, grid_range: dict) -> GridBox:
        sheet = self.sheet_by_id(grid_range.get("sheetId", 0))
        b = Bounds(
            grid_range.get("startRowIndex"),
            grid_range.get("endRowIndex"),
            grid_range.get("startColumnIndex"),
            grid_range.get("endColumnIndex"),
        )
        return clip(sheet, b, None)

    # -- effective values -----------------------------------------------------------------

    def effective(self, sheet: Sheet, row: int, col: int, depth: int = 0) -> dict | None:
        cell = sheet.cell(row, col)
        entered = cell.get("userEnteredValue")
        if not entered:
            return None
        if "formulaValue" not in entered:
            return entered
        if depth > 50:
            return {"errorValue": {"type": "REF", "message": "Circular dependency detected."}}

        def lookup(title: str | None, r: int, c: int) -> Any:
            target = sheet if title is None else self.sheet_by_title(title)
            if target is None or r >= target.row_count or c >= target.col_count:
                raise formulas.FormulaError("REF", "Reference does not exist.")
            value = self.effective(target, r, c, depth + 1)
            if not value:
                return None
            if "errorValue" in value:
                raise formulas.FormulaError(value["errorValue"]["type"])
            return next(iter(value.values()))

        try:
            result = formulas.evaluate(entered["formulaValue"], lookup)
        except formulas.FormulaError as exc:
            return {"errorValue": {"type": exc.kind, "message": str(exc)}}
        except (IndexError, TypeError, ValueError, OverflowError):
            return {"errorValue": {"type": "ERROR", "message": "Formula parse error."}}
        if result is None:
            return None
        if isinstance(result, bool):
            return {"boolValue": result}
        if isinstance(result, (int, float)):
            return {"numberValue": json_number(float(result))}
        return {"stringValue": str(result)}

    # -- developer metadata ---------------------------------------------------------------

    def metadata_by_id(self, metadata_id: int) -> dict | None:
        return next((m for m in self.metadata if m["metadataId"] == metadata_id), None)

    # -- dimension remapping --------------------------------------------------------------

    def remap(self, sheet: Sheet, dim: str, mapping: Mapping, new_count: int) -> None:
        """Move every index-bound thing on `sheet` along `dim`; None deletes it."""
        if dim == "ROWS":
            moved: dict[int, dict[int, dict]] = {}
            for r, line in sheet.rows.items():
                target = mapping(r)
                if target is not None:
                    moved[target] = line
            sheet.rows = moved
        else:
            new_rows = {}
            for r, line in sheet.rows.items():
                new_line = {}
                for c, cell in line.items():
                    target = mapping(c)
                    if target is not None:
                        new_line[target] = cell
                if new_line:
                    new_rows[r] = new_line
            sheet.rows = new_rows
        self._shift_formulas(sheet, dim, mapping)
        props = {}
        for i, p in sheet.dim_props[dim].items():
            target = mapping(i)
            if target is not None:
                props[target] = p
        sheet.dim_props[dim] = props
        kept = []
        for meta in self.metadata:
            rng = meta["location"].get("dimensionRange")
            if rng and rng["sheetId"] == sheet.id and rng["dimension"] == dim:
                span = map_interval(rng["startIndex"], rng["endIndex"], mapping)
                if span is None:
                    continue
                rng["startIndex"], rng["endIndex"] = span
            kept.append(meta)
        self.metadata = kept
        start_key, end_key = (
            ("startRowIndex", "endRowIndex")
            if dim == "ROWS"
            else ("startColumnIndex", "endColumnIndex")
        )
        old_count = sheet.count(dim)
        survivors = []
        for holder in sheet.protected_ranges:
            if _remap_grid_range(holder["range"], start_key, end_key, mapping, old_count):
                survivors.append(holder)
        sheet.protected_ranges = survivors
        if sheet.basic_filter is not None and not _remap_grid_range(
            sheet.basic_filter["range"], start_key, end_key, mapping, old_count
        ):
            sheet.basic_filter = None
        sheet.set_count(dim, new_count)

    def insert(self, sheet: Sheet, dim: str, start: int, count: int, *, from_before: bool) -> None:
        """Insert empty rows/columns that take the formats, validations and size of a neighbour
        (the one before when `from_before`, else the one after), as Sheets does."""
        self.remap(sheet, dim, insert_mapping(start, count), sheet.count(dim) + count)
        source = start - 1 if from_before else start + count
        if not 0 <= source < sheet.count(dim):
            return
        new = range(start, start + count)

        def inherited(cell: dict) -> dict:
            return {k: cell[k] for k in ("userEnteredFormat", "dataValidation") if k in cell}

        if dim == "ROWS":
            line = sheet.rows.get(source, {})
            for r in new:
                for c, cell in line.items():
                    sheet.put(r, c, inherited(cell))
        else:
            for r in list(sheet.rows):
                cell = sheet.rows[r].get(source)
                if cell:
                    for c in new:
                        sheet.put(r, c, inherited(cell))
        size = sheet.dim_props[dim].get(source)
        if size:
            for i in new:
                sheet.dim_props[dim][i] = dict(size)

    def _shift_formulas(self, moved: Sheet, dim: str, mapping: Mapping) -> None:
        for sheet in self.sheets:
            for line in sheet.rows.values():
                for c, cell in list(line.items()):
                    formula = (cell.get("userEnteredValue") or {}).get("formulaValue")
                    if formula is None:
                        continue
                    shifted = formulas.shift_references(
                        formula, sheet.title, moved.title, dim, mapping
                    )
                    if shifted != formula:
                        line[c] = {**cell, "userEnteredValue": {"formulaValue": shifted}}


def _remap_grid_range(
    rng: dict, start_key: str, end_key: str, mapping: Mapping, count: int
) -> bool:
    if start_key not in rng and end_key not in rng:
        return True
    start, end = rng.get(start_key, 0), rng.get(end_key, count)
    span = map_interval(start, end, mapping)
    if span is None:
        return False
    if start_key in rng:
        rng[start_key] = span[0]
    if end_key in rng:
        rng[end_key] = span[1]
    return True


def map_interval(start: int, end: int, mapping: Mapping) -> tuple[int, int] | None:
    mapped = [m for m in (mapping(i) for i in range(start, end)) if m is not None]
    if not mapped:
        return None
    return min(mapped), max(mapped) + 1


def clip(sheet: Sheet, b: Bounds, text: str | None) -> GridBox:
    rows, cols = sheet.row_count, sheet.col_count
    start_row = b.start_row or 0
    start_col = b.start_col or 0
    end_row = rows if b.end_row is None else b.end_row
    end_col = cols if b.end_col is None else b.end_col
    if end_row > rows or end_col > cols or start_row >= max(rows, 1) or start_col >= max(cols, 1):
        shown = (
            text
            if text is not None
            else format_range(
                sheet.title,
                start_row,
                max(end_row, start_row + 1),
                start_col,
                max(end_col, start_col + 1),
            )
        )
        raise bad(f"Range ({shown}) exceeds grid limits. Max rows: {rows}, max columns: {cols}")
    return GridBox(sheet, start_row, end_row, start_col, end_col)


def insert_mapping(at: int, n: int) -> Mapping:
    return lambda i: i if i < at else i + n


def delete_mapping(start: int, end: int) -> Mapping:
    n = end - start

    def mapping(i: int) -> int | None:
        if i < start:
            return i
        if i < end:
            return None
        return i - n

    return mapping


def move_mapping(start: int, end: int, destination: int, count: int) -> Mapping:
    """destinationIndex is in the coordinates before the source is removed (as documented)."""
    order = list(range(count))
    block = order[start:end]
    rest = order[:start] + order[end:]
    at = destination if destination <= start else destination - (end - start)
    order = rest[:at] + block + rest[at:]
    new_index = {old: new for new, old in enumerate(order)}
    return lambda i: new_index.get(i, i)


def permutation_mapping(moves: dict[int, int]) -> Mapping:
    return lambda i: moves.get(i, i)
