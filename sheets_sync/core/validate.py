"""Tables as read -> a validated `Book`, with one Issue per bad cell. Bad rows are kept."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import compress, repeat, starmap
from typing import Any

from sheets_sync.core import parse
from sheets_sync.core.columns import (
    Problems,
    blanks,
    parse_column,
    parse_column_with,
    text_column,
)
from sheets_sync.core.model import (
    AssignedId,
    Book,
    Contact,
    Interaction,
    Issue,
    Table,
    Transaction,
    id_key,
    locator_key,
)
from sheets_sync.core.owners import owner_key, owner_spellings
from sheets_sync.core.parse import ValueProblem
from sheets_sync.core.rows import Rows, as_rows
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
    normalise_unremembered,
)

Config = Mapping[str, Any]

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
_TEXT_FIELDS = ("id", "name", "owner", "referred_by", "salutation", "preferred_name",
                "preferred_channel", "festivals")
# The Contacts fields whose cells may be bad, in the order a row's Issues are listed.
_CHECKED = ("country", "language", "phone", "email", "birthday", *_DATE_FIELDS, *_YES_NO_FIELDS,
            *_ENUMS, "nps", "tier_override", "visits")
_READ_FIELDS = (*_TEXT_FIELDS, *_CHECKED)
_EMPTY = (None, "")
# Fields whose blank cell reads as a value of its own (the default country and language, False).
_DEFAULTED = frozenset({"country", "language", "lunar_birthday", "do_not_contact"})
# Contact fields read from a column of their own: what [completeness].fields may name.
_PROFILE_FIELDS = tuple(key for key in CONTACT_COLUMNS if key in Contact.__dataclass_fields__)


class _Reader:
    """Reads one table's cells by canonical key, a column at a time, and collects Issues."""

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

    def column(self, rows: Rows, key: str) -> Sequence[Any]:
        """The cells of one column, row by row (None where the tab or the row has none)."""
        col = self.columns.get(key)
        if col is None:
            return [None] * len(rows)
        return rows.column(col)  # kept by column: no copy

    def issue(self, row: int, key: str, value: Any, problem: str, suggestion: str = "") -> None:
        column = self.headers[self.columns[key]] if key in self.columns else key
        self.issues.append(Issue(self.tab_name, row, column, _shown(value), problem, suggestion))

    def bad_cell(self, row: int, key: str, value: Any, problem: ValueProblem) -> None:
        self.issue(row, key, value, problem.problem, problem.suggestion)


class _ContactRefs:
    """Typed Contact IDs -> the ID as the Contacts tab spells it (matched by `parse.id_key`, so
    " c0001 " is C0001), each distinct text looked up once."""

    def __init__(self, known: Mapping[str, str]) -> None:
        self.known = known
        self.found: dict[str, str | None] = {}

    def of(self, cells: _Reader, row: int, contact_id: str) -> str | None:
        """The ID, or None for an empty cell (reported); an unknown ID is reported but kept,
        so the row still counts."""
        if not contact_id:
            cells.issue(row, "contact_id", "", "Contact ID is empty",
                        "type the contact's ID from the Contacts tab")
            return None
        spelt = self.spelt(contact_id)
        if spelt is None:
            cells.issue(row, "contact_id", contact_id, "No contact has this ID",
                        "use an ID from the Contacts tab")
            return contact_id
        return spelt

    def spelt(self, contact_id: str) -> str | None:
        """The ID as Contacts spells it, or None when no contact has it."""
        if contact_id in self.found:
            return self.found[contact_id]
        spelt = self.found[contact_id] = self.known.get(parse.id_key(contact_id))
        return spelt

    def spellings(self, contact_ids: Iterable[str]) -> dict[str, str | None]:
        """`spelt` of each distinct ID typed (an empty cell is none)."""
        return {typed: self.spelt(typed) for typed in dict.fromkeys(contact_ids) if typed}


