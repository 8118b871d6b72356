"""Team metrics (SPEC §6; seeds 000, 002, 003, 004), the Metrics tab and the Metrics history tab.

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
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from . import vocabulary
from .facts import BookFacts, build_facts, deal_order
from .model import (
    TEXT,
    Book,
    Chart,
    Classification,
    Column,
    ColumnRef,
    Contact,
    HistoryRow,
    Interaction,
    OwnedTab,
    Table,
    Transaction,
)
from .parse import read_date, read_number
from .readback import read_today, written_on
from .referrals import YEAR_DAYS, Referrer, compute_referrals, credited_referrer, localized

PERCENT, NUMBER, MONEY, DAYS = "percent", "number", "money", "days"

TIERS = ("A", "B", "C", "D")
ACTIVITIES = ("Active", "Cooling", "Silent", "Dormant")
COMPLETENESS_GROUPS = ("first_contact", "three_visits", "closed")

# Headline metrics, in the order of the Metrics tab and of the Metrics history columns. The history
# relies on this order staying fixed (new keys go at the end) so its charts can find their column.
HISTORY_KEYS = (
    "repeat_client_rate", "avg_days_to_return", "past_client_referral_share", "referral_share",
    "referral_conversion", "repurchase_rate", "nps", "csat", "dormant_share", "engagement",
    "touchpoints_on_time", "cltv", "lifetime_value", "retention_roi", "referral_roi",
    "referral_forecast", "completeness",
)
FORMATS: dict[str, str] = {
    "repeat_client_rate": PERCENT, "avg_days_to_return": DAYS,
    "past_client_referral_share": PERCENT, "referral_share": PERCENT,
    "referral_conversion": PERCENT, "repurchase_rate": PERCENT, "nps": NUMBER, "csat": PERCENT,
    "dormant_share": PERCENT, "engagement": PERCENT, "touchpoints_on_time": PERCENT,
    "cltv": MONEY, "lifetime_value": MONEY, "retention_roi": PERCENT, "referral_roi": MONEY,
    "referral_forecast": NUMBER, "completeness": PERCENT, "circle_conversion": PERCENT,
    "tier_distribution": NUMBER, "activity_distribution": NUMBER,
}
# Where a smaller value is the better one, a target is a ceiling.
LOWER_IS_BETTER = frozenset({"dormant_share", "avg_days_to_return"})


def _l(en: str, zh: str, zh_hant: str, ja: str, ms: str) -> dict[str, str]:
    return {"en": en, "zh": zh, "zh-Hant": zh_hant, "ja": ja, "ms": ms}


METRIC_NAMES: dict[str, dict[str, str]] = {
    "repeat_client_rate": _l("Repeat client rate", "回头客比例", "回頭客比例", "リピート顧客率",
                             "Kadar pelanggan berulang"),
    "avg_days_to_return": _l("Average time to return (days)", "平均回头间隔(天)",
                             "平均回頭間隔(天)", "平均リピート間隔(日)",
                             "Purata masa untuk kembali (hari)"),
    "past_client_referral_share": _l("Business from past clients & referrals",
                                     "老客户与转介绍业务占比", "老客戶與轉介紹業務佔比",
                                     "過去顧客・紹介からの取引比率",
                                     "Perniagaan daripada pelanggan lama & rujukan"),
    "referral_share": _l("Referral share of new deals", "老带新占比", "老帶新佔比",
                         "新規成約の紹介比率", "Bahagian rujukan bagi urus niaga baharu"),
    "referral_conversion": _l("Referral conversion", "转介绍转化率", "轉介紹轉化率", "紹介成約率",
                              "Kadar penukaran rujukan"),
    "repurchase_rate": _l("Repurchase rate", "老客户复购率", "老客戶復購率", "再購入率",
                          "Kadar pembelian semula"),
    "nps": _l("NPS", "净推荐值 NPS", "淨推薦值 NPS", "NPS", "NPS"),
    "csat": _l("CSAT", "客户满意度 CSAT", "客戶滿意度 CSAT", "顧客満足度 CSAT", "CSAT"),
    "dormant_share": _l("Dormant share (churn)", "沉睡客户占比(流失率)", "沉睡客戶佔比(流失率)",
                        "休眠顧客比率(離反率)", "Bahagian dorman (churn)"),
    "engagement": _l("Engagement", "互动回应率", "互動回應率", "エンゲージメント率",
                     "Kadar penglibatan"),
    "touchpoints_on_time": _l("Touchpoints on time", "按时触达率", "按時觸達率", "期日内対応率",
                              "Sentuhan tepat masa"),
    "cltv": _l("CLTV", "客户终身价值 CLTV", "客戶終身價值 CLTV", "顧客生涯価値 CLTV", "CLTV"),
    "lifetime_value": _l("Lifetime value per client", "单客户终身价值", "單客戶終身價值",
                         "顧客あたり生涯価値", "Nilai sepanjang hayat setiap pelanggan"),
    "retention_roi": _l("Retention ROI", "客户维护投资回报率", "客戶維護投資回報率",
                        "維持プログラムROI", "ROI program pengekalan"),
    "circle_conversion": _l("Conversion rate by circle", "圈层转化率", "圈層轉化率",
                            "サークル別成約率", "Kadar penukaran mengikut bulatan"),
    "referral_roi": _l("Referred commission per year per referrer", "介绍人年均带来佣金",
                       "介紹人年均帶來佣金", "紹介者あたり年間紹介手数料",
                       "Komisen rujukan setahun setiap perujuk"),
    "referral_forecast": _l("Referral forecast (next quarter)", "下季度转介绍预测",
                            "下季度轉介紹預測", "紹介予測(次四半期)",
                            "Ramalan rujukan (suku tahun depan)"),
    "completeness": _l("Data completeness", "资料完整度", "資料完整度", "情報充足率",
                       "Kelengkapan data"),
    "tier_distribution": _l("Contacts by tier", "各等级人数", "各等級人數", "ランク別人数",
                            "Kenalan mengikut tier"),
    "activity_distribution": _l("Contacts by activity", "各活跃度人数", "各活躍度人數",
                                "アクティビティ別人数", "Kenalan mengikut aktiviti"),
}

TAB_LABELS: dict[str, dict[str, str]] = {
    "metric": _l("Metric", "指标", "指標", "指標", "Metrik"),
    "value": _l("Value", "数值", "數值", "値", "Nilai"),
    "target": _l("Target", "目标", "目標", "目標", "Sasaran"),
    "status": _l("Status", "状态", "狀態", "状況", "Status"),
    "definition": _l("Definition", "定义", "定義", "定義", "Takrifan"),
    "advice": _l("What to do", "建议行动", "建議行動", "次の一手", "Tindakan"),
    "date": _l("Date", "日期", "日期", "日付", "Tarikh"),
    "met": _l("met", "达标", "達標", "達成", "dicapai"),
    "below": _l("below", "未达标", "未達標", "未達", "di bawah sasaran"),
    "none": _l("(none)", "(无)", "(無)", "(なし)", "(tiada)"),
    "by_owner": _l("By owner", "按负责人", "按負責人", "担当者別", "Mengikut ejen"),
    "by_tier": _l("By tier", "按等级", "按等級", "ランク別", "Mengikut tier"),
    "by_circle": _l("By circle", "按圈层", "按圈層", "サークル別", "Mengikut bulatan"),
    "by_source": _l("By source", "按来源", "按來源", "流入元別", "Mengikut sumber"),
    "owner": _l("Owner", "负责人", "負責人", "担当者", "Ejen"),
    "tier": _l("Tier", "等级", "等級", "ランク", "Tier"),
    "circle": _l("Circle", "圈层", "圈層", "サークル", "Bulatan"),
    "source": _l("Source", "来源", "來源", "流入元", "Sumber"),
    "contacts": _l("Contacts", "联系人", "聯絡人", "連絡先数", "Kenalan"),
    "clients": _l("Clients", "客户", "客戶", "顧客数", "Pelanggan"),
    "transactions": _l("Transactions", "成交数", "成交數", "取引数", "Transaksi"),
    "commission": _l("Commission", "佣金", "佣金", "手数料", "Komisen"),
    "conversion": _l("Conversion (clients ÷ contacts)", "转化率(客户÷联系人)",
                     "轉化率(客戶÷聯絡人)", "成約率(顧客÷連絡先)",
                     "Penukaran (pelanggan ÷ kenalan)"),
    "share_of_transactions": _l("Share of transactions", "成交占比", "成交佔比", "取引シェア",
                                "Bahagian transaksi"),
    "nps_over_time": _l("NPS over time", "NPS 趋势", "NPS 趨勢", "NPS の推移", "NPS mengikut masa"),
    "repeat_over_time": _l("Repeat client rate over time", "回头客比例趋势", "回頭客比例趨勢",
                           "リピート顧客率の推移", "Kadar pelanggan berulang mengikut masa"),
    "business_by_source": _l("Business by source", "各来源成交", "各來源成交", "流入元別の取引",
                             "Perniagaan mengikut sumber"),
}

GROUP_LABELS: dict[str, dict[str, str]] = {
    "Active": _l("Active", "活跃", "活躍", "アクティブ", "Aktif"),
    "Cooling": _l("Cooling", "降温", "降溫", "冷却中", "Semakin dingin"),
    "Silent": _l("Silent", "沉默", "沉默", "サイレント", "Senyap"),
    "Dormant": _l("Dormant", "沉睡", "沉睡", "休眠", "Dorman"),
    "Past client": _l("Past client", "老客户", "老客戶", "過去の顧客", "Pelanggan lama"),
    "Other": _l("Other", "其他", "其他", "その他", "Lain-lain"),
    "first_contact": _l("First contact", "首次接触", "首次接觸", "初回接触", "Hubungan pertama"),
    "three_visits": _l("After three visits", "三次来访后", "三次來訪後", "来訪3回以降",
                       "Selepas tiga lawatan"),
    "closed": _l("Closed clients", "成交客户", "成交客戶", "成約顧客", "Pelanggan selesai"),
}

# A short "what to do" line shown when a metric is below its target.
ADVICE: dict[str, str] = {
    "repeat_client_rate": "Keep A/B clients on their 30/90-day cadence and call on every home "
                          "anniversary; offer equity reviews to past clients.",
    "past_client_referral_share": "Work the past-client list weekly and ask for referrals at the "
                                  "day-30 check-in (seed 002).",
    "referral_share": "Ask for a referral at every day-30 check-in and thank each referrer within "
                      "48 hours.",
    "repurchase_rate": "Send past clients market updates and equity reviews; log life events in "
                       "Interactions so the check-ins fire.",
    "nps": "Call every detractor (0-6) to hear what went wrong and fix it before asking for "
           "referrals.",
    "csat": "Go through the unsatisfied answers in Interactions; a manager calls each one "
            "(seed 003).",
    "dormant_share": "Work the reconnect items in Today: clients silent for 90+ days first.",
    "completeness": "Fill the missing profile fields (Completeness on Contacts) at the next call.",
}


@dataclass
class Metric:
    """One line of the Metrics tab. `value` is a fraction for percent metrics (0.25 = 25 %)."""

    key: str
    name: str
    value: float | None
    target: str = ""
    status: str = ""  # "met", "below" or "" (no target, or no value)
    definition: str = ""
    format: str = NUMBER  # percent / number / money / days
    advice: str = ""
    group: str = ""  # for per-group metrics (a circle, a tier, a referrer…); "" for headline ones


@dataclass
class DueItem:
    """One touchpoint that fell due: when, and when it was done (None: not done)."""

    due: date
    done_on: date | None


@dataclass
class Breakdown:
    """A table below the main metrics: one row per owner, tier, circle or source.

    Each row: [group, contacts, clients, transactions, commission, repeat client rate, referral
    share of new deals, NPS, dormant share, conversion (clients ÷ contacts), share of
    transactions]; a cell is None where the measure does not apply or has no data.
    """

    key: str  # "owner", "tier", "circle" or "source"
    rows: list[list[Any]] = field(default_factory=list)


BREAKDOWN_COLUMNS = ("contacts", "clients", "transactions", "commission", "repeat_client_rate",
                     "referral_share", "nps", "dormant_share", "conversion",
                     "share_of_transactions")
BREAKDOWN_FORMATS = ("number", "integer", "integer", "money", "percent", "percent", "number",
                     "percent", "percent", "percent")


# ---------------------------------------------------------------------------------------------
# Small helpers.


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator ÷ denominator, or None when the denominator is zero (a blank, never an error)."""
    return numerator / denominator if denominator else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _words(values: Iterable[Any]) -> set[str]:
    return {vocabulary.normalise(v) for v in values if str(v).strip()}


