"""The typed, frozen settings: one dataclass per config section, the declarative table of every
option and its type. The values (the defaults) live only in config/default.toml; nothing here
repeats them, so every field of a section is required and default.toml must supply it — a
section and default.toml that drift apart fail on the first load. Touchpoint rules have their
own schema (rule_schema.py).

`parse_settings(config)` builds `Settings` from a merged config (load_config calls it, so every
command refuses a wrong setting before it reads a workbook).
"""

import marshal
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from sheets_sync.core.parse import ValueProblem, parse_country
from sheets_sync.core.rule_schema import (
    Channel,
    Country,
    Days,
    Lang,
    LocalText,
    Month,
    Positive,
    Rules,
    TabRewardTier,
)
from sheets_sync.core.schema import (
    SettingError,
    at_least,
    between,
    build,
    list_of,
    number,
    one_of,
    text,
    whole,
    wrong,
)
from sheets_sync.core.vocabulary import CIRCLES, CONTACT_COLUMNS, LANGS, TIERS

Share = Annotated[float, between(0, 1, number)]
Circle = Annotated[str, one_of(tuple(CIRCLES), what="circle")]
Tier = Annotated[str, one_of(TIERS, what="tier")]
ProfileField = Annotated[str, one_of(tuple(CONTACT_COLUMNS))]
Climate = Literal["north_temperate", "south_temperate", "tropical"]
Seconds = Annotated[float, between(0, 86400, number)]


def _home_country(value: Any, where: str) -> str:
    """A two-letter code every phone number can be read with. A country name ("Malaysia") or a
    code no phone belongs to ("UK") is refused here, naming the code meant, rather than
    accepted and then failing every phone number of the book."""
    typed = text(value, where).strip()
    try:
        meant = parse_country(typed) if typed else ""
    except ValueProblem:
        meant = ""
    if meant and meant == typed.upper():
        return meant
    got = f"'{where}' must be a two-letter country code, got {value!r}"
    if meant:
        raise SettingError(where, got, f'did you mean {where.rsplit(".", 1)[-1]} = "{meant}"?')
    raise SettingError(where, got, 'e.g. "MY" (Malaysia), "CN", "TW", "HK", "SG" or "JP"')


def _home_country_or_blank(value: Any, where: str) -> str:
    return "" if not text(value, where).strip() else _home_country(value, where)


HomeCountry = Annotated[str, _home_country]
CountryOrBlank = Annotated[str, _home_country_or_blank]


@dataclass(frozen=True, kw_only=True)
class General:
    """[general]"""

    default_country: HomeCountry
    default_language: Lang
    # The language the tool writes the book in; "" = the language of the Contacts headers.
    book_language: Annotated[str, one_of(("", *LANGS))]
    date_order: Literal["dmy", "mdy"]
    currency_format: str
    backups_keep: Positive  # 0 would delete the backup just made
    lock_wait_seconds: Seconds
    id_prefix: str
    manager: str  # the office manager's Owner name ("": none)


@dataclass(frozen=True, kw_only=True)
class Google:
    """[google]"""

    credentials_file: str  # "" = GOOGLE_APPLICATION_CREDENTIALS, then the saved token
    timeout_seconds: Annotated[float, between(1, 3600, number)]
    retry_budget_seconds: Seconds
    retry_first_wait_seconds: Seconds
    payload_limit_bytes: Annotated[int, at_least(10_000)]


@dataclass(frozen=True, kw_only=True)
class Lifecycle:
    """[lifecycle]"""

    client_days: Positive
    lost_after_days: Positive


@dataclass(frozen=True, kw_only=True)
class Activity:
    """[activity]"""

    active_max_days: Days
    cooling_max_days: Days
    silent_max_days: Days


@dataclass(frozen=True, kw_only=True)
class TierScore:
    """[tiers.score]"""

    commission_per_1000: float
    referral_made: float
    referral_closed: float
    promoter: float
    detractor: float
    recent_contact: float
    recent_days: Days


@dataclass(frozen=True, kw_only=True)
class TierIntent:
    """[tiers.intent]"""

    attention_min_visits: Days


@dataclass(frozen=True, kw_only=True)
class Tiers:
    """[tiers]"""

    a_share: Share
    b_share: Share
    score: TierScore
    circle_points: Mapping[Circle, float]
    intent: TierIntent


@dataclass(frozen=True, kw_only=True)
class CirclePromotion:
    """[circle_promotion]"""

    advocate_min_closed_referrals: Days
    core_advocate_min_closed_referrals: Days


@dataclass(frozen=True, kw_only=True)
class Completeness:
    """[completeness]"""

    fields: tuple[ProfileField, ...]
    first_contact_target: Share
    three_visits_target: Share
    three_visits_min: Days
    closed_target: Share


@dataclass(frozen=True, kw_only=True)
class MetricTargets:
    """[metrics.targets]"""

    repeat_client_rate: Share
    past_client_referral_share: Share
    referral_share: Share
    repurchase_rate: Share
    nps: Annotated[float, between(-100, 100, number)]
    csat: Share
    dormant_share: Share


@dataclass(frozen=True, kw_only=True)
class MetricReferences:
    """[metrics.references]"""

    repeat_client_rate: str
    avg_days_to_return: str
    past_client_referral_share: str
    referral_conversion: str
    cltv: str
    lifetime_value: str
    retention_roi: str


