"""Plain data passed between the stores and the rules. No behaviour beyond small derived values."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

# The rows of a sheet (Excel's limit): the bound of the memos of per-book values (IDs, phones,
# folded texts). A memo smaller than a book it cycles through misses on every call.
BOOK_ROWS = 1 << 20


@dataclass(frozen=True)
class Issue:
    """One bad cell (or row, when `column` is blank), as shown in the Issues tab."""

    tab: str
    row: int | None
    column: str
    value: str
    problem: str
    suggestion: str = ""


@dataclass(frozen=True)
class PartialDate:
    """A birthday: month and day always, year when the person typed one."""

    month: int
    day: int
    year: int | None = None


@dataclass(frozen=True, slots=True)  # one per contact: no per-object dict
class Locator:
    """Where a contact was read: its sheet row, ID and name as typed there.

    Never a contact's identity — on a shared sheet people insert and sort rows while a sync runs —
    only the hint a store uses to find the row again (and to notice that it moved).
    """

    row: int  # 1-based sheet row
    id: str  # as read ("" when the ID cell was blank)
    name: str  # as read


def id_key(text: object) -> str:
    """An ID as matched — the one reader, parse.id_key: NFKC-folded, trimmed and case-folded,
    so " c0001", "C0001" and "Ｃ０００１" are one contact."""
    return _id_reader()(text)


def _id_reader() -> Callable[[object], str]:
    """parse.id_key, imported on first use: parse imports this module."""
    global _read_id
    if _read_id is None:
        from sheets_sync.core.parse import id_key as read_id

        _read_id = read_id
    return _read_id


_read_id: Callable[[object], str] | None = None


def locator_key(row: int) -> str:
    """The key of a contact that has no ID and gets none (a row without a name)."""
    return f"#row{row}"


# Contacts, Interactions and Transactions are many (a book holds 100,000s of them): slots keep
# each one a fixed row of fields rather than a dict.
@dataclass(slots=True)
class Contact:
    """One row of the Contacts tab, as validation read it."""

    row: int  # sheet row number, 1-based: where it was read (see `locator`), not its identity
    id: str
    name: str
    owner: str = ""
    phone: str | None = None  # E.164 when valid
    email: str | None = None  # lower-cased domain when valid
    language: str = "en"  # one of vocabulary.MESSAGE_LANGUAGES
    country: str = ""  # ISO 3166 alpha-2
    birthday: PartialDate | None = None
    lunar_birthday: bool = False
    circle: str | None = None  # canonical English (vocabulary.CIRCLES)
    stage: str | None = None  # canonical English (vocabulary.STAGES)
    closing_date: date | None = None
    last_contact: date | None = None
    referred_by: str | None = None  # contact ID of the referrer, resolved from ID or exact name
    nps: int | None = None
    lost_reason: str | None = None
    do_not_contact: bool = False
    tier_override: str | None = None
    # Prospect intent grading (seed 001): None where the sheet has no such column or cell.
    accepts_product: bool | None = None
    accepts_price: bool | None = None
    can_afford: bool | None = None
    visits: int | None = None
    decision_makers_seen: bool | None = None
    # Preferences typed on Contacts (preferences.py reads them): "" when not given.
    salutation: str = ""
    preferred_name: str = ""
    preferred_channel: str = ""
    festivals: str = ""
    filled_fields: frozenset[str] = frozenset()  # profile fields with a usable value (completeness)
    # The contact's identity within one sync: see `Book` (which makes keys unique).
    key: str = ""
    locator: Locator | None = None  # set at construction, so it keeps the ID *as read*
    # The phone is a fixed line (no SMS), as validation found when it read the number; None
    # when nobody read it (a Contact built by hand), and the touch engine works it out.
    landline: bool | None = None

    def __post_init__(self) -> None:
        if self.locator is None:
            self.locator = Locator(self.row, self.id, self.name)
        if not self.key:
            self.key = id_key(self.id) or locator_key(self.row)


@dataclass(slots=True)
class Interaction:
    """One row of the Interactions tab (or a Done ticked on Today, logged)."""

    row: int | None
    date: date
    contact_id: str
    channel: str = ""
    touchpoint: str = ""
    outcome: str = ""
    notes: str = ""
    owner: str = ""


@dataclass(slots=True)
class Transaction:
    """One row of the Transactions tab."""

    row: int | None
    contact_id: str
    closing_date: date | None
    side: str = ""
    price: float | None = None
    commission: float | None = None
    source: str = ""
    referred_by: str | None = None


@dataclass(frozen=True)
class AssignedId:
    """An ID the sync writes into a blank ID cell, with where that contact was read."""

    id: str
    locator: Locator


@dataclass
class Book:
    """Everything the rules need, validated.

    Building a Book settles every contact's `key`: the ID as matched (`id_key`) — the typed ID, or
    the one this sync assigns to a blank ID cell — or, for a row that gets no ID (it has no name,
    or the tab has no ID column), `locator_key(row)`. A duplicated ID (reported by validation) keys
    its first row by the ID and every later row by ID + "#row<n>", so each row is still classified
    and written on its own.
    """

    contacts: list[Contact]
    interactions: list[Interaction]
    transactions: list[Transaction]
    issues: list[Issue] = field(default_factory=list)
    assigned_ids: dict[str, AssignedId] = field(default_factory=dict)  # contact key -> new ID

    def __post_init__(self) -> None:
        read_id = _id_reader()  # once for the book, not a wrapper's call per contact
        seen: set[str] = set()
        for contact in self.contacts:
            key = read_id(contact.id) or locator_key(contact.row)
            if key in seen:
                key = f"{key}{locator_key(contact.row)}"
            contact.key = key
            seen.add(key)

    def assigned_id(self, contact: Contact) -> str:
        """The ID this sync assigns to the contact's blank ID cell ("" when none)."""
        assigned = self.assigned_ids.get(contact.key)
        return assigned.id if assigned else ""


