"""The measures of SPEC §6, each returning its value (None on a zero denominator) and the counts
behind it, so the headline metrics and the breakdown tables apply the same formula.

The measures the breakdown tables share with the headline metrics (repeat client rate, referral
share, NPS, dormant share, conversion) read a `Tally`: the counts of one group of the book — all
of it, or one owner, tier, circle or source — tallied for every group in one pass
(metrics_groups.py). The measures only the headline shows read the `WholeBook`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from itertools import repeat
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from sheets_sync.core import vocabulary
from sheets_sync.core.facts import KEPT_NOTE_PREFIXES, BookFacts, deal_order
from sheets_sync.core.model import Classification, Contact, Interaction, Transaction

if TYPE_CHECKING:  # metrics_groups reads this module's Tally
    from sheets_sync.core.metrics_groups import BookRows


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator ÷ denominator, or None when the denominator is zero (a blank, never an error)."""
    return numerator / denominator if denominator else None


def mean(values: Sequence[float]) -> float | None:
    """The mean, or None for no values."""
    return sum(values) / len(values) if values else None


def words(values: Iterable[Any]) -> set[str]:
    """A `[metrics]` word list, normalised so it matches in every language of the workbook."""
    return {vocabulary.normalise(v) for v in values if str(v).strip()}


def starts(text: str, prefixes: Iterable[str]) -> bool:
    """Whether the normalised text begins with one of the (normalised) prefixes."""
    folded = vocabulary.normalise(text)
    return bool(folded) and folded.startswith(tuple(filter(None, prefixes)))


def repeat_deals(facts: BookFacts) -> set[int]:
    """id() of every transaction that is not its client's first (by Closing date, then row)."""
    return {id(txn) for deals in facts.transactions.values() for txn in deals[1:]}


# ---------------------------------------------------------------------------------------------
# What one Contacts row and one Transactions row add to the counts.


def nps_answer(score: int | None) -> int | None:
    """An NPS answer as the NPS counts it: 1 a promoter (9–10), -1 a detractor (0–6), 0 a
    passive, None no valid answer (invalid answers are None upstream already)."""
    if score is None or not 0 <= score <= 10:
        return None
    return 1 if score >= 9 else -1 if score <= 6 else 0


# (deals, dormant, NPS answer) of one Contacts row. `deals`: its client's deals (Transactions
# rows, else one for a contact closed only on Contacts), 0 when it is not a client's; a client
# is a contact with a Transactions row, a Closing date or Stage Closed (facts.closed).
# `dormant`: None unless the row is a client's with a classification, else whether its
# Activity is Dormant.
RowState = tuple[int, bool | None, int | None]


def row_states(keys: Sequence[str], contacts: Sequence[Contact],
               classes: Sequence[Classification | None],
               deals: Mapping[str, int]) -> list[RowState]:
    """Each Contacts row's `RowState`, in the book's order; `deals` by client key."""
    answers = {score: nps_answer(score) for score in {c.nps for c in contacts}}
    return [(count := deals.get(key, 0),
             None if found is None or not count else found.activity == "Dormant",
             answers[contact.nps])
            for key, contact, found in zip(keys, contacts, classes, strict=True)]


def is_referred(folded_source: str, credited: str | None, referral_sources: set[str]) -> bool:
    """A referral Source, or a Referred by on the transaction or its client (referrals.py)."""
    return folded_source in referral_sources or credited is not None


