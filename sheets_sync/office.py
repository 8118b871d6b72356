"""The office config: which workbooks the worker syncs, when, and where it logs. Validated once.

The office config is separate from the per-workbook config (config/default.toml + the user's TOML,
see config.py): one office runs several workbooks, each of which may have its own rules file.
"""

from __future__ import annotations

import difflib
import os
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sheets_sync.config import load_config, read_toml
from sheets_sync.errors import ConfigError, UserError
from sheets_sync.locks import default_state_dir

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # index == date.weekday()

GOOGLE_URL = re.compile(r"^https://docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]{20,})")
# A bare Google Sheet key (what sync_workbook also accepts): long, URL-safe, no path separators.
GOOGLE_KEY = re.compile(r"^[A-Za-z0-9_-]{40,}$")

# Every key the office config knows, per table, with its default. None means "no default": the
# key is optional and the code derives a value (e.g. lock_dir beside the status file).
SCHEMA: dict[str, dict[str, Any]] = {
    "schedule": {"timezone": "", "nightly_time": "02:00"},
    "light_sync": {
        "enabled": False,
        "every_minutes": 10,
        "start": "08:30",
        "end": "19:00",
        "days": ["mon", "tue", "wed", "thu", "fri"],
    },
    "retry": {
        "attempts": 3,
        "first_delay_seconds": 60.0,
        "factor": 2.0,
        "max_delay_seconds": 900.0,
    },
    "files": {
        "log_file": None,
        "log_max_bytes": 1_000_000,
        "log_backups": 5,
        "status_file": None,
        "lock_dir": None,
    },
    "google": {"credentials_file": None},
}
TOP_LEVEL = set(SCHEMA) | {"workbooks"}
WORKBOOK_KEYS = {"location": None, "config": None, "name": None}


