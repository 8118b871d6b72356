"""The referral network: who referred whom, what it brought, and who is owed a thank-you.

SPEC §7 (seed 001 "业主关系网状图", seed 004 social network theory) and the reward tiers of SPEC §4
(seed 002: "First referral dapat $25-50 gift. Jika mereka refer multiple client, bump mereka ke
$75-100 gift atau annual appreciation event untuk top referrer anda").

Everything here is a pure function of the Book, the classifications and the config: no clock, no
files. `referrals_tab` turns the result into the owned **Referrals** tab.

Definitions used throughout (and repeated in the docstrings that rely on them):

* **Referral**, **Closed**, **Referral date**, **Thank-you**, **Reward tier**, **Top referrer**
  — the book's facts, defined once in facts.py and shared with the touchpoint engine, the
  metrics and classification.
* **Credited referrer of a transaction** — the transaction's own Referred by, else the client's
  Referred by. Commission generated sums the commission of the transactions credited to a referrer.
* **Downstream** — every contact reachable through referrals of referrals (breadth-first, each
  contact once, so cycles end), the referrer itself excluded.
* **Influence** — downstream contacts + commission of the downstream contacts' transactions ÷
  `referrals.influence_commission_unit` (with the default unit, 10,000 of downstream commission
  weighs as much as one more downstream contact).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sheets_sync.core.facts import BookFacts, build_facts, closed_keys, contact_keys, referral_pairs
from sheets_sync.core.model import (
    DATE,
    INTEGER,
    MONEY,
    NUMBER,
    PERCENT,
    TEXT,
    WRAP,
    Book,
    Classification,
    Column,
    Contact,
    OwnedTab,
    Transaction,
)

# Days in one quarter of a 365-day year: the forecast turns a yearly count into a quarterly rate.
QUARTER_DAYS = 365 / 4
YEAR_DAYS = 365.25  # mean calendar year, for "per year" rates


def _l(en: str, zh: str, zh_hant: str, ja: str, ms: str) -> dict[str, str]:
    return {"en": en, "zh": zh, "zh-Hant": zh_hant, "ja": ja, "ms": ms}


def localized(labels: Mapping[str, str] | str | None, lang: str) -> str:
    """Pick `lang` from a label dict (config or module), falling back to English, then any."""
    if labels is None:
        return ""
    if isinstance(labels, str):
        return labels
    return labels.get(lang) or labels.get("en") or next(iter(labels.values()), "")


REFERRAL_COLUMNS: dict[str, dict[str, str]] = {
    "rank": _l("Rank", "排名", "排名", "順位", "Kedudukan"),
    "referrer_id": _l("Referrer ID", "介绍人编号", "介紹人編號", "紹介者ID", "ID perujuk"),
    "name": _l("Name", "姓名", "姓名", "氏名", "Nama"),
    "owner": _l("Owner", "负责人", "負責人", "担当者", "Ejen"),
    "referrals": _l("Referrals made", "转介绍人数", "轉介紹人數", "紹介数", "Rujukan dibuat"),
    "closed": _l("Closed", "已成交", "已成交", "成約", "Ditutup"),
    "conversion": _l("Conversion", "转化率", "轉化率", "成約率", "Penukaran"),
    "commission": _l("Commission generated", "带来佣金", "帶來佣金", "紹介手数料",
                     "Komisen dijana"),
    "commission_per_year": _l("Commission per year", "年均佣金", "年均佣金", "年間手数料",
                              "Komisen setahun"),
    "downstream": _l("Downstream referrals", "下游转介绍", "下游轉介紹", "連鎖紹介数",
                     "Rujukan hiliran"),
    "chain": _l("Longest chain", "最长推荐链", "最長推薦鏈", "最長の紹介連鎖",
                "Rantaian terpanjang"),
    "influence": _l("Influence", "影响力", "影響力", "影響力", "Pengaruh"),
    "reward_tier": _l("Reward tier", "奖励等级", "獎勵等級", "謝礼ランク", "Tahap ganjaran"),
    "reward_due": _l("Reward due", "待发奖励", "待發獎勵", "未済の謝礼", "Ganjaran tertunggak"),
    "last_thanked": _l("Last thanked", "上次致谢", "上次致謝", "最終お礼日",
                       "Terakhir diucap terima kasih"),
    "last_referral": _l("Last referral", "最近转介绍", "最近轉介紹", "最新紹介日",
                        "Rujukan terakhir"),
    "expected": _l("Expected next quarter", "下季度预计", "下季度預計", "次四半期の見込み",
                   "Jangkaan suku depan"),
    "candidate": _l("Core Advocate candidate", "核心拥护者候选", "核心擁護者候選", "コア支持者候補",
                    "Calon penyokong teras"),
    "top": _l("Top referrer", "年度推荐达人", "年度推薦達人", "年間トップ紹介者",
              "Perujuk terbaik"),
    "referred": _l("Referred", "被介绍人", "被介紹人", "紹介した人", "Dirujuk"),
}
YES = _l("yes", "是", "是", "はい", "ya")


@dataclass
class Referrer:
    """One row of the Referrals tab (see the module docstring for each definition)."""

    contact_id: str
    name: str
    owner: str = ""
    circle: str | None = None
    referred: list[str] = field(default_factory=list)  # direct referrals, contact IDs
    referred_names: list[str] = field(default_factory=list)
    referrals: int = 0
    closed: int = 0
    conversion: float | None = None  # closed ÷ referrals
    commission: float = 0.0  # commission of the transactions credited to this referrer
    commission_per_year: float = 0.0  # ROI per referral source (seed 002)
    downstream: int = 0
    downstream_commission: float = 0.0
    chain: list[str] = field(default_factory=list)  # names, referrer first, to the deepest contact
    influence: float = 0.0
    rank: int = 0
    reward_tier: dict[str, str] = field(default_factory=dict)  # tier name per language
    reward: dict[str, str] = field(default_factory=dict)  # what to give, per language
    reward_due: bool = False
    last_thanked: date | None = None
    last_referral: date | None = None
    referrals_in_window: int = 0  # referrals dated within referrals.lookback_days
    expected_next_quarter: float = 0.0
    core_candidate: bool = False
    top_referrer: bool = False


# ---------------------------------------------------------------------------------------------
# Building blocks (also used by metrics.py and graph.py).


def contacts_by_id(book: Book) -> dict[str, Contact]:
    """Contact key -> the first Contacts row with it (facts.contact_keys)."""
    return dict(contact_keys(book).people)


def referral_edges(book: Book) -> dict[str, set[str]]:
    """Referrer key -> keys of the contacts they referred (Contacts and Transactions combined)."""
    edges: dict[str, set[str]] = {}
    for referrer, person in referral_pairs(book, contact_keys(book)):
        edges.setdefault(referrer, set()).add(person)
    return edges


def credited_referrer(txn: Transaction, people: Mapping[str, Contact]) -> str | None:
    """Who a transaction's commission is credited to: its own Referred by, else the client's."""
    if txn.referred_by and txn.referred_by != txn.contact_id:
        return txn.referred_by
    client = people.get(txn.contact_id)
    if client is not None and client.referred_by and client.referred_by != txn.contact_id:
        return client.referred_by
    return None


def closed_ids(book: Book) -> set[str]:
    """Contacts who closed: a Transactions row, a Closing date on Contacts, or Stage Closed."""
    return set(closed_keys(book, contact_keys(book)))


Reached = dict[str, tuple[str | None, int]]  # contact -> (who reached them, depth)


def breadth_first(edges: Mapping[str, Iterable[str]], start: str) -> Reached:
    """Everyone reachable from `start` through referrals of referrals, `start` first, in
    breadth-first order (each contact's referrals by ID), with who reached them and how deep:
    one walk, which ends on cycles and stays linear in the size of the graph."""
    reached: Reached = {start: (None, 0)}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        depth = reached[node][1] + 1
        for nxt in sorted(edges.get(node, ())):
            if nxt not in reached:
                reached[nxt] = (node, depth)
                queue.append(nxt)
    return reached


def downstream_of(edges: Mapping[str, Iterable[str]], start: str,
                  reached: Reached | None = None) -> set[str]:
    """Everyone reachable from `start` through referrals of referrals; cycle-safe (BFS).
    `reached`: `breadth_first(edges, start)`, when already walked."""
    seen = {start}
    for node in reached or breadth_first(edges, start):
        seen.add(node)  # one at a time, in the walk's order, as the set has always been built
    seen.discard(start)
    return seen


def deepest_chain(edges: Mapping[str, Iterable[str]], start: str,
                  reached: Reached | None = None) -> list[str]:
    """IDs from `start` to the contact farthest down its referral tree (shortest path to it).

    Breadth-first, so it ends on cycles and stays linear in the size of the graph; ties go to the
    smallest ID so the result is stable from one sync to the next. `reached`:
    `breadth_first(edges, start)`, when already walked.
    """
    reached = reached or breadth_first(edges, start)
    end = min(reached, key=lambda n: (-reached[n][1], n))
    path: list[str] = []
    node: str | None = end
    while node is not None:
        path.append(node)
        node = reached[node][0]
    return path[::-1]


def quarterly_rate(count_in_window: int, lookback_days: int) -> float:
    """Referrals per quarter: the count seen in the look-back window ÷ quarters in that window."""
    if lookback_days <= 0:
        return 0.0
    return count_in_window / (lookback_days / QUARTER_DAYS)


# ---------------------------------------------------------------------------------------------


def compute_referrals(book: Book, classes: Mapping[str, Classification], today: date,
                      config: Mapping[str, Any], facts: BookFacts | None = None
                      ) -> list[Referrer]:
    """Per referrer: referrals, closed, conversion, commission, chains, reward, last thanked.

    Sorted by influence rank (1 = most influential). Formulas (module docstring for terms):
    conversion = closed referrals ÷ referrals made; commission per year = commission generated ÷
    years since the first credited closing (at least one year, so a single recent deal is not
    multiplied up — seed 002 "ROI per referral source": commission a referrer sends in a year);
    expected next quarter = referrals dated in the last `lookback_days` ÷ quarters in that window
    (seed 002 "referral pipeline forecasting"); reward due = a reward tier is reached and the
    referrer has not been thanked since their newest referral (never thanked counts as due).
    Referral dates, thank-yous, reward tiers and the top referrers are the book's (facts.py).
    """
    del classes  # the referral network needs no tier; kept for a uniform signature
    facts = facts or build_facts(book, today, config)
    settings = config["referrals"]
    people = facts.people
    edges = facts.referral_edges()
    credited = _credited_deals(book, people)
    # Each client's commissions, read once: every referrer above them sums them again.
    by_client = {client: [t.commission or 0.0 for t in deals]
                 for client, deals in _deals_by_client(book).items()}
    when = {(r.referrer, r.referred): r.when for refs in facts.referrals.values() for r in refs}
    lookback = int(settings["lookback_days"])
    unit = float(settings["influence_commission_unit"]) or 1.0

    result: list[Referrer] = []
    for person, referred_set in edges.items():
        referrer = _referrer_of(person, referred_set, people)
        _add_counts(referrer, facts.closed)
        _add_commission(referrer, credited.get(person, []), today)
        _add_network(referrer, edges, by_client, unit, people)
        dates = [d for p in referrer.referred if (d := when.get((person, p))) is not None]
        _add_pipeline(referrer, dates, today, lookback)
        _add_reward(referrer, facts)
        result.append(referrer)
    return _ranked(result, facts.recognised(), settings,
                   int(config["circle_promotion"]["core_advocate_min_closed_referrals"]))


def _credited_deals(book: Book, people: Mapping[str, Contact]) -> dict[str, list[Transaction]]:
    """Referrer -> the transactions whose commission is credited to them, in sheet order."""
    credited: dict[str, list[Transaction]] = {}
    for txn in book.transactions:
        who = credited_referrer(txn, people)
        if who:
            credited.setdefault(who, []).append(txn)
    return credited


def _deals_by_client(book: Book) -> dict[str, list[Transaction]]:
    """Client ID as typed -> their transactions, in sheet order."""
    deals: dict[str, list[Transaction]] = {}
    for txn in book.transactions:
        deals.setdefault(txn.contact_id, []).append(txn)
    return deals


def _name_of(people: Mapping[str, Contact], person: str) -> str:
    contact = people.get(person)
    return contact.name if contact is not None and contact.name else person


def _referrer_of(person: str, referred_set: Iterable[str],
                 people: Mapping[str, Contact]) -> Referrer:
    """The referrer's row with who they are and whom they referred (by name, then key)."""
    referred = sorted(referred_set, key=lambda p: (_name_of(people, p), p))
    contact = people.get(person)
    return Referrer(
        contact_id=person,
        name=_name_of(people, person),
        owner=contact.owner if contact is not None else "",
        circle=contact.circle if contact is not None else None,
        referred=referred,
        referred_names=[_name_of(people, p) for p in referred],
    )


def _add_counts(referrer: Referrer, closed: frozenset[str]) -> None:
    """Referrals made, of which closed, and closed ÷ made (None when none made)."""
    made = len(referrer.referred)
    won = sum(1 for p in referrer.referred if p in closed)
    referrer.referrals, referrer.closed = made, won
    referrer.conversion = won / made if made else None


def _add_commission(referrer: Referrer, deals: list[Transaction], today: date) -> None:
    """Commission of the credited deals, and that per year since the first dated one (at least
    one year)."""
    referrer.commission = sum(t.commission or 0.0 for t in deals)
    dated = [t.closing_date for t in deals if t.closing_date is not None]
    years = max(1.0, (today - min(dated)).days / YEAR_DAYS) if dated else 1.0
    referrer.commission_per_year = referrer.commission / years


def _add_network(referrer: Referrer, edges: Mapping[str, Iterable[str]],
                 by_client: Mapping[str, list[float]], unit: float,
                 people: Mapping[str, Contact]) -> None:
    """Downstream contacts, their commission, the longest chain and the influence."""
    person = referrer.contact_id
    reached = breadth_first(edges, person)
    below = downstream_of(edges, person, reached)
    referrer.downstream = len(below)
    referrer.downstream_commission = sum(amount for p in below
                                         for amount in by_client.get(p, ()))
    referrer.chain = [_name_of(people, p) for p in deepest_chain(edges, person, reached)]
    referrer.influence = len(below) + referrer.downstream_commission / unit


def _add_pipeline(referrer: Referrer, dates: list[date], today: date, lookback: int) -> None:
    """The newest referral, those in the look-back window and the quarterly forecast."""
    referrer.last_referral = max(dates) if dates else None
    referrer.referrals_in_window = sum(1 for d in dates if 0 <= (today - d).days < lookback)
    referrer.expected_next_quarter = quarterly_rate(referrer.referrals_in_window, lookback)


def _add_reward(referrer: Referrer, facts: BookFacts) -> None:
    """The reward tier reached, what it gives, the last thank-you and whether a reward is due
    (needs last_referral set)."""
    tier = facts.reward_tier(referrer.referrals, referrer.closed)
    referrer.last_thanked = facts.last_thanked(referrer.contact_id)
    last_referral = referrer.last_referral
    referrer.reward_tier = dict(tier["name"]) if tier else {}
    referrer.reward = dict(tier["reward"]) if tier else {}
    referrer.reward_due = tier is not None and not facts.thanked_for(referrer.contact_id,
                                                                     last_referral)


def _ranked(referrers: list[Referrer], recognised: frozenset[str], settings: Mapping[str, Any],
            min_closed: int) -> list[Referrer]:
    """Most influential first, ranked from 1, with the top referrers and the Core Advocate
    candidates marked."""
    referrers.sort(key=lambda r: (-r.influence, -r.closed, r.name, r.contact_id))
    for rank, referrer in enumerate(referrers, start=1):
        referrer.rank = rank
        # Yearly "top referrer" recognition (SPEC §4): whom the recognition in play names.
        referrer.top_referrer = referrer.contact_id in recognised
        # Core Advocate candidates (seed 004): enough closed referrals (the circle-promotion rule),
        # or among the most influential with a real downstream network.
        referrer.core_candidate = referrer.circle != "Core Advocate" and (
            referrer.closed >= min_closed
            or (rank <= int(settings["candidate_top_n"])
                and referrer.downstream >= int(settings["candidate_min_downstream"])))
    return referrers


def referrals_tab(referrers: list[Referrer], lang: str = "en") -> OwnedTab:
    """The owned Referrals tab: one row per referrer, most influential first."""
    keys = ["rank", "referrer_id", "name", "owner", "referrals", "closed", "conversion",
            "commission", "commission_per_year", "downstream", "chain", "influence", "reward_tier",
            "reward_due", "last_thanked", "last_referral", "expected", "candidate", "top",
            "referred"]
    yes = localized(YES, lang)
    rows: list[list[Any]] = []
    for r in referrers:
        rows.append([
            r.rank, r.contact_id, r.name, r.owner, r.referrals, r.closed, r.conversion,
            round(r.commission, 2), round(r.commission_per_year, 2), r.downstream,
            " → ".join(r.chain) if len(r.chain) > 1 else "", round(r.influence, 2),
            localized(r.reward_tier, lang), localized(r.reward, lang) if r.reward_due else "",
            r.last_thanked, r.last_referral, round(r.expected_next_quarter, 2),
            yes if r.core_candidate else "", yes if r.top_referrer else "",
            ", ".join(r.referred_names),
        ])
    kinds = {"rank": INTEGER, "referrals": INTEGER, "closed": INTEGER, "conversion": PERCENT,
             "commission": MONEY, "commission_per_year": MONEY, "downstream": INTEGER,
             "chain": WRAP, "influence": NUMBER, "last_thanked": DATE, "last_referral": DATE,
             "expected": NUMBER, "referred": WRAP}
    return OwnedTab(
        key="referrals",
        columns=[Column(k, localized(REFERRAL_COLUMNS[k], lang), kinds.get(k, TEXT)) for k in keys],
        rows=rows,
        autofilter=True,
    )
