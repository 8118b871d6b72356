"""Quota, outages and access problems: retried within a budget, else one line with the fix and a
non-zero exit; the sheet is left as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.cli import main
from sheets_sync.stores.gsheets.client import backoff_delay
from sheets_sync.sync import sync_workbook
from tests.gsheets_books import DAY, fast_config, sample_sheet, tab_grids
from tests.sheets_api.server import SheetsApiServer

# Real round trips (files, the local Sheets API server): in CI, not in the fast lane.
pytestmark = pytest.mark.slow


def run(capsys: Any, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.err.strip()


@pytest.fixture
def fast_retries(tmp_path: Path) -> Path:
    config = tmp_path / "fast.toml"
    config.write_text("[google]\nretry_first_wait_seconds = 0.01\nretry_budget_seconds = 2\n",
                      encoding="utf-8")
    return config


def test_a_storm_of_server_errors_is_retried_and_the_sync_completes(
    api: SheetsApiServer,
) -> None:
    location = sample_sheet(api)
    api.faults.storm(8, every=2)
    report = sync_workbook(location, fast_config(), DAY)
    assert report.written
    assert {500, 503} <= set(api.log.summary()["statuses"])
    assert "Tier" in tab_grids(location)["Contacts"][0]


def test_an_exhausted_quota_is_one_line_exit_6_and_writes_nothing(
    api: SheetsApiServer, capsys: Any, fast_retries: Path
) -> None:
    location = sample_sheet(api)
    before = tab_grids(location)
    api.quota.limits["read"] = 1  # the sync's own first read uses it up for this minute
    api.log.clear()
    code, err = run(capsys, "sync", location, "--today", DAY.isoformat(),
                    "--config", str(fast_retries))
    api.quota.limits["read"] = 60
    assert code == 6
    assert len(err.splitlines()) == 1 and "quota" in err and "wait a minute" in err
    assert api.log.count("write") == 0
    assert tab_grids(location) == before


def test_an_unshared_sheet_names_whom_to_share_it_with(
    api: SheetsApiServer, capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = sample_sheet(api)
    api.unshare(location.split(":", 1)[1])
    key = tmp_path / "robot.json"
    robot = service_account("robot@office-123.iam.gserviceaccount.com", api.base_url)
    key.write_text(json.dumps(robot), encoding="utf-8")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    code, err = run(capsys, "sync", location)
    assert code == 2
    assert "is not shared with robot@office-123.iam.gserviceaccount.com" in err
    assert "click Share" in err and len(err.splitlines()) == 1
    assert "PRIVATE KEY" not in err


def test_a_wrong_key_says_no_sheet_there(api: SheetsApiServer, capsys: Any) -> None:
    code, err = run(capsys, "sync", "gsheet:" + "x" * 44)
    assert code == 2 and "no Google Sheet found" in err and len(err.splitlines()) == 1


def test_no_credentials_at_all_says_how_to_set_them_up(
    capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SHEETS_SYNC_GOOGLE_API", raising=False)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    code, err = run(capsys, "sync", "gsheet:" + "k" * 44)
    assert code == 2 and "no Google credentials" in err and "auth --login" in err


def test_a_credentials_file_that_is_not_a_key_is_named(
    capsys: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bogus = tmp_path / "creds.json"
    bogus.write_text('{"hello": "world"}', encoding="utf-8")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(bogus))
    code, err = run(capsys, "sync", "gsheet:" + "k" * 44)
    assert code == 2 and "is not a service-account key or a saved Google token" in err


def test_a_malformed_sheet_address_is_a_user_error(capsys: Any) -> None:
    code, err = run(capsys, "sync", "https://docs.google.com/document/d/abc/edit")
    assert code == 2 and "is not a Google Sheet address" in err


@pytest.mark.parametrize("attempt", [1, 2, 3, 6])
def test_backoff_waits_at_least_what_the_server_asks_and_at_most_the_ceiling(
    attempt: int,
) -> None:
    import random

    rng = random.Random(7)
    for _ in range(50):
        delay = backoff_delay(attempt, None, rng)
        assert 0 <= delay <= min(32, 2 ** (attempt - 1))
    assert backoff_delay(attempt, 45.0, rng) >= 45.0


def service_account(email: str, base_url: str) -> dict[str, str]:
    """A real service-account key file whose token endpoint is the local server (which hands
    out a token for any signed request)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return {"type": "service_account", "project_id": "office-123", "private_key_id": "k1",
            "private_key": pem, "client_email": email, "client_id": "1",
            "token_uri": f"{base_url}/token"}
