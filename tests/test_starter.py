"""`sheets-sync init`: the starter workbook, read back from real files with two readers."""

from __future__ import annotations

import shutil
import subprocess
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from unicodedata import east_asian_width

import openpyxl
import pytest
import python_calamine

from sheets_sync.core import vocabulary as v
from sheets_sync.errors import UserError
from sheets_sync.sample_data import BAD_CELLS, SampleData, build_sample
from sheets_sync.starter import (
    StarterSummary,
    build_workbook,
    write_starter_workbook,
)

TODAY = date(2025, 3, 10)
LANGS = list(v.LANGS)


def tab(key: str, lang: str) -> str:
    return v.label(v.TABS[key], lang)


def headers(columns: dict[str, Any], lang: str) -> list[str]:
    return [v.label(entry, lang) for entry in columns.values()]


def as_date(value: Any) -> Any:
    return value.date() if isinstance(value, datetime) else value


def records(sheet: Any, columns: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of an openpyxl sheet keyed by column key (the header row maps labels to keys)."""
    rows = list(sheet.iter_rows(values_only=True))
    keys = list(columns)
    return [{key: as_date(value) for key, value in zip(keys, row, strict=False)}
            for row in rows[1:]]


@pytest.fixture(scope="module")
def sample_books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("sample")
    books = {}
    for lang in LANGS:
        books[lang] = folder / f"sample-{lang}.xlsx"
        write_starter_workbook(books[lang], lang, sample=True, today=TODAY)
    return books


def canonical(table: dict[str, Any], values: list[Any]) -> Counter[str]:
    index = v.build_index(table)
    return Counter(index.get(v.normalise(value), "?") for value in values if value is not None)


# ---------------------------------------------------------------------------------------------
# The empty starter


@pytest.mark.parametrize("lang", LANGS)
def test_tabs_and_headers_in_each_language(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "contacts.xlsx"
    summary = write_starter_workbook(path, lang)
    assert summary == StarterSummary(path, 0, 0, 0)

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [tab("how_to_use", lang), tab("contacts", lang),
                               tab("interactions", lang), tab("transactions", lang),
                               tab("settings", lang)]
    for key, columns in (("contacts", v.CONTACT_COLUMNS), ("interactions", v.INTERACTION_COLUMNS),
                         ("transactions", v.TRANSACTION_COLUMNS)):
        sheet = book[tab(key, lang)]
        assert [cell.value for cell in sheet[1]] == headers(columns, lang)
        assert sheet.max_row == 1
    # The sync appends the owned columns itself; the starter must not pre-empt it.
    contact_headers = {cell.value for cell in book[tab("contacts", lang)][1]}
    assert not contact_headers & set(headers(v.OWNED_COLUMNS, lang))
    assert "Tier" not in contact_headers


@pytest.mark.parametrize("lang", LANGS)
def test_calamine_reads_the_starter(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "contacts.xlsx"
    write_starter_workbook(path, lang)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert tab("contacts", lang) in book.sheet_names
    rows = book.get_sheet_by_name(tab("contacts", lang)).to_python()
    assert rows[0] == headers(v.CONTACT_COLUMNS, lang)
    rows = book.get_sheet_by_name(tab("interactions", lang)).to_python()
    assert rows[0] == headers(v.INTERACTION_COLUMNS, lang)


def _validations(sheet: Any) -> dict[str, Any]:
    """First-column letter of each validation range -> the validation."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            found[str(cell_range)] = validation
    return found


@pytest.mark.parametrize("lang", LANGS)
def test_dropdowns_on_the_right_columns(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "contacts.xlsx"
    write_starter_workbook(path, lang)
    book = openpyxl.load_workbook(path)
    yes_no = [v.label(v.YES_NO["yes"], lang), v.label(v.YES_NO["no"], lang)]
    expected = {
        "language": [v.label(entry, lang) for entry in v.MESSAGE_LANGUAGES.values()],
        "circle": [v.label(entry, lang) for entry in v.CIRCLES.values()],
        "stage": [v.label(entry, lang) for entry in v.STAGES.values()],
        "lost_reason": [v.label(entry, lang) for entry in v.LOST_REASONS.values()],
        "lunar_birthday": yes_no,
        "do_not_contact": yes_no,
        "tier_override": ["A", "B", "C", "D"],
    }
    contacts = _validations(book[tab("contacts", lang)])
    letters = {key: openpyxl.utils.get_column_letter(i + 1)
               for i, key in enumerate(v.CONTACT_COLUMNS)}
    for key, items in expected.items():
        validation = contacts[f"{letters[key]}2:{letters[key]}1000"]
        assert validation.type == "list"
        assert validation.formula1 == '"' + ",".join(items) + '"', key
    nps = contacts[f"{letters['nps']}2:{letters['nps']}1000"]
    assert (nps.type, nps.formula1, nps.formula2) == ("whole", "0", "10")
    # Nothing validates the free-text columns.
    for key in ("name", "phone", "email", "owner"):
        assert f"{letters[key]}2:{letters[key]}1000" not in contacts

    interactions = _validations(book[tab("interactions", lang)])
    channel = interactions["C2:C1000"]  # Date, Contact ID, Channel
    assert channel.formula1 == '"call,sms,email,visit,event,gift,note"'


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_header_style_frozen_panes_and_filter(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "contacts.xlsx"
    write_starter_workbook(path, lang)
    book = openpyxl.load_workbook(path)
    for key in ("contacts", "interactions", "transactions"):
        sheet = book[tab(key, lang)]
        assert sheet.freeze_panes == "A2"
        for cell in sheet[1]:
            assert cell.font.b
            assert cell.fill.fill_type == "solid"
            width = sheet.column_dimensions[cell.column_letter].width
            assert 8 <= width <= 45
    contacts = book[tab("contacts", lang)]
    last = openpyxl.utils.get_column_letter(len(v.CONTACT_COLUMNS))
    assert contacts.auto_filter.ref == f"A1:{last}1"
    # Column styles make later typing land in the right format.
    phone = openpyxl.utils.get_column_letter(list(v.CONTACT_COLUMNS).index("phone") + 1)
    birthday = openpyxl.utils.get_column_letter(list(v.CONTACT_COLUMNS).index("birthday") + 1)
    assert contacts.column_dimensions[phone].number_format == "@"
    assert contacts.column_dimensions[birthday].number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("lang", LANGS)
def test_how_to_use_tab(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "my contacts.xlsx"
    write_starter_workbook(path, lang)
    book = openpyxl.load_workbook(path)
    assert book.active.title == tab("how_to_use", lang)
    text = "\n".join(str(row[0]) for row in book.active.iter_rows(values_only=True) if row[0])
    for key in ("contacts", "interactions", "transactions", "today", "calendar", "metrics",
                "metrics_history", "referrals", "issues", "settings"):
        assert tab(key, lang) in text, key
    for entry in v.OWNED_COLUMNS.values():
        assert v.label(entry, lang) in text
    assert v.label(v.TODAY_COLUMNS["done"], lang) in text
    assert 'sheets-sync sync "my contacts.xlsx"' in text
    if lang != "en":
        assert "every night" not in text  # really translated, not the English fallback


@pytest.mark.parametrize("lang", LANGS)
def test_how_to_use_tab_prints_within_a_portrait_page(tmp_path: Path, lang: str) -> None:
    # 72 characters of the widest font LibreOffice falls back to print inside A4's and
    # Letter's margins at 100 %; at 110 the end of every paragraph was cut off on paper.
    path = tmp_path / "book.xlsx"
    write_starter_workbook(path, lang)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.column_dimensions["A"].width <= 72
    for (cell,) in sheet.iter_rows(min_row=3, max_col=1):
        if cell.value:  # tall enough for its lines at that width (no reader recomputes it)
            width = sum(2 if east_asian_width(ch) in "WF" else 1 for ch in cell.value)
            lines = -(-width // 67)  # a CJK character is two Latin ones wide
            assert sheet.row_dimensions[cell.row].height >= 15 * lines


# ---------------------------------------------------------------------------------------------
# Refusals


def test_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "contacts.xlsx"
    path.write_bytes(b"somebody's real workbook")
    for sample in (False, True):
        with pytest.raises(UserError, match="already exists") as caught:
            write_starter_workbook(path, "en", sample=sample, today=TODAY)
        assert caught.value.fix == "choose another name or delete it first"
    assert path.read_bytes() == b"somebody's real workbook"


def test_refuses_to_overwrite_a_starter(tmp_path: Path) -> None:
    path = tmp_path / "contacts.xlsx"
    write_starter_workbook(path, "zh")
    before = path.read_bytes()
    with pytest.raises(UserError):
        write_starter_workbook(path, "en")
    assert path.read_bytes() == before


@pytest.mark.parametrize("name", ["contacts.xls", "contacts.csv", "contacts", "contacts.xlsm"])
def test_refuses_other_file_types(tmp_path: Path, name: str) -> None:
    with pytest.raises(UserError, match="xlsx"):
        write_starter_workbook(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_accepts_upper_case_suffix_and_language(tmp_path: Path) -> None:
    path = tmp_path / "CONTACTS.XLSX"
    write_starter_workbook(path, "ZH-HANT")
    assert openpyxl.load_workbook(path).sheetnames[1] == "客戶"


def test_unknown_language_lists_the_choices(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        write_starter_workbook(tmp_path / "contacts.xlsx", "fr")
    for lang in LANGS:
        assert lang in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="No such folder"):
        write_starter_workbook(tmp_path / "nowhere" / "contacts.xlsx")


def test_sample_needs_an_explicit_today(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        write_starter_workbook(tmp_path / "contacts.xlsx", sample=True)
    assert list(tmp_path.iterdir()) == []


def test_typed_text_is_never_a_formula() -> None:
    row = dict.fromkeys(v.CONTACT_COLUMNS)
    row.update(name="=HYPERLINK(\"http://x\")", phone="+60 12-345 6789", email="@handle")
    book = build_workbook("en", SampleData([row], [], []))
    sheet = book["Contacts"]
    assert [sheet.cell(2, col).data_type for col in (2, 4, 5)] == ["s", "s", "s"]


# ---------------------------------------------------------------------------------------------
# The sample


@pytest.mark.parametrize("lang", LANGS)
def test_sample_covers_every_stage_circle_and_language(sample_books: dict[str, Path],
                                                       lang: str) -> None:
    book = openpyxl.load_workbook(sample_books[lang])
    contacts = records(book[tab("contacts", lang)], v.CONTACT_COLUMNS)
    assert len(contacts) >= 40
    stages = canonical(v.STAGES, [row["stage"] for row in contacts])
    circles = canonical(v.CIRCLES, [row["circle"] for row in contacts])
    languages = canonical(v.MESSAGE_LANGUAGES, [row["language"] for row in contacts])
    reasons = canonical(v.LOST_REASONS, [row["lost_reason"] for row in contacts])
    assert set(v.STAGES) <= set(stages)
    assert set(v.CIRCLES) <= set(circles)
    assert set(v.MESSAGE_LANGUAGES) <= set(languages)
    assert set(v.LOST_REASONS) == set(reasons)
    assert circles["?"] == 1  # only the deliberate misspelling fails to match
    assert {row["owner"] for row in contacts} == {"Aisyah", "Daniel", "Mei Ling"}
    assert len(list(book[tab("interactions", lang)].iter_rows(min_row=2))) >= 70
    assert len(list(book[tab("transactions", lang)].iter_rows(min_row=2))) >= 20

    # Enumerations are written in the workbook's language, with a few English cells mixed in.
    stage_cells = [row["stage"] for row in contacts if row["stage"]]
    native = v.label(v.STAGES["Closed"], lang)
    assert stage_cells.count(native) >= 15
    assert "Closed" in stage_cells
    if lang != "en":
        assert sum(value in v.STAGES for value in stage_cells) == 1


def test_sample_contents(sample_books: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(sample_books["en"])
    contacts = records(book["Contacts"], v.CONTACT_COLUMNS)
    interactions = records(book["Interactions"], v.INTERACTION_COLUMNS)
    transactions = records(book["Transactions"], v.TRANSACTION_COLUMNS)
    ids = Counter(row["id"] for row in contacts)

    assert ids[None] >= 3  # the sync assigns these
    assert [row["do_not_contact"] for row in contacts].count("yes") == 1
    assert sum(1 for row in contacts if row["tier_override"]) == 1
    assert sum(1 for row in contacts if row["lunar_birthday"] == "yes") >= 2
    assert sum(isinstance(row["birthday"], str) for row in contacts) >= 3  # year left out
    assert sum(isinstance(row["nps"], int) for row in contacts) >= 10
    intent = [row for row in contacts if row["accepts_product"] is not None]
    assert len(intent) >= 3 and all(row["stage"] == "Prospect" for row in intent)
    # One contact referred three closed clients.
    closed_referrals = Counter(row["referred_by"] for row in contacts
                               if row["stage"] == "Closed" and row["referred_by"])
    assert closed_referrals.most_common(1)[0][1] == 3
    # A referral chain at least three links long.
    referrer = {row["id"]: row["referred_by"] for row in contacts if row["id"]}
    assert max(_chain_length(cid, referrer) for cid in referrer) >= 3
    # Phones are text, in mixed styles and countries.
    phones = [row["phone"] for row in contacts]
    assert all(isinstance(phone, str) for phone in phones)
    assert "012-345 6789" in phones and "+81 90-1234-5678" in phones
    assert {"MY", "CN", "HK", "TW", "JP", "US", "GB", "AU", "SG"} <= {row["country"]
                                                                       for row in contacts}
    # Interactions and deals point at real contacts; channels vary.
    assert {row["contact_id"] for row in interactions} <= set(ids)
    assert {row["contact_id"] for row in transactions} <= set(ids)
    assert {row["channel"].lower() for row in interactions} == set(v.CHANNELS)
    assert {row["side"] for row in transactions} == {"buy", "sell", "rent"}
    assert {row["source"] for row in transactions} == {"referral", "past client", "sphere",
                                                        "portal", "walk-in"}
    assert all(row["referred_by"] for row in transactions if row["source"] == "referral")
    # A closed contact's Closing date is its latest deal.
    latest: dict[str, date] = {}
    for row in transactions:
        latest[row["contact_id"]] = max(latest.get(row["contact_id"], date.min),
                                        row["closing_date"])
    for row in contacts:
        if row["stage"] == "Closed" and row["id"] in latest:
            assert row["closing_date"] == latest[row["id"]], row["name"]


def _chain_length(cid: str, referrer: dict[str, Any]) -> int:
    length = 0
    while referrer.get(cid) and length < 10:
        cid, length = referrer[cid], length + 1
    return length


def test_sample_dates_are_real_dates_relative_to_today(sample_books: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(sample_books["ms"])
    sheet = book[tab("contacts", "ms")]
    contacts = records(sheet, v.CONTACT_COLUMNS)
    closing_col = list(v.CONTACT_COLUMNS).index("closing_date") + 1
    for row_number in range(2, sheet.max_row + 1):
        cell = sheet.cell(row_number, closing_col)
        if cell.value is not None:
            assert cell.is_date and cell.number_format == "yyyy-mm-dd"

    days_ago = {(TODAY - row["closing_date"]).days for row in contacts if row["closing_date"]}
    assert {1, 3, 7, 14, 30, 90} <= days_ago
    anniversaries = [row["closing_date"] for row in contacts if row["closing_date"]
                     and (TODAY - row["closing_date"]).days > 365
                     and abs((row["closing_date"].replace(year=TODAY.year) - TODAY).days) <= 7]
    assert len(anniversaries) >= 4
    years = {TODAY.year - day.year for day in anniversaries}
    assert {2, 3} <= years
    upcoming = [row for row in contacts if isinstance(row["birthday"], date)
                and 0 <= (row["birthday"].replace(year=TODAY.year) - TODAY).days <= 21]
    assert len(upcoming) >= 3

    interactions = records(book[tab("interactions", "ms")], v.INTERACTION_COLUMNS)
    assert all(isinstance(row["date"], date) and row["date"] <= TODAY for row in interactions)
    assert any((TODAY - row["date"]).days <= 7 for row in interactions)
    assert all(row["last_contact"] <= TODAY for row in contacts if row["last_contact"])

    calamine = python_calamine.CalamineWorkbook.from_path(str(sample_books["ms"]))
    rows = calamine.get_sheet_by_name(tab("contacts", "ms")).to_python()
    assert type(rows[1][closing_col - 1]) is date
    assert rows[1][list(v.CONTACT_COLUMNS).index("phone")] == "012-345 6789"


def test_sample_is_deterministic_for_a_given_today(tmp_path: Path,
                                                   sample_books: dict[str, Path]) -> None:
    again = tmp_path / sample_books["zh"].name  # the name appears in the How to use text
    write_starter_workbook(again, "zh", sample=True, today=TODAY)
    first, second = openpyxl.load_workbook(sample_books["zh"]), openpyxl.load_workbook(again)
    for name in first.sheetnames:
        assert list(first[name].values) == list(second[name].values), name

    later = build_sample(TODAY + timedelta(days=40), "zh")
    now = build_sample(TODAY, "zh")
    assert len(later.contacts) == len(now.contacts)
    shifted = [(a["closing_date"], b["closing_date"]) for a, b in zip(now.contacts,
                                                                      later.contacts, strict=True)
               if isinstance(a["closing_date"], date) and (TODAY - a["closing_date"]).days < 365]
    assert shifted and all((b - a).days == 40 for a, b in shifted)


@pytest.mark.slow
def test_sample_builds_on_every_day_of_a_leap_year() -> None:
    day = date(2024, 1, 1)
    sizes = set()
    while day.year == 2024:
        data = build_sample(day, "en")
        sizes.add((len(data.contacts), len(data.interactions), len(data.transactions)))
        day += timedelta(days=1)
    assert len(sizes) == 1


@pytest.mark.parametrize("lang", LANGS)
def test_sample_contains_the_deliberate_bad_cells(sample_books: dict[str, Path],
                                                  lang: str) -> None:
    book = openpyxl.load_workbook(sample_books[lang])
    contacts = records(book[tab("contacts", lang)], v.CONTACT_COLUMNS)
    by_name = {row["name"]: row for row in contacts}
    assert len(BAD_CELLS) >= 5
    for bad in BAD_CELLS:
        assert by_name[bad.name][bad.column] == bad.value, bad.problem
    assert by_name["Suresh Nair"]["birthday"] == "31/02/1988"
    assert by_name["Nor Azlina Kamal"]["email"] == "nor.azlina@example,com"
    assert by_name["Charlotte Hughes"]["nps"] == 11
    assert by_name["李秀英"]["circle"] == "Advocat"
    duplicated = [cid for cid, n in Counter(row["id"] for row in contacts).items() if cid and n > 1]
    assert duplicated == ["C0041"]


@pytest.mark.libreoffice
@pytest.mark.slow
def test_libreoffice_opens_the_sample(tmp_path: Path, sample_books: dict[str, Path]) -> None:
    """A third reader: LibreOffice loads the file and re-saves the same values."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path / "out"
    subprocess.run([soffice, "--headless", "--norestore",
                    f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--convert-to", "xlsx", "--outdir", str(out), str(sample_books["ja"])],
                   check=True, capture_output=True, timeout=180)
    original = openpyxl.load_workbook(sample_books["ja"])
    resaved = openpyxl.load_workbook(out / sample_books["ja"].name)
    assert resaved.sheetnames == original.sheetnames
    for name in original.sheetnames[1:]:
        rows = list(original[name].values)
        assert list(resaved[name].values)[:len(rows)] == rows, name