@dataclass(slots=True)
class Classification:
    """The computed columns of one contact."""

    tier: str
    lifecycle: str
    activity: str
    days_since_contact: int | None
    completeness: float  # 0..1
    score: float = 0.0
    # go into Row issues; most contacts have none, and share one empty tuple for it
    suggestions: list[str] | tuple[str, ...] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# The tool's own tabs, read back (readback.py, metrics_history.read_history): typed once, read
# everywhere.


@dataclass(frozen=True)
class TodayRow:
    """One row of the Today tab as read before the sync rewrites it."""

    row: int  # sheet row number
    done: bool
    due: date | None
    days_overdue: int | None
    contact_id: str
    touchpoint: str
    channel: str = ""
    outcome: str = ""
    notes: str = ""
    owner: str = ""
    # Outcome and Notes exactly as typed, spaces around them included: what a row kept on the
    # new list shows again (`outcome` and `notes` are the text as every reader reads text).
    typed_outcome: str = ""
    typed_notes: str = ""

    @property
    def written_on(self) -> date | None:
        """The day the list was written: Due + Days overdue (None when either is unreadable)."""
        if self.due is None or self.days_overdue is None:
            return None
        return self.due + timedelta(days=self.days_overdue)


@dataclass(frozen=True)
class HistoryRow:
    """One day of the Metrics history tab: its date, the metric cells the tool knows (by metric
    key, as read) and a person's own columns (by header)."""

    day: date | None
    raw_day: Any  # the Date cell as read, kept for a row whose date cannot be read
    values: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ThemeRow:
    """One row of the Themes tab people edit: the month it names and its filled cells."""

    month: int
    theme: str
    ideas: str


# ---------------------------------------------------------------------------------------------
# What the stores read and what they apply.


@dataclass
class Table:
    """A tab as read: its header row and the rows under it (values as the store gives them)."""

    name: str  # the tab's actual name in the workbook
    header_row: int  # 1-based
    headers: list[str]  # as typed
    # (1-based sheet row, values aligned with headers): a list, or (a read table) the rows kept
    # by column, a core/rows.py `Rows`, which iterates and appends the same way
    rows: list[tuple[int, list[Any]]]
    # (1-based sheet row, 0-based column) of cells holding a formula whose value the workbook
    # does not show (none saved, or ""): read as blank, but never blank to write over.
    formula_cells: frozenset[tuple[int, int]] = frozenset()
    used_width: int = 0  # columns in use, up to the last cell read with a value (a read table)


class _FormulaWithoutValue:
    """What a store puts in a grid for a formula cell with no value to read (see Table)."""

    def __repr__(self) -> str:
        return "FORMULA_WITHOUT_VALUE"


FORMULA_WITHOUT_VALUE = _FormulaWithoutValue()


