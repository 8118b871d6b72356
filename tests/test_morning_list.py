"""A morning list an agent can work through: one click to send, a Today tab that reads and
prints, the workbook opening on Today next to Contacts, the last interaction in a few words."""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from libreoffice import require_soffice
from test_touch_fixtures import TODAY

from sheets_sync.config import load_config
from sheets_sync.core.facts import build_facts
from sheets_sync.core.model import Book, Contact, Interaction, Table
from sheets_sync.core.readback import read_today
from sheets_sync.core.send_links import send_link
from sheets_sync.core.today import last_interactions
from sheets_sync.starter import write_starter_workbook
from sheets_sync.stores.xlsx_layout import CHART_COLS, chart_anchors, text_width
from sheets_sync.sync import sync_workbook

DAY = date(2026, 11, 23)
TRICKY = "Hi Sarah & family, 50% off + free #1 tip? a=b\n新年快乐 / 明けまして おめでとう ✨"


def _query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


# --- links -------------------------------------------------------------------------------------


@pytest.mark.parametrize("app", ["whatsapp", "line", "sms", "wechat", ""])
def test_a_message_link_decodes_back_to_the_exact_draft(app: str) -> None:
    link = send_link("sms", "+60123456789", None, TRICKY, app=app)
    assert link is not None
    query = _query(link.url)
    assert (query.get("text") or query.get("body")) == TRICKY
    assert list(query) in (["text"], ["body"])  # no "&" or "=" of the text split the query


def test_whatsapp_links_carry_the_e164_digits() -> None:
    link = send_link("sms", "+60123456789", None, "Hi", app="whatsapp")
    assert link is not None and link.url.startswith("https://wa.me/60123456789?text=")
    assert link.text == "WhatsApp"


def test_line_links_share_the_draft() -> None:
    link = send_link("sms", "+819012345678", None, TRICKY, app="line")
    assert link is not None and link.url.startswith("https://line.me/R/share?text=")


def test_a_mail_link_carries_subject_and_body() -> None:
    link = send_link("email", None, "sarah@example.com", TRICKY, subject="Home & garden")
    assert link is not None
    assert link.url.startswith("mailto:sarah@example.com?")
    assert _query(link.url) == {"subject": "Home & garden", "body": TRICKY}


def test_a_call_is_a_tel_link_and_sms_without_an_app_is_sms() -> None:
    call = send_link("call", "+60123456789", None, "Hi")
    sms = send_link("sms", "+60123456789", None, "Hi there")
    assert call is not None and call.url == "tel:+60123456789"
    assert sms is not None and sms.url == "sms:+60123456789?body=Hi%20there"


def test_the_send_cell_speaks_the_workbook_language_but_keeps_app_names() -> None:
    from sheets_sync.core.send_links import shown_in

    assert [shown_in(t, "zh") for t in ("Call", "E-mail", "WhatsApp", "LINE")] == [
        "拨打", "邮件", "WhatsApp", "LINE"]
    assert shown_in("Call", "ms") == "Panggil" and shown_in("Call", "en") == "Call"


def test_no_link_where_the_contact_cannot_be_reached_that_way() -> None:
    assert send_link("email", "+60123456789", None, "Hi") is None
    assert send_link("call", None, "a@example.com", "Hi") is None


# --- the synced sample -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("morning") / "book.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=DAY)
    sync_workbook(str(path), load_config(None), DAY)
    return path


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n).decode("utf-8", "replace") for n in archive.namelist()
                if n.endswith((".xml", ".rels"))}


def _today_part(parts: dict[str, str]) -> str:
    rels = parts["xl/_rels/workbook.xml.rels"]
    rid = re.search(r'<sheet [^>]*name="Today"[^>]*r:id="([^"]+)"', parts["xl/workbook.xml"])
    assert rid is not None
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels)
    assert target is not None
    return "xl/" + target.group(1)


def _today_rows(path: Path) -> tuple[list[str], list[list[object]]]:
    import python_calamine

    grid = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(
        "Today").to_python()
    return [str(h) for h in grid[0]], grid[1:]


