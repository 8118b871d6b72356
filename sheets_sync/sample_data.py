"""Demo data for `sheets-sync init --sample`: a small agency's contacts, interactions and deals.

Everything is derived from `today` with plain arithmetic (no clock, no random module), so the same
`today` always gives the same workbook and a demo run on any day has touchpoints falling due:
closings 1, 3, 7, 14, 30 and 90 days back, home anniversaries and birthdays a few days either side.

The agency sells in Malaysia (prices in RM) to local and foreign buyers, so names, phone styles and
message languages are mixed, as in a real sheet. A handful of cells are wrong on purpose
(`BAD_CELLS`) so the first sync has something to show in the Issues tab.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sheets_sync.core.vocabulary import (
    CHANNEL_WORDS,
    CIRCLES,
    CONTACT_COLUMNS,
    INTERACTION_COLUMNS,
    LOST_REASONS,
    MESSAGE_LANGUAGES,
    SIDES,
    SOURCES,
    STAGES,
    TRANSACTION_COLUMNS,
    YES_NO,
    label,
)

Row = dict[str, Any]


class AsTyped(str):
    """A cell value written exactly as given, never translated into the workbook's language.

    Real sheets mix languages and contain typos; this marks those cells in the sample.
    """


@dataclass(frozen=True)
class SampleData:
    """Rows keyed by the column keys of vocabulary.CONTACT/INTERACTION/TRANSACTION_COLUMNS."""

    contacts: list[Row]
    interactions: list[Row]
    transactions: list[Row]


@dataclass(frozen=True)
class BadCell:
    """A cell the sample gets wrong on purpose; `name` identifies the Contacts row."""

    tab: str  # vocabulary.TABS key
    name: str
    column: str  # column key
    value: Any
    problem: str


BAD_CELLS: tuple[BadCell, ...] = (
    BadCell("contacts", "Suresh Nair", "birthday", "31/02/1988", "impossible date (31 February)"),
    BadCell("contacts", "Nor Azlina Kamal", "email", "nor.azlina@example,com",
            "malformed e-mail (comma for a dot)"),
    BadCell("contacts", "Charlotte Hughes", "nps", 11, "NPS above 10"),
    BadCell("contacts", "李秀英", "circle", "Advocat", "misspelt Circle"),
    BadCell("contacts", "Goh Siew Ping", "id", "C0041", "duplicate ID (also Lee Chee Keong)"),
)

AGENTS = ("Aisyah", "Daniel", "Mei Ling")

# Enumeration columns whose canonical English values are shown in the workbook's language.
_ENUMS: dict[str, Mapping[str, Mapping[str, tuple[str, ...]]]] = {
    "circle": CIRCLES,
    "stage": STAGES,
    "lost_reason": LOST_REASONS,
    "language": MESSAGE_LANGUAGES,
    "side": SIDES,
    "source": SOURCES,
}
_YES_NO_COLUMNS = ("lunar_birthday", "do_not_contact", "accepts_product", "accepts_price",
                   "can_afford", "decision_makers_seen")


def build_sample(today: date, lang: str = "en") -> SampleData:
    """The demo rows for a workbook in `lang`, with dates relative to `today`."""
    contacts = _contacts(today)
    interactions = _interactions(today, contacts)
    _fill_last_contact(contacts, interactions)
    transactions = _transactions(today, contacts)
    return SampleData(
        contacts=[_localise(row, lang, CONTACT_COLUMNS) for row in contacts],
        interactions=[_localise_text(row, lang) for row in interactions],
        transactions=[_localise(row, lang, TRANSACTION_COLUMNS) for row in transactions],
    )


# ---------------------------------------------------------------------------------------------
# Date helpers: every sample date is an offset from `today`.


def _ago(today: date, days: int) -> date:
    return today - timedelta(days=days)


def _shift_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def _anniversary(today: date, years: int, in_days: int) -> date:
    """A date `years` back whose anniversary falls `in_days` from today (negative: already past)."""
    return _shift_years(today, -years) + timedelta(days=in_days)


def _born(today: date, in_days: int, year: int) -> date:
    """A birth date in `year` whose birthday falls `in_days` from today."""
    day = today + timedelta(days=in_days)
    if (day.month, day.day) == (2, 29):
        return date(year - year % 4, 2, 29)  # keep the leap day: every year % 4 == 0 here is leap
    return date(year, day.month, day.day)


def _day_month(today: date, in_days: int, style: str = "dmy") -> str:
    """A birthday typed without a year, the way people type one."""
    day = today + timedelta(days=in_days)
    if style == "cjk":
        return f"{day.month}月{day.day}日"
    return f"{day.day:02d}/{day.month:02d}"


def _lunar_born(today: date, in_days: int, year: int) -> date | str:
    """A Chinese-lunar birthday whose solar date this year falls `in_days` from today.

    The cell holds the lunar month/day (that is what people write down); where that is not a
    valid solar date (lunar 2/30, say) it is typed as text without a year.
    """
    from lunar_python import Solar  # a runtime dependency; imported here to keep startup light

    solar = today + timedelta(days=in_days)
    lunar = Solar.fromYmd(solar.year, solar.month, solar.day).getLunar()
    month, day = abs(lunar.getMonth()), lunar.getDay()  # a leap month comes back negative
    try:
        return date(year, month, day)
    except ValueError:
        return f"{day:02d}/{month:02d}"


# ---------------------------------------------------------------------------------------------
# Contacts


def _c(id: str, name: str, owner: str, phone: str | None, email: str | None, language: str | None,
       country: str | None, circle: str | None, stage: str | None, **extra: Any) -> Row:
    row: Row = dict.fromkeys(CONTACT_COLUMNS)
    row.update(id=id or None, name=name, owner=owner, phone=phone, email=email, language=language,
               country=country, circle=circle, stage=stage)
    unknown = set(extra) - set(row)
    if unknown:  # a typo in the table below would otherwise vanish silently
        raise KeyError(f"unknown contact columns: {sorted(unknown)}")
    row.update(extra)
    return row


def _contacts(t: date) -> list[Row]:
    A, D, M = AGENTS
    yes, no = True, False
    return [
        # --- Closed clients: C0001 is the hub of the referral network (3 closed referrals).
        _c("C0001", "Tan Wei Ming", M, "012-345 6789", "tan.weiming@example.com", "zh", "MY",
           "Core Advocate", "Closed", birthday=_born(t, 16, 1968),
           closing_date=_anniversary(t, 3, 10), nps=10),
        _c("C0002", "Siti Aminah binti Abdullah", A, "+60 19-876 5432", "siti.aminah@example.com",
           "ms", "MY", "Advocate", "Closed", birthday=_born(t, 2, 1985),
           closing_date=_ago(t, 30), nps=9, do_not_contact=no),
        _c("C0003", "Rajesh Kumar a/l Subramaniam", A, "0162345678", "rajesh.kumar@example.net",
           "en", "MY", "Network", "Closed", birthday=_day_month(t, 18),
           closing_date=_ago(t, 1)),
        _c("C0004", "王建国", M, "+86 138 0013 8000", "wangjianguo@example.com", "zh", "CN",
           "Target Group", "Closed", birthday=_lunar_born(t, 5, 1966),
           lunar_birthday=AsTyped("yes"), closing_date=_ago(t, 3)),
        _c("C0005", "Lim Siew Lan", M, "+6012 555 8812", "siewlan.lim@example.com", "en", "MY",
           "Target Group", "Closed", birthday=date(1990, 5, 3), closing_date=_ago(t, 7),
           referred_by="C0001", nps=9),
        _c("C0006", "佐藤 健", M, "+81 90-1234-5678", "ken.sato@example.com", "ja", "JP",
           "Network", "Closed", birthday=_day_month(t, 25, "cjk"), closing_date=_ago(t, 14),
           nps=8),
        _c("C0007", "Michael Carter", D, "(415) 555-0132", "m.carter@example.com", "en", "US",
           "General Public", "Closed", birthday=date(1979, 11, 2), closing_date=_ago(t, 90),
           nps=7),
        _c("C0008", "陳志明", M, "+852 9123 4567", "chiming.chan@example.com", "zh-Hant", "HK",
           "Advocate", "Closed", birthday=_born(t, 0, 1975),
           closing_date=_anniversary(t, 1, 3), nps=10),
        _c("C0009", "Ong Boon Keat", D, "016-789 1234", "boonkeat.ong@example.net", "en", "MY",
           "Advocate", AsTyped("Closed"), birthday=date(1982, 1, 23),
           closing_date=_anniversary(t, 2, 0), referred_by="C0001", nps=9),
        _c("C0010", "Nurul Huda Ismail", A, "011-2345 6789", "nurulhuda@example.com", "ms", "MY",
           "Network", "Closed", birthday=_born(t, -1, 1988),
           closing_date=_anniversary(t, 4, -2), nps=6),
        _c("C0011", "Jennifer Brooks", D, "+1 212 555 0187", "jen.brooks@example.org", "en", "US",
           "General Public", "Closed", closing_date=_anniversary(t, 5, 6),
           last_contact=_ago(t, 400)),
        _c("C0012", "李秀英", M, "13912345678", "lixiuying@example.com", "zh", "CN",
           AsTyped("Advocat"), "Closed", birthday="15/08", lunar_birthday=yes,
           closing_date=_anniversary(t, 2, 20), nps=9),
        _c("C0013", "Ahmad Faizal bin Hassan", A, "+60 17-234 5678", "faizal.hassan@example.com",
           "ms", "MY", "Target Group", "Closed", birthday=date(1979, 4, 10),
           closing_date=_ago(t, 200), nps=8),
        _c("C0014", "Chong Mei Yee", D, "012-987 6543", "meiyee.chong@example.com", "zh", "MY",
           "Network", "Closed", birthday=_born(t, 40, 1993),
           closing_date=_anniversary(t, 1, -40), referred_by="C0001", nps=10),
        _c("C0015", "鈴木 花子", M, "090-8765-4321", "hanako.suzuki@example.com", "ja", "JP",
           "Advocate", "Closed", birthday=_born(t, 9, 1970),
           closing_date=_anniversary(t, 3, -1), nps=10),
        _c("C0016", "高橋 誠", M, "080 1234 5678", "makoto.takahashi@example.com", "ja", "JP",
           "Target Group", "Closed", closing_date=_ago(t, 60), referred_by="C0015"),
        _c("C0017", "Charlotte Hughes", D, "+44 7911 123456", "charlotte.h@example.co.uk", "en",
           "GB", "Network", "Closed", birthday=date(1984, 6, 30),
           closing_date=_anniversary(t, 2, -15), nps=11),
        _c("C0018", "林志豪", M, "+886 912 345 678", "chihhao.lin@example.com", "zh-Hant", "TW",
           "Target Group", "Closed", birthday=_born(t, 3, 1972),
           closing_date=_anniversary(t, 1, -150), do_not_contact=yes),
        _c("C0019", "Priya Devi a/p Muthu", A, "019-334 5566", None, "en", "MY",
           "General Public", "Closed", closing_date=_anniversary(t, 4, -180)),
        # --- Under contract
        _c("C0020", "Farah Nadia Zulkifli", A, "+6013-456 7890", "farah.nadia@example.com", "ms",
           "MY", "Target Group", "Under contract", birthday=date(1995, 2, 14),
           referred_by="C0009"),
        _c("C0021", "黃美玲", M, "9876 5432", "meiling.wong@example.com", "zh-Hant", "HK",
           "Network", "Under contract", birthday=_lunar_born(t, 20, 1980), lunar_birthday=yes,
           referred_by="C0008"),
        _c("C0022", "Jonathan Lee", D, "+65 9123 4567", "jonathan.lee@example.com",
           AsTyped("en"), "SG", "Target Group", "Under contract"),
        _c("C0023", "刘洋", D, "+86-139-1234-5678", "liuyang@example.com", "zh", "CN",
           "General Public", "Under contract"),
        # --- Prospects, some with the intent-grading columns filled in (seed 001)
        _c("C0024", "Muhammad Hafiz Rahman", A, "014-876 5432", "hafiz.rahman@example.com", "ms",
           "MY", "Target Group", "Prospect", birthday=_born(t, 6, 1991), accepts_product=yes,
           accepts_price=yes, can_afford=yes, visits=3, decision_makers_seen=yes),
        _c("C0025", "张伟", M, "+86 135 1234 5678", "zhangwei@example.com", "zh", "CN",
           "Target Group", "Prospect", referred_by="李秀英", accepts_product=yes,
           accepts_price=no, can_afford=yes, visits=2, decision_makers_seen=no),
        _c("C0026", "Liam O'Connor", D, "+61 412 345 678", "liam.oconnor@example.com", "en", "AU",
           "General Public", "Prospect", accepts_product=yes, accepts_price=no, can_afford=no,
           visits=1, decision_makers_seen=no),
        _c("C0027", "Rachel Goh", D, "8123 4567", "rachel.goh@example.com", "en", "SG",
           AsTyped("Network"), "Prospect"),
        _c("C0028", "田中 美咲", M, "+81 80-2345-6789", "misaki.tanaka@example.com", "ja", "JP",
           "Target Group", "Prospect", birthday=_day_month(t, -3, "cjk"), referred_by="C0015",
           accepts_product=yes, accepts_price=yes, can_afford=yes, visits=4,
           decision_makers_seen=yes),
        _c("", "Kavitha Selvaraj", A, "017-665 4321", "kavitha.s@example.com", "en", None,
           "Network", "Prospect"),
        _c("C0030", "吳淑芬", M, "0912-345-678", "shufen.wu@example.com", "zh-Hant", "TW",
           "Target Group", "Prospect", accepts_product=no, accepts_price=yes, can_afford=yes,
           visits=2),
        # --- Leads
        _c("C0031", "Azman bin Yusof", A, "013-222 3344", None, "ms", "MY", "General Public",
           "Lead", referred_by="C0020"),
        _c("", "Chloe Walsh", D, "0491 570 156", "chloe.walsh@example.com", "en", "AU",
           "General Public", "Lead"),
        _c("", "陈静", M, "+86 136 5555 1234", None, "zh", "CN", "General Public", "Lead"),
        _c("C0034", "Suresh Nair", A, "012-778 9900", "suresh.nair@example.com", "en", None,
           "Target Group", "Lead", birthday=AsTyped("31/02/1988")),
        _c("C0035", "Wong Kah Wai", D, "+60 16-223 3445", "kahwai.wong@example.com", "zh", "MY",
           "General Public", "Lead"),
        _c("C0036", "Nor Azlina Kamal", A, "019-876 1234", AsTyped("nor.azlina@example,com"),
           "ms", "MY", "Target Group", "Lead"),
        # --- Lost, one per Lost reason
        _c("C0037", "山本 浩", M, "+81 90-8765-1234", "hiroshi.yamamoto@example.com", "ja", "JP",
           "Target Group", "Lost", lost_reason="Price"),
        _c("C0038", "Ethan Wright", D, "+61 491 570 157", "ethan.wright@example.com", "en", "AU",
           "General Public", "Lost", lost_reason="Amenities"),
        _c("C0039", "Mohd Rizal bin Osman", A, "018-234 5678", "rizal.osman@example.com", "ms",
           "MY", "Target Group", "Lost", lost_reason=AsTyped("Service")),
        _c("C0040", "黄丽华", M, "+86 137 2222 3333", "huanglihua@example.com", "zh", "CN",
           "Network", "Lost", lost_reason="Other"),
        # --- Allied resources (banker, lawyer, contractor): sphere, not buyers, so no Stage.
        _c("C0041", "Lee Chee Keong", D, "03-7956 1234", "cheekeong.lee@example.com", "en", "MY",
           "Allied Resource", None, tier_override="A", do_not_contact=no),
        _c("C0042", "Nadia Hamzah", A, "+60 3-2161 8888", "nadia.hamzah@example.com", "ms", "MY",
           "Allied Resource", None),
        # Language typed: a blank one reads as the Settings tab's default language, which
        # init sets to the book's own, so the five sample books would message him differently.
        _c("C0043", "Ravi Chandran", A, "012-555 0199", "ravi.reno@example.com", "en", "MY",
           "Core Advocate", None),
        # --- Copied the row above and forgot to change the ID: a duplicate.
        _c("C0041", "Goh Siew Ping", D, "+65 8765 4321", "siewping.goh@example.com", "en", "SG",
           "Allied Resource", "Lead"),
    ]


def _fill_last_contact(contacts: list[Row], interactions: list[Row]) -> None:
    """Fill Last contact on every other contact that has a logged interaction.

    People keep the column up to date only now and then; the sync derives the rest.
    """
    latest: dict[str, date] = {}
    for row in interactions:
        key = row["contact_id"]
        latest[key] = max(latest.get(key, row["date"]), row["date"])
    for index, row in enumerate(contacts):
        if row["last_contact"] is None and row["id"] in latest and index % 2 == 0:
            row["last_contact"] = latest[row["id"]]


# ---------------------------------------------------------------------------------------------
# Interactions: (days ago, channel, touchpoint key, outcome key, notes key) per contact.

_DRIP = (  # post-closing steps already done, when the closing is older than the step
    (0, "call", "signing", "answered"),
    (1, "call", "day1", "answered"),
    (3, "note", "day3", "sent"),
    (7, "email", "day7", "sent"),
    (14, "call", "day14", "satisfied"),
    (30, "call", "day30", "review"),
    (90, "email", "month3", "sent"),
)


Step = tuple[int, str, str, str, str]  # days ago, channel, touchpoint, outcome, notes


def _interaction(t: date, cid: str, owner: str, step: Step) -> Row:
    days_ago, channel, touchpoint, outcome, notes = step
    return {"date": _ago(t, days_ago), "contact_id": cid, "channel": channel,
            "touchpoint": touchpoint, "outcome": outcome, "notes": notes, "owner": owner}


def _recent_closing_steps(since_closing: int) -> list[Step]:
    return [(since_closing - offset, channel, touchpoint, outcome, "")
            for offset, channel, touchpoint, outcome in _DRIP
            if offset < since_closing]  # today's step is left due


def _past_client_steps(index: int, contact: Row) -> list[Step]:
    if contact["id"] in ("C0011", "C0019"):
        return []  # gone quiet: Dormant clients for the demo
    if contact["do_not_contact"] is True:
        return [(150, "call", "checkin", "dnc", "")]
    steps: list[Step] = [(20 + index * 53 % 200, "sms" if index % 2 else "call", "checkin",
                          "replied" if index % 2 else "answered", "")]
    if index % 3 == 0:
        steps.append((200 + index * 29 % 120, "email", "month3", "sent", ""))
    if index % 4 == 1:
        steps.append((35 + index * 7 % 30, "event", "event", "attended", ""))
    return steps


def _under_contract_steps(index: int, contact: Row) -> list[Step]:
    return [(45 + index % 10, "visit", "viewing", "liked", ""),
            (8 + index % 6, "call", "offer", "answered", "")]


def _prospect_steps(index: int, contact: Row) -> list[Step]:
    steps: list[Step] = [
        (30 + index % 20, "call", "first_call", "answered", "budget"),
        (9 + index % 9, "visit", "viewing", "liked", "spouse" if index % 2 else "school"),
    ]
    if contact["visits"] and contact["visits"] >= 3:
        steps.append((1 + index % 3, "sms", "followup", "replied", ""))
    return steps


def _lead_steps(index: int, contact: Row) -> list[Step]:
    return [(2 + index % 12, "call", "first_call", "no_answer" if index % 2 else "answered", "")]


def _lost_steps(index: int, contact: Row) -> list[Step]:
    reason = contact["lost_reason"]
    return [(210 + index % 40, "visit", "viewing", "liked", ""),
            (150 + index % 30, "call", "followup", f"lost_{str(reason).lower()}", "")]


# Stage -> its steps; each takes (index, contact) so one call fits all, used or not.
_STAGE_STEPS = {
    "Closed": _past_client_steps,
    "Under contract": _under_contract_steps,
    "Prospect": _prospect_steps,
    "Lead": _lead_steps,
    "Lost": _lost_steps,
}


def _contact_steps(t: date, index: int, contact: Row) -> list[Step]:
    """What was logged against one contact, by stage; partners without a stage get coffee."""
    stage, closing = contact["stage"], contact["closing_date"]
    since_closing = (t - closing).days if isinstance(closing, date) else None
    if stage == "Closed" and since_closing is not None and since_closing <= 120:
        return _recent_closing_steps(since_closing)
    if stage in _STAGE_STEPS:
        return _STAGE_STEPS[stage](index, contact)
    if contact["circle"] in ("Allied Resource", "Core Advocate"):
        return [(25 + index % 10, "visit", "coffee", "answered", ""),
                (60 + index % 20, "gift", "referral_thanks", "sent", "")]
    return []


# Life events noted by the agents (seed 000): each should lead to a check-in.
_LIFE_EVENTS = (("C0002", 10, "baby"), ("C0009", 20, "promoted"), ("C0013", 5, "moving"))
# One referral thank-you per closed referral (C0001's three and C0015's one).
_REFERRAL_THANKS = (("C0001", 6), ("C0015", 58))


def _interactions(t: date, contacts: list[Row]) -> list[Row]:
    rows: list[Row] = []
    seen: set[str] = set()
    for index, contact in enumerate(contacts):
        cid = contact["id"]
        if not cid or cid in seen:  # no ID yet, or the duplicate: nothing logged against it
            continue
        seen.add(cid)
        rows += [_interaction(t, cid, contact["owner"], step)
                 for step in _contact_steps(t, index, contact)]

    owners = {row["id"]: row["owner"] for row in contacts if row["id"]}
    for cid, days_ago, note in _LIFE_EVENTS:
        rows.append(_interaction(t, cid, owners[cid], (days_ago, "call", "life_event", "answered",
                                                        note)))
    for cid, days_ago in _REFERRAL_THANKS:
        rows.append(_interaction(t, cid, owners[cid], (days_ago, "gift", "referral_thanks",
                                                        "replied", "")))
    # A channel typed with a capital, as people do.
    rows[0]["channel"] = "Call"
    rows.sort(key=lambda row: (row["date"], row["contact_id"]))
    return rows


# ---------------------------------------------------------------------------------------------
# Transactions (all in RM): (contact, closing, side, price, source, referred by).


def _transactions(t: date, contacts: list[Row]) -> list[Row]:
    closing = {row["id"]: row["closing_date"] for row in contacts if row["stage"] == "Closed"}
    deals = [
        ("C0001", _anniversary(t, 6, -70), "buy", 680_000, "sphere", None),
        ("C0001", closing["C0001"], "buy", 1_150_000, "past client", None),
        ("C0002", _anniversary(t, 3, -100), "rent", 2_300, "portal", None),
        ("C0002", closing["C0002"], "buy", 520_000, "past client", None),
        ("C0003", closing["C0003"], "buy", 430_000, "sphere", None),
        ("C0004", closing["C0004"], "buy", 1_880_000, "portal", None),
        ("C0005", closing["C0005"], "buy", 610_000, "referral", "C0001"),
        ("C0006", closing["C0006"], "buy", 1_250_000, "sphere", None),
        ("C0007", closing["C0007"], "rent", 6_500, "portal", None),
        ("C0008", closing["C0008"], "sell", 2_450_000, "walk-in", None),
        ("C0009", closing["C0009"], "buy", 780_000, "referral", "C0001"),
        ("C0010", closing["C0010"], "buy", 365_000, "walk-in", None),
        ("C0011", closing["C0011"], "sell", 920_000, "portal", None),
        ("C0012", _anniversary(t, 5, 45), "buy", 540_000, "portal", None),
        ("C0012", closing["C0012"], "sell", 1_020_000, "past client", None),
        ("C0013", closing["C0013"], "buy", 495_000, "walk-in", None),
        ("C0014", _anniversary(t, 3, 12), "rent", 1_800, "referral", "C0001"),
        ("C0014", closing["C0014"], "buy", 455_000, "referral", "C0001"),
        ("C0015", _anniversary(t, 4, 60), "rent", 5_200, "sphere", None),
        ("C0015", closing["C0015"], "buy", 2_750_000, "past client", None),
        ("C0016", closing["C0016"], "buy", 1_390_000, "referral", "C0015"),
        ("C0017", closing["C0017"], "sell", 860_000, "sphere", None),
        ("C0018", closing["C0018"], "buy", 990_000, "portal", None),
        ("C0019", closing["C0019"], "buy", 310_000, "walk-in", None),
        ("C0010", _anniversary(t, 7, 30), "rent", 1_500, "walk-in", None),
    ]
    rows = []
    for cid, day, side, price, source, referred_by in deals:
        # Agents' commission: one month's rent for a tenancy, about 2.5 % of a sale.
        commission = price if side == "rent" else int(round(price * 0.025, -2))
        rows.append({"contact_id": cid, "closing_date": day, "side": side, "price": price,
                     "commission": commission, "source": source, "referred_by": referred_by})
    rows.sort(key=lambda row: row["closing_date"])
    return rows


# ---------------------------------------------------------------------------------------------
# Language of the cells


def _complete(row: Row, columns: Mapping[str, Any]) -> Row:
    return {key: row.get(key) for key in columns}


def _localise(row: Row, lang: str, columns: Mapping[str, Any]) -> Row:
    """Enumerations in the workbook's language, except cells marked AsTyped."""
    out: Row = {}
    for key in columns:
        value = row.get(key)
        if isinstance(value, AsTyped):
            out[key] = str(value)
        elif key in _ENUMS and isinstance(value, str):
            out[key] = label(_ENUMS[key][value], lang)
        elif key in _YES_NO_COLUMNS and isinstance(value, bool):
            out[key] = label(YES_NO["yes" if value else "no"], lang)
        else:
            out[key] = value
    return out


