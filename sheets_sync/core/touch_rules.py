"""A touchpoint rule as the engine reads it: the checked spec (rule_schema.py) flattened into one
`Rule`, with its filters and keyword patterns compiled once per evaluation."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sheets_sync.core.facts import words_pattern
from sheets_sync.core.rule_schema import RuleSpec
from sheets_sync.core.settings import Settings, parse_settings
from sheets_sync.core.vocabulary import normalise

FILTERS = ("lifecycle", "tier", "circle", "stage", "side", "language", "country", "lost_reason")


@dataclass(frozen=True)
class Rule:
    """A rule as the engine evaluates it: every option a field, neutral where the trigger has
    none."""

    key: str
    trigger: str
    spec: RuleSpec  # the checked config of the rule; trigger-specific options are read here
    date_field: str
    offsets: tuple[tuple[int, int], ...]  # (months, days)
    interval_days: int
    lead_days: int
    min_years: int
    channel: str
    fallback: tuple[str, ...] | None
    priority: float
    template: str
    label: str
    group: str
    supersedes: tuple[str, ...]  # fnmatch patterns of rule keys this rule's item replaces
    once: bool
    counts_as_contact: bool  # false: doing it does not restart cadences (mass greetings)
    multi: bool  # every undone occurrence stays due (referrals, events), not only the latest
    expire_days: int | None
    early_days: int
    cooldown_days: int
    filters: tuple[tuple[str, frozenset[str], bool], ...]  # (field, values, exclude)
    channels: frozenset[str]
    keywords: tuple[tuple[str, re.Pattern[str]], ...]
    done_words: re.Pattern[str] | None  # a person's Touchpoint words that name this rule
    same_day: bool  # on Today the day it is due, whatever else the contact has


def parse_rules(config: Mapping[str, Any]) -> list[Rule]:
    """The enabled rules of `config["touchpoints"]["rules"]`, validated (ConfigError if not)."""
    return rules_of(parse_settings(config))


def rules_of(settings: Settings) -> list[Rule]:
    """The enabled rules of checked settings, in config order."""
    early = settings.touchpoints.early_days
    return [_parse_rule(key, spec, early)
            for key, spec in settings.touchpoints.rules.items() if spec.enabled]


def _parse_rule(key: str, spec: RuleSpec, default_early: int) -> Rule:
    """The engine's view of a rule spec (rule_schema.py has already checked every value)."""
    # Fields a trigger does not have take the neutral value (a cadence has no lead time).
    return Rule(
        key=key,
        trigger=spec.trigger,
        spec=spec,
        date_field=getattr(spec, "date", ""),
        offsets=spec.offsets(),
        interval_days=getattr(spec, "interval_days", 0),
        lead_days=getattr(spec, "lead_days", 0),
        min_years=getattr(spec, "min_years", 0),
        channel=spec.channel,
        fallback=spec.fallback,
        priority=spec.priority,
        template=spec.template or key,
        label=spec.label or key,
        group=spec.group,
        supersedes=spec.supersedes,
        once=spec.once,
        counts_as_contact=spec.counts_as_contact,
        multi=spec.multi,
        expire_days=spec.expire_days,
        early_days=default_early if spec.early_days is None else spec.early_days,
        cooldown_days=getattr(spec, "cooldown_days", 0),
        filters=_filters(spec),
        channels=frozenset(getattr(spec, "channels", ())),
        keywords=_keywords(spec),
        done_words=words_pattern(spec.done_words),
        same_day=spec.same_day,
    )


def _filters(spec: RuleSpec) -> tuple[tuple[str, frozenset[str], bool], ...]:
    """(field, normalised values, exclude) for each `<field>` / `not_<field>` the rule sets."""
    filters = []
    for name in FILTERS:
        for negate, option in ((False, name), (True, f"not_{name}")):
            values = getattr(spec, option)
            if values is not None:
                filters.append((name, frozenset(normalise(v) for v in values), negate))
    return tuple(filters)


def _keywords(spec: RuleSpec) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((str(kind), _keyword_pattern(words))
                 for kind, words in getattr(spec, "keywords", {}).items() if words)


def _keyword_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """One regex per kind. Latin words must start a word ("moved" not "removed") but may be stems
    ("promot", "relocat"); CJK words match anywhere, having no spaces to anchor on."""
    parts = []
    for word in sorted({w.casefold() for w in words if w}, key=len, reverse=True):
        escaped = re.escape(word)
        parts.append(rf"\b{escaped}" if word[0].isascii() and word[0].isalnum() else escaped)
    return re.compile("|".join(parts))
