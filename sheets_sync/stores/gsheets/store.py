"""Google Sheets store: the same change set as the Excel store, in a constant handful of requests.

A sync costs, whatever the number of rows:
  1. two reads (reading.py): a masked `spreadsheets.get` (every tab's size, charts, protections
     and the tool's marks, and per cell only its number format type and formula/error flags),
     then one `values.batchGet` of every tab's values — `read`;
  2. one `values.batchGet` of the Contacts ID and Name columns and the Today tab, immediately
     before writing — so owned values land on the row of *their* contact after people inserted,
     deleted or sorted rows, and a Done tick or Outcome typed meanwhile is never overwritten;
  3. one atomic `spreadsheets.batchUpdate`: owned tabs (values, formats, checkboxes, filters,
     charts), grid sizes, the Interactions rows appended (`appendCells`, so a ticked row is logged
     in the same batch that rewrites Today), formats and warning-only protection of owned columns;
  4. one RAW `values.batchUpdate`: the owned Contacts columns as column blocks (and new IDs) and
     the values of the growing owned tabs (Referrals, Issues), split into more requests only past
     `google.payload_limit_bytes`.
A second sync the same day with nothing new stops after 1: no write request.

People keep editing while a sync runs: see docs/design.md ("Google Sheets while people edit")
for the window that remains and why this scheme was chosen over per-row developer metadata, and
("Google requests and bytes") for the limits behind the request count.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gspread.urls import (
    SPREADSHEET_BATCH_UPDATE_URL,
    SPREADSHEET_VALUES_BATCH_UPDATE_URL,
    SPREADSHEET_VALUES_BATCH_URL,
)

from sheets_sync.core.cells import col_letter
from sheets_sync.core.model import (
    BOOL,
    WRAP,
    ChangeSet,
    ContactWrite,
    OwnedTab,
    Table,
    WorkbookData,
    id_key,
)
from sheets_sync.core.tables import (
    column_keys,
    grid_to_table,
    owned_positions,
    workbook_data,
)
from sheets_sync.errors import WorkbookChanged
from sheets_sync.stores.diff import Diff, diff_changes, same_value
from sheets_sync.stores.gsheets.cells import (
    as_read,
    cell_data,
    entered_value,
    number_format,
    values_cell,
)
from sheets_sync.stores.gsheets.charts import add_chart_request
from sheets_sync.stores.gsheets.client import SheetsClient, WireStats
from sheets_sync.stores.gsheets.credentials import api_base, load_identity
from sheets_sync.stores.gsheets.location import SheetLocation
from sheets_sync.stores.gsheets.reading import SHEET_FIELDS, VALUE_PARAMS, merge_grid
from sheets_sync.stores.xlsx_layout import chart_anchors, column_widths, hidden_columns

OWNED_TAB_MARK = "sheets-sync.owned-tab"  # developer metadata on every tab the tool writes
# A hidden tab the batch that rewrites Today first copies Today into, server-side: a tick made
# after the re-read but before that batch ran is in it, and the next sync harvests it.
TODAY_COPY = "sheets-sync: Today before the last sync"
PROTECTION = "sheets-sync owns this; your edits here are replaced at the next sync"
# The tool's Contacts headers: amber with dark italic text, unlike a person's (dark, white text).
OWNED_HEADER_COLOR = {"red": 1.0, "green": 0.85, "blue": 0.4}
PERSON_TODAY_COLUMNS = ("done", "outcome", "notes")
CHAR_PIXELS = 7  # a column width in characters -> pixels
# Owned tabs whose rows grow with the book and that no sync reads back: their values go as a
# RAW values block after the batch (a fifth of the bytes of cells in it). Today (harvested with
# the ticks appended in the same batch), Metrics history, Themes and Greetings (read back) and
# the small fixed grids (Calendar, Metrics) stay cells of the atomic batch.
BLOCK_TABS = frozenset({"referrals", "issues"})
VALUES_ENVELOPE = '{"valueInputOption":"RAW","data":[]}'


@dataclass
class SheetMeta:
    sheet_id: int
    title: str
    rows: int
    cols: int
    grid: list[list[Any]]
    charts: list[int] = field(default_factory=list)
    protected: bool = False  # carries the tool's warning-only protection
    marked: bool = False  # carries the tool's owned-tab mark
    mark: str = ""  # the mark's value: the owned tab's key


class GoogleSheetStore:
    def __init__(self, location: SheetLocation, config: dict[str, Any],
                 client: SheetsClient | None = None) -> None:
        google = config["google"]
        self.sheet = location
        self.location = location.canonical
        self.money_pattern = str(config["general"]["currency_format"])
        self.payload_limit = int(google["payload_limit_bytes"])
        self.client = client or client_for(config)
        self._data: WorkbookData | None = None
        self._meta: dict[str, SheetMeta] = {}
        self._today_as_read: Table | None = None  # Today as on the sheet (before late ticks)
        self._order: list[str] = []  # every tab's title in tab order, the hidden copy included

    @property
    def wire(self) -> WireStats:
        """Requests and bytes this store sent and received so far."""
        return self.client.stats

    # -- reading ---------------------------------------------------------------------------

    def read(self) -> WorkbookData:
        what = f"Google Sheet {self.sheet.key}"
        body = self.client.call("read", what, lambda: self.client.http.spreadsheets_get(
            self.sheet.key, params={"fields": SHEET_FIELDS, "prettyPrint": "false"}))
        sheets = sorted(body.get("sheets", []), key=lambda s: s["properties"].get("index", 0))
        ranges = [_quote(str(s["properties"]["title"])) for s in sheets]
        url = SPREADSHEET_VALUES_BATCH_URL % self.sheet.key
        found = self.client.call("read", what, lambda: self.client.get_json(
            url, {**VALUE_PARAMS, "ranges": ranges, "prettyPrint": "false"})) if ranges else {}
        blocks = [block.get("values", []) for block in found.get("valueRanges", [])]
        self._meta = {}
        names: list[str] = []
        self._order = []
        for sheet, values in zip(sheets, blocks, strict=True):
            meta = _sheet_meta(sheet, values)
            self._meta[meta.title] = meta
            self._order.append(meta.title)
            if meta.title != TODAY_COPY:  # the tool's own hidden tab is no tab of the book
                names.append(meta.title)
        # The tabs carrying the tool's mark are its own; a book without any mark is adopted by
        # the tool's header rows (core/owned_tabs.py).
        mark = {m.title: m.mark for m in self._meta.values() if m.marked and m.title in names}
        data = workbook_data(what, names, lambda name: self._meta[name].grid, mark or None)
        self._today_as_read = data.tables.get("today")
        if self._today_as_read is not None and TODAY_COPY in self._meta:
            data.tables["today"] = with_late_ticks(self._today_as_read, grid_to_table(
                TODAY_COPY, "today", self._meta[TODAY_COPY].grid))
        self._data = data
        return self._data

    def diff(self, changes: ChangeSet) -> Diff:
        if self._data is None:
            raise RuntimeError("read() must come before diff()")
        return diff_changes(self._data, changes)

    # -- writing ---------------------------------------------------------------------------

    def apply(self, changes: ChangeSet) -> bool:
        if self._data is None:
            raise RuntimeError("read() must come before apply()")
        data = self._data
        contacts = data.tables["contacts"]
        keys = [c.key for c in changes.owned_columns]
        positions, appended = owned_positions(contacts.headers, data.contacts_width, keys)
        current = dict(contacts.rows)
        writes = [w for w in changes.contacts if _changed(w, current, positions)]
        tabs = [t for t in changes.tabs if self._tab_differs(t, changes.tab_names[t.key])]
        appends = [a for a in changes.appends if a.records and a.tab in data.tables]
        if not (writes or appended or tabs or appends):
            return False
        rows = self._reread(changes, contacts)
        requests: list[dict[str, Any]] = []
        blocks: list[dict[str, Any]] = []  # values blocks, sent after the batch
        next_id = max([m.sheet_id for m in self._meta.values()] + [0]) + 1
        order = list(self._order)
        ids = {m.title: m.sheet_id for m in self._meta.values()}
        for tab in tabs:
            name = changes.tab_names[tab.key]
            meta = self._meta.get(name)
            if tab.key == "today" and meta is not None:
                if TODAY_COPY not in order:
                    order.append(TODAY_COPY)
                requests += self._copy_today(meta, next_id)
                next_id += 1
            if meta is None:
                meta = SheetMeta(next_id, name, 0, 0, [])
                order.append(name)
                ids[name] = meta.sheet_id
                next_id += 1
                requests.append({"addSheet": {"properties": {
                    "sheetId": meta.sheet_id, "title": name,
                    "gridProperties": {"rowCount": 1, "columnCount": 1}}}})
            as_block = tab.key in BLOCK_TABS
            requests += self._tab_requests(tab, meta, changes, cells=not as_block)
            if as_block and tab.rows:
                blocks.append(tab_block(name, tab))
        requests += _next_to_contacts(order, ids, changes.tab_names, contacts.name)
        for append in appends:
            requests += self._append_requests(data.tables[append.tab], append)
        cmeta = self._meta[contacts.name]
        width = max(positions.values()) + 1
        if width > cmeta.cols:
            requests.append({"appendDimension": {"sheetId": cmeta.sheet_id,
                                                 "dimension": "COLUMNS",
                                                 "length": width - cmeta.cols}})
        if writes or appended:
            requests += self._owned_column_requests(cmeta, contacts, changes, positions)
        if requests:
            url = SPREADSHEET_BATCH_UPDATE_URL % self.sheet.key
            self.client.call("write", self.location, lambda: self.client.post_json(
                url, {"requests": requests}))
        if writes or appended:
            blocks += owned_blocks(contacts, changes, positions, appended, rows)
        self._write_blocks(blocks)
        return True

    def _reread(self, changes: ChangeSet, contacts: Table) -> dict[str, int]:
        """Where each contact is now (contact key -> sheet row), after checking that nothing a
        person typed on Today changed since the read (else WorkbookChanged: re-plan)."""
        assert self._data is not None
        columns = column_keys("contacts", contacts.headers)
        ranges = [_column_range(contacts.name, columns[k], contacts.header_row + 1)
                  for k in ("id", "name") if k in columns]
        today = self._today_as_read
        if today is not None:
            ranges.append(_quote(today.name))
        body = self.client.call("read", self.location, lambda: self.client.http.values_batch_get(
            self.sheet.key, ranges, params={"valueRenderOption": "UNFORMATTED_VALUE",
                                            "dateTimeRenderOption": "SERIAL_NUMBER"}))
        blocks = [block.get("values", []) for block in body.get("valueRanges", [])]
        if today is not None:
            _check_today_unchanged(today, blocks.pop())
        ids = [r[0] if r else "" for r in blocks[0]] if "id" in columns else []
        names = [r[0] if r else "" for r in blocks[-1]] if "name" in columns else []
        first = contacts.header_row + 1
        return _place(changes.contacts, ids, names, first, self.location)

    def _tab_differs(self, tab: OwnedTab, name: str) -> bool:
        meta = self._meta.get(name)
        if meta is None:
            return True
        if tab.create_only:
            return False
        wanted = _trim([tab.headers, *tab.rows], as_read)
        return wanted != _trim(meta.grid, lambda v: v) or not meta.marked

    def _tab_requests(self, tab: OwnedTab, meta: SheetMeta, changes: ChangeSet, *,
                      cells: bool = True) -> list[dict]:
        """The batch's requests for one owned tab; `cells=False` leaves its values out (they
        follow as a values block, `tab_block`)."""
        sheet_id = meta.sheet_id
        width = max([len(tab.columns), *(len(r) for r in tab.rows), 1])
        height = len(tab.rows) + 1
        kinds = [c.kind for c in tab.columns]
        requests: list[dict[str, Any]] = [
            {"updateCells": {"range": {"sheetId": sheet_id},
                             "fields": "userEnteredValue,userEnteredFormat,dataValidation"}},
            {"updateSheetProperties": {
                "properties": {"sheetId": sheet_id, "gridProperties": {
                    "rowCount": max(height, 2), "columnCount": width,
                    "frozenRowCount": 1 if tab.freeze_header else 0}},
                "fields": "gridProperties(rowCount,columnCount,frozenRowCount)"}},
        ]
        for chart in meta.charts:
            requests.append({"deleteEmbeddedObject": {"objectId": chart}})
        # Values cell by cell, formats column by column: a CellData carrying its own format is
        # several times larger, and the Today tab of a big book is thousands of rows.
        requests.append({"updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
            "rows": [{"values": [cell_data(h, "text", self.money_pattern, bold=True)
                                 for h in tab.headers]}],
            "fields": "userEnteredValue,userEnteredFormat"}})
        if tab.rows and cells:
            requests.append({"updateCells": {
                "start": {"sheetId": sheet_id, "rowIndex": 1, "columnIndex": 0},
                "rows": [{"values": [_value_only(v) for v in row]} for row in tab.rows],
                "fields": "userEnteredValue"}})
        for col in range(width):
            kind = kinds[col] if col < len(kinds) else "text"
            fmt = cell_data(None, kind, self.money_pattern)["userEnteredFormat"]
            if fmt and tab.rows:
                requests.append({"repeatCell": {
                    "range": _grid(sheet_id, 1, height, col, col + 1),
                    "cell": {"userEnteredFormat": fmt}, "fields": "userEnteredFormat"}})
        for index, row in enumerate(tab.rows):
            for col, value in enumerate(row):
                column_kind = kinds[col] if col < len(kinds) else "text"
                column = tab.columns[col] if col < len(tab.columns) else None
                kind = (tab.cell_kinds.get((index, column.key)) if column else None) or (
                    "date" if _is_date(value) else column_kind)
                if kind != column_kind:  # a cell of another kind than its column (Metrics)
                    requests.append({"repeatCell": {
                        "range": _grid(sheet_id, index + 1, index + 2, col, col + 1),
                        "cell": {"userEnteredFormat": cell_data(
                            value, kind, self.money_pattern)["userEnteredFormat"]},
                        "fields": "userEnteredFormat"}})
        for col, column in enumerate(tab.columns):
            if column.kind == BOOL and tab.rows:  # Today's Done: a real checkbox
                requests.append({"setDataValidation": {
                    "range": _grid(sheet_id, 1, height, col, col + 1),
                    "rule": {"condition": {"type": "BOOLEAN"}, "strict": True}}})
        if tab.autofilter:
            requests.append({"setBasicFilter": {"filter": {
                "range": _grid(sheet_id, 0, height, 0, width)}}})
        send = {key for _row, key in tab.links}
        for col, column in enumerate(tab.columns):
            if column.key in send:  # a link cell: its text is the app's name, its link the URL
                requests.append({"updateCells": {
                    "start": {"sheetId": sheet_id, "rowIndex": 1, "columnIndex": col},
                    "rows": [{"values": [_link_cell(tab.links.get((index, column.key)))]}
                             for index in range(len(tab.rows))],
                    "fields": "userEnteredFormat.textFormat.link"}})
        for col in sorted(hidden_columns(tab)):
            requests.append({"updateDimensionProperties": {
                "range": {"sheetId": sheet_id, "dimension": "COLUMNS",
                          "startIndex": col, "endIndex": col + 1},
                "properties": {"hiddenByUser": True}, "fields": "hiddenByUser"}})
        if any(c.kind == WRAP for c in tab.columns) and tab.rows:
            # Rows grow to fit their wrapped messages.
            requests.append({"autoResizeDimensions": {"dimensions": {
                "sheetId": sheet_id, "dimension": "ROWS", "startIndex": 1,
                "endIndex": height}}})
        for col, chars in column_widths(tab).items():
            requests.append({"updateDimensionProperties": {
                "range": {"sheetId": sheet_id, "dimension": "COLUMNS",
                          "startIndex": col, "endIndex": col + 1},
                "properties": {"pixelSize": int(chars * CHAR_PIXELS + 10)},
                "fields": "pixelSize"}})
        names = {key: self._sheet_id(changes.tab_names.get(key, "")) for key in changes.tab_names}
        names[tab.key] = sheet_id
        for chart, cell in zip(tab.charts, chart_anchors(tab), strict=True):
            requests.append(add_chart_request(chart, cell, names, changes.tabs))
        if not meta.protected:
            requests.append({"addProtectedRange": {"protectedRange": {
                "range": {"sheetId": sheet_id}, "description": PROTECTION,
                "warningOnly": True}}})
        if not meta.marked:
            requests.append({"createDeveloperMetadata": {"developerMetadata": {
                "metadataKey": OWNED_TAB_MARK, "metadataValue": tab.key,
                "location": {"sheetId": sheet_id}, "visibility": "DOCUMENT"}}})
        return requests

    def _copy_today(self, today: SheetMeta, new_id: int) -> list[dict[str, Any]]:
        """Copy Today's values, as they are when the batch runs, into the hidden tab."""
        size = {"rowCount": max(today.rows, 1), "columnCount": max(today.cols, 1)}
        copy = self._meta.get(TODAY_COPY)
        if copy is None:
            sheet_id = new_id
            first: dict[str, Any] = {"addSheet": {"properties": {
                "sheetId": sheet_id, "title": TODAY_COPY, "hidden": True,
                "gridProperties": size}}}
        else:
            sheet_id = copy.sheet_id
            first = {"updateSheetProperties": {
                "properties": {"sheetId": sheet_id, "gridProperties": size},
                "fields": "gridProperties(rowCount,columnCount)"}}
        whole = {"startRowIndex": 0, "endRowIndex": size["rowCount"],
                 "startColumnIndex": 0, "endColumnIndex": size["columnCount"]}
        return [first,
                {"updateCells": {"range": {"sheetId": sheet_id}, "fields": "userEnteredValue"}},
                {"copyPaste": {"source": {"sheetId": today.sheet_id, **whole},
                               "destination": {"sheetId": sheet_id, **whole},
                               "pasteType": "PASTE_VALUES"}}]

    def _sheet_id(self, name: str) -> int | None:
        meta = self._meta.get(name)
        return meta.sheet_id if meta else None

    def _append_requests(self, table: Table, append: Any) -> list[dict[str, Any]]:
        """Rows after the last row with data: `appendCells` finds it at write time, so rows a
        person added since the read are never overwritten."""
        columns = column_keys(append.tab, table.headers)
        width = max([len(table.headers), *(c + 1 for c in columns.values())])
        rows = []
        for record in append.records:
            cells: list[dict[str, Any]] = [{} for _ in range(width)]
            for key, col in columns.items():
                value = record.get(key)
                if value not in (None, ""):
                    cells[col] = cell_data(value, append.kinds.get(key, "text"),
                                           self.money_pattern)
            rows.append({"values": cells})
        meta = self._meta[table.name]
        return [{"appendCells": {"sheetId": meta.sheet_id, "rows": rows,
                                 "fields": "userEnteredValue,userEnteredFormat"}}]

    def _owned_column_requests(self, meta: SheetMeta, contacts: Table, changes: ChangeSet,
                               positions: dict[str, int]) -> list[dict[str, Any]]:
        """Header style, number formats and warning-only protection of the owned columns."""
        header = contacts.header_row - 1
        requests: list[dict[str, Any]] = []
        rows = meta.rows  # the whole grid: rows a person adds later get the formats too
        for column in changes.owned_columns:
            col = positions[column.key]
            requests.append({"repeatCell": {
                "range": _grid(meta.sheet_id, header, header + 1, col, col + 1),
                "cell": {"userEnteredFormat": {"backgroundColor": OWNED_HEADER_COLOR,
                                               "textFormat": {"bold": True,
                                                              "italic": True}}},
                "fields": "userEnteredFormat(backgroundColor,textFormat)"}})
            number = number_format(column.kind, self.money_pattern)
            if number:
                requests.append({"repeatCell": {
                    "range": _grid(meta.sheet_id, header + 1, rows, col, col + 1),
                    "cell": {"userEnteredFormat": {"numberFormat": number}},
                    "fields": "userEnteredFormat.numberFormat"}})
        if not meta.protected:
            for column in changes.owned_columns:
                col = positions[column.key]
                requests.append({"addProtectedRange": {"protectedRange": {
                    "range": _grid(meta.sheet_id, 0, rows, col, col + 1),
                    "description": PROTECTION, "warningOnly": True}}})
        return requests

    def _write_blocks(self, blocks: list[dict[str, Any]]) -> None:
        """RAW values blocks in as few `values.batchUpdate` requests as the payload limit
        allows (text stays text: RAW never parses)."""
        url = SPREADSHEET_VALUES_BATCH_UPDATE_URL % self.sheet.key
        for chunk in _chunks(blocks, self.payload_limit - len(VALUES_ENVELOPE)):
            self.client.call("write", self.location, lambda chunk=chunk: self.client.post_json(
                url, {"valueInputOption": "RAW", "data": chunk}))