def validate_book(tables: Mapping[str, Table], config: Config) -> Book:
    """Validate Contacts, Interactions and Transactions; assign IDs to rows with a blank ID."""
    general = config["general"]
    issues: list[Issue] = []
    contacts, read_keys = _contacts(tables["contacts"], general, issues)
    id_col = column_keys("contacts", tables["contacts"].headers).get("id")
    assigned = (
        _assign_ids(contacts, general["id_prefix"], _kept_id_cells(tables["contacts"], id_col,
                                                                    contacts, issues))
        if id_col is not None
        else {}
    )
    known = _ids(contacts, read_keys)
    by_name = _Names(contacts)
    _resolve_referrers(contacts, known, by_name, tables["contacts"].name, issues)
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
    keys = _owner_keys(c.owner for c in contacts)
    shown = {keys[c.owner]: c.owner for c in contacts if c.owner}
    spelt = {typed: shown.get(owner_key(typed), typed)
             for typed in set(map(_OWNER, interactions))}
    respelt = {typed: common for typed, common in spelt.items() if common != typed}
    if respelt:  # else every row already spells its owner as Contacts does
        for interaction in interactions:
            interaction.owner = respelt.get(interaction.owner, interaction.owner)
    return Book(contacts, interactions, transactions, issues, assigned)


_OWNER = operator.attrgetter("owner")


def _contacts(table: Table, general: Mapping[str, Any], issues: list[Issue]
              ) -> tuple[list[Contact], list[str]]:
    """The contacts read, and `parse.id_key` of each one's ID as read ("" for none)."""
    cells = _Reader("contacts", table, issues)
    order = general["date_order"]
    default_country = general["default_country"]
    default_language = general["default_language"]
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
    rows = _contact_rows(as_rows(table.rows), list(cells.columns.values()))
    raw = {key: cells.column(rows, key) for key in _READ_FIELDS}
    text = {key: text_column(raw[key]) if cells.has(key) else [""] * len(rows)
            for key in _TEXT_FIELDS}
    parsed: dict[str, list[Any]] = {}
    problems: dict[str, Problems] = {}

    def read(key: str, parser: Callable[[Any], Any], memo: dict[Any, Any] | None = None) -> None:
        if cells.has(key):
            parsed[key], problems[key] = parse_column(raw[key], parser, memo)
        else:  # no such column: every cell is blank
            parsed[key], problems[key] = [None] * len(rows), {}

    read("country", parse.parse_country)
    parsed["country"] = [country or default_country for country in parsed["country"]]
    read("language", lambda v: parse.parse_enum(v, MESSAGE_LANGUAGES))
    parsed["language"] = [language or default_language for language in parsed["language"]]
    phones, problems["phone"] = parse_column_with(raw["phone"], parsed["country"],
                                                  parse.parse_phone_number)
    parsed["phone"] = [phone.e164 if phone else None for phone in phones]
    read("email", parse.parse_email)
    read("birthday", lambda v: parse.parse_partial_date(v, order))
    dates: dict[Any, Any] = {}  # one memo for every date column: the same days recur
    for key in _DATE_FIELDS:
        read(key, lambda v: parse.parse_date(v, order), dates)
    answers: dict[Any, Any] = {}
    for key in _YES_NO_FIELDS:
        read(key, parse.parse_yes_no, answers)
    for key in ("lunar_birthday", "do_not_contact"):
        parsed[key] = [bool(answer) for answer in parsed[key]]
    for key, table_of_values in _ENUMS.items():
        read(key, lambda v, t=table_of_values: parse.parse_enum(v, t))
    read("nps", parse.parse_nps)
    read("tier_override", parse.parse_tier)
    read("visits", parse.parse_int)
    for key in _TEXT_FIELDS:
        parsed[key] = text[key]
    parsed["referred_by"] = [referred or None for referred in text["referred_by"]]
    parsed["filled_fields"] = _filled_fields(cells, rows, raw, parsed)
    parsed["landline"] = [phone.landline if phone else None for phone in phones]
    # Each contact's key as `Contact` would work it out (`parse.id_key` of the ID), taken
    # here because the duplicate check below reads the same keys.
    id_keys = list(map(parse.id_key, text["id"]))
    parsed["key"] = [key or locator_key(row) for key, row in zip(id_keys, rows.numbers,
                                                                  strict=True)]

    # Every Contact at once, its fields given by position: no keyword dict per row.
    fields = [parsed[name] if name in parsed else repeat(field.default)
              for name, field in Contact.__dataclass_fields__.items() if name != "row"]
    contacts = list(starmap(Contact, zip(rows.numbers, *fields, strict=False)))  # repeat() ends
    _contact_issues(cells, rows, text, id_keys,
                    [(key, problems[key], raw[key]) for key in _CHECKED if problems[key]])
    _unify_owners(contacts, cells)
    return contacts, id_keys


