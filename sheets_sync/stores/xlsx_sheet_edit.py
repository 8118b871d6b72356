"""Edit an existing worksheet part by its structure: owned cells, new rows, and the few
worksheet elements the tool keeps (column widths, its header note, the autofilter's width).

One parse finds where every row and cell begins and ends; each change is a splice at those
places, so every other byte (a person's cells, CDATA, comments, spacing, elements the tool does
not know) stays as it was. New elements go where CT_Worksheet's sequence puts them.
"""

from __future__ import annotations

import bisect
import functools
import operator
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, BinaryIO

from sheets_sync.core.cells import col_index, col_letter
from sheets_sync.errors import CannotPreserve
from sheets_sync.stores import xlsx_rels
from sheets_sync.stores import xlsx_sheet_scan as scan
from sheets_sync.stores.ooxml import (
    MAIN_NS,
    SAME_WHEN_EQUAL,
    TEXT_KEPT,
    CellWrite,
    cell_tail,
    cell_xml,
    ranges_overlap,
    rels_path,
    resolve_target,
)
from sheets_sync.stores.ooxml_order import MC_NS, WORKSHEET_ORDER, insertion_point
from sheets_sync.stores.xlsx_cell_bytes import ROW, SEPARATOR
from sheets_sync.stores.xml_spans import (
    _TAG_END,
    RESAVE,
    Element,
    Walker,
    escape,
    parse,
    pieces,
    pieces_of,
    set_attr,
    splice,
    write_gathered,
    write_spliced,
)
from sheets_sync.stores.zip_entries import Inflating

MAX_COLUMNS = 16384  # A..XFD
NOTE_TITLE = "sheets-sync"
_REF = re.compile(r"\$?([A-Z]{1,3})\$?(\d+)")
_LISTS = ("cols", "dataValidations")
_X14_VALIDATION = re.compile(r"<(?:\w+:)?dataValidation\b.*?</(?:\w+:)?dataValidation>", re.S)
_X14_SQREF = re.compile(r"<(?:\w+:)?sqref>([^<]*)</(?:\w+:)?sqref>")


class _Cell:
    __slots__ = ("col", "start", "end", "style", "formula", "shared", "content")

    def __init__(self, col: int | None, start: int, style: int) -> None:
        self.col, self.start, self.end, self.style = col, start, -1, style
        self.formula = self.shared = self.content = False


class _Layout:
    """The columns of a row's cells, in file order (rows of one sheet mostly share one)."""

    __slots__ = ("columns", "at", "ordered", "last", "shapes")

    def __init__(self, letters: list[bytes]) -> None:
        self.columns = [col_index(c.decode()) for c in letters]
        self.at = {column: i for i, column in enumerate(self.columns)}
        if len(self.at) != len(self.columns):
            raise scan.Unusual  # two cells in one column: the last one counts (_patch_row)
        self.ordered = all(a < b for a, b in zip(self.columns, self.columns[1:], strict=False))
        self.last = max(self.columns, default=-1)
        self.shapes: dict[tuple[int, ...], tuple[int, int] | None] = {}

    def shape(self, cols: tuple[int, ...]) -> tuple[int, int] | None:
        """For written columns `cols` (ascending): (index of the first cell there, how many of
        `cols` are there) when those there are the first of `cols` and the row's cells one
        after another in file order, and the others lie right of every cell of the row;
        None otherwise."""
        present = 0
        while present < len(cols) and cols[present] in self.at:
            present += 1
        if any(col <= self.last for col in cols[present:]):
            return None
        if not present:
            return -1, 0
        first = self.at[cols[0]]
        if self.columns[first : first + present] != list(cols[:present]):
            return None
        return first, present


class _Written:
    """The lowest and highest row and column cells were written in (the dimension hint's
    reach), kept as bounds: a set per row would cost more than the rows' new cells."""

    __slots__ = ("rows", "cols")

    def __init__(self) -> None:
        self.rows: tuple[int, ...] = ()
        self.cols: tuple[int, ...] = ()

    def add(self, row: int, cols: Iterable[int]) -> None:
        rows = self.rows
        if not rows:
            self.rows = (row, row)
        elif row < rows[0] or row > rows[1]:
            self.rows = (min(row, rows[0]), max(row, rows[1]))
        if cols:
            low, high = min(cols), max(cols)
            now = self.cols
            if not now:
                self.cols = (low, high)
            elif low < now[0] or high > now[1]:
                self.cols = (min(low, now[0]), max(high, now[1]))

    def add_span(self, row: int, low: int, high: int) -> None:
        """`add` for columns `low`..`high` (and any between)."""
        rows, now = self.rows, self.cols
        if rows and now and now[0] <= low and high <= now[1] and row >= rows[0]:
            if row > rows[1]:
                self.rows = (rows[0], row)  # rows come in sheet order, mostly
            return
        self.add(row, (low, high))

    def __bool__(self) -> bool:
        return bool(self.rows)


def _new_cells(encoded: Callable[[int], bytes | None] | None, number: int) -> bytes:
    """A row's new cells (`_patch_encoded`, none of them there before) made again."""
    made = encoded(number) if encoded is not None else None
    if made is None:
        raise RuntimeError(f"row {number}'s cells can no longer be made")
    return made.replace(ROW, _row_digits(number)).replace(SEPARATOR, b"")


def _row_digits(number: int) -> bytes:
    """A cell reference's row number and closing quote (what ROW stands for in encoded cells)."""
    return b"%d\"" % number


def _new_cells_size(encoded: bytes, number: int) -> int:
    """The length of `_new_cells` of these encoded cells, counted without making them."""
    return (len(encoded) + encoded.count(ROW) * (len(_row_digits(number)) - len(ROW))
            - encoded.count(SEPARATOR) * len(SEPARATOR))


