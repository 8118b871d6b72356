"""The store interface: read a workbook's tables, apply a write plan. Nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ..model import Table, WritePlan


@dataclass
class WorkbookData:
    tables: dict[str, Table]  # vocabulary.TABS key -> table, for the tabs the tool reads
    tab_names: list[str]  # every tab, in order
    tab_keys: dict[str, str] = field(default_factory=dict)  # TABS key -> actual tab name
    language: str = "en"  # language of the Contacts headers
    contacts_width: int = 0  # columns in use on Contacts (owned columns are appended after)


class Store(Protocol):
    location: str

    def read(self) -> WorkbookData: ...

    def apply(self, plan: WritePlan) -> bool:
        """Write the plan; return False when it would change nothing (nothing is written)."""
        ...
