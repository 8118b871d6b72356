"""The measures of SPEC §6 on one slice of the book — all of it, or one owner, tier, circle or
source — each returning its value (None on a zero denominator) and the counts behind it, so the
headline metrics and the breakdown tables apply the same formula to different rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import timedelta
from functools import cached_property
from typing import Any

from sheets_sync.core import vocabulary
from sheets_sync.core.facts import BookFacts, deal_order
from sheets_sync.core.model import Book, Classification, Contact, Interaction, Transaction
from sheets_sync.core.referrals import credited_referrer


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


Keyed = Sequence[tuple[str, Any]]  # (contact key, Interaction or Transaction), in sheet order
# (contact key, the Contacts row's contact, its classification) of one Contacts row
PersonRow = tuple[str, Contact, Classification | None]


def keyed(rows: Iterable[Interaction | Transaction], facts: BookFacts) -> list[tuple[str, Any]]:
    """Rows with their contact key, worked out once for all the slices of one call."""
    return [(facts.key_of(row.contact_id), row) for row in rows]


class KeyedRows(Sequence[tuple[str, Any]]):
    """`keyed` held as two lists, the keys beside the rows: no pair is made per row (300,000
    interactions were 19 MB of pairs, held while the insight tabs are built)."""

    def __init__(self, rows: Sequence[Interaction | Transaction], facts: BookFacts) -> None:
        self._rows = rows
        self._keys = [facts.key_of(row.contact_id) for row in rows]

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return zip(self._keys, self._rows, strict=True)

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, at: Any) -> Any:
        if isinstance(at, slice):
            return list(zip(self._keys[at], self._rows[at], strict=True))
        return self._keys[at], self._rows[at]


class BookRows:
    """The book's Transactions and Interactions rows with their contact keys, in sheet order:
    keyed in one pass that the metrics, the circle conversions and every breakdown slice read,
    and the transactions indexed by contact so a slice takes its own without a scan of all.
    `people`: every Contacts row as a `PersonRow`, in the book's order, keyed and classed once
    for the whole book and every slice of it (each slice keyed its contacts again)."""

    def __init__(self, book: Book, facts: BookFacts,
                 classes: Mapping[str, Classification]) -> None:
        self.txns: Keyed = keyed(book.transactions, facts)
        self.interactions: KeyedRows = KeyedRows(list(book.interactions), facts)
        self._at: dict[str, list[int]] = {}
        for position, (key, _) in enumerate(self.txns):
            self._at.setdefault(key, []).append(position)
        self.people: list[PersonRow] = [(facts.key(c), c, classes.get(c.key))
                                         for c in book.contacts]

    def txns_of(self, keys: Iterable[str]) -> list[tuple[str, Any]]:
        """The transactions of the contacts with `keys`, in sheet order."""
        at = sorted(n for key in set(keys) for n in self._at.get(key, ()))
        return [self.txns[n] for n in at]


class BookSlice:
    """Indexes over one slice of the book (all of it, or one owner / tier / circle / source).

    `txns` and `interactions` are the book's rows with their keys (`keyed`); `txns` may be cut
    to the slice, the interactions are cut to the slice's contacts here."""

    def __init__(self, book: Book, facts: BookFacts, classes: Mapping[str, Classification],
                 config: Mapping[str, Any], *, txns: Keyed, interactions: Keyed,
                 contacts: Sequence[Contact] | None = None,
                 rows: Sequence[PersonRow] | None = None) -> None:
        self.book = book
        self.facts = facts
        self.today = facts.today
        self.config = config
        self.settings = config["metrics"]
        self.people = facts.people
        # One entry per Contacts row: a duplicated ID (reported in Issues) still counts twice
        # in per-contact counts, as it does on the Tier and Activity columns. `rows`: the
        # slice's contacts as PersonRows already (BookRows.people), `contacts` taken from them.
        if rows is None:
            self.contacts = list(book.contacts if contacts is None else contacts)
            self.rows = [(facts.key(c), c, classes.get(c.key)) for c in self.contacts]
        else:
            self.rows = list(rows)
            self.contacts = [c for _, c, _ in self.rows]
        self.keys = {key: c for key, c, _ in self.rows}
        self.txns = [txn for _, txn in txns]
        self._interactions = interactions
        self._whole = contacts is None
        self.txns_by: dict[str, list[Transaction]] = {}
        for key, txn in txns:
            self.txns_by.setdefault(key, []).append(txn)
        for deals in self.txns_by.values():
            deals.sort(key=deal_order)
        # Deals per client: Transactions rows, or one for a contact closed only on Contacts.
        self.deals = {cid: len(ts) for cid, ts in self.txns_by.items() if cid}
        for key in self.keys:
            if key not in self.deals and key in facts.closed:
                self.deals[key] = 1
        self.referral_sources = words(self.settings["referral_sources"])
        self.past_client_sources = words(self.settings["past_client_sources"])

    @cached_property
    def interactions(self) -> list[Interaction]:
        """The slice's interactions, in sheet order: cut when a measure first reads them (the
        breakdown rows never do)."""
        if self._whole:
            return [i for _, i in self._interactions]
        keys = self.keys
        return [i for key, i in self._interactions if key in keys]



def repeat_client_rate(f: BookSlice) -> tuple[float | None, int, int]:
    """Seed 000: clients with ≥ 2 transactions ÷ clients with ≥ 1."""
    repeat = sum(1 for n in f.deals.values() if n >= 2)
    return ratio(repeat, len(f.deals)), repeat, len(f.deals)