def _starts(text: str, prefixes: Iterable[str]) -> bool:
    folded = vocabulary.normalise(text)
    return bool(folded) and any(folded.startswith(p) for p in prefixes if p)


def repeat_deals(facts: BookFacts) -> set[int]:
    """id() of every transaction that is not its client's first (by Closing date, then row)."""
    return {id(txn) for deals in facts.transactions.values() for txn in deals[1:]}


_Keyed = Sequence[tuple[str, Any]]  # (contact key, Interaction or Transaction), in sheet order


def _keyed(rows: Iterable[Interaction | Transaction], facts: BookFacts) -> list[tuple[str, Any]]:
    """Rows with their contact key, worked out once for all the slices of one call."""
    return [(facts.key_of(row.contact_id), row) for row in rows]


class _Slice:
    """Indexes over one slice of the book (all of it, or one owner / tier / circle / source).

    `txns` and `interactions` are the book's rows with their keys (`_keyed`); `txns` may be cut
    to the slice, the interactions are cut to the slice's contacts here."""

    def __init__(self, book: Book, facts: BookFacts, classes: Mapping[str, Classification],
                 config: Mapping[str, Any], *, txns: _Keyed, interactions: _Keyed,
                 contacts: Sequence[Contact] | None = None) -> None:
        self.book = book
        self.facts = facts
        self.today = facts.today
        self.config = config
        self.settings = config["metrics"]
        self.people = facts.people
        self.contacts = list(book.contacts if contacts is None else contacts)
        # One entry per Contacts row: a duplicated ID (reported in Issues) still counts twice
        # in per-contact counts, as it does on the Tier and Activity columns.
        self.rows = [(facts.key(c), c, classes.get(c.key)) for c in self.contacts]
        self.keys = {key: c for key, c, _ in self.rows}
        self.txns = [txn for _, txn in txns]
        self.interactions = [i for key, i in interactions if contacts is None or key in self.keys]
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
        self.referral_sources = _words(self.settings["referral_sources"])
        self.past_client_sources = _words(self.settings["past_client_sources"])


