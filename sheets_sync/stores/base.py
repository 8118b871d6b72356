"""The store interface: read a workbook's tables, say what a change set would change, apply it.

Every store keeps the same promises (tests/store_contract.py checks them for each): it reads the
tabs the tool knows with their header rows found in any language; `apply` writes only owned
columns, owned tabs and appended rows, never a person's cell; it returns False and writes
nothing when the change set would change nothing; and it refuses to write — raising UserError,
writing nothing — when the workbook changed after `read`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from sheets_sync.core.model import ChangeSet, WorkbookData

if TYPE_CHECKING:
    from sheets_sync.stores.diff import Diff




class Store(Protocol):
    location: str

    def read(self) -> WorkbookData: ...

    def diff(self, changes: ChangeSet) -> Diff:
        """What `apply(changes)` would change, compared with what `read` returned."""
        ...

    def apply(self, changes: ChangeSet) -> bool:
        """Write the change set; return False when it would change nothing (nothing is written)."""
        ...
