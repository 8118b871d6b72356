"""Classification rules (SPEC §3): lifecycle, activity, tier, circle promotion, completeness.

Everything here is a pure function of a validated `Book`, the date `today` and the merged config
dict: no clock, no files. Last contact, closings, visits, referrals and the completeness stage are
the book's facts (facts.py, indexed once per sync), so a whole book costs O(contacts +
interactions + transactions).

Contacts are identified by `Contact.key` (see `model.Book`); IDs can repeat in bad input, in which
case every row with that ID sees the same interactions, transactions and referrals.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sheets_sync.core.facts import BookFacts, build_facts, completeness_fields, completeness_stage
from sheets_sync.core.model import Book, Classification, Contact, Transaction
from sheets_sync.core.vocabulary import CIRCLES, CONTACT_COLUMNS, TIERS
from sheets_sync.errors import ConfigError

# Lifecycle values (seed 003).
PROSPECT = "Prospect"
UNDER_CONTRACT = "Under contract"
CLIENT = "Client"
PAST_CLIENT = "Past client"
LOST = "Lost"

# Activity values (seed 003).
ACTIVE = "Active"
COOLING = "Cooling"
SILENT = "Silent"
DORMANT = "Dormant"

# Stages (canonical English, vocabulary.STAGES) whose tier comes from intent grading (seed 001).
PROSPECT_STAGES = frozenset({"Lead", "Prospect", "Under contract"})
# Stages that say "no deal yet"; a blank stage means the same.
OPEN_STAGES = frozenset({"Lead", "Prospect"})

# Circles from outermost to innermost (seed 004); vocabulary.CIRCLES lists them in that order.
CIRCLE_ORDER: tuple[str, ...] = tuple(CIRCLES)
_CIRCLE_RANK = {circle: rank for rank, circle in enumerate(CIRCLE_ORDER)}

# Scores are rounded so that contacts with equal inputs tie exactly at a Pareto cut.
_SCORE_DIGITS = 4
# Guards share × count products such as 0.3 × 10 = 3.0000000000000004 against a spurious ceil.
_SHARE_DIGITS = 9


@dataclass(frozen=True)
class ReferralStats:
    """What one referrer's referrals came to (seed 002, 004).

    `made` counts distinct people, `closed` those of them who closed a deal, `newest` is the latest
    closing date attributable to one of the referrals (None when no referral has a known date).
    """

    made: int = 0
    closed: int = 0
    newest: date | None = None
    referred_ids: tuple[str, ...] = ()  # sorted, for the Referrals tab and the referral graph


# ---------------------------------------------------------------------------------------------
# Configuration access


# Every setting the rules read. `classify` checks them once up front, so the per-contact rules can
# index the config directly (100,000 contacts make a dotted-path lookup per rule noticeable).
SETTINGS = (
    "lifecycle.client_days", "lifecycle.lost_after_days",
    "activity.active_max_days", "activity.cooling_max_days", "activity.silent_max_days",
    "tiers.a_share", "tiers.b_share", "tiers.intent.attention_min_visits",
    "tiers.score.commission_per_1000", "tiers.score.referral_made", "tiers.score.referral_closed",
    "tiers.score.promoter", "tiers.score.detractor", "tiers.score.recent_contact",
    "tiers.score.recent_days", "tiers.circle_points",
    "circle_promotion.advocate_min_closed_referrals",
    "circle_promotion.core_advocate_min_closed_referrals",
    "completeness.fields", "completeness.first_contact_target",
    "completeness.three_visits_target", "completeness.three_visits_min",
    "completeness.closed_target",
)


def check_settings(config: Mapping[str, Any]) -> None:
    """Raise ConfigError naming the first setting in `SETTINGS` that the config lacks."""
    for dotted in SETTINGS:
        node: Any = config
        for part in dotted.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise ConfigError(
                    f"Missing setting '{dotted}'",
                    "merge config/classify.fragment.toml into config/default.toml")
            node = node[part]


# ---------------------------------------------------------------------------------------------
# Derived values


def lifetime_commission(deals: Iterable[Transaction]) -> float:
    """Sum of Commission over a contact's transactions (blank cells count as 0).

    `math.fsum` makes the total independent of row order, which keeps Pareto ties deterministic.
    """
    return math.fsum(deal.commission for deal in deals if deal.commission is not None)


def referral_stats(book: Book, facts: BookFacts | None = None) -> dict[str, ReferralStats]:
    """Referrals made and closed per referrer key (SPEC §3 circle promotion, §6, §7), from the
    book's facts (facts.py: a person counts once per referrer, nobody refers themself).

    - closed: the referred person closed (a transaction, a Closing date, or Stage Closed).
    - newest: the latest referral activity: the newest referral date, or the closing of a
      transaction whose own Referred by names the referrer, whichever is later. None when
      nothing dates them. Without `facts`, every date in the book counts (no `today`).
    """
    facts = facts or build_facts(book, date.max)
    stats: dict[str, ReferralStats] = {}
    for referrer, refs in facts.referrals.items():
        dates = [r.when for r in refs if r.when is not None]
        dates += facts.referred_deals.get(referrer, ())
        stats[referrer] = ReferralStats(
            made=len(refs),
            closed=sum(1 for r in refs if r.referred in facts.closed),
            newest=max(dates) if dates else None,
            referred_ids=tuple(sorted(r.referred for r in refs)),
        )
    return stats


# ---------------------------------------------------------------------------------------------
# Lifecycle and activity


def lifecycle(contact: Contact, closing: date | None, today: date, config: Mapping[str, Any],
              referrals: ReferralStats | None = None) -> str:
    """Lifecycle stage (seed 003 生命周期分层; SPEC §3), `closing` being the effective closing date.

    In order:
    1. Stage Lost → Lost.
    2. Stage Under contract → Under contract (a repeat client in a new deal is in that deal).
    3. No closing and Stage Lead/Prospect/blank → Lost when a Lost reason is typed (a prospect who
       gave up, seed 003 "放弃购房的潜在客户"), else Prospect.
    4. A closing date after today → Under contract (the deal is signed, the keys not handed
       over; a repeat client in a new deal is in that deal).
    5. Closed (a closing date, or Stage Closed without a date): Client while the closing is less
       than [lifecycle].client_days old (no date: Client — nothing shows it is old), else Past
       client. A Past client is Lost when the newest closing (so also any repeat deal) and the
       newest dated referral are both at least [lifecycle].lost_after_days old ("3年内未复购且未推
       薦新客戶", seed 003). A referral without a date cannot show recent activity.
       Stage Lead/Prospect on a contact with a closing means a past client enquiring again: they
       stay Client/Past client by date and are never aged into Lost.
    """
    stage = contact.stage
    if stage == "Lost":
        return LOST
    if stage == "Under contract":
        return UNDER_CONTRACT
    if closing is None and stage != "Closed":
        return LOST if contact.lost_reason else PROSPECT
    if closing is None:
        return CLIENT
    if closing > today:
        return UNDER_CONTRACT  # a closing date ahead: the deal is signed, not closed yet
    age = (today - closing).days
    if age < config["lifecycle"]["client_days"]:
        return CLIENT
    lost_after = config["lifecycle"]["lost_after_days"]
    newest_referral = referrals.newest if referrals else None
    referred_lately = newest_referral is not None and (today - newest_referral).days < lost_after
    if stage not in OPEN_STAGES and age >= lost_after and not referred_lately:
        return LOST
    return PAST_CLIENT


def activity(days_since_contact: int | None, config: Mapping[str, Any]) -> str:
    """Activity class (seed 003 互动活跃度; SPEC §3) from whole days since the last contact.

    Active ≤ active_max_days < Cooling ≤ cooling_max_days < Silent ≤ silent_max_days < Dormant;
    never contacted → Dormant.
    """
    if days_since_contact is None:
        return DORMANT
    if days_since_contact <= config["activity"]["active_max_days"]:
        return ACTIVE
    if days_since_contact <= config["activity"]["cooling_max_days"]:
        return COOLING
    if days_since_contact <= config["activity"]["silent_max_days"]:
        return SILENT
    return DORMANT


# ---------------------------------------------------------------------------------------------
# Score and tiers


def relationship_score(contact: Contact, commission: float, referrals: ReferralStats | None,
                       days_since_contact: int | None, config: Mapping[str, Any]) -> float:
    """Relationship score for the Pareto tiers (seed 000 A/B/C-list, seed 004; SPEC §3).

    Sum of, with weights from [tiers.score] and [tiers.circle_points]:
    commission_per_1000 × lifetime commission / 1000; referral_made per person referred;
    referral_closed extra per referred person who closed; the typed Circle's points (an unknown
    or blank circle scores 0); promoter for NPS 9–10 or detractor for NPS 0–6; recent_contact when
    the last contact is at most recent_days ago. Rounded to 4 decimals so equal inputs tie.
    """
    weights = config["tiers"]["score"]
    circle_points = config["tiers"]["circle_points"]
    score = weights["commission_per_1000"] * commission / 1000.0
    if referrals is not None:
        score += weights["referral_made"] * referrals.made
        score += weights["referral_closed"] * referrals.closed
    if contact.circle:
        score += float(circle_points.get(contact.circle, 0.0))
    if contact.nps is not None:
        if contact.nps >= 9:
            score += weights["promoter"]
        elif contact.nps <= 6:
            score += weights["detractor"]
    if days_since_contact is not None and days_since_contact <= weights["recent_days"]:
        score += weights["recent_contact"]
    return round(score, _SCORE_DIGITS) + 0.0  # + 0.0 turns -0.0 into 0.0


def has_intent_data(contact: Contact) -> bool:
    """Whether the sheet gives any of seed 001's intent-grading values for this contact."""
    return any(value is not None for value in (contact.accepts_product, contact.accepts_price,
                                               contact.can_afford, contact.visits,
                                               contact.decision_makers_seen))


