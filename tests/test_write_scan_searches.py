"""The searches the read's sheet scan and the write's cell bytes make faster give the answers
of the searches they stand for: a formula's start tag searched from its "f", a row's cell letters
and the check that every cell is spelled `<c r="A1"` in one search, and a column's cells kept
by type then value (not by a (type, value) key), within the column's room, the declared
prefixes in one search, the read's reach pattern with its shorter runs possessive, and the end
of a cell as a sync writes one found by one match."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from sheets_sync.stores import xlsx_cell_bytes, xlsx_read
from sheets_sync.stores import xlsx_sheet_scan as scan
from sheets_sync.stores.ooxml import cell_tail, col_letter
from sheets_sync.stores.xlsx_cell_bytes import ROW, SEPARATOR, RowCells
from sheets_sync.stores.xlsx_read import _FORMULA, _FORMULA_FROM_F

ALPHABET = b"<f> /\tx\n="


@given(st.binary(max_size=40).map(lambda b: bytes(ALPHABET[c % len(ALPHABET)] for c in b)))
def test_formula_from_its_f_finds_what_the_formula_pattern_finds(text: bytes) -> None:
    assert (_FORMULA_FROM_F.search(text) is None) == (_FORMULA.search(text) is None)


def test_formula_from_its_f_on_sheet_shapes() -> None:
    for text in [b"<f>A1</f>", b"<f/>", b'<f t="shared" si="0"/>', b"<fx>", b"ff<f", b"<g f>",
                 b"<c><f\n>", b"<c><is><t>f</t></is></c>", b""]:
        assert (_FORMULA_FROM_F.search(text) is None) == (_FORMULA.search(text) is None), text


PLACES = {"a": (3, 5), "b": (4, 0)}


def made(column: int, style: int, value: object) -> bytes:
    tail = cell_tail(value, style, False)
    return b'<c r="' + col_letter(column).encode() + ROW + tail.encode() if tail else b""


def test_equal_values_of_other_types_get_their_own_cells() -> None:
    cells = RowCells(PLACES, False)
    for first, second in [(1, 1.0), (1, True), (0.0, False), (date(2026, 1, 2), "2026-01-02"),
                          (Decimal("1.0"), 1), (datetime(2026, 1, 2), date(2026, 1, 2))]:
        for value in (first, second, first):
            want = made(3, 5, value) + SEPARATOR + made(4, 0, None)
            assert cells.encoded({"a": value, "b": None}) == want, value


def test_a_column_keeps_at_most_its_room(monkeypatch) -> None:
    monkeypatch.setattr(xlsx_cell_bytes, "_KEPT", 5)
    cells = RowCells(PLACES, False)
    rnd = random.Random(7)
    values: list[object] = [*range(12), *(f"t{i}" for i in range(9)), *(i / 2 for i in range(7)),
                            True, None, date(2026, 3, 4)]
    for _ in range(400):
        value = rnd.choice(values)
        want = made(3, 5, value) + SEPARATOR + made(4, 0, value)
        assert cells.encoded({"a": value, "b": value}) == want
        for column in cells._cells:
            assert sum(map(len, column.values())) <= 5
            assert column._room.left == 5 - sum(map(len, column.values()))


def test_unhashable_or_missing_values_are_not_encoded() -> None:
    cells = RowCells(PLACES, False)
    assert cells.encoded({"a": [1], "b": 2}) is None
    assert cells.encoded({"a": 1, "c": 2}) is None
    assert cells.encoded({"a": 1}) is None


CELL_SPELLINGS = [b'<c r="A1">', b'<c r="AB12" s="1">', b'<c r="ABCD1"/>', b'<c r="a1"/>',
                  b'<c s="1" r="B2">', b"<c>", b"<c/>", b'<c\tr="C3">', b"<col/>", b"<color/>",
                  b'<c r="D4"/>', b"<v>1</v>", b"</c>", b"<c", b' r="E5"', b"x"]


def letters_by_count(data: bytes) -> list[bytes]:
    """The rule `letters` stood for: the cells spelled `<c r="A1"`, unless a cell start
    (`<c` and a space, `/` or `>`) is spelled otherwise."""
    found = re.findall(rb'<c r="([A-Z]{1,3})[0-9]+"', data)
    if len(re.findall(rb"<c[\s/>]", data)) != len(found):
        raise scan.Unusual
    return found


@given(st.lists(st.sampled_from(CELL_SPELLINGS), max_size=12))
def test_letters_are_the_cells_named_first_or_unusual(parts: list[bytes]) -> None:
    data = b"".join(parts)
    try:
        expected: list[bytes] | None = letters_by_count(data)
    except scan.Unusual:
        expected = None
    try:
        found: list[bytes] | None = scan.letters(data, 0, len(data))
    except scan.Unusual:
        found = None
    assert found == expected


def declared_by_steps(data: bytes, ancestors: list[bytes], start: int) -> bool:
    """The rule `prefixes_declared` stands for, match by match: every prefixed attribute name
    from `start` on has one colon, and a declared prefix (or xml) after a space, tab or line
    end, found in the 64 bytes before its colon (which may lie before `start`)."""
    declared = {b"xml"} | {m.group(1) for tag in ancestors
                           for m in re.finditer(rb"""\sxmlns:([^\s=]+)\s*=""", tag)}
    names = tuple(space + prefix for space in (b" ", b"\t", b"\n", b"\r") for prefix in declared)
    for match in re.compile(rb""":[^\s=<>"'/]*\s*=""").finditer(data, start):
        colon = match.start()
        if b":" in match.group()[1:] or not data.endswith(names, max(colon - 64, 0), colon):
            return False
    return True