@dataclass(frozen=True, kw_only=True)
class Metrics:
    """[metrics]"""

    referral_sources: tuple[str, ...]
    past_client_sources: tuple[str, ...]
    purchase_sides: tuple[str, ...]
    satisfied_outcomes: tuple[str, ...]
    unsatisfied_outcomes: tuple[str, ...]
    no_answer_outcomes: tuple[str, ...]
    cltv_value: Literal["commission", "price"]
    program_cost_per_year: Annotated[float, between(0, float("inf"), number)]
    top_referrers_shown: Days
    targets: MetricTargets
    references: MetricReferences


@dataclass(frozen=True, kw_only=True)
class Referrals:
    """[referrals]"""

    reward_basis: Literal["made", "closed"]
    lookback_days: Positive
    influence_commission_unit: Annotated[float, between(0, float("inf"), number)]
    candidate_top_n: Days
    candidate_min_downstream: Days
    thank_you_words: tuple[str, ...]
    reward_tiers: tuple[TabRewardTier, ...]


def _twelve(value: Any, where: str) -> tuple[str, ...]:
    advice = list_of(text)(value, where)
    if len(advice) != 12:
        raise wrong(where, "a list of 12 texts (January first)", f"{len(advice)} texts",
                    '["January …", …, "December …"]')
    return advice


@dataclass(frozen=True, kw_only=True)
class Seasonal:
    """[calendar.seasonal]"""

    north_temperate: Annotated[tuple[str, ...], _twelve]
    tropical: Annotated[tuple[str, ...], _twelve]


@dataclass(frozen=True, kw_only=True)
class CalendarEvent:
    """One of [[calendar.events]]."""

    month: Month
    name: LocalText
    day: Annotated[int, between(1, 31, whole)] | None = None


@dataclass(frozen=True, kw_only=True)
class Calendar:
    """[calendar]"""

    months: Annotated[int, between(1, 60, whole)]
    country: CountryOrBlank  # "": general.default_country
    tropical_countries: tuple[Country, ...]
    south_temperate_countries: tuple[Country, ...]
    default_climate: Climate
    seasonal: Seasonal
    events: tuple[CalendarEvent, ...]


@dataclass(frozen=True, kw_only=True)
class Theme:
    """One of [[themes]]."""

    month: Month
    theme: str
    ideas: str = ""


@dataclass(frozen=True, kw_only=True)
class Touchpoints:
    """[touchpoints]"""

    early_days: Days
    lookahead_days: Positive
    label_language: Annotated[str, one_of(("", *LANGS))]  # "": general.default_language
    office_address: str
    phone_channels: tuple[Channel, ...]
    mobile_channels: tuple[Channel, ...]
    email_channels: tuple[Channel, ...]
    channel_fallback: tuple[Channel, ...]
    require_phone_or_email: bool
    not_contact_channels: tuple[Channel, ...]
    not_reached_outcomes: tuple[str, ...]
    rules: Rules


@dataclass(frozen=True, kw_only=True)
class Priority:
    """[priority]"""

    overdue_weight: float
    overdue_cap_days: Days
    tier_weight: Mapping[Tier, float]


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
App = Literal["call", "sms", "whatsapp", "line", "wechat", "email"]


@dataclass(frozen=True, kw_only=True)
class Today:
    """[today]"""

    daily_cap: Positive  # Today rows per agent per day; same-day events and A birthdays go over
    spread_days: Days  # light days take cadence touches due up to this many days ahead
    working_days: tuple[Weekday, ...]  # the office's days; routine touches move off the others
    holidays_off: bool  # the office country's public holidays are days off too
    message_apps: Mapping[Country, App]  # the usual messaging app per country (else SMS)
    blank_festivals: Literal["national", "all"]  # a blank Festivals cell greets these
    religious_festivals: tuple[str, ...]  # greeted only when a Festivals cell names them
    national_festivals: Mapping[Country, tuple[str, ...]]  # …unless national days there
    solar_term_climates: tuple[Climate, ...]  # climates the solar-term tips are written for


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The whole configuration, one field per section."""

    general: General
    google: Google
    lifecycle: Lifecycle
    activity: Activity
    tiers: Tiers
    circle_promotion: CirclePromotion
    completeness: Completeness
    metrics: Metrics
    referrals: Referrals
    calendar: Calendar
    themes: tuple[Theme, ...]
    touchpoints: Touchpoints
    priority: Priority
    today: Today


def parse_settings(config: Mapping[str, Any]) -> Settings:
    """The merged config as typed settings; SettingError (a ConfigError) on the first bad key.

    A sync checks the same configuration several times (the load, the facts, the rule engine)
    and Settings are frozen, so a configuration equal to one already checked gives that
    answer again; equal means the same marshal bytes (types included: 1, 1.0 and True differ).
    """
    try:
        key = marshal.dumps(config)
    except ValueError:  # not plain data (a dict subclass, a date): checked each time
        return build(Settings, config, "")
    if key not in _CHECKED:
        if len(_CHECKED) >= 8:  # a bound, not a policy: a process sees a few configurations
            _CHECKED.clear()
        # Built from a private copy: a kept answer holds nothing a caller can change later.
        _CHECKED[key] = build(Settings, marshal.loads(key), "")
    return _CHECKED[key]


_CHECKED: dict[bytes, Settings] = {}