class _Remade:
    """New bytes of an edit, kept as how to make them (and their length): a first sync's new
    cells are a third of the edited sheet, and made again from the plan as the part is
    written they need not all be held at once."""

    __slots__ = ("make", "key", "size")

    def __init__(self, make: Callable[[int], bytes], key: int, size: int) -> None:
        self.make, self.key, self.size = make, key, size

    def __bytes__(self) -> bytes:
        made = self.make(self.key)
        if len(made) != self.size:  # the part's size was given to the zip entry already
            raise RuntimeError("an edit's bytes changed between the plan and the write")
        return made

    def __len__(self) -> int:
        return self.size


class _Row:
    __slots__ = ("number", "element", "cells")

    def __init__(self, number: int | None, element: Element) -> None:
        self.number, self.element = number, element
        self.cells: list[_Cell] = []

    @property
    def content(self) -> bool:
        return any(c.content for c in self.cells)


_TAILS_KEPT = 50_000  # cell tails an edit keeps: owned columns repeat a few values
_HELD = 64 * 1024  # of a part read in pieces, the first bytes of cell data kept (drop_first)
_HEAD_MOST = 64 << 20  # read in pieces, <sheetData> must start within this many bytes

_C, _F, _V, _IS = (f"{MAIN_NS} {name}" for name in ("c", "f", "v", "is"))
_COLUMN_LETTERS = re.compile(r"\s*\$?([A-Z]{1,3})\$?\d+\s*")


class _SheetWalker(Walker):
    """Keeps the worksheet's top-level children (and the lists the tool edits); hands each row,
    with its cells, to the edit as soon as the row ends.

    Cells are the bulk of a sheet, so they take a short path: a cell is a `_Cell` (its column,
    style, span, and whether it holds a formula or a value), never an Element, and what is inside
    it is only glanced at."""

    def __init__(self, data: bytes, part: str, sheet: str, edit: SheetEdit) -> None:
        super().__init__(data, part)
        self.sheet = sheet
        self.edit = edit
        self.row: _Row | None = None
        self.cell: _Cell | None = None
        self.sheet_data: Element | None = None
        self._columns: dict[str, int] = {}
        self._cell_has_children = False

    def keep(self, element: Element, parent: Element) -> bool:
        if element.depth == 1:
            return True
        if element.depth == 2:
            return parent.name in _LISTS or parent.ns == MC_NS
        return element.depth == 3 and parent.ns == MC_NS

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if self._below:
            self._below += 1
            cell = self.cell
            if cell is not None and self._below == 2:
                self._cell_has_children = True
                if name == _F:
                    cell.formula = cell.content = True
                    if attrs.get("t") == "shared" and "ref" in attrs:
                        cell.shared = True
                elif name == _V or name == _IS:
                    cell.content = True
            return
        if self.row is not None and len(self.stack) == 3:
            self._below = 1  # a row's child: everything under it takes the short path
            self._cell_has_children = False
            if name == _C:
                self.cell = _Cell(self._column(attrs.get("r", "")),
                                  self._parser.CurrentByteIndex, _style(attrs.get("s")))
            return
        super()._start(name, attrs)

    def _end(self, name: str) -> None:
        if self._below:
            self._below -= 1
            cell = self.cell
            if not self._below and cell is not None:
                index = self._parser.CurrentByteIndex
                data = self.data
                if (not self._cell_has_children and data[index - 2 : index] == b"/>"
                        and _tag_end(data, cell.start) == index):
                    cell.end = index
                else:
                    cell.end = data.index(b">", index) + 1
                assert self.row is not None
                self.row.cells.append(cell)
                self.cell = None
            return
        super()._end(name)

    def _column(self, ref: str) -> int | None:
        match = _COLUMN_LETTERS.fullmatch(ref)
        if not match:
            return None
        letters = match.group(1)
        column = self._columns.get(letters)
        if column is None:
            column = self._columns[letters] = col_index(letters)
        return column

    def started(self, element: Element) -> None:
        depth = element.depth
        if depth == 0:
            if element.name != "worksheet" or element.ns != MAIN_NS or element.prefix:
                raise CannotPreserve(
                    f"Sheet '{self.sheet}' ({self.part}) is written in a form of SpreadsheetML "
                    "this tool cannot edit safely", RESAVE)
        elif depth == 1 and element.name == "sheetData":
            self.sheet_data = element
        elif depth == 2 and element.name == "row" and self.stack[-2] is self.sheet_data:
            number = element.attrs.get("r", "")
            self.row = _Row(int(number) if number.strip().isdigit() else None, element)

    def ended(self, element: Element) -> None:
        if self.row is not None and element is self.row.element:
            self.edit._row_ended(self.row)
            self.row = None


def _column_of(ref: str | None) -> int | None:
    match = _COLUMN_LETTERS.fullmatch(ref or "")
    return col_index(match.group(1)) if match else None


def _style(value: str | None) -> int:
    if not value:
        return 0
    value = value.strip()
    return int(value) if value.isdigit() else 0


def _tag_end(data: bytes, start: int) -> int:
    match = _TAG_END.match(data, start)
    assert match is not None
    return match.end()


