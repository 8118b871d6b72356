"""A seeded agent who works the Today list every morning, for the long simulations.

Each working day the agent reads Today and, row by row, ticks Done (typing an outcome most times),
or logs the call by hand in Interactions in their own words (Done left blank), or types an outcome
and a note without ticking, or leaves the row. Weekends are skipped: the nightly sync still runs.

Two desks give the agent the same workbook: `XlsxDesk` edits the real .xlsx with openpyxl (a
load-and-save, the way another application saves the file), `MemoryDesk` edits the memory
store's grids. The journal records everything the agent did and everything Today asked, so the
tests can state the invariants over it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import openpyxl

from sheets_sync.config import load_config
from sheets_sync.core.messages import load_templates
from sheets_sync.core.plan import build_plan
from sheets_sync.stores.memory import MemoryStore
from sheets_sync.sync import sync_workbook

KEY_IN_LABEL = re.compile(r"\[([a-z0-9_]+)\]\s*$")
OUTCOMES = ["Answered - all good", "Replied, thanked us", "Left a voicemail then she called back",
            "Answered - wants valuation", "Sent, read it"]
NOTES = ["call back Tue 3pm", "asked about school zones", "kids started school",
         "prefers WhatsApp after 6pm", "thinking of selling next year", "renovating the kitchen"]
HAND_WORDS = ["called, she was happy", "dropped by with a card", "chatted on WhatsApp",
              "quick call, all fine", "met for coffee"]


@dataclass(frozen=True)
class TodayItem:
    day: date  # the sync day whose Today showed it
    contact: str
    key: str  # the rule key (from the key column, or the label's "[key]")
    label: str  # the Touchpoint as shown
    owner: str
    due: date | None


@dataclass(frozen=True)
class Typed:
    day: date
    contact: str
    text: str


@dataclass
class Journal:
    shown: list[TodayItem] = field(default_factory=list)
    ticked: list[TodayItem] = field(default_factory=list)
    hand_logged: list[tuple[TodayItem, str]] = field(default_factory=list)  # item, text typed
    typed: list[Typed] = field(default_factory=list)  # Outcome/Notes text typed on Today
    tiers: dict[date, dict[str, str]] = field(default_factory=dict)  # day -> contact -> tier


class Desk(Protocol):
    """One workbook as the agent sees it: Today's rows, and edits saved as a person saves."""

    def sync(self, day: date) -> None: ...
    def grid(self, tab: str) -> list[list[Any]]: ...
    def tabs(self) -> list[str]: ...
    def edit(self, edits: list[tuple[str, int, str, Any]], appended: list[dict[str, Any]]) -> None:
        """`edits`: (tab, 1-based row, header, value); `appended`: Interactions rows by header."""


class XlsxDesk:
    def __init__(self, path: Path, config: dict[str, Any] | None = None) -> None:
        self.path = path
        self.config = config or load_config()
        self._read: tuple[tuple[int, int, int], dict[str, list[list[Any]]]] | None = None

    def sync(self, day: date) -> None:
        sync_workbook(str(self.path), self.config, day)

    def _sheets(self, tab: str | None = None) -> dict[str, list[list[Any]] | None]:
        """The sheets' cells by name (None where not read yet), read while the file stays as it
        was saved: the tabs the agent reads every day in one load, any other when asked."""
        stat = self.path.stat()
        state = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if self._read is None or self._read[0] != state:
            self._read = (state, self._load(DAILY_TABS, every_name=True))
        sheets = self._read[1]
        if tab is not None and sheets.get(tab) is None:
            sheets.update(self._load((tab,)))
        return sheets

    def _load(self, tabs: tuple[str, ...], every_name: bool = False
              ) -> dict[str, list[list[Any]] | None]:
        workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        try:
            out: dict[str, list[list[Any]] | None] = (
                dict.fromkeys(workbook.sheetnames) if every_name else {})
            for name in tabs:
                if name in workbook.sheetnames:
                    out[name] = [list(row) for row in workbook[name].iter_rows(values_only=True)]
            return out
        finally:
            workbook.close()

    def tabs(self) -> list[str]:
        return list(self._sheets())

    def grid(self, tab: str) -> list[list[Any]]:
        return [list(row) for row in self._sheets(tab)[tab] or []]

    def edit(self, edits: list[tuple[str, int, str, Any]], appended: list[dict[str, Any]]) -> None:
        if not edits and not appended:
            return
        workbook = openpyxl.load_workbook(self.path)
        for tab, row, header, value in edits:
            sheet = workbook[tab]
            headers = [c.value for c in sheet[1]]
            sheet.cell(row=row, column=headers.index(header) + 1, value=value)
        if appended:
            sheet = workbook["Interactions"]
            headers = [c.value for c in sheet[1]]
            for entry in appended:
                sheet.append([entry.get(h) for h in headers])
        workbook.save(self.path)


class MemoryDesk:
    """The same book in the memory store: the plan and the store contract, without the file."""

    def __init__(self, tabs: dict[str, list[list[Any]]], config: dict[str, Any] | None = None
                 ) -> None:
        self.store = MemoryStore(tabs)
        self.config = config or load_config()
        self.templates = load_templates()

    @classmethod
    def from_xlsx(cls, path: Path) -> MemoryDesk:
        workbook = openpyxl.load_workbook(path, data_only=True)
        tabs = {sheet.title: [[_plain(v) for v in row] for row in sheet.iter_rows(values_only=True)]
                for sheet in workbook.worksheets}
        return cls(tabs)

    def sync(self, day: date) -> None:
        result = build_plan(self.store.read(), self.config, day, templates=self.templates)
        self.store.apply(result.changes)

    def tabs(self) -> list[str]:
        return list(self.store.tabs)

    def grid(self, tab: str) -> list[list[Any]]:
        return [list(row) for row in self.store.tabs[tab]]

    def edit(self, edits: list[tuple[str, int, str, Any]], appended: list[dict[str, Any]]) -> None:
        for tab, row, header, value in edits:
            headers = self.store.tabs[tab][0]
            self.store.edit(tab, row, headers.index(header), value)
        interactions = self.store.tabs["Interactions"]
        for entry in appended:
            headers = interactions[0]
            self.store.edit("Interactions", len(interactions) + 1, 0, entry.get(headers[0]))
            for col, header in enumerate(headers[1:], start=1):
                if entry.get(header) is not None:
                    self.store.edit("Interactions", len(interactions), col, entry[header])