# ---------------------------------------------------------------------------------------------
# The measures: each returns its value (None on a zero denominator) and the counts behind it.


def _repeat_client_rate(f: _Slice) -> tuple[float | None, int, int]:
    """Seed 000: clients with ≥ 2 transactions ÷ clients with ≥ 1."""
    repeat = sum(1 for n in f.deals.values() if n >= 2)
    return ratio(repeat, len(f.deals)), repeat, len(f.deals)


def _avg_days_to_return(f: _Slice) -> tuple[float | None, int]:
    """Seed 000: mean days between a client's consecutive (dated) transactions."""
    gaps: list[int] = []
    for deals in f.txns_by.values():
        dated = [t.closing_date for t in deals if t.closing_date is not None]
        gaps += [(b - a).days for a, b in zip(dated, dated[1:], strict=False)]
    return _mean(gaps), len(gaps)


def _is_referred(f: _Slice, txn: Transaction) -> bool:
    return (vocabulary.normalise(txn.source) in f.referral_sources
            or credited_referrer(txn, f.people) is not None)


def _past_client_referral_share(f: _Slice, repeats: set[int]) -> tuple[float | None, int, int]:
    """Seed 000 ("65 %+"): transactions sourced from past clients or referrals ÷ transactions."""
    sourced = sum(1 for t in f.txns
                  if _is_referred(f, t) or id(t) in repeats
                  or vocabulary.normalise(t.source) in f.past_client_sources)
    return ratio(sourced, len(f.txns)), sourced, len(f.txns)


def _referral_share(f: _Slice, repeats: set[int]) -> tuple[float | None, int, int]:
    """Seed 003 老带新: clients' first transactions that came by referral ÷ first transactions."""
    firsts = [t for t in f.txns if id(t) not in repeats]
    referred = sum(1 for t in firsts if _is_referred(f, t))
    return ratio(referred, len(firsts)), referred, len(firsts)


def _nps(contacts: Iterable[Contact]) -> tuple[float | None, int, int, int]:
    """Seed 000/004: % promoters (9–10) − % detractors (0–6); invalid answers are None upstream."""
    answers = [c.nps for c in contacts if c.nps is not None and 0 <= c.nps <= 10]
    promoters = sum(1 for a in answers if a >= 9)
    detractors = sum(1 for a in answers if a <= 6)
    if not answers:
        return None, 0, 0, 0
    return 100.0 * (promoters - detractors) / len(answers), promoters, detractors, len(answers)


def _dormant_share(f: _Slice) -> tuple[float | None, int, int]:
    """Seed 003 流失率: clients whose Activity is Dormant ÷ all clients (with a classification)."""
    clients = [c for key, _, c in f.rows if c is not None and key in f.deals]
    dormant = sum(1 for c in clients if c.activity == "Dormant")
    return ratio(dormant, len(clients)), dormant, len(clients)


def _conversion(f: _Slice) -> tuple[float | None, int, int]:
    """Seed 004 CR: clients among the contacts ÷ contacts."""
    clients = sum(1 for key, _, _ in f.rows if key in f.deals)
    return ratio(clients, len(f.rows)), clients, len(f.rows)


