"""The schema of a touchpoint rule: one frozen dataclass per trigger (and per calendar or event
kind), so a key the trigger does not use, a misspelt key or a wrong value is refused up front.

`[touchpoints.rules.<key>]` tables are user-named; their values are rules. `rule_spec` picks the
class from `trigger` (then `calendar` or `event`) and builds it; fields left out take the
defaults declared here, once. The engine (touchpoints.py) reads the built spec, never the raw
table. Shared value types (channels, languages, localised text, reward tiers) live here too,
because the rest of the settings (settings.py) use the same ones.
"""

import re
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, ClassVar

from sheets_sync.core.classify import CLIENT, LOST, PAST_CLIENT, PROSPECT, UNDER_CONTRACT
from sheets_sync.core.schema import (
    SettingError,
    at_least,
    between,
    build,
    field_names,
    join,
    list_of,
    mapping_of,
    not_a_table,
    one_of,
    one_or_many,
    suggest,
    text,
    unknown_key,
    whole,
)
from sheets_sync.core.vocabulary import (
    CHANNELS,
    CIRCLES,
    LANGS,
    LOST_REASONS,
    STAGES,
    TIERS,
    normalise,
)

TRIGGERS = ("after", "cadence", "stale", "yearly", "calendar", "event", "referral",
            "top_referrer")
# Dates a rule can count from (touch_index.Person.anchor); yearly rules also know birthdays.
ANCHOR_DATES = ("closing_date", "purchase_date", "first_transaction", "first_interaction",
                "last_contact")
YEARLY_DATES = (*ANCHOR_DATES, "birthday", "lunar_birthday", "any_birthday")
LIFECYCLES = (PROSPECT, UNDER_CONTRACT, CLIENT, PAST_CLIENT, LOST)


def _channel(value: Any, where: str) -> str:
    word = text(value, where).strip().lower()
    return one_of(CHANNELS)(word, where)


def _country(value: Any, where: str) -> str:
    code = text(value, where).strip().upper()
    if code and not re.fullmatch(r"[A-Z]{2}", code):
        raise SettingError(where, f"'{where}' must be a two-letter country code, got {value!r}",
                           'e.g. "MY"')
    return code


def _month_day(value: Any, where: str) -> str:
    """A yearly "MM-DD" date."""
    word = text(value, where).strip()
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", word)
    if not match or not (1 <= int(match[1]) <= 12 and 1 <= int(match[2]) <= 31):
        raise SettingError(where, f"'{where}' must be a yearly date \"MM-DD\", got {value!r}",
                           'e.g. date = "06-01"')
    return word


def _listed_date(value: Any, where: str) -> str:
    """A date "YYYY-MM-DD" or a yearly "MM-DD"."""
    word = text(value, where).strip()
    try:
        date.fromisoformat(word)
        return word
    except ValueError:
        pass
    try:
        return _month_day(word, where)
    except SettingError:
        raise SettingError(where, f"'{where}' must be a date \"YYYY-MM-DD\" or \"MM-DD\", got "
                           f"{value!r}", 'e.g. date = "2026-03-01"') from None


def _local_text(value: Any, where: str) -> Mapping[str, str]:
    """Text in one language, or a table of it per language (`{ en = "…", zh = "…" }`)."""
    if isinstance(value, str):
        return types.MappingProxyType({"en": value})
    return mapping_of(one_of(LANGS), text)(value, where)


def _choice(values: Any) -> Any:
    return one_of(("", *values), fold=normalise)


Channel = Annotated[str, _channel]
Country = Annotated[str, _country]
Lang = Annotated[str, one_of(LANGS)]
LocalText = Annotated[Mapping[str, str], _local_text]
Days = Annotated[int, at_least(0)]
Positive = Annotated[int, at_least(1)]
Month = Annotated[int, between(1, 12, whole)]
Offsets = Annotated[tuple[int, ...], one_or_many(whole)]
Words = Annotated[tuple[str, ...], one_or_many(text)]


def _filter(values: Any = None) -> Any:
    check = text if values is None else _choice(values)
    return Annotated[tuple[str, ...], one_or_many(check)]


@dataclass(frozen=True, kw_only=True)
class RewardTier:
    """One referral reward step of a referral rule's `rewards`: text, or text per language."""

    min_referrals: Positive
    name: LocalText
    reward: LocalText


@dataclass(frozen=True, kw_only=True)
class TabRewardTier(RewardTier):
    """One of [[referrals.reward_tiers]]: the Referrals tab copies its names per language, so
    they are tables (`name = { en = "…", zh = "…" }`)."""

    name: Mapping[Lang, str]
    reward: Mapping[Lang, str]