def intent_grade(contact: Contact, config: Mapping[str, Any], visits: int | None = None) -> str:
    """Prospect grade from seed 001's 意向客户分级体系 (intent grading table).

    The seed's table has six criteria: accepts product (认同产品), accepts price (认同价格), can
    afford (购买能力), intended unit named (落点), attention — visited or called 2–3 times and more
    (关注度), decision makers seen (决策人). Its rows read: A ticks all six; B ticks product and the
    three behaviour criteria while price shows "some resistance, within control" and affordability
    "part of the down payment needs deferral"; then "one or more of product / price / afford not
    accepted". The sheet records yes/no, no 落点, so the mapping is:

    - A: product, price and afford all yes, attention, and decision makers seen.
    - B: product, price and afford all yes (behaviour incomplete); or product yes with attention
      and decision makers seen — the seed's B row, where a "no" on price or afford is the
      controllable resistance.
    - C: engaged but not convinced: at least one of product / price / afford yes, or attention.
    - D: no signal at all.

    Attention: `visits` (the Visits cell or logged visits, whichever is larger) is at least
    [tiers.intent].attention_min_visits. A blank value (None) counts as not established.
    """
    if visits is None:
        visits = contact.visits or 0
    attention = visits >= config["tiers"]["intent"]["attention_min_visits"]
    decision_makers = contact.decision_makers_seen is True
    product = contact.accepts_product is True
    accepted = product and contact.accepts_price is True and contact.can_afford is True
    if accepted and attention and decision_makers:
        return "A"
    if accepted or (product and attention and decision_makers):
        return "B"
    if product or contact.accepts_price is True or contact.can_afford is True or attention:
        return "C"
    return "D"


