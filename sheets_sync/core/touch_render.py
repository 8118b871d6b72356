"""A picked candidate as the `Touchpoint` the sync writes: its label in the workbook's language
and its message drafted in the contact's (templates via messages.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sheets_sync.core.messages import Templates, placeholders, render
from sheets_sync.core.model import Contact
from sheets_sync.core.preferences import address
from sheets_sync.core.touch_engine import Candidate
from sheets_sync.core.touch_index import EngineSettings, Occurrence
from sheets_sync.core.touch_rules import Rule
from sheets_sync.core.touch_triggers import own_values


class _DraftedWhenRead:
    """The `message` field of a Touchpoint: a str to every reader, drafted the first time it
    is read when the engine gave a `Draft` for it. Most due items never reach a tab that shows
    their message (Today takes one per contact, under a daily cap), and drafting them all was
    most of the cost of rendering. It wraps the field's slot (`Touchpoint` has slots: a sync
    holds one per contact with something due until the cap cuts them, 80,000 at 100,000
    contacts, and a dict each was half their memory)."""

    def __init__(self, slot: Any) -> None:
        self._slot = slot  # the member descriptor the slots dataclass made for the field

    def __get__(self, item: object, owner: type | None = None) -> Any:
        if item is None:
            return self
        value = self._slot.__get__(item, owner)
        if isinstance(value, Draft):
            value = value.render()
            self._slot.__set__(item, value)
        return value

    def __set__(self, item: object, value: str | Draft) -> None:
        self._slot.__set__(item, value)

    def undrafted(self, item: object) -> str | Draft:
        """The field as it is held: the text, or the Draft not yet drafted."""
        return self._slot.__get__(item, type(item))


@dataclass(slots=True)
class Touchpoint:
    """One touch to make: what, for whom, when, how, and the drafted message."""

    contact_row: int
    contact_id: str
    rule: str
    label: str  # readable, in the label language ("First-month check-in, review and …")
    due: date
    days_overdue: int
    channel: str
    priority: float
    message: str  # a str, or a Draft of one, drafted when first read (_DraftedWhenRead)
    owner: str
    name: str
    tier: str
    phone: str | None
    email: str | None
    lang: str = "en"  # the message's language
    group: str = ""
    fallback_from: str = ""  # the rule's own channel when `channel` replaced it

    def moved(self, **changes: Any) -> Touchpoint:
        """`dataclasses.replace` that leaves a message still to be drafted undrafted (replace
        reads every field, so it drafted the message of each item it moved; most moved items
        are never shown)."""
        return dataclasses.replace(self, **{"message": _MESSAGE.undrafted(self), **changes})

    @property
    def touchpoint(self) -> str:
        """The Touchpoint text written to Today and Interactions: "Label [rule_key]"."""
        return touchpoint_text(self.label, self.rule)


_MESSAGE = _DraftedWhenRead(Touchpoint.__dict__["message"])
Touchpoint.message = _MESSAGE  # type: ignore[assignment,misc]


def touchpoint_text(label: str, rule: str) -> str:
    return f"{label} [{rule}]"


class Draft:
    """A message still to be drafted: the template's text and what fills it."""

    __slots__ = ("text", "rule", "occ", "contact", "lang", "templates", "settings")

    def __init__(self, text: str, rule: Rule, occ: Occurrence, contact: Contact, lang: str,
                 templates: Templates, settings: EngineSettings) -> None:
        self.text, self.rule, self.occ, self.contact, self.lang = text, rule, occ, contact, lang
        self.templates, self.settings = templates, settings

    def render(self) -> str:
        return render(self.text, _values(self.rule, self.occ, self.contact, self.lang,
                                         self.templates, self.settings,
                                         placeholders(self.text)))


