"""Classification rules, SPEC §3 (seeds 000, 001, 003, 004)."""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from typing import Any

import pytest

from sheets_sync.config import load_config, merge
from sheets_sync.core.classify import (
    ReferralStats,
    activity,
    assign_tiers,
    circle_suggestion,
    classify,
    completeness,
    completeness_suggestion,
    completeness_target,
    intent_grade,
    lifecycle,
    pareto_tiers,
    referral_stats,
    relationship_score,
)
from sheets_sync.core.facts import build_facts
from sheets_sync.core.model import Book, Contact, Interaction, Transaction
from sheets_sync.errors import ConfigError

if sys.version_info >= (3, 11):
    pass
else:  # pragma: no cover
    pass

today = date(2026, 11, 23)


def days_ago(days: int) -> date:
    return today - timedelta(days=days)


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return load_config()


def person(row: int, cid: str = "", **fields: Any) -> Contact:
    return Contact(row=row, id=cid or f"C{row}", name=f"Person {row}", **fields)


def visit(cid: str, when: date, channel: str = "visit") -> Interaction:
    return Interaction(row=None, date=when, contact_id=cid, channel=channel)


def deal(cid: str, when: date | None, commission: float | None = None,
         referred_by: str | None = None) -> Transaction:
    return Transaction(row=None, contact_id=cid, closing_date=when, commission=commission,
                       referred_by=referred_by)


def book(contacts: list[Contact], interactions: list[Interaction] | None = None,
         transactions: list[Transaction] | None = None) -> Book:
    return Book(contacts=contacts, interactions=interactions or [], transactions=transactions or [])


# ---------------------------------------------------------------------------------------------
# Effective dates


def last_contact(contact: Contact, log: list[Interaction]) -> date | None:
    return build_facts(book([contact], log), today).last_contact[contact.row]


def closing_date(contact: Contact, deals: list[Transaction]) -> date | None:
    return build_facts(book([contact], transactions=deals), today).closing_date(contact)


def test_last_contact_is_the_newest_interaction_when_it_is_later_than_the_cell() -> None:
    contact = person(2, last_contact=days_ago(50))
    log = [visit("C2", days_ago(10), "call"), visit("C2", days_ago(70), "sms")]
    assert last_contact(contact, log) == days_ago(10)


def test_last_contact_is_the_cell_when_it_is_later_than_the_log() -> None:
    contact = person(2, last_contact=days_ago(5))
    assert last_contact(contact, [visit("C2", days_ago(10), "call")]) == days_ago(5)


def test_interactions_dated_after_today_are_not_contacts_yet() -> None:
    assert last_contact(person(2), [visit("C2", today + timedelta(days=3), "call")]) is None


def test_a_last_contact_cell_in_the_future_is_ignored() -> None:
    contact = person(2, last_contact=today + timedelta(days=1))
    assert last_contact(contact, [visit("C2", days_ago(20), "call")]) == days_ago(20)


def test_an_interaction_dated_today_counts() -> None:
    assert last_contact(person(2), [visit("C2", today, "call")]) == today


def test_never_contacted_has_no_last_contact() -> None:
    assert last_contact(person(2), []) is None


def test_interactions_with_a_blank_contact_id_belong_to_nobody() -> None:
    contact = Contact(row=2, id="", name="No ID yet")
    assert last_contact(contact, [visit("", days_ago(1), "call")]) is None


def test_closing_date_is_the_later_of_the_cell_and_the_transactions() -> None:
    contact = person(2, closing_date=days_ago(900))
    assert closing_date(contact, [deal("C2", days_ago(400)), deal("C2", days_ago(2000))]) == \
        days_ago(400)


def test_closing_date_cell_wins_over_older_transactions() -> None:
    contact = person(2, closing_date=days_ago(30))
    assert closing_date(contact, [deal("C2", days_ago(400)), deal("C2", None)]) == days_ago(30)


# ---------------------------------------------------------------------------------------------
# Referrals


def test_contacts_referred_by_someone_count_as_their_referrals() -> None:
    stats = referral_stats(book([person(2), person(3, referred_by="C2"),
                                 person(4, referred_by="C2")]))
    assert stats["C2"].made == 2
    assert stats["C2"].referred_ids == ("C3", "C4")


def test_a_transaction_referred_by_someone_counts_for_another_contact() -> None:
    stats = referral_stats(book([person(2), person(3)],
                                transactions=[deal("C3", days_ago(100), referred_by="C2")]))
    assert stats["C2"].made == 1
    assert stats["C2"].closed == 1