@dataclass(frozen=True, kw_only=True)
class RuleSpec:
    """What every rule may say. Filters: all must hold; "" matches a blank cell."""

    KIND: ClassVar[str] = ""  # how messages name the trigger ("calendar (holidays)")

    trigger: str
    enabled: bool = True
    channel: Channel = "call"
    fallback: tuple[Channel, ...] | None = None  # None: touchpoints.channel_fallback
    priority: float = 10.0
    template: str | None = None  # None: the rule key
    label: str | None = None  # None: the rule key
    group: str = ""
    supersedes: tuple[str, ...] = ()
    once: bool = False
    counts_as_contact: bool = True
    multi: bool = False  # every undone occurrence stays due, not only the latest
    expire_days: Days | None = None  # None: stays due until done
    early_days: Days | None = None  # None: touchpoints.early_days
    # Words that name the rule in a person's Touchpoint text ("day 1", "恭喜"), so a logged
    # Interaction in their own words does it (facts.words_pattern says how they match).
    done_words: Words = ()
    owner: Annotated[str, one_of(("", "manager"))] = ""  # "manager": general.manager's item
    same_day: bool = False  # listed on Today beside the contact's pick, never held back by it
    lifecycle: _filter(LIFECYCLES) | None = None
    not_lifecycle: _filter(LIFECYCLES) | None = None
    tier: _filter(TIERS) | None = None
    not_tier: _filter(TIERS) | None = None
    circle: _filter(CIRCLES) | None = None
    not_circle: _filter(CIRCLES) | None = None
    stage: _filter(STAGES) | None = None
    not_stage: _filter(STAGES) | None = None
    side: _filter() | None = None
    not_side: _filter() | None = None
    language: _filter(LANGS) | None = None
    not_language: _filter(LANGS) | None = None
    country: _filter() | None = None
    not_country: _filter() | None = None
    lost_reason: _filter(LOST_REASONS) | None = None
    not_lost_reason: _filter(LOST_REASONS) | None = None

    def offsets(self) -> tuple[tuple[int, int], ...]:
        """(months, days) after the rule's date; one at day 0 for triggers without offsets."""
        return ((0, 0),)


@dataclass(frozen=True, kw_only=True)
class _WithOffsets(RuleSpec):
    """A rule due at offsets (days or months) after its date."""

    offsets_days: Offsets = ()
    offsets_months: Offsets = ()

    def offsets(self) -> tuple[tuple[int, int], ...]:
        both = {(m, 0) for m in self.offsets_months} | {(0, d) for d in self.offsets_days}
        return tuple(sorted(both)) or ((0, 0),)


@dataclass(frozen=True, kw_only=True)
class AfterRule(_WithOffsets):
    """trigger = "after": due at offsets after one of the contact's dates."""

    KIND = "after"
    date: Annotated[str, one_of(ANCHOR_DATES)]


@dataclass(frozen=True, kw_only=True)
class CadenceRule(RuleSpec):
    """trigger = "cadence": every interval_days since the last contact (today if none)."""

    KIND = "cadence"
    interval_days: Positive


@dataclass(frozen=True, kw_only=True)
class StaleRule(CadenceRule):
    """trigger = "stale": no contact for interval_days (once there was a contact)."""

    KIND = "stale"


@dataclass(frozen=True, kw_only=True)
class YearlyRule(RuleSpec):
    """trigger = "yearly": due each year on a date (a birthday, an anniversary)."""

    KIND = "yearly"
    date: Annotated[str, one_of(YEARLY_DATES)]
    lead_days: Days = 0
    min_years: Days = 0


@dataclass(frozen=True, kw_only=True)
class HolidayExtra:
    """A yearly date the holidays package lacks, with its name per language (en required)."""

    date: Annotated[str, _month_day]
    lunar: bool = False
    names: Mapping[str, str]


def _holiday_extra(value: Any, where: str) -> HolidayExtra:
    if not isinstance(value, Mapping):
        raise not_a_table(where)
    names = {k: v for k, v in value.items() if k not in ("date", "lunar")}
    for key in names:
        if key not in LANGS:
            raise unknown_key(where, key, ("date", "lunar", *LANGS))
    if "en" not in names:
        raise SettingError(join(where, "en"), f"'{where}' needs an English name",
                           'add en = "…"')
    checked = mapping_of(one_of(LANGS), text)(names, where)
    rest = {k: v for k, v in value.items() if k in ("date", "lunar")}
    return build(HolidayExtra, rest, where, extra={"names": checked})


@dataclass(frozen=True, kw_only=True)
class HolidayCountry:
    """Per-country holiday setup: None for `include` means the rule's own list."""

    include: tuple[str, ...] | None = None
    subdiv: str | None = None
    extra: Annotated[tuple[HolidayExtra, ...], list_of(_holiday_extra)] = ()


@dataclass(frozen=True, kw_only=True)
class HolidaysRule(RuleSpec):
    """calendar = "holidays": public holidays of the contact's country."""

    KIND = "calendar (holidays)"
    calendar: str
    include: tuple[str, ...] | None = None  # None: every holiday
    exclude: tuple[str, ...] = ()
    countries: Mapping[Country, HolidayCountry] = field(
        default_factory=lambda: types.MappingProxyType({}))