def owned_blocks(contacts: Table, changes: ChangeSet, positions: dict[str, int],
                 appended: dict[str, int], rows: dict[str, int]) -> list[dict[str, Any]]:
    """Owned columns as one block per column from the first to the last contact row (rows
    that hold no contact are skipped with null), new headers and new IDs."""
    headers = {c.key: c.header for c in changes.owned_columns}
    data: list[dict[str, Any]] = []
    for key, col in appended.items():
        data.append({"range": f"{_quote(contacts.name)}!{_a1(col, contacts.header_row)}",
                     "values": [[headers[key]]]})
    if rows:
        first, last = min(rows.values()), max(rows.values())
        for column in changes.owned_columns:
            # One column as one list (majorDimension COLUMNS): a value and a comma per cell,
            # where rows of one value each cost two brackets more.
            block: list[Any] = [None] * (last - first + 1)
            for write in changes.contacts:
                block[rows[write.key] - first] = _compact(values_cell(
                    write.values.get(column.key)))
            col = positions[column.key]
            data.append({"range": f"{_quote(contacts.name)}!{_a1(col, first)}:"
                                  f"{_a1(col, last)}",
                         "majorDimension": "COLUMNS", "values": [block]})
        id_col = column_keys("contacts", contacts.headers).get("id")
        for write in changes.contacts:
            if write.assign_id and id_col is not None:
                data.append({"range": f"{_quote(contacts.name)}!"
                                      f"{_a1(id_col, rows[write.key])}",
                             "values": [[write.assign_id]]})
    return data


