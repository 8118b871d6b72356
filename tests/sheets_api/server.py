"""A local HTTP server speaking the part of Sheets API v4 (and Drive v3) a sheets store uses.

Paths are Google's (/v4/spreadsheets/...; /drive/v3/files...), so real gspread talks to it over
real HTTP once its session rewrites the Google host prefixes (sheets_sync.stores.gsheets.client).
Test controls live on the server object and, for a standalone process, under /_test/.

    python -m tests.sheets_api.server --port 8765
"""

from __future__ import annotations

import argparse
import gzip
import json
import secrets
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import gspread

from sheets_sync.stores.gsheets.client import client_for_endpoint

from .a1 import format_range
from .batch import apply_batch
from .controls import Clock, Faults, Hooks, LoggedRequest, Quota, RequestLog
from .datafilter import filter_boxes, metadata_for_filter
from .model import ApiError, Spreadsheet, bad
from .person import Person
from .resource import apply_mask, parse_mask, spreadsheet_json, sub_mask
from .valueops import append_values, clear_box, read_box, write_values

SHEETS_MIME = "application/vnd.google-apps.spreadsheet"
READ_SUFFIXES = (":getByDataFilter", "values:batchGetByDataFilter", "developerMetadata:search")
STATUS_TEXT = {500: "INTERNAL", 503: "UNAVAILABLE", 502: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}
# Google's front end refuses a larger request body ("Request payload size exceeds the limit:
# 10485760 bytes.", 400 INVALID_ARGUMENT); the Sheets reference documents no size, only a 2 MB
# recommendation, but the refusal is what callers meet.
MAX_REQUEST_BYTES = 10_485_760
FAULT_MESSAGES = {
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}