class SheetEdit:
    """A worksheet part, parsed once, and the splices made to it; `xml()` gives the result.

    `updates` (sheet row -> column index -> value) are written as the rows stream past. Rows
    numbered above `keep_after` are remembered with their cells, for `append_rows`. `checked`
    says expat already found every byte of `data` well-formed (the read's check of the same
    bytes), so the cell data in the plain form is not parsed again.

    `data` may be an `Inflating` part, never unpacked whole: its cell data is read and edited
    a piece at a time, and only what lies outside <sheetData> is held (`data` is then those
    bytes, and the elements' offsets are offsets into them); `write` unpacks it again as it
    writes. The splices (`edits`) are offsets into the whole part either way.
    """

    def __init__(
        self,
        data: bytes | Inflating,
        part: str,
        sheet: str,
        updates: Mapping[int, Mapping[int, CellWrite]] | None = None,
        date1904: bool = False,
        keep_after: int | None = None,
        checked: bool = False,
    ) -> None:
        self.checked = checked  # `data` is what the read found well-formed (expat, every byte)
        self.part = part
        self.sheet = sheet
        self.date1904 = date1904
        self.updates = updates if updates is not None else {}  # may build rows as asked
        # Rows whose writes come as bytes, all in the same columns (EncodedRows.encoded).
        self._encoded = getattr(self.updates, "encoded", None)
        self._encoded_columns: tuple[int, ...] = getattr(self.updates, "columns", ())
        if not self._encoded_columns or self._encoded_columns[-1] >= MAX_COLUMNS:
            self._encoded = None
        # Holds the rows' encoder, not this edit: an edit held by its own edits would outlive
        # the write without the cycle collector.
        self._remake = functools.partial(_new_cells, self._encoded)
        self.keep_after = keep_after
        self._layouts: dict[bytes, _Layout] = {}
        self._heads: dict[int, bytes] = {}  # column -> b'<c r="AB'
        self._tails: dict[tuple[Any, ...], bytes] = {}
        # Read in pieces: the part, where its cell data begins in it and how long that is
        # (data's offsets from `_gap_at` on are the part's less `_gap`), and the first bytes of
        # the cell data (for `drop_first`).
        self._source: Inflating | None = None
        self._gap_at = self._gap = 0
        self._held = b""
        self._window_at: tuple[bytes, int] | None = None  # the piece being read, its offset
        if isinstance(data, Inflating):
            if self._scan_streamed(data):
                self._source = data
                self._insert_new_rows(
                    {n: self.updates[n] for n in self.updates if n not in self._seen})
                return
            data = data.whole()  # not in the form read in pieces: edited whole, as ever
        self.data = data
        if not self._scan_plain():
            self._reset()
            walker = _SheetWalker(data, part, sheet, self)
            self.root = walker.run()
            if walker.sheet_data is None:
                raise CannotPreserve(f"Sheet '{sheet}' has no cell data section", RESAVE)
            self.sheet_data = walker.sheet_data
        self._insert_new_rows({n: self.updates[n] for n in self.updates if n not in self._seen})

    def _reset(self) -> None:
        self.kept: dict[int, _Row] = {}
        self.replaced_formula = False
        self.edits: list[tuple[int, int, bytes]] = []
        self._numbers: list[int] = []
        self._ends: list[int] = []
        self._seen: set[int] = set()
        self._written = _Written()
        self._last_content = 0
        self._kept_at: dict[int, tuple[bytes, int]] = {}  # a kept row's piece, its offset
        self._changed = False  # read in pieces: whether an edit so far alters the part

    def _scan_plain(self) -> bool:
        """Read the rows by searching the bytes (xlsx_sheet_scan); False when the cell data is
        not in the plain form that reading is exact for."""
        self._reset()
        data = self.data
        span = scan.sheet_data(data)
        if span is None:
            return False
        walker = _SheetWalker(data, self.part, self.sheet, self)

        def checked() -> bool:  # the cell data need not be parsed again
            root = walker.root
            return root is not None and scan.prefixes_declared(
                data, [data[root.start : root.open_end(data)], data[span[0] : span[1]]],
                span[1], span[2])

        root = walker.run(skip=span[1:], checked=checked if self.checked else None)
        sheet_data = walker.sheet_data
        if sheet_data is None or sheet_data.start != span[0] or sheet_data.close != span[2]:
            return False
        self.root, self.sheet_data = root, sheet_data
        try:
            for ref, start, open_end, close, end in scan.rows(data, span[1], span[2]):
                self._plain_row(ref, start, open_end, close, end)
        except scan.Unusual:
            return False
        return True

    def _scan_streamed(self, source: Inflating) -> bool:
        """`_scan_plain` for a part read a piece at a time: each piece is cut before its last
        row's start, so it holds whole rows, and those rows are read and patched by the same
        code. Only the bytes outside <sheetData> are kept (`data`). False, with nothing of it
        kept, when the part is not one this reads exactly or any check fails (the caller then
        edits it whole, which finds the same or refuses as it always did)."""
        self._reset()
        self.data = b""
        chunks = source.pieces()
        walker: _SheetWalker | None = None
        try:
            found = self._head(chunks)
            if found is None:
                return False
            head, carry, open_start = found
            inner = len(head)
            walker = _SheetWalker(head, self.part, self.sheet, self)
            walker.begin()
            walker.feed(head)
            root = walker.root
            if root is None:
                return False
            ancestors = ([head[root.start : root.open_end(head)], head[open_start:inner]]
                         if self.checked else None)
            base = inner  # the part's offset of carry[0]
            while True:
                close = _close_at(carry)
                cut = close if close >= 0 else _last_row_at(carry)
                if cut > 0 or close == 0:
                    if (scan.other_at(carry, 0, cut) or carry.find(b"xmlns", 0, cut) >= 0
                            or ancestors is not None
                            and not scan.prefixes_declared(carry, ancestors, 0, cut)):
                        return False
                    if ancestors is None:  # not checked by the read: expat checks it here
                        walker.feed(memoryview(carry)[:cut], hooks=False)
                        walker.not_held(cut)
                    if len(self._held) == base - inner < _HELD:
                        self._held += carry[: min(cut, _HELD - len(self._held))]
                    self._in_window(carry, base, self._scan_rows, cut)
                    if close >= 0:
                        break
                    base += cut
                more = next(chunks, None)
                if more is None:
                    return False  # no </sheetData>
                carry = carry[cut:] + more if cut > 0 else carry + more
            tail = b"".join([carry[cut:], *chunks])  # checks the part's size and CRC
            self.data = walker.data = head + tail
            walker.feed(tail, final=True)
            walker.close()
            sheet_data = walker.sheet_data
            if sheet_data is None or sheet_data.start != open_start or sheet_data.close != inner:
                return False
            self.root, self.sheet_data = walker.root_element(), sheet_data
            self._gap_at, self._gap = inner, base + cut - inner
            return True
        except (CannotPreserve, scan.Unusual, zlib.error):
            return False
        finally:
            if walker is not None:
                walker.close()

    @staticmethod
    def _head(chunks: Iterator[bytes]) -> tuple[bytes, bytes, int] | None:
        """The part's bytes up to the end of its <sheetData> start tag, the bytes of the next
        piece after them, and where that start tag begins; None when there is none, or it is
        empty, or it is not found in the first `_HEAD_MOST` bytes."""
        buffer = bytearray()
        start = -1
        for chunk in chunks:
            searched = max(len(buffer) - 16, 0)
            buffer += chunk
            if start < 0:
                found = scan.SHEET_DATA.search(buffer, searched)
                if found is None:
                    if len(buffer) > _HEAD_MOST:
                        return None
                    continue
                start = found.start()
            tag_end = _TAG_END.match(buffer, start)
            if tag_end is None:
                if len(buffer) > _HEAD_MOST:
                    return None
                continue  # the start tag goes on in the next piece
            inner = tag_end.end()
            if buffer[inner - 2 : inner] == b"/>":
                return None
            return bytes(buffer[:inner]), bytes(buffer[inner:]), start
        return None

    def _scan_rows(self, end: int) -> None:
        for ref, start, open_end, close, row_end in scan.rows(self.data, 0, end):
            self._plain_row(ref, start, open_end, close, row_end)

    def _in_window(self, data: bytes, base: int, work: Callable[..., None], *args: Any) -> None:
        """`work(*args)` on `data`, the part's bytes from offset `base` (a piece read in
        pieces): the edits it makes and the row ends it records are offsets into the part."""
        held, edits, ends = self.data, self.edits, len(self._ends)
        self.data, self.edits, self._window_at = data, [], (data, base)
        try:
            work(*args)
        finally:
            made = self.edits
            self.data, self.edits, self._window_at = held, edits, None
        if not self._changed:
            self._changed = any(data[start:end] != new for start, end, new in made)
        if base:
            self._ends[ends:] = [end + base for end in self._ends[ends:]]
            made = [(start + base, end + base, new) for start, end, new in made]
        self.edits.extend(made)

    def _put(self, start: int, end: int, new: bytes) -> None:
        """An edit at offsets of `data` (outside the cell data, where read in pieces)."""
        if self._source is not None:
            if not self._changed:
                self._changed = self.data[start:end] != new
            if start >= self._gap_at:
                start, end = start + self._gap, end + self._gap
        self.edits.append((start, end, new))

    def _hold_whole(self) -> None:
        """From now on edit the part held whole (its edits stay as they are; the elements'
        offsets no longer match `data`, so only the output may be asked for after this)."""
        if self._source is not None:
            self.data, self._source = self._source.whole(), None

    def _plain_row(self, ref: str | None, start: int, open_end: int, close: int,
                   end: int) -> None:
        number = int(ref) if ref is not None and ref.strip().isdigit() else None
        if number is None or number in self._seen:
            self._register(number, end)  # refuses the row
        assert number is not None
        self._seen.add(number)
        self._numbers.append(number)
        self._ends.append(end)
        if self.keep_after is None:
            encoded = self._encoded(number) if self._encoded is not None else None
            if encoded is None or not self._patch_encoded(number, start, open_end, close, end,
                                                           encoded):
                writes = self.updates.get(number)
                if writes is not None:
                    self._patch_plain_row(number, start, open_end, close, end, writes)
            return
        writes = self.updates.get(number)
        if writes is None and number <= self.keep_after:
            # Whether it holds a value does not matter: append_rows starts below keep_after.
            return
        element = Element(MAIN_NS, "row", "", {}, 2, start)
        element.close, element.end = close, end
        row = _Row(number, element)
        for at, (cell_ref, cell_end, style, formula, shared, content) in scan.cells(
                self.data, open_end, close):
            cell = _Cell(_column_of(cell_ref), at, style)
            cell.end, cell.formula, cell.shared, cell.content = cell_end, formula, shared, content
            row.cells.append(cell)
        self._row_done(row)

    def _layout_of(self, open_end: int, close: int) -> tuple[list[bytes], _Layout]:
        """The cell letters of the row whose cells lie between `open_end` and `close`, and the
        layout of rows whose cells are those (worked out once per such set of letters)."""
        refs = scan.letters(self.data, open_end, close)
        key = b" ".join(refs)
        layout = self._layouts.get(key)
        if layout is None:
            layout = self._layouts[key] = _Layout(refs)
        return refs, layout

    def _patch_encoded(self, number: int, start: int, open_end: int, close: int, end: int,
                       encoded: bytes) -> bool:
        """A row's writes given as bytes (`EncodedRows`) where the row's cells take one of the
        two usual shapes: none of the written columns is there yet and all go at the row's end
        (a first sync), or those that are there come first and one after another, and the
        rest go at the row's end (a later one). False, with nothing done, for any other
        shape."""
        data = self.data
        refs, layout = self._layout_of(open_end, close)
        cols = self._encoded_columns
        shape = layout.shapes.get(cols, False)
        if shape is False:
            shape = layout.shapes[cols] = layout.shape(cols)
        if shape is None:
            return False
        first, present = shape
        self._written.add_span(number, cols[0], cols[-1])
        if not present and close != end:
            # A first sync: the row's cells are made again when written, so only their length
            # is needed here.
            size = _new_cells_size(encoded, number)
            if size:
                old_tag = data[start:open_end]
                tag = self._spans(old_tag, cols)
                if tag != old_tag:
                    self.edits.append((start, open_end, tag))
                self.edits.append((close, close, _Remade(self._remake, number, size)))
            return True
        cells = encoded.replace(ROW, _row_digits(number))
        if present:
            pieces = cells.split(SEPARATOR)
            self._rewrite_run(number, refs, first, pieces[:present], open_end, close)
            new = b"".join(pieces[present:])
        else:
            new = cells.replace(SEPARATOR, b"")
        if new:
            self._insert_plain(start, open_end, close, end, cols, [new], [close])
        return True

    def _rewrite_run(self, number: int, refs: list[bytes], first: int, pieces: list[bytes],
                     open_end: int, close: int) -> None:
        """The cells at `first` and after (letters `refs`) given the bytes `pieces`: a cell
        already so is left, another replaced. Each is looked for where the one before ends."""
        data, edits = self.data, self.edits
        cursor = scan.cell_start(data, refs[first], open_end, close)
        for index, new in enumerate(pieces, first):
            if new and data.startswith(new, cursor):
                cursor += len(new)  # a whole element, so the cell is exactly this already
                continue
            head = b'<c r="' + refs[index]
            if not (data.startswith(head, cursor) and 48 <= data[cursor + len(head)] <= 57):
                cursor = scan.cell_start(data, refs[index], open_end, close)  # space between
                if new and data.startswith(new, cursor):
                    cursor += len(new)
                    continue
            cell_end, formula, shared = scan.cell_span(data, cursor, close)
            if shared:
                raise self._shared_formula(f"{refs[index].decode()}{number}")
            if new != data[cursor:cell_end]:
                self.replaced_formula |= formula
                edits.append((cursor, cell_end, new))
            cursor = cell_end

    def _patch_plain_row(self, number: int, start: int, open_end: int, close: int, end: int,
                         writes: Mapping[int, CellWrite]) -> None:
        """`_patch_row` for a plain row: only the cells written to (or written before) are
        looked at; the others are known by their references alone. Written cells that follow
        one another in the row are found where the one before ends, without a search."""
        data = self.data
        refs, layout = self._layout_of(open_end, close)
        columns, at, ordered = layout.columns, layout.at, layout.ordered
        inserted: list[bytes] = []
        insert_at: list[int] = []
        heads, tail_of = self._heads, self._tail
        digits = _row_digits(number)
        cursor = follows = -1  # where the cell after the last one looked at begins, its index
        for col in sorted(writes):
            head = heads.get(col)
            if head is None:
                self._check_column(col)
                head = heads[col] = b'<c r="' + col_letter(col).encode()
            value, style = writes[col]
            index = at.get(col)
            if index is not None:
                if (index == follows and data.startswith(head, cursor)
                        and 48 <= data[cursor + len(head)] <= 57):
                    cell_at = cursor
                else:
                    cell_at = scan.cell_start(data, refs[index], open_end, close)
                new = b""
                if style is not None:
                    tail = tail_of(value, style)
                    if tail:
                        new = head + digits + tail
                        if data.startswith(new, cell_at):
                            # a whole element, so the cell is exactly this already
                            cursor, follows = cell_at + len(new), index + 1
                            continue
                _, cell_end, old_style, formula, shared, _ = scan.cell(data, cell_at, close)
                if shared:
                    raise self._shared_formula(f"{col_letter(col)}{number}")
                if style is None:
                    tail = tail_of(value, old_style)
                    new = head + digits + tail if tail else b""
                if new != data[cell_at:cell_end]:
                    self.replaced_formula |= formula
                    self.edits.append((cell_at, cell_end, new))
                cursor, follows = cell_end, index + 1
                continue
            tail = tail_of(value, style)
            if tail:
                if ordered:
                    after = bisect.bisect_right(columns, col)
                else:
                    after = next((i for i, c in enumerate(columns) if c > col), len(columns))
                inserted.append(head + digits + tail)
                insert_at.append(close if after == len(columns) else
                                 scan.cell_start(data, refs[after], open_end, close))
        self._written.add(number, writes)
        if inserted:
            self._insert_plain(start, open_end, close, end, writes, inserted, insert_at)

    def _tail(self, value: Any, style: int | None) -> bytes:
        """What follows a cell's reference (ooxml.cell_xml), kept by value for the values
        whose equal ones are written alike (its SAME_WHEN_EQUAL rule)."""
        kind = value.__class__
        if kind in SAME_WHEN_EQUAL and (kind is not str or len(value) <= TEXT_KEPT) or (
                kind is datetime and value.tzinfo is None):
            key = (kind, value, style)
            tail = self._tails.get(key)
            if tail is None:
                if len(self._tails) >= _TAILS_KEPT:
                    self._tails.clear()
                tail = self._tails[key] = cell_tail(value, style, self.date1904).encode()
            return tail
        return cell_tail(value, style, self.date1904).encode()

    # -- rows and cells ---------------------------------------------------------------------

    def _register(self, number: int | None, end: int) -> None:
        if number is None:
            raise CannotPreserve(
                f"Sheet '{self.sheet}' has rows without row numbers, which this tool cannot "
                "edit safely", RESAVE)
        if number in self._seen:
            raise CannotPreserve(
                f"Sheet '{self.sheet}' has two rows numbered {number}, which this tool cannot "
                "edit safely", RESAVE)
        self._seen.add(number)
        self._numbers.append(number)
        self._ends.append(end)

    def _row_ended(self, row: _Row) -> None:
        self._register(row.number, row.element.end)
        self._row_done(row)

    def _row_done(self, row: _Row) -> None:
        number = row.number
        assert number is not None
        if row.content:
            self._last_content = max(self._last_content, number)
        if number in self.updates:
            self._patch_row(row, self.updates[number])
        elif self.keep_after is not None and number > self.keep_after:
            self.kept[number] = row
            if self._window_at is not None:
                self._kept_at[number] = self._window_at

    def _patch_row(self, row: _Row, writes: Mapping[int, CellWrite]) -> None:
        number = row.number
        assert number is not None
        existing: dict[int, _Cell] = {}
        for cell in row.cells:
            if cell.col is None:
                raise CannotPreserve(
                    f"Sheet '{self.sheet}' row {number} has cells without references", RESAVE)
            existing[cell.col] = cell
        inserted: list[bytes] = []
        insert_at: list[int] = []
        columns = [c.col for c in row.cells if c.col is not None]
        ordered = all(columns[i] < columns[i + 1] for i in range(len(columns) - 1))
        for col in sorted(writes):
            self._check_column(col)
            write = writes[col]
            ref = f"{col_letter(col)}{number}"
            old = existing.get(col)
            style = write.style
            if old is not None:
                if old.shared:
                    raise self._shared_formula(ref)
                if style is None:
                    style = old.style
                new = cell_xml(ref, write.value, style, self.date1904).encode()
                if new != self.data[old.start : old.end]:
                    self.replaced_formula |= old.formula
                    self.edits.append((old.start, old.end, new))
                continue
            new = cell_xml(ref, write.value, style, self.date1904).encode()
            if new:
                if ordered:
                    position = bisect.bisect_right(columns, col)
                    after = row.cells[position].start if position < len(columns) else None
                else:
                    after = next((c.start for c in row.cells if c.col is not None and c.col > col),
                                 None)
                inserted.append(new)
                insert_at.append(row.element.close if after is None else after)
        self._written.add(number, writes)
        if inserted:
            self._insert_cells(row.element, writes, inserted, insert_at)

    def _shared_formula(self, ref: str) -> CannotPreserve:
        return CannotPreserve(
            f"Cell {ref} on '{self.sheet}' holds a shared formula that other cells "
            "depend on, in a column this tool writes",
            "move that formula out of the tool's columns, then run sync again",
        )

    def _insert_cells(self, element: Element, writes: Mapping[int, CellWrite],
                      inserted: list[bytes], insert_at: list[int]) -> None:
        self._insert_plain(element.start, element.open_end(self.data), element.close,
                           element.end, writes, inserted, insert_at)

    def _insert_plain(self, start: int, open_end: int, close: int, end: int,
                      writes: Mapping[int, CellWrite], inserted: list[bytes],
                      insert_at: list[int]) -> None:
        """New cells into the row at start..end (its start tag ends at open_end, its end tag
        begins at close), with the row's `spans` hint widened to them."""
        old_tag = self.data[start:open_end]
        tag = self._spans(old_tag, writes)
        if close == end:  # <row .../>
            new_row = tag[:-2].rstrip() + b">" + b"".join(inserted) + b"</row>"
            self.edits.append((start, end, new_row))
            return
        if tag != old_tag:
            self.edits.append((start, open_end, tag))
        # Cells going in at one place (the row's end, mostly) make one splice.
        at, run = insert_at[0], [inserted[0]]
        for point, new in zip(insert_at[1:], inserted[1:], strict=True):
            if point != at:
                self.edits.append((at, at, b"".join(run)))
                at, run = point, []
            run.append(new)
        self.edits.append((at, at, b"".join(run)))

    @staticmethod
    def _spans(tag: bytes, writes: Mapping[int, CellWrite]) -> bytes:
        """A row's optional `spans` hint widened to the new cells (left alone when it covers)."""
        if b"spans" not in tag:
            return tag
        match = re.search(rb"""\sspans\s*=\s*["']([^"']*)["']""", tag)
        if not match:
            return tag
        bounds = [int(n) for n in re.findall(rb"\d+", match.group(1))]
        if not bounds:
            return tag
        low, high = min(bounds), max(bounds)
        cols = [c + 1 for c in writes]
        if min(cols) >= low and max(cols) <= high:
            return tag
        return set_attr(tag, "spans", f"{min(low, *cols)}:{max(high, *cols)}")

    def _check_column(self, col: int) -> None:
        if col >= MAX_COLUMNS:
            raise CannotPreserve(
                f"Sheet '{self.sheet}' has no room for the tool's columns: they would go past "
                "column XFD, the last column Excel has",
                "delete the unused columns at the right of the sheet, then run sync again",
            )

    def _insert_new_rows(self, rows: Mapping[int, Mapping[int, CellWrite]]) -> None:
        """Rows not in the part yet, each right after the row with the greatest number below
        it (so rows a person wrote out of order gain no duplicate), or first in sheetData."""
        if not rows:
            return
        order = sorted(range(len(self._numbers)), key=self._numbers.__getitem__)
        numbers = [self._numbers[i] for i in order]
        ends = [self._ends[i] for i in order]
        sheet_data = self.sheet_data
        first = sheet_data.start if sheet_data.empty else sheet_data.open_end(self.data)
        pieces: list[tuple[int, bytes]] = []
        for number in sorted(rows):
            body = b""
            for col in sorted(rows[number]):
                self._check_column(col)
                write = rows[number][col]
                body += cell_xml(
                    f"{col_letter(col)}{number}", write.value, write.style, self.date1904
                ).encode()
            self._written.add(number, rows[number])
            if not body:
                continue
            below = bisect.bisect_left(numbers, number)
            at = ends[below - 1] if below else first
            pieces.append((at, f'<row r="{number}">'.encode() + body + b"</row>"))
        if not pieces:
            return
        self._changed = True
        if sheet_data.empty:
            tag = self.data[sheet_data.start : sheet_data.end]
            new = tag[:-2].rstrip() + b">" + b"".join(p for _, p in pieces) + b"</sheetData>"
            self.edits.append((sheet_data.start, sheet_data.end, new))
        else:
            self.edits.extend((at, at, piece) for at, piece in pieces)

    def append_rows(self, records: list[Mapping[int, CellWrite]]) -> tuple[int, int]:
        """Write `records` as rows below the last row `keep_after` names and below every row
        that holds a value or a formula, so an appended row never merges into one of a
        person's rows. Returns the first and last row numbers written."""
        assert self.keep_after is not None
        first = max(self.keep_after, self._last_content) + 1
        new: dict[int, Mapping[int, CellWrite]] = {}
        for offset, cells in enumerate(records):
            number = first + offset
            if number in self.kept:
                window = self._kept_at.get(number)
                if window is None:
                    self._patch_row(self.kept[number], cells)
                else:  # read in pieces: the row's piece was kept with it
                    self._in_window(*window, self._patch_row, self.kept[number], cells)
            else:
                new[number] = cells
        self._insert_new_rows(new)
        return first, first + len(records) - 1

    # -- worksheet elements -------------------------------------------------------------------

    def child(self, name: str) -> Element | None:
        return next(
            (c for c in self.root.children if c.name == name and c.ns == MAIN_NS), None
        )

    def insert(self, name: str, element: bytes) -> None:
        """A new top-level element at its place in CT_Worksheet's sequence."""
        point = insertion_point(self.root, name, WORKSHEET_ORDER)
        self._put(point, point, element)

    def grow_dimension(self) -> None:
        """The <dimension> hint widened to the cells written (left alone when it covers)."""
        dimension = self.child("dimension")
        if dimension is None or not self._written:
            return
        ends = [_REF.fullmatch(p.strip()) for p in dimension.attrs.get("ref", "").split(":")]
        if not ends or not all(ends):
            return
        cols = [col_index(m.group(1)) for m in ends if m]
        rows = [int(m.group(2)) for m in ends if m]
        written = self._written
        c1, c2 = min([*cols, *written.cols]), max([*cols, *written.cols])
        r1, r2 = min([*rows, *written.rows]), max([*rows, *written.rows])
        ref = f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}"
        if ref == dimension.attrs.get("ref"):
            return
        open_end = dimension.open_end(self.data)
        tag = set_attr(self.data[dimension.start : open_end], "ref", ref)
        self._put(dimension.start, open_end, tag)

    def ensure_column_widths(self, widths: Mapping[int, float]) -> None:
        """Give the listed columns (0-based) a width where no <col> entry covers them yet; each
        new entry goes among the existing ones in column order."""
        cols = self.child("cols")
        entries = [c for c in cols.children if c.name == "col"] if cols is not None else []
        covered = [(_int(e.attrs.get("min")), _int(e.attrs.get("max"))) for e in entries]
        new = [
            (c + 1, f'<col min="{c + 1}" max="{c + 1}" width="{w}" customWidth="1"/>'.encode())
            for c, w in sorted(widths.items())
            if not any(a <= c + 1 <= b for a, b in covered)
        ]
        if not new:
            return
        if cols is None:
            self.insert("cols", b"<cols>" + b"".join(e for _, e in new) + b"</cols>")
            return
        if cols.empty:
            tag = self.data[cols.start : cols.end]
            body = b"".join(e for _, e in new)
            self._put(cols.start, cols.end, tag[:-2].rstrip() + b">" + body + b"</cols>")
            return
        for column, element in new:
            after = next((e.start for e in entries if _int(e.attrs.get("min")) > column), None)
            at = cols.close if after is None else after
            self._put(at, at, element)

    def set_header_note(self, sqref: str, text: str) -> None:
        """An input message on the owned header cells (shown when one is selected), saying who
        owns them. Replaces the tool's own earlier note; left out where a person's validation
        overlaps those cells."""
        element = (
            f'<dataValidation type="none" allowBlank="1" showInputMessage="1" '
            f'promptTitle="{NOTE_TITLE}" prompt="{escape(text)}" sqref="{sqref}"/>'
        ).encode()
        if any(ranges_overlap(other, sqref) for other in self._extension_validations()):
            return  # a person's validation (in Excel 2010's extension list) covers these cells
        block = self.child("dataValidations")
        if block is None:
            self.insert(
                "dataValidations", b'<dataValidations count="1">' + element + b"</dataValidations>"
            )
            return
        entries = [c for c in block.children if c.name == "dataValidation"]
        ours = [e for e in entries if e.attrs.get("promptTitle") == NOTE_TITLE]
        theirs = [e for e in entries if e not in ours]
        overlap = any(ranges_overlap(e.attrs.get("sqref", ""), sqref) for e in theirs)
        if not overlap and len(ours) == 1 and self.data[ours[0].start : ours[0].end] == element:
            return
        if block.empty:  # <dataValidations/>: nothing of a person's to keep or overlap
            tag = set_attr(self.data[block.start : block.end], "count", "1")
            new = tag[:-2].rstrip() + b">" + element + b"</dataValidations>"
            self._put(block.start, block.end, new)
            return
        count = len(theirs) + (0 if overlap else 1)
        if count == 0:
            self._put(block.start, block.end, b"")
            return
        for e in ours:
            self._put(e.start, e.end, b"")
        open_end = block.open_end(self.data)
        tag = self.data[block.start : open_end]
        if b"count" in tag:
            self._put(block.start, open_end, set_attr(tag, "count", str(count)))
        if not overlap:
            self._put(block.close, block.close, element)

    def _extension_validations(self) -> list[str]:
        """The ranges of the validations Excel 2010 and later keep in the worksheet's extension
        list (lists drawn from another tab), read from that element's own bytes."""
        extension = self.child("extLst")
        if extension is None:
            return []
        inner = self.data[extension.start : extension.end].decode("utf-8", "replace")
        return [
            m.group(1)
            for block in _X14_VALIDATION.findall(inner)
            for m in _X14_SQREF.finditer(block)
        ]

    def widen_autofilter(self, header_row: int, last_col: int) -> None:
        """The person's autofilter, where it starts on the header row, reaches `last_col` (so
        sorting from it keeps the tool's columns with their rows); nothing else of it changes."""
        autofilter = self.child("autoFilter")
        if autofilter is None:
            return
        ends = [_REF.fullmatch(p.strip()) for p in autofilter.attrs.get("ref", "").split(":")]
        if len(ends) != 2 or not all(ends):
            return
        (c1, r1), (c2, r2) = ((col_index(m.group(1)), int(m.group(2))) for m in ends if m)
        if r1 != header_row or c2 >= last_col:
            return
        open_end = autofilter.open_end(self.data)
        ref = f"{col_letter(c1)}{r1}:{col_letter(last_col)}{r2}"
        tag = set_attr(self.data[autofilter.start : open_end], "ref", ref)
        self._put(autofilter.start, open_end, tag)

    def xml(self) -> bytes:
        if self._source is not None:
            return b"".join(pieces_of(self._source.pieces(), self.edits))
        return splice(self.data, self.edits)

    def changed(self) -> bool:
        """Whether any splice alters the part."""
        if self._source is not None:
            return self._changed  # each edit was compared as it was made
        data = self.data
        return any(data[start:end] != new for start, end, new in self.edits)

    def drop_first(self, pattern: re.Pattern[str], within: int) -> bool:
        """Remove the first match of `pattern` in the edited part's text when it starts within
        its first `within` characters (as `pattern.sub(..., count=1)` on the part would, after
        `pattern.search(text[:within])`). Call it last: it may leave the edits as one."""
        self.edits.sort(key=_SPAN)  # stable, as splice orders them; later sorts are cheap
        size = 4 * within + 4096
        head = self._output_head(size) if self._source is not None else None
        if head is None:
            self._hold_whole()
            head = b"".join(_prefix(pieces(self.data, self.edits), size))
        text = head.decode("utf-8", "ignore")  # only a character cut at the end is lost
        if not pattern.search(text[:within]):
            return False
        match = pattern.search(text)
        assert match is not None
        start = len(text[: match.start()].encode("utf-8"))
        end = start + len(match.group(0).encode("utf-8"))
        source = self._source_offset(start, end)
        if source is None:
            self._hold_whole()
            self.data, self.edits = self.xml(), []
            source = start
        self.edits.append((source, source + end - start, b""))
        self._changed = True
        return True

    def _output_head(self, size: int) -> bytes | None:
        """The first `size` bytes of the edited part (fewer when it is shorter) from what is
        held of a part read in pieces (the bytes before the cell data and the first `_HELD` of
        it); None when those do not settle them. `edits` must be sorted."""
        held = self.data[: self._gap_at] + self._held
        if len(self._held) == self._gap:  # the whole cell data is held: so is the whole part
            held += self.data[self._gap_at :]
        usable = []
        for start, end, new in self.edits:
            if end > len(held):
                held = held[:start]  # the edited part is known up to this edit's start
                break
            usable.append((start, end, new))
        head = b"".join(_prefix(pieces(held, usable), size))
        if len(head) < size and len(held) < self._source.size:  # type: ignore[union-attr]
            return None
        return head[:size]

    def _source_offset(self, start: int, end: int) -> int | None:
        """Where bytes start..end of the edited part lie in the part as read, or None when an
        edit made them."""
        out = cursor = 0
        for at, until, new in self.edits:  # sorted by drop_first
            kept_until = out + (at - cursor)  # output out..kept_until is the part's cursor..at
            if end <= kept_until:
                return cursor + (start - out)
            if start < kept_until + len(new):
                return None
            out, cursor = kept_until + len(new), until
        return cursor + (start - out)

    def size(self) -> int:
        """The length of the edited part."""
        whole = self._source.size if self._source is not None else len(self.data)
        return whole + sum(len(new) - (end - start) for start, end, new in self.edits)

    def write(self, out: BinaryIO) -> None:
        """The edited part into `out` (a zip entry, say) without building it whole first (nor
        unpacking it whole, where it is read in pieces)."""
        if self._source is not None:
            write_gathered(pieces_of(self._source.pieces(), self.edits), out)
            return
        write_spliced(self.data, self.edits, out)