def _contact_issues(cells: _Reader, rows: Rows, text: Mapping[str, Sequence[str]],
                    id_keys: Sequence[str],
                    checks: Sequence[tuple[str, Problems, Sequence[Any]]]) -> None:
    """The Issues of the Contacts rows: no name, an ID already used above, a bad cell. They go
    row by row, and within a row in the order of _CHECKED (as the sheet is read); only the
    rows with one are visited."""
    flagged = set().union(*(found for _, found, _ in checks))
    flagged.update(compress(range(len(rows)), map(operator.not_, text["name"])))
    first_at: dict[str, int] = {}  # ID key -> the first position holding it
    for position, (contact_id, key) in enumerate(zip(text["id"], id_keys, strict=True)):
        if contact_id and first_at.setdefault(key, position) != position:
            flagged.add(position)
    for position in sorted(flagged):
        row = rows.numbers[position]
        contact_id, key = text["id"][position], id_keys[position]
        if not text["name"][position]:
            cells.issue(row, "name", "", "Name is empty", "type the contact's name")
        if contact_id and first_at[key] != position:
            cells.issue(
                row,
                "id",
                contact_id,
                f"Duplicate ID, also on row {rows.numbers[first_at[key]]}",
                "give one of them a new ID, or clear it and the sync assigns one",
            )
        for field_key, found, cell in checks:
            if position in found:
                cells.bad_cell(row, field_key, cell[position], found[position])


def _contact_rows(rows: Rows, known_columns: list[int]) -> Rows:
    """The rows that are contacts: any column the tool knows is filled (a row where only a
    person's own columns are filled is no contact)."""
    empty = list(range(len(rows)))
    for col in known_columns:  # most rows show a value in the first column looked at
        cells = rows.column(col)
        empty = list(compress(empty, blanks([cells[position] for position in empty])))
        if not empty:
            return rows
    skip = set(empty)
    return rows.select([position for position in range(len(rows)) if position not in skip])


def _filled_fields(cells: _Reader, rows: Sequence[Any], raw: Mapping[str, Sequence[Any]],
                   parsed: Mapping[str, list[Any]]) -> list[frozenset[str]]:
    """Per row, the profile fields with a usable value: every column the sheet fills counts
    as filled; [completeness].fields picks which count. Rows filled alike share one set."""
    present = [key for key in _PROFILE_FIELDS if cells.has(key)]
    # Per field, per row: whether the cell is empty (each column in one C-speed pass).
    empty = [map(operator.or_, _unusable(parsed[key]), blanks(raw[key]))
             if key in _DEFAULTED  # a blank cell reads as the default: filled only when typed
             else _unusable(parsed[key])  # a blank cell reads as None or ""
             for key in present]
    patterns = list(zip(*empty, strict=True)) if present else [()] * len(rows)
    sets = {pattern: frozenset(key for key, gap in zip(present, pattern, strict=True) if not gap)
            for pattern in set(patterns)}
    return list(map(sets.__getitem__, patterns))


def _unusable(values: Sequence[Any]) -> Iterator[bool]:
    """Per row: whether the value read is None or "" (`in _EMPTY`), tested by pointer where
    the column's types allow: a birthday compared with "" is a Python call."""
    kinds = set(map(type, values))
    if not any(issubclass(kind, str) for kind in kinds):  # no text: only None is empty
        return map(operator.is_, values, repeat(None))
    if kinds <= _TEXT_OR_NONE:
        return map(operator.not_, values)
    return map(_EMPTY.__contains__, values)


_TEXT_OR_NONE = frozenset({str, type(None)})


def _unify_owners(contacts: list[Contact], cells: _Reader) -> None:
    """One owner per agent, however the name is typed: each row spelt otherwise than most rows
    is shown with the common spelling and reported (the cell itself is the person's)."""
    shown = owner_spellings(c.owner for c in contacts)
    # A few agents own every row: each spelling's common one is looked up once, and only the
    # rows spelt otherwise are visited.
    respelt = {typed: common for typed, key in _owner_keys(c.owner for c in contacts).items()
               if typed and (common := shown.get(key)) and common != typed}
    if not respelt:
        return
    for contact in contacts:
        common = respelt.get(contact.owner)
        if common:
            cells.issue(contact.row, "owner", contact.owner,
                        f"spelt differently from '{common}' on other rows; read as {common}",
                        f"did you mean {common}?")
            contact.owner = common


def _owner_keys(names: Iterable[str]) -> dict[str, str]:
    """`owner_key` of each distinct spelling: a few agents own every row."""
    return {name: owner_key(name) for name in set(names)}