class SheetsApiServer:
    """State plus an HTTP front; use as a context manager or start()/stop()."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.clock = Clock()
        self.quota = Quota(self.clock)
        self.faults = Faults()
        self.log = RequestLog()
        self.hooks = Hooks()
        self.latency = 0.0  # seconds each API request waits before it is served (benchmarks)
        self.max_request_bytes = MAX_REQUEST_BYTES
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self.lock = threading.RLock()
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SheetsApiServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> SheetsApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        """Forget every spreadsheet, request, fault, hook and quota use."""
        with self.lock:
            self.spreadsheets.clear()
        self.log.clear()
        self.faults.clear()
        self.hooks.clear()
        self.quota.reset()
        self.latency = 0.0
        self.max_request_bytes = MAX_REQUEST_BYTES

    # -- test-side helpers (no request is logged) -------------------------------------------

    def create_spreadsheet(
        self, title: str = "Untitled spreadsheet", sheets: list[dict] | None = None
    ) -> str:
        ss = Spreadsheet(_new_spreadsheet_id(), title)
        for props in sheets or [{"title": "Sheet1"}]:
            ss.add_sheet(props)
        with self.lock:
            self.spreadsheets[ss.id] = ss
        return ss.id

    def spreadsheet(self, spreadsheet_id: str) -> Spreadsheet:
        with self.lock:
            return self.spreadsheets[spreadsheet_id]

    def edit(self, spreadsheet_id: str, change: Callable[[Spreadsheet], Any]) -> Any:
        """Apply a change atomically (on a copy, swapped in when it succeeds)."""
        with self.lock:
            work = self.spreadsheets[spreadsheet_id].copy()
            result = change(work)
            self.spreadsheets[spreadsheet_id] = work
            return result

    def person(self, spreadsheet_id: str) -> Person:
        return Person(lambda change: self.edit(spreadsheet_id, change))

    def seed(
        self,
        spreadsheet_id: str,
        range_text: str,
        rows: list[list[Any]],
        value_input_option: str = "USER_ENTERED",
    ) -> None:
        """Put values in place without a request (a sheet as a person left it)."""
        self.edit(
            spreadsheet_id,
            lambda ss: write_values(ss, range_text, rows, "ROWS", value_input_option),
        )

    def client(self) -> gspread.Client:
        """A real gspread client whose requests come here."""
        client = client_for_endpoint(self.base_url)
        client.set_timeout(30)
        return client

    def unshare(self, spreadsheet_id: str) -> None:
        """The caller loses access: every request for it answers 403 PERMISSION_DENIED."""
        with self.lock:
            self.spreadsheets[spreadsheet_id].shared = False

    def on_request(
        self,
        path_contains: str,
        action: Callable[[SheetsApiServer], None],
        *,
        method: str | None = None,
        times: int = 1,
        skip: int = 0,
    ) -> None:
        """Run action(server) when a matching request arrives, before it is served; the first
        `skip` matching requests pass untouched."""
        self.hooks.add(path_contains, action, method=method, times=times, skip=skip)

    # -- request handling -------------------------------------------------------------------

    def handle(
        self, method: str, url: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(url)
        raw_path = parts.path
        query = parse_qs(parts.query, keep_blank_values=True)
        if raw_path.startswith("/_test/"):
            return self._control(method, raw_path, body)
        if raw_path == "/token":  # an OAuth token endpoint, for key files whose token_uri is here
            token = {"access_token": "local-token", "token_type": "Bearer", "expires_in": 3600}
            return 200, {}, json.dumps(token).encode("utf-8")
        kind = _kind(method, raw_path)
        user = (query.get("quotaUser") or [headers.get("authorization") or "anonymous"])[0]
        entry = LoggedRequest(
            method, unquote(raw_path), query, kind, user, self.clock.now(), len(body)
        )
        self.log.add(entry)
        if self.latency:
            time.sleep(self.latency)
        extra: dict[str, str] = {}
        try:
            if len(body) > self.max_request_bytes:
                limit = self.max_request_bytes
                raise bad(f"Request payload size exceeds the limit: {limit} bytes.")
            fault = self.faults.next()
            if fault and not fault.after_apply:
                raise ApiError(
                    fault.status,
                    FAULT_MESSAGES.get(fault.status, "Backend Error"),
                    STATUS_TEXT.get(fault.status, "INTERNAL"),
                )
            if kind != "drive":
                refused = self.quota.take(user, kind)
                if refused is not None:
                    wait, scope = refused
                    extra["Retry-After"] = str(int(wait))
                    metric = "Read requests" if kind == "read" else "Write requests"
                    limit = f"{metric} per minute" + (" per user" if scope == "user" else "")
                    raise ApiError(
                        429,
                        f"Quota exceeded for quota metric '{metric}' and limit '{limit}' of "
                        "service 'sheets.googleapis.com' for consumer 'project_number:0'.",
                        "RESOURCE_EXHAUSTED",
                    )
            for action in self.hooks.due(method, entry.path):
                action(self)
            payload = json.loads(body) if body.strip() else {}
            status, result = self._route(method, raw_path, query, payload)
            if fault and fault.after_apply:
                raise ApiError(
                    fault.status,
                    FAULT_MESSAGES.get(fault.status, "Backend Error"),
                    STATUS_TEXT.get(fault.status, "INTERNAL"),
                )
        except ApiError as exc:
            status, result = exc.code, exc.body()
        except json.JSONDecodeError as exc:
            status, result = 400, bad(f"Invalid JSON payload received. {exc}").body()
        except Exception as exc:  # a server bug must still answer, in Google's shape
            status = 500
            result = ApiError(500, f"Internal error encountered. ({exc!r})", "INTERNAL").body()
        # compact JSON always (Google pretty-prints unless prettyPrint=false; see docs/design.md)
        out = (
            b""
            if status == 204
            else json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()
        )
        entry.json_out = len(out)
        if out and _asks_gzip(headers):
            out = gzip.compress(out)
            extra["Content-Encoding"] = "gzip"
        entry.status, entry.bytes_out = status, len(out)
        return status, extra, out

    def _route(self, method: str, raw_path: str, query: dict, payload: dict) -> tuple[int, Any]:
        if raw_path.startswith("/drive/v3/files"):
            return self._drive(method, raw_path, query, payload)
        if not raw_path.startswith("/v4/spreadsheets"):
            raise ApiError(404, f"Method not found: {raw_path}", "NOT_FOUND")
        rest = raw_path[len("/v4/spreadsheets") :]
        if rest == "" and method == "POST":
            return 200, self._create(payload)
        segments = rest.lstrip("/").split("/")
        head = unquote(segments[0])
        spreadsheet_id, _, action = head.partition(":")
        tail = [unquote(s) for s in segments[1:]]
        with self.lock:
            ss = self._open(spreadsheet_id)
            if not tail:
                if method == "GET" and not action:
                    return 200, self._get(ss, query)
                if method == "POST" and action == "batchUpdate":
                    work, response = apply_batch(ss, payload)
                    self.spreadsheets[ss.id] = work
                    if payload.get("includeSpreadsheetInResponse"):
                        response["updatedSpreadsheet"] = spreadsheet_json(work, grid=False)
                    return 200, response
                if method == "POST" and action == "getByDataFilter":
                    return 200, self._get_by_filter(ss, payload)
            elif tail[0].startswith("values"):
                if method == "GET":
                    return 200, self._values(ss, method, tail, query, payload)
                # every values write is all-or-nothing: applied to a copy, swapped in on success
                work = ss.copy()
                result = self._values(work, method, tail, query, payload)
                self.spreadsheets[ss.id] = work
                return 200, result
            elif tail[0].startswith("developerMetadata"):
                return 200, self._metadata(ss, method, tail, payload)
        raise ApiError(404, f"Method not found: {method} {raw_path}", "NOT_FOUND")

    def _open(self, spreadsheet_id: str) -> Spreadsheet:
        ss = self.spreadsheets.get(spreadsheet_id)
        if ss is None:
            raise ApiError(404, "Requested entity was not found.", "NOT_FOUND")
        if not ss.shared:
            raise ApiError(403, "The caller does not have permission", "PERMISSION_DENIED")
        return ss

    def _create(self, payload: dict) -> dict:
        title = (payload.get("properties") or {}).get("title") or "Untitled spreadsheet"
        ss = Spreadsheet(_new_spreadsheet_id(), title)
        for key, value in (payload.get("properties") or {}).items():
            ss.properties[key] = value
        for sheet in payload.get("sheets") or [{"properties": {"title": "Sheet1"}}]:
            ss.add_sheet(sheet.get("properties") or {})
        with self.lock:
            self.spreadsheets[ss.id] = ss
        return spreadsheet_json(ss, grid=False)

    def _get(self, ss: Spreadsheet, query: dict) -> dict:
        fields = (query.get("fields") or [""])[0]
        ranges = query.get("ranges") or []
        if fields:
            mask = parse_mask(fields)
            data_mask = sub_mask(mask, "sheets", "data")
            grid = data_mask is not False
            doc = spreadsheet_json(
                ss, grid=grid, ranges=ranges, data_mask=data_mask if grid else None
            )
            # grid data is cut to the mask while it is built; the rest is cut here
            datas = [sheet.pop("data", None) for sheet in doc["sheets"]]
            doc = apply_mask(doc, mask)
            for sheet, data in zip(doc.get("sheets", []), datas, strict=False):
                if data is not None:
                    sheet["data"] = data
            return doc
        grid = (query.get("includeGridData") or ["false"])[0].lower() == "true"
        return spreadsheet_json(ss, grid=grid, ranges=ranges)

    def _get_by_filter(self, ss: Spreadsheet, payload: dict) -> dict:
        ranges = [b.a1() for f in payload.get("dataFilters") or [] for b in filter_boxes(ss, f)]
        return spreadsheet_json(
            ss, grid=bool(payload.get("includeGridData")), ranges=ranges or None
        )

    def _values(
        self, ss: Spreadsheet, method: str, tail: list[str], query: dict, payload: dict
    ) -> dict:
        def q(name: str, default: str = "") -> str:
            return (query.get(name) or [default])[0]

        first = tail[0]
        if first == "values" and len(tail) == 2:
            target = tail[1]
            if method == "GET":
                return read_box(
                    ss,
                    ss.box(target),
                    q("valueRenderOption", "FORMATTED_VALUE"),
                    q("dateTimeRenderOption", "SERIAL_NUMBER"),
                    q("majorDimension", "ROWS"),
                )
            echo = _flag(q("includeValuesInResponse"))
            render = (
                q("responseValueRenderOption", "FORMATTED_VALUE"),
                q("responseDateTimeRenderOption", "SERIAL_NUMBER"),
            )
            if method == "PUT":
                _check_body_range(payload, target)
                response = write_values(
                    ss,
                    target,
                    payload.get("values"),
                    payload.get("majorDimension"),
                    q("valueInputOption"),
                )
                return _echo(ss, response, render) if echo else response
            if method == "POST" and target.endswith(":append"):
                response = append_values(
                    ss,
                    target[: -len(":append")],
                    payload.get("values"),
                    payload.get("majorDimension"),
                    q("valueInputOption"),
                    q("insertDataOption"),
                )
                if echo:
                    _echo(ss, response["updates"], render)
                return response
            if method == "POST" and target.endswith(":clear"):
                box = ss.box(target[: -len(":clear")])
                clear_box(box)
                return {"spreadsheetId": ss.id, "clearedRange": box.a1()}
        action = first.partition(":")[2]
        if method == "GET" and action == "batchGet":
            return {
                "spreadsheetId": ss.id,
                "valueRanges": [
                    read_box(
                        ss,
                        ss.box(r),
                        q("valueRenderOption", "FORMATTED_VALUE"),
                        q("dateTimeRenderOption", "SERIAL_NUMBER"),
                        q("majorDimension", "ROWS"),
                    )
                    for r in query.get("ranges") or []
                ],
            }
        if method == "POST" and action == "batchUpdate":
            return self._batch_values(ss, payload)
        if method == "POST" and action == "batchClear":
            cleared = []
            for text in payload.get("ranges") or []:
                box = ss.box(text)
                clear_box(box)
                cleared.append(box.a1())
            return {"spreadsheetId": ss.id, "clearedRanges": cleared}
        if method == "POST" and action == "batchGetByDataFilter":
            matched = []
            for data_filter in payload.get("dataFilters") or []:
                for box in filter_boxes(ss, data_filter):
                    matched.append(
                        {
                            "valueRange": read_box(
                                ss,
                                box,
                                payload.get("valueRenderOption", "FORMATTED_VALUE"),
                                payload.get("dateTimeRenderOption", "SERIAL_NUMBER"),
                                payload.get("majorDimension", "ROWS"),
                            ),
                            "dataFilters": [data_filter],
                        }
                    )
            result: dict[str, Any] = {"spreadsheetId": ss.id}
            if matched:
                result["valueRanges"] = matched
            return result
        if method == "POST" and action == "batchUpdateByDataFilter":
            return self._batch_values_by_filter(ss, payload)
        if method == "POST" and action == "batchClearByDataFilter":
            cleared = []
            for data_filter in payload.get("dataFilters") or []:
                for box in filter_boxes(ss, data_filter):
                    clear_box(box)
                    cleared.append(box.a1())
            return {"spreadsheetId": ss.id, "clearedRanges": cleared}
        raise ApiError(404, f"Method not found: {method} values/{'/'.join(tail)}", "NOT_FOUND")

    def _batch_values(self, ss: Spreadsheet, payload: dict) -> dict:
        work = ss
        responses = []
        for item in payload.get("data") or []:
            responses.append(
                write_values(
                    work,
                    item.get("range", ""),
                    item.get("values"),
                    item.get("majorDimension"),
                    payload.get("valueInputOption"),
                )
            )
        if not payload.get("data"):
            write_values(work, "A1", [], None, payload.get("valueInputOption"))
        if _flag(payload.get("includeValuesInResponse")):
            render = (
                payload.get("responseValueRenderOption", "FORMATTED_VALUE"),
                payload.get("responseDateTimeRenderOption", "SERIAL_NUMBER"),
            )
            for response in responses:
                _echo(work, response, render)
        return _totals(ss.id, responses)

    def _batch_values_by_filter(self, ss: Spreadsheet, payload: dict) -> dict:
        work = ss
        responses = []
        for item in payload.get("data") or []:
            data_filter = item.get("dataFilter") or {}
            for box in filter_boxes(work, data_filter):
                values = item.get("values") or []
                rows = (
                    values
                    if item.get("majorDimension") != "COLUMNS"
                    else [
                        [col[i] if i < len(col) else None for col in values]
                        for i in range(max((len(c) for c in values), default=0))
                    ]
                )
                height, width = len(rows), max((len(r) for r in rows), default=0)
                if height > box.end_row - box.start_row or width > box.end_col - box.start_col:
                    raise bad(f"The values exceed the range {box.a1()} matched by the data filter.")
                start = format_range(
                    box.sheet.title, box.start_row, box.end_row, box.start_col, box.end_col
                )
                response = write_values(work, start, rows, "ROWS", payload.get("valueInputOption"))
                response.pop("spreadsheetId", None)
                response["dataFilter"] = data_filter
                responses.append(response)
        if not payload.get("valueInputOption"):
            raise bad("'valueInputOption' is required but not specified")
        return _totals(ss.id, responses)

    def _metadata(self, ss: Spreadsheet, method: str, tail: list[str], payload: dict) -> dict:
        if method == "GET" and len(tail) == 2 and tail[0] == "developerMetadata":
            try:
                meta = ss.metadata_by_id(int(tail[1]))
            except ValueError:
                meta = None
            if meta is None:
                raise ApiError(404, f"No developer metadata with ID: {tail[1]}", "NOT_FOUND")
            return meta
        if method == "POST" and tail == ["developerMetadata:search"]:
            matched = []
            seen: dict[int, dict] = {}
            for data_filter in payload.get("dataFilters") or []:
                for meta in metadata_for_filter(ss, data_filter):
                    if meta["metadataId"] in seen:
                        seen[meta["metadataId"]]["dataFilters"].append(data_filter)
                        continue
                    item = {"developerMetadata": meta, "dataFilters": [data_filter]}
                    seen[meta["metadataId"]] = item
                    matched.append(item)
            return {"matchedDeveloperMetadata": matched} if matched else {}
        raise ApiError(404, f"Method not found: developerMetadata {method}", "NOT_FOUND")

    # -- Drive: the minimum gspread's create/open/list/permissions use -------------------------

    def _drive(self, method: str, raw_path: str, query: dict, payload: dict) -> tuple[int, Any]:
        segments = [
            unquote(s) for s in raw_path[len("/drive/v3/files") :].strip("/").split("/") if s
        ]
        with self.lock:
            if not segments and method == "POST":
                if payload.get("mimeType") != SHEETS_MIME:
                    raise bad("Only Google Sheets files can be created here")
                ss = Spreadsheet(
                    _new_spreadsheet_id(), payload.get("name") or "Untitled spreadsheet"
                )
                ss.add_sheet({"title": "Sheet1"})
                self.spreadsheets[ss.id] = ss
                return 200, _drive_file(ss)
            if not segments and method == "GET":
                q = (query.get("q") or [""])[0]
                files = [_drive_file(ss) for ss in self.spreadsheets.values() if ss.shared]
                if 'name = "' in q:
                    name = q.split('name = "', 1)[1].rsplit('"', 1)[0]
                    files = [f for f in files if f["name"] == name]
                return 200, {"kind": "drive#fileList", "files": files}
            ss = self._open(segments[0])
            if len(segments) == 1 and method == "GET":
                return 200, _drive_file(ss)
            if len(segments) == 1 and method == "DELETE":
                del self.spreadsheets[ss.id]
                return 204, {}
            if segments[1:] == ["permissions"] and method == "GET":
                return 200, {
                    "permissions": [
                        {
                            "id": "owner",
                            "type": "user",
                            "role": "owner",
                            "emailAddress": "owner@example.com",
                        }
                    ]
                }
        raise ApiError(404, f"Method not found: Drive {method} {raw_path}", "NOT_FOUND")

    # -- /_test/ controls for a standalone process -------------------------------------------

    def _control(self, method: str, path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        payload = json.loads(body) if body.strip() else {}
        name = path[len("/_test/") :]
        result: Any = {}
        if name == "log" and method == "GET":
            result = self.log.summary()
        elif name == "log" and method == "DELETE":
            self.log.clear()
        elif name == "reset" and method == "POST":
            self.reset()
        elif name == "spreadsheets" and method == "POST":
            result = {
                "spreadsheetId": self.create_spreadsheet(
                    payload.get("title", "Untitled spreadsheet"), payload.get("sheets")
                )
            }
        elif name == "quota" and method == "POST":
            self.quota.enabled = payload.get("enabled", self.quota.enabled)
            self.quota.limits.update({k: payload[k] for k in ("read", "write") if k in payload})
        elif name == "faults" and method == "POST":
            self.faults.fail_next(
                payload.get("count", 1),
                payload.get("status", 503),
                after_apply=payload.get("afterApply", False),
            )
        elif name == "seed" and method == "POST":
            self.seed(
                payload["spreadsheetId"],
                payload["range"],
                payload["values"],
                payload.get("valueInputOption", "USER_ENTERED"),
            )
        elif name == "person" and method == "POST":
            # {"spreadsheetId", "edit": "insert_rows"|"delete_rows"|"sort"|"tick"|"type"|"clear",
            #  "args": {...keyword arguments of that Person method...}}
            person = self.person(payload["spreadsheetId"])
            edit = payload["edit"]
            if edit not in ("insert_rows", "delete_rows", "sort", "tick", "type", "clear"):
                return 400, {}, b'{"error": "unknown edit"}'
            getattr(person, edit)(**payload.get("args", {}))
        elif name == "latency" and method == "POST":
            self.latency = float(payload.get("seconds", 0))
        elif name == "clock" and method == "POST":
            self.clock.advance(float(payload.get("advance", 0)))
        else:
            return 404, {}, b'{"error": "unknown test control"}'
        return 200, {}, json.dumps(result).encode()


def _totals(spreadsheet_id: str, responses: list[dict]) -> dict:
    result: dict[str, Any] = {"spreadsheetId": spreadsheet_id}
    cells = sum(r.get("updatedCells", 0) for r in responses)
    if cells:
        result.update(
            totalUpdatedRows=sum(r.get("updatedRows", 0) for r in responses),
            totalUpdatedColumns=sum(r.get("updatedColumns", 0) for r in responses),
            totalUpdatedCells=cells,
            totalUpdatedSheets=len(
                {r["updatedRange"].rpartition("!")[0] for r in responses if r.get("updatedCells")}
            ),
        )
    result["responses"] = responses
    return result


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _echo(ss: Spreadsheet, response: dict, render: tuple[str, str]) -> dict:
    """includeValuesInResponse: the written range as a read now returns it."""
    if "updatedRange" in response:
        response["updatedData"] = read_box(ss, ss.box(response["updatedRange"]), *render)
    return response


def _check_body_range(payload: dict, target: str) -> None:
    given = payload.get("range")
    if given and given != target:
        raise bad(
            f"Requested writing within range [{target}], but the request body has range [{given}]"
        )


def _drive_file(ss: Spreadsheet) -> dict:
    return {
        "kind": "drive#file",
        "id": ss.id,
        "name": ss.properties["title"],
        "mimeType": SHEETS_MIME,
        "createdTime": "2026-01-01T00:00:00.000Z",
        "modifiedTime": "2026-01-01T00:00:00.000Z",
    }


def _new_spreadsheet_id() -> str:
    return "1" + secrets.token_urlsafe(32)[:43]


def _asks_gzip(headers: dict[str, str]) -> bool:
    """Google compresses an answer when the request accepts gzip *and* its User-Agent contains
    "gzip" (the APIs' performance guide); either alone gets plain JSON."""
    accepts = "gzip" in headers.get("accept-encoding", "").lower()
    return accepts and "gzip" in headers.get("user-agent", "").lower()


def _kind(method: str, raw_path: str) -> str:
    if raw_path.startswith("/drive/"):
        return "drive"
    path = unquote(raw_path)
    if method == "GET" or path.endswith(READ_SUFFIXES):
        return "read"
    return "write"


def _handler_for(server: SheetsApiServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # one write per response and no Nagle delay: keep-alive round trips stay sub-millisecond
        disable_nagle_algorithm = True
        wbufsize = 1 << 16

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, out = server.handle(self.command, self.path, headers, body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(out)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            if out:
                self.wfile.write(out)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # the request log is the record; stderr stays quiet in tests

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-quota", action="store_true", help="serve without request quotas")
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds each request waits, like a round trip"
    )
    args = parser.parse_args(argv)
    server = SheetsApiServer(args.host, args.port)
    server.quota.enabled = not args.no_quota
    server.latency = args.latency
    print(f"SHEETS_SYNC_GOOGLE_API={server.base_url}", flush=True)
    try:
        server._httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server._httpd.server_close()


if __name__ == "__main__":
    main()
