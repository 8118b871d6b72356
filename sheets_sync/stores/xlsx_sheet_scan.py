"""The rows of a worksheet's cell data, and the cells an edit needs, found by searching bytes.

The cell data is nearly all of a sheet's bytes. expat still checks every one of them (Walker.run
with `skip`), but a Python call per element costs more than the rest of a sync's write. Here the
spans come from searches that run in C: each row's number and end, and only the cells of the
columns being written. That is exact for cell data in the plain form spreadsheet programs write:
no comments, CDATA, processing instructions or namespace declarations, only SpreadsheetML's row,
cell and inline-string elements, every cell of a written row spelled `<c r="A1"`. Anything else
raises `Unusual`, and the caller parses the sheet element by element instead.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from sheets_sync.stores.xml_spans import _TAG_END

_KNOWN = (rb"(?:row|c|f|v|is|t|r|rPr|rFont|charset|family|b|i|strike|outline|shadow|condense"
          rb"|extend|color|sz|u|vertAlign|scheme)")
_OTHER = re.compile(rb"<(?!/?" + _KNOWN + rb"[\s/>])")  # begins with "<": searched fast
_SHEET_DATA = re.compile(rb"<sheetData[\s/>]")
_SHEET_DATA_CLOSE = re.compile(rb"</sheetData\s*>")
_ROW = re.compile(rb"<row[\s/>]")
_ROW_CLOSE = re.compile(rb"</row\s*>")
_CELL = re.compile(rb"<c[\s/>]")
_CELL_CLOSE = re.compile(rb"</c\s*>")
_CONTENT = re.compile(rb"<(?:f|v|is)[\s/>]")
_ROW_NUMBER = re.compile(rb'<row r="([0-9]+)"')
# Every cell's start: its column letters where it is spelled `<c r="A1"`, else b"".
_LETTERS = re.compile(rb'<c(?: r="([A-Z]{1,3})[0-9]+"|[\s/>])')
_SPACE = re.compile(rb"\s*")


SHEET_DATA, SHEET_DATA_CLOSE = _SHEET_DATA, _SHEET_DATA_CLOSE  # for a part read in pieces


def other_at(data: bytes, start: int, end: int) -> bool:
    """Whether data[start:end] (whole elements, and the text between them) has anything but
    the plain form's elements (as `sheet_data` checks the cell data whole)."""
    return _OTHER.search(data, start, end) is not None


_SPACES = str.maketrans("\t\n\r", "   ")  # as expat normalises attribute values


class Unusual(Exception):
    """The cell data is not in the plain form read here; parse it element by element."""