def _csat(f: _Slice) -> tuple[float | None, int, int]:
    """Seed 003: satisfied answers ÷ answers, from Interactions Outcome (prefix match)."""
    satisfied = _words(f.settings["satisfied_outcomes"])
    unsatisfied = _words(f.settings["unsatisfied_outcomes"])
    yes = no = 0
    for interaction in f.interactions:
        # Unsatisfied first: "不满意" begins differently from "满意", but "unsatisfied…" must never
        # be read as a satisfied answer by a looser list.
        if _starts(interaction.outcome, unsatisfied):
            no += 1
        elif _starts(interaction.outcome, satisfied):
            yes += 1
    return ratio(yes, yes + no), yes, yes + no


def _engagement(f: _Slice) -> tuple[float | None, int, int]:
    """Seed 000 "response rate to touchpoints": answered touchpoints ÷ touchpoints done."""
    silent = _words(f.settings["no_answer_outcomes"])
    done = [i for i in f.interactions if vocabulary.normalise(i.channel) != "note"]
    answered = sum(1 for i in done if i.outcome.strip() and not _starts(i.outcome, silent))
    return ratio(answered, len(done)), answered, len(done)


# ---------------------------------------------------------------------------------------------


def _target_text(key: str, fmt: str, target: float | None, reference: str) -> str:
    parts = []
    if target is not None:
        sign = "≤" if key in LOWER_IS_BETTER else "≥"
        shown = f"{target * 100:g} %" if fmt == PERCENT else f"{target:g}"
        parts.append(f"{sign} {shown}")
    if reference:
        parts.append(f"({reference})" if parts else reference)
    return " ".join(parts)


def _status(key: str, value: float | None, target: float | None) -> str:
    if value is None or target is None:
        return ""
    better = value <= target if key in LOWER_IS_BETTER else value >= target
    return "met" if better else "below"


def _make(key: str, value: float | None, definition: str, config: Mapping[str, Any], *,
          group: str = "", target: float | None = None, reference: str | None = None) -> Metric:
    settings = config["metrics"]
    if target is None and not group:
        raw = settings["targets"].get(key)
        target = float(raw) if raw is not None else None
    if reference is None:
        reference = "" if group else str(settings["references"].get(key, ""))
    fmt = FORMATS[key]
    status = _status(key, value, target)
    name = METRIC_NAMES[key]["en"] + (f" — {group}" if group else "")
    return Metric(key=key, name=name, value=value, target=_target_text(key, fmt, target, reference),
                  status=status, definition=definition, format=fmt,
                  advice=ADVICE.get(key, "") if status == "below" else "", group=group)


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


def compute_metrics(book: Book, classes: Mapping[str, Classification], today: date,
                    config: Mapping[str, Any], *,
                    due_items: Sequence[DueItem] | None = None,
                    referrers: Sequence[Referrer] | None = None,
                    facts: BookFacts | None = None) -> list[Metric]:
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
    txns = _keyed(book.transactions, book_facts)
    interactions = _keyed(book.interactions, book_facts)
    facts = _Slice(book, book_facts, classes, config, txns=txns, interactions=interactions)
    repeats = repeat_deals(book_facts)
    out: list[Metric] = []

    value, num, den = _repeat_client_rate(facts)
    out.append(_make("repeat_client_rate", value, (
        f"Clients with ≥ 2 transactions ÷ clients with ≥ 1 ({num} ÷ {den}). A client has a "
        "Transactions row, a Closing date or Stage Closed (seed 000)."), config))

    days, gaps = _avg_days_to_return(facts)
    out.append(_make("avg_days_to_return", days, (
        f"Mean days between a client's consecutive dated transactions ({gaps} returns; "
        "seed 000: shorter is better)."), config))

    value, num, den = _past_client_referral_share(facts, repeats)
    out.append(_make("past_client_referral_share", value, (
        f"Transactions with a referral or past-client Source, a Referred by, or by a repeat "
        f"client ÷ all transactions ({num} ÷ {den}; seed 000)."), config))

    value, num, den = _referral_share(facts, repeats)
    out.append(_make("referral_share", value, (
        f"Clients' first transactions that came by referral (Source referral or a Referred by) ÷ "
        f"all first transactions ({num} ÷ {den}; seed 003 老带新)."), config))

    out += _referral_conversion(book, facts, config)

    value, num, den = _repurchase_rate(book, facts, config)
    out.append(_make("repurchase_rate", value, (
        f"Past clients (first closing ≥ {config['lifecycle']['client_days']} days ago) with a "
        f"later purchase (Side buy or blank) ÷ past clients ({num} ÷ {den}; seed 003)."), config))

    score, promoters, detractors, answers = _nps(facts.contacts)
    out.append(_make("nps", score, (
        f"% promoters (9–10) − % detractors (0–6) of valid NPS answers: 100 × ({promoters} − "
        f"{detractors}) ÷ {answers}; range −100..100 (seed 000, 004)."), config))

    value, num, den = _csat(facts)
    out.append(_make("csat", value, (
        f"Interactions whose Outcome is a satisfied answer ÷ Interactions with a satisfied or "
        f"unsatisfied Outcome ({num} ÷ {den}; words in metrics.satisfied_outcomes / "
        "unsatisfied_outcomes; NPS is not used; seed 003 survey)."), config))

    value, num, den = _dormant_share(facts)
    out.append(_make("dormant_share", value, (
        f"Clients whose Activity is Dormant (no contact for more than "
        f"{config['activity']['silent_max_days']} days, or never) ÷ all clients ({num} ÷ {den}; "
        "seed 003 流失率)."), config))

    value, num, den = _engagement(facts)
    out.append(_make("engagement", value, (
        f"Touchpoints done (Interactions, notes excluded) with an answered Outcome — not "
        f"blank, not a no-answer word — ÷ touchpoints done ({num} ÷ {den}; seed 000)."), config))

    items = list(due_items or [])
    on_time = sum(1 for i in items if i.done_on is not None and i.done_on <= i.due)
    out.append(_make("touchpoints_on_time", ratio(on_time, len(items)), (
        f"Touchpoints done by their due date ÷ touchpoints due, from the Today tab as read before "
        f"this sync ({on_time} ÷ {len(items)})."), config))

    out += _value_metrics(book, facts, repeats, config)
    out += _circle_conversion(book, book_facts, classes, config, txns, interactions)
    if referrers is None:
        referrers = compute_referrals(book, classes, today, config, book_facts)
    out += _referral_metrics(referrers, config)
    out += _completeness(book, facts, config)
    out += _distributions(facts, config)
    return out


