"""The Today tab (SPEC §2): building it, harvesting its ticked Done rows into Interactions exactly
once, printing it in a terminal, and exporting touchpoints as an iCalendar file."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from sheets_sync.core.facts import EDITED_PREFIX, NOTE_PREFIX, BookFacts
from sheets_sync.core.model import (
    BOOL,
    DATE,
    INTEGER,
    NUMBER,
    TEXT,
    WRAP,
    Book,
    Column,
    Interaction,
    OwnedTab,
    Table,
    TodayRow,
)
from sheets_sync.core.parse import id_key
from sheets_sync.core.preferences import preferred_app
from sheets_sync.core.readback import read_today, written_on
from sheets_sync.core.send_links import SendLink, app_for, send_link, shown_in
from sheets_sync.core.tables import column_keys
from sheets_sync.core.text_safety import ics_text, terminal_text
from sheets_sync.core.touchpoints import Touchpoint
from sheets_sync.core.vocabulary import (
    CHANNEL_WORDS,
    TODAY_COLUMNS,
    channel_key,
    label,
    normalise,
)

COLUMN_KEYS = tuple(TODAY_COLUMNS)
# NOTE_PREFIX (facts.py): the Touchpoint of a note kept from Today says where the text came
# from, and names no rule, so it never counts as that touchpoint done.
_COL = {key: position for position, key in enumerate(COLUMN_KEYS)}
LAST_INTERACTION_CHARS = 60
_RULE_SUFFIX = re.compile(r"\s*\[[A-Za-z0-9_]+\]\s*$")


def today_tab(items: Sequence[Touchpoint], lang: str,
              typed: Mapping[tuple[str, str], TodayRow] | None = None,
              ticked: Sequence[Sequence[Any]] = (),
              last: Mapping[str, str] | None = None,
              apps: Mapping[str, str] | None = None, key: str = "today") -> OwnedTab:
    """The Today tab in the workbook language `lang`: Done (unticked), Due, Days overdue,
    Priority, Owner, Contact ID, Name, Tier, Touchpoint (its readable label), Channel, Phone,
    Email, Send (a link that opens the drafted message in the contact's app, see
    send_links.py), Message, Last interaction (`last`, by contact key), Outcome and Notes for the
    agent — blank, or what the agent typed there on an un-ticked row of the previous list for the
    same contact and touchpoint (`typed`, see `typed_but_not_ticked`) — and Rule, the rule's key,
    so a ticked row names its rule when harvested ("Label [rule_key]"). `apps` names the app a
    contact's messages go by (by contact key). Items keep their given order (highest priority
    first); under them, the rows ticked on today's list so far (`ticked`, see `ticked_today`),
    still ticked. `key` "greetings" gives the Greetings tab the same way."""
    typed = typed or {}
    last = last or {}
    apps = apps or {}
    rows = []
    links: dict[tuple[int, str], str] = {}
    for item in items:
        kept = typed.get(_item_key(item.contact_id, item.touchpoint))
        contact = id_key(item.contact_id)
        link = send_link(item.channel, item.phone, item.email, item.message,
                         subject=item.label, app=apps.get(contact, ""))
        if link is not None:
            links[(len(rows), "send")] = link.url
        values: dict[str, Any] = {
            "done": False,
            "due": item.due,
            "days_overdue": item.days_overdue,
            "priority": item.priority,
            "owner": item.owner,
            "contact_id": item.contact_id,
            "name": item.name,
            "tier": item.tier,
            "touchpoint": item.label,
            "channel": item.channel,
            "phone": item.phone or "",
            "email": item.email or "",
            "send": shown_in(link.text, lang) if link else "",
            "message": item.message,
            "last_interaction": last.get(contact, ""),
            "outcome": kept.typed_outcome if kept else "",
            "notes": kept.typed_notes if kept else "",
            "rule": item.rule,
        }
        rows.append([values[key] for key in COLUMN_KEYS])
    for row in ticked:  # a ticked row kept on the list keeps its Send link
        cells = list(row)
        link = _kept_link(cells, apps)
        if link is not None:
            links[(len(rows), "send")] = link.url
        rows.append(cells)
    kinds = {"due": DATE, "days_overdue": INTEGER, "priority": NUMBER, "message": WRAP,
             "done": BOOL, "last_interaction": WRAP, "touchpoint": WRAP}
    columns = [Column(key, label(TODAY_COLUMNS[key], lang), kinds.get(key, TEXT))
               for key in COLUMN_KEYS]
    return OwnedTab(key=key, columns=columns, rows=rows, autofilter=True, freeze_header=True,
                    links=links)


def _kept_link(cells: Sequence[Any], apps: Mapping[str, str]) -> SendLink | None:
    """The Send link of a row carried on from the list it was ticked on, rebuilt from its own
    cells (the link's URL is not read back from the sheet)."""
    if not cells[_COL["send"]]:
        return None

    def text(key: str) -> str:
        value = cells[_COL[key]]
        return "" if value is None else str(value)

    return send_link(text("channel"), text("phone") or None, text("email") or None,
                     text("message"), subject=text("touchpoint"),
                     app=apps.get(id_key(text("contact_id")), ""))


def message_apps(book: Book, config: Mapping[str, Any]) -> dict[str, str]:
    """The app each contact's messages open in, by `parse.id_key` of its ID: its Preferred
    channel, else its country's usual app (`today.message_apps`), else SMS."""
    by_country = config.get("today", {}).get("message_apps", {})
    default = config["general"]["default_country"]
    apps = {}
    for contact in book.contacts:
        shown = contact.id or book.assigned_id(contact)  # the ID Today shows
        if shown:
            apps[id_key(shown)] = app_for(preferred_app(contact.preferred_channel),
                                          contact.country or default, by_country)
    return apps


def last_interactions(facts: BookFacts, limit: int = LAST_INTERACTION_CHARS, lang: str = "en"
                      ) -> Mapping[str, str]:
    """The newest interaction of each contact, by `parse.id_key` of its ID: the last of its
    `facts.interactions` (dated on or before the day, oldest first, ties in sheet order) in a
    few words: "11-25 call: asked about school zones" — the notes, else the outcome, else the
    touchpoint's label, cut to `limit` characters. A known channel is named in `lang` ("11-25
    电话：…" in a Chinese book), whatever language it was typed in."""
    return _LastInteractions(facts, limit, lang)


class _LastInteractions(Mapping[str, str]):
    """`last_interactions`, each put in words when it is first read: Today and Greetings show a
    few hundred contacts of a book that may hold 100,000."""

    def __init__(self, facts: BookFacts, limit: int, lang: str) -> None:
        self._canon, self._logged = facts.keys.canon, facts.interactions
        self._limit, self._lang = limit, lang

    def __getitem__(self, key: str) -> str:
        logged = self._logged.get(self._canon.get(key, ""))
        if not logged:
            raise KeyError(key)
        interaction = logged[-1]
        said = " ".join((interaction.notes or interaction.outcome
                         or _RULE_SUFFIX.sub("", interaction.touchpoint or "")).split())
        head = f"{interaction.date:%m-%d}"
        if interaction.channel:
            known = CHANNEL_WORDS.get(channel_key(interaction.channel))
            head += f" {label(known, self._lang) if known else interaction.channel}"
        text = f"{head}: {said}" if said else head
        return text if len(text) <= self._limit else text[: self._limit - 1].rstrip() + "…"

    def __iter__(self) -> Iterator[str]:
        return (folded for folded, key in self._canon.items() if self._logged.get(key))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def ticked_today(today_table: Table | None, today: date, date_order: str = "dmy"
                 ) -> list[list[Any]]:
    """The ticked rows of a Today list written `today`, cells in `COLUMN_KEYS` order, Done
    ticked. A sync on the list's own day (the light sync every few minutes, a re-run) writes
    them back under the new list, so the day's first sync after it still reads every item of
    that day, done ones included, for Touchpoints on time; their harvest is not repeated (a
    row already logged is skipped). A list of an earlier day is not carried on."""
    if today_table is None:
        return []
    columns = column_keys("today", today_table.headers)
    kept = []
    for (_, values), row in zip(today_table.rows, read_today(today_table, date_order),
                                strict=True):
        if not row.done or row.written_on != today or not row.contact_id or not row.touchpoint:
            continue
        cells = [values[columns[key]] if key in columns and columns[key] < len(values) else None
                 for key in COLUMN_KEYS]
        cells[_COL["done"]] = True
        cells[_COL["due"]] = row.due
        cells[_COL["days_overdue"]] = row.days_overdue
        kept.append(cells)
    return kept


def typed_but_not_ticked(today_table: Table | None, date_order: str = "dmy"
                         ) -> dict[tuple[str, str], TodayRow]:
    """Rows of the previous Today tab whose Outcome or Notes a person typed without ticking
    Done, by (contact, touchpoint). Their text is never erased: it stays on that item's row of
    the new list (`today_tab`), or, when the item is no longer on it, goes into Interactions
    (`notes_left_on_today`)."""
    typed: dict[tuple[str, str], TodayRow] = {}
    for row in read_today(today_table, date_order):
        if not row.done and (row.outcome or row.notes) and row.contact_id:
            typed.setdefault(_item_key(row.contact_id, row.touchpoint), row)
    return typed


def notes_left_on_today(typed: Mapping[tuple[str, str], TodayRow],
                        items: Iterable[Touchpoint], today: date) -> list[Interaction]:
    """An Interactions row for each typed-but-not-ticked row whose item left the list, so its
    text is kept in the log. Channel blank (the agent did not say how, and "note" is the
    handwritten-note channel); Touchpoint says where it came from and is no rule's label, so it
    never counts as that touchpoint done."""
    listed = {_item_key(item.contact_id, item.touchpoint) for item in items}
    return [_kept_note(row, NOTE_PREFIX, today) for key, row in typed.items() if key not in listed]


def _kept_note(row: TodayRow, prefix: str, when: date) -> Interaction:
    """The Interactions row that keeps a Today row's Outcome and Notes: Channel blank (the agent
    did not say how, and "note" is the handwritten-note channel), Touchpoint `prefix` and the
    item's label, which is no rule's label, so it never counts as that touchpoint done."""
    return Interaction(row=None, date=when, contact_id=row.contact_id, channel="",
                       touchpoint=f"{prefix}{_RULE_SUFFIX.sub('', row.touchpoint)}"
                       if row.touchpoint else "",
                       outcome=row.outcome, notes=row.notes, owner=row.owner)


def _item_key(contact_id: str, touchpoint: str) -> tuple[str, str]:
    return id_key(contact_id), normalise(touchpoint)


def harvest_done(today_table: Table, existing: list[Interaction], today: date,
                 date_order: str = "dmy", carried_on: date | None = None) -> list[Interaction]:
    """Interactions for the ticked Done rows of the previous Today tab (SPEC §2), exactly once.

    Headers may be in any supported language; cells are read by the readers of parse.py (a
    Done cell ticked with TRUE, x, ✓, "done", "✅" or "完成" counts). A row is skipped when
    `existing` already holds the same contact (`parse.id_key`) and Touchpoint dated on or after
    the row's Due date (or today when Due is unreadable): that is a re-run, a crash between the
    append and the rewrite, or a touch the agent also typed into Interactions by hand. Identical
    ticked rows give one Interaction.

    A skipped row whose Outcome or Notes no Interaction of its contact since its Due date holds
    (typed after the tick was logged, or beside a touch also typed in by hand) is logged as a
    note (`EDITED_PREFIX`, naming no rule), so the rewrite erases nothing typed — except on a
    list written `carried_on`, whose ticked rows the new list carries on as they are
    (`ticked_today`): their text is still there, and is looked at again when the list is
    replaced.

    A tick is dated the day its list was written (every row's Due + Days overdue), the day the
    agent worked it: the 02:00 sync that harvests Monday's ticks logs them on Monday, not
    Tuesday. A list whose day cannot be read, or one dated after `today`, logs `today`.
    """
    rows = read_today(today_table, date_order)
    worked = written_on(rows)
    done_on = worked if worked is not None and worked <= today else today
    ticked = [row for row in rows if row.done and row.contact_id and row.touchpoint]
    if not ticked:
        return []
    # Only the ticked rows' contacts are looked up: their interactions are all that is read.
    wanted = {id_key(row.contact_id) for row in ticked}
    logged: dict[tuple[str, str], list[date]] = defaultdict(list)
    said: dict[str, list[tuple[date, str, str]]] = defaultdict(list)  # by contact: its texts
    for interaction in existing:
        contact = id_key(interaction.contact_id)
        if interaction.date is not None and contact in wanted:
            logged[_key(interaction.contact_id, interaction.touchpoint)].append(interaction.date)
            said[contact].append(_said(interaction))

    out: list[Interaction] = []
    for row in ticked:
        since = min(row.due, done_on) if row.due else done_on
        key = _key(row.contact_id, row.touchpoint)
        contact = key[0]
        if any(when >= since for when in logged[key]):
            text = (row.outcome or "", row.notes or "")
            if any(text) and row.written_on != carried_on and not any(
                    when >= since and (outcome, notes) == text
                    for when, outcome, notes in said[contact]):
                out.append(_kept_note(row, EDITED_PREFIX, done_on))
                said[contact].append(_said(out[-1]))
            continue
        logged[key].append(done_on)
        out.append(Interaction(
            row=None,
            date=done_on,
            contact_id=row.contact_id,
            channel=row.channel,
            touchpoint=row.touchpoint,
            outcome=row.outcome,
            notes=row.notes,
            owner=row.owner,
        ))
        said[contact].append(_said(out[-1]))
    return out


def _said(interaction: Interaction) -> tuple[date, str, str]:
    return interaction.date, interaction.outcome or "", interaction.notes or ""


def _key(contact_id: object, touchpoint: object) -> tuple[str, str]:
    return id_key(contact_id), normalise(touchpoint or "")


# ---------------------------------------------------------------------------------------------
# Terminal


def display_width(text: str) -> int:
    """Columns `text` takes in a terminal: wide and full-width characters (CJK) take two,
    combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def _fit(text: str, limit: int) -> str:
    """`text` cut to at most `limit` columns, ending in "…" when cut."""
    if display_width(text) <= limit:
        return text
    out, width = [], 0
    for char in text:
        step = 0 if unicodedata.combining(char) else (
            2 if unicodedata.east_asian_width(char) in ("W", "F") else 1)
        if width + step > limit - 1:
            break
        out.append(char)
        width += step
    return "".join(out) + "…"


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - display_width(text), 0)
    return gap + text if right else text + gap


_TERMINAL_COLUMNS = (
    # key, English header, maximum width, right-aligned
    ("due", "Due", 10, False),
    ("days_overdue", "Late", 4, True),
    ("priority", "Prio", 6, True),
    ("owner", "Owner", 12, False),
    ("name", "Name", 20, False),
    ("tier", "Tier", 4, False),
    ("touchpoint", "Touchpoint", 40, False),
    ("channel", "Channel", 7, False),
    ("reach", "Phone/Email", 24, False),
    ("message", "Message", 60, False),
)


def format_table(items: Iterable[Touchpoint]) -> str:
    """`sheets-sync today` in a terminal: one aligned line per item, CJK-width aware (a Chinese
    name takes two columns per character), long cells cut with "…"."""
    rows = []
    for item in items:
        rows.append({
            "due": item.due.isoformat(),
            "days_overdue": str(item.days_overdue),
            "priority": f"{item.priority:g}",
            "owner": item.owner or "",
            "name": item.name or "",
            "tier": item.tier or "",
            "touchpoint": item.label,
            "channel": item.channel,
            "reach": (item.email if item.channel == "email" else item.phone) or item.phone
            or item.email or "",
            "message": " ".join((item.message or "").split()),
        })
        rows[-1] = {key: terminal_text(value) for key, value in rows[-1].items()}
    widths = {}
    for key, header, limit, _right in _TERMINAL_COLUMNS:
        cells = [_fit(row[key], limit) for row in rows]
        for row, cell in zip(rows, cells, strict=True):
            row[key] = cell
        widths[key] = max([display_width(header), *(display_width(c) for c in cells)])
    lines = ["  ".join(_pad(header, widths[key], right)
                       for key, header, _limit, right in _TERMINAL_COLUMNS).rstrip()]
    lines.append("  ".join("-" * widths[key] for key, *_ in _TERMINAL_COLUMNS))
    for row in rows:
        lines.append("  ".join(_pad(row[key], widths[key], right)
                               for key, _header, _limit, right in _TERMINAL_COLUMNS).rstrip())
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# iCalendar (RFC 5545), written directly so the export needs no extra package.


def to_ics(items: Iterable[Touchpoint], calendar_name: str) -> bytes:
    """An iCalendar file: one all-day VEVENT per item on its due date, with a UID stable across
    exports (contact ID + rule key + due date), summary "Touchpoint – Name" and the message in
    the description. DTSTAMP is the due date itself, so the same items give the same bytes."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//sheets-sync//touchpoints//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(calendar_name)}",
    ]
    seen: dict[str, int] = defaultdict(int)
    for item in items:
        base = f"{item.contact_id}|{item.rule}|{item.due.isoformat()}"
        seen[base] += 1
        if seen[base] > 1:  # two referrals thanked the same day: keep both, still stable
            base = f"{base}|{seen[base]}"
        uid = hashlib.sha1(base.encode("utf-8")).hexdigest()[:32] + "@sheets-sync"
        reach = " · ".join(x for x in (item.channel, item.phone or "", item.email or "") if x)
        description = "\n".join(part for part in (
            item.message,
            "",
            reach,
            f"ID: {item.contact_id}" + (f" · {item.owner}" if item.owner else ""),
        ) if part is not None)
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{item.due.strftime('%Y%m%d')}T000000Z",
            f"DTSTART;VALUE=DATE:{item.due.strftime('%Y%m%d')}",
            f"DTEND;VALUE=DATE:{(item.due + timedelta(days=1)).strftime('%Y%m%d')}",
            f"SUMMARY:{_ics_text(f'{item.label} – {item.name}')}",
            f"DESCRIPTION:{_ics_text(description.strip())}",
            f"CATEGORIES:{_ics_text(item.rule)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines).encode("utf-8")


def _ics_text(text: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11), forbidden control characters dropped."""
    text = ics_text(text)
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character (RFC 5545 §3.1)."""
    out, current, size = [], [], 0
    limit = 75
    for char in line:
        length = len(char.encode("utf-8"))
        if size + length > limit:
            out.append("".join(current))
            current, size, limit = [], 0, 74  # continuation lines start with one space
        current.append(char)
        size += length
    out.append("".join(current))
    return "\r\n ".join(out)