class Tally:
    """The counts of one group of the book behind the measures the breakdowns share.

    One entry per Contacts row: a duplicated ID (reported in Issues) still counts twice in
    per-contact counts, as it does on the Tier and Activity columns; its deals count once."""

    __slots__ = ("answers", "classed_clients", "clients", "commissions", "contacts", "dealers",
                 "detractors", "dormant", "firsts", "promoters", "referred_firsts", "repeaters",
                 "transactions")

    def __init__(self) -> None:
        self.contacts = 0  # Contacts rows
        self.clients = 0  # of them, clients
        self.classed_clients = 0  # clients with a classification
        self.dormant = 0  # of those, Activity Dormant
        self.answers = self.promoters = self.detractors = 0  # valid NPS answers
        self.dealers = 0  # clients: by key, with their deals (Transactions rows, else one)
        self.repeaters = 0  # of them, with two or more
        self.transactions = 0  # Transactions rows
        self.commissions: list[float] = []  # their Commission (blank: 0), in sheet order
        self.firsts = 0  # of them, a client's first
        self.referred_firsts = 0  # of those, referred

    def add_rows(self, state: RowState, count: int, *, first: bool) -> None:
        """`count` Contacts rows with the same `RowState`; `first`: each is the first row of
        its key in the group, so its client's deals count here."""
        deals, dormant, answer = state
        self.contacts += count
        if deals:
            self.clients += count
            if first:
                self.add_dealer(deals, count)
        if dormant is not None:
            self.classed_clients += count
            if dormant:
                self.dormant += count
        if answer is not None:
            self.answers += count
            if answer > 0:
                self.promoters += count
            elif answer < 0:
                self.detractors += count

    def add_dealer(self, deals: int, count: int = 1) -> None:
        """`count` clients (by key) with `deals` deals each."""
        self.dealers += count
        if deals >= 2:
            self.repeaters += count

    def add_transactions(self, count: int, *, first: bool, referred: bool) -> None:
        """`count` Transactions rows, each a client's first deal or not, referred or not (their
        commissions go to `commissions`, in sheet order)."""
        self.transactions += count
        if first:
            self.firsts += count
            if referred:
                self.referred_firsts += count

    @property
    def commission(self) -> float:
        """The commission of the group's transactions, added up in sheet order."""
        return sum(self.commissions)


def repeat_client_rate(t: Tally) -> tuple[float | None, int, int]:
    """Seed 000: clients with ≥ 2 transactions ÷ clients with ≥ 1."""
    return ratio(t.repeaters, t.dealers), t.repeaters, t.dealers


def referral_share(t: Tally) -> tuple[float | None, int, int]:
    """Seed 003 老带新: clients' first transactions that came by referral ÷ first transactions."""
    return ratio(t.referred_firsts, t.firsts), t.referred_firsts, t.firsts


def nps(t: Tally) -> tuple[float | None, int, int, int]:
    """Seed 000/004: % promoters (9–10) − % detractors (0–6)."""
    if not t.answers:
        return None, 0, 0, 0
    return 100.0 * (t.promoters - t.detractors) / t.answers, t.promoters, t.detractors, t.answers


def dormant_share(t: Tally) -> tuple[float | None, int, int]:
    """Seed 003 流失率: clients whose Activity is Dormant ÷ all clients (with a classification)."""
    return ratio(t.dormant, t.classed_clients), t.dormant, t.classed_clients


def conversion(t: Tally) -> tuple[float | None, int, int]:
    """Seed 004 CR: clients among the contacts ÷ contacts."""
    return ratio(t.clients, t.contacts), t.clients, t.contacts


class WholeBook:
    """What the headline-only measures read of the whole book (BookRows and the facts)."""

    def __init__(self, rows: BookRows, config: Mapping[str, Any]) -> None:
        self.rows = rows
        self.facts = rows.facts
        self.today = rows.facts.today
        self.config = config
        self.settings = config["metrics"]
        self.people = rows.facts.people
        self.txns: Sequence[Transaction] = rows.txns
        self.txns_by = rows.facts.transactions  # by client key, in deal order