def tab_block(name: str, tab: OwnedTab) -> dict[str, Any]:
    """An owned tab's rows under its header as one RAW values block; the batch before it
    cleared the tab and set its formats, so a row's trailing blanks are left out."""
    values = []
    for row in tab.rows:
        line = [_compact(_raw(v)) for v in row]
        while line and line[-1] == "":
            line.pop()
        values.append(line)
    return {"range": f"{_quote(name)}!A2", "values": values}


def _raw(value: Any) -> Any:
    """A value as a RAW values write stores what `entered_value` would: text as text."""
    if value is None or isinstance(value, (bool, int, float, str, date)):
        return values_cell(value)
    return values_cell(str(value))


def _compact(value: Any) -> Any:
    """46439.0 as 46439: the same number to Sheets, two bytes fewer on the wire."""
    if value.__class__ is float and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


# -- helpers -----------------------------------------------------------------------------------


def _sheet_meta(sheet: dict[str, Any], values: list[list[Any]]) -> SheetMeta:
    props = sheet["properties"]
    grid_props = props.get("gridProperties", {})
    grid = merge_grid(sheet, values)
    return SheetMeta(
        sheet_id=int(props["sheetId"]),
        title=str(props["title"]),
        rows=int(grid_props.get("rowCount", 0)),
        cols=int(grid_props.get("columnCount", 0)),
        grid=grid,
        charts=[int(c["chartId"]) for c in sheet.get("charts", []) or [] if "chartId" in c],
        protected=any(p.get("description") == PROTECTION
                      for p in sheet.get("protectedRanges", []) or []),
        marked=any(m.get("metadataKey") == OWNED_TAB_MARK
                   for m in sheet.get("developerMetadata", []) or []),
        mark=next((str(m.get("metadataValue", "")) for m in sheet.get("developerMetadata", []) or []
                   if m.get("metadataKey") == OWNED_TAB_MARK), ""),
    )


