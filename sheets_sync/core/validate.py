"""Tables as read -> a validated `Book`, with one Issue per bad cell. Bad rows are kept."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sheets_sync.core import parse
from sheets_sync.core.model import (
    AssignedId,
    Book,
    Contact,
    Interaction,
    Issue,
    Table,
    Transaction,
    id_key,
)
from sheets_sync.core.owners import owner_key, owner_spellings
from sheets_sync.core.parse import ValueProblem
from sheets_sync.core.tables import column_keys
from sheets_sync.core.vocabulary import (
    CHANNELS,
    CIRCLES,
    CONTACT_COLUMNS,
    LOST_REASONS,
    MESSAGE_LANGUAGES,
    STAGES,
    channel_key,
    normalise,
)

Config = Mapping[str, Any]

# Contact fields parsed cell by cell: key -> parser(value, contact-so-far, config).
_DATE_FIELDS = ("closing_date", "last_contact")
_YES_NO_FIELDS = (
    "lunar_birthday",
    "do_not_contact",
    "accepts_product",
    "accepts_price",
    "can_afford",
    "decision_makers_seen",
)
_ENUMS = {"circle": CIRCLES, "stage": STAGES, "lost_reason": LOST_REASONS}
# Contact fields read from a column of their own: what [completeness].fields may name.
_PROFILE_FIELDS = tuple(key for key in CONTACT_COLUMNS if key in Contact.__dataclass_fields__)


class _Reader:
    """Reads one table's cells by canonical key and collects Issues as it goes."""

    def __init__(self, tab: str, table: Table, issues: list[Issue]) -> None:
        self.tab_name = table.name
        self.columns = column_keys(tab, table.headers)
        self.headers = table.headers
        self.issues = issues
        seen: dict[str, int] = {}
        for position, header in enumerate(table.headers):
            folded = normalise(header)
            if folded and folded in seen:
                issues.append(
                    Issue(
                        table.name,
                        table.header_row,
                        header,
                        header,
                        "Duplicate column header; only the first is used",
                        "rename or remove one of them",
                    )
                )
            seen.setdefault(folded, position)

    def has(self, key: str) -> bool:
        return key in self.columns

    def raw(self, values: list[Any], key: str) -> Any:
        col = self.columns.get(key)
        return values[col] if col is not None and col < len(values) else None

    def get(self, values: list[Any], row: int, key: str, parser: Callable[[Any], Any]) -> Any:
        """The parsed cell, or None when blank or bad (bad cells become an Issue)."""
        value = self.raw(values, key)
        if parse.is_blank(value):
            return None
        try:
            return parser(value)
        except ValueProblem as problem:
            self.issue(row, key, value, problem.problem, problem.suggestion)
            return None

    def contact_ref(self, values: list[Any], row: int, known: Mapping[str, str]) -> str | None:
        """The row's Contact ID as the Contacts tab spells it (matched by `parse.id_key`, so
        " c0001 " is C0001); an empty one is reported (and None returned), an unknown one is
        reported but kept, so the row still counts."""
        contact_id = self.get(values, row, "contact_id", parse.parse_text)
        if not contact_id:
            self.issue(
                row,
                "contact_id",
                "",
                "Contact ID is empty",
                "type the contact's ID from the Contacts tab",
            )
            return None
        if parse.id_key(contact_id) not in known:
            self.issue(
                row,
                "contact_id",
                contact_id,
                "No contact has this ID",
                "use an ID from the Contacts tab",
            )
            return contact_id
        return known[parse.id_key(contact_id)]

    def issue(self, row: int, key: str, value: Any, problem: str, suggestion: str = "") -> None:
        column = self.headers[self.columns[key]] if key in self.columns else key
        self.issues.append(Issue(self.tab_name, row, column, _shown(value), problem, suggestion))


def validate_book(tables: Mapping[str, Table], config: Config) -> Book:
    """Validate Contacts, Interactions and Transactions; assign IDs to rows with a blank ID."""
    general = config["general"]
    issues: list[Issue] = []
    contacts = _contacts(tables["contacts"], general, issues)
    id_col = column_keys("contacts", tables["contacts"].headers).get("id")
    assigned = (
        _assign_ids(contacts, general["id_prefix"], _formula_ids(tables["contacts"], id_col,
                                                                  contacts, issues))
        if id_col is not None
        else {}
    )
    _resolve_referrers(contacts, tables["contacts"].name, issues)
    known = _ids(contacts)
    by_name = _names(contacts)
    interactions = (
        _interactions(tables["interactions"], known, general, issues)
        if "interactions" in tables
        else []
    )
    transactions = (
        _transactions(tables["transactions"], known, by_name, general, issues)
        if "transactions" in tables
        else []
    )
    # A logged interaction's owner is read with the Contacts spelling (per-agent counts).
    shown = {owner_key(c.owner): c.owner for c in contacts if c.owner}
    for interaction in interactions:
        interaction.owner = shown.get(owner_key(interaction.owner), interaction.owner)
    return Book(contacts, interactions, transactions, issues, assigned)