def _kept_id_cells(table: Table, id_col: int | None, contacts: list[Contact],
                   issues: list[Issue]) -> set[int]:
    """Rows whose ID cell reads as no ID yet is not empty: a formula with no value to read, or
    only spaces. Such a cell is the person's, never blank, so it gets no new ID (writing one
    would change what they typed); each is reported once."""
    formulas = {row for row, col in table.formula_cells if col == id_col}
    rows = as_rows(table.rows)
    cells = rows.column(id_col) if id_col is not None else ()
    spaces = {number for number, value in zip(rows.numbers, cells, strict=False)
              if value.__class__ is str and value and not value.strip()}
    column = table.headers[id_col] if id_col is not None else "ID"
    for contact in contacts:
        if contact.id:
            continue
        if contact.row in formulas:
            issues.append(Issue(
                table.name, contact.row, column,
                "", "The ID is a formula that shows no value (none saved, empty, or an error)",
                "type the ID, or fix the formula; a file written by a script gets its "
                "results once Excel or LibreOffice saves it",
            ))
        elif contact.row in spaces:
            issues.append(Issue(
                table.name, contact.row, column, "", "The ID cell holds only spaces",
                "clear the cell and the next sync gives the contact an ID, or type the ID"))
    return formulas | spaces


def _assign_ids(contacts: list[Contact], prefix: str,
                formula_rows: set[int] | frozenset[int] = frozenset()) -> dict[str, AssignedId]:
    """New IDs continue the highest number already used with the prefix, so they stay unique."""
    # A row without a name is reported, not given an identity.
    wanting = [c for c in contacts if not c.id and c.name and c.row not in formula_rows]
    if not wanting:
        return {}
    pattern = re.compile(rf"{re.escape(prefix)}(\d+)$", re.I)
    numbers = [int(m.group(1)) for c in contacts if (m := pattern.match(c.id))]
    next_number = max(numbers, default=0) + 1
    taken = {parse.id_key(c.id) for c in contacts}
    assigned: dict[str, AssignedId] = {}
    for contact in wanting:
        while parse.id_key(candidate := f"{prefix}{next_number:04d}") in taken:
            next_number += 1
        contact.id = candidate
        taken.add(parse.id_key(candidate))
        assert contact.locator is not None
        assigned[id_key(candidate)] = AssignedId(candidate, contact.locator)
        next_number += 1
    return assigned


def _ids(contacts: list[Contact], read_keys: Sequence[str]) -> dict[str, str]:
    """`parse.id_key` of every ID -> the ID as the first row with it spells it. `read_keys`
    holds the key of each ID as read; an ID assigned since (the key was "") is folded here."""
    ids: dict[str, str] = {}
    for contact, key in zip(contacts, read_keys, strict=True):
        if contact.id:
            ids.setdefault(key or parse.id_key(contact.id), contact.id)
    return ids


class _Names(Mapping[str, list[Contact]]):
    """Folded name -> the contacts called so, worked out on the first look-up: a book whose
    referrers are all typed as IDs never folds its names."""

    def __init__(self, contacts: list[Contact]) -> None:
        self._contacts = contacts
        self._index: dict[str, list[Contact]] | None = None

    def _by_name(self) -> dict[str, list[Contact]]:
        if self._index is None:
            self._index = {}
            for contact in self._contacts:
                if contact.name:
                    self._index.setdefault(normalise_unremembered(contact.name), []).append(
                        contact)
        return self._index

    def __getitem__(self, name: str) -> list[Contact]:
        return self._by_name()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name())

    def __len__(self) -> int:
        return len(self._by_name())


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