def _cut_count(share: float, size: int) -> int:
    """How many of `size` contacts fall within the top `share`, rounded up (so 1 of 1-4 is A)."""
    return min(size, math.ceil(round(share * size, _SHARE_DIGITS)))


def pareto_tiers(scores: Mapping[str, float], config: Mapping[str, Any],
                 tiebreak: Mapping[str, tuple[Any, ...]] | None = None) -> dict[str, str]:
    """Pareto tiers A/B/C by score (seed 000 "top 10–20 %", seed 004 80/20; SPEC §3).

    - A holds ceil(a_share × n) contacts, A and B together ceil((a_share + b_share) × n); so in a
      book of 1–4 graded contacts the best one is A (with the defaults: 1→A; 2→A,C; 3→A,B,C;
      4→A,B,C,C).
    - The shares hold under ties (SPEC §3): contacts are ranked by score, then by `tiebreak`
      (larger first: referrals, then the most recent contact), then by key, so equal scores
      never make everyone A and the result does not depend on input order.
    - A and B need a score above zero: with all scores zero (or below) nobody is A or B, all are C.
    """
    tiebreak = tiebreak or {}
    # A book has few distinct scores and tie-breakers (referral counts, contact dates): the
    # contacts are grouped by them, the groups ranked, and each group ordered by key.
    descending = {value: _descending(value) for value in {tiebreak.get(key, ()) for key in scores}}
    groups: defaultdict[tuple[float, tuple[Any, ...]], list[str]] = defaultdict(list)
    for key, score in scores.items():
        groups[-score, descending[tiebreak.get(key, ())]].append(key)
    ranked = [key for rank in sorted(groups) for key in sorted(groups[rank], key=str)]
    size = len(ranked)
    a_count = _cut_count(float(config["tiers"]["a_share"]), size)
    ab_count = _cut_count(float(config["tiers"]["a_share"])
                          + float(config["tiers"]["b_share"]), size)
    return {key: "A" if place < a_count and scores[key] > 0
            else "B" if place < ab_count and scores[key] > 0 else "C"
            for place, key in enumerate(ranked)}


