"""Configuration is checked once, everywhere: a wrong key or value in any section, touchpoint
rules included, is one ConfigError (exit 5) naming the file, the key and the fix."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from sheets_sync.cli import main
from sheets_sync.config import load_config, merge
from sheets_sync.core.rule_schema import KINDS, TRIGGERS, CadenceRule, HolidaysRule
from sheets_sync.core.settings import Settings, parse_settings
from sheets_sync.core.touchpoints import parse_rules
from sheets_sync.errors import ConfigError


def user_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def refusal(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(user_config(tmp_path, text))
    assert caught.value.exit_code == 5
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(tmp_path / "mine.toml"))
    return message


# One misspelt option per trigger (and per calendar/event kind): the rule names its trigger,
# so the suggestion comes from that trigger's own options.
MISSPELT = {
    "after": ("[touchpoints.rules.drip_d1]\noffset_days = [2]\n", "offsets_days"),
    "cadence": ("[touchpoints.rules.cadence_client_a]\ninterval_dayz = 45\n", "interval_days"),
    "stale": ("[touchpoints.rules.reconnect]\ninterval_day = 60\n", "interval_days"),
    "yearly": ("[touchpoints.rules.birthday_gift]\nlead_dayz = 14\n", "lead_days"),
    "calendar": ("[touchpoints.rules.holiday_greeting]\nexclud = []\n", "exclude"),
    "event": ("[touchpoints.rules.life_event]\ncooldown_dayz = 10\n", "cooldown_days"),
    "referral": ("[touchpoints.rules.referral_thanks]\noffsets_dayz = [1]\n", "offsets_days"),
    "top_referrer": ("[touchpoints.rules.top_referrer]\ntop_m = 5\n", "top_n"),
}


def test_every_trigger_has_a_misspelt_key_case() -> None:
    assert set(MISSPELT) == set(TRIGGERS) == set(KINDS)


@pytest.mark.parametrize("trigger", sorted(MISSPELT))
def test_a_misspelt_rule_key_names_the_key_and_the_right_one(tmp_path: Path,
                                                             trigger: str) -> None:
    text, right = MISSPELT[trigger]
    message = refusal(tmp_path, text)
    assert "unknown setting 'touchpoints.rules." in message
    assert "did you mean 'touchpoints.rules." in message and f".{right}'?" in message


def test_a_misspelt_date_suggests_the_date_meant(tmp_path: Path) -> None:
    message = refusal(tmp_path, '[touchpoints.rules.drip_d1]\ndate = "closing_dat"\n')
    assert "'touchpoints.rules.drip_d1.date' cannot be 'closing_dat'" in message
    assert "did you mean 'closing_date'?" in message


def test_a_misspelt_trigger_suggests_the_trigger_meant(tmp_path: Path) -> None:
    message = refusal(tmp_path, '[touchpoints.rules.mine]\ntrigger = "cadense"\n')
    assert "unknown trigger 'cadense'" in message and "did you mean 'cadence'?" in message


def test_a_rule_without_a_trigger_is_refused(tmp_path: Path) -> None:
    assert "needs trigger" in refusal(tmp_path, "[touchpoints.rules.mine]\ninterval_days = 9\n")


def test_an_unknown_channel_lists_the_channels(tmp_path: Path) -> None:
    message = refusal(tmp_path, '[touchpoints.rules.drip_d1]\nchannel = "fax"\n')
    assert "'touchpoints.rules.drip_d1.channel' cannot be 'fax'" in message and "'sms'" in message


def test_a_misspelt_fallback_channel_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, '[touchpoints.rules.drip_d1]\nfallback = ["sms", "emial"]\n')
    assert "fallback[1]' cannot be 'emial'" in message and "did you mean 'email'?" in message


def test_an_option_of_another_trigger_says_which_rules_use_it(tmp_path: Path) -> None:
    message = refusal(tmp_path, "[touchpoints.rules.birthday]\ninterval_days = 30\n")
    assert "'touchpoints.rules.birthday.interval_days' is not used by 'yearly' rules" in message
    assert "'cadence'" in message and "'stale'" in message


def test_a_wrong_type_inside_a_rule_shows_the_form(tmp_path: Path) -> None:
    message = refusal(tmp_path, '[touchpoints.rules.cadence_client_a]\ninterval_days = "45"\n')
    assert "must be a whole number, got '45'" in message and "interval_days = 45" in message


def test_a_filter_value_outside_the_vocabulary_is_refused(tmp_path: Path) -> None:
    message = refusal(tmp_path, '[touchpoints.rules.cadence_client_a]\ntier = ["A", "E"]\n')
    assert "tier[1]' cannot be 'E'" in message


def test_nested_holiday_setup_is_checked(tmp_path: Path) -> None:
    message = refusal(tmp_path, (
        "[[touchpoints.rules.holiday_greeting.countries.MY.extra]]\n"
        'date = "08-31"\nlunr = true\nen = "Merdeka"\n'))
    assert "unknown setting 'touchpoints.rules.holiday_greeting.countries.MY.extra[0].lunr'" in (
        message)
    assert "lunar" in message


def test_user_named_tables_keep_open_names_but_check_their_values(tmp_path: Path) -> None:
    assert "unknown circle 'Advocat'" in refusal(tmp_path, '[tiers.circle_points]\nAdvocat = 3\n')
    message = refusal(tmp_path, '[tiers.circle_points]\n"Allied Resourse" = 3\n')
    assert "did you mean 'Allied Resource'?" in message
    message = refusal(tmp_path, '[tiers.circle_points]\nAdvocate = "five"\n')
    assert "'tiers.circle_points.Advocate' must be a number" in message
    keywords = "[touchpoints.rules.life_event.keywords]\nwedding = [\"married\", 3]\n"
    assert "keywords.wedding[1]' must be text" in refusal(tmp_path, keywords)


def test_a_new_rule_of_a_user_is_checked_like_the_shipped_ones(tmp_path: Path) -> None:
    message = refusal(tmp_path,
                      '[touchpoints.rules.mine]\ntrigger = "after"\ndate = "last_contact"\n')
    assert "an 'after' rule needs offsets_days or offsets_months" in message


def test_a_valid_user_rule_is_parsed_with_the_schema_defaults(tmp_path: Path) -> None:
    path = user_config(tmp_path, '[touchpoints.rules.mine]\ntrigger = "cadence"\n'
                                 "interval_days = 45\n")
    spec = parse_settings(load_config(path)).touchpoints.rules["mine"]
    assert isinstance(spec, CadenceRule) and spec.interval_days == 45
    assert spec.channel == "call" and spec.priority == 10.0 and spec.early_days is None
    rule = next(r for r in parse_rules(load_config(path)) if r.key == "mine")
    assert rule.early_days == 3 and rule.template == "mine" and rule.label == "mine"


def test_the_shipped_defaults_parse_into_frozen_settings() -> None:
    settings = parse_settings(load_config())
    assert isinstance(settings, Settings)
    assert settings.touchpoints.early_days == 3 and settings.general.default_country == "MY"
    assert isinstance(settings.touchpoints.rules["holiday_greeting"], HolidaysRule)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.general.default_country = "SG"  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.priority.tier_weight["A"] = 9.0  # type: ignore[index]


def test_an_option_missing_from_the_defaults_is_named() -> None:
    config = load_config()
    del config["touchpoints"]["lookahead_days"]
    with pytest.raises(ConfigError, match="'touchpoints.lookahead_days' is missing"):
        parse_settings(config)


def test_overrides_are_named_as_the_source() -> None:
    with pytest.raises(ConfigError, match="^overrides: 'priority.overdue_weight' must be"):
        load_config(overrides={"priority": {"overdue_weight": "high"}})


def test_rules_changed_in_code_are_checked_when_parsed() -> None:
    config = merge(load_config(), {"touchpoints": {"rules": {"drip_d1": {"expire_days": -1}}}})
    with pytest.raises(ConfigError, match="expire_days' must be at least 0"):
        parse_rules(config)


def test_the_cli_prints_a_rule_error_as_one_line_and_exits_5(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = user_config(tmp_path, "[touchpoints.rules.cadence_client_a]\ninterval_dayz = 45\n")
    code = main(["sync", str(tmp_path / "book.xlsx"), "--config", str(path)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 5 and len(err) == 1
    assert "interval_dayz" in err[0] and "did you mean" in err[0]


def test_arrays_of_tables_are_checked_item_by_item(tmp_path: Path) -> None:
    message = refusal(tmp_path, '[[themes]]\nmonth = 13\ntheme = "Autumn"\n')
    assert "'themes[0].month' must be between 1 and 12" in message
    message = refusal(tmp_path, '[[referrals.reward_tiers]]\nmin_referrals = 1\n'
                                'name = "First"\nreward = { en = "Gift" }\n')
    assert "'referrals.reward_tiers[0].name' must be a table" in message