def avg_days_to_return(f: BookSlice) -> tuple[float | None, int]:
    """Seed 000: mean days between a client's consecutive (dated) transactions."""
    gaps: list[int] = []
    for deals in f.txns_by.values():
        dated = [t.closing_date for t in deals if t.closing_date is not None]
        gaps += [(b - a).days for a, b in zip(dated, dated[1:], strict=False)]
    return mean(gaps), len(gaps)


def is_referred(f: BookSlice, txn: Transaction) -> bool:
    """A referral Source, or a Referred by on the transaction or its client (referrals.py)."""
    return (vocabulary.normalise(txn.source) in f.referral_sources
            or credited_referrer(txn, f.people) is not None)


def past_client_referral_share(f: BookSlice, repeats: set[int]) -> tuple[float | None, int, int]:
    """Seed 000 ("65 %+"): transactions sourced from past clients or referrals ÷ transactions."""
    sourced = sum(1 for t in f.txns
                  if is_referred(f, t) or id(t) in repeats
                  or vocabulary.normalise(t.source) in f.past_client_sources)
    return ratio(sourced, len(f.txns)), sourced, len(f.txns)


def referral_share(f: BookSlice, repeats: set[int]) -> tuple[float | None, int, int]:
    """Seed 003 老带新: clients' first transactions that came by referral ÷ first transactions."""
    firsts = [t for t in f.txns if id(t) not in repeats]
    referred = sum(1 for t in firsts if is_referred(f, t))
    return ratio(referred, len(firsts)), referred, len(firsts)


def nps(contacts: Iterable[Contact]) -> tuple[float | None, int, int, int]:
    """Seed 000/004: % promoters (9–10) − % detractors (0–6); invalid answers are None upstream."""
    answers = [c.nps for c in contacts if c.nps is not None and 0 <= c.nps <= 10]
    promoters = sum(1 for a in answers if a >= 9)
    detractors = sum(1 for a in answers if a <= 6)
    if not answers:
        return None, 0, 0, 0
    return 100.0 * (promoters - detractors) / len(answers), promoters, detractors, len(answers)


def dormant_share(f: BookSlice) -> tuple[float | None, int, int]:
    """Seed 003 流失率: clients whose Activity is Dormant ÷ all clients (with a classification)."""
    clients = [c for key, _, c in f.rows if c is not None and key in f.deals]
    dormant = sum(1 for c in clients if c.activity == "Dormant")
    return ratio(dormant, len(clients)), dormant, len(clients)


def conversion(f: BookSlice) -> tuple[float | None, int, int]:
    """Seed 004 CR: clients among the contacts ÷ contacts."""
    clients = sum(1 for key, _, _ in f.rows if key in f.deals)
    return ratio(clients, len(f.rows)), clients, len(f.rows)


def csat(f: BookSlice) -> tuple[float | None, int, int]:
    """Seed 003: satisfied answers ÷ answers, from Interactions Outcome (prefix match)."""
    satisfied = words(f.settings["satisfied_outcomes"])
    unsatisfied = words(f.settings["unsatisfied_outcomes"])
    yes = no = 0
    answers: dict[str, int] = {}  # Outcome -> -1, 0 or 1, once per distinct text (few)
    for interaction in f.interactions:
        answer = answers.get(interaction.outcome)
        if answer is None:
            # Unsatisfied first: "不满意" begins differently from "满意", but "unsatisfied…" must
            # never be read as a satisfied answer by a looser list.
            answer = answers[interaction.outcome] = (
                -1 if starts(interaction.outcome, unsatisfied)
                else 1 if starts(interaction.outcome, satisfied) else 0)
        if answer < 0:
            no += 1
        elif answer > 0:
            yes += 1
    return ratio(yes, yes + no), yes, yes + no


def engagement(f: BookSlice) -> tuple[float | None, int, int]:
    """Seed 000 "response rate to touchpoints": answered touchpoints ÷ touchpoints done."""
    silent = words(f.settings["no_answer_outcomes"])
    notes: dict[str, bool] = {}  # per distinct Channel and Outcome text (few of each)
    answers: dict[str, bool] = {}
    done = answered = 0
    for i in f.interactions:
        note = notes.get(i.channel)
        if note is None:
            note = notes[i.channel] = vocabulary.normalise(i.channel) == "note"
        if note:
            continue
        done += 1
        answer = answers.get(i.outcome)
        if answer is None:
            answer = answers[i.outcome] = bool(i.outcome.strip()) and not starts(i.outcome,
                                                                                  silent)
        answered += answer
    return ratio(answered, done), answered, done


def repurchase_rate(f: BookSlice) -> tuple[float | None, int, int]:
    """Seed 003 复购率: past clients (first closing ≥ lifecycle.client_days ago) with a later
    purchase ÷ past clients."""
    first = f.facts.first_closing
    cutoff = f.today - timedelta(days=int(f.config["lifecycle"]["client_days"]))
    purchase = words(f.settings["purchase_sides"])
    past = [k for k in f.deals if k in first and first[k] <= cutoff]
    again = 0
    for key in past:
        later = f.txns_by.get(key, [])[1:]
        if any(not t.side.strip() or vocabulary.normalise(t.side) in purchase for t in later):
            again += 1
    return ratio(again, len(past)), again, len(past)