class OfficeConfigError(ConfigError):
    """The office config has one or more problems; `problems` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more, "run `sheets-sync run --check` to list them all")


@dataclass(frozen=True)
class WorkbookEntry:
    location: str  # an absolute .xlsx path, or the Google Sheet URL/key as written
    config: Path | None  # per-workbook rules file for load_config(); None = defaults
    name: str  # how logs and the status table call it

    @property
    def is_google(self) -> bool:
        return not self.location.lower().endswith(".xlsx")

    @property
    def key(self) -> str:
        """Identity of the book: two spellings of one sheet (URL vs key) share locks and status."""
        if self.is_google:
            match = GOOGLE_URL.match(self.location)
            return "gsheet:" + (match.group(1) if match else self.location)
        return self.location


@dataclass(frozen=True)
class RetrySettings:
    attempts: int  # tries per workbook per nightly round, the first one included
    first_delay_seconds: float
    factor: float
    max_delay_seconds: float


@dataclass(frozen=True)
class LightSync:
    enabled: bool
    every_minutes: int
    start: time
    end: time
    days: frozenset[int]  # date.weekday() numbers


@dataclass(frozen=True)
class OfficeConfig:
    path: Path
    timezone: ZoneInfo
    nightly_time: time
    light: LightSync
    retry: RetrySettings
    workbooks: tuple[WorkbookEntry, ...]
    log_file: Path
    log_max_bytes: int
    log_backups: int
    status_file: Path
    lock_dir: Path
    google_credentials: Path | None


def default_status_file() -> Path:
    return default_state_dir() / "status.json"


def load_office(path: Path) -> OfficeConfig:
    """Read and validate an office config; raises OfficeConfigError listing every problem."""
    office, problems = validate_office(read_toml(path), path)
    if problems or office is None:
        raise OfficeConfigError(problems or [f"{path}: invalid office config"])
    return office


def validate_office(raw: Mapping[str, Any], path: Path) -> tuple[OfficeConfig | None, list[str]]:
    """Check everything at once so `--check` can print every problem, one line each."""
    problems: list[str] = []
    where = path.name

    def problem(text: str) -> None:
        problems.append(f"{where}: {text}")

    for key in raw:
        if key not in TOP_LEVEL:
            problem(_unknown(key, sorted(TOP_LEVEL)))
    tables: dict[str, dict[str, Any]] = {}
    for table, keys in SCHEMA.items():
        given = raw.get(table, {})
        if not isinstance(given, Mapping):
            problem(f"'{table}' must be a table — write [{table}] on its own line")
            given = {}
        for key in given:
            if key not in keys:
                problem(_unknown(key, sorted(keys), prefix=f"{table}."))
        tables[table] = {**keys, **{k: v for k, v in given.items() if k in keys}}

    base = path.resolve().parent  # relative paths are relative to the config, not to cron's cwd

    sched = tables["schedule"]
    zone = _zone(sched["timezone"], problem)
    nightly = _time(sched["nightly_time"], "schedule.nightly_time", problem)

    light_raw = tables["light_sync"]
    enabled = _typed(light_raw["enabled"], bool, "light_sync.enabled", "true or false", problem)
    every = _int(light_raw["every_minutes"], "light_sync.every_minutes", 1, 1440, problem)
    start = _time(light_raw["start"], "light_sync.start", problem)
    end = _time(light_raw["end"], "light_sync.end", problem)
    if start and end and start >= end:
        problem(f"light_sync.start ({start:%H:%M}) must be before light_sync.end ({end:%H:%M})")
    days = _days(light_raw["days"], problem)

    retry_raw = tables["retry"]
    attempts = _int(retry_raw["attempts"], "retry.attempts", 1, 10, problem)
    first = _number(retry_raw["first_delay_seconds"], "retry.first_delay_seconds", problem)
    factor = _number(retry_raw["factor"], "retry.factor", problem)
    if factor is not None and factor < 1:
        problem(f"retry.factor must be 1 or more, got {factor!r}")
    biggest = _number(retry_raw["max_delay_seconds"], "retry.max_delay_seconds", problem)
    if first is not None and biggest is not None and biggest < first:
        problem("retry.max_delay_seconds must not be smaller than retry.first_delay_seconds")

    files = tables["files"]
    state = default_state_dir()
    status_file = _path(files["status_file"], "files.status_file", base, problem)
    status_file = status_file or state / "status.json"
    log_file = _path(files["log_file"], "files.log_file", base, problem) or state / "worker.log"
    lock_dir = _path(files["lock_dir"], "files.lock_dir", base, problem)
    lock_dir = lock_dir or status_file.parent / "locks"
    max_bytes = _int(files["log_max_bytes"], "files.log_max_bytes", 10_000, 10**10, problem)
    backups = _int(files["log_backups"], "files.log_backups", 1, 100, problem)

    creds = _path(tables["google"]["credentials_file"], "google.credentials_file", base, problem)

    workbooks = _workbooks(raw.get("workbooks"), base, problem)

    if problems:
        return None, problems
    assert zone and nightly and start and end and days is not None  # narrowed by "no problems"
    office = OfficeConfig(
        path=path.resolve(),
        timezone=zone,
        nightly_time=nightly,
        light=LightSync(bool(enabled), int(every or 0), start, end, days),
        retry=RetrySettings(int(attempts or 1), float(first or 0), float(factor or 1),
                            float(biggest or 0)),
        workbooks=tuple(workbooks),
        log_file=log_file,
        log_max_bytes=int(max_bytes or 0),
        log_backups=int(backups or 0),
        status_file=status_file,
        lock_dir=lock_dir,
        google_credentials=creds,
    )
    return office, []


def check_reachable(office: OfficeConfig) -> list[str]:
    """Problems that would make a run fail, found without syncing anything. One line each."""
    problems: list[str] = []
    for book in office.workbooks:
        if book.is_google:
            problems += _check_google(book, office)
        else:
            problems += _check_xlsx(book)
        if book.config is not None:
            try:
                load_config(book.config)
            except UserError as exc:
                problems.append(f"{book.name}: {exc}")
    for label, target in (("status file", office.status_file), ("log file", office.log_file),
                          ("lock directory", office.lock_dir / "x")):
        folder = _existing_parent(target.parent)
        if not os.access(folder, os.W_OK):
            problems.append(f"{label} {target.parent} cannot be created or written "
                            f"({folder} is not writable) — fix its permissions or move it")
    return problems


def _check_xlsx(book: WorkbookEntry) -> list[str]:
    path = Path(book.location)
    if not path.exists():
        return [f"{book.name}: workbook not found: {path}"]
    if not path.is_file():
        return [f"{book.name}: {path} is not a file"]
    if not os.access(path, os.R_OK):
        return [f"{book.name}: cannot read {path} — give the worker's user read permission"]
    try:
        if not zipfile.is_zipfile(path):
            return [f"{book.name}: {path} is not an .xlsx workbook (not a zip file) — "
                    "save it from Excel as .xlsx"]
    except OSError as exc:
        return [f"{book.name}: cannot read {path} ({exc.strerror})"]
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        # The nightly sync writes the workbook and a backup beside it.
        return [f"{book.name}: {path} or its folder is not writable — the sync cannot save"]
    return []


def _check_google(book: WorkbookEntry, office: OfficeConfig) -> list[str]:
    """Credentials present, and the sheet readable and writable with them (two requests)."""
    from sheets_sync.google_cli import check_access

    creds = office.google_credentials
    if creds is not None and not creds.is_file():
        return [f"{book.name}: Google credentials file not found: {creds}"]
    if creds is not None and not os.access(creds, os.R_OK):
        return [f"{book.name}: cannot read Google credentials file {creds}"]
    config = load_config(book.config) if book.config else load_config()
    if creds is not None and not config["google"]["credentials_file"]:
        config["google"] = {**config["google"], "credentials_file": str(creds)}
    try:
        check_access(book.location, config)
    except UserError as exc:
        return [f"{book.name}: {exc}"]
    return []


def _existing_parent(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


# ---------------------------------------------------------------------------------------------
# Field validators: each reports through `problem` and returns None when the value is unusable.


def _unknown(key: str, known: list[str], prefix: str = "") -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean '{prefix}{close[0]}'?" if close else f"known: {', '.join(known)}"
    return f"unknown setting '{prefix}{key}' — {hint}"


def _zone(value: Any, problem: Any) -> ZoneInfo | None:
    if not isinstance(value, str) or not value.strip():
        problem("schedule.timezone is required, e.g. timezone = \"Asia/Kuala_Lumpur\"")
        return None
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        close = difflib.get_close_matches(value.strip(), sorted(available_timezones()), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "use an IANA name like 'Europe/London'"
        problem(f"unknown time zone '{value}' in schedule.timezone — {hint}")
        return None


_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def _time(value: Any, name: str, problem: Any) -> time | None:
    if isinstance(value, time):  # TOML local time: nightly_time = 02:30:00
        return value.replace(second=0, microsecond=0)
    match = _HHMM.match(value.strip()) if isinstance(value, str) else None
    if match and int(match.group(1)) < 24 and int(match.group(2)) < 60:
        return time(int(match.group(1)), int(match.group(2)))
    problem(f"{name} = {value!r} is not a time of day — write 24-hour \"HH:MM\", e.g. \"02:30\"")
    return None


def _typed(value: Any, kind: type, name: str, what: str, problem: Any) -> Any:
    if isinstance(value, kind):
        return value
    problem(f"{name} must be {what}, got {value!r}")
    return None


def _int(value: Any, name: str, low: int, high: int, problem: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        problem(f"{name} must be a whole number, got {value!r}")
        return None
    if not low <= value <= high:
        problem(f"{name} must be between {low} and {high}, got {value}")
        return None
    return value


def _number(value: Any, name: str, problem: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        problem(f"{name} must be a number of 0 or more, got {value!r}")
        return None
    return float(value)


def _days(value: Any, problem: Any) -> frozenset[int] | None:
    if not isinstance(value, list) or not value:
        problem(f"light_sync.days must be a list like [\"mon\", \"tue\"], got {value!r}")
        return None
    days: set[int] = set()
    for item in value:
        short = item.strip().lower()[:3] if isinstance(item, str) else ""
        if short not in DAY_NAMES:
            problem(f"light_sync.days: {item!r} is not a day — use mon, tue, wed, thu, fri, "
                    "sat, sun")
            return None
        days.add(DAY_NAMES.index(short))
    return frozenset(days)


def _path(value: Any, name: str, base: Path, problem: Any) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        problem(f"{name} must be a file path (text), got {value!r}")
        return None
    return (base / Path(value.strip()).expanduser()).resolve()


def _workbooks(value: Any, base: Path, problem: Any) -> list[WorkbookEntry]:
    if value is None or value == []:
        problem("no workbooks listed — add [[workbooks]] with location = \"contacts.xlsx\"")
        return []
    if not isinstance(value, list):
        problem("workbooks must be a list — write each as [[workbooks]] location = \"...\"")
        return []
    entries: list[WorkbookEntry] = []
    seen: dict[str, int] = {}
    for number, item in enumerate(value, start=1):
        label = f"workbooks #{number}"
        if isinstance(item, str):
            item = {"location": item}
        if not isinstance(item, Mapping):
            problem(f"{label} must be a path, a URL or a table with location = \"...\"")
            continue
        for key in item:
            if key not in WORKBOOK_KEYS:
                problem(f"{label}: " + _unknown(key, sorted(WORKBOOK_KEYS), prefix="workbooks."))
        entry = _workbook(item, label, base, problem)
        if entry is None:
            continue
        if entry.key in seen:
            problem(f"{label} is the same workbook as #{seen[entry.key]} — list it once "
                    "(two entries would contend for one lock)")
            continue
        seen[entry.key] = number
        entries.append(entry)
    return entries


def _workbook(item: Mapping[str, Any], label: str, base: Path,
              problem: Any) -> WorkbookEntry | None:
    location = item.get("location")
    if not isinstance(location, str) or not location.strip():
        problem(f"{label}: location is required — an .xlsx path or a Google Sheet URL")
        return None
    location = location.strip()
    if location.lower().startswith(("http://", "https://")):
        match = GOOGLE_URL.match(location)
        if not match:
            problem(f"{label}: {location!r} is not a Google Sheet URL "
                    "(https://docs.google.com/spreadsheets/d/...)")
            return None
        name = f"Google Sheet {match.group(1)[:8]}…"
    elif GOOGLE_KEY.match(location) and not location.lower().endswith(".xlsx"):
        name = f"Google Sheet {location[:8]}…"
    elif location.lower().endswith(".xlsx"):
        resolved = (base / Path(location).expanduser()).resolve()
        location, name = str(resolved), resolved.name
    else:
        problem(f"{label}: {location!r} is neither an .xlsx workbook nor a Google Sheet URL "
                "— save it as .xlsx")
        return None
    config = _path(item.get("config"), f"{label}: config", base, problem)
    given_name = item.get("name")
    if given_name is not None and (not isinstance(given_name, str) or not given_name.strip()):
        problem(f"{label}: name must be text, got {given_name!r}")
        given_name = None
    return WorkbookEntry(location, config, given_name.strip() if given_name else name)