def _contacts(table: Table, general: Mapping[str, Any], issues: list[Issue]) -> list[Contact]:
    cells = _Reader("contacts", table, issues)
    order = general["date_order"]
    default_country = general["default_country"]
    contacts: list[Contact] = []
    seen_ids: dict[str, int] = {}
    known_columns = list(cells.columns.values())
    if not cells.has("id"):
        issues.append(
            Issue(
                table.name,
                table.header_row,
                "ID",
                "",
                "The tab has no ID column",
                "add a column headed 'ID'; the next sync fills it",
            )
        )
    for row, values in table.rows:
        if all(parse.is_blank(values[c]) for c in known_columns if c < len(values)):
            continue  # only a person's own columns are filled: not a contact row
        get = lambda key, parser, v=values, r=row: cells.get(v, r, key, parser)  # noqa: E731
        contact = Contact(
            row=row, id=get("id", parse.parse_text) or "", name=get("name", parse.parse_text) or ""
        )
        if not contact.name:
            cells.issue(row, "name", "", "Name is empty", "type the contact's name")
        if contact.id:
            key = parse.id_key(contact.id)
            if key in seen_ids:
                cells.issue(
                    row,
                    "id",
                    contact.id,
                    f"Duplicate ID, also on row {seen_ids[key]}",
                    "give one of them a new ID, or clear it and the sync assigns one",
                )
            seen_ids.setdefault(key, row)
        contact.owner = get("owner", parse.parse_text) or ""
        contact.country = get("country", parse.parse_country) or default_country
        contact.language = (
            get("language", lambda v: parse.parse_enum(v, MESSAGE_LANGUAGES))
            or general["default_language"]
        )
        contact.phone = get("phone", lambda v, c=contact.country: parse.parse_phone(v, c))
        contact.email = get("email", parse.parse_email)
        contact.birthday = get("birthday", lambda v: parse.parse_partial_date(v, order))
        for key in _DATE_FIELDS:
            setattr(contact, key, get(key, lambda v: parse.parse_date(v, order)))
        for key in _YES_NO_FIELDS:
            setattr(contact, key, get(key, parse.parse_yes_no))
        contact.lunar_birthday = bool(contact.lunar_birthday)
        contact.do_not_contact = bool(contact.do_not_contact)
        for key, table_of_values in _ENUMS.items():
            setattr(contact, key, get(key, lambda v, t=table_of_values: parse.parse_enum(v, t)))
        contact.nps = get("nps", parse.parse_nps)
        contact.tier_override = get("tier_override", parse.parse_tier)
        contact.visits = get("visits", parse.parse_int)
        referred = get("referred_by", parse.parse_text)
        contact.referred_by = referred or None
        for key in ("salutation", "preferred_name", "preferred_channel", "festivals"):
            setattr(contact, key, get(key, parse.parse_text) or "")
        # Every column the sheet fills counts as filled; [completeness].fields picks which count.
        contact.filled_fields = frozenset(
            key
            for key in _PROFILE_FIELDS
            if getattr(contact, key) not in (None, "")
            and cells.has(key)
            and not parse.is_blank(cells.raw(values, key))
        )
        contacts.append(contact)
    _unify_owners(contacts, cells)
    return contacts


def _unify_owners(contacts: list[Contact], cells: _Reader) -> None:
    """One owner per agent, however the name is typed: each row spelt otherwise than most rows
    is shown with the common spelling and reported (the cell itself is the person's)."""
    shown = owner_spellings(c.owner for c in contacts)
    for contact in contacts:
        common = shown.get(owner_key(contact.owner)) if contact.owner else None
        if common and common != contact.owner:
            cells.issue(contact.row, "owner", contact.owner,
                        f"spelt differently from '{common}' on other rows; read as {common}",
                        f"did you mean {common}?")
            contact.owner = common


def _formula_ids(table: Table, id_col: int | None, contacts: list[Contact],
                 issues: list[Issue]) -> set[int]:
    """Rows whose ID cell holds a formula with no value to read: such a cell is the person's,
    never blank, so it gets no new ID; each is reported once."""
    rows = {row for row, col in table.formula_cells if col == id_col}
    for contact in contacts:
        if contact.row in rows and not contact.id:
            issues.append(Issue(
                table.name, contact.row, table.headers[id_col] if id_col is not None else "ID",
                "", "The ID is a formula that shows no value (none saved, empty, or an error)",
                "type the ID, or fix the formula; a file written by a script gets its "
                "results once Excel or LibreOffice saves it",
            ))
    return rows