def _plain(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) and value.time() == datetime.min.time() \
        else value


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


LISTS = ("Today", "Greetings")  # the morning list, and the mass greetings grouped beside it
DAILY_TABS = ("Contacts", *LISTS)


def today_items(desk: Desk, day: date, tab: str = "Today"
                ) -> list[tuple[int, dict[str, Any], TodayItem]]:
    """The rows of Today (or of Greetings, which has the same columns): (sheet row, cells by
    header, the item). The Greetings tab's count rows under a blank row name no contact."""
    grid = desk.grid(tab) if tab in desk.tabs() else []
    if not grid:
        return []
    headers = [str(h) if h is not None else "" for h in grid[0]]
    out = []
    for number, row in enumerate(grid[1:], start=2):
        cells = dict(zip(headers, row, strict=False))
        contact = str(cells.get("Contact ID") or "")
        label = str(cells.get("Touchpoint") or "")
        if not contact or not label:
            continue
        key = str(cells.get("Rule") or "")  # the hidden Rule column; older lists: "[key]"
        if not key:
            found = KEY_IN_LABEL.search(label)
            key = found.group(1) if found else label
        item = TodayItem(day, contact, key, KEY_IN_LABEL.sub("", label).strip(),
                         str(cells.get("Owner") or ""), as_date(cells.get("Due")))
        out.append((number, cells, item))
    return out


def tiers(desk: Desk) -> dict[str, str]:
    grid = desk.grid("Contacts")
    headers = grid[0]
    ids, tier = headers.index("ID"), headers.index("Tier")
    return {str(r[ids]): str(r[tier] or "") for r in grid[1:] if r[ids]}


def hand_log_text(item: TodayItem, rng: random.Random) -> str:
    """How an agent writes a touchpoint in their own words: the label's gist, a dash, a comment."""
    gist = re.split(r"\s[–(-]\s?|\s\(", item.label)[0].strip()
    return f"{gist} — {rng.choice(HAND_WORDS)}"


@dataclass
class Agent:
    seed: int = 7
    tick: float = 0.8
    hand_log: float = 0.1
    type_only: float = 0.05
    outcomes: tuple[str, ...] = tuple(OUTCOMES)  # what the agent types in Outcome
    notes: tuple[str, ...] = tuple(NOTES)  # and in Notes

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def work(self, desk: Desk, day: date, journal: Journal) -> None:
        lists = [(tab, today_items(desk, day, tab)) for tab in LISTS]
        for _tab, rows in lists:
            journal.shown.extend(item for _, _, item in rows)
        if day.weekday() >= 5:
            return
        edits: list[tuple[str, int, str, Any]] = []
        appended: list[dict[str, Any]] = []
        for tab, number, cells, item in ((t, *r) for t, rows in lists for r in rows):
            if cells.get("Done") is True:
                continue
            roll = self.rng.random()
            if roll < self.tick:
                edits.append((tab, number, "Done", True))
                if self.rng.random() < 0.5:
                    text = self.rng.choice(self.outcomes)
                    edits.append((tab, number, "Outcome", text))
                    journal.typed.append(Typed(day, item.contact, text))
                journal.ticked.append(item)
            elif roll < self.tick + self.hand_log:
                text = hand_log_text(item, self.rng)
                appended.append({"Date": day, "Contact ID": item.contact, "Channel": "call",
                                 "Touchpoint": text, "Outcome": "Answered",
                                 "Owner": item.owner})
                journal.hand_logged.append((item, text))
            elif roll < self.tick + self.hand_log + self.type_only:
                outcome, note = self.rng.choice(self.outcomes), self.rng.choice(self.notes)
                if not cells.get("Outcome"):
                    edits.append((tab, number, "Outcome", outcome))
                    journal.typed.append(Typed(day, item.contact, outcome))
                earlier = str(cells.get("Notes") or "")  # a person adds to a note, never erases
                edits.append((tab, number, "Notes",
                              f"{earlier}; {note} ({day:%m-%d})" if earlier else
                              f"{note} ({day:%m-%d})"))
                journal.typed.append(Typed(day, item.contact, f"{note} ({day:%m-%d})"))
        desk.edit(edits, appended)


def simulate(desk: Desk, start: date, days: int, agent: Agent,
             every_day: Callable[[Desk, date], None] | None = None) -> Journal:
    """Sync every night from `start` for `days` days; the agent works the list each morning."""
    journal = Journal()
    for offset in range(days):
        day = start + timedelta(days=offset)
        if every_day is not None:
            every_day(desk, day)
        desk.sync(day)
        journal.tiers[day] = tiers(desk)
        agent.work(desk, day, journal)
    return journal


def all_text(desk: Desk, tabs: tuple[str, ...] = (*LISTS, "Interactions")) -> str:
    present = desk.tabs()
    return "\n".join(str(v) for tab in tabs if tab in present for row in desk.grid(tab)
                     for v in row if v is not None)
