"""Shared builders for the touchpoint tests (no tests here). Other test modules import it."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from sheets_sync.config import load_config, merge
from sheets_sync.core.messages import Templates, load_templates
from sheets_sync.core.model import (
    Book,
    Classification,
    Contact,
    Interaction,
    PartialDate,
    Table,
    Transaction,
)
from sheets_sync.core.today import harvest_done, today_tab
from sheets_sync.core.touchpoints import Plan, Touchpoint, plan_touchpoints

TODAY = date(2026, 11, 23)


def config(**touchpoints: Any) -> dict[str, Any]:
    """The default config, with `touchpoints` settings merged over it."""
    cfg = load_config()
    if touchpoints:
        cfg = merge(cfg, {"touchpoints": touchpoints})
    return cfg


@lru_cache(maxsize=1)
def templates() -> Templates:
    return load_templates()


def contact(row: int, cid: str, name: str = "", **fields: Any) -> Contact:
    """A reachable contact (phone and e-mail) unless the test says otherwise."""
    fields.setdefault("phone", "+60123456789")
    fields.setdefault("email", f"{cid.lower()}@example.com")
    fields.setdefault("owner", "Aisyah")
    fields.setdefault("country", "MY")
    fields.setdefault("language", "en")
    return Contact(row=row, id=cid, name=name or f"Person {cid}", **fields)


def cls(tier: str = "B", lifecycle: str = "Client") -> Classification:
    return Classification(tier=tier, lifecycle=lifecycle, activity="Active",
                          days_since_contact=None, completeness=1.0)


def birthday(month: int, day: int, year: int | None = None) -> PartialDate:
    return PartialDate(month, day, year)


def interaction(cid: str, when: date, touchpoint: str = "", channel: str = "call",
                notes: str = "", outcome: str = "") -> Interaction:
    return Interaction(row=None, date=when, contact_id=cid, channel=channel,
                       touchpoint=touchpoint, outcome=outcome, notes=notes)


def sale(cid: str, when: date, side: str = "buy", **fields: Any) -> Transaction:
    return Transaction(row=None, contact_id=cid, closing_date=when, side=side, **fields)


def book(contacts: list[Contact], interactions: list[Interaction] | None = None,
         transactions: list[Transaction] | None = None) -> Book:
    return Book(contacts=contacts, interactions=list(interactions or []),
                transactions=list(transactions or []))


def by_contact(the_book: Book, classes: dict[int, Classification]) -> dict[str, Classification]:
    """Tests name a classification by the row its contact sits on (as a person reads the sheet);
    the engine keys classifications by contact key."""
    return {c.key: classes[c.row] for c in the_book.contacts if c.row in classes}


def plan(the_book: Book, classes: dict[int, Classification], today: date = TODAY,
         cfg: dict[str, Any] | None = None, **kwargs: Any) -> Plan:
    return plan_touchpoints(the_book, by_contact(the_book, classes), today, cfg or config(),
                            templates=templates(), **kwargs)


def rules_of(items: list[Touchpoint], cid: str | None = None) -> list[str]:
    return [item.rule for item in items if cid is None or item.contact_id == cid]


def tick_all(items: list[Touchpoint], lang: str = "en", outcome: str = "") -> Table:
    """The Today tab as a store would read it back after an agent ticked every row."""
    tab = today_tab(items, lang)
    rows = []
    for position, values in enumerate(tab.rows, start=2):
        values = list(values)
        values[0] = True
        values[-2] = outcome
        rows.append((position, values))
    return Table(name="Today", header_row=1, headers=tab.headers, rows=rows)


def do(the_book: Book, items: list[Touchpoint], today: date) -> list[Interaction]:
    """Tick every item done and append what harvest_done produces."""
    new = harvest_done(tick_all(items), the_book.interactions, today)
    the_book.interactions.extend(new)
    return new
