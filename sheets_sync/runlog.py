"""What the worker leaves behind: a rotating log (one line per run per workbook, no phone numbers
or e-mail addresses) and a JSON status file (last success and last error per workbook)."""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import logging.handlers
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from sheets_sync.core.text_safety import terminal_text
from sheets_sync.locks import FileLock

LOGGER_NAME = "sheets_sync.worker"

# ---------------------------------------------------------------------------------------------
# Scrubbing. The first rule is structural: the worker logs counts, keys and the tool's own
# sentences, never cell text (worker.py logs an unexpected exception by its type and place only).
# This is the second net, for what those sentences quote (a file name, a tab name): anything
# shaped like an e-mail address or a phone number is replaced. False positives (a long order
# number) are acceptable; a leaked number is not.

_ADDRESS_CHAR = r"[^\s@\uff20<>()\[\]{}\"',;:]"
# A local part may be quoted ("mei tan"@example.com) and the @ full-width (＠).
_EMAIL = re.compile(rf'(?:"[^"\r\n]*"|{_ADDRESS_CHAR}+)[@\uff20]{_ADDRESS_CHAR}+')
# A run of digits with the separators people type in phone numbers: spaces (the ideographic one
# too), brackets, dots, slashes and every dash — hyphen, U+2010 hyphen, en and em dash, minus,
# full-width forms. \d also matches full-width and other Unicode digits, which CJK users type.
_SEPARATORS = "\\s().\\-/\u2010-\u2015\u2212\ufe63\uff08\uff09\uff0d\uff0e\uff0f\u30fc"
_PHONE_RUN = re.compile(rf"[+\uff0b]?[(\uff08]?\d[\d{_SEPARATORS}]*\d")
_MIN_PHONE_DIGITS = 7  # shorter runs are row numbers, counts, years, times
# Dates are not phone numbers; keep them so "bad date 2026-13-40" stays useful.
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")


def scrub(text: str) -> str:
    """Replace e-mail addresses with <email> and phone-like digit runs with <phone>."""
    text = _EMAIL.sub("<email>", text)
    return _PHONE_RUN.sub(_phone_or_keep, text)


def _phone_or_keep(match: re.Match[str]) -> str:
    run = match.group(0)
    if sum(ch.isdigit() for ch in run) < _MIN_PHONE_DIGITS:
        return run
    if _DATE.fullmatch(run.strip()):
        return run
    # A date followed by more digits ("2026-03-08 10") is not a date: scrub, to stay safe.
    return "<phone>"


