"""The Google-specific commands: `init` and `demo --google` on a Google Sheet, and `auth`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sheets_sync.sample_data import SampleData, build_sample
from sheets_sync.starter import book_country, build_workbook, check_lang
from sheets_sync.stores.gsheets.location import SheetLocation, parse_location
from sheets_sync.stores.gsheets.store import client_for, create_spreadsheet, fill_with_workbook

NEW = "gsheet:new"  # `init gsheet:new`: create a spreadsheet instead of filling a shared one


def init_google(location: str, config: dict[str, Any], lang: str, sample: bool,
                today: date, country: str | None = None) -> tuple[SheetLocation, int]:
    """Fill an empty shared sheet (or a new one) with the starter tabs; returns the sheet and
    how many sample contacts it got. `country` is as for `init --country`."""
    lang = check_lang(lang)
    country = book_country(lang, country, sample)
    client = client_for(config)
    data = build_sample(today, lang) if sample else SampleData([], [], [])
    workbook = build_workbook(lang, data, file_name="Google Sheet",
                              sample_day=today if sample else None, country=country)
    sheet = (create_spreadsheet(client, "Contacts (sheets-sync)") if location == NEW
             else parse_location(location))
    fill_with_workbook(client, sheet, workbook)
    return sheet, len(data.contacts)


def check_access(location: str, config: dict[str, Any]) -> str:
    """One line: can these credentials read and write this sheet? A UserError says why not."""
    sheet = parse_location(location)
    client = client_for(config)
    what = f"Google Sheet {sheet.key}"
    body = client.call("read", what, lambda: client.http.spreadsheets_get(
        sheet.key, params={"fields": "properties.title"}))
    title = body.get("properties", {}).get("title", "")
    # Setting the title it already has: a real write that changes nothing, so a view-only
    # share answers 403 here rather than in the middle of a sync.
    client.call("write", what, lambda: client.http.batch_update(sheet.key, {"requests": [
        {"updateSpreadsheetProperties": {"properties": {"title": title}, "fields": "title"}}]}))
    return (f"OK: {client.identity.description} can read and write \"{title}\" "
            f"({sheet.url})")


def login(client_secrets: Path) -> str:
    from sheets_sync.stores.gsheets.credentials import login as run_flow

    return f"Saved a Google token for this user in {run_flow(client_secrets)}"