def avg_days_to_return(f: WholeBook) -> tuple[float | None, int]:
    """Seed 000: mean days between a client's consecutive (dated) transactions."""
    # Rows without a client ID are one more list of deals, in deal order, as they always were.
    unkeyed = sorted((t for key, t in zip(f.rows.txn_keys, f.txns, strict=True) if not key),
                     key=deal_order)
    gaps: list[int] = []
    for deals in [*f.txns_by.values(), unkeyed]:
        if len(deals) < 2:  # most clients: one deal, no return
            continue
        dated = [t.closing_date for t in deals if t.closing_date is not None]
        gaps += [(b - a).days for a, b in zip(dated, dated[1:], strict=False)]
    return mean(gaps), len(gaps)


def past_client_referral_share(f: WholeBook) -> tuple[float | None, int, int]:
    """Seed 000 ("65 %+"): transactions sourced from past clients or referrals ÷ transactions."""
    rows = f.rows
    sourced = sum(1 for referred, first, source in zip(rows.referred, rows.first, rows.sources,
                                                       strict=True)
                  if referred or not first or source in rows.past_client_sources)
    return ratio(sourced, len(f.txns)), sourced, len(f.txns)


def said(interactions: Sequence[Interaction]) -> Counter[tuple[str, str, bool]]:
    """Interactions counted by (Channel, Outcome, whether the row is a note kept from Today):
    the same few kinds fill the whole tab, so CSAT and engagement read each once, with its
    count."""
    # Read in C (attrgetter, map, str.startswith): 300,000 rows at 100,000 contacts.
    kept_notes = map(str.startswith, map(_TOUCHPOINT, interactions), repeat(KEPT_NOTE_PREFIXES))
    return Counter(zip(map(_CHANNEL, interactions), map(_OUTCOME, interactions), kept_notes,
                       strict=True))


_CHANNEL, _OUTCOME, _TOUCHPOINT = (attrgetter(name) for name in ("channel", "outcome",
                                                                 "touchpoint"))


def csat(f: WholeBook, pairs: Mapping[tuple[str, str, bool], int]
         ) -> tuple[float | None, int, int]:
    """Seed 003: satisfied answers ÷ answers, from Interactions Outcome (prefix match)."""
    satisfied = words(f.settings["satisfied_outcomes"])
    unsatisfied = words(f.settings["unsatisfied_outcomes"])
    yes = no = 0
    for (_, outcome, _), count in pairs.items():
        # Unsatisfied first: "不满意" begins differently from "满意", but "unsatisfied…" must
        # never be read as a satisfied answer by a looser list.
        if starts(outcome, unsatisfied):
            no += count
        elif starts(outcome, satisfied):
            yes += count
    return ratio(yes, yes + no), yes, yes + no


def engagement(f: WholeBook, pairs: Mapping[tuple[str, str, bool], int]
               ) -> tuple[float | None, int, int]:
    """Seed 000 "response rate to touchpoints": answered touchpoints ÷ touchpoints done. Notes
    are no touchpoint done: the "note" channel's, and the text kept from Today rows
    (facts.KEPT_NOTE_PREFIXES)."""
    silent = words(f.settings["no_answer_outcomes"])
    done = answered = 0
    for (channel, outcome, kept_note), count in pairs.items():
        if kept_note or vocabulary.normalise(channel) == "note":
            continue
        done += count
        if outcome.strip() and not starts(outcome, silent):
            answered += count
    return ratio(answered, done), answered, done


def repurchase_rate(f: WholeBook) -> tuple[float | None, int, int]:
    """Seed 003 复购率: past clients (first closing ≥ lifecycle.client_days ago) with a later
    purchase ÷ past clients."""
    first = f.facts.first_closing
    cutoff = f.today - timedelta(days=int(f.config["lifecycle"]["client_days"]))
    purchase = words(f.settings["purchase_sides"])
    past = [k for k in f.facts.closed if k in first and first[k] <= cutoff]
    again = 0
    for key in past:
        deals = f.txns_by.get(key, ())
        if len(deals) > 1 and any(not t.side.strip() or vocabulary.normalise(t.side) in purchase
                                  for t in deals[1:]):
            again += 1
    return ratio(again, len(past)), again, len(past)
