"""The same book gives the same numbers whatever its language (issue: every word in the user's
language). The sample is written with headers and values in each of the five languages; every
word list the rules match (outcomes, sources, sides, life events, thank-yous, signing, CSAT) is
matched in all five, so metrics, tiers and touchpoints must come out identical."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.config import load_config
from sheets_sync.core.facts import is_thank_you
from sheets_sync.core.insights import measure
from sheets_sync.core.messages import load_templates
from sheets_sync.core.metrics_measures import starts, words
from sheets_sync.core.plan import PlanResult, build_plan
from sheets_sync.core.settings import parse_settings
from sheets_sync.core.touch_index import BookIndex, engine_settings
from sheets_sync.core.touch_rules import _keyword_pattern, rules_of
from sheets_sync.core.vocabulary import CHANNEL_WORDS, LANGS, SIDES, channel_key, side_key
from sheets_sync.sample_data import SAMPLE_TEXTS
from sheets_sync.starter import write_starter_workbook
from sheets_sync.stores.xlsx import XlsxStore

# Whole syncs of the sample, several per test: in CI, not in the fast lane.
pytestmark = pytest.mark.slow

DAYS = (date(2026, 3, 14), date(2026, 11, 23))


def _plan(folder: Path, lang: str, today: date) -> tuple[PlanResult, dict[str, Any]]:
    path = folder / f"{lang}.xlsx"
    write_starter_workbook(path, lang=lang, sample=True, today=today)
    config = load_config(None)
    result = build_plan(XlsxStore(path).read(), config, today, templates=load_templates())
    measured = measure(result.book, result.classes, result.facts, today, config,
                       today_table=None, history_table=None, lang=lang)
    metrics = {(m.key, m.group): m.value for m in measured.metrics}
    return result, metrics


def _touchpoints(result: PlanResult) -> list[tuple[str, str, date, str]]:
    return sorted((t.contact_id, t.rule, t.due, t.channel) for t in result.today_items)


def _next_touch(result: PlanResult) -> list[tuple[str, Any]]:
    return sorted((w.key, w.values["next_touch_date"]) for w in result.changes.contacts)


def _classes(result: PlanResult) -> list[tuple[str, str, str, str]]:
    return sorted((k, c.tier, c.lifecycle, c.activity) for k, c in result.classes.items())


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_sample_in_five_languages_gives_identical_metrics_and_touchpoints(
        tmp_path: Path, today: date) -> None:
    english, english_metrics = _plan(tmp_path, "en", today)
    for lang in LANGS[1:]:
        result, metrics = _plan(tmp_path, lang, today)
        assert metrics == english_metrics, lang
        assert _touchpoints(result) == _touchpoints(english), lang
        assert _next_touch(result) == _next_touch(english), lang
        assert _classes(result) == _classes(english), lang


def test_the_life_events_of_the_sample_lead_to_a_check_in_in_every_language(
        tmp_path: Path) -> None:
    for lang in LANGS:
        result, _ = _plan(tmp_path, lang, DAYS[0])
        events = {t.contact_id for t in result.today_items if t.rule == "life_event"}
        assert events == {"C0009", "C0013"}, lang


# One phrase per language (en, zh, zh-Hant, ja, ms) an agent might type, per word list.
_OUTCOMES = {
    "no_answer_outcomes": ("No answer", "未接通", "無人接聽", "送付済み", "Tiada jawapan"),
    "satisfied_outcomes": ("Very satisfied", "非常满意", "非常滿意", "大変満足",
                           "Sangat puas hati"),
    "unsatisfied_outcomes": ("Unhappy with the service", "不满回复太慢", "不滿意服務",
                             "不満：返信が遅い", "Tidak puas hati"),
}
_SOURCES = {
    "referral_sources": ("Referral", "转介绍", "轉介紹", "紹介", "Rujukan"),
    "past_client_sources": ("Past client", "老客户", "老客戶", "既存顧客", "Pelanggan lama"),
    "purchase_sides": ("Buy", "买入", "買入", "購入", "Beli"),
}
_EVENTS = {
    "baby": ("New baby boy last week!", "上周喜得贵子！", "上週喜獲麟兒！", "先週男の子が誕生！",
             "Baru dapat anak lelaki minggu lepas!"),
    "promotion": ("Promoted to regional manager", "升任区域经理", "升任區域經理",
                  "地域マネージャーに昇進", "Dinaikkan pangkat ke pengurus wilayah"),
    "move": ("Relocating to Penang", "下个月搬去槟城", "下個月搬去檳城", "来月ペナンへ転勤",
             "Berpindah ke Pulau Pinang"),
    "job_loss": ("Got laid off", "被裁员了", "被裁員了", "リストラされた", "Diberhentikan kerja"),
}
_SIGNING = ("Contract signed today", "今天签约了", "今天簽約了", "本日契約締結",
            "Sudah tandatangan")
_THANKS = ("Thank-you gift", "感谢礼", "感謝禮", "お礼の品", "Hadiah terima kasih")


@pytest.mark.parametrize("setting", sorted(_OUTCOMES))
def test_an_outcome_word_list_matches_in_all_five_languages(setting: str) -> None:
    prefixes = words(load_config(None)["metrics"][setting])
    for phrase in _OUTCOMES[setting]:
        assert starts(phrase, prefixes), phrase


@pytest.mark.parametrize("setting", sorted(_SOURCES))
def test_a_source_or_side_word_list_matches_in_all_five_languages(setting: str) -> None:
    listed = words(load_config(None)["metrics"][setting])
    for phrase in _SOURCES[setting]:
        assert words([phrase]) <= listed, phrase


@pytest.mark.parametrize("kind", sorted(_EVENTS))
def test_a_life_event_is_recognised_in_all_five_languages(kind: str) -> None:
    keywords = load_config(None)["touchpoints"]["rules"]["life_event"]["keywords"]
    for phrase in _EVENTS[kind]:
        found = [k for k, ws in keywords.items() if _keyword_pattern(ws).search(phrase.casefold())]
        assert found == [kind], phrase


def test_a_signing_is_recognised_in_all_five_languages() -> None:
    pattern = _keyword_pattern(
        load_config(None)["touchpoints"]["rules"]["event_signing"]["keywords"]["signing"])
    for phrase in _SIGNING:
        assert pattern.search(phrase.casefold()), phrase


def test_a_thank_you_is_recognised_in_all_five_languages() -> None:
    thanks = load_config(None)["referrals"]["thank_you_words"]
    for phrase in _THANKS:
        assert is_thank_you(phrase, "", thanks), phrase


def test_a_birthday_is_not_taken_for_a_birth() -> None:
    keywords = load_config(None)["touchpoints"]["rules"]["life_event"]["keywords"]
    for phrase in ("誕生日のお祝い", "Hari lahir dia minggu depan", "生日快乐"):
        assert not _keyword_pattern(keywords["baby"]).search(phrase.casefold()), phrase


def test_a_side_in_any_language_reads_as_one_canonical_side() -> None:
    for key, entry in SIDES.items():
        for lang in LANGS:
            assert side_key(entry[lang][0]) == key
    assert side_key(" Lease ") == "rent"
    assert side_key("swap") == "swap"


def test_a_channel_typed_in_any_language_reads_as_its_channel() -> None:
    for key, entry in CHANNEL_WORDS.items():
        for lang in LANGS:
            assert channel_key(entry[lang][0]) == key, (lang, entry[lang][0])
    assert channel_key(" Call ") == "call"
    assert channel_key("Carrier pigeon") == "carrier pigeon"


def test_what_the_sample_logs_names_the_same_rules_and_events_in_every_language(
        tmp_path: Path) -> None:
    """Each Touchpoint, Outcome and Notes text the sample types, in each language, names the
    rules its English names (done_words, labels) and tells of the same events (keywords): a
    phrase that says more in one language ("签约" in a congratulation) moves a touchpoint."""
    result, _ = _plan(tmp_path, "en", DAYS[0])
    typed = parse_settings(load_config(None))
    index = BookIndex(result.facts, rules_of(typed), load_templates(),
                      engine_settings(typed, DAYS[0], DAYS[0], DAYS[0], None))
    events = [(rule.key, kind, pattern) for rule in index.rules.values()
              for kind, pattern in rule.keywords]

    def read(text: str) -> tuple[tuple[str, ...], list[tuple[str, str]]]:
        told = [(key, kind) for key, kind, pattern in events if pattern.search(text.casefold())]
        return index.names(text), told

    for key, texts in SAMPLE_TEXTS.items():
        english = read(texts["en"])
        for lang in LANGS[1:]:
            assert read(texts[lang]) == english, (key, lang, texts[lang])