def _next_to_contacts(order: list[str], ids: dict[str, int], tab_names: dict[str, str],
                      contacts: str) -> list[dict[str, Any]]:
    """Move Today (then Greetings) right after Contacts, as the Excel store places them."""
    requests = []
    for position, key in enumerate(("today", "greetings")):
        name = tab_names.get(key)
        if name not in order or contacts not in order:
            continue
        target = order.index(contacts) + 1 + position
        if order.index(name) == target:
            continue
        order.remove(name)
        order.insert(target, name)
        requests.append({"updateSheetProperties": {
            "properties": {"sheetId": ids[name], "index": target}, "fields": "index"}})
    return requests


def _link_cell(url: str | None) -> dict[str, Any]:
    """A cell's link property (never a HYPERLINK formula): the URL was built and encoded by
    send_links.py, so no typed text can become a formula."""
    if not url:
        return {}
    return {"userEnteredFormat": {"textFormat": {"link": {"uri": url}}}}


def _value_only(value: Any) -> dict[str, Any]:
    entered = entered_value(value)
    return {"userEnteredValue": entered} if entered is not None else {}


def _is_date(value: Any) -> bool:
    return isinstance(value, date)


def with_late_ticks(today: Table, copy: Table) -> Table:
    """Today as read, plus the ticks (with their Outcome and Notes) that reached Today after the
    last sync's re-read but before its rewrite: they are in the copy that sync took. A ticked
    row of the copy marks its row on Today (same contact, touchpoint and due date) as ticked,
    or is added when Today no longer has it; harvesting logs each tick once either way."""
    columns, copied = column_keys("today", today.headers), column_keys("today", copy.headers)
    if not {"done", "contact_id", "touchpoint"} <= set(columns) & set(copied):
        return today

    def cell(values: list[Any], at: dict[str, int], key: str) -> Any:
        return values[at[key]] if key in at and at[key] < len(values) else ""

    def ident(values: list[Any], at: dict[str, int]) -> tuple[str, ...]:
        return tuple(_norm(cell(values, at, k)) for k in ("contact_id", "touchpoint", "due"))

    rows = [(row, list(values)) for row, values in today.rows]
    index = {ident(values, columns): values for _, values in rows}
    extra_row = max([r for r, _ in rows] + [today.header_row]) + 1
    for _, old in copy.rows:
        if _norm(cell(old, copied, "done")) != "TRUE":
            continue
        target = index.get(ident(old, copied))
        if target is None:
            target = [""] * len(today.headers)
            for key, col in columns.items():
                if col < len(target):
                    target[col] = cell(old, copied, key)
            rows.append((extra_row, target))
            extra_row += 1
            continue
        for key in PERSON_TODAY_COLUMNS:
            if key in columns and columns[key] < len(target) and _norm(cell(old, copied, key)):
                target[columns[key]] = cell(old, copied, key)
    return Table(today.name, today.header_row, today.headers, rows)


