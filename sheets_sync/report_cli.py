"""The read-only commands: today, ics, report, referrals. They read the workbook, never write it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sheets_sync.config import load_config, with_book_language
from sheets_sync.core.catalogue import text
from sheets_sync.core.messages import load_templates
from sheets_sync.core.model import WorkbookData
from sheets_sync.core.owners import match_owners, owner_key
from sheets_sync.core.plan import PlanResult, book_language, build_plan
from sheets_sync.core.referrals import compute_referrals
from sheets_sync.core.text_safety import terminal_text
from sheets_sync.core.today import format_table, to_ics
from sheets_sync.core.touchpoints import upcoming
from sheets_sync.errors import UserError
from sheets_sync.holiday_cache import holiday_tables
from sheets_sync.owner_files import read_only_note
from sheets_sync.stores.gsheets.location import book_title, is_google_location
from sheets_sync.sync import open_store


def _analyse(
    args: argparse.Namespace, light: bool = True
) -> tuple[WorkbookData, PlanResult, dict, date]:
    config = with_book_language(load_config(args.config), getattr(args, "book_lang", None))
    today = args.today or date.today()
    store = open_store(str(args.path), config)
    if not is_google_location(str(args.path)):  # a Google Sheet has no owner file or lock
        note = read_only_note(Path(args.path))
        if note:
            print(terminal_text(note), file=sys.stderr)
    data = store.read()
    with holiday_tables():
        result = build_plan(data, config, today, light=light, templates=load_templates())
    # The plan's config has the book's Settings tab merged in; the commands use that one.
    return data, result, dict(result.config), today


def _owner_filter(owner: str | None, result: PlanResult) -> Callable[[Any], bool]:
    """Items of the owners `owner` means (case, spaces and a prefix are forgiven); a name no
    owner matches is refused with the owners the book has."""
    if not (owner or "").strip():
        return lambda item: True
    owners = _owners(result)
    meant = {owner_key(o) for o in match_owners(owner or "", owners)}
    if not meant:
        raise UserError(f"no owner in this book matches '{owner}'",
                        "owners: " + ", ".join(owners) if owners
                        else "no contact has an Owner yet")
    return lambda item: owner_key(item.owner) in meant


def _owners(result: PlanResult) -> list[str]:
    """Every Owner of the book, and the manager from the Settings tab or the config."""
    names = {c.owner for c in result.book.contacts if c.owner}
    manager = str(result.config.get("general", {}).get("manager") or "")
    if manager and owner_key(manager) not in {owner_key(n) for n in names}:
        names.add(manager)
    return sorted(names, key=str.casefold)


def _who(owner: str | None, result: PlanResult) -> str:
    owners = _owners(result)
    return ", ".join(match_owners(owner or "", owners))


def print_today(args: argparse.Namespace) -> int:
    _, result, _, _ = _analyse(args)
    keep = _owner_filter(args.owner, result)
    items = [i for i in result.today_items if keep(i)]
    if not items:
        line = (f"Nothing due today for {_who(args.owner, result)}." if args.owner
                else "Nothing due today.")
        print(text("cli", line, result.language))
        return 0
    print(format_table(items))
    return 0


def write_ics(args: argparse.Namespace) -> int:
    from sheets_sync.outputs import ICS_MARK, write_output

    data, result, config, today = _analyse(args)
    keep = _owner_filter(args.owner, result)
    items = [
        i
        for i in upcoming(result.book, result.classes, today, args.days, config,
                          lang=book_language(data, config), facts=result.facts)
        if keep(i)
    ]
    name = f"sheets-sync {book_title(args.path)}" + (f" – {args.owner}" if args.owner else "")
    write_output(args.output, to_ics(items, name), workbook=str(args.path), mark=ICS_MARK,
                 force=getattr(args, "force", False))
    print(text("cli", f"Wrote {len(items)} touchpoints to {args.output}", result.language))
    return 0


def write_report(args: argparse.Namespace) -> int:
    from sheets_sync.core.insights import measure
    from sheets_sync.outputs import HTML_MARK, write_output
    from sheets_sync.report import render_report

    data, result, config, today = _analyse(args)
    # The same measures the sync writes to Metrics (its same-day re-run rule included).
    measured = measure(result.book, result.classes, result.facts, today, config,
                       today_table=data.tables.get("today"),
                       history_table=data.tables.get("metrics_history"),
                       lang=book_language(data, config))
    page = render_report(
        measured.metrics,
        measured.breakdowns,
        measured.referrers,
        measured.history,
        f"{book_title(args.path)} — {today.isoformat()}",
        lang=book_language(data, config),
    )
    write_output(args.output, page.encode("utf-8"), workbook=str(args.path), mark=HTML_MARK,
                 force=getattr(args, "force", False))
    print(text("cli", f"Wrote {args.output}", result.language))
    return 0


def write_referrals(args: argparse.Namespace) -> int:
    from sheets_sync.graph import render_referral_graph
    from sheets_sync.outputs import PNG_MARK, write_output

    _, result, config, today = _analyse(args)
    referrers = compute_referrals(result.book, result.classes, today, config, result.facts)
    for r in referrers[:10]:
        line = (f"{r.rank}. {r.name} ({r.contact_id}): {r.referrals} referred, "
                f"{r.closed} closed, {r.downstream} downstream")
        print(terminal_text(" " * (3 - len(str(r.rank))) + text("cli", line, result.language)))
    if args.graph:
        picture = render_referral_graph(result.book, referrers=referrers)
        for warning in picture.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        write_output(args.graph, picture.png, workbook=str(args.path), mark=PNG_MARK,
                     force=getattr(args, "force", False))
        print(text("cli", f"Wrote {args.graph}", result.language))
    return 0