def test_a_person_referred_on_the_row_and_on_a_deal_counts_once() -> None:
    stats = referral_stats(book([person(2), person(3, referred_by="C2")],
                                transactions=[deal("C3", days_ago(100), referred_by="C2"),
                                              deal("C3", days_ago(10), referred_by="C2")]))
    assert stats["C2"].made == 1
    assert stats["C2"].closed == 1


def test_nobody_refers_themself() -> None:
    stats = referral_stats(book([person(2, referred_by="C2")],
                                transactions=[deal("C2", days_ago(5), referred_by="C2")]))
    assert "C2" not in stats


def test_a_referral_closed_when_the_referred_contact_has_a_deal_or_stage_closed() -> None:
    contacts = [person(2), person(3, referred_by="C2"), person(4, referred_by="C2", stage="Closed"),
                person(5, referred_by="C2", stage="Lead")]
    stats = referral_stats(book(contacts, transactions=[deal("C3", days_ago(40))]))
    assert (stats["C2"].made, stats["C2"].closed) == (3, 2)


def test_a_referral_is_dated_by_the_referred_contacts_first_closing() -> None:
    contacts = [person(2), person(3, referred_by="C2")]
    deals = [deal("C3", days_ago(800)), deal("C3", days_ago(100))]
    assert referral_stats(book(contacts, transactions=deals))["C2"].newest == days_ago(800)


def test_a_referred_deal_is_dated_by_its_own_closing() -> None:
    contacts = [person(2), person(3, referred_by="C2")]
    deals = [deal("C3", days_ago(800)), deal("C3", days_ago(100), referred_by="C2")]
    assert referral_stats(book(contacts, transactions=deals))["C2"].newest == days_ago(100)


def test_a_referral_that_never_closed_has_no_date() -> None:
    stats = referral_stats(book([person(2), person(3, referred_by="C2", stage="Prospect")]))
    assert stats["C2"] == ReferralStats(made=1, closed=0, newest=None, referred_ids=("C3",))


# ---------------------------------------------------------------------------------------------
# Lifecycle (seed 003)


@pytest.mark.parametrize("stage", [None, "Lead", "Prospect"])
def test_no_deal_and_an_open_stage_is_a_prospect(config: dict[str, Any], stage: str | None) -> None:
    assert lifecycle(person(2, stage=stage), None, today, config) == "Prospect"


def test_stage_under_contract_is_under_contract(config: dict[str, Any]) -> None:
    contact = person(2, stage="Under contract")
    assert lifecycle(contact, days_ago(3000), today, config) == "Under contract"


def test_closed_less_than_a_year_ago_is_a_client(config: dict[str, Any]) -> None:
    assert lifecycle(person(2, stage="Closed"), days_ago(364), today, config) == "Client"


def test_closed_a_year_ago_or_more_is_a_past_client(config: dict[str, Any]) -> None:
    assert lifecycle(person(2, stage="Closed"), days_ago(365), today, config) == "Past client"


def test_stage_closed_without_any_date_is_a_client(config: dict[str, Any]) -> None:
    assert lifecycle(person(2, stage="Closed"), None, today, config) == "Client"


def test_a_closing_with_a_blank_stage_makes_a_client(config: dict[str, Any]) -> None:
    assert lifecycle(person(2), days_ago(10), today, config) == "Client"


def test_stage_lost_is_lost(config: dict[str, Any]) -> None:
    assert lifecycle(person(2, stage="Lost"), days_ago(10), today, config) == "Lost"


def test_a_prospect_with_a_lost_reason_is_lost(config: dict[str, Any]) -> None:
    contact = person(2, stage="Prospect", lost_reason="Price")
    assert lifecycle(contact, None, today, config) == "Lost"


def test_a_past_client_without_repeat_deal_or_referral_for_three_years_is_lost(
        config: dict[str, Any]) -> None:
    assert lifecycle(person(2, stage="Closed"), days_ago(1095), today, config) == "Lost"


def test_a_past_client_with_a_referral_within_three_years_is_not_lost(
        config: dict[str, Any]) -> None:
    referrals = ReferralStats(made=1, closed=1, newest=days_ago(1094))
    assert lifecycle(person(2, stage="Closed"), days_ago(2000), today, config,
                     referrals) == "Past client"


def test_a_referral_older_than_three_years_does_not_keep_a_past_client(
        config: dict[str, Any]) -> None:
    referrals = ReferralStats(made=1, closed=1, newest=days_ago(1500))
    assert lifecycle(person(2, stage="Closed"), days_ago(2000), today, config,
                     referrals) == "Lost"


