"""A small book in the memory store, synced day by day through build_plan (no tests here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sheets_sync.config import load_config, merge
from sheets_sync.core.plan import PlanResult, build_plan
from sheets_sync.stores.memory import MemoryStore

CONTACTS = ["ID", "Name", "Owner", "Phone", "Email", "Language", "Country", "Birthday",
            "Circle", "Stage", "Closing date", "Last contact", "Referred by", "NPS",
            "Lost reason", "Do not contact", "Tier override"]
INTERACTIONS = ["Date", "Contact ID", "Channel", "Touchpoint", "Outcome", "Notes", "Owner"]
TRANSACTIONS = ["Contact ID", "Closing date", "Side", "Price", "Commission", "Source",
                "Referred by"]


# An office that works every day: for tests of the touchpoint engine's own dates, which the
# days off of the morning list (routine touches wait for a working day) would otherwise move.
EVERY_DAY = {"today": {"working_days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                       "holidays_off": False}}


def person(cid: str, name: str, **cells: Any) -> list[Any]:
    """A Contacts row: a reachable Malaysian contact unless `cells` say otherwise."""
    values = {"ID": cid, "Name": name, "Owner": "Mei", "Phone": "+60123456789",
              "Email": f"{cid.lower()}@example.com", "Language": "en", "Country": "MY"}
    by_name = {header.casefold(): header for header in CONTACTS}
    values.update({by_name[key.replace("_", " ")]: value for key, value in cells.items()})
    return [values.get(header) for header in CONTACTS]


@dataclass
class TrustBook:
    """A memory-store workbook and the config its syncs use."""

    contacts: list[list[Any]]
    interactions: list[list[Any]] = field(default_factory=list)
    transactions: list[list[Any]] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.store = MemoryStore({"Contacts": [CONTACTS, *self.contacts],
                                  "Interactions": [INTERACTIONS, *self.interactions],
                                  "Transactions": [TRANSACTIONS, *self.transactions]})
        self.config = merge(load_config(), self.settings) if self.settings else load_config()

    def sync(self, today: date, *, light: bool = False) -> PlanResult:
        result = build_plan(self.store.read(), self.config, today, light=light)
        self.store.apply(result.changes)
        return result

    def log(self, when: date, cid: str, channel: str, touchpoint: str, outcome: str = "",
            notes: str = "") -> None:
        """A person types a row into Interactions."""
        self.store.tabs["Interactions"].append([when, cid, channel, touchpoint, outcome, notes,
                                                "Mei"])
        self.store.version += 1

    def today_rows(self) -> list[dict[str, Any]]:
        grid = self.store.tabs["Today"]
        return [dict(zip(grid[0], row, strict=False)) for row in grid[1:]]

    def today_for(self, cid: str) -> list[dict[str, Any]]:
        return [row for row in self.today_rows() if row["Contact ID"] == cid]

    def tick(self, cid: str, outcome: str = "") -> None:
        """The agent ticks Done on every Today row of `cid`."""
        grid = self.store.tabs["Today"]
        header = grid[0]
        for row in grid[1:]:
            row.extend([None] * (len(header) - len(row)))
            if row[header.index("Contact ID")] == cid:
                row[header.index("Done")] = True
                row[header.index("Outcome")] = outcome
        self.store.version += 1

    def contact_cells(self, cid: str) -> dict[str, Any]:
        grid = self.store.tabs["Contacts"]
        return next(dict(zip(grid[0], row, strict=False)) for row in grid[1:] if row[0] == cid)

    def tab(self, name: str) -> list[dict[str, Any]]:
        grid = self.store.tabs[name]
        return [dict(zip(grid[0], row, strict=False)) for row in grid[1:]]