def _changed(write: ContactWrite, current: dict[int, list[Any]], positions: dict[str, int]
             ) -> bool:
    values = current.get(write.locator.row, [])
    return bool(write.assign_id) or any(
        not same_value(values[positions[k]] if positions[k] < len(values) else None, v)
        for k, v in write.values.items()
    )


def _check_today_unchanged(today: Table, fresh: list[list[Any]]) -> None:
    """A Done tick, Outcome or Notes typed on Today since the read must be seen by the plan."""
    columns = column_keys("today", today.headers)
    watched = [columns[k] for k in PERSON_TODAY_COLUMNS if k in columns]
    before = {row: values for row, values in today.rows}
    height = max([len(fresh), *before]) if before else len(fresh)
    for row in range(today.header_row + 1, height + 1):
        old = before.get(row, [])
        new = fresh[row - 1] if row - 1 < len(fresh) else []
        for col in watched:
            if not _same_typed(_at(old, col), _at(new, col)):
                raise WorkbookChanged(
                    "someone edited the Today tab while it was being synced",
                    "run sync again")


def _place(writes: list[ContactWrite], ids: list[Any], names: list[Any], first: int,
           location: str) -> dict[str, int]:
    """Contact key -> the sheet row it is on now, found by its ID (or, for a blank ID, by its
    name on a row whose ID is still blank). A contact that cannot be placed means rows were
    deleted or IDs typed since the read: WorkbookChanged, so the sync plans again."""
    by_id: dict[str, list[int]] = {}
    for offset, value in enumerate(ids):
        if str(value).strip():
            by_id.setdefault(id_key(value), []).append(first + offset)
    placed: dict[str, int] = {}
    taken: set[int] = set()
    for write in writes:
        where = write.locator
        if where.id.strip():
            # A duplicated ID (an Issue already) has several rows: keep each on its own.
            candidates = [r for r in by_id.get(id_key(where.id), []) if r not in taken]
        else:
            candidates = [
                first + n for n, name in enumerate(names)
                if str(name).strip() == where.name.strip()
                and not str(ids[n] if n < len(ids) else "").strip()
                and first + n not in taken
            ]
        row = where.row if where.row in candidates else (candidates[0] if candidates else None)
        if row is None or row in taken:
            raise WorkbookChanged(
                f"rows of {location} were deleted or edited while it was being synced "
                # The ID or the row, never the name: this line reaches the worker's log.
                f"(cannot find {where.id or f'the contact of row {where.row}'} again)",
                "run sync again")
        placed[write.key] = row
        taken.add(row)
    return placed


