"""spreadsheets.batchUpdate: every request validated and applied on a copy, all or nothing."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cmp_to_key
from typing import Any

from .datafilter import LOCATION_TYPES, location_type, metadata_for_filter
from .model import (
    MAX_COLUMNS,
    ApiError,
    GridBox,
    Sheet,
    Spreadsheet,
    bad,
    check_cell_text,
    delete_mapping,
    move_mapping,
    new_id,
)
from .resource import parse_mask

Handler = Callable[[Spreadsheet, dict], dict]
VALUE_KEYS = ("stringValue", "numberValue", "boolValue", "formulaValue", "errorValue")
CELL_FIELDS = ("userEnteredValue", "userEnteredFormat", "dataValidation", "note")
CONDITIONS_WITHOUT_VALUES = {"BOOLEAN", "BLANK", "NOT_BLANK", "DATE_IS_VALID"}


def apply_batch(ss: Spreadsheet, body: dict) -> tuple[Spreadsheet, dict]:
    """The new spreadsheet and the response; raises ApiError naming the failing request."""
    requests = body.get("requests")
    if not isinstance(requests, list):
        raise bad("Invalid JSON payload received. 'requests' must be a list.")
    # the whole payload is checked for shape before anything is applied, as Google parses it
    for i, request in enumerate(requests):
        if not isinstance(request, dict) or not request:
            raise bad(f"Invalid requests[{i}]: No request set.")
        for kind in request:
            if kind not in HANDLERS:
                raise bad(
                    f'Invalid JSON payload received. Unknown name "{kind}" at '
                    f"'requests[{i}]': Cannot find field."
                )
        if len(request) > 1:
            raise bad(
                "Invalid JSON payload received. Oneof field 'kind' is already set. "
                f"Cannot set '{list(request)[1]}'"
            )
    work = ss.copy()
    replies = []
    for i, request in enumerate(requests):
        (kind,) = request
        try:
            reply = HANDLERS[kind](work, request[kind] or {})
        except ApiError as exc:
            raise ApiError(
                exc.code, f"Invalid requests[{i}].{kind}: {exc.message}", exc.status
            ) from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise bad(f"Invalid requests[{i}].{kind}: malformed request ({exc!r})") from exc
        replies.append(reply)
    response: dict[str, Any] = {"spreadsheetId": ss.id, "replies": replies}
    return work, response


# -- helpers -------------------------------------------------------------------------------


def _grid(ss: Spreadsheet, rng: dict) -> GridBox:
    """A GridRange inside the grid; unbounded sides run to its edge."""
    sheet = ss.sheet_by_id(rng.get("sheetId", 0))
    start_row, start_col = rng.get("startRowIndex", 0), rng.get("startColumnIndex", 0)
    end_row = rng.get("endRowIndex", sheet.row_count)
    end_col = rng.get("endColumnIndex", sheet.col_count)
    if end_row > sheet.row_count:
        raise bad(
            f"GridRange.endRowIndex[{end_row}] is after last row in grid[{sheet.row_count - 1}]"
        )
    if end_col > sheet.col_count:
        raise bad(
            f"GridRange.endColumnIndex[{end_col}] is after last column in "
            f"grid[{sheet.col_count - 1}]"
        )
    if start_row < 0 or start_col < 0 or start_row > end_row or start_col > end_col:
        raise bad("GridRange has invalid bounds")
    return GridBox(sheet, start_row, end_row, start_col, end_col)


def _dimension(
    ss: Spreadsheet, rng: dict, *, inserting: bool = False
) -> tuple[Sheet, str, int, int]:
    sheet = ss.sheet_by_id(rng.get("sheetId", 0))
    dim = rng.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        raise bad("dimension must be ROWS or COLUMNS")
    count = sheet.count(dim)
    start = rng.get("startIndex", 0)
    end = rng.get("endIndex", count)
    if inserting:
        valid = 0 <= start <= count and end > start
    else:
        valid = 0 <= start < end <= count
    if not valid:
        raise bad(f"Invalid dimension range [{start}, {end}) on a grid of {count} {dim.lower()}")
    return sheet, dim, start, end


def _paths(fields: str) -> list[list[str]]:
    """Flatten a field mask into paths: 'a.b,c(d,e)' -> [[a,b],[c,d],[c,e]]."""
    if not fields:
        raise bad("At least one field must be specified.")
    if fields.strip() == "*":
        return [["*"]]
    out: list[list[str]] = []

    def walk(mask: dict, prefix: list[str]) -> None:
        for key, sub in mask.items():
            if sub is None:
                out.append(prefix + [key])
            else:
                walk(sub, prefix + [key])

    walk(parse_mask(fields), [])
    return out


def _set_path(target: dict, source: dict, path: list[str]) -> None:
    """Copy path from source into target; a path absent in source clears it in target."""
    head, rest = path[0], path[1:]
    if not rest:
        if head in source and source[head] not in (None, {}):
            target[head] = copy.deepcopy(source[head])
        else:
            target.pop(head, None)
        return
    inner = dict(target.get(head) or {})
    _set_path(inner, source.get(head) or {}, rest)
    if inner:
        target[head] = inner
    else:
        target.pop(head, None)


def _check_value(value: dict | None) -> None:
    if value is None:
        return
    present = [k for k in value if k in VALUE_KEYS]
    if len(present) != 1 or len(value) != 1:
        raise bad("ExtendedValue must set exactly one of " + ", ".join(VALUE_KEYS))
    if "numberValue" in value and not isinstance(value["numberValue"], (int, float)):
        raise bad("numberValue must be a number")
    if "stringValue" in value and not isinstance(value["stringValue"], str):
        raise bad("stringValue must be a string")
    check_cell_text(str(value.get("stringValue", value.get("formulaValue", ""))))


def _check_validation(rule: dict | None) -> None:
    if rule is None:
        return
    condition = rule.get("condition") or {}
    kind = condition.get("type")
    if not kind:
        raise bad("DataValidationRule.condition.type must be set")
    values = condition.get("values") or []
    if kind == "ONE_OF_LIST" and not values:
        raise bad("ONE_OF_LIST condition requires at least one value")
    if kind == "BOOLEAN" and len(values) > 2:
        raise bad("BOOLEAN condition takes at most two values")


def _apply_cell(sheet: Sheet, row: int, col: int, given: dict, paths: list[list[str]]) -> None:
    _check_value(given.get("userEnteredValue"))
    if "dataValidation" in given:
        _check_validation(given.get("dataValidation"))
    cell = dict(sheet.cell(row, col))
    for path in paths:
        if path == ["*"]:
            for key in CELL_FIELDS:
                _set_path(cell, given, [key])
        else:
            _set_path(cell, given, path)
    sheet.put(row, col, cell)


def _check_cell_paths(paths: list[list[str]]) -> None:
    for path in paths:
        if path[0] not in CELL_FIELDS + ("*", "effectiveValue", "formattedValue"):
            raise bad(f"Invalid field mask: '{'.'.join(path)}' is not a field of CellData")


# -- sheets --------------------------------------------------------------------------------


def add_sheet(ss: Spreadsheet, req: dict) -> dict:
    sheet = ss.add_sheet(req.get("properties") or {})
    return {"addSheet": {"properties": copy.deepcopy(sheet.props)}}


def delete_sheet(ss: Spreadsheet, req: dict) -> dict:
    sheet = ss.sheet_by_id(req.get("sheetId", 0))
    if len(ss.sheets) == 1:
        raise bad("You can't remove all the sheets in a document.")
    ss.sheets.remove(sheet)
    ss.metadata = [
        m
        for m in ss.metadata
        if m["location"].get("sheetId") != sheet.id
        and (m["location"].get("dimensionRange") or {}).get("sheetId") != sheet.id
    ]
    ss.reindex()
    return {}


def update_sheet_properties(ss: Spreadsheet, req: dict) -> dict:
    given = req.get("properties") or {}
    sheet = ss.sheet_by_id(given.get("sheetId", 0))
    paths = _paths(req.get("fields", ""))
    if paths == [["*"]]:
        paths = [[k] for k in given if k != "sheetId"]
    target = copy.deepcopy(sheet.props)
    for path in paths:
        if path[0] == "sheetId":
            raise bad("sheetId cannot be changed")
        _set_path(target, given, path)
    title = target.get("title")
    if not title:
        raise bad("A sheet must have a title")
    other = ss.sheet_by_title(title)
    if other is not None and other is not sheet:
        raise bad(f'A sheet with the name "{title}" already exists. Please enter another name.')
    grid = target.setdefault("gridProperties", {})
    rows = grid.get("rowCount", sheet.row_count)
    cols = grid.get("columnCount", sheet.col_count)
    if rows < 1 or cols < 1:
        raise bad("A sheet must have at least one row and one column")
    if cols > MAX_COLUMNS:
        raise bad(f"Sheet column count cannot exceed {MAX_COLUMNS}.")
    index = target.pop("index", sheet.props["index"])
    grid["rowCount"], grid["columnCount"] = sheet.row_count, sheet.col_count
    sheet.props = target
    _resize(ss, sheet, "ROWS", rows)
    _resize(ss, sheet, "COLUMNS", cols)
    ss.sheets.remove(sheet)
    ss.sheets.insert(max(0, min(index, len(ss.sheets))), sheet)
    ss.reindex()
    ss.check_cell_limit()
    return {}


def _resize(ss: Spreadsheet, sheet: Sheet, dim: str, new_count: int) -> None:
    old = sheet.count(dim)
    if new_count < old:
        ss.remap(sheet, dim, delete_mapping(new_count, old), new_count)
    else:
        sheet.set_count(dim, new_count)


def append_dimension(ss: Spreadsheet, req: dict) -> dict:
    sheet = ss.sheet_by_id(req.get("sheetId", 0))
    dim = req.get("dimension")
    if dim not in ("ROWS", "COLUMNS"):
        raise bad("dimension must be ROWS or COLUMNS")
    length = req.get("length", 0)
    if length <= 0:
        raise bad("length must be positive")
    sheet.set_count(dim, sheet.count(dim) + length)
    if sheet.col_count > MAX_COLUMNS:
        raise bad(f"Sheet column count cannot exceed {MAX_COLUMNS}.")
    ss.check_cell_limit()
    return {}


def insert_dimension(ss: Spreadsheet, req: dict) -> dict:
    sheet, dim, start, end = _dimension(ss, req.get("range") or {}, inserting=True)
    if req.get("inheritFromBefore") and start == 0:
        raise bad("Cannot inherit from before when inserting at the start")
    ss.insert(sheet, dim, start, end - start, from_before=bool(req.get("inheritFromBefore")))
    if sheet.col_count > MAX_COLUMNS:
        raise bad(f"Sheet column count cannot exceed {MAX_COLUMNS}.")
    ss.check_cell_limit()
    return {}


def delete_dimension(ss: Spreadsheet, req: dict) -> dict:
    sheet, dim, start, end = _dimension(ss, req.get("range") or {})
    count = sheet.count(dim)
    if start == 0 and end >= count:
        which = "rows" if dim == "ROWS" else "columns"
        raise bad(f"You can't delete all the {which} on the sheet.")
    ss.remap(sheet, dim, delete_mapping(start, end), count - (end - start))
    return {}


def move_dimension(ss: Spreadsheet, req: dict) -> dict:
    sheet, dim, start, end = _dimension(ss, req.get("source") or {})
    destination = req.get("destinationIndex", 0)
    count = sheet.count(dim)
    if destination < 0 or destination > count:
        raise bad(f"destinationIndex {destination} is outside the grid")
    if start < destination < end:
        raise bad("destinationIndex cannot be inside the source range")
    ss.remap(sheet, dim, move_mapping(start, end, destination, count), count)
    return {}


def sort_range(ss: Spreadsheet, req: dict) -> dict:
    box = _grid(ss, req.get("range") or {})
    sort_rows(ss, box, req.get("sortSpecs") or [])
    return {}


def _sort_key_cmp(a: Any, b: Any) -> int:
    def rank(v: Any) -> int:
        if isinstance(v, bool):
            return 2
        if isinstance(v, (int, float)):
            return 0
        return 1

    ra, rb = rank(a), rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 1:
        a, b = str(a).casefold(), str(b).casefold()
    return (a > b) - (a < b)


def sort_rows(ss: Spreadsheet, box: GridBox, specs: list[dict]) -> None:
    """Stable sort of the box's rows; empty sort keys last in either order.

    When the box spans every column the whole rows move, so row developer metadata and row
    sizes follow them; otherwise only the box's cells move (as in the Sheets UI).
    """
    sheet = box.sheet
    specs = specs or [{"dimensionIndex": box.start_col, "sortOrder": "ASCENDING"}]
    for spec in specs:
        column = spec.get("dimensionIndex", 0)
        if not box.start_col <= column < box.end_col:
            raise bad(f"sortSpecs dimensionIndex {column} is outside the sort range")
    order = list(range(box.start_row, box.end_row))

    def key_of(row: int, column: int) -> Any:
        value = ss.effective(sheet, row, column)
        if not value or "errorValue" in value:
            return None
        return next(iter(value.values()))

    for spec in reversed(specs):
        column = spec.get("dimensionIndex", 0)
        descending = spec.get("sortOrder") == "DESCENDING"
        keys = {r: key_of(r, column) for r in order}
        filled = [r for r in order if keys[r] is not None and keys[r] != ""]
        empty = [r for r in order if keys[r] is None or keys[r] == ""]

        def compare(x: int, y: int, keys: dict = keys, descending: bool = descending) -> int:
            result = _sort_key_cmp(keys[x], keys[y])
            return -result if descending else result

        order = sorted(filled, key=cmp_to_key(compare)) + empty
    moves = {old: box.start_row + new for new, old in enumerate(order)}
    full_width = box.start_col == 0 and box.end_col >= sheet.col_count
    if full_width:
        mapping = lambda i: moves.get(i, i)  # noqa: E731
        # protected ranges and filters stay where they are; only rows move
        saved = (copy.deepcopy(sheet.protected_ranges), copy.deepcopy(sheet.basic_filter))
        ss.remap(sheet, "ROWS", mapping, sheet.row_count)
        sheet.protected_ranges, sheet.basic_filter = saved
        return
    lines = {r: sheet.rows.get(r, {}) for r in order}
    window = {
        r: {c: cell for c, cell in line.items() if box.start_col <= c < box.end_col}
        for r, line in lines.items()
    }
    for r in order:
        line = dict(sheet.rows.get(r, {}))
        for c in [c for c in line if box.start_col <= c < box.end_col]:
            del line[c]
        sheet.rows[r] = line
    for old, new in moves.items():
        sheet.rows[new].update(window[old])
    for r in list(sheet.rows):
        if not sheet.rows[r]:
            del sheet.rows[r]


# -- cells ---------------------------------------------------------------------------------


def update_cells(ss: Spreadsheet, req: dict) -> dict:
    paths = _paths(req.get("fields", ""))
    _check_cell_paths(paths)
    rows = req.get("rows") or []
    if "start" in req and "range" in req:
        raise bad("Only one of start or range may be set")
    if "range" in req:
        box = _grid(ss, req["range"])
        sheet, r0, c0 = box.sheet, box.start_row, box.start_col
        for r in range(box.start_row, box.end_row):
            row = rows[r - r0].get("values", []) if r - r0 < len(rows) else []
            for c in range(box.start_col, box.end_col):
                given = row[c - c0] if c - c0 < len(row) else {}
                if given or sheet.cell(r, c):
                    _apply_cell(sheet, r, c, given or {}, paths)
        return {}
    start = req.get("start") or {}
    sheet = ss.sheet_by_id(start.get("sheetId", 0))
    r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
    last_row = r0 + len(rows) - 1
    if rows and last_row >= sheet.row_count:
        raise bad(
            f"GridCoordinate.rowIndex[{last_row}] is after last row in grid[{sheet.row_count - 1}]"
        )
    for i, row in enumerate(rows):
        cells = row.get("values") or []
        if cells and c0 + len(cells) - 1 >= sheet.col_count:
            raise bad(
                f"GridCoordinate.columnIndex[{c0 + len(cells) - 1}] is after last column in "
                f"grid[{sheet.col_count - 1}]"
            )
        for j, given in enumerate(cells):
            _apply_cell(sheet, r0 + i, c0 + j, given or {}, paths)
    return {}


def append_cells(ss: Spreadsheet, req: dict) -> dict:
    """Rows after the last row that has a value, the grid growing as needed (as documented:
    "Appends new cells after the last row with data in a sheet, inserting new rows")."""
    paths = _paths(req.get("fields", ""))
    _check_cell_paths(paths)
    sheet = ss.sheet_by_id(req.get("sheetId", 0))
    rows = req.get("rows") or []
    with_data = [r for r, line in sheet.rows.items()
                 if any("userEnteredValue" in cell for cell in line.values())]
    first = max(with_data) + 1 if with_data else 0
    needed = first + len(rows)
    if needed > sheet.row_count:
        sheet.set_count("ROWS", needed)
    widest = max([len(r.get("values") or []) for r in rows] + [0])
    if widest > sheet.col_count:
        sheet.set_count("COLUMNS", widest)
    ss.check_cell_limit()
    for i, row in enumerate(rows):
        for j, given in enumerate(row.get("values") or []):
            _apply_cell(sheet, first + i, j, given or {}, paths)
    return {}


def copy_paste(ss: Spreadsheet, req: dict) -> dict:
    """Copy a range as it is at this point of the batch (PASTE_VALUES: the values only, as
    plain entered values; PASTE_NORMAL: values, formats and validations)."""
    source = _grid(ss, req.get("source") or {})
    destination = _grid(ss, req.get("destination") or {})
    paste = req.get("pasteType", "PASTE_NORMAL")
    if paste not in ("PASTE_NORMAL", "PASTE_VALUES"):
        raise bad(f"pasteType {paste} is not supported here")
    if (destination.end_row - destination.start_row < source.end_row - source.start_row
            or destination.end_col - destination.start_col < source.end_col - source.start_col):
        raise bad("The destination range is smaller than the source range")
    cells = {(r - source.start_row, c - source.start_col): dict(source.sheet.cell(r, c))
             for r in range(source.start_row, source.end_row)
             for c in range(source.start_col, source.end_col)}
    for (dr, dc), cell in cells.items():
        row, col = destination.start_row + dr, destination.start_col + dc
        if paste == "PASTE_VALUES":
            kept = dict(destination.sheet.cell(row, col))
            kept.pop("userEnteredValue", None)
            if "userEnteredValue" in cell:
                kept["userEnteredValue"] = cell["userEnteredValue"]
            destination.sheet.put(row, col, kept)
        else:
            destination.sheet.put(row, col, cell)
    return {}


def repeat_cell(ss: Spreadsheet, req: dict) -> dict:
    paths = _paths(req.get("fields", ""))
    _check_cell_paths(paths)
    box = _grid(ss, req.get("range") or {})
    given = req.get("cell") or {}
    for r in range(box.start_row, box.end_row):
        for c in range(box.start_col, box.end_col):
            _apply_cell(box.sheet, r, c, given, paths)
    return {}


def set_data_validation(ss: Spreadsheet, req: dict) -> dict:
    box = _grid(ss, req.get("range") or {})
    rule = req.get("rule")
    _check_validation(rule)
    for r in range(box.start_row, box.end_row):
        for c in range(box.start_col, box.end_col):
            _apply_cell(box.sheet, r, c, {"dataValidation": rule}, [["dataValidation"]])
    return {}


# -- developer metadata --------------------------------------------------------------------


def _normal_location(ss: Spreadsheet, location: dict) -> dict:
    kind = location_type(location)
    declared = location.get("locationType")
    if declared and declared != kind and declared in LOCATION_TYPES:
        raise bad(f"locationType {declared} does not match the location given")
    if kind in ("ROW", "COLUMN"):
        rng = dict(location["dimensionRange"])
        if "startIndex" not in rng or "endIndex" not in rng:
            raise bad("DimensionRange must specify both a startIndex and an endIndex")
        sheet, dim, start, end = _dimension(ss, rng)
        if end - start != 1:
            # documented: metadata sits on exactly one row or column
            raise bad("DimensionRange must represent a single row or column")
        return {
            "locationType": kind,
            "dimensionRange": {
                "sheetId": sheet.id,
                "dimension": dim,
                "startIndex": start,
                "endIndex": end,
            },
        }
    if kind == "SHEET":
        sheet = ss.sheet_by_id(location["sheetId"])
        return {"locationType": "SHEET", "sheetId": sheet.id}
    return {"locationType": "SPREADSHEET", "spreadsheet": True}


def create_developer_metadata(ss: Spreadsheet, req: dict) -> dict:
    given = req.get("developerMetadata") or {}
    if given.get("visibility") not in ("DOCUMENT", "PROJECT"):
        raise bad("Developer metadata visibility must be DOCUMENT or PROJECT")
    if "metadataKey" not in given or not given["metadataKey"]:
        raise bad("Developer metadata must have a metadataKey")
    meta_id = given.get("metadataId")
    if meta_id is None:
        meta_id = new_id(m["metadataId"] for m in ss.metadata)
    elif ss.metadata_by_id(meta_id) is not None:
        raise bad(f"Developer metadata with id {meta_id} already exists")
    meta = {
        "metadataId": meta_id,
        "metadataKey": given["metadataKey"],
        "location": _normal_location(ss, given.get("location") or {}),
        "visibility": given["visibility"],
    }
    if "metadataValue" in given:
        meta["metadataValue"] = given["metadataValue"]
    ss.metadata.append(meta)
    return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(meta)}}


def update_developer_metadata(ss: Spreadsheet, req: dict) -> dict:
    filters = req.get("dataFilters") or []
    if not filters:
        raise bad("At least one data filter must be specified")
    given = req.get("developerMetadata") or {}
    paths = _paths(req.get("fields", ""))
    if paths == [["*"]]:
        paths = [["metadataKey"], ["metadataValue"], ["location"], ["visibility"]]
    matched: dict[int, dict] = {}
    for data_filter in filters:
        for meta in metadata_for_filter(ss, data_filter):
            matched[meta["metadataId"]] = meta
    for meta in matched.values():
        for path in paths:
            if path[0] == "metadataId":
                raise bad("metadataId cannot be updated")
            if path[0] == "location":
                meta["location"] = _normal_location(ss, given.get("location") or {})
            elif path[0] in ("metadataKey", "metadataValue", "visibility"):
                _set_path(meta, given, path)
            else:
                raise bad(f"Invalid field mask: {'.'.join(path)}")
    return {"updateDeveloperMetadata": {"developerMetadata": copy.deepcopy(list(matched.values()))}}


def delete_developer_metadata(ss: Spreadsheet, req: dict) -> dict:
    doomed = metadata_for_filter(ss, req.get("dataFilter") or {})
    ids = {m["metadataId"] for m in doomed}
    ss.metadata = [m for m in ss.metadata if m["metadataId"] not in ids]
    return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": copy.deepcopy(doomed)}}


# -- protection, filters, charts, dimensions -----------------------------------------------


def add_protected_range(ss: Spreadsheet, req: dict) -> dict:
    given = copy.deepcopy(req.get("protectedRange") or {})
    if "range" not in given:
        raise bad("A protected range must have a range")
    _grid(ss, given["range"])
    given["range"].setdefault("sheetId", 0)
    if given.get("warningOnly") and given.get("editors"):
        raise bad("Warning-only protected ranges cannot have editors.")
    taken = [p["protectedRangeId"] for s in ss.sheets for p in s.protected_ranges]
    if "protectedRangeId" in given and given["protectedRangeId"] in taken:
        raise bad(f"Protected range with id {given['protectedRangeId']} already exists")
    given.setdefault("protectedRangeId", new_id(taken))
    given.setdefault("requestingUserCanEdit", True)
    ss.sheet_by_id(given["range"]["sheetId"]).protected_ranges.append(given)
    return {"addProtectedRange": {"protectedRange": copy.deepcopy(given)}}


def delete_protected_range(ss: Spreadsheet, req: dict) -> dict:
    target = req.get("protectedRangeId")
    for sheet in ss.sheets:
        for pr in sheet.protected_ranges:
            if pr["protectedRangeId"] == target:
                sheet.protected_ranges.remove(pr)
                return {}
    raise bad(f"No protected range with id: {target}")


def set_basic_filter(ss: Spreadsheet, req: dict) -> dict:
    given = copy.deepcopy(req.get("filter") or {})
    if "range" not in given:
        raise bad("A basic filter must have a range")
    box = _grid(ss, given["range"])
    given["range"].setdefault("sheetId", box.sheet.id)
    box.sheet.basic_filter = given
    return {}


def clear_basic_filter(ss: Spreadsheet, req: dict) -> dict:
    ss.sheet_by_id(req.get("sheetId", 0)).basic_filter = None
    return {}


def _chart_ids(ss: Spreadsheet) -> list[int]:
    return [c["chartId"] for s in ss.sheets for c in s.charts]


def add_chart(ss: Spreadsheet, req: dict) -> dict:
    chart = copy.deepcopy(req.get("chart") or {})
    if "spec" not in chart:
        raise bad("A chart must have a spec")
    position = chart.get("position") or {}
    if position.get("newSheet"):
        sheet = ss.add_sheet({"title": f"Chart{len(ss.sheets) + 1}"})
    else:
        anchor = (position.get("overlayPosition") or {}).get("anchorCell") or {}
        sheet = ss.sheet_by_id(anchor.get("sheetId", position.get("sheetId", ss.sheets[0].id)))
    if "chartId" in chart and chart["chartId"] in _chart_ids(ss):
        raise bad(f"An embedded object with id {chart['chartId']} already exists")
    chart.setdefault("chartId", new_id(_chart_ids(ss)))
    sheet.charts.append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def delete_embedded_object(ss: Spreadsheet, req: dict) -> dict:
    target = req.get("objectId")
    for sheet in ss.sheets:
        for chart in sheet.charts:
            if chart["chartId"] == target:
                sheet.charts.remove(chart)
                return {}
    raise bad(f"No embedded object with id: {target}")


def update_dimension_properties(ss: Spreadsheet, req: dict) -> dict:
    sheet, dim, start, end = _dimension(ss, req.get("range") or {})
    paths = _paths(req.get("fields", ""))
    given = req.get("properties") or {}
    if paths == [["*"]]:
        paths = [[k] for k in given]
    for i in range(start, end):
        props = dict(sheet.dim_props[dim].get(i, {}))
        for path in paths:
            if path[0] not in ("pixelSize", "hiddenByUser", "developerMetadata"):
                raise bad(f"Invalid field mask: {'.'.join(path)}")
            _set_path(props, given, path)
        if props:
            sheet.dim_props[dim][i] = props
        else:
            sheet.dim_props[dim].pop(i, None)
    return {}


def auto_resize_dimensions(ss: Spreadsheet, req: dict) -> dict:
    _dimension(ss, req.get("dimensions") or {})
    return {}


def update_spreadsheet_properties(ss: Spreadsheet, req: dict) -> dict:
    given = req.get("properties") or {}
    for path in _paths(req.get("fields", "")):
        if path == ["*"]:
            ss.properties.update(copy.deepcopy(given))
        else:
            _set_path(ss.properties, given, path)
    return {}


HANDLERS: dict[str, Handler] = {
    "addSheet": add_sheet,
    "deleteSheet": delete_sheet,
    "updateSheetProperties": update_sheet_properties,
    "appendDimension": append_dimension,
    "insertDimension": insert_dimension,
    "deleteDimension": delete_dimension,
    "moveDimension": move_dimension,
    "sortRange": sort_range,
    "updateCells": update_cells,
    "repeatCell": repeat_cell,
    "appendCells": append_cells,
    "copyPaste": copy_paste,
    "setDataValidation": set_data_validation,
    "createDeveloperMetadata": create_developer_metadata,
    "updateDeveloperMetadata": update_developer_metadata,
    "deleteDeveloperMetadata": delete_developer_metadata,
    "addProtectedRange": add_protected_range,
    "deleteProtectedRange": delete_protected_range,
    "setBasicFilter": set_basic_filter,
    "clearBasicFilter": clear_basic_filter,
    "addChart": add_chart,
    "deleteEmbeddedObject": delete_embedded_object,
    "updateDimensionProperties": update_dimension_properties,
    "autoResizeDimensions": auto_resize_dimensions,
    "updateSpreadsheetProperties": update_spreadsheet_properties,
}