# Kinds of cell a store is asked to write; each store maps them to its own formats (the Excel
# store to number-format codes and alignment, with the currency format it was configured with).
TEXT, WRAP, DATE, INTEGER, NUMBER, PERCENT, MONEY, BOOL = (
    "text", "wrap", "date", "integer", "number", "percent", "money", "bool"
)
KINDS = (TEXT, WRAP, DATE, INTEGER, NUMBER, PERCENT, MONEY, BOOL)  # wrap: text shown wrapped;
# number: a decimal; bool: TRUE/FALSE, which a person may tick (a dropdown in Excel).


@dataclass(frozen=True)
class Column:
    """One typed column of an owned tab (or an owned column of Contacts).

    `header` None: the column has no header cell (Metrics' breakdown tables run wider than its
    header row).
    """

    key: str  # stable within its tab: a vocabulary key, a metric key, or "extra:<header>"
    header: str | None
    kind: str = TEXT


@dataclass(frozen=True)
class ColumnRef:
    """Cells of one named column of an owned tab: data rows `first`..`last` (0-based, inclusive,
    counted under the header row)."""

    tab: str  # vocabulary.TABS key
    column: str  # Column.key in that tab
    first: int
    last: int


@dataclass
class Chart:
    """A chart drawn on an owned tab. kind: "line", "column", "bar" or "pie". Where it sits is
    the store's choice (the Excel store stacks charts at the right of the tab's data)."""

    kind: str
    title: str
    categories: ColumnRef
    series: list[tuple[str, ColumnRef]]  # (series name, values)
    date_categories: bool = False  # categories are dates: a date axis, not serial numbers


@dataclass
class WorkbookData:
    """What a store read: the tables the tool reads, by key, and the book's tabs."""

    tables: dict[str, Table]  # vocabulary.TABS key -> table, for the tabs the tool reads
    tab_names: list[str]  # every tab, in order
    tab_keys: dict[str, str] = field(default_factory=dict)  # TABS key -> actual tab name
    language: str = "en"  # language of the Contacts headers
    contacts_width: int = 0  # columns in use on Contacts (owned columns are appended after)


@dataclass
class OwnedTab:
    """A whole tab the tool owns and rewrites: typed columns and rows of plain Python values
    (str, int, float, bool, date, None) aligned with them; a row may be shorter."""

    key: str  # vocabulary.TABS key
    columns: list[Column]
    rows: list[list[Any]]
    # (data row index, column key) -> kind, for a column that mixes kinds (Metrics' Value)
    cell_kinds: dict[tuple[int, str], str] = field(default_factory=dict)
    autofilter: bool = False
    freeze_header: bool = True
    charts: list[Chart] = field(default_factory=list)
    create_only: bool = False  # written only when the workbook has no such tab (Themes, say)
    # (data row index, column key) -> URL: the cell is a hyperlink to it (Today's Send)
    links: dict[tuple[int, str], str] = field(default_factory=dict)

    @property
    def headers(self) -> list[str]:
        """The header row: the leading columns that have a header."""
        return [c.header for c in self.columns if c.header is not None]

    def index(self, column: str) -> int:
        """0-based position of a column key."""
        for n, c in enumerate(self.columns):
            if c.key == column:
                return n
        raise KeyError(f"tab {self.key} has no column {column!r}")


@dataclass
class ContactWrite:
    """The owned cells of one contact, keyed by owned-column key, and where it was read."""

    key: str  # Contact.key
    locator: Locator
    values: dict[str, Any]
    assign_id: str | None = None  # set when the ID cell was blank


@dataclass
class Append:
    """Rows added at the end of a tab people own (ticked Done items into Interactions), as
    records keyed by that tab's column keys; each store finds the columns by header."""

    tab: str  # vocabulary.TABS key
    records: list[dict[str, Any]]
    kinds: dict[str, str] = field(default_factory=dict)  # column key -> kind


@dataclass
class ChangeSet:
    """What a sync writes, in no store's layout: owned Contacts columns per contact, whole owned
    tabs, rows to append. Each store decides where and how (A1 cells, formats, widths)."""

    owned_columns: list[Column]  # Contacts' owned columns; header = text used when appending
    contacts: list[ContactWrite]
    tabs: list[OwnedTab]
    tab_names: dict[str, str]  # OwnedTab.key -> tab name to use (existing name wins)
    appends: list[Append] = field(default_factory=list)
