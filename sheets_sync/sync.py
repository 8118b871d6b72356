"""Wires a store to the rules: read, validate, classify, plan, apply."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import UserError, WorkbookChanged
from .locks import hold_book
from .messages import load_templates
from .plan import PlanResult, build_plan, tier_counts
from .stores.base import Store, WorkbookData
from .stores.xlsx import XlsxStore, owned_positions


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


def open_store(location: str, config: dict[str, Any]) -> Store:
    """An .xlsx path -> XlsxStore. (Google Sheets locations are recognised by their URL.)"""
    if location.startswith(("https://", "gsheet:")):
        raise UserError(
            f"{location} looks like a Google Sheet, which this version cannot open yet",
            "export it as .xlsx (File > Download > Microsoft Excel) and sync that file",
        )
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
    with hold_book(location, wait=float(config["general"]["lock_wait_seconds"])):
        try:
            return _sync_once(location, config, today, dry_run=False, light=light,
                              started=started)
        except WorkbookChanged:
            return _sync_once(location, config, today, dry_run=False, light=light,
                              started=started)


def _sync_once(location: str, config: dict[str, Any], today: date, *, dry_run: bool,
               light: bool, started: float) -> SyncReport:
    store = open_store(location, config)
    data = store.read()
    result = build_plan(data, config, today, light=light, templates=load_templates())
    report = summarise(location, today, result)
    report.changes = describe_changes(data, result)
    if not dry_run:
        report.written = store.apply(result.plan)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def summarise(location: str, today: date, result: PlanResult) -> SyncReport:
    return SyncReport(
        workbook=location,
        today=today,
        contacts=len(result.book.contacts),
        tiers=tier_counts(result.classes),
        issues=len(result.book.issues),
        touchpoints_due=len(result.today_items),
        done_logged=len(result.harvested),
        ids_assigned=len(result.book.assigned_ids),
    )


def describe_changes(data: WorkbookData, result: PlanResult) -> list[str]:
    """Human lines saying what a sync writes, compared with what the workbook holds now."""
    plan = result.plan
    contacts = data.tables["contacts"]
    positions, appended = owned_positions(contacts.headers, data.contacts_width)
    current = {row: values for row, values in contacts.rows}
    changed_cells = 0
    changed_rows = 0
    for write in plan.row_writes:
        values = current.get(write.row, [])
        diff = sum(
            1
            for key, new in write.values.items()
            if not _same(values[positions[key]] if positions[key] < len(values) else None, new)
        )
        changed_cells += diff
        changed_rows += bool(diff)
    lines = []
    if appended:
        lines.append(
            f"add columns to {contacts.name}: " + ", ".join(plan.owned_headers[k] for k in appended)
        )
    lines.append(f"{contacts.name}: {changed_cells} owned cells change in {changed_rows} rows")
    if result.book.assigned_ids:
        sample = ", ".join(f"row {r} → {i}" for r, i in list(result.book.assigned_ids.items())[:5])
        lines.append(f"{contacts.name}: assign {len(result.book.assigned_ids)} IDs ({sample})")
    for tab in plan.tabs:
        name = plan.tab_names[tab.key]
        if tab.create_only and name in data.tab_names:
            continue
        verb = "rewrite" if name in data.tab_names else "create"
        lines.append(f"{verb} tab {name} ({len(tab.rows)} rows)")
    for name, rows in plan.appends.items():
        lines.append(f"{name}: append {len(rows)} rows (Done ticks from Today)")
    return lines


def _same(old: Any, new: Any) -> bool:
    if old in (None, "") and new in (None, ""):
        return True
    if isinstance(new, float) and isinstance(old, (int, float)):
        return abs(old - new) < 1e-9
    if isinstance(new, int) and isinstance(old, float):
        return old == new
    return bool(old == new)