def test_an_undated_referral_does_not_keep_a_past_client(config: dict[str, Any]) -> None:
    referrals = ReferralStats(made=1, closed=0, newest=None)
    assert lifecycle(person(2, stage="Closed"), days_ago(2000), today, config,
                     referrals) == "Lost"


def test_a_repeat_deal_within_three_years_keeps_a_past_client(config: dict[str, Any]) -> None:
    contact = person(2, stage="Closed", closing_date=days_ago(3000))
    closing = closing_date(contact, [deal("C2", days_ago(800))])
    assert lifecycle(contact, closing, today, config) == "Past client"


def test_a_past_client_enquiring_again_is_not_aged_into_lost(config: dict[str, Any]) -> None:
    assert lifecycle(person(2, stage="Lead"), days_ago(2000), today, config) == "Past client"


def test_lifecycle_thresholds_come_from_config(config: dict[str, Any]) -> None:
    shorter = merge(config, {"lifecycle": {"client_days": 30}})
    assert lifecycle(person(2, stage="Closed"), days_ago(40), today, shorter) == "Past client"


# ---------------------------------------------------------------------------------------------
# Activity (seed 003)


@pytest.mark.parametrize(("days", "expected"), [
    (0, "Active"), (30, "Active"), (31, "Cooling"), (89, "Cooling"), (90, "Silent"),
    (180, "Silent"), (181, "Dormant"), (None, "Dormant"),
])
def test_activity_by_days_since_contact(config: dict[str, Any], days: int | None,
                                        expected: str) -> None:
    assert activity(days, config) == expected


# ---------------------------------------------------------------------------------------------
# Relationship score (seed 000, 004)


def test_score_counts_lifetime_commission(config: dict[str, Any]) -> None:
    assert relationship_score(person(2), 12_000.0, None, None, config) == 6.0


def test_score_counts_referrals_made_and_closed_ones_more(config: dict[str, Any]) -> None:
    referrals = ReferralStats(made=3, closed=1)
    assert relationship_score(person(2), 0.0, referrals, None, config) == 3 * 3.0 + 8.0


def test_score_counts_the_circle(config: dict[str, Any]) -> None:
    core = relationship_score(person(2, circle="Core Advocate"), 0.0, None, None, config)
    network = relationship_score(person(2, circle="Network"), 0.0, None, None, config)
    assert (core, network) == (8.0, 2.0)


@pytest.mark.parametrize(("nps", "points"), [(10, 4.0), (9, 4.0), (8, 0.0), (7, 0.0), (6, -2.0),
                                             (0, -2.0), (None, 0.0)])
def test_score_counts_nps_promoters_and_detractors(config: dict[str, Any], nps: int | None,
                                                   points: float) -> None:
    assert relationship_score(person(2, nps=nps), 0.0, None, None, config) == points


def test_score_counts_recent_contact(config: dict[str, Any]) -> None:
    assert relationship_score(person(2), 0.0, None, 90, config) == 2.0
    assert relationship_score(person(2), 0.0, None, 91, config) == 0.0


# ---------------------------------------------------------------------------------------------
# Prospect intent grading (seed 001 意向客户分级体系)


def prospect(**fields: Any) -> Contact:
    return person(2, stage="Prospect", **fields)


def test_intent_a_all_three_accepted_with_attention_and_decision_makers(
        config: dict[str, Any]) -> None:
    contact = prospect(accepts_product=True, accepts_price=True, can_afford=True, visits=3,
                       decision_makers_seen=True)
    assert intent_grade(contact, config) == "A"


def test_intent_b_all_three_accepted_with_behaviour_incomplete(config: dict[str, Any]) -> None:
    contact = prospect(accepts_product=True, accepts_price=True, can_afford=True, visits=1)
    assert intent_grade(contact, config) == "B"


def test_intent_b_product_accepted_with_price_resistance_and_full_behaviour(
        config: dict[str, Any]) -> None:
    contact = prospect(accepts_product=True, accepts_price=False, can_afford=False, visits=4,
                       decision_makers_seen=True)
    assert intent_grade(contact, config) == "B"


def test_intent_c_one_of_the_three_not_accepted(config: dict[str, Any]) -> None:
    contact = prospect(accepts_product=True, accepts_price=False, can_afford=True, visits=1)
    assert intent_grade(contact, config) == "C"