PREFIX_PIECES = [b" xml:space=", b"\tr:id =", b" x:y:z=", b" q:a=", b"\nx14ac:dy=", b"x:a=",
                 b" ", b":", b"=", b"10:30", b"<t>", b'"', b"a" * 60, b" " + b"p" * 63 + b":k=",
                 b" " + b"p" * 64 + b":k="]
ANCESTORS = [b'<worksheet xmlns:r="u" xmlns:x14ac="v">',
             b'<sheetData xmlns:' + b"p" * 63 + b'="w" xmlns:' + b"p" * 64 + b'="w">']


@given(st.lists(st.sampled_from(PREFIX_PIECES), max_size=10), st.integers(0, 8))
def test_prefixes_declared_in_one_search_as_match_by_match(parts: list[bytes], start: int
                                                           ) -> None:
    data = b"".join(parts)
    start = min(start, len(data))
    for ancestors in ([], ANCESTORS[:1], ANCESTORS):
        expected = declared_by_steps(data, ancestors, start)
        assert scan.prefixes_declared(data, ancestors, start, len(data)) == expected


@given(st.integers(0, 1_048_576), st.integers(0, 16_384),
       st.lists(st.tuples(st.integers(1, 16_384), st.text("0123456789", min_size=1, max_size=8),
                          st.sampled_from(['"', '" s="1"', "", "x"])), max_size=8))
def test_the_reach_pattern_taken_possessively_finds_the_same_cells(
        rows: int, cols: int, cells: list[tuple[int, str, str]]) -> None:
    data = "".join(f'<c r="{col_letter(col - 1)}{number}{end}/>' for col, number, end in cells)
    data += "<col/><color/>"
    possessive = xlsx_read._outside(rows, cols)
    backtracking = re.compile(possessive.pattern.replace(b"}+", b"}"))
    found = [m.start() for m in possessive.finditer(data.encode())]
    assert found == [m.start() for m in backtracking.finditer(data.encode())]


CELL_PARTS = [b'<c r="X6"', b'<c r="AB12"', b' s="3"', b' t="inlineStr"', b" t='s'", b' x="a>b"',
              b' x="a\'b"', b"/>", b">", b"<v>325</v>", b"<v/>", b"<is><t>Dormant</t></is>",
              b'<is><t xml:space="preserve">note </t></is>', b"<f>A1</f>",
              b'<f t="shared" ref="X6:X9" si="0"/>', b"<c/>", b"</c>", b"</c >", b"</row>",
              b"<color/>", b"text", b" "]


@given(st.lists(st.sampled_from(CELL_PARTS), min_size=1, max_size=8))
def test_a_written_cell_ends_where_the_searches_find_its_end(parts: list[bytes]) -> None:
    data = b"".join(parts) + b"</row>"
    close = data.rindex(b"</row>")

    def outcome(span: Callable[[bytes, int, int], tuple[int, bool, bool]]) -> object:
        try:
            return span(data, 0, close)
        except scan.Unusual:
            return scan.Unusual

    assert outcome(scan.cell_span) == outcome(scan.searched_cell_span)


def test_the_cells_a_sync_writes_take_the_one_match() -> None:
    for cell in [b'<c r="X6" s="3"><v>325</v></c>', b'<c r="AA6" s="4"><v>0.9</v></c>',
                 b'<c r="W6" t="inlineStr"><is><t>Dormant</t></is></c>']:
        assert scan._WRITTEN_CELL.match(cell) is not None
        assert scan.cell_span(cell + b"</row>", 0, len(cell)) == (len(cell), False, False)
