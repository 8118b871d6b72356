"""The spreadsheets.values methods over one Spreadsheet: read, write, append, clear."""

from __future__ import annotations

from typing import Any

from .a1 import Bounds, column_letters, format_range, split_sheet
from .model import GridBox, Sheet, Spreadsheet, bad, check_cell_text, insert_mapping
from .values import number_format, raw_value, render, user_entered_value

VALUE_RENDER = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
DATE_RENDER = ("SERIAL_NUMBER", "FORMATTED_STRING")
INPUT_OPTIONS = ("RAW", "USER_ENTERED")


def check_enum(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise bad(f"Invalid value at '{name}' (TYPE_ENUM), \"{value}\"")


def read_box(
    ss: Spreadsheet,
    box: GridBox,
    value_render: str = "FORMATTED_VALUE",
    date_render: str = "SERIAL_NUMBER",
    major: str = "ROWS",
) -> dict:
    """A ValueRange: trailing empty rows/columns dropped, `values` absent when all empty."""
    check_enum("value_render_option", value_render, VALUE_RENDER)
    check_enum("date_time_render_option", date_render, DATE_RENDER)
    major = major or "ROWS"
    check_enum("major_dimension", major, ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED"))
    if major == "DIMENSION_UNSPECIFIED":
        major = "ROWS"
    sheet = box.sheet
    grid: dict[tuple[int, int], Any] = {}
    for r, line in sheet.rows.items():
        if not box.start_row <= r < box.end_row:
            continue
        for c, cell in line.items():
            if box.start_col <= c < box.end_col:
                value = render(cell, ss.effective(sheet, r, c), value_render, date_render)
                if value is not None and value != "":
                    grid[(r - box.start_row, c - box.start_col)] = value
    result: dict[str, Any] = {"range": box.a1(), "majorDimension": major}
    if not grid:
        return result
    if major == "COLUMNS":
        grid = {(c, r): v for (r, c), v in grid.items()}
    height = max(r for r, _ in grid) + 1
    lines: list[list[Any]] = [[] for _ in range(height)]
    for (r, c), value in sorted(grid.items()):
        line = lines[r]
        while len(line) < c:
            line.append("")
        line.append(value)
    result["values"] = lines
    return result


def write_values(
    ss: Spreadsheet,
    range_text: str,
    values: list[list[Any]] | None,
    major: str | None,
    input_option: str | None,
) -> dict:
    """values.update semantics: null skips a cell, "" clears it; the grid never grows."""
    if not input_option:
        raise bad("'valueInputOption' is required but not specified")
    check_enum("value_input_option", input_option, INPUT_OPTIONS)
    sheet, b = ss.resolve_a1(range_text)
    if _is_single_cell(range_text, sheet.title):
        # a lone cell is where the values start, not a bound on them
        b = Bounds(b.start_row, None, b.start_col, None)
    start_row, start_col = b.start_row or 0, b.start_col or 0
    rows = _oriented(values or [], major)
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    if b.end_row is not None and start_row + height > b.end_row:
        raise bad(
            f"Requested writing within range [{range_text}], but tried writing to row "
            f"[{start_row + height}]"
        )
    if b.end_col is not None and start_col + width > b.end_col:
        raise bad(
            f"Requested writing within range [{range_text}], but tried writing to column "
            f"[{column_letters(start_col + width - 1)}]"
        )
    explicit_end_row = b.end_row if b.end_row is not None else start_row + max(height, 1)
    explicit_end_col = b.end_col if b.end_col is not None else start_col + max(width, 1)
    if explicit_end_row > sheet.row_count or explicit_end_col > sheet.col_count:
        shown = format_range(sheet.title, start_row, explicit_end_row, start_col, explicit_end_col)
        raise bad(
            f"Range ({shown}) exceeds grid limits. Max rows: {sheet.row_count}, "
            f"max columns: {sheet.col_count}"
        )
    touched_rows, touched_cols, cells = set(), set(), 0
    for i, line in enumerate(rows):
        for j, value in enumerate(line):
            if value is None:
                continue
            write_cell(sheet, start_row + i, start_col + j, value, input_option)
            touched_rows.add(i)
            touched_cols.add(j)
            cells += 1
    result: dict[str, Any] = {"spreadsheetId": ss.id}
    if height and width:
        result["updatedRange"] = format_range(
            sheet.title, start_row, start_row + height, start_col, start_col + width
        )
    if cells:
        result.update(
            updatedRows=len(touched_rows), updatedColumns=len(touched_cols), updatedCells=cells
        )
    return result


def _is_single_cell(range_text: str, title: str) -> bool:
    _, cells = split_sheet(range_text)
    return cells not in ("", title) and ":" not in cells


def _oriented(values: list[list[Any]], major: str | None) -> list[list[Any]]:
    if not isinstance(values, list) or any(not isinstance(v, list) for v in values):
        raise bad("Invalid values: expected a list of lists")
    if major == "COLUMNS":
        height = max((len(c) for c in values), default=0)
        return [[col[i] if i < len(col) else None for col in values] for i in range(height)]
    return values


def write_cell(sheet: Sheet, row: int, col: int, value: Any, input_option: str) -> None:
    if isinstance(value, (list, dict)):
        raise bad("Invalid values: a cell value must be a string, number or boolean")
    cell = dict(sheet.cell(row, col))
    if value == "":
        cell.pop("userEnteredValue", None)
        sheet.put(row, col, cell)
        return
    if isinstance(value, str):
        check_cell_text(value)
    if input_option == "RAW":
        entered, fmt = raw_value(value), None
    else:
        entered, fmt = user_entered_value(value)
    cell["userEnteredValue"] = entered
    current = number_format(cell)
    if fmt and (current or {}).get("type") != fmt["type"]:
        user_format = dict(cell.get("userEnteredFormat") or {})
        user_format["numberFormat"] = fmt
        cell["userEnteredFormat"] = user_format
    sheet.put(row, col, cell)


def clear_box(box: GridBox) -> None:
    """Only values go; formats and validations stay (as documented)."""
    sheet = box.sheet
    for r in [r for r in sheet.rows if box.start_row <= r < box.end_row]:
        for c in [c for c in sheet.rows[r] if box.start_col <= c < box.end_col]:
            cell = dict(sheet.cell(r, c))
            cell.pop("userEnteredValue", None)
            sheet.put(r, c, cell)


def append_values(
    ss: Spreadsheet,
    range_text: str,
    values: list[list[Any]] | None,
    major: str | None,
    input_option: str | None,
    insert_option: str | None,
) -> dict:
    """Appends below the last row holding a value within the range's columns.

    This is a documented simplification: Google's own "table" detection is a heuristic
    (it can shift appended rows right); here the table is every row of the given columns
    up to the last non-empty one, and data always starts in the range's first column.
    """
    if not input_option:
        raise bad("'valueInputOption' is required but not specified")
    check_enum("value_input_option", input_option, INPUT_OPTIONS)
    insert_option = insert_option or "OVERWRITE"
    check_enum("insert_data_option", insert_option, ("OVERWRITE", "INSERT_ROWS"))
    sheet, b = ss.resolve_a1(range_text)
    if _is_single_cell(range_text, sheet.title):
        b = Bounds(b.start_row, None, b.start_col, None)
    start_col = b.start_col or 0
    end_col = sheet.col_count if b.end_col is None else b.end_col
    start_row = b.start_row or 0
    last, last_col = -1, start_col
    for r, line in sheet.rows.items():
        filled = [
            c
            for c, cell in line.items()
            if start_col <= c < end_col and cell.get("userEnteredValue")
        ]
        if r >= start_row and filled:
            last = max(last, r)
            last_col = max(last_col, *filled)
    rows = _oriented(values or [], major)
    height = len(rows)
    width = max((len(r) for r in rows), default=0)
    at = last + 1 if last >= 0 else start_row
    table_range = (
        format_range(sheet.title, start_row, last + 1, start_col, last_col + 1)
        if last >= 0
        else None
    )
    if insert_option == "INSERT_ROWS":
        ss.remap(sheet, "ROWS", insert_mapping(at, height), sheet.row_count + height)
    elif at + height > sheet.row_count:
        # documented: appending past the end still adds rows so the data fits
        sheet.set_count("ROWS", at + height)
    if start_col + width > sheet.col_count:
        sheet.set_count("COLUMNS", start_col + width)
    ss.check_cell_limit()
    updates = write_values(
        ss,
        format_range(sheet.title, at, at + max(height, 1), start_col, start_col + max(width, 1)),
        rows,
        "ROWS",
        input_option,
    )
    result: dict[str, Any] = {"spreadsheetId": ss.id, "updates": updates}
    if table_range:
        result["tableRange"] = table_range
    return result
