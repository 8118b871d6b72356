"""Team metrics (SPEC §6; seeds 000, 002, 003, 004): every metric of the Metrics tab, with its
definition, from the book's facts.

Every formula is the one the seeds and SPEC §6 write, and each Metric carries it in words (its
`definition`), with the numbers that went in, so the team can check a value by hand. A value is
None — a blank cell, never an error — when its denominator is zero or there is no data.

Terms used in the formulas:

* **Client** — a contact with at least one Transactions row, a Closing date on Contacts, or Stage
  "Closed". Without Transactions rows such a contact counts as one transaction in counts of deals.
* **Repeat deal** — any of a client's Transactions rows after their first (by Closing date; undated
  rows last).
* **Referred** — see referrals.py: a Referred by on the transaction or on the client.
* Source and Side values are matched against the word lists in `[metrics]` after
  vocabulary.normalise, so the same words work in every language of the workbook.

Next to it: metrics_catalogue.py (names, formats, targets), metrics_measures.py (the formulas,
on a group's Tally or the whole book), metrics_groups.py (the book's rows read once and every
group's Tally), metrics_breakdowns.py (per Owner/Tier/Circle/Source), metrics_history.py (the
Metrics history tab) and metrics_layout.py (the Metrics tab's rows, kinds and charts).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sheets_sync.core import vocabulary
from sheets_sync.core.facts import BookFacts, build_facts
from sheets_sync.core.metrics_catalogue import (
    ACTIVITIES,
    COMPLETENESS_GROUPS,
    TIERS,
    Metric,
    make_metric,
)
from sheets_sync.core.metrics_groups import BookRows, GroupTallies
from sheets_sync.core.metrics_measures import (
    WholeBook,
    avg_days_to_return,
    conversion,
    csat,
    dormant_share,
    engagement,
    mean,
    nps,
    past_client_referral_share,
    ratio,
    referral_share,
    repeat_client_rate,
    repurchase_rate,
    said,
)
from sheets_sync.core.model import Book, Classification, Table
from sheets_sync.core.readback import read_today, written_on
from sheets_sync.core.referrals import YEAR_DAYS, Referrer, compute_referrals


@dataclass
class DueItem:
    """One touchpoint that fell due: when, and when it was done (None: not done)."""

    due: date
    done_on: date | None


def due_items_from_today(table: Table | None, today: date,
                         date_order: str = "dmy") -> list[DueItem]:
    """Read the Today tab (as read before the sync rewrites it) into DueItems.

    A row lists a touchpoint that was due (Due) and how late it already was when the list was
    written (Days overdue). Ticking Done (any tick `parse.read_tick` reads, as the harvest does)
    means it was done before this sync, so it counts as done on the day the list was written
    (Due + Days overdue): on time when that was not overdue. When Days overdue is missing, a
    ticked row counts as done today.
    """
    items: list[DueItem] = []
    for row in read_today(table, date_order):
        if row.due is None:
            continue
        if not row.done:
            items.append(DueItem(row.due, None))
        elif row.days_overdue is not None:
            items.append(DueItem(row.due, row.due + timedelta(days=max(0, row.days_overdue))))
        else:
            items.append(DueItem(row.due, today))
    return items


def list_written_on(table: Table | None, date_order: str = "dmy") -> date | None:
    """The day a Today tab was written: every row's Due + Days overdue is that day."""
    return written_on(read_today(table, date_order))