def test_every_send_cell_is_a_real_hyperlink_to_its_own_draft(synced: Path) -> None:
    parts = _parts(synced)
    part = _today_part(parts)
    sheet, rels = parts[part], parts[part.replace("worksheets/", "worksheets/_rels/") + ".rels"]
    targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"[^>]*TargetMode="External"',
                              rels))
    links = dict(re.findall(r'<hyperlink ref="([A-Z]+\d+)" r:id="([^"]+)"/>', sheet))
    headers, rows = _today_rows(synced)
    send, message = headers.index("Send"), headers.index("Message")
    channel = headers.index("Channel")
    assert "<f>" not in sheet  # never a formula
    checked = 0
    for number, row in enumerate(rows, start=2):
        ref = f"M{number}"
        assert chr(ord("A") + send) == "M"
        if row[channel] == "note":  # a handwritten note has nothing to open
            assert not row[send] and ref not in links
            continue
        url = targets[links[ref]].replace("&amp;", "&")
        assert url.split(":")[0] in ("https", "sms", "mailto", "tel")
        if not url.startswith("tel:"):
            query = _query(url)
            assert (query.get("text") or query.get("body")) == row[message]
        checked += 1
    assert checked == sum(row[channel] != "note" for row in rows) > 0


def test_a_row_ticked_and_kept_on_todays_list_keeps_its_send_link() -> None:
    from tests.trust_books import TrustBook, person

    book = TrustBook([person("C1", "Bob", stage="Prospect", tier_override="C",
                             last_contact=DAY - timedelta(days=12))])
    first = book.sync(DAY)
    book.tick("C1", "Answered")
    again = book.sync(DAY, light=True)  # the row stays on the list, ticked
    [before], [after] = (next(t for t in r.changes.tabs if t.key == "today").links.values()
                         for r in (first, again))
    assert after == before == "tel:+60123456789"
    assert book.today_rows()[0]["Done"] is True


def test_today_widths_fit_the_longest_phone_email_and_name(synced: Path) -> None:
    parts = _parts(synced)
    sheet = parts[_today_part(parts)]
    widths = {int(m.group(1)) - 1: float(m.group(2))
              for m in re.finditer(r'<col min="(\d+)" max="\d+" width="([\d.]+)"', sheet)}
    headers, rows = _today_rows(synced)
    for header in ("Phone", "Email", "Name", "Owner", "Contact ID"):
        col = headers.index(header)
        longest = max(text_width(r[col]) for r in rows)
        assert widths[col] >= longest + 1, header


def test_wrapped_messages_get_rows_tall_enough(synced: Path) -> None:
    parts = _parts(synced)
    sheet = parts[_today_part(parts)]
    heights = re.findall(r'<row r="(\d+)" ht="([\d.]+)" customHeight="1"', sheet)
    assert len(heights) >= 5 and all(float(h) >= 30 for _r, h in heights if _r != "1")


def test_the_workbook_opens_on_today_right_after_contacts(synced: Path) -> None:
    parts = _parts(synced)
    workbook = parts["xl/workbook.xml"]
    names = re.findall(r'<sheet [^>]*name="([^"]+)"', workbook)
    assert names.index("Today") == names.index("Contacts") + 1
    active = re.search(r'activeTab="(\d+)"', workbook)
    assert active is not None and int(active.group(1)) == names.index("Today")
    selected = [p for p, xml in parts.items()
                if p.startswith("xl/worksheets/sheet") and 'tabSelected="1"' in xml]
    assert selected == [_today_part(parts)]  # one selected tab: no group typing into two
    assert (f'<definedName name="_xlnm.Print_Titles" localSheetId="{names.index("Today")}">'
            "'Today'!$1:$1</definedName>") in workbook


def test_today_prints_landscape_one_page_wide(synced: Path) -> None:
    sheet = _parts(synced)[_today_part(_parts(synced))]
    assert '<pageSetUpPr fitToPage="1"/>' in sheet
    assert '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>' in sheet