def _same_typed(old: Any, new: Any) -> bool:
    return _norm(old) == _norm(new)


def _norm(value: Any) -> str:
    """A Today cell as a person sees it: an unticked box and a blank cell are both empty."""
    if value is True:
        return "TRUE"
    if value in (None, "", False):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _at(values: list[Any], col: int) -> Any:
    return values[col] if col < len(values) else ""


def _trim(grid: list[list[Any]], convert: Any) -> list[list[Any]]:
    rows = [[convert(v) for v in row] for row in grid]
    for row in rows:
        while row and row[-1] in ("", None):
            row.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _grid(sheet_id: int, row0: int, row1: int, col0: int, col1: int) -> dict[str, int]:
    return {"sheetId": sheet_id, "startRowIndex": row0, "endRowIndex": row1,
            "startColumnIndex": col0, "endColumnIndex": col1}


def _a1(col: int, row: int) -> str:
    return f"{col_letter(col)}{row}"


def _quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _column_range(tab: str, col: int, first: int) -> str:
    letters = col_letter(col)
    return f"{_quote(tab)}!{letters}{first}:{letters}"


def _chunks(data: list[dict[str, Any]], limit: int) -> list[list[dict[str, Any]]]:
    """Items in order, grouped so each group's compact JSON stays under `limit` bytes (an item
    larger than that goes alone)."""
    chunks: list[list[dict[str, Any]]] = [[]]
    size = 0
    for item in data:
        cost = len(json.dumps(item, separators=(",", ":"), ensure_ascii=False).encode()) + 1
        if chunks[-1] and size + cost > limit:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += cost
    return [c for c in chunks if c]


