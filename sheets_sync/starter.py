"""`sheets-sync init`: a new workbook that already follows the workbook contract (SPEC §2).

It holds the three input tabs with headers in the chosen language, dropdowns for every enumeration
and a "How to use" tab; with `sample=True` also a demo agency's data (see sample_data). The owned
columns and tabs are left out on purpose: the first sync appends them, exactly as it would on a
sheet someone built by hand, so there is one code path for them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from sheets_sync.atomic import publish_new
from sheets_sync.core.book_settings import COUNTRY_CURRENCY, SETTINGS, shipped_defaults
from sheets_sync.core.parse import ValueProblem, parse_country
from sheets_sync.core.vocabulary import (
    BOOK_SETTINGS,
    CHANNELS,
    CIRCLES,
    CONTACT_COLUMNS,
    INTERACTION_COLUMNS,
    LANGS,
    LOST_REASONS,
    MESSAGE_LANGUAGES,
    OWNED_COLUMNS,
    SETTINGS_COLUMNS,
    STAGES,
    TABS,
    TIERS,
    TODAY_COLUMNS,
    TRANSACTION_COLUMNS,
    YES_NO,
    label,
)
from sheets_sync.errors import UserError
from sheets_sync.locks import hold_book
from sheets_sync.sample_data import SampleData, build_sample

LAST_ROW = 1000  # dropdowns and column formats reach this row
DATE_FORMAT = "yyyy-mm-dd"  # unambiguous whatever the reader's locale or date order
TEXT_FORMAT = "@"  # keeps "012-345 6789" and "0012" from turning into numbers
FORMATS = {"date": DATE_FORMAT, "text": TEXT_FORMAT, "integer": "0", "money": "#,##0"}
MAX_WIDTH = 45

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F6F78")
HEADER_ALIGN = Alignment(vertical="center")

SIDES = ("buy", "sell", "rent")
SOURCES = ("referral", "past client", "sphere", "portal", "walk-in")

# Column kind (a key of FORMATS) and typical width, by column key.
CONTACT_KINDS = {"id": "text", "phone": "text", "referred_by": "text", "birthday": "date",
                 "closing_date": "date", "last_contact": "date", "nps": "integer",
                 "visits": "integer"}
INTERACTION_KINDS = {"date": "date", "contact_id": "text"}
TRANSACTION_KINDS = {"contact_id": "text", "closing_date": "date", "price": "money",
                     "commission": "money", "referred_by": "text"}
WIDTHS = {"id": 9, "name": 26, "owner": 12, "phone": 18, "email": 28, "language": 11,
          "country": 9, "birthday": 12, "circle": 16, "stage": 15, "closing_date": 12,
          "last_contact": 12, "referred_by": 12, "date": 12, "contact_id": 11, "channel": 10,
          "touchpoint": 26, "outcome": 26, "notes": 36, "side": 8, "price": 13,
          "commission": 12, "source": 13}
DEFAULT_WIDTH = 10


@dataclass(frozen=True)
class StarterSummary:
    """What `write_starter_workbook` wrote: the file and how many sample rows per input tab."""

    path: Path
    contacts: int
    interactions: int
    transactions: int


def write_starter_workbook(path: Path, lang: str = "en", sample: bool = False,
                           today: date | None = None,
                           country: str | None = None) -> StarterSummary:
    """Create a new starter workbook at `path`; never touches an existing file.

    `today` anchors the sample's dates and is required with `sample=True` (the CLI passes
    date.today(); tests pass a fixed day). `country` (a code or a name) goes on the Settings
    tab; without it, `book_country` picks one from the language.
    """
    path = Path(path)
    lang = check_lang(lang)
    country = book_country(lang, country, sample)
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"{path} is not an .xlsx file name", "use a name ending in .xlsx")
    if path.exists() or path.is_symlink():
        raise _exists(path)
    if sample and today is None:
        raise ValueError("write_starter_workbook(sample=True) needs today=<date>")

    data = build_sample(today, lang) if sample and today else SampleData([], [], [])
    workbook = build_workbook(lang, data, file_name=path.name, sample_day=today if sample else None,
                              country=country)
    _save_new(workbook, path)
    return StarterSummary(path, len(data.contacts), len(data.interactions), len(data.transactions))


def check_lang(lang: str) -> str:
    """The canonical spelling of a supported language code (case-insensitive), else UserError."""
    for known in LANGS:
        if lang.casefold() == known.casefold():
            return known
    raise UserError(f"unknown language '{lang}'", f"choose one of: {', '.join(LANGS)}")


# The country a new book in each language is for, when `init` is given no --country: the
# language's largest market (Traditional Chinese: Taiwan; English and Malay: Malaysia, the
# market the sample agency and the shipped defaults are for).
LANG_COUNTRY = {"en": "MY", "zh": "CN", "zh-Hant": "TW", "ja": "JP", "ms": "MY"}
SAMPLE_COUNTRY = "MY"  # the sample agency sells in Malaysia (local phone numbers, RM prices)
MONTH_FIRST = {"US", "PH"}  # countries that type 03/04/2024 as March 4


def book_country(lang: str, country: str | None, sample: bool = False) -> str:
    """The ISO code for a new book: `country` as a code or a name in any of the five
    languages, else the sample's country (with `sample`), else the language's."""
    if country:
        try:
            return parse_country(country)
        except ValueProblem as problem:
            raise UserError(f"unknown country '{country}': {problem.problem}",
                            problem.suggestion or "use a two-letter code such as MY") from None
    return SAMPLE_COUNTRY if sample else LANG_COUNTRY[check_lang(lang)]


def build_workbook(lang: str, data: SampleData, file_name: str = "contacts.xlsx",
                   sample_day: date | None = None, country: str | None = None) -> Workbook:
    """The starter workbook in memory (instructions first, then the input tabs, then
    Settings). `country` is an ISO code (book_country's answer when not given)."""
    lang = check_lang(lang)
    country = country or book_country(lang, None, sample_day is not None)
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.creator = "sheets-sync"
    texts = HOW_TO[lang]

    _write_how_to(workbook.create_sheet(label(TABS["how_to_use"], lang)), lang, file_name,
                  sample_day)

    yes_no = [label(YES_NO["yes"], lang), label(YES_NO["no"], lang)]
    contacts = workbook.create_sheet(label(TABS["contacts"], lang))
    _write_table(contacts, CONTACT_COLUMNS, lang, data.contacts, CONTACT_KINDS)
    contacts.auto_filter.ref = (
        f"A1:{get_column_letter(len(CONTACT_COLUMNS))}{len(data.contacts) + 1}")
    _add_lists(contacts, CONTACT_COLUMNS, texts, {
        "language": [label(entry, lang) for entry in MESSAGE_LANGUAGES.values()],
        "lunar_birthday": yes_no,
        "circle": [label(entry, lang) for entry in CIRCLES.values()],
        "stage": [label(entry, lang) for entry in STAGES.values()],
        "lost_reason": [label(entry, lang) for entry in LOST_REASONS.values()],
        "do_not_contact": yes_no,
        "tier_override": list(TIERS),
        "accepts_product": yes_no,
        "accepts_price": yes_no,
        "can_afford": yes_no,
        "decision_makers_seen": yes_no,
    })
    _add_whole_numbers(contacts, CONTACT_COLUMNS, texts, {"nps": (0, 10), "visits": (0, 999)})

    interactions = workbook.create_sheet(label(TABS["interactions"], lang))
    _write_table(interactions, INTERACTION_COLUMNS, lang, data.interactions, INTERACTION_KINDS)
    _add_lists(interactions, INTERACTION_COLUMNS, texts, {"channel": list(CHANNELS)})

    transactions = workbook.create_sheet(label(TABS["transactions"], lang))
    _write_table(transactions, TRANSACTION_COLUMNS, lang, data.transactions, TRANSACTION_KINDS)
    _add_lists(transactions, TRANSACTION_COLUMNS, texts,
               {"side": list(SIDES), "source": list(SOURCES)})

    _write_settings(workbook.create_sheet(label(TABS["settings"], lang)), lang,
                    starter_settings(lang, country))

    workbook.active = 0
    return workbook


# ---------------------------------------------------------------------------------------------
# Tabs


def _write_table(sheet: Worksheet, columns: Mapping[str, Any], lang: str,
                 rows: Sequence[Mapping[str, Any]], kinds: Mapping[str, str]) -> None:
    for col, key in enumerate(columns, start=1):
        header = label(columns[key], lang)
        cell = sheet.cell(row=1, column=col, value=header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
        kind = kinds.get(key)
        widest = max([_display_width(_shown(row.get(key))) for row in rows] + [0])
        dimension = sheet.column_dimensions[get_column_letter(col)]
        # +3 leaves room for the autofilter arrow next to the header text.
        dimension.width = min(MAX_WIDTH, max(WIDTHS.get(key, DEFAULT_WIDTH),
                                             _display_width(header) + 3, widest + 2))
        if kind:
            # A column style formats cells people type later (a date typed in stays a date).
            dimension.number_format = FORMATS[kind]
        for row_number, row in enumerate(rows, start=2):
            _put(sheet, row_number, col, row.get(key), kind)
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 20


def _put(sheet: Worksheet, row: int, col: int, value: Any, kind: str | None) -> None:
    if value is None or value == "":
        return
    if kind == "text" and not isinstance(value, str):
        value = str(value)
    cell = sheet.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # typed text is never a formula (SPEC §2)
    if isinstance(value, date):
        cell.number_format = DATE_FORMAT
    elif kind and not (kind == "date" and isinstance(value, str)):
        # A date column's text (a birthday without a year) keeps the General format.
        cell.number_format = FORMATS[kind]


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return "2000-01-01"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,.0f}"
    return str(value)


def _display_width(text: str) -> int:
    """Width in Latin characters: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_range(columns: Mapping[str, Any], key: str) -> str:
    letter = get_column_letter(list(columns).index(key) + 1)
    return f"{letter}2:{letter}{LAST_ROW}"


def _add_lists(sheet: Worksheet, columns: Mapping[str, Any], texts: Mapping[str, Any],
               lists: Mapping[str, list[str]]) -> None:
    """A dropdown per column; a value outside it only warns, since English labels and the
    other languages' labels are accepted too and people paste from other sheets."""
    for key, items in lists.items():
        formula = '"' + ",".join(items) + '"'
        # Excel's limit for an inline list; commas or quotes inside an item would split it.
        if len(formula) > 257 or any("," in item or '"' in item for item in items):
            raise ValueError(f"cannot make an inline dropdown from {items!r}")
        validation = DataValidation(type="list", formula1=formula, allow_blank=True,
                                    showErrorMessage=True, errorStyle="warning",
                                    errorTitle=texts["list_error_title"], error=texts["list_error"])
        validation.add(_column_range(columns, key))
        sheet.add_data_validation(validation)


def _add_whole_numbers(sheet: Worksheet, columns: Mapping[str, Any], texts: Mapping[str, Any],
                       bounds: Mapping[str, tuple[int, int]]) -> None:
    for key, (low, high) in bounds.items():
        validation = DataValidation(type="whole", operator="between", formula1=str(low),
                                    formula2=str(high), allow_blank=True, showErrorMessage=True,
                                    errorStyle="warning", errorTitle=texts["number_error_title"],
                                    error=texts["number_error"].format(low=low, high=high))
        validation.add(_column_range(columns, key))
        sheet.add_data_validation(validation)


HOW_TO_WIDTH = 72  # characters: inside a portrait page's margins, whatever font renders them


def _write_how_to(sheet: Worksheet, lang: str, file_name: str, sample_day: date | None) -> None:
    texts = HOW_TO[lang]
    open_q, close_q, separator = QUOTES[lang]

    def quoted(entry: Mapping[str, tuple[str, ...]]) -> str:
        return f"{open_q}{label(entry, lang)}{close_q}"

    owned_tabs = ("today", "greetings", "calendar", "metrics", "metrics_history", "referrals",
                  "issues")
    names = {
        "contacts": quoted(TABS["contacts"]),
        "interactions": quoted(TABS["interactions"]),
        "transactions": quoted(TABS["transactions"]),
        "today": quoted(TABS["today"]),
        "issues": quoted(TABS["issues"]),
        "settings": quoted(TABS["settings"]),
        "id": quoted(CONTACT_COLUMNS["id"]),
        "owner": quoted(TODAY_COLUMNS["owner"]),
        "done": quoted(TODAY_COLUMNS["done"]),
        "outcome": quoted(TODAY_COLUMNS["outcome"]),
        "notes": quoted(TODAY_COLUMNS["notes"]),
        "owned_columns": separator.join(label(entry, lang) for entry in OWNED_COLUMNS.values()),
        "owned_tabs": separator.join(label(TABS[key], lang) for key in owned_tabs),
        "file": f'"{file_name}"' if " " in file_name else file_name,
    }
    paragraphs = [text.format(**names) for text in texts["paragraphs"]]
    if sample_day is not None:
        paragraphs.append(texts["sample_note"].format(date=sample_day.isoformat(), **names))

    # As wide as a portrait A4 or Letter page prints at 100 % (a wider column was cut at the
    # right edge of every printed page, and LibreOffice does not shrink a sheet to fit).
    sheet.column_dimensions["A"].width = HOW_TO_WIDTH
    title = sheet.cell(row=1, column=1, value=texts["title"])
    title.font = Font(bold=True, size=14)
    sheet.row_dimensions[1].height = 24
    for offset, text in enumerate(paragraphs):
        cell = sheet.cell(row=3 + offset, column=1, value=text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # Row heights are not recomputed by every reader; estimate them from the text length.
        lines = -(-_display_width(text) // (HOW_TO_WIDTH - 5))
        sheet.row_dimensions[3 + offset].height = 15 * max(1, lines) + 6


def starter_settings(lang: str, country: str) -> dict[str, Any]:
    """What a new book's Settings tab says: the choices `init` made for `lang` and `country`,
    the shipped defaults for the rest (blank: the config decides)."""
    defaults = shipped_defaults()
    return {
        "default_country": country,
        "default_language": label(MESSAGE_LANGUAGES[lang], lang),
        "date_order": "MM/DD/YYYY" if country in MONTH_FIRST else "DD/MM/YYYY",
        "currency": COUNTRY_CURRENCY.get(country, ""),
        "office_address": defaults["touchpoints"]["office_address"],
        "manager": defaults["general"]["manager"],
        "daily_cap": defaults["today"]["daily_cap"],
        "program_cost": defaults["metrics"]["program_cost_per_year"],
        "id_prefix": defaults["general"]["id_prefix"],
    }


def _write_settings(sheet: Worksheet, lang: str, values: Mapping[str, Any]) -> None:
    """Setting | Value | About: people own the tab; the sync reads it and never writes it."""
    for col, entry in enumerate(SETTINGS_COLUMNS.values(), start=1):
        cell = sheet.cell(row=1, column=col, value=label(entry, lang))
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN
    about = SETTINGS_ABOUT[lang]
    for row, setting in enumerate(SETTINGS, start=2):
        sheet.cell(row=row, column=1, value=label(BOOK_SETTINGS[setting.key], lang))
        value = values.get(setting.key)
        if value not in (None, ""):
            cell = sheet.cell(row=row, column=2, value=value)
            if isinstance(value, str):
                cell.number_format = TEXT_FORMAT
        note = sheet.cell(row=row, column=3, value=about[setting.key])
        note.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 80
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 20


def _exists(path: Path) -> UserError:
    return UserError(f"{path} already exists", "choose another name or delete it first")


def _save_new(workbook: Workbook, path: Path) -> None:
    """Write the file only if nothing exists at `path`, even if one appears meanwhile; a reader
    (or a kill) never sees half a workbook. Holds the workbook's lock like every writer."""
    buffer = BytesIO()
    workbook.save(buffer)
    try:
        with hold_book(str(path), wait=0.0):
            publish_new(buffer.getvalue(), path)
    except FileExistsError:
        raise _exists(path) from None
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}",
                        "check that the folder exists and is writable") from None


# ---------------------------------------------------------------------------------------------
# The words on the "How to use" tab and in dropdown warnings. Placeholders are filled with the
# workbook's own tab and column labels so the text always matches the headers.

QUOTES: dict[str, tuple[str, str, str]] = {  # opening quote, closing quote, list separator
    "en": ("", "", ", "),
    "ms": ("", "", ", "),
    "zh": ("“", "”", "、"),
    "zh-Hant": ("「", "」", "、"),
    "ja": ("「", "」", "、"),
}

HOW_TO: dict[str, dict[str, Any]] = {
    "en": {
        "title": "How to use this workbook",
        "paragraphs": [
            "This workbook is your client database. You fill in three tabs; the sync "
            "(sheets-sync) reads them every night, works out whom to contact and when, and "
            "writes the results back.",
            "{contacts} — one row per person: name, phone, e-mail, birthday, circle, stage, "
            "closing date, who referred them. Leave {id} blank: the sync fills it in. Use the "
            "dropdowns; English values are accepted too.",
            "{interactions} — a log of every call, message, visit, gift or event: one row each, "
            "with the contact's ID. The sync also adds a row here for each item marked {done} "
            "on {today}.",
            "{transactions} — one row per closed deal: contact ID, closing date, buy/sell/rent, "
            "price, commission, source and who referred it.",
            "{settings} — this book's own settings: default country and language, date order, "
            "currency, office address, manager, daily cap. Change a value in its second column; "
            "the next sync uses it and lists any value it cannot read in {issues}.",
            "The sync owns these columns on {contacts}: {owned_columns}; and these tabs: "
            "{owned_tabs}. It rewrites them on every run, so don't type in them. It never changes "
            "anything else (the one exception: it fills in a blank {id}).",
            "Every morning: open {today}, filter {owner} to your name, work down the list, pick "
            "TRUE in {done}, and type the {outcome} and any {notes}. The next sync logs those "
            "rows into {interactions} once and plans the next touch.",
            "To run the sync, save the workbook (on Windows, close it in Excel), then run:  "
            "sheets-sync sync {file}  — and look at {issues} for any cells it could not read.",
        ],
        "sample_note": "The rows in this workbook are made-up sample data dated around {date}; "
                       "a few cells are wrong on purpose so {issues} has something to show. "
                       "Delete the rows when you start with your own contacts.",
        "list_error_title": "Not in the list",
        "list_error": "Pick a value from the dropdown. Other values are kept, but the sync may "
                      "report them in Issues.",
        "number_error_title": "Not a whole number",
        "number_error": "Type a whole number from {low} to {high}.",
    },
    "zh": {
        "title": "使用说明",
        "paragraphs": [
            "这个工作簿就是您的客户数据库。您只需填写三个工作表；同步工具（sheets-sync）每晚读取"
            "它们，算出该联系谁、何时联系，并把结果写回。",
            "{contacts}：每人一行——姓名、电话、邮箱、生日、圈层、阶段、成交日期、介绍人。{id}可以"
            "留空，同步时会自动填写。请用下拉选项选择；填英文也可以。",
            "{interactions}：每次电话、短信、拜访、送礼或活动记一行，并填上客户编号。在{today}中"
            "标记为{done}的事项，同步时也会自动记到这里。",
            "{transactions}：每笔成交一行——客户编号、成交日期、买/卖/租（buy/sell/rent）、价格、"
            "佣金、来源和介绍人。",
            "{settings}：本工作簿自己的设置——默认国家和语言、日期顺序、货币、办公地址、经理、每日上限。"
            "在第二列修改即可；下次同步会采用，无法识别的值会列在{issues}中。",
            "{contacts}中的这些列由同步工具负责：{owned_columns}；这些工作表也是：{owned_tabs}。"
            "每次同步都会重写，请不要在里面输入。其他内容它一概不改（唯一的例外：为空白的{id}"
            "自动编号）。",
            "每天早上：打开{today}，把{owner}筛选为您的名字，逐条跟进，在{done}中选 TRUE，并填写"
            "{outcome}和{notes}。下次同步会把这些行记入{interactions}（只记一次），并安排下一次"
            "触达。",
            "运行同步：先保存工作簿（Windows 上请先在 Excel 中关闭它），然后运行  "
            "sheets-sync sync {file}  ，再到{issues}查看无法识别的单元格。",
        ],
        "sample_note": "本工作簿中的数据是虚构的示例，日期以 {date} 为基准；其中有几个单元格是故意"
                       "填错的，用来演示{issues}。开始录入自己的客户前请删除这些行。",
        "list_error_title": "不在列表中",
        "list_error": "请从下拉列表中选择。其他值会保留，但同步时可能列入“问题”表。",
        "number_error_title": "不是整数",
        "number_error": "请输入 {low} 到 {high} 之间的整数。",
    },
    "zh-Hant": {
        "title": "使用說明",
        "paragraphs": [
            "這個活頁簿就是您的客戶資料庫。您只需填寫三個工作表；同步工具（sheets-sync）每晚讀取"
            "它們，算出該聯絡誰、何時聯絡，並把結果寫回。",
            "{contacts}：每位客戶一筆資料——姓名、電話、電郵、生日、圈層、階段、成交日期、介紹人。"
            "{id}可以留空，同步時會自動填上。請用下拉選單選擇；填英文也可以。",
            "{interactions}：每次電話、簡訊、拜訪、送禮或活動記一筆，並填上客戶編號。在{today}中"
            "標記為{done}的事項，同步時也會自動記到這裡。",
            "{transactions}：每筆成交記一筆——客戶編號、成交日期、買／賣／租（buy/sell/rent）、"
            "價格、佣金、來源和介紹人。",
            "{settings}：本活頁簿自己的設定——預設國家和語言、日期順序、貨幣、辦公地址、經理、每日上限。"
            "在第二欄修改即可；下次同步會採用，無法辨識的值會列在{issues}中。",
            "{contacts}中的這些欄位由同步工具負責：{owned_columns}；這些工作表也是：{owned_tabs}。"
            "每次同步都會重寫，請勿在其中輸入。其他內容一概不會更動（唯一例外：為空白的{id}自動"
            "編號）。",
            "每天早上：打開{today}，將{owner}篩選為您的名字，逐筆跟進，在{done}選 TRUE，並填寫"
            "{outcome}和{notes}。下次同步會把這些項目記入{interactions}（只記一次），並安排下一次"
            "聯絡。",
            "執行同步：先儲存活頁簿（Windows 上請先在 Excel 中關閉），然後執行  "
            "sheets-sync sync {file}  ，再到{issues}查看無法辨識的儲存格。",
        ],
        "sample_note": "本活頁簿中的資料是虛構的範例，日期以 {date} 為基準；其中有幾個儲存格是故意"
                       "填錯的，用來示範{issues}。開始輸入自己的客戶前請刪除這些資料。",
        "list_error_title": "不在清單中",
        "list_error": "請從下拉選單中選擇。其他值會保留，但同步時可能列入「問題」工作表。",
        "number_error_title": "不是整數",
        "number_error": "請輸入 {low} 到 {high} 之間的整數。",
    },
    "ja": {
        "title": "使い方",
        "paragraphs": [
            "このブックが顧客データベースです。入力するのは3つのシートだけ。同期ツール"
            "（sheets-sync）が毎晩それを読み込み、誰にいつ連絡すべきかを計算して、結果を書き戻し"
            "ます。",
            "{contacts}：1人1行。氏名、電話番号、メール、誕生日、サークル、ステージ、成約日、"
            "紹介者など。{id}は空欄のままで構いません（同期時に自動で採番します）。値はドロップ"
            "ダウンから選んでください。英語の値も使えます。",
            "{interactions}：電話・SMS・訪問・贈り物・イベントを1件1行で、顧客IDとともに記録します。"
            "{today}で{done}にした項目も、同期時にここへ自動で追記されます。",
            "{transactions}：成約1件につき1行。顧客ID、成約日、区分（buy/sell/rent）、価格、"
            "手数料、流入元、紹介者を入力します。",
            "{settings}：このブック独自の設定（既定の国と言語、日付の順序、通貨、事務所の住所、"
            "マネージャー、1日の上限）。2列目の値を変えると次の同期から使われ、読み取れない値は"
            "{issues}に一覧されます。",
            "{contacts}の次の列は同期ツールが管理します：{owned_columns}。次のシートも同様です："
            "{owned_tabs}。毎回書き直すので、ここには入力しないでください。それ以外は一切変更"
            "しません（例外は空欄の{id}への採番だけです）。",
            "毎朝：{today}を開いて{owner}を自分の名前で絞り込み、上から順に対応して{done}で TRUE を"
            "選び、{outcome}と{notes}を入力します。次の同期でその行が{interactions}に一度だけ記録"
            "され、次回のアクションが予定されます。",
            "同期の実行：ブックを保存し（Windows では Excel で閉じてから）、  "
            "sheets-sync sync {file}  を実行します。読み取れなかったセルは{issues}に一覧されます。",
        ],
        "sample_note": "このブックのデータは {date} を基準にした架空のサンプルです。{issues}の例と"
                       "なるよう、いくつかのセルはわざと誤っています。自分の顧客を入力する前に"
                       "削除してください。",
        "list_error_title": "リストにない値",
        "list_error": "ドロップダウンから選んでください。他の値もそのまま残りますが、同期時に"
                      "「問題」シートに表示されることがあります。",
        "number_error_title": "整数ではありません",
        "number_error": "{low}〜{high}の整数を入力してください。",
    },
    "ms": {
        "title": "Cara guna buku kerja ini",
        "paragraphs": [
            "Buku kerja ini ialah pangkalan data pelanggan anda. Anda hanya mengisi tiga tab; "
            "penyegerakan (sheets-sync) membacanya setiap malam, menentukan siapa perlu dihubungi "
            "dan bila, lalu menulis hasilnya semula.",
            "{contacts} — satu baris bagi setiap orang: nama, telefon, e-mel, tarikh lahir, "
            "bulatan, peringkat, tarikh jual beli dan siapa yang merujuk. Biarkan {id} kosong; "
            "penyegerakan akan mengisinya. Gunakan senarai juntai bawah; nilai dalam bahasa "
            "Inggeris juga diterima.",
            "{interactions} — log setiap panggilan, mesej, lawatan, hadiah atau acara: satu baris "
            "bagi setiap satu, dengan ID kenalan. Item yang ditanda {done} dalam tab {today} juga "
            "direkodkan di sini secara automatik.",
            "{transactions} — satu baris bagi setiap urus niaga yang selesai: ID kenalan, tarikh, "
            "beli/jual/sewa (buy/sell/rent), harga, komisen, sumber dan perujuk.",
            "{settings} — tetapan buku kerja ini sendiri: negara dan bahasa lalai, susunan "
            "tarikh, mata wang, alamat pejabat, pengurus, had harian. Ubah nilai dalam lajur "
            "kedua; penyegerakan seterusnya menggunakannya dan menyenaraikan nilai yang tidak "
            "dapat dibaca dalam {issues}.",
            "Penyegerakan memiliki lajur berikut dalam {contacts}: {owned_columns}; dan tab "
            "berikut: {owned_tabs}. Semuanya ditulis semula setiap kali, jadi jangan menaip di "
            "situ. Yang lain tidak akan diubah sama sekali (kecuali mengisi {id} yang kosong).",
            "Setiap pagi: buka {today}, tapis {owner} kepada nama anda, ikut senarai dari atas, "
            "pilih TRUE dalam {done}, dan isi {outcome} serta {notes}. Penyegerakan seterusnya "
            "merekodkan baris itu ke dalam {interactions} sekali sahaja dan merancang sentuhan "
            "seterusnya.",
            "Untuk menjalankan penyegerakan, simpan buku kerja (di Windows, tutup dalam Excel "
            "dahulu), kemudian jalankan:  sheets-sync sync {file}  — dan semak tab {issues} untuk "
            "sel yang tidak dapat dibaca.",
        ],
        "sample_note": "Data dalam buku kerja ini ialah contoh rekaan bertarikh sekitar {date}; "
                       "beberapa sel sengaja diisi salah supaya tab {issues} ada contoh. Padamkan "
                       "baris-baris ini apabila anda mula memasukkan kenalan sendiri.",
        "list_error_title": "Tiada dalam senarai",
        "list_error": "Pilih nilai daripada senarai juntai bawah. Nilai lain disimpan, tetapi "
                      "penyegerakan mungkin melaporkannya dalam tab Isu.",
        "number_error_title": "Bukan nombor bulat",
        "number_error": "Taip nombor bulat dari {low} hingga {high}.",
    },
}


# The About column of the Settings tab, per language.
SETTINGS_ABOUT: dict[str, dict[str, str]] = {
    "en": {
        "default_country": "Country of contacts whose Country is blank (phone numbers, "
                           "holidays): a code such as MY, CN, TW, HK, SG, JP or a country name",
        "default_language": "Message language of contacts whose Language is blank: en, zh, "
                            "zh-Hant, ja or ms",
        "date_order": "How a typed 03/04/2024 is read: DD/MM/YYYY or MM/DD/YYYY",
        "currency": "Money cells: a currency code such as MYR, or a symbol such as RM",
        "office_address": "Where the office is, for invitations",
        "manager": "The Owner name of the office manager: service win-backs go to them",
        "daily_cap": "Most items on Today per agent per day",
        "program_cost": "Yearly cost of gifts, events and tools; 0 leaves the ROI blank",
        "id_prefix": "New IDs start with this, e.g. C0042",
    },
    "zh": {
        "default_country": "“国家”为空的客户所在国家（用于电话号码和节假日）：如 MY、CN、TW、HK、"
                           "SG、JP，或国家名称",
        "default_language": "“语言”为空的客户的消息语言：en、zh、zh-Hant、ja 或 ms",
        "date_order": "03/04/2024 这类日期的读法：DD/MM/YYYY（日在前）或 MM/DD/YYYY（月在前）",
        "currency": "金额单元格的货币：货币代码（如 CNY）或符号（如 ¥）",
        "office_address": "办公地点，用于邀请",
        "manager": "经理的负责人姓名：服务类挽回由经理跟进",
        "daily_cap": "每位经纪人每天在“今日”中最多的事项数",
        "program_cost": "每年礼品、活动和工具的费用；填 0 则不计算回报率",
        "id_prefix": "新编号的前缀，如 C0042",
    },
    "zh-Hant": {
        "default_country": "「國家」為空的客戶所在國家（用於電話號碼和假日）：如 MY、CN、TW、HK、"
                           "SG、JP，或國家名稱",
        "default_language": "「語言」為空的客戶的訊息語言：en、zh、zh-Hant、ja 或 ms",
        "date_order": "03/04/2024 這類日期的讀法：DD/MM/YYYY（日在前）或 MM/DD/YYYY（月在前）",
        "currency": "金額儲存格的貨幣：貨幣代碼（如 TWD）或符號（如 NT$）",
        "office_address": "辦公地點，用於邀請",
        "manager": "經理的負責人姓名：服務類挽回由經理跟進",
        "daily_cap": "每位經紀人每天在「今日」中最多的項目數",
        "program_cost": "每年禮品、活動和工具的費用；填 0 則不計算回報率",
        "id_prefix": "新編號的前綴，如 C0042",
    },
    "ja": {
        "default_country": "「国」が空欄の顧客の国（電話番号・祝日に使用）：MY、CN、TW、HK、SG、"
                           "JP などのコード、または国名",
        "default_language": "「言語」が空欄の顧客へのメッセージの言語：en、zh、zh-Hant、ja、ms",
        "date_order": "03/04/2024 の読み方：DD/MM/YYYY（日が先）または MM/DD/YYYY（月が先）",
        "currency": "金額セルの通貨：JPY などの通貨コード、または ¥ などの記号",
        "office_address": "事務所の所在地（ご案内に使用）",
        "manager": "マネージャーの担当者名：サービス起因の失注フォローはこの人に",
        "daily_cap": "担当者1人あたり1日に「今日」に載せる最大件数",
        "program_cost": "贈り物・イベント・ツールの年間費用。0 なら ROI は空欄",
        "id_prefix": "新しい ID の先頭の文字（例：C0042）",
    },
    "ms": {
        "default_country": "Negara kenalan yang Negaranya kosong (nombor telefon, cuti): kod "
                           "seperti MY, CN, TW, HK, SG, JP atau nama negara",
        "default_language": "Bahasa mesej bagi kenalan yang Bahasanya kosong: en, zh, zh-Hant, "
                            "ja atau ms",
        "date_order": "Cara membaca 03/04/2024: DD/MM/YYYY (hari dahulu) atau MM/DD/YYYY "
                      "(bulan dahulu)",
        "currency": "Sel wang: kod mata wang seperti MYR, atau simbol seperti RM",
        "office_address": "Alamat pejabat, untuk jemputan",
        "manager": "Nama Ejen bagi pengurus pejabat: usaha memenangi semula kerana "
                   "perkhidmatan diserahkan kepadanya",
        "daily_cap": "Bilangan maksimum item dalam Hari ini bagi setiap ejen sehari",
        "program_cost": "Kos tahunan hadiah, acara dan alat; 0 membiarkan ROI kosong",
        "id_prefix": "ID baharu bermula dengan ini, cth. C0042",
    },
}