_SPAN = operator.itemgetter(0, 1)
_CLOSE = b"</sheetData"


def _close_at(data: bytes) -> int:
    """Where the first `</sheetData>` in `data` begins, or -1 (also when it may go on past
    `data`'s end)."""
    at = data.find(_CLOSE)
    while at >= 0 and scan.SHEET_DATA_CLOSE.match(data, at) is None:
        at = data.find(_CLOSE, at + 1)
    return at


def _last_row_at(data: bytes) -> int:
    """Where the last row start tag in `data` begins (its name ended within `data`), or -1:
    in plain cell data everything before it is whole rows."""
    at = data.rfind(b"<row")
    while at >= 0 and (at + 4 >= len(data) or data[at + 4] not in scan.NAME_ENDS):
        at = data.rfind(b"<row", 0, at)
    return at


def _prefix(parts: Iterator[bytes | memoryview], size: int) -> Iterator[bytes | memoryview]:
    """The first `size` bytes (or so) of what `parts` yields."""
    taken = 0
    for part in parts:
        yield part[: size - taken]
        taken += len(part)
        if taken >= size:
            return


def _int(value: str | None) -> int:
    return int(value) if value and value.strip().isdigit() else 0


def _box(ref: str) -> tuple[int, int, int, int] | None:
    ends = [_REF.fullmatch(p.strip()) for p in ref.split(":")]
    if len(ends) != 2 or not all(ends):
        return None
    (c1, r1), (c2, r2) = ((col_index(m.group(1)), int(m.group(2))) for m in ends if m)
    return c1, r1, c2, r2