def create_spreadsheet(client: SheetsClient, title: str) -> SheetLocation:
    """A new, empty spreadsheet owned by the credentials' account."""
    response = client.call("write", "a new Google Sheet", lambda: client.http.request(
        "post", "https://sheets.googleapis.com/v4/spreadsheets",
        json={"properties": {"title": title}}))
    return SheetLocation(str(response.json()["spreadsheetId"]))


def fill_with_workbook(client: SheetsClient, sheet: SheetLocation, workbook: Any) -> None:
    """Give an empty spreadsheet the tabs of a starter workbook (one read, one write)."""
    from sheets_sync.stores.gsheets.upload import starter_requests

    what = f"Google Sheet {sheet.key}"
    body = client.call("read", what, lambda: client.http.spreadsheets_get(
        sheet.key, params={"fields": "sheets(properties(sheetId,title),"
                                     "data.rowData.values.effectiveValue)"}))
    requests = starter_requests(workbook, body.get("sheets", []))
    client.call("write", what, lambda: client.http.batch_update(
        sheet.key, {"requests": requests}))


def client_for(config: dict[str, Any]) -> SheetsClient:
    google = config["google"]
    return SheetsClient(load_identity(google["credentials_file"] or None), base=api_base(),
                        timeout=float(google["timeout_seconds"]),
                        budget_seconds=float(google["retry_budget_seconds"]),
                        first_wait=float(google["retry_first_wait_seconds"]))
