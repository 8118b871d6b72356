"""The read-only commands: today, ics, report, referrals. They read the workbook, never write it."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from sheets_sync.config import load_config
from sheets_sync.core.insights import measure
from sheets_sync.core.messages import load_templates
from sheets_sync.core.model import WorkbookData
from sheets_sync.core.plan import PlanResult, build_plan
from sheets_sync.core.referrals import compute_referrals
from sheets_sync.core.text_safety import terminal_text
from sheets_sync.core.today import format_table, to_ics
from sheets_sync.core.touchpoints import upcoming
from sheets_sync.outputs import HTML_MARK, ICS_MARK, PNG_MARK, write_output
from sheets_sync.owner_files import read_only_note
from sheets_sync.stores.gsheets.location import book_title, is_google_location
from sheets_sync.sync import open_store


def _analyse(
    args: argparse.Namespace, light: bool = True
) -> tuple[WorkbookData, PlanResult, dict, date]:
    config = load_config(args.config)
    today = args.today or date.today()
    store = open_store(str(args.path), config)
    if not is_google_location(str(args.path)):  # a Google Sheet has no owner file or lock
        note = read_only_note(Path(args.path))
        if note:
            print(terminal_text(note), file=sys.stderr)
    data = store.read()
    return (
        data,
        build_plan(data, config, today, light=light, templates=load_templates()),
        config,
        today,
    )


def _owner_filter(owner: str | None):
    wanted = (owner or "").strip().casefold()
    return lambda item: not wanted or item.owner.strip().casefold() == wanted


def print_today(args: argparse.Namespace) -> int:
    _, result, _, _ = _analyse(args)
    items = [i for i in result.today_items if _owner_filter(args.owner)(i)]
    if not items:
        print("Nothing due today" + (f" for {args.owner}" if args.owner else "") + ".")
        return 0
    print(format_table(items))
    return 0


def write_ics(args: argparse.Namespace) -> int:
    data, result, config, today = _analyse(args)
    items = [
        i
        for i in upcoming(result.book, result.classes, today, args.days, config,
                          lang=data.language, facts=result.facts)
        if _owner_filter(args.owner)(i)
    ]
    name = f"sheets-sync {book_title(args.path)}" + (f" – {args.owner}" if args.owner else "")
    write_output(args.output, to_ics(items, name), workbook=str(args.path), mark=ICS_MARK,
                 force=getattr(args, "force", False))
    print(f"Wrote {len(items)} touchpoints to {args.output}")
    return 0


def write_report(args: argparse.Namespace) -> int:
    from sheets_sync.report import render_report

    data, result, config, today = _analyse(args)
    # The same measures the sync writes to Metrics (its same-day re-run rule included).
    measured = measure(result.book, result.classes, result.facts, today, config,
                       today_table=data.tables.get("today"),
                       history_table=data.tables.get("metrics_history"), lang=data.language)
    page = render_report(
        measured.metrics,
        measured.breakdowns,
        measured.referrers,
        measured.history,
        f"{book_title(args.path)} — {today.isoformat()}",
        lang=data.language,
    )
    write_output(args.output, page.encode("utf-8"), workbook=str(args.path), mark=HTML_MARK,
                 force=getattr(args, "force", False))
    print(f"Wrote {args.output}")
    return 0


def write_referrals(args: argparse.Namespace) -> int:
    from sheets_sync.graph import render_referral_graph

    _, result, config, today = _analyse(args)
    referrers = compute_referrals(result.book, result.classes, today, config, result.facts)
    for r in referrers[:10]:
        print(
            terminal_text(f"{r.rank:>3}. {r.name} ({r.contact_id}): {r.referrals} referred, "
                          f"{r.closed} closed, {r.downstream} downstream")
        )
    if args.graph:
        picture = render_referral_graph(result.book, referrers=referrers)
        for warning in picture.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        write_output(args.graph, picture.png, workbook=str(args.path), mark=PNG_MARK,
                     force=getattr(args, "force", False))
        print(f"Wrote {args.graph}")
    return 0