def test_intent_c_attention_alone(config: dict[str, Any]) -> None:
    assert intent_grade(prospect(accepts_product=False, visits=3), config) == "C"


def test_intent_d_no_signal(config: dict[str, Any]) -> None:
    contact = prospect(accepts_product=False, accepts_price=False, can_afford=False, visits=1)
    assert intent_grade(contact, config) == "D"


def test_logged_visits_count_towards_attention(config: dict[str, Any]) -> None:
    contact = prospect(accepts_product=True, accepts_price=True, can_afford=True,
                       decision_makers_seen=True)
    visits = [visit("C2", days_ago(n)) for n in (3, 10, 20)]
    result = classify(book([contact], visits), today, config)
    assert result["c2"].tier == "A"


def test_prospects_without_intent_columns_fall_back_to_the_score(config: dict[str, Any]) -> None:
    contacts = [person(2, stage="Lead", circle="Core Advocate"), person(3, stage="Lead")]
    tiers = assign_tiers(contacts, {"c2": "Prospect", "c3": "Prospect"}, {"c2": 8.0, "c3": 0.0},
                         config)
    assert tiers == {"c2": "A", "c3": "C"}


def test_under_contract_is_graded_by_intent(config: dict[str, Any]) -> None:
    contact = person(2, stage="Under contract", accepts_product=False, accepts_price=False,
                     can_afford=False, visits=0)
    assert assign_tiers([contact], {"c2": "Under contract"}, {"c2": 50.0}, config) == {"c2": "D"}


# ---------------------------------------------------------------------------------------------
# Tiers


def test_tier_override_wins(config: dict[str, Any]) -> None:
    contact = person(2, tier_override="b", do_not_contact=True)
    assert assign_tiers([contact], {"c2": "Lost"}, {"c2": 0.0}, config) == {"c2": "B"}


def test_do_not_contact_is_d(config: dict[str, Any]) -> None:
    contact = person(2, do_not_contact=True)
    assert assign_tiers([contact], {"c2": "Client"}, {"c2": 99.0}, config) == {"c2": "D"}


def test_a_lost_contact_who_never_closed_is_d(config: dict[str, Any]) -> None:
    assert assign_tiers([person(2)], {"c2": "Lost"}, {"c2": 99.0}, config) == {"c2": "D"}


def test_pareto_top_20_percent_a_next_30_percent_b_rest_c(config: dict[str, Any]) -> None:
    tiers = pareto_tiers({row: float(row) for row in range(1, 11)}, config)
    assert [tiers[row] for row in range(10, 0, -1)] == list("AABBBCCCCC")


def test_ties_do_not_inflate_tier_a(config: dict[str, Any]) -> None:
    # Ten contacts with equal scores: A is still the top 20 %, B the next 30 % (SPEC §3).
    tiers = pareto_tiers({row: 5.0 for row in range(1, 11)}, config)
    assert sorted(tiers.values()) == list("AABBBCCCCC")


def test_ties_are_broken_by_referrals_then_recent_contact_then_key(config: dict[str, Any]) -> None:
    scores = {"c1": 5.0, "c2": 5.0, "c3": 5.0, "c4": 5.0, "c5": 5.0}
    tiebreak = {"c1": (0, 0, date(2026, 1, 1)), "c2": (1, 1, date(2025, 1, 1)),
                "c3": (0, 0, date(2026, 6, 1)), "c4": (0, 0, date(2026, 6, 1)),
                "c5": (0, 0, date(2020, 1, 1))}
    tiers = pareto_tiers(scores, config, tiebreak)
    # five contacts: one A, two B. c2 referred someone; c3 and c4 were contacted most recently
    assert [tiers[k] for k in ("c2", "c3", "c4", "c1", "c5")] == list("ABBCC")
    # everything equal: the key decides, so the result never depends on input order
    assert pareto_tiers({"c9": 5.0, "c1": 5.0}, config) == {"c1": "A", "c9": "C"}


def test_a_lost_past_client_keeps_an_evidence_tier_and_a_lost_prospect_is_d(
    config: dict[str, Any],
) -> None:
    client, prospect = person(2), person(3)
    lifecycles = {"c2": "Lost", "c3": "Lost"}
    tiers = assign_tiers([client, prospect], lifecycles, {"c2": 40.0, "c3": 40.0}, config,
                         clients={"c2"})
    assert tiers == {"c2": "A", "c3": "D"}


