"""Metrics (SPEC §6): every metric against values computed by hand on a small book."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.config import load_config, merge
from sheets_sync.core.facts import KEPT_NOTE_PREFIXES
from sheets_sync.core.metrics import DueItem, compute_metrics, due_items_from_today
from sheets_sync.core.metrics_breakdowns import compute_breakdowns
from sheets_sync.core.metrics_catalogue import HISTORY_KEYS, Metric
from sheets_sync.core.metrics_history import merge_history
from sheets_sync.core.metrics_layout import metrics_tab
from sheets_sync.core.model import Book, Classification, Contact, Interaction, Table, Transaction

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2025, 6, 30)


def make_config(**metrics: Any) -> dict[str, Any]:
    config = load_config()
    if metrics:
        config = merge(config, {"metrics": metrics})
    return config


def cls(tier: str, activity: str, completeness: float, lifecycle: str = "Client") -> Classification:
    return Classification(tier=tier, lifecycle=lifecycle, activity=activity,
                          days_since_contact=None, completeness=completeness)


def small_book() -> tuple[Book, dict[str, Classification]]:
    """Six contacts, four transactions, seven interactions (numbers used in the tests below)."""
    contacts = [
        Contact(row=2, id="C1", name="Alice Tan", owner="Ann", circle="Advocate", nps=10),
        Contact(row=3, id="C2", name="Bob Lim", owner="Ann", circle="Network", nps=9,
                referred_by="C1"),
        Contact(row=4, id="C3", name="王伟", owner="Ben", circle="Network", nps=6,
                referred_by="C1"),
        Contact(row=5, id="C4", name="Dana", owner="Ben", circle="Target Group", nps=8,
                stage="Prospect", visits=3, referred_by="C6"),
        # Closed only on Contacts (no Transactions row); the NPS typed was invalid -> None.
        Contact(row=6, id="C5", name="Eli", owner="Ben", circle="Target Group", stage="Closed",
                closing_date=date(2023, 3, 1)),
        Contact(row=7, id="C6", name="Fay", owner="Ann", circle="General Public", stage="Lead",
                visits=0),
    ]
    transactions = [
        Transaction(row=2, contact_id="C1", closing_date=date(2020, 1, 15), side="buy",
                    price=500_000, commission=10_000, source="portal"),
        Transaction(row=3, contact_id="C1", closing_date=date(2023, 1, 15), side="buy",
                    price=800_000, commission=16_000, source="Past client"),
        Transaction(row=4, contact_id="C2", closing_date=date(2024, 9, 1), side="buy",
                    price=600_000, commission=12_000, source="Referral"),
        Transaction(row=5, contact_id="C3", closing_date=date(2025, 3, 1), side="sell",
                    price=400_000, commission=8_000, source=""),
    ]
    interactions = [
        Interaction(row=2, date=date(2025, 6, 1), contact_id="C1", channel="call",
                    touchpoint="Referral thank-you", outcome="Satisfied, will refer more"),
        Interaction(row=3, date=date(2025, 6, 2), contact_id="C2", channel="call",
                    touchpoint="Day-30 check-in", outcome="不满意"),
        Interaction(row=4, date=date(2025, 6, 3), contact_id="C3", channel="sms", outcome="满意"),
        Interaction(row=5, date=date(2025, 6, 4), contact_id="C4", channel="call",
                    outcome="No answer"),
        Interaction(row=6, date=date(2025, 6, 5), contact_id="C5", channel="email", outcome=""),
        Interaction(row=7, date=date(2025, 6, 6), contact_id="C1", channel="note",
                    notes="likes golf"),
        Interaction(row=8, date=date(2025, 6, 7), contact_id="C2", channel="call",
                    outcome="Discussed listing"),
    ]
    classes = {  # keyed by contact key (the ID as matched)
        "c1": cls("A", "Active", 0.9), "c2": cls("B", "Active", 1.0),
        "c3": cls("B", "Cooling", 0.8), "c4": cls("C", "Silent", 0.5, "Prospect"),
        "c5": cls("C", "Dormant", 0.6, "Past client"), "c6": cls("D", "Dormant", 0.4, "Prospect"),
    }
    return Book(contacts, interactions, transactions), classes


def by_key(metrics: list[Metric]) -> dict[tuple[str, str], Metric]:
    return {(m.key, m.group): m for m in metrics}


@pytest.fixture(scope="module")
def computed() -> dict[tuple[str, str], Metric]:
    book, classes = small_book()
    due = [DueItem(date(2025, 6, 29), date(2025, 6, 29)),  # on time
           DueItem(date(2025, 6, 28), date(2025, 6, 30)),  # late
           DueItem(date(2025, 6, 30), None)]  # not done
    return by_key(compute_metrics(book, classes, TODAY, make_config(program_cost_per_year=2000.0),
                                  due_items=due))


def value(computed: dict[tuple[str, str], Metric], key: str, group: str = "") -> float | None:
    return computed[(key, group)].value


def test_repeat_client_rate(computed):
    # Clients: C1 (2 deals), C2, C3 (1 each), C5 (closed on Contacts only) -> 1 / 4.
    m = computed[("repeat_client_rate", "")]
    assert m.value == pytest.approx(1 / 4)
    assert m.status == "met"  # target ≥ 25 %
    assert "(1 ÷ 4)" in m.definition and "≥ 2 transactions" in m.definition
    assert m.format == "percent"


def test_average_time_to_return(computed):
    # C1: 2020-01-15 -> 2023-01-15 = 1096 days; the only return.
    assert value(computed, "avg_days_to_return") == pytest.approx(1096)
    assert computed[("avg_days_to_return", "")].status == ""  # no target: shorter is better


def test_business_from_past_clients_and_referrals(computed):
    # Portal (first deal, no referrer) no; past client yes; referral yes; C3 referred by C1 yes.
    m = computed[("past_client_referral_share", "")]
    assert m.value == pytest.approx(3 / 4)
    assert m.status == "met"


def test_referral_share_of_new_deals(computed):
    # First deals: C1 portal, C2 referral, C3 (Referred by on Contacts) -> 2 / 3.
    assert value(computed, "referral_share") == pytest.approx(2 / 3)


def test_referral_conversion_overall_and_per_source(computed):
    # Leads: C2, C3 (by C1, a past client, both closed) and C4 (by C6, General Public, open).
    assert value(computed, "referral_conversion") == pytest.approx(2 / 3)
    assert value(computed, "referral_conversion", "Past client") == pytest.approx(1.0)
    assert value(computed, "referral_conversion", "General Public") == pytest.approx(0.0)


def test_repurchase_rate(computed):
    # Past clients (first closing on/before 2024-06-30): C1 and C5; C1 bought again -> 1 / 2.
    m = computed[("repurchase_rate", "")]
    assert m.value == pytest.approx(1 / 2)
    assert m.status == "met"


def test_nps_excludes_invalid_answers(computed):
    # Answers 10, 9, 6, 8 (C5's invalid answer is None): 100 × (2 − 1) ÷ 4.
    m = computed[("nps", "")]
    assert m.value == pytest.approx(25.0)
    assert m.status == "below"
    assert m.advice  # a "what to do" line when below target


def test_csat_from_interaction_outcomes(computed):
    # "Satisfied, will refer more" and "满意" are satisfied, "不满意" is not: 2 / 3.
    m = computed[("csat", "")]
    assert m.value == pytest.approx(2 / 3)
    assert "Outcome" in m.definition and "NPS is not used" in m.definition


def test_dormant_share(computed):
    # Clients C1, C2 (Active), C3 (Cooling), C5 (Dormant) -> 1 / 4, above the 15 % ceiling.
    m = computed[("dormant_share", "")]
    assert m.value == pytest.approx(1 / 4)
    assert m.status == "below"
    assert m.target.startswith("≤ 15 %")


def test_engagement(computed):
    # Six touchpoints (the note is not one); answered: satisfied, 不满意, 满意, discussed -> 4 / 6.
    assert value(computed, "engagement") == pytest.approx(4 / 6)


@pytest.mark.parametrize("prefix", KEPT_NOTE_PREFIXES)
def test_engagement_leaves_out_the_text_kept_from_today(prefix: str) -> None:
    book, classes = small_book()
    book.interactions.append(Interaction(row=9, date=date(2025, 6, 8), contact_id="C3",
                                         touchpoint=prefix + "Day-30 check-in",
                                         notes="call back after the holidays"))
    found = by_key(compute_metrics(book, classes, TODAY, make_config()))
    assert value(found, "engagement") == pytest.approx(4 / 6)  # as without the note


def test_touchpoints_on_time(computed):
    assert value(computed, "touchpoints_on_time") == pytest.approx(1 / 3)


def test_cltv_as_seed_004_writes_it(computed):
    avg_value = (10_000 + 16_000 + 12_000 + 8_000) / 4  # 11,500
    per_client = 4 / 3  # four transactions, three clients with Transactions rows
    years = (1993 + 302 + 121) / 3 / 365.25  # days since each client's first closing
    assert value(computed, "cltv") == pytest.approx(avg_value * per_client * years)


def test_lifetime_value_per_client(computed):
    # C1: 2 own + C2's and C3's deals credited to C1 = 4; C2: 1; C3: 1 -> 2 on average.
    assert value(computed, "lifetime_value") == pytest.approx(11_500 * 2)


def test_retention_roi(computed):
    # Last 365 days, repeat or referred: C2 12,000 + C3 8,000; cost 2,000.
    # (20,000 − 2,000) / 2,000 = 9.
    assert value(computed, "retention_roi") == pytest.approx(9.0)


def test_retention_roi_blank_without_program_cost():
    book, classes = small_book()
    metrics = by_key(compute_metrics(book, classes, TODAY, make_config()))
    assert metrics[("retention_roi", "")].value is None


def test_conversion_rate_per_circle(computed):
    assert value(computed, "circle_conversion", "Advocate") == pytest.approx(1.0)
    assert value(computed, "circle_conversion", "Network") == pytest.approx(1.0)
    assert value(computed, "circle_conversion", "Target Group") == pytest.approx(1 / 2)
    assert value(computed, "circle_conversion", "General Public") == pytest.approx(0.0)


def test_roi_per_referral_source(computed):
    # C1: 20,000 credited, first referred closing under a year ago -> ÷ 1; C6: 0. Average 10,000.
    assert value(computed, "referral_roi") == pytest.approx(10_000)
    assert value(computed, "referral_roi", "Alice Tan") == pytest.approx(20_000)


def test_referral_forecast(computed):
    # Referrals dated in the last 365 days: C1 two (C2 from 2024-09-01, C3), C6 one -> 3 ÷ 4.
    assert value(computed, "referral_forecast") == pytest.approx(0.75)


def test_completeness_by_stage(computed):
    assert value(computed, "completeness") == pytest.approx(4.2 / 6)
    closed = computed[("completeness", "closed")]
    assert closed.value == pytest.approx((0.9 + 1.0 + 0.8 + 0.6) / 4)
    assert closed.status == "below"  # target 100 %
    assert computed[("completeness", "three_visits")].value == pytest.approx(0.5)
    assert computed[("completeness", "three_visits")].status == "below"  # target 70 %
    assert computed[("completeness", "first_contact")].status == "met"  # 40 % ≥ 30 %


def test_tier_and_activity_distribution(computed):
    assert [value(computed, "tier_distribution", t) for t in "ABCD"] == [1, 2, 2, 1]
    assert [value(computed, "activity_distribution", a)
            for a in ("Active", "Cooling", "Silent", "Dormant")] == [2, 1, 1, 2]


def test_every_metric_has_a_definition(computed):
    assert all(m.definition for m in computed.values())
    assert {k for k, g in computed if not g} == set(HISTORY_KEYS)


def test_empty_book_gives_blanks_not_errors():
    metrics = compute_metrics(Book([], [], []), {}, TODAY, make_config())
    headline = {m.key: m for m in metrics if not m.group}
    for key in HISTORY_KEYS:
        assert headline[key].value is None, key
        assert headline[key].status == ""
    tab = metrics_tab(metrics, compute_breakdowns(Book([], [], []), {}, TODAY, make_config()),
                      0, "en", make_config())
    assert tab.rows[0][1] is None  # a blank cell, never an error value


def test_single_client():
    book = Book([Contact(row=2, id="C1", name="Solo", nps=9)], [],
                [Transaction(row=2, contact_id="C1", closing_date=date(2025, 1, 1),
                             commission=5_000)])
    classes = {"c1": cls("A", "Active", 1.0)}
    m = by_key(compute_metrics(book, classes, TODAY, make_config()))
    assert m[("repeat_client_rate", "")].value == 0.0
    assert m[("repeat_client_rate", "")].status == "below"
    assert m[("avg_days_to_return", "")].value is None  # no return yet
    assert m[("nps", "")].value == 100.0
    assert m[("dormant_share", "")].value == 0.0
    assert m[("repurchase_rate", "")].value is None  # not a past client yet
    assert m[("lifetime_value", "")].value == pytest.approx(5_000)
    assert m[("referral_conversion", "")].value is None  # nobody referred


def test_out_of_range_nps_is_ignored():
    contacts = [Contact(row=2, id="C1", name="A", nps=11), Contact(row=3, id="C2", name="B", nps=3)]
    m = by_key(compute_metrics(Book(contacts, [], []), {}, TODAY, make_config()))
    assert m[("nps", "")].value == pytest.approx(-100.0)


def test_due_items_from_today_tab():
    table = Table(name="Today", header_row=1,
                  headers=["Done", "Due", "Days overdue", "Name"],
                  rows=[(2, [True, date(2025, 6, 29), 0, "A"]),
                        (3, ["yes", "2025-06-20", 3, "B"]),
                        (4, [False, date(2025, 6, 29), 0, "C"])])
    items = due_items_from_today(table, TODAY)
    assert items == [DueItem(date(2025, 6, 29), date(2025, 6, 29)),
                     DueItem(date(2025, 6, 20), date(2025, 6, 23)),
                     DueItem(date(2025, 6, 29), None)]


def test_breakdowns_by_owner_tier_circle_source():
    book, classes = small_book()
    breakdowns = {b.key: b for b in compute_breakdowns(book, classes, TODAY, make_config())}
    ann = next(r for r in breakdowns["owner"].rows if r[0] == "Ann")
    # Contacts C1, C2, C6; clients C1, C2; deals of C1 (2) and C2; repeat 1/2; referred first
    # deals 1/2; NPS 10, 9 -> 100; dormant 0/2; conversion 2/3; share 3/4.
    assert ann[:5] == ["Ann", 3, 2, 3, 38_000]
    assert ann[5:] == pytest.approx([1 / 2, 1 / 2, 100.0, 0.0, 2 / 3, 3 / 4])
    assert [r[0] for r in breakdowns["tier"].rows] == ["A", "B", "C", "D"]
    assert [r[0] for r in breakdowns["circle"].rows] == [
        "General Public", "Target Group", "Network", "Advocate"]
    sources = {r[0]: r for r in breakdowns["source"].rows}
    assert set(sources) == {"portal", "Past client", "Referral", ""}
    assert sources["Referral"][3] == 1 and sources["Referral"][10] == pytest.approx(1 / 4)
    assert sources["Referral"][5] is None  # repeat rate means nothing per source


def test_metrics_tab_layout_formats_and_charts():
    book, classes = small_book()
    config = make_config()
    metrics = compute_metrics(book, classes, TODAY, config)
    breakdowns = compute_breakdowns(book, classes, TODAY, config)
    history = merge_history(None, TODAY, metrics)
    tab = metrics_tab(metrics, breakdowns, history, "ja", config)
    assert tab.key == "metrics"
    assert tab.headers[:5] == ["指標", "値", "目標", "状況", "定義"]
    first = tab.rows[0]
    assert first[0] == "リピート顧客率" and first[1] == 0.25 and first[3] == "達成"
    assert tab.columns[1].kind == "number"
    kinds = {c.kind for c in tab.columns} | set(tab.cell_kinds.values())
    assert "percent" in kinds and "money" in kinds

    def cells(ref) -> list:
        source = history if ref.tab == "metrics_history" else tab
        col = source.index(ref.column)
        return [source.rows[r][col] for r in range(ref.first, ref.last + 1)]

    charts = {c.title: c for c in tab.charts}
    assert {c.kind for c in tab.charts} == {"line", "pie", "column", "bar"}
    nps = charts["NPS の推移"]
    assert nps.series[0][1].tab == "metrics_history" and nps.series[0][1].column == "nps"
    assert (nps.categories.first, nps.categories.last) == (0, 0)
    assert history.headers[history.index("nps")] == "NPS"
    for chart in tab.charts:
        if chart.categories.tab != "metrics":
            continue
        assert all(isinstance(v, (int, float)) for v in cells(chart.series[0][1])), chart.title
        assert all(isinstance(c, str) and c for c in cells(chart.categories)), chart.title
    source_chart = next(c for c in tab.charts if c.kind == "bar")
    assert "Referral" in cells(source_chart.categories)


def test_history_first_run_and_same_day_rerun_replaces():
    book, classes = small_book()
    config = make_config()
    metrics = compute_metrics(book, classes, TODAY, config)
    first = merge_history(None, TODAY, metrics)
    assert len(first.rows) == 1 and first.rows[0][0] == TODAY
    assert first.columns[0].kind == "date"
    assert first.columns[first.index("repeat_client_rate")].kind == "percent"
    # Read back as the store would give it (ISO text dates), re-run the same day with new values.
    as_read = Table("Metrics history", 1, first.headers,
                    [(2, [TODAY.isoformat(), *first.rows[0][1:]])])
    changed = [Metric(m.key, m.name, 0.5 if m.key == "nps" else m.value, group=m.group,
                      format=m.format) for m in metrics]
    again = merge_history(as_read, TODAY, changed)
    assert len(again.rows) == 1
    assert again.rows[0][1 + HISTORY_KEYS.index("nps")] == 0.5


def test_history_keeps_other_days_and_unknown_columns_in_any_language():
    previous = Table("指标历史", 1, ["日期", "净推荐值 NPS", "回头客比例", "Comment"], [
        (2, [datetime(2025, 6, 28, 0, 0), 40.0, 0.2, "after the event"]),
        (3, ["2025-06-30", 10.0, 0.1, "same day: replaced"]),
        (4, ["2025-06-29", 45.0, 0.22, None]),
        (5, [None, None, None, None]),  # blank row dropped
    ])
    book, classes = small_book()
    metrics = compute_metrics(book, classes, TODAY, make_config())
    tab = merge_history(previous, TODAY, metrics, lang="zh")
    assert [r[0] for r in tab.rows] == [date(2025, 6, 28), date(2025, 6, 29), TODAY]
    nps = 1 + HISTORY_KEYS.index("nps")
    repeat = 1 + HISTORY_KEYS.index("repeat_client_rate")
    assert [r[nps] for r in tab.rows] == [40.0, 45.0, 25.0]
    assert [r[repeat] for r in tab.rows] == [0.2, 0.22, 0.25]
    assert tab.headers[0] == "日期" and tab.headers[-1] == "Comment"
    assert tab.rows[0][-1] == "after the event" and tab.rows[-1][-1] is None
    assert len(tab.headers) == 1 + len(HISTORY_KEYS) + 1


def test_duplicate_ids_still_count_every_row():
    # A duplicated ID is reported in Issues by validation; the distributions still count the
    # two rows, as the Tier and Activity columns on Contacts do.
    contacts = [Contact(row=2, id="C1", name="A"), Contact(row=3, id="C1", name="B")]
    book = Book(contacts, [], [])
    classes = {"c1": cls("A", "Active", 0.5), "c1#row3": cls("B", "Dormant", 1.0)}
    m = by_key(compute_metrics(book, classes, TODAY, make_config()))
    assert m[("tier_distribution", "A")].value == 1 and m[("tier_distribution", "B")].value == 1
    assert m[("completeness", "")].value == pytest.approx(0.75)