def _descending(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """A sort key that puts larger values first (numbers negated; dates by their ordinal)."""
    return tuple(-(v.toordinal() if hasattr(v, "toordinal") else v) for v in values)


def _referral_weight(stats: ReferralStats | None) -> tuple[int, int]:
    """Closed referrals, then referrals made: the first tie-breaker between equal scores."""
    return (stats.closed, stats.made) if stats else (0, 0)


def _override(typed: str | None) -> str | None:
    """The tier a Tier override cell names, or None."""
    value = (typed or "").strip().upper()
    return value if value in TIERS else None


def assign_tiers(contacts: Sequence[Contact], lifecycles: Mapping[str, str],
                 scores: Mapping[str, float], config: Mapping[str, Any],
                 visits: Mapping[str, int] | None = None,
                 clients: Collection[str] = (),
                 tiebreak: Mapping[str, tuple[Any, ...]] | None = None) -> dict[str, str]:
    """Tier A–D per Contact.key (SPEC §3), all maps keyed by Contact.key.

    In order: a Tier override A–D wins; Do not contact → D; a lost *prospect* (Lost and never a
    client: not in `clients`) → D; Stage Lead, Prospect or Under contract → `intent_grade` (seed
    001) when the sheet gives any intent value; everyone else — clients and sphere, lost past
    clients (Lost is a lifecycle label, never a mute: seed 003's long-term tracking), and
    prospects without intent data (the score fallback) — is graded together by `pareto_tiers`
    with `tiebreak`. `visits` holds the visit evidence per row (see `visit_count`).
    """
    tiers: dict[str, str] = {}
    pool: dict[str, float] = {}
    # A few override spellings fill the whole column: each is read once.
    overrides = {typed: _override(typed) for typed in {c.tier_override for c in contacts}}
    for contact in contacts:
        row = contact.key
        override = overrides[contact.tier_override]
        if override:
            tiers[row] = override
        elif contact.do_not_contact or (lifecycles.get(row) == LOST and row not in clients):
            tiers[row] = "D"
        elif contact.stage in PROSPECT_STAGES and has_intent_data(contact):
            tiers[row] = intent_grade(contact, config, visits.get(row) if visits else None)
        else:
            pool[row] = scores.get(row, 0.0)
    tiers.update(pareto_tiers(pool, config, tiebreak))
    return tiers


# ---------------------------------------------------------------------------------------------
# Completeness and circle promotion


def completeness(contact: Contact, config: Mapping[str, Any]) -> float:
    """Share (0..1) of [completeness].fields present in the contact's profile (seed 001 建档)."""
    fields = completeness_fields(config)
    if not fields:
        return 1.0
    return sum(1 for name in fields if name in contact.filled_fields) / len(fields)


def completeness_target(contact: Contact, config: Mapping[str, Any], *, visits: int = 0,
                        closed: bool = False) -> float:
    """The completeness a contact should reach by now (seed 001 客户资料建档 ; SPEC §3).

    Closed clients (Stage Closed, a Closing date, or `closed` from Transactions) → closed_target
    (100 %); at least [completeness].three_visits_min visits (the larger of the Visits cell and
    `visits`, the logged "visit" interactions) → three_visits_target (70 %); anyone else has had
    a first contact → first_contact_target (30 %). The stage is facts.completeness_stage.
    """
    stage = completeness_stage(
        closed=closed or contact.stage == "Closed" or contact.closing_date is not None,
        visits=max(contact.visits or 0, visits),
        three_visits_min=int(config["completeness"]["three_visits_min"]))
    return stage_target(stage, config)


def stage_target(stage: str, config: Mapping[str, Any]) -> float:
    """The [completeness] target of a stage: first_contact, three_visits or closed."""
    return float(config["completeness"][f"{stage}_target"])


@functools.lru_cache(maxsize=256)
def _field_label(name: str) -> str:
    """English column name of a profile field for the suggestion text ("closing_date" → "closing
    date"); acronyms such as ID and NPS keep their capitals."""
    entry = CONTACT_COLUMNS.get(name)
    text = entry["en"][0] if entry else name.replace("_", " ")
    return text if text.isupper() else text.lower()


def _percent(share: float) -> int:
    return int(math.floor(share * 100 + 0.5))


def completeness_suggestion(contact: Contact, config: Mapping[str, Any], target: float,
                            share: float | None = None) -> str | None:
    """Row-issues line for a profile below its target, else None (seed 001; SPEC §3).

    It names the missing fields needed to reach the target, taken in [completeness].fields order
    (that order is the priority), e.g. "Profile 42 % complete, target 70 %: add email, birthday".
    `share` is `completeness(contact, config)` when the caller has it already.
    """
    fields = completeness_fields(config)
    if share is None:
        share = completeness(contact, config)
    if not fields or share >= target - 1e-9:
        return None
    missing = [name for name in fields if name not in contact.filled_fields]
    needed = math.ceil(round(target * len(fields), _SHARE_DIGITS)) - (len(fields) - len(missing))
    missing = missing[:max(needed, 1)]
    return (f"Profile {_percent(share)} % complete, target {_percent(target)} %: add "
            + ", ".join(_field_label(name) for name in missing))


def evidenced_circle(referrals: ReferralStats | None, config: Mapping[str, Any]) -> str | None:
    """The innermost circle the referral record proves (seed 004), or None without evidence.

    [circle_promotion]: closed referrals ≥ core_advocate_min_closed_referrals → Core Advocate;
    ≥ advocate_min_closed_referrals → Advocate.
    """
    closed = referrals.closed if referrals else 0
    # At least one closed referral either way: without one there is no evidence to act on.
    if closed >= max(1, config["circle_promotion"]["core_advocate_min_closed_referrals"]):
        return "Core Advocate"
    if closed >= max(1, config["circle_promotion"]["advocate_min_closed_referrals"]):
        return "Advocate"
    return None


def circle_suggestion(contact: Contact, referrals: ReferralStats | None,
                      config: Mapping[str, Any]) -> str | None:
    """Suggest moving the contact inward when referrals prove it (seed 004; SPEC §3).

    Only a suggestion for Row issues: the Circle cell is the person's and is never changed. No text
    when the typed circle is already as far in as the evidence (or further).
    """
    proposed = evidenced_circle(referrals, config)
    if proposed is None:
        return None
    typed = contact.circle
    if typed is not None and _CIRCLE_RANK.get(typed, -1) >= _CIRCLE_RANK[proposed]:
        return None
    closed = referrals.closed if referrals else 0
    evidence = f"{closed} referral{'s' if closed != 1 else ''} closed"
    now = f"typed {typed}" if typed else "Circle is blank"
    return f"Circle: suggest {proposed} ({evidence}; {now})"


# ---------------------------------------------------------------------------------------------
# The whole book


def classify(book: Book, today: date, config: Mapping[str, Any],
             facts: BookFacts | None = None) -> dict[str, Classification]:
    """Computed columns of every contact, keyed by Contact.key (SPEC §3).

    Suggestions (Row issues) list the circle promotion first, then the completeness shortfall.
    `facts` is the book's index (facts.py), built here when the caller has none.
    """
    check_settings(config)
    facts = facts or build_facts(book, today, config)
    referrals = referral_stats(book, facts)

    contacts = book.contacts
    # The facts per contact, in the book's order, read once as columns (not row by row).
    keys = facts.keys.per_contact(book, facts.keys.by_row)
    lasts = facts.keys.per_contact(book, facts.last_contact)
    closings = facts.keys.per_contact(book, facts.closings)
    stages = facts.keys.per_contact(book, facts.completeness_stage)
    rows = [contact.key for contact in contacts]  # each row's identity (see model.Book)
    visits = dict(zip(rows, facts.keys.per_contact(book, facts.visits), strict=True))
    days_since = [(today - last).days if last else None for last in lasts]
    # Activity reads only the days since the last contact, and a stage's target only the
    # stage: a few hundred days and three stages in a whole book, each worked out once.
    activities = {days: activity(days, config) for days in set(days_since)}
    targets = {stage: stage_target(stage, config) for stage in set(stages)}
    deals = facts.transactions
    lifecycles: dict[str, str] = {}
    scores: dict[str, float] = {}
    partial: dict[str, tuple[str, int | None, float, list[str] | tuple[str, ...]]] = {}
    # Completeness reads only the profile's filled fields and the stage's target, and rows
    # filled alike are many: each (fields, target) is worked out once.
    profiles: dict[tuple[frozenset[str], float], tuple[float, str | None]] = {}
    for contact, row, key, days, closed, stage in zip(contacts, rows, keys, days_since,
                                                      closings, stages, strict=True):
        own_referrals = referrals.get(key)
        lifecycles[row] = lifecycle(contact, closed[-1][0] if closed else None, today, config,
                                    own_referrals)
        commission = lifetime_commission(deals[key]) if key in deals else 0.0
        scores[row] = relationship_score(contact, commission, own_referrals, days, config)

        suggestions: list[str] = []
        if own_referrals is not None and own_referrals.closed:  # else no evidence to act on
            circle_text = circle_suggestion(contact, own_referrals, config)
            if circle_text:
                suggestions.append(circle_text)
        target = targets[stage]
        profile = (contact.filled_fields, target)
        if profile not in profiles:
            share = completeness(contact, config)
            profiles[profile] = (share, completeness_suggestion(contact, config, target, share))
        share, completeness_text = profiles[profile]
        if completeness_text:
            suggestions.append(completeness_text)
        partial[row] = (activities[days], days, share, suggestions or ())

    clients = {row for row, key in zip(rows, keys, strict=True) if key in facts.closed}
    no_referrals = _referral_weight(None)
    tiebreak = {
        row: (*(_referral_weight(referrals[key]) if key in referrals else no_referrals),
              last or date.min)
        for row, key, last in zip(rows, keys, lasts, strict=True)
    }
    tiers = assign_tiers(book.contacts, lifecycles, scores, config, visits, clients, tiebreak)
    return {row: Classification(tier=tiers[row], lifecycle=lifecycles[row], activity=activity_class,
                                days_since_contact=days, completeness=share, score=scores[row],
                                suggestions=suggestions)
            for row, (activity_class, days, share, suggestions) in partial.items()}
