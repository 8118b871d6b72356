"""The workbook's tab list as an agent meets it: Today (and Greetings) right after Contacts, the
workbook opening on Today, and the lists' header row repeated on every printed page. Edits
workbook.xml as text; of the other sheets only a `tabSelected` mark is ever removed (two
selected tabs would open as a group, where typing goes into both)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping

from sheets_sync.stores import ooxml
from sheets_sync.stores.xlsx_layout import PRINT_TABS
from sheets_sync.stores.xlsx_sheet_edit import SheetEdit

NEXT_TO_CONTACTS = ("today", "greetings")  # in this order, right after Contacts
_SHEET = re.compile(r"<sheet\b[^>]*/>")
_SHEETS = re.compile(r"<sheets>(.*?)</sheets>", re.S)
_NAME = re.compile(r'\sname="([^"]*)"')
_LOCAL = re.compile(r'(<definedName\b[^>]*\slocalSheetId=")(\d+)(")')
_SELECTED = re.compile(r'\s+tabSelected="(?:1|true)"')


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def arrange(text: dict[str, str], archive: zipfile.ZipFile,
            changes: dict[str, str | bytes | SheetEdit],
            tab_names: Mapping[str, str], contacts: str) -> None:
    """Reorder, open on Today and set print titles, in `text` (the workbook's parts being
    edited) and `changes` (sheet parts: other sheets lose their tabSelected mark)."""
    workbook = text["xl/workbook.xml"]
    block = _SHEETS.search(workbook)
    if block is None:
        return
    elements = _SHEET.findall(block.group(1))
    names = [_unescape(m.group(1)) if (m := _NAME.search(e)) else "" for e in elements]
    moving = [tab_names[k] for k in NEXT_TO_CONTACTS if k in tab_names and tab_names[k] in names]
    if contacts not in names or tab_names.get("today") not in names:
        return
    kept = [n for n in names if n not in moving]
    at = kept.index(contacts) + 1
    order = kept[:at] + moving + kept[at:]
    new_index = {name: order.index(name) for name in names}
    by_name = dict(zip(names, elements, strict=True))
    workbook = (workbook[: block.start(1)] + "".join(by_name[n] for n in order)
                + workbook[block.end(1):])
    old_to_new = {str(i): str(new_index[n]) for i, n in enumerate(names)}
    workbook = _LOCAL.sub(lambda m: m.group(1) + old_to_new.get(m.group(2), m.group(2))
                          + m.group(3), workbook)
    today = new_index[tab_names["today"]]
    workbook = _open_on(workbook, today)
    for key in PRINT_TABS:
        name = tab_names.get(key)
        if name in new_index:
            workbook = _print_titles(workbook, new_index[name], name)
    text["xl/workbook.xml"] = workbook
    sheets = ooxml.parse_sheets(workbook.encode(), text["xl/_rels/workbook.xml.rels"].encode())
    for sheet in sheets:
        if sheet.name == tab_names["today"]:
            continue
        xml = changes.get(sheet.part)
        if isinstance(xml, SheetEdit):
            xml.drop_first(_SELECTED, 4000)
            continue
        if isinstance(xml, bytes):  # a rendered tab
            if not _SELECTED.search(xml[: 4 * 4000].decode("utf-8", "ignore")[:4000]):
                continue
            xml = xml.decode("utf-8")
        if xml is None and sheet.part in archive.namelist():
            if not _SELECTED.search(_head(archive, sheet.part, 4000)):
                continue  # a sheet kept as it is: only its start was unpacked to look
            xml = archive.read(sheet.part).decode("utf-8")
        if xml is not None and _SELECTED.search(xml[:4000]):
            changes[sheet.part] = _SELECTED.sub("", xml, count=1)


def _head(archive: zipfile.ZipFile, part: str, chars: int) -> str:
    """The first `chars` characters of a part, unpacking no more than they can take."""
    with archive.open(part) as stream:
        data = stream.read(4 * chars)
    return data.decode("utf-8", "ignore")[:chars]  # only a character cut at the end is lost


def _open_on(workbook: str, index: int) -> str:
    """The first workbook view shows tab `index` (and scrolls the tab strip no further)."""
    view = re.search(r"<workbookView\b[^>]*?/?>", workbook)
    if view is None:
        element = f'<bookViews><workbookView activeTab="{index}"/></bookViews>'
        anchor = re.search(r"<sheets\b", workbook)
        assert anchor is not None
        return workbook[: anchor.start()] + element + workbook[anchor.start():]
    tag = view.group(0)
    new = re.sub(r'\sactiveTab="\d+"', "", tag)
    first = re.search(r'\sfirstSheet="(\d+)"', new)
    if first and int(first.group(1)) > index:
        new = new.replace(first.group(0), f' firstSheet="{index}"')
    new = new.replace("<workbookView", f'<workbookView activeTab="{index}"', 1)
    return workbook[: view.start()] + new + workbook[view.end():]


def _print_titles(workbook: str, index: int, name: str) -> str:
    """Row 1 of tab `index` repeats on every printed page."""
    quoted = "'" + name.replace("'", "''") + "'"
    element = (f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
               f"{ooxml.escape(quoted)}!$1:$1</definedName>")
    workbook = re.sub(rf'<definedName\b[^>]*name="_xlnm\.Print_Titles"[^>]*'
                      rf'localSheetId="{index}"[^>]*>.*?</definedName>', "", workbook, flags=re.S)
    if re.search(r"<definedNames\s*/>", workbook):
        return re.sub(r"<definedNames\s*/>", f"<definedNames>{element}</definedNames>", workbook)
    if "</definedNames>" in workbook:
        return workbook.replace("</definedNames>", element + "</definedNames>", 1)
    return workbook.replace("</sheets>", f"</sheets><definedNames>{element}</definedNames>", 1)