def _attr(name: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"\s" + name + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""")


_R, _S, _T, _REF = _attr(b"r"), _attr(b"s"), _attr(b"t"), _attr(b"ref")


def attr(pattern: re.Pattern[bytes], tag: bytes) -> str | None:
    """An attribute's value as expat would give it (entities refused, not expanded)."""
    match = pattern.search(tag)
    if match is None:
        return None
    value = match.group(1) if match.group(1) is not None else match.group(2)
    if b"&" in value:
        raise Unusual
    text = value.decode("utf-8")
    return text if text.isprintable() else text.translate(_SPACES)


def sheet_data(data: bytes) -> tuple[int, int, int] | None:
    """(start of <sheetData>, start and end of what is inside it), or None when the cell data is
    empty or not plain (then element-by-element parsing is as cheap, or needed)."""
    found = _SHEET_DATA.search(data)
    if found is None:
        return None
    start = found.start()
    tag_end = _TAG_END.match(data, start)
    if tag_end is None or data[tag_end.end() - 2 : tag_end.end()] == b"/>":
        return None
    inner = tag_end.end()
    close = _SHEET_DATA_CLOSE.search(data, inner)
    if close is None or data.find(b"xmlns", inner, close.start()) >= 0:
        return None  # a namespace declared inside would change what the names mean
    if _OTHER.search(data, inner, close.start()):
        return None
    return start, inner, close.start()


_NAME_REST = rb"""[^\s=<>"'/]*\s*="""  # an attribute's name after its colon, and its "="
_DECLARES = re.compile(rb"""\sxmlns:([^\s=]+)\s*=""")


def prefixes_declared(data: bytes, ancestors: list[bytes], inner: int, end: int) -> bool:
    """Whether every prefixed attribute name in the cell data (inner..end, which declares no
    namespace: `sheet_data`) has one colon and a prefix that the start tags of its ancestors
    declare (or `xml`): what expat's namespace processing checks beyond well-formedness. A
    colon that only looks like one (in a cell's text) answers False too."""
    declared = {b"xml"} | {m.group(1) for tag in ancestors for m in _DECLARES.finditer(tag)}
    return _undeclared(frozenset(declared)).search(data, inner, end) is None


@functools.lru_cache(maxsize=16)
def _undeclared(declared: frozenset[bytes]) -> re.Pattern[bytes]:
    """From its colon, an attribute name with a second colon, or whose prefix is none of
    `declared` right after a space, tab or line end. One search in C: the colons of a
    synced sheet (`xml:space` in its texts, 100,000 at 100,000 contacts) were a Python step
    each. A prefix of 64 bytes or more is never taken as declared (as a look 64 bytes back
    never found it)."""
    behind = b"".join(rb"(?<![ \t\n\r]" + re.escape(prefix) + rb":)"
                      for prefix in sorted(declared) if len(prefix) < 64)
    return re.compile(rb""":(?:[^\s=<>"'/:]*:""" + _NAME_REST + b"|" + behind + _NAME_REST + b")")


def tag_end(data: bytes, start: int) -> int:
    match = _TAG_END.match(data, start)
    if match is None:
        raise Unusual
    return match.end()


def _blank(data: bytes, start: int, end: int) -> bool:
    return start == end or _SPACE.match(data, start, end).end() == end  # type: ignore[union-attr]


def rows(data: bytes, inner: int, end: int) -> Iterator[tuple[str | None, int, int, int, int]]:
    """Each row of the cell data: (its r attribute, start, end of its start tag, start of its
    end tag, end). Text or elements between rows are not plain cell data."""
    cursor = inner
    for found in _ROW.finditer(data, inner, end):
        start = found.start()
        if start < cursor or not _blank(data, cursor, start):
            raise Unusual
        open_end = tag_end(data, start)
        tag = data[start:open_end]
        if tag.endswith(b"/>"):
            close = cursor = open_end
        else:
            close, cursor = _row_close(data, open_end, end)
        plain = _ROW_NUMBER.match(tag)
        yield (plain.group(1).decode() if plain else attr(_R, tag)), start, open_end, close, cursor
    if not _blank(data, cursor, end):
        raise Unusual


def _row_close(data: bytes, start: int, end: int) -> tuple[int, int]:
    """Start and end of the first `</row>` (spaces allowed before its `>`) in start..end."""
    return _closing(data, b"</row", _ROW_CLOSE, start, end)


def _closing(data: bytes, head: bytes, tag: re.Pattern[bytes], start: int, end: int
             ) -> tuple[int, int]:
    """Start and end of the first closing tag `tag` (which begins with `head`) in start..end:
    a search for its first bytes, then a match there (a regex search is slower per row)."""
    at = data.find(head, start, end)
    while at >= 0:
        closing = tag.match(data, at, end)
        if closing is not None:
            return at, closing.end()
        at = data.find(head, at + 1, end)
    raise Unusual


def has_content(data: bytes, start: int, end: int) -> bool:
    """Whether a row (or cell) between these offsets holds a value or a formula."""
    return _CONTENT.search(data, start, end) is not None


def letters(data: bytes, start: int, end: int) -> list[bytes]:
    """The column letters of every cell in a row's inside, in order; raises Unusual unless
    every cell is spelled `<c r="A1"`."""
    found = _LETTERS.findall(data, start, end)
    if b"" in found:  # one search for both (a count of "<c" beside it took a third longer)
        raise Unusual
    return found


def cell_start(data: bytes, column: bytes, start: int, end: int) -> int:
    """Where the row's one cell whose reference has the letters `column` begins."""
    needle = b'<c r="' + column
    at = data.index(needle, start, end)
    while not 48 <= data[at + len(needle)] <= 57:  # "AB3" while looking for column A
        at = data.index(needle, at + 1, end)
    return at


def cell(data: bytes, start: int, row_close: int) -> tuple[str | None, int, int, bool, bool, bool]:
    """A cell at `start`: (its r attribute, end, style, holds a formula, holds a shared formula
    others depend on, holds a value or formula)."""
    open_end = tag_end(data, start)
    tag = data[start:open_end]
    ref = attr(_R, tag)
    style_text = attr(_S, tag)
    style = int(style_text.strip()) if style_text and style_text.strip().isdigit() else 0
    if tag.endswith(b"/>"):
        return ref, open_end, style, False, False, False
    inside, end, formula, shared = _cell_inside(data, open_end, row_close)
    content = formula or has_content(data, open_end, inside)
    return ref, end, style, formula, shared, content


# A cell as a sync writes one (a value or an inline text, no formula, attributes in double
# quotes): where `cell_span`'s searches would find its end, this one match finds it (a later
# sync replaces about one such cell a row, the days since the last contact).
_WRITTEN_CELL = re.compile(rb'<c r="[A-Z]{1,3}[0-9]+"(?: [a-z]+="[^"<]*")*>'
                           rb'(?:<v>[^<]*</v>|<is><t(?: xml:space="preserve")?>[^<]*</t></is>)?'
                           rb"</c>")


def cell_span(data: bytes, start: int, row_close: int) -> tuple[int, bool, bool]:
    """`cell`'s end, holds a formula, holds a shared formula: what replacing it needs."""
    written = _WRITTEN_CELL.match(data, start, row_close)
    if written is not None:
        return written.end(), False, False
    return searched_cell_span(data, start, row_close)


def searched_cell_span(data: bytes, start: int, row_close: int) -> tuple[int, bool, bool]:
    """`cell_span` for any cell, by its tag's end and searches inside it."""
    open_end = tag_end(data, start)
    if data[open_end - 2 : open_end] == b"/>":
        return open_end, False, False
    _, end, formula, shared = _cell_inside(data, open_end, row_close)
    return end, formula, shared


def _cell_inside(data: bytes, open_end: int, row_close: int) -> tuple[int, int, bool, bool]:
    """For a cell whose start tag ends at `open_end`: where its end tag starts and ends,
    whether it holds a formula, and whether that is a shared formula others depend on."""
    inside, end = _cell_close(data, open_end, row_close)
    if _tag_at(data, b"<c", open_end, inside) >= 0:
        raise Unusual
    formula = _tag_at(data, b"<f", open_end, inside)
    if formula < 0:
        return inside, end, False, False
    f_tag = data[formula : tag_end(data, formula)]
    return inside, end, True, attr(_T, f_tag) == "shared" and _REF.search(f_tag) is not None


_NAME_ENDS = frozenset(b" \t\r\n/>")  # what may follow an element's name in its tag
NAME_ENDS = _NAME_ENDS


def _tag_at(data: bytes, name: bytes, start: int, end: int) -> int:
    """Where the first tag `name` (b"<c": not `<color`) begins in start..end, or -1; as a
    search for `name` then a space, `/` or `>`, which is slower."""
    at = data.find(name, start, end)
    size = len(name)
    while at >= 0 and not (at + size < end and data[at + size] in _NAME_ENDS):
        at = data.find(name, at + 1, end)
    return at


def _cell_close(data: bytes, start: int, end: int) -> tuple[int, int]:
    """Start and end of the first `</c>` (spaces allowed before its `>`) in start..end."""
    return _closing(data, b"</c", _CELL_CLOSE, start, end)


def cells(data: bytes, start: int, end: int) -> Iterator[tuple[int, tuple[str | None, int, int,
                                                                          bool, bool, bool]]]:
    """Every cell of a row's inside, in order, with its start (see `cell`)."""
    cursor = start
    for found in _CELL.finditer(data, start, end):
        at = found.start()
        if at < cursor or not _blank(data, cursor, at):
            raise Unusual
        parsed = cell(data, at, end)
        cursor = parsed[1]
        yield at, parsed
    if not _blank(data, cursor, end):
        raise Unusual