def extend_tables(
    archive: zipfile.ZipFile, sheet_part: str, first: int, last: int
) -> dict[str, bytes]:
    """Excel Tables (ListObjects) on the sheet that rows `first`..`last` were appended into or
    right under: their range (and its autofilter) grows to the last new row, as Excel does when
    a row is typed under a table. A table with a totals row is left alone (the new rows went
    below it)."""
    rels = rels_path(sheet_part)
    names = set(archive.namelist())
    if first > last or rels not in names:
        return {}
    changed: dict[str, bytes] = {}
    for rel in xlsx_rels.relationships(archive.read(rels), rels):
        if not rel.get("Type", "").endswith("/table") or rel.get("TargetMode") == "External":
            continue
        part = resolve_target(sheet_part, rel.get("Target", ""))
        if part not in names:
            continue
        data = archive.read(part)
        root = parse(data, part)
        box = _box(root.attrs.get("ref", ""))
        totals = root.attrs.get("totalsRowCount", "0").strip()
        if box is None or (totals.isdigit() and int(totals) > 0):
            continue
        c1, r1, c2, r2 = box
        if not (r1 < first <= r2 + 1) or last <= r2:
            continue
        edits = [(root.start, root.open_end(data), set_attr(
            data[root.start : root.open_end(data)], "ref",
            f"{col_letter(c1)}{r1}:{col_letter(c2)}{last}"))]
        autofilter = root.first("autoFilter")
        inner = _box(autofilter.attrs.get("ref", "")) if autofilter is not None else None
        if autofilter is not None and inner is not None and inner[3] == r2:
            end = autofilter.open_end(data)
            ref = f"{col_letter(inner[0])}{inner[1]}:{col_letter(inner[2])}{last}"
            tag = set_attr(data[autofilter.start : end], "ref", ref)
            edits.append((autofilter.start, end, tag))
        changed[part] = splice(data, edits)
    return changed
