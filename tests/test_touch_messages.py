"""Message templates: every language covers every default rule, and rendering stays plain text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_touch_fixtures import config, templates

from sheets_sync.core.calendars import SOLAR_TERM_KEYS
from sheets_sync.core.messages import first_name, load_templates, render
from sheets_sync.core.touchpoints import parse_rules
from sheets_sync.errors import ConfigError

LANGS = ("en", "zh", "zh-Hant", "ja", "ms")
PLACEHOLDERS = {"name", "first_name", "agent", "years", "age", "holiday", "term", "tip",
                "referred", "tier", "reward", "count", "milestone", "address", "kind", "year",
                "date"}


def test_every_language_has_a_file() -> None:
    assert set(templates().langs) == set(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_every_default_rule_has_a_label_and_a_message_in_every_language(lang: str) -> None:
    tables = templates().langs[lang]
    for rule in parse_rules(config()):
        assert tables["labels"].get(rule.key), (lang, rule.key)
        assert tables["messages"].get(rule.template), (lang, rule.template)
    assert set(tables["tips"]) == set(SOLAR_TERM_KEYS)
    assert {"your_agent"} <= set(tables["words"])


@pytest.mark.parametrize("lang", LANGS)
def test_templates_use_known_placeholders_and_never_start_a_formula(lang: str) -> None:
    for section in ("labels", "details", "messages", "tips", "words"):
        for key, text in templates().langs[lang][section].items():
            used = set(re.findall(r"\{([A-Za-z_]+)\}", text))
            assert used <= PLACEHOLDERS, (lang, section, key, used - PLACEHOLDERS)
            assert not text.startswith(("=", "+", "-", "@")), (lang, key)


def test_labels_are_distinct_within_a_language_so_typed_labels_resolve() -> None:
    for lang in LANGS:
        labels = [text for key, text in templates().langs[lang]["labels"].items()
                  if not key.startswith("cadence_")]
        assert len(labels) == len(set(labels)), lang


def test_render_fills_known_words_and_leaves_typos_visible() -> None:
    assert render("Hi {name}, {{not a field}} {nmae}", {"name": "Ann"}) == (
        "Hi Ann, {not a field} {nmae}")
    assert render("{name.__class__} {0}", {"name": "x"}) == "{name.__class__} {0}"


def test_values_are_one_line_and_a_draft_cannot_start_a_formula() -> None:
    assert render("{name}", {"name": "=cmd|' /C calc'!A0"}) == "cmd|' /C calc'!A0"
    assert render("{name}様", {"name": "@SUM(A1)"}) == "SUM(A1)様"
    assert render("Hi {name}!", {"name": "  Ann\nLee\t"}) == "Hi Ann Lee!"
    assert render("Save {m} now", {"m": "-20% off"}) == "Save -20% off now"
    assert render("{a}{b}", {"a": None, "b": 3}) == "3"


@pytest.mark.parametrize(("name", "lang", "greeting"), [
    ("Sarah Tan", "en", "Sarah"),
    ("Siti Aminah binti Abdullah", "ms", "Siti Aminah"),
    ("Rajesh Kumar a/l Subramaniam", "en", "Rajesh Kumar"),
    ("Tan Wei Ming", "en", "Tan Wei Ming"),
    ("Muhammad Hafiz Rahman", "ms", "Muhammad Hafiz"),
    ("王伟", "zh", "王伟"),
    ("Tanaka Hiroshi", "ja", "Tanaka Hiroshi"),
    ("", "en", ""),
])
def test_first_name(name: str, lang: str, greeting: str) -> None:
    assert first_name(name, lang) == greeting


def test_a_broken_template_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "en.toml").write_text('[messages]\nbirthday = "unclosed\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_templates(tmp_path)


def test_a_users_own_template_directory(tmp_path: Path) -> None:
    (tmp_path / "en.toml").write_text('[messages]\nbirthday = "Cheers {first_name}!"\n',
                                      encoding="utf-8")
    own = load_templates(tmp_path)
    assert own.pick("messages", "zh", ["birthday"]) == "Cheers {first_name}!"
    assert own.pick("messages", "en", ["nothing"]) is None