class ScrubbingFormatter(logging.Formatter):
    """Scrubs the message and any traceback of every record, whoever logged it.

    Timestamps are ISO 8601 in the office time zone so the admin reads local times."""

    def __init__(self, zone: tzinfo | None = None) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s")
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = datetime.fromtimestamp(record.created, self.zone) if self.zone else \
            datetime.fromtimestamp(record.created).astimezone()
        return stamp.isoformat(timespec="seconds")

    def format(self, record: logging.LogRecord) -> str:
        record = copy.copy(record)  # other handlers must still see the original
        # One line, no escape sequences (a tab name may hold them): the log is read in terminals.
        record.msg = scrub(terminal_text(record.getMessage()))
        record.args = None
        if record.exc_info:
            record.exc_text = scrub(self.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return super().format(record)


def setup_logging(log_file: Path, max_bytes: int, backups: int,
                  zone: tzinfo | None = None) -> logging.Logger:
    """The worker's logger, writing only to the rotating file (re-entrant: replaces handlers)."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(LOGGER_NAME)
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8")
    handler.setFormatter(ScrubbingFormatter(zone))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the log file is the record; keep it off the root logger/stderr
    return logger


def close_logging() -> None:
    logger = logging.getLogger(LOGGER_NAME)
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()


def _quote(value: Any) -> str:
    text = str(value)
    if not text or re.search(r'[\s"=]', text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def run_line(**fields: Any) -> str:
    """`key=value` pairs in a fixed order, quoted when needed: easy to grep and to parse."""
    return " ".join(f"{key}={_quote(value)}" for key, value in fields.items() if value is not None)


# ---------------------------------------------------------------------------------------------
# Status file.


@dataclass
class RunOutcome:
    """One run of one workbook, as the status file records it."""

    kind: str  # "nightly" or "light"
    result: str  # "ok", "error", "busy"
    at: str  # ISO 8601 start time, with offset
    seconds: float = 0.0
    contacts: int | None = None
    touchpoints_due: int | None = None
    issues: int | None = None
    message: str = ""  # scrubbed, for errors and busy


class StatusFile:
    """JSON status, written atomically (temp file + os.replace) under a short lock so two workers
    updating it at once do not lose each other's entries."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock_path = path.with_name(path.name + ".lock")

    def read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return _empty()
        except (OSError, ValueError):
            # A corrupt status file must not stop the worker; it is rebuilt on the next run.
            return _empty()
        if not isinstance(data, dict) or not isinstance(data.get("workbooks"), dict):
            return _empty()
        return data

    @contextmanager
    def _locked(self) -> Iterator[None]:
        lock = FileLock(self._lock_path, "status")
        lock.acquire(timeout=10.0)
        try:
            yield
        finally:
            lock.release()

    def update(self, change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        """Read, apply `change` in place, write atomically. Returns the new content."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._locked():
            data = self.read()
            change(data)
            _atomic_write(self.path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return data

    def record(self, key: str, name: str, outcome: RunOutcome) -> None:
        def change(data: dict[str, Any]) -> None:
            book = data["workbooks"].setdefault(status_key(key), {})
            book["name"] = scrub(name)
            entry = {k: v for k, v in outcome.__dict__.items() if v not in (None, "")}
            entry["message"] = scrub(outcome.message) if outcome.message else None
            entry = {k: v for k, v in entry.items() if v is not None}
            book["last_run"] = entry
            if outcome.result == "ok":
                book["last_success"] = entry
                book["consecutive_failures"] = 0
            elif outcome.result == "error":
                book["last_error"] = entry
                book["consecutive_failures"] = int(book.get("consecutive_failures", 0)) + 1
            if outcome.kind == "nightly" and outcome.result in ("ok", "error"):
                # A nightly round that ran (even if it failed after its retries) is not "missed";
                # catch-up is for rounds that never happened (machine asleep, worker stopped).
                book["last_nightly"] = outcome.at

        self.update(change)

    def last_nightly(self, key: str) -> datetime | None:
        value = self.entry(key).get("last_nightly")
        try:
            stamp = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None
        return stamp if stamp is not None and stamp.tzinfo is not None else None

    def entry(self, key: str) -> dict[str, Any]:
        """What the status file holds for the workbook `key` ({} when nothing yet)."""
        found = self.read()["workbooks"].get(status_key(key), {})
        return found if isinstance(found, dict) else {}

    def set_worker(self, **fields: Any) -> None:
        def change(data: dict[str, Any]) -> None:
            data["worker"] = {**data.get("worker", {}), **fields}

        self.update(change)


def status_key(key: str) -> str:
    """The workbook's key as the status file stores it: its location, scrubbed (a file may be
    named after a contact's phone number), with a short hash when scrubbing changed it so two
    such files never share an entry."""
    clean = scrub(key)
    if clean == key:
        return key
    return f"{clean}#{hashlib.sha256(key.encode('utf-8')).hexdigest()[:10]}"


def _empty() -> dict[str, Any]:
    return {"version": 1, "worker": {}, "workbooks": {}}


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            # mkstemp makes the file 0600; the status holds no contact data and the admin running
            # `sheets-sync status` is often not the service user, so make it readable.
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o644)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ---------------------------------------------------------------------------------------------
# `sheets-sync status`.

STATUS_COLUMNS = ("Workbook", "Last run", "Result", "Last success", "Contacts", "Due", "Issues",
                  "Last error")


def _short(stamp: Any) -> str:
    """'2026-03-08T02:30:04-05:00' -> '2026-03-08 02:30' (the office's local time)."""
    if not isinstance(stamp, str):
        return "—"
    try:
        return datetime.fromisoformat(stamp).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def status_rows(data: dict[str, Any]) -> list[tuple[str, ...]]:
    rows = []
    for key, book in sorted(data.get("workbooks", {}).items(),
                            key=lambda item: str(item[1].get("name", item[0])).lower()):
        last = book.get("last_run", {})
        ok = book.get("last_success", {})
        err = book.get("last_error", {})
        result = last.get("result", "—")
        if result == "error" and book.get("consecutive_failures", 0) > 1:
            result = f"error ×{book['consecutive_failures']}"
        error = f"{_short(err.get('at'))} {err.get('message', '')}".strip() if err else "—"
        rows.append((
            str(book.get("name", key)),
            _short(last.get("at")) + (f" ({last['kind']})" if last.get("kind") else ""),
            result,
            _short(ok.get("at")),
            str(ok.get("contacts", "—")),
            str(ok.get("touchpoints_due", "—")),
            str(ok.get("issues", "—")),
            error,
        ))
    return rows


def format_status(data: dict[str, Any], width: int = 120) -> str:
    """The status file as a plain-text table (the error column is cut to fit `width`)."""
    lines = []
    worker = data.get("worker", {})
    if worker:
        state = worker.get("state", "?")
        bits = [f"worker: {state}"]
        if worker.get("pid"):
            bits.append(f"pid {worker['pid']} on {worker.get('host', '?')}")
        if worker.get("next_nightly") and state not in ("stopped",):
            bits.append(f"next nightly {_short(worker['next_nightly'])}")
        if worker.get("next_light") and state not in ("stopped",):
            bits.append(f"next light {_short(worker['next_light'])}")
        if worker.get("updated"):
            bits.append(f"updated {_short(worker['updated'])}")
        lines.append(", ".join(bits))
    rows = status_rows(data)
    if not rows:
        lines.append("No workbook has been synced yet.")
        return "\n".join(lines)
    table = [STATUS_COLUMNS, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(STATUS_COLUMNS) - 1)]
    room = max(20, width - sum(widths) - 2 * (len(widths)))
    for row in table:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        last = row[-1] if len(row[-1]) <= room else row[-1][: room - 1] + "…"
        lines.append("  ".join([*cells, last]).rstrip())
    return "\n".join(lines)
