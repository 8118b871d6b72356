"""A small formula evaluator, so effective values of simple formulas are real.

Supports literals, cell and range references (same or other sheet), + - * / ^ & and
comparisons, and SUM MIN MAX COUNT COUNTA AVERAGE IF AND OR NOT LEN CONCATENATE HYPERLINK
UPPER LOWER TRIM ROUND ABS. Anything else evaluates to #NAME? (Google would compute it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .a1 import A1Error, column_index, column_letters, split_sheet

_TOKENS = re.compile(
    r"""\s*(?:
    (?P<err>\#(?:REF!|N/A|NAME\?|VALUE!|DIV/0!|NUM!|NULL!|ERROR!))|
    (?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|
    (?P<str>"(?:[^"]|"")*")|
    (?P<ref>(?:'(?:[^']|'')+'!|[A-Za-z_][\w.]*!)?\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)|
    (?P<name>[A-Za-z_][A-Za-z0-9_.]*)|
    (?P<op><>|<=|>=|[-+*/^&=<>(),:;])
    )""",
    re.VERBOSE,
)


_ERROR_KINDS = {
    "#REF!": "REF",
    "#N/A": "N_A",
    "#NAME?": "NAME",
    "#VALUE!": "VALUE",
    "#DIV/0!": "DIVIDE_BY_ZERO",
    "#NUM!": "NUM",
    "#NULL!": "NULL_VALUE",
    "#ERROR!": "ERROR",
}


class FormulaError(Exception):
    def __init__(self, kind: str, message: str = "") -> None:
        super().__init__(message or kind)
        self.kind = kind


Lookup = Callable[[str | None, int, int], Any]  # (sheet title or None, row, col) -> value


def evaluate(formula: str, lookup: Lookup) -> Any:
    """Value of '=...' (float, str, bool); raises FormulaError for a spreadsheet error."""
    tokens = _tokenize(formula[1:])
    parser = _Parser(tokens, lookup)
    value = parser.expression()
    if parser.pos != len(tokens):
        raise FormulaError("ERROR", "Formula parse error.")
    if isinstance(value, list):
        value = value[0] if value else None
    return value


def _tokenize(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKENS.match(text, pos)
        if not match or match.end() == pos:
            raise FormulaError("ERROR", "Formula parse error.")
        kind = match.lastgroup or "op"
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


_BINARY = {
    "=": 1,
    "<>": 1,
    "<": 1,
    ">": 1,
    "<=": 1,
    ">=": 1,
    "&": 2,
    "+": 3,
    "-": 3,
    "*": 4,
    "/": 4,
    "^": 5,
}


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], lookup: Lookup) -> None:
        self.tokens, self.pos, self.lookup = tokens, 0, lookup

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise FormulaError("ERROR", "Formula parse error.")
        self.pos += 1
        return token

    def expression(self, min_prec: int = 1) -> Any:
        left = self.unary()
        while True:
            token = self.peek()
            if not token or token[0] != "op" or token[1] not in _BINARY:
                return left
            prec = _BINARY[token[1]]
            if prec < min_prec:
                return left
            self.take()
            right = self.expression(prec + (0 if token[1] == "^" else 1))
            left = _binary(token[1], left, right)

    def unary(self) -> Any:
        token = self.peek()
        if token == ("op", "-"):
            self.take()
            return -_number(self.unary())
        if token == ("op", "+"):
            self.take()
            return _number(self.unary())
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if kind == "err":
            raise FormulaError(_ERROR_KINDS[text])
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "ref":
            return self.reference(text)
        if kind == "name":
            if self.peek() == ("op", "("):
                self.take()
                args = []
                if self.peek() != ("op", ")"):
                    args.append(self.expression())
                    while self.peek() in (("op", ","), ("op", ";")):
                        self.take()
                        args.append(self.expression())
                if self.take() != ("op", ")"):
                    raise FormulaError("ERROR", "Formula parse error.")
                return _call(text.upper(), args)
            if text.upper() in ("TRUE", "FALSE"):
                return text.upper() == "TRUE"
            raise FormulaError("NAME", f"Unknown range name: '{text}'.")
        if (kind, text) == ("op", "("):
            value = self.expression()
            if self.take() != ("op", ")"):
                raise FormulaError("ERROR", "Formula parse error.")
            return value
        raise FormulaError("ERROR", "Formula parse error.")

    def reference(self, text: str) -> Any:
        try:
            sheet, cells = split_sheet(text)
        except A1Error as exc:
            raise FormulaError("REF") from exc
        first, _, second = cells.replace("$", "").partition(":")
        r1, c1 = _cell(first)
        if not second:
            return self.lookup(sheet, r1, c1)
        r2, c2 = _cell(second)
        values = []
        for row in range(min(r1, r2), max(r1, r2) + 1):
            for col in range(min(c1, c2), max(c1, c2) + 1):
                values.append(self.lookup(sheet, row, col))
        return values


def _cell(ref: str) -> tuple[int, int]:
    match = re.match(r"^([A-Za-z]+)(\d+)$", ref)
    if not match:
        raise FormulaError("REF")
    return int(match.group(2)) - 1, column_index(match.group(1))


def _number(value: Any) -> float:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except ValueError as exc:
        raise FormulaError(
            "VALUE", f"Function expects number values. But '{value}' is a text."
        ) from exc


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _binary(op: str, left: Any, right: Any) -> Any:
    if op == "&":
        return _text(left) + _text(right)
    if op in ("=", "<>", "<", ">", "<=", ">="):
        a, b = _scalar(left), _scalar(right)
        if isinstance(a, str) and isinstance(b, str):
            a, b = a.casefold(), b.casefold()
        elif isinstance(a, str) != isinstance(b, str):
            result = {"=": False, "<>": True}.get(op)
            if result is None:
                result = (op in ("<", "<=")) == isinstance(b, str)
            return result
        return {
            "=": a == b,
            "<>": a != b,
            "<": a < b,
            ">": a > b,
            "<=": a <= b,
            ">=": a >= b,
        }[op]
    a, b = _number(left), _number(right)
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "/":
        if b == 0:
            raise FormulaError("DIVIDE_BY_ZERO", "Function DIVIDE parameter 2 cannot be zero.")
        return a / b
    return a**b


def _scalar(value: Any) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    return value


def _flat(args: list[Any]) -> list[Any]:
    out: list[Any] = []
    for arg in args:
        out.extend(arg if isinstance(arg, list) else [arg])
    return out


def _call(name: str, args: list[Any]) -> Any:
    numbers = [v for v in _flat(args) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if name == "SUM":
        return float(sum(numbers))
    if name == "MIN":
        return float(min(numbers)) if numbers else 0.0
    if name == "MAX":
        return float(max(numbers)) if numbers else 0.0
    if name == "COUNT":
        return float(len(numbers))
    if name == "COUNTA":
        return float(sum(1 for v in _flat(args) if v not in (None, "")))
    if name == "AVERAGE":
        if not numbers:
            raise FormulaError(
                "DIVIDE_BY_ZERO", "Evaluation of function AVERAGE caused a divide by zero error."
            )
        return sum(numbers) / len(numbers)
    if name == "IF":
        if bool(_scalar(args[0]) if args else False):
            return args[1] if len(args) > 1 else True
        return args[2] if len(args) > 2 else False
    if name == "AND":
        return all(bool(_scalar(v)) for v in _flat(args))
    if name == "OR":
        return any(bool(_scalar(v)) for v in _flat(args))
    if name == "NOT":
        return not bool(_scalar(args[0]))
    if name == "LEN":
        return float(len(_text(args[0])))
    if name in ("CONCATENATE", "CONCAT"):
        return "".join(_text(v) for v in _flat(args))
    if name == "HYPERLINK":
        return _text(args[1] if len(args) > 1 else args[0])
    if name == "UPPER":
        return _text(args[0]).upper()
    if name == "LOWER":
        return _text(args[0]).lower()
    if name == "TRIM":
        return " ".join(_text(args[0]).split())
    if name == "ABS":
        return abs(_number(args[0]))
    if name == "ROUND":
        digits = int(_number(args[1])) if len(args) > 1 else 0
        return float(round(_number(args[0]), digits))
    raise FormulaError("NAME", f"Unknown function: '{name}'.")


_STRING = re.compile(r'"(?:[^"]|"")*"')
_REFERENCE = re.compile(
    r"(?<![\w.$'])(?P<sheet>'(?:[^']|'')+'!|[A-Za-z_][\w.]*!)?"
    r"(?P<c1>\$?[A-Za-z]{1,3})(?P<r1>\$?\d+)"
    r"(?::(?P<c2>\$?[A-Za-z]{1,3})(?P<r2>\$?\d+))?(?![\w(])"
)


def shift_references(
    formula: str,
    formula_sheet: str,
    target_sheet: str,
    dim: str,
    mapping: Callable[[int], int | None],
) -> str:
    """Rewrite references into `target_sheet` after rows/columns moved (as Sheets does on
    insert, delete and move); a reference whose cells are all gone becomes #REF!."""
    out, pos = [], 0
    for literal in _STRING.finditer(formula):
        out.append(
            _shift_segment(
                formula[pos : literal.start()], formula_sheet, target_sheet, dim, mapping
            )
        )
        out.append(literal.group(0))
        pos = literal.end()
    out.append(_shift_segment(formula[pos:], formula_sheet, target_sheet, dim, mapping))
    return "".join(out)


def _shift_segment(
    text: str, formula_sheet: str, target_sheet: str, dim: str, mapping: Callable[[int], int | None]
) -> str:
    def shift(match: re.Match) -> str:
        prefix = match.group("sheet")
        named = split_sheet(prefix + "A1")[0] if prefix else formula_sheet
        if named is None or named.casefold() != target_sheet.casefold():
            return match.group(0)
        parts = [(match.group("c1"), match.group("r1"))]
        if match.group("c2"):
            parts.append((match.group("c2"), match.group("r2")))
        indices = []
        for col, row in parts:
            value = int(row.lstrip("$")) - 1 if dim == "ROWS" else column_index(col.lstrip("$"))
            indices.append(value)
        if len(indices) == 2:
            lo, hi = min(indices), max(indices)
            mapped = [m for m in (mapping(i) for i in range(lo, hi + 1)) if m is not None]
            if not mapped:
                return "#REF!"
            new = [min(mapped), max(mapped)]
        else:
            target = mapping(indices[0])
            if target is None:
                return "#REF!"
            new = [target]
        pieces = []
        for (col, row), index in zip(parts, new, strict=True):
            if dim == "ROWS":
                row = ("$" if row.startswith("$") else "") + str(index + 1)
            else:
                col = ("$" if col.startswith("$") else "") + column_letters(index)
            pieces.append(col + row)
        return (prefix or "") + ":".join(pieces)

    return _REFERENCE.sub(shift, text)
