"""The Spreadsheet resource as spreadsheets.get returns it, and `fields` partial responses."""

from __future__ import annotations

import copy
from typing import Any

from .model import GridBox, Sheet, Spreadsheet, bad
from .values import formatted_value

ROW_PIXELS, COLUMN_PIXELS = 21, 100
Mask = dict[str, "Mask | None"]  # None: the whole subtree


def parse_mask(text: str) -> Mask:
    """'a,b.c,d(e,f(g))' -> {'a': None, 'b': {'c': None}, 'd': {'e': None, 'f': {'g': None}}}."""
    pos = 0

    def parse_list(closing: str | None) -> Mask:
        nonlocal pos
        out: Mask = {}
        while True:
            path = []
            name = ""
            while pos < len(text) and text[pos] not in ",()":
                if text[pos] in "./":  # partial responses accept a/b as a.b
                    path.append(name.strip())
                    name = ""
                else:
                    name += text[pos]
                pos += 1
            path.append(name.strip())
            sub: Mask | None = None
            if pos < len(text) and text[pos] == "(":
                pos += 1
                sub = parse_list(")")
            if any(not p for p in path):
                raise bad(f"Invalid field selection {text}")
            _merge(out, path, sub)
            if pos >= len(text):
                if closing:
                    raise bad(f"Invalid field selection {text}")
                return out
            if text[pos] == ",":
                pos += 1
                continue
            if text[pos] == ")" and closing:
                pos += 1
                return out
            raise bad(f"Invalid field selection {text}")

    return parse_list(None)


def _merge(into: Mask, path: list[str], sub: Mask | None) -> None:
    head, rest = path[0], path[1:]
    if rest:
        existing = into.get(head, {})
        if existing is None:
            return
        into[head] = existing
        _merge(existing, rest, sub)
        return
    if sub is None or into.get(head, {}) is None:
        into[head] = None
        return
    existing = into.setdefault(head, {})
    for key, value in sub.items():
        _merge(existing, [key], value)


def apply_mask(value: Any, mask: Mask | None) -> Any:
    if mask is None or "*" in mask:
        return value
    if isinstance(value, list):
        return [apply_mask(v, mask) for v in value]
    if isinstance(value, dict):
        return {k: apply_mask(v, mask[k]) for k, v in value.items() if k in mask}
    return value


def sub_mask(mask: Mask | None, *path: str) -> Mask | None | bool:
    """The mask under path; None means everything; False means not selected."""
    node: Mask | None = mask
    for key in path:
        if node is None or "*" in node:
            return None
        if key not in node:
            return False
        node = node[key]
    return node


def spreadsheet_json(
    ss: Spreadsheet,
    *,
    grid: bool,
    ranges: list[str] | None = None,
    data_mask: Mask | None = None,
) -> dict:
    boxes_by_sheet: dict[int, list[GridBox]] | None = None
    if ranges:
        boxes_by_sheet = {}
        for text in ranges:
            box = ss.box(text)
            boxes_by_sheet.setdefault(box.sheet.id, []).append(box)
    sheets = []
    for sheet in ss.sheets:
        if boxes_by_sheet is not None and sheet.id not in boxes_by_sheet:
            continue
        item: dict[str, Any] = {"properties": copy.deepcopy(sheet.props)}
        if grid:
            boxes = (boxes_by_sheet or {}).get(sheet.id) or [
                GridBox(sheet, 0, sheet.row_count, 0, sheet.col_count)
            ]
            item["data"] = [grid_data(ss, box, data_mask) for box in boxes]
        if sheet.protected_ranges:
            item["protectedRanges"] = copy.deepcopy(sheet.protected_ranges)
        if sheet.basic_filter:
            item["basicFilter"] = copy.deepcopy(sheet.basic_filter)
        if sheet.charts:
            item["charts"] = copy.deepcopy(sheet.charts)
        sheet_meta = [m for m in ss.metadata if m["location"].get("sheetId") == sheet.id]
        if sheet_meta:
            item["developerMetadata"] = copy.deepcopy(sheet_meta)
        sheets.append(item)
    out: dict[str, Any] = {
        "spreadsheetId": ss.id,
        "properties": copy.deepcopy(ss.properties),
        "sheets": sheets,
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{ss.id}/edit",
    }
    book_meta = [m for m in ss.metadata if m["location"].get("spreadsheet")]
    if book_meta:
        out["developerMetadata"] = copy.deepcopy(book_meta)
    return out


def _wants(mask: Mask | None, key: str) -> bool:
    return mask is None or "*" in mask or key in mask


def _below(mask: Mask | None, key: str) -> Mask | None:
    return None if mask is None or "*" in mask else mask[key]