def compute_metrics(book: Book, classes: Mapping[str, Classification], today: date,
                    config: Mapping[str, Any], *,
                    due_items: Sequence[DueItem] | None = None,
                    referrers: Sequence[Referrer] | None = None,
                    facts: BookFacts | None = None,
                    rows: BookRows | None = None) -> list[Metric]:
    """Every metric of SPEC §6, headline ones first, then the per-group ones.

    Formulas (terms in the module docstring; each Metric.definition repeats its own):

    * repeat client rate = clients with ≥ 2 transactions ÷ clients with ≥ 1 (seed 000)
    * average time to return = mean days between a client's consecutive transactions (seed 000)
    * business from past clients & referrals = transactions whose Source is a referral/past-client
      source, that are referred, or that are a repeat deal ÷ all transactions (seed 000, 65 %+)
    * referral share = first transactions that were referred ÷ first transactions (seed 003 老带新)
    * referral conversion = referred contacts who closed ÷ referred contacts, also per source
      (the referrer is a past client, else their Circle, else Other; seed 002)
    * repurchase rate = past clients (first closing ≥ lifecycle.client_days ago) with a later
      purchase (Side a purchase word or blank) ÷ past clients (seed 003 复购率)
    * NPS = % promoters (9–10) − % detractors (0–6) of Contacts NPS answers (seed 000, 004)
    * CSAT = satisfied Outcomes ÷ satisfied + unsatisfied Outcomes in Interactions (seed 003)
    * dormant share = clients with Activity Dormant ÷ clients (seed 003 流失率)
    * engagement = touchpoints with an answered Outcome ÷ touchpoints done (Interactions, notes
      excluded; seed 000)
    * touchpoints on time = items done by their due date ÷ items due (`due_items`, see
      due_items_from_today); None when not given
    * CLTV = average transaction value × average transactions per client × average relationship
      years (seed 004; value = metrics.cltv_value, years since the client's first closing)
    * lifetime value per client = average commission per transaction × average lifetime
      transactions per client including those of the people they referred (seed 000)
    * retention ROI = (last-365-day commission from repeat and referred deals − program cost) ÷
      program cost (seed 000; metrics.program_cost_per_year)
    * conversion rate per circle = clients in the circle ÷ contacts in it (seed 004)
    * ROI per referral source = referred commission per year per referrer (seed 002; average, and
      the top referrers as groups)
    * referral forecast = Σ active referrers' referrals in the look-back window ÷ quarters in it
    * data completeness = mean Completeness, per stage group against the [completeness] targets
    * tier / activity distribution = contacts per tier and per activity class
    """
    book_facts = facts or build_facts(book, today, config)
    rows = rows or BookRows(book, book_facts, classes, config)
    whole = WholeBook(rows, config)
    tally = rows.tallies.book  # the counts the breakdowns share, for the whole book
    pairs = said(book.interactions)  # the one pass over the Interactions
    out: list[Metric] = []

    value, num, den = repeat_client_rate(tally)
    out.append(make_metric("repeat_client_rate", value, (
        f"Clients with ≥ 2 transactions ÷ clients with ≥ 1 ({num} ÷ {den}). A client has a "
        "Transactions row, a Closing date or Stage Closed (seed 000)."), config))

    days, gaps = avg_days_to_return(whole)
    out.append(make_metric("avg_days_to_return", days, (
        f"Mean days between a client's consecutive dated transactions ({gaps} returns; "
        "seed 000: shorter is better)."), config))

    value, num, den = past_client_referral_share(whole)
    out.append(make_metric("past_client_referral_share", value, (
        f"Transactions with a referral or past-client Source, a Referred by, or by a repeat "
        f"client ÷ all transactions ({num} ÷ {den}; seed 000)."), config))

    value, num, den = referral_share(tally)
    out.append(make_metric("referral_share", value, (
        f"Clients' first transactions that came by referral (Source referral or a Referred by) ÷ "
        f"all first transactions ({num} ÷ {den}; seed 003 老带新)."), config))

    out += _referral_conversion(whole, config)

    value, num, den = repurchase_rate(whole)
    out.append(make_metric("repurchase_rate", value, (
        f"Past clients (first closing ≥ {config['lifecycle']['client_days']} days ago) with a "
        f"later purchase (Side buy or blank) ÷ past clients ({num} ÷ {den}; seed 003)."), config))

    score, promoters, detractors, answers = nps(tally)
    out.append(make_metric("nps", score, (
        f"% promoters (9–10) − % detractors (0–6) of valid NPS answers: 100 × ({promoters} − "
        f"{detractors}) ÷ {answers}; range −100..100 (seed 000, 004)."), config))

    value, num, den = csat(whole, pairs)
    out.append(make_metric("csat", value, (
        f"Interactions whose Outcome is a satisfied answer ÷ Interactions with a satisfied or "
        f"unsatisfied Outcome ({num} ÷ {den}; words in metrics.satisfied_outcomes / "
        "unsatisfied_outcomes; NPS is not used; seed 003 survey)."), config))

    value, num, den = dormant_share(tally)
    out.append(make_metric("dormant_share", value, (
        f"Clients whose Activity is Dormant (no contact for more than "
        f"{config['activity']['silent_max_days']} days, or never) ÷ all clients ({num} ÷ {den}; "
        "seed 003 流失率)."), config))

    value, num, den = engagement(whole, pairs)
    out.append(make_metric("engagement", value, (
        f"Touchpoints done (Interactions, notes excluded) with an answered Outcome — not "
        f"blank, not a no-answer word — ÷ touchpoints done ({num} ÷ {den}; seed 000)."), config))

    items = list(due_items or [])
    on_time = sum(1 for i in items if i.done_on is not None and i.done_on <= i.due)
    # No counts in the text: a re-sync the same day keeps the day's first measure (from the
    # Metrics history) but cannot know its counts, and must write the same text.
    out.append(make_metric("touchpoints_on_time", ratio(on_time, len(items)), (
        "Touchpoints done by their due date ÷ touchpoints due, from the Today tab the day's "
        "first sync read."), config))

    out += _value_metrics(whole, config)
    out += _circle_conversion(rows.tallies, config)
    if referrers is None:
        referrers = compute_referrals(book, classes, today, config, book_facts)
    out += _referral_metrics(referrers, config)
    out += _completeness(whole, config)
    out += _distributions(whole, config)
    return out