def _resolve_referrers(contacts: list[Contact], ids: Mapping[str, str],
                       by_name: Mapping[str, list[Contact]], tab: str,
                       issues: list[Issue]) -> None:
    # A referrer is typed on many rows: each typed text is resolved once.
    resolved: dict[str, tuple[str | None, str, str]] = {}
    for contact in contacts:
        if not contact.referred_by:
            continue
        typed = contact.referred_by
        if typed not in resolved:
            found, problem = resolve_contact(typed, ids, by_name)
            resolved[typed] = (found, problem, parse.id_key(found) if found is not None else "")
        found, problem, found_key = resolved[typed]
        if found is not None and found_key == parse.id_key(contact.id):
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
    rows = as_rows(table.rows)
    raw_dates = cells.column(rows, "date")
    dates, bad_dates = parse_column(raw_dates, lambda v: parse.parse_date(v, order))
    contact_ids = text_column(cells.column(rows, "contact_id"))
    channels = text_column(cells.column(rows, "channel"))
    touchpoints, outcomes, notes, owners = (
        text_column(cells.column(rows, key)) for key in ("touchpoint", "outcome", "notes", "owner"))
    refs = _ContactRefs(known)
    channel_of = {typed: channel_key(typed) for typed in dict.fromkeys(channels)}
    keys = list(map(channel_of.__getitem__, channels))
    # Each distinct ID and channel is looked up once; only the rows holding a bad or missing
    # one are then visited, in sheet order, to report them as a row-by-row read would.
    spelling = refs.spellings(contact_ids)
    unknown = {typed for typed, spelt in spelling.items() if spelt is None}
    unknown.add("")
    bad_channels = {key for key in channel_of.values() if key and key not in CHANNELS}
    flagged = set(compress(range(len(rows)), map(operator.is_, dates, repeat(None))))
    flagged.update(compress(range(len(rows)), map(unknown.__contains__, contact_ids)))
    if bad_channels:
        flagged.update(compress(range(len(rows)), map(bad_channels.__contains__, keys)))
    dropped: set[int] = set()
    for position in sorted(flagged):
        row = rows.numbers[position]
        if dates[position] is None:
            if position in bad_dates:
                cells.bad_cell(row, "date", raw_dates[position], bad_dates[position])
            else:
                cells.issue(row, "date", "", "Date is empty", "type the date of the interaction")
            dropped.add(position)
            continue
        if not refs.of(cells, row, contact_ids[position]):
            dropped.add(position)
            continue
        channel = keys[position]
        if channel and channel not in CHANNELS:
            cells.issue(
                row, "channel", channel, "Unknown channel", "use one of: " + ", ".join(CHANNELS)
            )
    # The kept rows' Interactions at once, fields by position (row, date, contact_id, ...).
    id_of = {typed: spelt or typed for typed, spelt in spelling.items()}
    fields = [rows.numbers, dates, list(map(id_of.get, contact_ids)), keys, touchpoints,
              outcomes, notes, owners]
    if dropped:
        kept = [position for position in range(len(rows)) if position not in dropped]
        fields = [[column[p] for p in kept] for column in fields]
    return list(starmap(Interaction, zip(*fields, strict=True)))


def _transactions(
    table: Table,
    known: Mapping[str, str],
    by_name: Mapping[str, list[Contact]],
    general: Mapping[str, Any],
    issues: list[Issue],
) -> list[Transaction]:
    cells = _Reader("transactions", table, issues)
    order = general["date_order"]
    rows = as_rows(table.rows)
    contact_ids = text_column(cells.column(rows, "contact_id"))
    referrers = text_column(cells.column(rows, "referred_by"))
    raw = {key: cells.column(rows, key) for key in ("closing_date", "price", "commission")}
    closings, bad_closings = parse_column(raw["closing_date"], lambda v: parse.parse_date(v, order))
    amounts: dict[Any, Any] = {}
    prices, bad_prices = parse_column(raw["price"], parse.parse_number, amounts)
    commissions, bad_commissions = parse_column(raw["commission"], parse.parse_number, amounts)
    sides, sources = (text_column(cells.column(rows, key)) for key in ("side", "source"))
    checks = (("closing_date", bad_closings), ("price", bad_prices),
              ("commission", bad_commissions))
    refs = _ContactRefs(known)
    resolved: dict[str, tuple[str | None, str]] = {}
    out: list[Transaction] = []
    for position, row in enumerate(rows.numbers):
        contact_id = refs.of(cells, row, contact_ids[position])
        if not contact_id:
            continue
        referrer: str | None = referrers[position]
        if referrer:
            if referrer not in resolved:
                resolved[referrer] = resolve_contact(referrer, known, by_name)
            found, problem = resolved[referrer]
            if problem:
                cells.issue(row, "referred_by", referrer, problem, "type the referrer's ID")
            referrer = found
        else:
            referrer = None
        for key, found_problems in checks:
            if position in found_problems:
                cells.bad_cell(row, key, raw[key][position], found_problems[position])
        out.append(
            Transaction(
                row=row,
                contact_id=contact_id,
                closing_date=closings[position],
                side=sides[position].casefold(),
                price=prices[position],
                commission=commissions[position],
                source=sources[position].casefold(),
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