def _referral_conversion(book: Book, facts: _Slice, config: Mapping[str, Any]) -> list[Metric]:
    """Seed 002: referred leads that closed ÷ referred leads, overall and per referrer kind."""
    closed = facts.facts.closed
    # Each referred person once, with their first referrer (Contacts, then Transactions).
    leads = {person: referrer for person, referrer in facts.facts.first_referrer.items()
             if person in facts.keys or person not in facts.people}

    def kind(referrer: str) -> str:
        if referrer in closed:
            return "Past client"
        contact = facts.people.get(referrer)
        return contact.circle if contact is not None and contact.circle else "Other"

    won = sum(1 for lead in leads if lead in closed)
    out = [_make("referral_conversion", ratio(won, len(leads)), (
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
        out.append(_make("referral_conversion", ratio(won, len(members)), (
            f"Leads whose referrer is {group}: closed ÷ leads ({won} ÷ {len(members)})."),
            config, group=group))
    return out


def _repurchase_rate(book: Book, facts: _Slice,
                     config: Mapping[str, Any]) -> tuple[float | None, int, int]:
    """Seed 003 复购率: past clients with a second purchase ÷ past clients."""
    first = facts.facts.first_closing
    cutoff = facts.today - timedelta(days=int(config["lifecycle"]["client_days"]))
    purchase = _words(facts.settings["purchase_sides"])
    past = [k for k in facts.deals if k in first and first[k] <= cutoff]
    again = 0
    for key in past:
        later = facts.txns_by.get(key, [])[1:]
        if any(not t.side.strip() or vocabulary.normalise(t.side) in purchase for t in later):
            again += 1
    return ratio(again, len(past)), again, len(past)


def _value_metrics(book: Book, facts: _Slice, repeats: set[int],
                   config: Mapping[str, Any]) -> list[Metric]:
    """CLTV (seed 004), lifetime value per client (seed 000), retention ROI (seed 000)."""
    settings = facts.settings
    today = facts.today
    field_name = "price" if settings["cltv_value"] == "price" else "commission"
    values = [getattr(t, field_name) for t in facts.txns if getattr(t, field_name) is not None]
    avg_value = _mean(values)
    clients = [cid for cid in facts.txns_by if cid]
    per_client = ratio(sum(len(facts.txns_by[c]) for c in clients), len(clients))
    first = facts.facts.first_closing
    years = [(today - first[c]).days / YEAR_DAYS for c in clients if c in first]
    avg_years = _mean(years)
    cltv = (avg_value * per_client * avg_years
            if None not in (avg_value, per_client, avg_years) else None)
    out = [_make("cltv", cltv, (
        f"Average transaction {field_name} ({_num(avg_value)}) × average transactions per client "
        f"({_num(per_client)}) × average relationship years since the first closing "
        f"({_num(avg_years)}) — seed 004 as written."), config)]

    commissions = [t.commission for t in facts.txns if t.commission is not None]
    avg_commission = _mean(commissions)
    referred_count: dict[str, int] = {}
    for txn in facts.txns:
        who = credited_referrer(txn, facts.people)
        if who:
            referred_count[who] = referred_count.get(who, 0) + 1
    lifetime = [len(facts.txns_by[c]) + referred_count.get(c, 0) for c in clients]
    avg_lifetime = _mean(lifetime)
    ltv = (avg_commission * avg_lifetime
           if avg_commission is not None and avg_lifetime is not None else None)
    out.append(_make("lifetime_value", ltv, (
        f"Average commission per transaction ({_num(avg_commission)}) × average lifetime "
        f"transactions per client incl. those of people they referred ({_num(avg_lifetime)}); "
        "seed 000: 10,000 × 4 = 40,000."), config))

    cost = float(settings["program_cost_per_year"])
    since = today - timedelta(days=365)
    revenue = sum(t.commission or 0.0 for t in facts.txns
                  if t.closing_date is not None and since < t.closing_date <= today
                  and (id(t) in repeats or _is_referred(facts, t)))
    roi = (revenue - cost) / cost if cost > 0 else None
    out.append(_make("retention_roi", roi, (
        f"(Commission of the last 365 days from repeat and referred deals ({_num(revenue)}) − "
        f"program cost ({_num(cost)}, metrics.program_cost_per_year)) ÷ program cost "
        "(seed 000)."), config))
    return out


def _circle_conversion(book: Book, book_facts: BookFacts, classes: Mapping[str, Classification],
                       config: Mapping[str, Any], txns: _Keyed,
                       interactions: _Keyed) -> list[Metric]:
    """Seed 004: CR = new clients from a circle ÷ contacts in that circle, per circle."""
    out = []
    for circle in vocabulary.CIRCLES:
        members = [c for c in book.contacts if c.circle == circle]
        if not members:
            continue
        keys = {book_facts.key(c) for c in members}
        facts = _Slice(book, book_facts, classes, config, contacts=members,
                       txns=[(k, t) for k, t in txns if k in keys], interactions=interactions)
        value, num, den = _conversion(facts)
        out.append(_make("circle_conversion", value, (
            f"Clients in {circle} ÷ contacts in {circle} ({num} ÷ {den}; seed 004 CR)."),
            config, group=circle))
    return out


def _referral_metrics(referrers: Sequence[Referrer], config: Mapping[str, Any]) -> list[Metric]:
    """Seed 002: ROI per referral source and the next-quarter referral forecast."""
    lookback = int(config["referrals"]["lookback_days"])
    average = _mean([r.commission_per_year for r in referrers])
    out = [_make("referral_roi", average, (
        f"Commission credited to a referrer ÷ years since their first referred closing (at least "
        f"1), averaged over {len(referrers)} referrers (seed 002)."), config)]
    active = [r for r in referrers if r.referrals_in_window]
    forecast = sum(r.expected_next_quarter for r in active) if referrers else None
    out.append(_make("referral_forecast", forecast, (
        f"Σ over {len(active)} referrers active in the last {lookback} days of (their referrals in "
        f"that window ÷ {lookback / (365 / 4):g} quarters) (seed 002)."), config))
    top = sorted((r for r in referrers if r.commission_per_year > 0),
                 key=lambda r: (-r.commission_per_year, r.name))
    for r in top[: int(config["metrics"]["top_referrers_shown"])]:
        out.append(_make("referral_roi", r.commission_per_year, (
            f"{r.name}: commission {_num(r.commission)} from {r.closed} closed referrals, per "
            "year since the first."), config, group=r.name))
    return out


def _completeness_group(facts: _Slice, contact: Contact) -> str | None:
    """The contact's completeness stage (facts.completeness_stage); a Lost prospect is in none."""
    stage = facts.facts.completeness_stage[contact.row]
    return None if stage != "closed" and contact.stage == "Lost" else stage


def _completeness(book: Book, facts: _Slice, config: Mapping[str, Any]) -> list[Metric]:
    """Seed 001: profile completeness by stage against 30 % / 70 % / 100 %."""
    settings = config["completeness"]
    targets = {"first_contact": float(settings["first_contact_target"]),
               "three_visits": float(settings["three_visits_target"]),
               "closed": float(settings["closed_target"])}
    values = [c.completeness for _, _, c in facts.rows if c is not None]
    out = [_make("completeness", _mean(values), (
        f"Mean share of the [completeness] profile fields filled, over {len(values)} contacts "
        "(seed 001)."), config)]
    groups: dict[str, list[float]] = {g: [] for g in COMPLETENESS_GROUPS}
    for _, contact, found in facts.rows:
        group = _completeness_group(facts, contact)
        if group is not None and found is not None:
            groups[group].append(found.completeness)
    for group in COMPLETENESS_GROUPS:
        shares = groups[group]
        if not shares:
            continue
        below = sum(1 for s in shares if s < targets[group])
        out.append(_make("completeness", _mean(shares), (
            f"Mean completeness of {len(shares)} contacts at this stage; {below} below the "
            f"{targets[group] * 100:g} % target (seed 001)."), config, group=group,
            target=targets[group]))
    return out


def _distributions(facts: _Slice, config: Mapping[str, Any]) -> list[Metric]:
    """Seed 003 reports: contacts per tier and per activity class."""
    out = []
    found = [c for _, _, c in facts.rows if c is not None]
    for tier in TIERS:
        count = sum(1 for c in found if c.tier == tier)
        out.append(_make("tier_distribution", float(count),
                         f"Contacts with Tier {tier}.", config, group=tier))
    for activity in ACTIVITIES:
        count = sum(1 for c in found if c.activity == activity)
        out.append(_make("activity_distribution", float(count),
                         f"Contacts whose Activity is {activity}.", config, group=activity))
    return out


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}".rstrip("0").rstrip(".") if not float(value).is_integer() else (
        f"{value:,.0f}")


# ---------------------------------------------------------------------------------------------
# Breakdowns.


def _measure_row(group: str, facts: _Slice, repeats: set[int], total_txns: int, *,
                 per_source: bool = False) -> list[Any]:
    commission = sum(t.commission or 0.0 for t in facts.txns)
    score = _nps(facts.contacts)[0]
    clients = sum(1 for key, _, _ in facts.rows if key in facts.deals)
    return [
        group,
        len(facts.rows),
        clients,
        len(facts.txns),
        round(commission, 2),
        None if per_source else _repeat_client_rate(facts)[0],
        None if per_source else _referral_share(facts, repeats)[0],
        None if score is None else round(score, 1),
        _dormant_share(facts)[0],
        None if per_source else _conversion(facts)[0],
        ratio(len(facts.txns), total_txns),
    ]


def compute_breakdowns(book: Book, classes: Mapping[str, Classification], today: date,
                       config: Mapping[str, Any], facts: BookFacts | None = None
                       ) -> list[Breakdown]:
    """Per Owner, Tier, Circle and Source: the headline measures on that slice of the book.

    Owner, Tier and Circle slice the contacts (and their transactions and interactions); Source
    slices the transactions (and their clients), so rates that mean nothing per source (repeat
    rate, referral share, conversion) are left blank there.
    """
    book_facts = facts or build_facts(book, today, config)
    repeats = repeat_deals(book_facts)
    owner_of = book_facts.people
    txns = _keyed(book.transactions, book_facts)
    interactions = _keyed(book.interactions, book_facts)
    total = len(book.transactions)
    out: list[Breakdown] = []

    def slice_by(label: Any) -> dict[str, list[Contact]]:
        groups: dict[str, list[Contact]] = {}
        for contact in book.contacts:
            groups.setdefault(label(contact), []).append(contact)
        return groups

    def facts_for(members: list[Contact], extra_txns: _Keyed = ()) -> _Slice:
        keys = {book_facts.key(c) for c in members}
        return _Slice(book, book_facts, classes, config, contacts=members,
                      txns=[(k, t) for k, t in txns if k in keys] + list(extra_txns),
                      interactions=interactions)

    # Transactions whose client is not on Contacts belong to no owner, tier or circle: they go to
    # the "(none)" group so the groups still add up to the whole.
    orphans = [(k, t) for k, t in txns if k not in owner_of]

    owners = slice_by(lambda c: c.owner.strip())
    if orphans:
        owners.setdefault("", [])
    rows = [_measure_row(o, facts_for(owners[o], orphans if o == "" else ()), repeats, total)
            for o in sorted(owners, key=lambda o: (o == "", o.casefold()))]
    out.append(Breakdown("owner", rows))

    tiers = slice_by(lambda c: classes[c.key].tier if c.key in classes else "")
    order = {t: n for n, t in enumerate(TIERS)}
    rows = [_measure_row(t, facts_for(tiers[t]), repeats, total)
            for t in sorted(tiers, key=lambda t: (order.get(t, len(order)), t))]
    out.append(Breakdown("tier", rows))

    circles = slice_by(lambda c: c.circle or "")
    order = {c: n for n, c in enumerate(vocabulary.CIRCLES)}
    rows = [_measure_row(c, facts_for(circles[c]), repeats, total)
            for c in sorted(circles, key=lambda c: (order.get(c, len(order)), c))]
    out.append(Breakdown("circle", rows))

    sources: dict[str, list[tuple[str, Transaction]]] = {}
    shown: dict[str, str] = {}
    for client, txn in txns:
        key = vocabulary.normalise(txn.source)
        shown.setdefault(key, txn.source.strip())
        sources.setdefault(key, []).append((client, txn))
    rows = []
    for key in sorted(sources, key=lambda k: (-len(sources[k]), k == "", shown[k].casefold())):
        clients = [owner_of[k] for k, _ in sources[key] if k in owner_of]
        unique = list({id(c): c for c in clients}.values())
        facts = _Slice(book, book_facts, classes, config, contacts=unique, txns=sources[key],
                       interactions=interactions)
        rows.append(_measure_row(shown[key], facts, repeats, total, per_source=True))
    out.append(Breakdown("source", rows))
    return out


# ---------------------------------------------------------------------------------------------
# Tabs.


def metric_label(metric: Metric, lang: str) -> str:
    """The metric's name in `lang`, with its group (circle, tier, …) localized where known."""
    name = localized(METRIC_NAMES.get(metric.key, {"en": metric.name}), lang)
    if not metric.group:
        return name
    return f"{name} — {group_label(metric.group, lang)}"


def group_label(group: str, lang: str) -> str:
    if not group:
        return localized(TAB_LABELS["none"], lang)
    if group in vocabulary.CIRCLES:
        return vocabulary.label(vocabulary.CIRCLES[group], lang)
    if group in GROUP_LABELS:
        return localized(GROUP_LABELS[group], lang)
    return group


def display_value(metric: Metric) -> float | None:
    """The number written in the Metrics tab's Value column; its cell format (percent, money,
    number) is set per cell, so 25 % is written as 0.25."""
    if metric.value is None or (isinstance(metric.value, float) and math.isnan(metric.value)):
        return None
    if metric.format == PERCENT:
        return round(metric.value, 4)
    if metric.format == DAYS:
        return round(metric.value, 1)
    return round(metric.value, 2)


def _history_count(history_rows: int | OwnedTab | None) -> int:
    if isinstance(history_rows, OwnedTab):
        return len(history_rows.rows)
    return int(history_rows or 0)


def metrics_tab(metrics: list[Metric], breakdowns: list[Breakdown],
                history_rows: int | OwnedTab | None, lang: str,
                config: Mapping[str, Any]) -> OwnedTab:
    """The owned Metrics tab: Metric, Value, Target, Status, Definition, What to do; breakdown
    tables below; charts at the right.

    `history_rows` is the Metrics history tab as written this sync (or its number of data rows):
    the NPS and repeat-rate charts read their series from it.
    """
    del config  # formats come from the store (general.currency_format for money)

    def label(key: str) -> str:
        return localized(TAB_LABELS.get(key) or METRIC_NAMES[key], lang)

    keys = ("metric", "value", "target", "status", "definition", "advice")
    rows: list[list[Any]] = []
    value_formats: dict[tuple[int, str], str] = {}
    first_row: dict[str, int] = {}
    last_row: dict[str, int] = {}
    for metric in metrics:
        sheet_row = len(rows) + 2
        first_row.setdefault(metric.key + ("/g" if metric.group else ""), sheet_row)
        last_row[metric.key + ("/g" if metric.group else "")] = sheet_row
        name = metric_label(metric, lang)
        value_formats[len(rows), "value"] = {PERCENT: "percent", MONEY: "money"}.get(metric.format,
                                                                              "number")
        status = label(metric.status) if metric.status else ""
        rows.append([name, display_value(metric), metric.target, status, metric.definition,
                     metric.advice])

    breakdown_at: dict[str, tuple[int, int]] = {}
    for breakdown in breakdowns:
        rows.append([])
        rows.append([label(f"by_{breakdown.key}")])
        rows.append([label(breakdown.key), *(label(k) for k in BREAKDOWN_COLUMNS)])
        start = len(rows) + 2
        for row in breakdown.rows:
            rows.append([group_label(row[0], lang) if breakdown.key != "source" or not row[0]
                         else row[0], *row[1:]])
        breakdown_at[breakdown.key] = (start, len(rows) + 1)

    # The breakdown tables below run wider than the header row; column n >= 1 holds breakdown
    # column n - 1 there. Columns C-K hold text in the main table and numbers in the breakdowns: a
    # number kind on a text cell changes nothing, so the breakdowns get theirs.
    columns = [Column(keys[0], label(keys[0]), TEXT)]
    for n, kind in enumerate(BREAKDOWN_FORMATS, start=1):
        key = keys[n] if n < len(keys) else BREAKDOWN_COLUMNS[n - 1]
        columns.append(Column(key, label(key) if n < len(keys) else None, kind))
    charts: list[Chart] = []

    def cells(tab: str, column: str, first: int, last: int) -> ColumnRef:
        """Sheet rows as counted above (header on row 1) -> data rows."""
        return ColumnRef(tab, column, first - 2, last - 2)

    count = _history_count(history_rows)
    if count:
        dates = cells("metrics_history", "date", 2, count + 1)
        for key, title in (("nps", "nps_over_time"), ("repeat_client_rate", "repeat_over_time")):
            charts.append(Chart("line", label(title), dates, [
                (localized(METRIC_NAMES[key], lang), cells("metrics_history", key, 2,
                                                            count + 1))],
                                date_categories=True))
    for key, kind in (("tier_distribution", "pie"), ("activity_distribution", "column")):
        if key + "/g" in first_row:
            start, end = first_row[key + "/g"], last_row[key + "/g"]
            charts.append(Chart(kind, localized(METRIC_NAMES[key], lang),
                                cells("metrics", "metric", start, end),
                                [(label("contacts"), cells("metrics", "value", start, end))]))
    if "source" in breakdown_at:
        start, end = breakdown_at["source"]
        if end >= start:
            # Column D holds the Transactions count in a breakdown row.
            charts.append(Chart("bar", label("business_by_source"),
                                cells("metrics", "metric", start, end),
                                [(label("transactions"), cells("metrics", "status", start, end))]))
    return OwnedTab(
        key="metrics",
        columns=columns,
        rows=rows,
        charts=charts,
        cell_kinds=value_formats,
    )


# ---------------------------------------------------------------------------------------------
# Metrics history.


def history_index() -> dict[str, str]:
    """Normalised header text in any language -> "date" or a metric key."""
    index = {vocabulary.normalise(v): "date" for v in TAB_LABELS["date"].values()}
    for key in HISTORY_KEYS:
        index[vocabulary.normalise(key)] = key
        for name in METRIC_NAMES[key].values():
            index.setdefault(vocabulary.normalise(name), key)
            index.setdefault(vocabulary.normalise(name + " (%)"), key)
    return index


def _history_format(key: str) -> str:
    fmt = FORMATS[key]
    return {PERCENT: "percent", MONEY: "money", DAYS: "number"}.get(fmt, "number")


def read_history(headers: Sequence[Any], rows: Iterable[Sequence[Any]],
                 date_order: str = "dmy") -> tuple[list[HistoryRow], list[str]]:
    """A Metrics history tab (as read, or as written this sync) as typed rows, and the headers
    of the columns the tool does not know (a person's own), in tab order. Headers may be in any
    supported language; the Date is read by `parse.read_date` (a date cell, ISO text, a serial);
    blank rows are skipped."""
    index = history_index()
    extra_headers: list[str] = []
    mapping: list[tuple[str, str]] = []  # per column: ("key"|"extra"|"skip", name)
    for header in headers:
        key = index.get(vocabulary.normalise(header)) if header is not None else None
        if key is not None and all(k != key for kind, k in mapping if kind == "key"):
            mapping.append(("key", key))
        elif header is None or not str(header).strip():
            mapping.append(("skip", ""))
        else:
            name = str(header)
            if name not in extra_headers:
                extra_headers.append(name)
            mapping.append(("extra", name))
    out: list[HistoryRow] = []
    for values in rows:
        known: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for (kind, name), value in zip(mapping, values, strict=False):
            if kind == "key":
                known[name] = value
            elif kind == "extra":
                extra[name] = value
        if all(v is None or (isinstance(v, str) and not v.strip())
               for v in [*known.values(), *extra.values()]):
            continue  # a blank row
        raw_day = known.pop("date", None)
        out.append(HistoryRow(read_date(raw_day, date_order), raw_day, known, extra))
    return out, extra_headers


def _history_of(table: Table | None, date_order: str = "dmy") -> tuple[list[HistoryRow],
                                                                         list[str]]:
    if table is None:
        return [], []
    return read_history(table.headers, (values for _, values in table.rows), date_order)


def merge_history(previous: Table | None, today: date, metrics: list[Metric],
                  lang: str = "en", date_order: str = "dmy") -> OwnedTab:
    """The Metrics history tab: one row per sync day, oldest first.

    Rows of other days are kept as read (unknown columns too, at the right); a row already dated
    today is replaced by today's values, so a re-run the same day leaves one row. `previous` is the
    tab as read (headers in any supported language; dates as date cells, ISO text or serials).
    Percent metrics are stored as fractions with a percent format.
    """
    keys = list(HISTORY_KEYS)
    history, extra_headers = _history_of(previous, date_order)
    kept: list[tuple[date | None, dict[str, Any], dict[str, Any]]] = [
        (row.day, {"date": row.raw_day, **row.values}, row.extra)
        for row in history if row.day != today]  # today's row is replaced by today's values

    values_today = {m.key: (None if m.value is None else round(m.value, 6))
                    for m in metrics if not m.group and m.key in FORMATS}
    for key in values_today:
        if key not in keys:
            keys.append(key)
    kept.append((today, values_today, {}))
    # Dated rows in date order; rows whose date could not be read stay, after them, as read.
    kept.sort(key=lambda item: (item[0] is None, item[0] or date.min))

    columns = [Column("date", localized(TAB_LABELS["date"], lang), "date")]
    columns += [Column(k, localized(METRIC_NAMES[k], lang) if k in METRIC_NAMES else k,
                       _history_format(k) if k in FORMATS else TEXT) for k in keys]
    columns += [Column(f"extra:{h}", h, TEXT) for h in extra_headers]
    rows: list[list[Any]] = []
    for when, known, extra in kept:
        first = when if when is not None else known.get("date")
        rows.append([first, *(known.get(k) for k in keys), *(extra.get(h) for h in extra_headers)])
    return OwnedTab(key="metrics_history", columns=columns, rows=rows)


def list_written_on(table: Table | None, date_order: str = "dmy") -> date | None:
    """The day a Today tab was written: every row's Due + Days overdue is that day."""
    return written_on(read_today(table, date_order))


def history_value(previous: Table | None, day: date, key: str,
                  date_order: str = "dmy") -> float | None:
    """The value of metric `key` in the Metrics history row dated `day`, if there is one."""
    for row in _history_of(previous, date_order)[0]:
        if row.day == day:
            return read_number(row.values.get(key))
    return None
