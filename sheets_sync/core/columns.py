"""A table's cells read column by column, each distinct value parsed once.

A book of 20,000 contacts has six Circles, a few hundred dates and a handful of yes/no words:
parsing each distinct value once and mapping the result back to every row costs six parses for
the Circle column, not 20,000. A parser here is one of `parse.py`'s: a pure function of the cell
value (and, for a phone, of the row's country), so a value parsed once reads the same on every
row. What a column gives back is the parsed value per row (None for a blank or bad cell) and
the `ValueProblem` of each bad cell by row position, so validation still names every bad cell.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from datetime import date
from typing import Any

from sheets_sync.core.parse import ValueProblem, is_blank, parse_text

_BLANK = object()  # a memo entry for a blank cell
Problems = dict[int, ValueProblem]  # row position -> why the cell cannot be read


def blanks(values: Sequence[Any]) -> list[bool]:
    """Per row: whether the cell is blank (as `parse.is_blank` says)."""
    return [value is None or (not value.strip() if value.__class__ is str else is_blank(value))
            for value in values]


def memo_key(value: Any) -> Hashable:
    """What a value is remembered by: equal values of one type share a parse. The type is part
    of the key (1, 1.0 and True are equal in Python but not one cell), and so is the sign of a
    zero (-0.0 == 0.0, yet a number parser keeps the sign)."""
    kind = value.__class__
    if kind is str:
        return value  # a str equals only a str, never a key below
    if kind is float and value == 0.0:
        return (kind, value, math.copysign(1.0, value))  # three items: never a (kind, value)
    return (kind, value)


def text_column(values: Sequence[Any]) -> list[str]:
    """`parse.parse_text` of every cell ("" for a blank one); it never finds a problem."""
    if _TEXT_ONLY.issuperset(map(type, values)):  # the common column: C speed
        return list(map(str.strip, values))
    return [value.strip() if value.__class__ is str
            else "" if value is None else parse_text(value) for value in values]


# Values of these types are equal only to values of their own type: a column holding nothing
# else can be grouped by value with C-speed dict operations (1, 1.0 and True are equal, so a
# column holding numbers is read value by value).
_PLAIN = frozenset({str, date, type(None)})
_TEXT_ONLY = frozenset({str})


def parse_column(values: Sequence[Any], parser: Callable[[Any], Any],
                 memo: dict[Hashable, Any] | None = None) -> tuple[list[Any], Problems]:
    """`parser` over a column: (the parsed value or None per row, the problem of each bad cell).

    `memo` may be shared by columns read with the same parser (Closing date and Last contact).
    """
    if _PLAIN.issuperset(map(type, values)):
        if memo is None:  # the column's own distinct values are all the memo it needs
            return _by_distinct_key(values, lambda value: _read(value, parser))
        return _by_distinct_value(values, parser, memo)
    memo = {} if memo is None else memo
    parsed: list[Any] = []
    problems: Problems = {}
    for position, value in enumerate(values):
        key = value if value.__class__ is str else memo_key(value)  # str: the common case
        try:
            result = memo[key]
        except KeyError:
            result = memo[key] = _read(value, parser)
        except TypeError:  # an unhashable value: read it without remembering it
            result = _read(value, parser)
        parsed.append(_settled(result, position, problems))
    return parsed, problems


def parse_column_with(values: Sequence[Any], context: Sequence[Hashable],
                      parser: Callable[[Any, Any], Any]) -> tuple[list[Any], Problems]:
    """`parse_column` for a parser that also reads one other value of the row (a phone reads
    the row's country): each distinct (value, context) pair is parsed once."""
    if _PLAIN.issuperset(map(type, values)):  # each (value, context) pair is its own key
        return _by_distinct_key(list(zip(values, context, strict=True)),
                                lambda pair: _read(pair[0], parser, pair[1]))
    memo: dict[Hashable, Any] = {}
    parsed: list[Any] = []
    problems: Problems = {}
    for position, (value, other) in enumerate(zip(values, context, strict=True)):
        try:
            key = (memo_key(value), other)
            result = memo[key]
        except KeyError:
            result = memo[key] = _read(value, parser, other)
        except TypeError:
            result = _read(value, parser, other)
        parsed.append(_settled(result, position, problems))
    return parsed, problems


def _settled(result: Any, position: int, problems: Problems) -> Any:
    """`_kept` of a row's read value, its problem noted at its position."""
    value, problem = _kept(result)
    if problem is not None:
        problems[position] = problem
    return value


def _kept(result: Any) -> tuple[Any, ValueProblem | None]:
    """A read value as the column holds it, and its problem: None for a blank, or for a
    problem."""
    if result is _BLANK:
        return None, None
    if isinstance(result, ValueProblem):
        return None, result
    return result, None


def _by_distinct_value(values: Sequence[Any], parser: Callable[[Any], Any],
                       memo: dict[Hashable, Any]) -> tuple[list[Any], Problems]:
    """`parse_column` of a column of `_PLAIN` values, through `memo`."""
    def read(value: Any) -> Any:
        key = value if value.__class__ is str else memo_key(value)
        try:
            return memo[key]
        except KeyError:
            result = memo[key] = _read(value, parser)
            return result

    return _by_distinct_key(values, read)


def _by_distinct_key(keys: Sequence[Hashable], read: Callable[[Any], Any]
                     ) -> tuple[list[Any], Problems]:
    """Each distinct key read once (`read` gives what `_read` gives), and the rows mapped to
    their results without a Python step per row."""
    shown: dict[Any, Any] = {}  # distinct key -> what a row holding it reads
    bad: dict[Any, ValueProblem] = {}
    for key in dict.fromkeys(keys):
        shown[key], problem = _kept(read(key))
        if problem is not None:
            bad[key] = problem
    parsed = list(map(shown.__getitem__, keys))
    problems: Problems = ({position: bad[key] for position, key in enumerate(keys)
                           if key in bad} if bad else {})
    return parsed, problems


def _read(value: Any, parser: Callable[..., Any], *context: Any) -> Any:
    """The parsed value (`parser(value, *context)`), `_BLANK`, or the ValueProblem the parser
    raised."""
    if not value.strip() if value.__class__ is str else is_blank(value):  # str: the common cell
        return _BLANK
    try:
        return parser(value, *context)
    except ValueProblem as problem:
        # Kept for every row that typed the value: only what it says, not the parser's frames.
        problem.__context__ = None
        return problem.with_traceback(None)