def grid_data(ss: Spreadsheet, box: GridBox, mask: Mask | None) -> dict:
    """GridData for a box, already cut to `mask` (GridData-level; None means every field)."""
    sheet = box.sheet
    data: dict[str, Any] = {}
    if box.start_row and _wants(mask, "startRow"):
        data["startRow"] = box.start_row
    if box.start_col and _wants(mask, "startColumn"):
        data["startColumn"] = box.start_col
    if _wants(mask, "rowData"):
        row_mask = _below(mask, "rowData")
        view = CellView(_below(row_mask, "values")) if _wants(row_mask, "values") else None
        used = [r for r in sheet.rows if box.start_row <= r < box.end_row]
        row_data = []
        for r in range(box.start_row, max(used, default=-1) + 1):
            line = sheet.rows.get(r, {})
            cols = [c for c in line if box.start_col <= c < box.end_col]
            if not cols or view is None:
                row_data.append({})
                continue
            cells = []
            for c in range(box.start_col, max(cols) + 1):
                cell = line.get(c)
                cells.append(view.json(ss, sheet, r, c, cell) if cell else {})
            row_data.append({"values": cells})
        if row_data:
            data["rowData"] = row_data
    if _wants(mask, "rowMetadata"):
        rows = _dimension_json(ss, sheet, "ROWS", box.start_row, box.end_row)
        data["rowMetadata"] = apply_mask(rows, _below(mask, "rowMetadata"))
    if _wants(mask, "columnMetadata"):
        cols_json = _dimension_json(ss, sheet, "COLUMNS", box.start_col, box.end_col)
        data["columnMetadata"] = apply_mask(cols_json, _below(mask, "columnMetadata"))
    return data


class CellView:
    """Which CellData fields a read wants, decided once per request rather than per cell."""

    def __init__(self, mask: Mask | None) -> None:
        self.mask = mask
        self.entered = _wants(mask, "userEnteredValue")
        self.effective = _wants(mask, "effectiveValue")
        self.formatted = _wants(mask, "formattedValue")
        self.user_format = _wants(mask, "userEnteredFormat")
        self.effective_format = _wants(mask, "effectiveFormat")
        self.validation = _wants(mask, "dataValidation")
        self.note = _wants(mask, "note")

    def _cut(self, key: str, value: Any) -> Any:
        # stored cells are never edited in place, so responses may share their parts
        sub = _below(self.mask, key)
        return value if sub is None else apply_mask(value, sub)

    def json(self, ss: Spreadsheet, sheet: Sheet, row: int, col: int, cell: dict) -> dict:
        out: dict[str, Any] = {}
        if self.entered and "userEnteredValue" in cell:
            entered = self._cut("userEnteredValue", cell["userEnteredValue"])
            if entered:  # `userEnteredValue.formulaValue` of a text cell selects nothing
                out["userEnteredValue"] = dict(entered)
        if self.effective or self.formatted:
            effective = ss.effective(sheet, row, col)
            if effective and self.effective:
                effective = self._cut("effectiveValue", effective)
                if effective:
                    out["effectiveValue"] = dict(effective)
            if self.formatted:
                text = formatted_value(effective, cell)
                if text is not None:
                    out["formattedValue"] = text
        if "userEnteredFormat" in cell:
            if self.user_format:
                out["userEnteredFormat"] = self._cut("userEnteredFormat", cell["userEnteredFormat"])
            if self.effective_format:
                out["effectiveFormat"] = self._cut("effectiveFormat", cell["userEnteredFormat"])
        if self.validation and "dataValidation" in cell:
            out["dataValidation"] = self._cut("dataValidation", cell["dataValidation"])
        if self.note and "note" in cell:
            out["note"] = cell["note"]
        return out


def _dimension_json(ss: Spreadsheet, sheet: Sheet, dim: str, start: int, end: int) -> list[dict]:
    default = ROW_PIXELS if dim == "ROWS" else COLUMN_PIXELS
    props = sheet.dim_props[dim]
    by_index: dict[int, list[dict]] = {}
    for meta in ss.metadata:
        rng = meta["location"].get("dimensionRange")
        if rng and rng["sheetId"] == sheet.id and rng["dimension"] == dim:
            for i in range(max(start, rng["startIndex"]), min(end, rng["endIndex"])):
                by_index.setdefault(i, []).append(meta)
    out = []
    for i in range(start, end):
        entry = {"pixelSize": default}
        entry.update(props.get(i, {}))
        if i in by_index:
            entry["developerMetadata"] = copy.deepcopy(by_index[i])
        out.append(entry)
    return out
