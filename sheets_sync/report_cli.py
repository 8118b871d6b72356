"""The read-only commands: today, ics, report, referrals. They read the workbook, never write it."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from sheets_sync.config import load_config
from sheets_sync.core.catalogue import text
from sheets_sync.core.insights import measure
from sheets_sync.core.messages import load_templates
from sheets_sync.core.model import WorkbookData
from sheets_sync.core.owners import match_owners, owner_key
from sheets_sync.core.plan import PlanResult, book_language, build_plan, with_book_language
from sheets_sync.core.referrals import compute_referrals
from sheets_sync.core.today import format_table, to_ics
from sheets_sync.core.touchpoints import upcoming
from sheets_sync.errors import UserError
from sheets_sync.stores.gsheets.location import book_title
from sheets_sync.sync import open_store


def _analyse(
    args: argparse.Namespace, light: bool = True
) -> tuple[WorkbookData, PlanResult, dict, date]:
    config = with_book_language(load_config(args.config), getattr(args, "book_lang", None))
    today = args.today or date.today()
    data = open_store(str(args.path), config).read()
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
    data, result, config, today = _analyse(args)
    keep = _owner_filter(args.owner, result)
    items = [
        i
        for i in upcoming(result.book, result.classes, today, args.days, config,
                          lang=book_language(data, config), facts=result.facts)
        if keep(i)
    ]
    name = f"sheets-sync {book_title(args.path)}" + (f" – {args.owner}" if args.owner else "")
    args.output.write_bytes(to_ics(items, name))
    print(text("cli", f"Wrote {len(items)} touchpoints to {args.output}", result.language))
    return 0


def write_report(args: argparse.Namespace) -> int:
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
    args.output.write_text(page, encoding="utf-8")
    print(text("cli", f"Wrote {args.output}", result.language))
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