def _referral_conversion(facts: WholeBook, config: Mapping[str, Any]) -> list[Metric]:
    """Seed 002: referred leads that closed ÷ referred leads, overall and per referrer kind."""
    closed = facts.facts.closed
    # Each referred person once, with their first referrer (Contacts, then Transactions),
    # whether on Contacts or not.
    leads = facts.facts.first_referrer

    def kind(referrer: str) -> str:
        if referrer in closed:
            return "Past client"
        contact = facts.people.get(referrer)
        return contact.circle if contact is not None and contact.circle else "Other"

    won = sum(1 for lead in leads if lead in closed)
    out = [make_metric("referral_conversion", ratio(won, len(leads)), (
        f"Referred contacts who closed ÷ referred contacts ({won} ÷ {len(leads)}); by source: "
        "what the referrer is — a past client, else their Circle (seed 002: 60 % vs 20 %)."),
        config)]
    groups: dict[str, list[str]] = {}
    for lead, referrer in leads.items():
        groups.setdefault(kind(referrer), []).append(lead)
    order = ["Past client", *vocabulary.CIRCLES, "Other"]
    for group in sorted(groups, key=lambda g: order.index(g) if g in order else len(order)):
        members = groups[group]
        won = sum(1 for lead in members if lead in closed)
        out.append(make_metric("referral_conversion", ratio(won, len(members)), (
            f"Leads whose referrer is {group}: closed ÷ leads ({won} ÷ {len(members)})."),
            config, group=group))
    return out


def _value_metrics(facts: WholeBook, config: Mapping[str, Any]) -> list[Metric]:
    """CLTV (seed 004), lifetime value per client (seed 000), retention ROI (seed 000)."""
    return [_cltv(facts, config), _lifetime_value(facts, config),
            _retention_roi(facts, config)]


def _clients_with_transactions(facts: WholeBook) -> list[str]:
    return list(facts.txns_by)


def _cltv(facts: WholeBook, config: Mapping[str, Any]) -> Metric:
    """Seed 004 as written: average value × transactions per client × relationship years."""
    field_name = "price" if facts.settings["cltv_value"] == "price" else "commission"
    values = [getattr(t, field_name) for t in facts.txns if getattr(t, field_name) is not None]
    avg_value = mean(values)
    clients = _clients_with_transactions(facts)
    per_client = ratio(sum(len(facts.txns_by[c]) for c in clients), len(clients))
    first = facts.facts.first_closing
    years = [(facts.today - first[c]).days / YEAR_DAYS for c in clients if c in first]
    avg_years = mean(years)
    cltv = (avg_value * per_client * avg_years
            if None not in (avg_value, per_client, avg_years) else None)
    return make_metric("cltv", cltv, (
        f"Average transaction {field_name} ({_num(avg_value)}) × average transactions per client "
        f"({_num(per_client)}) × average relationship years since the first closing "
        f"({_num(avg_years)}) — seed 004 as written."), config)


def _lifetime_value(facts: WholeBook, config: Mapping[str, Any]) -> Metric:
    """Seed 000: average commission × lifetime transactions per client, their referrals' too."""
    commissions = [t.commission for t in facts.txns if t.commission is not None]
    avg_commission = mean(commissions)
    referred_count: dict[str, int] = {}
    for who in facts.rows.credited:
        if who:
            referred_count[who] = referred_count.get(who, 0) + 1
    lifetime = [len(facts.txns_by[c]) + referred_count.get(c, 0)
                for c in _clients_with_transactions(facts)]
    avg_lifetime = mean(lifetime)
    ltv = (avg_commission * avg_lifetime
           if avg_commission is not None and avg_lifetime is not None else None)
    return make_metric("lifetime_value", ltv, (
        f"Average commission per transaction ({_num(avg_commission)}) × average lifetime "
        f"transactions per client incl. those of people they referred ({_num(avg_lifetime)}); "
        "seed 000: 10,000 × 4 = 40,000."), config)


