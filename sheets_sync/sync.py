"""Wires a store to the rules: read, validate, classify, plan, apply.

The rules and the stores are imported where a sync first needs them: a same-day re-sync that
the sync record answers (sync_record.py) never loads them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sheets_sync import sync_record
from sheets_sync.errors import WorkbookChanged
from sheets_sync.locks import hold_book
from sheets_sync.stores.gsheets.location import is_google_location, parse_location

if TYPE_CHECKING:
    from sheets_sync.core.plan import PlanResult
    from sheets_sync.stores.base import Store
    from sheets_sync.stores.diff import Diff


@dataclass
class SyncReport:
    """What one sync did, for the CLI summary, the worker log and the status file."""

    workbook: str
    today: date
    contacts: int = 0
    tiers: dict[str, int] = field(default_factory=dict)
    issues: int = 0
    touchpoints_due: int = 0
    done_logged: int = 0
    ids_assigned: int = 0
    written: bool = False  # False for --dry-run or when nothing changed
    changes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    requests: int | None = None  # HTTP requests sent (Google Sheets), across a re-plan too
    language: str = "en"  # the book's language: the CLI prints its summary in it


def open_store(location: str, config: dict[str, Any]) -> Store:
    """A sheet URL or `gsheet:<key>` -> GoogleSheetStore; an .xlsx path -> XlsxStore."""
    if is_google_location(location):
        from sheets_sync.stores.gsheets import GoogleSheetStore

        return GoogleSheetStore(parse_location(location), config)
    from sheets_sync.stores.xlsx import XlsxStore

    general = config["general"]
    return XlsxStore(
        Path(location),
        backups_keep=general["backups_keep"],
        money_format=general["currency_format"],
    )


def sync_workbook(
    location: str,
    config: dict[str, Any],
    today: date,
    *,
    dry_run: bool = False,
    light: bool = False,
) -> SyncReport:
    """Sync one workbook. Raises UserError subclasses for unusable input.

    A writing sync holds the workbook's lock (waiting up to `general.lock_wait_seconds` for
    another writer). If a person saves the workbook between the read and the write, their version
    is kept and the sync starts over once from it; a second such save gives WorkbookChanged.
    """
    started = time.perf_counter()
    if dry_run:  # reads only; the file on disk is always a complete workbook
        return _sync_once(location, config, today, dry_run=True, light=light, started=started)
    # Two spellings of one Google Sheet (its URL, gsheet:<key>) share one lock.
    lock_key = parse_location(location).canonical if is_google_location(location) else location
    with hold_book(lock_key, wait=float(config["general"]["lock_wait_seconds"])):
        answered = _answered(location, config, today, light, started)
        if answered is not None:
            return answered
        sent: list[int] = []
        try:
            return _sync_once(location, config, today, dry_run=False, light=light,
                              started=started, sent=sent)
        except WorkbookChanged:
            return _sync_once(location, config, today, dry_run=False, light=light,
                              started=started, sent=sent)


def answer_unchanged(location: str, config: dict[str, Any], today: date, *,
                     light: bool = False) -> SyncReport | None:
    """What `sync_workbook` would report, taken from the sync record when the workbook's bytes
    and every other input are those of the last sync that found nothing to change; None when a
    full sync is needed. `config` may be unchecked: a record only matches a configuration that
    a full sync ran with. A Google Sheet is never answered this way (its contents cannot be
    fingerprinted without reading them)."""
    if is_google_location(location):
        return None
    started = time.perf_counter()
    try:
        wait = float(config["general"]["lock_wait_seconds"])
    except (KeyError, TypeError, ValueError):  # an unchecked config: the full sync says why
        return None
    with hold_book(location, wait=wait):
        return _answered(location, config, today, light, started)


def _answered(location: str, config: dict[str, Any], today: date, light: bool,
              started: float) -> SyncReport | None:
    """The recorded report, read under the workbook's lock so a sync writing it meanwhile is
    waited for and then seen as changed bytes."""
    if is_google_location(location):
        return None
    path = Path(location)
    saved = sync_record.recorded_report(path, sync_record.inputs_digest(config, today, light))
    if saved is None:
        return None
    from sheets_sync.owner_files import refuse_if_open

    refuse_if_open(path)  # as the full sync does, even when it would write nothing
    report = SyncReport(workbook=location, today=today, **saved)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _sync_once(location: str, config: dict[str, Any], today: date, *, dry_run: bool,
               light: bool, started: float, sent: list[int] | None = None) -> SyncReport:
    import gc

    from sheets_sync.core.messages import load_templates
    from sheets_sync.core.plan import build_plan
    from sheets_sync.holiday_cache import holiday_tables

    store = open_store(location, config)
    wire = getattr(store, "wire", None)  # a Google store counts its requests
    # A sync makes a million objects that live until it ends and are freed by their reference
    # counts; the cycle collector's full passes over them cost a tenth of the sync, so it waits.
    collecting = gc.isenabled()
    gc.disable()
    try:
        data = store.read()
        with holiday_tables():
            result = build_plan(data, config, today, light=light, templates=load_templates(),
                                release_read_cells=True)  # this sync's own read
        _use_book_currency(store, result.config)
        report = summarise(location, today, result)
        report.changes = describe_changes(store.diff(result.changes))
        changes = result.changes
        del result  # the Book, its facts and classes are not needed to write: freed first
        if not dry_run:
            report.written = store.apply(changes)
            _keep_record(store, location, config, today, light, report)
    finally:
        if collecting:
            gc.enable()
        if wire is not None and sent is not None:
            sent.append(wire.requests)
    if wire is not None:
        report.requests = sum(sent) if sent is not None else wire.requests
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _keep_record(store: Store, location: str, config: dict[str, Any], today: date,
                 light: bool, report: SyncReport) -> None:
    """Record the bytes the workbook now holds as synced for these inputs: the bytes read when
    the sync wrote nothing, the bytes written when it wrote.

    A written file is a fixed point (a re-sync the same day writes nothing: the idempotence
    the whole suite checks), so the re-sync's report is this one less what only happens once:
    the Done ticks were logged and the IDs assigned, and a re-sync finds none. Its change lines
    are only shown by --dry-run, which never reads the record."""
    if not hasattr(store, "read_fingerprint"):  # only the Excel store's bytes can be known
        return
    inputs = sync_record.inputs_digest(config, today, light)
    if report.written:
        content = store.written_fingerprint()
        again = {**vars(report), "done_logged": 0, "ids_assigned": 0, "changes": []}
        sync_record.remember(Path(location), inputs, content, again if content else None)
    else:
        content = store.read_fingerprint()
        if content is not None:
            sync_record.remember(Path(location), inputs, content, vars(report))


def _use_book_currency(store: Store, config: Any) -> None:
    """Money cells take the currency the book's Settings tab names (read after the store was
    opened, so the store learns it here, before it writes)."""
    from sheets_sync.stores.xlsx import XlsxStore

    pattern = str(config["general"]["currency_format"])
    if isinstance(store, XlsxStore):
        store.money_format = pattern
    elif hasattr(store, "money_pattern"):  # the Google store, imported only when used
        store.money_pattern = pattern


def summarise(location: str, today: date, result: PlanResult) -> SyncReport:
    from sheets_sync.core.plan import tier_counts

    return SyncReport(
        workbook=location,
        today=today,
        contacts=len(result.book.contacts),
        tiers=tier_counts(result.classes),
        issues=len(result.book.issues),
        touchpoints_due=len(result.today_items),
        done_logged=len(result.harvested),
        ids_assigned=len(result.book.assigned_ids),
        language=result.language,
    )


def describe_changes(diff: Diff) -> list[str]:
    """Human lines saying what a sync writes, compared with what the workbook holds now (the
    store's answer, so --dry-run reads the same for every store)."""
    contacts = diff.contacts_tab
    lines = []
    if diff.added_columns:
        lines.append(f"add columns to {contacts}: " + ", ".join(diff.added_columns))
    lines.append(
        f"{contacts}: {diff.changed_cells} owned cells change in {diff.changed_rows} rows"
    )
    if diff.assigned:
        sample = ", ".join(f"row {where.row} → {new}" for where, new in diff.assigned[:5])
        lines.append(f"{contacts}: assign {len(diff.assigned)} IDs ({sample})")
    for tab in diff.tabs:
        lines.append(f"{tab.verb} tab {tab.name} ({tab.rows} rows)")
    for name, count in diff.appends:
        lines.append(f"{name}: append {count} rows (Done ticks from Today)")
    return lines