def test_with_all_scores_zero_nobody_is_a_or_b(config: dict[str, Any]) -> None:
    assert set(pareto_tiers({row: 0.0 for row in range(1, 8)}, config).values()) == {"C"}


def test_a_negative_score_is_never_a(config: dict[str, Any]) -> None:
    assert pareto_tiers({1: -2.0}, config) == {1: "C"}


@pytest.mark.parametrize(("size", "expected"), [(1, "A"), (2, "AC"), (3, "ABC"), (4, "ABCC"),
                                                (5, "ABBCC")])
def test_small_books_still_have_an_a(config: dict[str, Any], size: int, expected: str) -> None:
    tiers = pareto_tiers({row: float(10 - row) for row in range(size)}, config)
    assert "".join(tiers[row] for row in range(size)) == expected


def test_pareto_cut_does_not_depend_on_input_order(config: dict[str, Any]) -> None:
    rng = random.Random(7)
    scores = {row: float(rng.choice([0, 1, 2, 2, 3, 5, 8])) for row in range(200)}
    expected = pareto_tiers(scores, config)
    for _ in range(5):
        rows = list(scores)
        rng.shuffle(rows)
        assert pareto_tiers({row: scores[row] for row in rows}, config) == expected


def test_tier_shares_come_from_config(config: dict[str, Any]) -> None:
    wider = merge(config, {"tiers": {"a_share": 0.5, "b_share": 0.5}})
    tiers = pareto_tiers({row: float(row) for row in range(1, 5)}, wider)
    assert [tiers[row] for row in range(4, 0, -1)] == list("AABB")


def test_overridden_and_excluded_contacts_take_no_pareto_place(config: dict[str, Any]) -> None:
    contacts = [person(1, tier_override="C"), person(2, do_not_contact=True), person(3), person(4)]
    scores = {"c1": 100.0, "c2": 90.0, "c3": 5.0, "c4": 1.0}
    tiers = assign_tiers(contacts, dict.fromkeys(scores, "Client"), scores, config)
    assert tiers == {"c1": "C", "c2": "D", "c3": "A", "c4": "C"}


# ---------------------------------------------------------------------------------------------
# Completeness (seed 001 客户资料建档)


FIELDS = ["name", "phone", "email", "owner", "language", "country", "birthday", "circle",
          "stage", "closing_date"]


def test_completeness_is_the_share_of_configured_fields_filled(config: dict[str, Any]) -> None:
    contact = person(2, filled_fields=frozenset({"name", "phone", "owner", "notes"}))
    assert completeness(contact, config) == pytest.approx(3 / len(FIELDS))


def test_first_contact_target_is_30_percent(config: dict[str, Any]) -> None:
    assert completeness_target(person(2, stage="Lead"), config) == 0.30


def test_three_visits_raise_the_target_to_70_percent(config: dict[str, Any]) -> None:
    assert completeness_target(person(2, stage="Prospect", visits=3), config) == 0.70


def test_three_logged_visits_raise_the_target_to_70_percent(config: dict[str, Any]) -> None:
    assert completeness_target(person(2, stage="Prospect"), config, visits=3) == 0.70


def test_closed_clients_target_is_100_percent(config: dict[str, Any]) -> None:
    assert completeness_target(person(2, stage="Closed"), config) == 1.0
    assert completeness_target(person(3), config, closed=True) == 1.0


def test_below_target_names_the_fields_to_add(config: dict[str, Any]) -> None:
    filled = frozenset({"name", "phone", "owner", "language"})
    contact = person(2, stage="Prospect", visits=3, filled_fields=filled)
    assert completeness_suggestion(contact, config, 0.70) == (
        "Profile 40 % complete, target 70 %: add email, country, birthday")


def test_at_target_there_is_no_completeness_suggestion(config: dict[str, Any]) -> None:
    contact = person(2, filled_fields=frozenset(FIELDS[:4]))
    assert completeness_suggestion(contact, config, 0.30) is None


def test_classification_reports_a_profile_below_target(config: dict[str, Any]) -> None:
    contact = person(2, stage="Closed", filled_fields=frozenset(FIELDS[:-1]))
    result = classify(book([contact]), today, config)["c2"]
    assert result.completeness == pytest.approx(0.9)
    assert result.suggestions == ["Profile 90 % complete, target 100 %: add closing date"]


# ---------------------------------------------------------------------------------------------
# Circle promotion (seed 004)


def test_a_closed_referral_suggests_advocate(config: dict[str, Any]) -> None:
    text = circle_suggestion(person(2, circle="Network"), ReferralStats(made=2, closed=1), config)
    assert text == "Circle: suggest Advocate (1 referral closed; typed Network)"


