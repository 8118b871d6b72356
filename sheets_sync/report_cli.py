"""The read-only commands: today, ics, report, referrals. They read the workbook, never write it."""

from __future__ import annotations

import argparse
from datetime import date

from sheets_sync.config import load_config
from sheets_sync.core.insights import measure
from sheets_sync.core.messages import load_templates
from sheets_sync.core.model import WorkbookData
from sheets_sync.core.plan import PlanResult, build_plan
from sheets_sync.core.referrals import compute_referrals
from sheets_sync.core.today import format_table, match_owners, to_ics
from sheets_sync.core.touchpoints import upcoming
from sheets_sync.errors import UserError
from sheets_sync.stores.gsheets.location import book_title
from sheets_sync.sync import open_store


def _analyse(
    args: argparse.Namespace, light: bool = True
) -> tuple[WorkbookData, PlanResult, dict, date]:
    config = load_config(args.config)
    today = args.today or date.today()
    data = open_store(str(args.path), config).read()
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
    items = result.today_items
    if args.owner:
        owners = {c.owner for c in result.book.contacts if c.owner}
        matched = match_owners(args.owner, owners)
        if not matched:
            raise UserError(f"No owner matches {args.owner!r}",
                            "the owners are: " + ", ".join(sorted(owners)))
        items = [i for i in items if i.owner in matched]
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
    args.output.write_bytes(to_ics(items, name))
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
    args.output.write_text(page, encoding="utf-8")
    print(f"Wrote {args.output}")
    return 0


def write_referrals(args: argparse.Namespace) -> int:
    from sheets_sync.graph import draw_referral_graph

    _, result, config, today = _analyse(args)
    referrers = compute_referrals(result.book, result.classes, today, config, result.facts)
    for r in referrers[:10]:
        print(
            f"{r.rank:>3}. {r.name} ({r.contact_id}): {r.referrals} referred, {r.closed} closed, "
            f"{r.downstream} downstream"
        )
    if args.graph:
        draw_referral_graph(result.book, args.graph, referrers=referrers)
        print(f"Wrote {args.graph}")
    return 0