def test_touchpoint_shows_the_label_and_the_key_sits_in_a_hidden_column(synced: Path) -> None:
    headers, rows = _today_rows(synced)
    touch, rule = headers.index("Touchpoint"), headers.index("Rule")
    assert rows and all("[" not in str(r[touch]) for r in rows)
    assert all(re.fullmatch(r"[a-z0-9_]+", str(r[rule])) for r in rows)
    sheet = _parts(synced)[_today_part(_parts(synced))]
    assert f'<col min="{rule + 1}" max="{rule + 1}" width="4" hidden="1"' in sheet


def test_a_second_sync_the_same_day_writes_nothing(synced: Path) -> None:
    before = synced.read_bytes()
    sync_workbook(str(synced), load_config(None), DAY)
    assert synced.read_bytes() == before


# --- the Done loop reads both forms ------------------------------------------------------------


def test_old_today_tabs_with_the_key_in_the_label_are_harvested_as_before() -> None:
    old = Table("Today", 1, ["Done", "Due", "Contact ID", "Touchpoint"],
                [(2, [True, TODAY, "C1", "Day-14 check-in [drip_d14]"])])
    new = Table("Today", 1, ["Done", "Due", "Contact ID", "Touchpoint", "Rule"],
                [(2, [True, TODAY, "C1", "Day-14 check-in", "drip_d14"])])
    assert read_today(old)[0].touchpoint == read_today(new)[0].touchpoint == (
        "Day-14 check-in [drip_d14]")


# --- last interaction --------------------------------------------------------------------------


def _last(log: list[Interaction], today: date, **options: object) -> Mapping[str, str]:
    """`last_interactions` of a book of contacts C1 and C2 with `log` as its Interactions."""
    book = Book([Contact(2, "C1", "Ann"), Contact(3, "C2", "Bo")], list(log), [])
    return last_interactions(build_facts(book, today, load_config()), **options)


def test_the_last_interaction_in_a_few_words() -> None:
    log = [
        Interaction(None, date(2026, 11, 20), "C1", "sms", "Day-3 [drip_d3]", "Replied"),
        Interaction(None, date(2026, 11, 25), "c1", "call", "", "Answered",
                    "asked about school zones"),
        Interaction(None, date(2026, 12, 30), "C1", "call", notes="not yet"),  # after today
        Interaction(None, date(2026, 11, 2), "C2", "visit", "Viewing [event_first_visit]"),
    ]
    got = _last(log, date(2026, 11, 30))
    assert got == {"c1": "11-25 call: asked about school zones", "c2": "11-02 visit: Viewing"}


def test_the_last_interaction_names_its_channel_in_the_books_language() -> None:
    log = [Interaction(None, date(2026, 11, 25), "C1", "call", notes="询问学区"),
           Interaction(None, date(2026, 11, 24), "C2", "WeChat", notes="发了户型图")]
    assert _last(log, date(2026, 11, 30), lang="zh") == {
        "c1": "11-25 电话: 询问学区", "c2": "11-24 WeChat: 发了户型图"}  # unknown: as typed


def test_of_two_interactions_on_one_day_the_lower_row_is_the_last() -> None:
    log = [Interaction(2, TODAY, "C1", "call", notes="first"),
           Interaction(3, TODAY, "C1", "sms", notes="then this")]
    assert _last(log, TODAY)["c1"].endswith("then this")


def test_a_long_last_interaction_is_cut() -> None:
    log = [Interaction(None, TODAY - timedelta(days=1), "C1", "note", notes="x" * 200)]
    assert len(_last(log, TODAY)["c1"]) == 60


# --- charts ------------------------------------------------------------------------------------


def test_metrics_charts_sit_beside_the_top_of_the_table(synced: Path) -> None:
    from sheets_sync.core.plan import build_plan
    from sheets_sync.stores.xlsx import XlsxStore

    store = XlsxStore(synced)
    plan = build_plan(store.read(), load_config(None), DAY)
    metrics = next(t for t in plan.changes.tabs if t.key == "metrics")
    anchors = chart_anchors(metrics)
    first = len(metrics.headers) + 1  # one blank column right of the table, not column M
    assert anchors and {col for col, _ in anchors} <= {first + n * (CHART_COLS + 1)
                                                       for n in range(3)}
    bottom = max(row for _, row in anchors) + 16
    assert all(len([v for v in r if v not in (None, "")]) <= len(metrics.headers)
               for r in metrics.rows[:bottom])