def _localise_text(row: Row, lang: str) -> Row:
    """An agent writes the channel, touchpoint, outcome and notes in the workbook's language."""
    out = _complete(row, INTERACTION_COLUMNS)
    channel = out["channel"]
    if channel in CHANNEL_WORDS and lang != "en":
        out["channel"] = label(CHANNEL_WORDS[channel], lang)
    for key in ("touchpoint", "outcome", "notes"):
        if out[key]:
            out[key] = _TEXT[out[key]].get(lang) or _TEXT[out[key]]["en"]
    return out


def _t(en: str, zh: str, zh_hant: str, ja: str, ms: str) -> dict[str, str]:
    return {"en": en, "zh": zh, "zh-Hant": zh_hant, "ja": ja, "ms": ms}


_TEXT: dict[str, dict[str, str]] = {
    # touchpoints
    # The closing-day congratulation (closing_congrats), in every language: "签约" or
    # "tandatangan" would also tell of a contract signing, an event English did not say.
    "signing": _t("Closing — congratulations", "成交祝贺", "成交祝賀", "ご成約のお祝い",
                  "Ucapan tahniah urus niaga selesai"),
    "day1": _t("Day 1 personal call", "成交次日致电", "成交隔日致電", "成約翌日の電話",
               "Panggilan hari pertama"),
    "day3": _t("Thank-you letter", "感谢信", "感謝信", "お礼状", "Surat terima kasih"),
    "day7": _t("New-homeowner resources", "新业主资源包", "新屋主資源包", "新居オーナー向け情報",
               "Panduan pemilik rumah baharu"),
    "day14": _t("Two-week check-in", "两周回访", "兩週回訪", "2週間後のフォロー",
                "Semakan dua minggu"),
    "day30": _t("First-month check-in + review ask", "首月回访＋邀请评价", "首月回訪＋邀請評價",
                "1か月フォロー＋口コミ依頼", "Semakan bulan pertama + minta ulasan"),
    "month3": _t("Market update", "市场动态", "市場動態", "市況レポート", "Maklumat pasaran"),
    "checkin": _t("Check-in call", "例行回访", "例行回訪", "近況伺い", "Panggilan bertanya khabar"),
    "event": _t("Client appreciation event", "客户答谢会", "客戶答謝會", "顧客感謝イベント",
                "Majlis penghargaan pelanggan"),
    "first_call": _t("First call", "首次通话", "首次通話", "初回電話", "Panggilan pertama"),
    "viewing": _t("Viewing", "带看", "帶看", "内見", "Lawatan rumah"),
    "followup": _t("Follow-up", "跟进", "跟進", "フォロー", "Susulan"),
    "offer": _t("Offer accepted", "出价获接受", "出價獲接受", "申込承諾", "Tawaran diterima"),
    "coffee": _t("Coffee catch-up", "喝咖啡叙旧", "喝咖啡敘舊", "コーヒーで近況交換",
                 "Minum kopi"),
    "referral_thanks": _t("Referral thank-you gift", "转介绍感谢礼", "轉介紹感謝禮",
                          "紹介のお礼の品", "Hadiah terima kasih rujukan"),
    # Not "Life event": that is the life_event rule's key, so the call would read as the tool's
    # own check-in rather than the news that should lead to one.
    "life_event": _t("Catch-up call", "电话叙旧", "電話敘舊", "近況の電話",
                     "Panggilan bertanya berita"),
    # outcomes
    "answered": _t("Answered", "已接通", "已接通", "応答あり", "Dijawab"),
    "satisfied": _t("Very satisfied with the move", "非常满意，入住顺利", "非常滿意，入住順利",
                    "大変満足、入居も順調", "Sangat puas hati, pindah masuk lancar"),
    "no_answer": _t("No answer", "未接", "未接", "不在", "Tiada jawapan"),
    "sent": _t("Sent", "已发送", "已寄出", "送付済み", "Dihantar"),
    "replied": _t("Replied — thanked us", "已回复，表示感谢", "已回覆，表示感謝",
                  "返信あり（お礼）", "Dibalas — ucap terima kasih"),
    "review": _t("Left a 5-star review; will refer a colleague", "给了五星好评，会介绍同事",
                 "給了五星好評，會介紹同事", "★5の口コミ、同僚を紹介予定",
                 "Beri ulasan 5 bintang; akan rujuk rakan sekerja"),
    # "Liked", not "satisfied" (满意): a viewing is not a satisfaction answer in any language.
    "liked": _t("Liked it, wants a second viewing", "喜欢，想再看一次", "喜歡，想再看一次",
                "好感触、再内見希望", "Berminat, mahu lawatan kedua"),
    "attended": _t("Attended", "已出席", "已出席", "参加", "Hadir"),
    "lost_price": _t("Bought elsewhere — cheaper", "在别处买了，更便宜", "在別處買了，較便宜",
                     "他社で購入（価格）", "Beli di tempat lain — lebih murah"),
    "lost_amenities": _t("Wants a school nearby", "想要学校附近的", "想要學校附近的",
                         "学校の近くを希望", "Mahu dekat sekolah"),
    "lost_service": _t("Unhappy with slow replies", "不满意，回复太慢", "不滿意，回覆太慢",
                       "不満：返信が遅い", "Tidak puas hati, balasan lambat"),
    "lost_other": _t("Plans on hold — moving abroad", "计划搁置，要搬去国外",
                     "計劃擱置，要搬去國外", "海外転勤で保留",
                     "Rancangan ditangguh — berpindah ke luar negara"),
    "dnc": _t("Asked not to be contacted", "要求不要再联系", "要求不要再聯繫",
              "今後の連絡は不要とのこと", "Minta jangan dihubungi lagi"),
    # notes
    "baby": _t("New baby boy last week!", "上周喜得贵子！", "上週喜獲麟兒！", "先週男の子が誕生！",
               "Baru dapat anak lelaki minggu lepas!"),
    "promoted": _t("Promoted to regional manager", "升任区域经理", "升任區域經理",
                   "地域マネージャーに昇進", "Dinaikkan pangkat ke pengurus wilayah"),
    "moving": _t("Relocating to Penang for work next month", "下个月因工作搬去槟城",
                 "下個月因工作搬去檳城", "来月ペナンへ転勤",
                 "Berpindah ke Pulau Pinang bulan depan kerana kerja"),
    "budget": _t("Budget up to RM 900k; needs 3 bedrooms", "预算 90 万令吉以内，要三房",
                 "預算 90 萬令吉以內，要三房", "予算90万リンギット以内、3ベッドルーム希望",
                 "Bajet sehingga RM900k; perlukan 3 bilik"),
    "school": _t("Asked about school zones", "询问学区", "詢問學區", "学区について質問",
                 "Tanya tentang zon sekolah"),
    "spouse": _t("Spouse to join next viewing", "下次带看配偶同来", "下次帶看配偶同來",
                 "次回は配偶者も同席", "Pasangan akan ikut lawatan seterusnya"),
}


# What the sample types in Interactions, per text key and language (tests compare them).
SAMPLE_TEXTS: Mapping[str, Mapping[str, str]] = _TEXT