@dataclass(frozen=True, kw_only=True)
class SolarTermsRule(RuleSpec):
    """calendar = "solar_terms": the 24 Chinese solar terms."""

    KIND = "calendar (solar_terms)"
    calendar: str


@dataclass(frozen=True, kw_only=True)
class ListedDate:
    """One date of a dates calendar: "YYYY-MM-DD" or yearly "MM-DD"."""

    date: Annotated[str, _listed_date]
    name: str = ""


def _listed(value: Any, where: str) -> ListedDate:
    if isinstance(value, str):
        return ListedDate(date=_listed_date(value, where))
    return build(ListedDate, value, where)


@dataclass(frozen=True, kw_only=True)
class DatesRule(RuleSpec):
    """calendar = "dates": the dates listed in the rule."""

    KIND = "calendar (dates)"
    calendar: str
    dates: Annotated[tuple[ListedDate, ...], list_of(_listed)] = ()


@dataclass(frozen=True, kw_only=True)
class FirstChannelRule(_WithOffsets):
    """event = "first_channel": the first interaction on one of the channels."""

    KIND = "event (first_channel)"
    event: str
    channels: tuple[Channel, ...]
    multi: bool = True


@dataclass(frozen=True, kw_only=True)
class KeywordsRule(_WithOffsets):
    """event = "keywords": an interaction whose words name a kind of event."""

    KIND = "event (keywords)"
    event: str
    keywords: Mapping[str, Words]
    cooldown_days: Days = 0
    multi: bool = True


@dataclass(frozen=True, kw_only=True)
class ReferralRule(_WithOffsets):
    """trigger = "referral": a contact who referred someone."""

    KIND = "referral"
    rewards: tuple[RewardTier, ...] | None = None  # None: [[referrals.reward_tiers]]
    multi: bool = True


@dataclass(frozen=True, kw_only=True)
class TopReferrerRule(RuleSpec):
    """trigger = "top_referrer": a yearly thanks to the top referrers."""

    KIND = "top_referrer"
    month: Month = 12
    day: Annotated[int, between(1, 31, whole)] = 1
    top_n: Positive = 3
    min_referrals: Positive = 2
    window_days: Positive | None = None  # None: referrals.lookback_days


# trigger -> class, or (the key that picks the kind, {value: class})
KINDS: dict[str, Any] = {
    "after": AfterRule,
    "cadence": CadenceRule,
    "stale": StaleRule,
    "yearly": YearlyRule,
    "calendar": ("calendar", {"holidays": HolidaysRule, "solar_terms": SolarTermsRule,
                              "dates": DatesRule}),
    "event": ("event", {"first_channel": FirstChannelRule, "keywords": KeywordsRule}),
    "referral": ReferralRule,
    "top_referrer": TopReferrerRule,
}
_ALL: tuple[type[RuleSpec], ...] = tuple(
    c for kind in KINDS.values() for c in (kind[1].values() if isinstance(kind, tuple) else [kind]))


def _picked(value: Mapping[str, Any], key: str, choices: Any, where: str, example: str) -> str:
    dotted = join(where, key)
    if key not in value:
        raise SettingError(dotted, f"'{where}' needs {key}",
                           f"e.g. {key} = \"{example}\" (one of {', '.join(choices)})")
    word = text(value[key], dotted)
    if word not in choices:
        hint = _hint(word, choices)
        raise SettingError(dotted, f"'{where}': unknown {key} {word!r}", hint)
    return word


def _hint(word: str, choices: Any) -> str:
    close = suggest(word, choices)
    listed = ", ".join(choices)
    return f"{close} (one of {listed})" if close else f"use one of {listed}"


def rule_spec(value: Any, where: str) -> RuleSpec:
    """A `[touchpoints.rules.<key>]` table as the spec of its trigger."""
    if not isinstance(value, Mapping):
        raise not_a_table(where)
    trigger = _picked(value, "trigger", TRIGGERS, where, "cadence")
    kind = KINDS[trigger]
    if isinstance(kind, tuple):
        key, classes = kind
        kind = classes[_picked(value, key, tuple(classes), where, next(iter(classes)))]
    known = field_names(kind)
    for key in value:
        if key in known:
            continue
        owners = [c.KIND for c in _ALL if key in field_names(c)]
        if owners:
            dotted = join(where, key)
            used_by = ", ".join(f"'{owner}'" for owner in owners)
            raise SettingError(dotted, f"'{dotted}' is not used by '{kind.KIND}' rules",
                               f"remove it (only {used_by} rules use it)")
        raise unknown_key(where, str(key), known)
    spec = build(kind, value, where)
    if isinstance(spec, AfterRule) and not (spec.offsets_days or spec.offsets_months):
        raise SettingError(join(where, "offsets_days"),
                           f"'{where}': an 'after' rule needs offsets_days or offsets_months",
                           "e.g. offsets_days = [30]")
    return spec


Rules = Annotated[Mapping[str, RuleSpec], mapping_of(text, rule_spec)]