def _retention_roi(facts: WholeBook, config: Mapping[str, Any]) -> Metric:
    """Seed 000: (last year's commission from repeat and referred deals − cost) ÷ cost."""
    today = facts.today
    cost = float(facts.settings["program_cost_per_year"])
    since = today - timedelta(days=365)
    rows = facts.rows
    revenue = sum(t.commission or 0.0
                  for t, first, referred in zip(facts.txns, rows.first, rows.referred,
                                                strict=True)
                  if t.closing_date is not None and since < t.closing_date <= today
                  and (not first or referred))
    roi = (revenue - cost) / cost if cost > 0 else None
    return make_metric("retention_roi", roi, (
        f"(Commission of the last 365 days from repeat and referred deals ({_num(revenue)}) − "
        f"program cost ({_num(cost)}, metrics.program_cost_per_year)) ÷ program cost "
        "(seed 000)."), config)


def _circle_conversion(tallies: GroupTallies, config: Mapping[str, Any]) -> list[Metric]:
    """Seed 004: CR = new clients from a circle ÷ contacts in that circle, per circle."""
    out = []
    circles = tallies.groups["circle"]
    for circle in vocabulary.CIRCLES:
        if circle not in circles:  # no contact in it
            continue
        value, num, den = conversion(circles[circle])
        out.append(make_metric("circle_conversion", value, (
            f"Clients in {circle} ÷ contacts in {circle} ({num} ÷ {den}; seed 004 CR)."),
            config, group=circle))
    return out


def _referral_metrics(referrers: Sequence[Referrer], config: Mapping[str, Any]) -> list[Metric]:
    """Seed 002: ROI per referral source and the next-quarter referral forecast."""
    lookback = int(config["referrals"]["lookback_days"])
    average = mean([r.commission_per_year for r in referrers])
    out = [make_metric("referral_roi", average, (
        f"Commission credited to a referrer ÷ years since their first referred closing (at least "
        f"1), averaged over {len(referrers)} referrers (seed 002)."), config)]
    active = [r for r in referrers if r.referrals_in_window]
    forecast = sum(r.expected_next_quarter for r in active) if referrers else None
    out.append(make_metric("referral_forecast", forecast, (
        f"Σ over {len(active)} referrers active in the last {lookback} days of (their referrals in "
        f"that window ÷ {lookback / (365 / 4):g} quarters) (seed 002)."), config))
    top = sorted((r for r in referrers if r.commission_per_year > 0),
                 key=lambda r: (-r.commission_per_year, r.name))
    for r in top[: int(config["metrics"]["top_referrers_shown"])]:
        out.append(make_metric("referral_roi", r.commission_per_year, (
            f"{r.name}: commission {_num(r.commission)} from {r.closed} closed referrals, per "
            "year since the first."), config, group=r.name))
    return out


def _completeness(facts: WholeBook, config: Mapping[str, Any]) -> list[Metric]:
    """Seed 001: profile completeness by stage against 30 % / 70 % / 100 %."""
    settings = config["completeness"]
    targets = {"first_contact": float(settings["first_contact_target"]),
               "three_visits": float(settings["three_visits_target"]),
               "closed": float(settings["closed_target"])}
    classes = facts.rows.classes
    values = [c.completeness for c in classes if c is not None]
    out = [make_metric("completeness", mean(values), (
        f"Mean share of the [completeness] profile fields filled, over {len(values)} contacts "
        "(seed 001)."), config)]
    groups: dict[str, list[float]] = {g: [] for g in COMPLETENESS_GROUPS}
    stages = facts.facts.completeness_stage
    for contact, found in zip(facts.rows.contacts, classes, strict=True):
        if found is not None:
            # The contact's completeness stage; a Lost prospect is in none.
            stage = stages[contact.row]
            if stage == "closed" or contact.stage != "Lost":
                groups[stage].append(found.completeness)
    for group in COMPLETENESS_GROUPS:
        shares = groups[group]
        if not shares:
            continue
        below = sum(1 for s in shares if s < targets[group])
        out.append(make_metric("completeness", mean(shares), (
            f"Mean completeness of {len(shares)} contacts at this stage; {below} below the "
            f"{targets[group] * 100:g} % target (seed 001)."), config, group=group,
            target=targets[group]))
    return out


def _distributions(facts: WholeBook, config: Mapping[str, Any]) -> list[Metric]:
    """Seed 003 reports: contacts per tier and per activity class."""
    out = []
    found = [c for c in facts.rows.classes if c is not None]
    tiers = Counter(c.tier for c in found)
    activities = Counter(c.activity for c in found)
    for tier in TIERS:
        out.append(make_metric("tier_distribution", float(tiers[tier]),
                               f"Contacts with Tier {tier}.", config, group=tier))
    for activity in ACTIVITIES:
        out.append(make_metric("activity_distribution", float(activities[activity]),
                               f"Contacts whose Activity is {activity}.", config,
                               group=activity))
    return out


def _num(value: float | None) -> str:
    """A number as a definition shows it: thousands separated, at most two decimals."""
    if value is None:
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if not float(value).is_integer() else (
        f"{value:,.0f}")