def _assign_ids(contacts: list[Contact], prefix: str,
                formula_rows: set[int] | frozenset[int] = frozenset()) -> dict[str, AssignedId]:
    """New IDs continue the highest number already used with the prefix, so they stay unique."""
    pattern = re.compile(rf"{re.escape(prefix)}(\d+)$", re.I)
    numbers = [int(m.group(1)) for c in contacts if (m := pattern.match(c.id))]
    next_number = max(numbers, default=0) + 1
    taken = {parse.id_key(c.id) for c in contacts}
    assigned: dict[str, AssignedId] = {}
    for contact in contacts:
        if contact.id or not contact.name or contact.row in formula_rows:
            continue  # a row without a name is reported, not given an identity
        while parse.id_key(candidate := f"{prefix}{next_number:04d}") in taken:
            next_number += 1
        contact.id = candidate
        taken.add(parse.id_key(candidate))
        assert contact.locator is not None
        assigned[id_key(candidate)] = AssignedId(candidate, contact.locator)
        next_number += 1
    return assigned


def _ids(contacts: list[Contact]) -> dict[str, str]:
    """`parse.id_key` of every ID -> the ID as the first row with it spells it."""
    ids: dict[str, str] = {}
    for contact in contacts:
        if contact.id:
            ids.setdefault(parse.id_key(contact.id), contact.id)
    return ids


def _names(contacts: list[Contact]) -> dict[str, list[Contact]]:
    by_name: dict[str, list[Contact]] = {}
    for contact in contacts:
        if contact.name:
            by_name.setdefault(normalise(contact.name), []).append(contact)
    return by_name


def resolve_contact(
    text: str, ids: Mapping[str, str], by_name: Mapping[str, list[Contact]]
) -> tuple[str | None, str]:
    """A typed ID or exact name -> (contact ID, problem). Names must be unambiguous."""
    if parse.id_key(text) in ids:
        return ids[parse.id_key(text)], ""
    matches = by_name.get(normalise(text), [])
    if len(matches) == 1:
        return matches[0].id, ""
    if matches:
        return None, f"{len(matches)} contacts are called {text}; use the ID instead"
    return None, "No contact has this ID or name"


def _resolve_referrers(contacts: list[Contact], tab: str, issues: list[Issue]) -> None:
    ids = _ids(contacts)
    by_name = _names(contacts)
    for contact in contacts:
        if not contact.referred_by:
            continue
        typed = contact.referred_by
        found, problem = resolve_contact(typed, ids, by_name)
        if found is not None and parse.id_key(found) == parse.id_key(contact.id):
            found, problem = None, "A contact cannot refer themselves"
        if problem:
            issues.append(
                Issue(
                    tab,
                    contact.row,
                    "Referred by",
                    typed,
                    problem,
                    "type the referrer's ID from the ID column",
                )
            )
        contact.referred_by = found


def _interactions(
    table: Table, known: Mapping[str, str], general: Mapping[str, Any], issues: list[Issue]
) -> list[Interaction]:
    cells = _Reader("interactions", table, issues)
    order = general["date_order"]
    out: list[Interaction] = []
    for row, values in table.rows:
        when = cells.get(values, row, "date", lambda v: parse.parse_date(v, order))
        if when is None:
            if parse.is_blank(cells.raw(values, "date")):
                cells.issue(row, "date", "", "Date is empty", "type the date of the interaction")
            continue
        contact_id = cells.contact_ref(values, row, known)
        if not contact_id:
            continue
        channel = channel_key(cells.get(values, row, "channel", parse.parse_text))
        if channel and channel not in CHANNELS:
            cells.issue(
                row, "channel", channel, "Unknown channel", "use one of: " + ", ".join(CHANNELS)
            )
        out.append(
            Interaction(
                row=row,
                date=when,
                contact_id=contact_id,
                channel=channel,
                touchpoint=cells.get(values, row, "touchpoint", parse.parse_text) or "",
                outcome=cells.get(values, row, "outcome", parse.parse_text) or "",
                notes=cells.get(values, row, "notes", parse.parse_text) or "",
                owner=cells.get(values, row, "owner", parse.parse_text) or "",
            )
        )
    return out


def _transactions(
    table: Table,
    known: Mapping[str, str],
    by_name: Mapping[str, list[Contact]],
    general: Mapping[str, Any],
    issues: list[Issue],
) -> list[Transaction]:
    cells = _Reader("transactions", table, issues)
    order = general["date_order"]
    ids = known
    out: list[Transaction] = []
    for row, values in table.rows:
        contact_id = cells.contact_ref(values, row, known)
        if not contact_id:
            continue
        referrer = cells.get(values, row, "referred_by", parse.parse_text)
        if referrer:
            found, problem = resolve_contact(referrer, ids, by_name)
            if problem:
                cells.issue(row, "referred_by", referrer, problem, "type the referrer's ID")
            referrer = found
        out.append(
            Transaction(
                row=row,
                contact_id=contact_id,
                closing_date=cells.get(
                    values, row, "closing_date", lambda v: parse.parse_date(v, order)
                ),
                side=(cells.get(values, row, "side", parse.parse_text) or "").casefold(),
                price=cells.get(values, row, "price", parse.parse_number),
                commission=cells.get(values, row, "commission", parse.parse_number),
                source=(cells.get(values, row, "source", parse.parse_text) or "").casefold(),
                referred_by=referrer,
            )
        )
    return out


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