def test_three_closed_referrals_suggest_core_advocate(config: dict[str, Any]) -> None:
    text = circle_suggestion(person(2, circle="Advocate"), ReferralStats(made=3, closed=3), config)
    assert text == "Circle: suggest Core Advocate (3 referrals closed; typed Advocate)"


def test_a_blank_circle_with_a_closed_referral_gets_a_suggestion(config: dict[str, Any]) -> None:
    text = circle_suggestion(person(2), ReferralStats(made=1, closed=1), config)
    assert text == "Circle: suggest Advocate (1 referral closed; Circle is blank)"


def test_no_suggestion_when_the_typed_circle_is_already_further_in(config: dict[str, Any]) -> None:
    contact = person(2, circle="Core Advocate")
    assert circle_suggestion(contact, ReferralStats(made=1, closed=1), config) is None


def test_referrals_that_did_not_close_prove_nothing(config: dict[str, Any]) -> None:
    contact = person(2, circle="Network")
    assert circle_suggestion(contact, ReferralStats(made=4, closed=0), config) is None


def test_classify_never_changes_the_circle(config: dict[str, Any]) -> None:
    contacts = [person(2, circle="Network", filled_fields=frozenset(FIELDS)),
                person(3, referred_by="C2", stage="Closed")]
    result = classify(book(contacts), today, config)
    assert contacts[0].circle == "Network"
    assert result["c2"].suggestions == [
        "Circle: suggest Advocate (1 referral closed; typed Network)"
    ]


# ---------------------------------------------------------------------------------------------
# The whole book


def test_classify_keys_every_row_even_when_ids_repeat(config: dict[str, Any]) -> None:
    # A repeated ID (reported by validation) keys its later rows by ID and row, so each row is
    # still classified on its own; both see the ID's interactions.
    contacts = [person(2, "C1", stage="Closed"), person(3, "C1", stage="Lead")]
    result = classify(book(contacts, [visit("C1", days_ago(40), "call")]), today, config)
    assert set(result) == {"c1", "c1#row3"}
    assert result["c1"].lifecycle == "Client"
    assert result["c1#row3"].lifecycle == "Prospect"
    assert result["c1"].days_since_contact == result["c1#row3"].days_since_contact == 40


def test_classify_combines_the_rules(config: dict[str, Any]) -> None:
    contacts = [person(2, stage="Closed", circle="Advocate", nps=10),
                person(3, referred_by="C2", stage="Lead")]
    interactions = [visit("C2", days_ago(12), "call")]
    transactions = [deal("C2", days_ago(200), commission=20_000.0)]
    result = classify(book(contacts, interactions, transactions), today, config)["c2"]
    assert (result.lifecycle, result.activity) == ("Client", "Active")
    assert result.days_since_contact == 12
    assert result.score == 10.0 + 3.0 + 5.0 + 4.0 + 2.0
    assert result.tier == "A"


def test_classify_does_not_depend_on_row_order(config: dict[str, Any]) -> None:
    rng = random.Random(11)
    contacts = [person(row, circle=rng.choice(["Network", "Advocate", None]),
                       nps=rng.choice([None, 3, 8, 10]), stage=rng.choice(["Closed", None]))
                for row in range(2, 60)]
    interactions = [visit(f"C{rng.randrange(2, 60)}", days_ago(rng.randrange(400)), "call")
                    for _ in range(100)]
    transactions = [deal(f"C{rng.randrange(2, 60)}", days_ago(rng.randrange(3000)),
                         commission=rng.choice([1000.0, 2500.5, 0.1, 0.2]))
                    for _ in range(60)]
    expected = classify(book(contacts, interactions, transactions), today, config)
    rng.shuffle(contacts)
    rng.shuffle(interactions)
    rng.shuffle(transactions)
    assert classify(book(contacts, interactions, transactions), today, config) == expected


def test_a_missing_setting_is_a_config_error_that_names_it(config: dict[str, Any]) -> None:
    broken = merge(config, {"tiers": {"intent": "oops"}})
    with pytest.raises(ConfigError, match="tiers.intent.attention_min_visits"):
        classify(book([person(2)]), today, broken)


def test_a_referred_contact_without_an_id_still_counts(config: dict[str, Any]) -> None:
    stats = referral_stats(book([person(2), Contact(row=3, id="", name="New", referred_by="C2")]))
    assert stats["C2"].made == 1
