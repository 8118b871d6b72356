"""Plain data passed between the stores and the rules. No behaviour beyond small derived values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any


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


@dataclass
class Contact:
    row: int  # sheet row number, 1-based
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
    filled_fields: frozenset[str] = frozenset()  # profile fields with a usable value (completeness)


@dataclass
class Interaction:
    row: int | None
    date: date
    contact_id: str
    channel: str = ""
    touchpoint: str = ""
    outcome: str = ""
    notes: str = ""
    owner: str = ""


@dataclass
class Transaction:
    row: int | None
    contact_id: str
    closing_date: date | None
    side: str = ""
    price: float | None = None
    commission: float | None = None
    source: str = ""
    referred_by: str | None = None


@dataclass
class Book:
    """Everything the rules need, validated."""

    contacts: list[Contact]
    interactions: list[Interaction]
    transactions: list[Transaction]
    issues: list[Issue] = field(default_factory=list)
    assigned_ids: dict[int, str] = field(default_factory=dict)  # Contacts row -> new ID


@dataclass
class Classification:
    """The computed columns of one contact."""

    tier: str
    lifecycle: str
    activity: str
    days_since_contact: int | None
    completeness: float  # 0..1
    score: float = 0.0
    suggestions: list[str] = field(default_factory=list)  # go into Row issues


# ---------------------------------------------------------------------------------------------
# The tool's own tabs, read back (readback.py, metrics.read_history): typed once, read everywhere.


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
    rows: list[tuple[int, list[Any]]]  # (1-based sheet row, values aligned with headers)


@dataclass
class OwnedTab:
    """A whole tab the tool owns and rewrites.

    `formats` maps a column index to one of: "date", "percent", "integer", "number", "money",
    "text", "wrap", "bool". Values are plain Python: str, int, float, bool, date, None.
    """

    key: str  # vocabulary.TABS key
    headers: list[str]
    rows: list[list[Any]]
    formats: dict[int, str] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    autofilter: bool = False
    freeze_header: bool = True
    bool_columns: list[int] = field(default_factory=list)  # TRUE/FALSE dropdown (Today's Done)
    charts: list[ChartSpec] = field(default_factory=list)
    # (data row index, column) -> format, for columns that mix kinds (Metrics' Value column)
    cell_formats: dict[tuple[int, int], str] = field(default_factory=dict)
    create_only: bool = False  # written only when the workbook has no such tab (Themes, say)


@dataclass
class RowWrite:
    """Owned cells of one Contacts row. `values` is keyed by owned-column key."""

    row: int
    contact_id: str
    values: dict[str, Any]
    assign_id: str | None = None  # set when the ID cell was blank


@dataclass
class WritePlan:
    contacts_tab: str
    header_row: int
    owned_headers: dict[str, str]  # owned-column key -> header text to use when appending
    owned_formats: dict[str, str]  # owned-column key -> format (see OwnedTab)
    row_writes: list[RowWrite]
    tabs: list[OwnedTab]
    tab_names: dict[str, str]  # OwnedTab.key -> tab name to use (existing name wins)
    appends: dict[str, list[list[Any]]] = field(default_factory=dict)  # tab name -> rows
    append_formats: dict[str, dict[int, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class CellRange:
    """A column of cells in an owned tab: 0-based column, 1-based first/last sheet rows."""

    tab: str  # vocabulary.TABS key of the tab holding the data
    col: int
    first_row: int
    last_row: int


@dataclass
class ChartSpec:
    """A chart drawn on an owned tab (Metrics). kind: "line", "column", "bar" or "pie"."""

    kind: str
    title: str
    categories: CellRange
    series: list[tuple[str, CellRange]]  # (series name, values)
    anchor: str  # top-left cell, e.g. "H2"
    date_categories: bool = False  # categories are date cells: a date axis, not serial numbers