def touchpoint(cand: Candidate, templates: Templates, settings: EngineSettings,
               parts: LabelParts | None = None) -> Touchpoint:
    """The candidate with its label rendered and its message drafted when first read."""
    person = cand.person
    contact = person.contact
    message: str | Draft = ""
    keys = _keys(cand.rule.template, cand.occ.variants)
    if _unnamed_holiday(cand.occ.values, person.lang):
        # No name in the contact's language: a neutral greeting rather than a foreign name
        # mid-sentence ("Tan Wei Ming您好，Thanksgiving Day快乐！").
        keys.insert(len(keys) - 1, f"{cand.rule.template}_neutral")
    text = templates.pick("messages", person.lang, keys)
    if text and not ("{address}" in text and not settings.office_address):
        # Without the office address the draft would go out with a gap where the directions
        # belong; it is left blank and the plan reports the missing setting (touchpoints.py).
        message = Draft(text, cand.rule, cand.occ, contact, person.lang, templates, settings)
    return Touchpoint(
        contact_row=contact.row,
        contact_id=person.cid,
        rule=cand.rule.key,
        label=label(cand, templates, settings, parts),
        due=cand.occ.due,
        days_overdue=cand.days_overdue,
        channel=cand.channel,
        priority=cand.priority,
        message=message,
        owner=owner_of(cand, settings),
        name=contact.name,
        tier=person.tier,
        phone=contact.phone,
        email=contact.email,
        lang=person.lang,
        group=cand.rule.group,
        fallback_from=cand.fallback_from,
    )


def owner_of(cand: Candidate, settings: EngineSettings) -> str:
    """Whose list the item is on: general.manager for a rule with owner = "manager" (the
    Service win-back's apology call), else the contact's Owner."""
    if cand.rule.spec.owner == "manager" and settings.manager:
        return settings.manager
    return cand.person.contact.owner


def _unnamed_holiday(values: Mapping[str, Any], lang: str) -> bool:
    names = values.get("holiday")
    return isinstance(names, Mapping) and lang != "en" and not names.get(lang)


# (rule key, variants, unnamed holiday) -> (label text, detail text, their placeholders)
LabelParts = dict[tuple[str, tuple[str, ...], bool], tuple[str, str | None, frozenset[str]]]


def label(cand: Candidate, templates: Templates, settings: EngineSettings,
          parts: LabelParts | None = None) -> str:
    """The readable label in the label language, followed by the occurrence's detail when the
    templates give one. `parts`: a memo of the texts picked per rule and variant, for a caller
    labelling a whole book (the texts are the same for every contact; the values are not)."""
    lang = settings.label_lang
    # A holiday with no name in the label language gets no detail, not an English name.
    unnamed = _unnamed_holiday(cand.occ.values, lang)
    memo_key = (cand.rule.key, cand.occ.variants, unnamed)
    found = parts.get(memo_key) if parts is not None else None
    if found is None:
        keys = _keys(cand.rule.key, cand.occ.variants)
        base = templates.pick("labels", lang, keys) or cand.rule.label
        detail = None if unnamed else templates.pick("details", lang, keys)
        words = placeholders(base) | placeholders(detail) if detail else placeholders(base)
        found = (base, detail, words)
        if parts is not None:
            parts[memo_key] = found
    base, detail, words = found
    values = (_values(cand.rule, cand.occ, cand.person.contact, lang, templates, settings,
                      words)
              if words else {})
    text = render(base, values)
    if detail:
        rendered = render(detail, values)
        if rendered:
            text = f"{text} – {rendered}"
    return text


def _keys(base: str, variants: Sequence[str]) -> list[str]:
    return [f"{base}_{v}" for v in variants if v] + [base]


def _values(rule: Rule, occ: Occurrence, contact: Contact, lang: str, templates: Templates,
            settings: EngineSettings, words: frozenset[str]) -> dict:
    """The placeholders' values; how the contact is called is worked out only when the text
    (its `words`) names them."""
    values = {k: _localise(v, lang) for k, v in occ.values.items()}
    values.update(own_values(rule, contact, occ))
    term_key = occ.values.get("term_key")
    if term_key:
        values["tip"] = templates.pick("tips", lang, [term_key]) or ""
    kind = occ.values.get("kind")
    if kind:
        values["kind"] = templates.pick("words", lang, [f"event_{kind}"]) or kind
    if "name" in words or "first_name" in words:
        called = address(contact.name, lang, contact.salutation, contact.preferred_name)
        values["name"] = called.name
        values["first_name"] = called.first_name
    values["agent"] = contact.owner or templates.pick("words", lang, ["your_agent"]) or ""
    values["address"] = settings.office_address
    return values


def needs_address(cand: Candidate, templates: Templates) -> bool:
    """Whether the candidate's message asks for the office address ({address})."""
    keys = _keys(cand.rule.template, cand.occ.variants)
    text = templates.pick("messages", cand.person.lang, keys) or ""
    return "{address}" in text


def _localise(value: Any, lang: str) -> Any:
    if isinstance(value, Mapping):
        return value.get(lang) or value.get("en") or next(iter(value.values()), "")
    return value