# --- LibreOffice -------------------------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_prints_today_one_page_wide(synced: Path, tmp_path: Path) -> None:
    soffice = require_soffice()
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(synced)], capture_output=True, timeout=300, check=True)
    pdf = tmp_path / (synced.stem + ".pdf")
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True).stdout).group(1))  # type: ignore
    today_pages = []
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-layout",
                               str(pdf), "-"], capture_output=True, text=True).stdout
        if "Days" in text and "Priority" in text and "Touchpoint" in text:
            today_pages.append(text)
    assert today_pages, "no page of Today found"
    # Every Today page holds every column, Done to Notes, and the phones and e-mails whole.
    headers, rows = _today_rows(synced)
    for text in today_pages:
        assert "Done" in text and "Notes" in text and "Send" in text
    printed = "".join(today_pages)
    for row in rows:
        for col in (headers.index("Phone"), headers.index("Email")):
            if row[col]:
                assert str(row[col]) in printed


def test_the_app_follows_preference_then_country_also_for_a_newly_assigned_id() -> None:
    from sheets_sync.core.today import message_apps
    from sheets_sync.core.validate import validate_book

    headers = ["ID", "Name", "Phone", "Email", "Country", "Preferred channel"]
    rows = [["C1", "Aina", "+60123456789", "", "MY", ""],
            ["C2", "Ken", "+819012345678", "", "JP", ""],
            ["C3", "Mira", "+60123456780", "m@example.com", "MY", "e-mail"],
            ["C4", "Sam", "+6591234567", "", "SG", "SMS"],
            ["", "Dev", "+60123456781", "", "MY", ""]]
    tables = {"contacts": Table("Contacts", 1, headers, [(n + 2, r) for n, r in enumerate(rows)])}
    config = load_config(None)
    book = validate_book(tables, config)
    dev = next(c for c in book.contacts if c.name == "Dev")
    new_id = book.assigned_id(dev).casefold()
    assert new_id and message_apps(book, config) == {
        "c1": "whatsapp", "c2": "line", "c3": "email", "c4": "sms", new_id: "whatsapp"}


@pytest.mark.slow
def test_libreoffice_keeps_the_widths_and_row_heights_of_today(synced: Path,
                                                              tmp_path: Path) -> None:
    """Opened and saved by LibreOffice, Today still has columns wide enough for every phone
    and e-mail and rows tall enough for the wrapped messages."""
    import openpyxl
    from libreoffice import convert

    sheet = openpyxl.load_workbook(convert(synced, tmp_path / "lo"))["Today"]
    headers = [c.value for c in sheet[1]]
    for header in ("Phone", "Email", "Name"):
        col = headers.index(header) + 1
        letter = openpyxl.utils.get_column_letter(col)
        longest = max(text_width(sheet.cell(r, col).value) for r in range(2, sheet.max_row + 1))
        assert sheet.column_dimensions[letter].width >= longest, header
    message = headers.index("Message") + 1
    tall = [r for r in range(2, sheet.max_row + 1)
            if text_width(sheet.cell(r, message).value) > 70]
    assert tall and all((sheet.row_dimensions[r].height or 15) >= 30 for r in tall)


def test_today_for_an_unknown_owner_lists_the_real_owners(synced: Path, capsys) -> None:
    from sheets_sync.cli import main

    assert main(["today", str(synced), "--owner", "daniel", "--today", DAY.isoformat()]) == 0
    assert "Daniel" in capsys.readouterr().out
    assert main(["today", str(synced), "--owner", "Bob", "--today", DAY.isoformat()]) == 2
    said = capsys.readouterr()
    assert "Aisyah" in said.out + said.err and "Mei Ling" in said.out + said.err
