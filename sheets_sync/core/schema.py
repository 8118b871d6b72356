"""Typed settings from TOML tables: a frozen dataclass is the schema of a table.

Each field's annotation says its type; `Annotated[T, converter]` adds a check or a conversion
(a range, a vocabulary, "one word or a list"). `table(cls)` turns a TOML table into `cls`,
refusing the first unknown key ("did you mean …") or wrong value with a `SettingError` naming
the dotted key. Lists become tuples and tables of user-chosen names become read-only mappings,
so a parsed setting cannot be changed by the code that reads it.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from sheets_sync.errors import ConfigError

Converter = Callable[[Any, str], Any]  # (TOML value, dotted key) -> typed value


class SettingError(ConfigError):
    """A wrong setting; `key` is its dotted path, so the caller can say which file it came from."""

    def __init__(self, key: str, reason: str, fix: str = "") -> None:
        self.key = key
        super().__init__(reason, fix)


def join(where: str, key: object) -> str:
    """The dotted path of `key` inside `where` (TOML quotes keys that are not bare words)."""
    text = str(key)
    bare = text.replace("_", "").replace("-", "").isascii() and text.replace(
        "_", "").replace("-", "").isalnum()
    part = text if bare else f'"{text}"'
    return f"{where}.{part}" if where else part


def suggest(word: str, choices: Iterable[str], prefix: str = "") -> str:
    """'did you mean …?' for the closest of `choices`, else an empty string."""
    close = difflib.get_close_matches(word, [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean '{prefix}{close[0]}'?" if close else ""


def unknown_key(where: str, key: str, known: Iterable[str]) -> SettingError:
    dotted = join(where, key)
    hint = suggest(key, known, f"{where}." if where else "") or "remove it"
    return SettingError(dotted, f"unknown setting '{dotted}'", hint)


def wrong(where: str, what: str, value: Any, example: str) -> SettingError:
    leaf = where.rsplit(".", 1)[-1]
    return SettingError(where, f"'{where}' must be {what}, got {value!r}",
                        f"e.g. {leaf} = {example}")


def not_a_table(where: str) -> SettingError:
    leaf = where.rsplit(".", 1)[-1]
    fix = f"write it as a table: {leaf} = {{ … }}" if "[" in where else f"write [{where}]"
    return SettingError(where, f"'{where}' must be a table", fix)


# ---------------------------------------------------------------------------------------------
# Converters for plain values


def boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise wrong(where, "true or false", value, "true")
    return value


def _unquoted(value: Any, fallback: str, kind: type) -> str:
    """The example for a fix: a number typed in quotes is shown without them."""
    if isinstance(value, str):
        try:
            kind(value.strip())
            return value.strip()
        except ValueError:
            pass
    return fallback


def whole(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise wrong(where, "a whole number", value, _unquoted(value, "30", int))
    return value


def number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise wrong(where, "a number", value, _unquoted(value, "0.5", float))
    return float(value)


def text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        example = f'"{value}"' if isinstance(value, (int, float)) and not isinstance(
            value, bool) else '"…"'
        raise wrong(where, "text", value, example)
    return value


def at_least(low: float, base: Converter = whole) -> Converter:
    def convert(value: Any, where: str) -> Any:
        converted = base(value, where)
        if converted < low:
            raise wrong(where, f"at least {low:g}", value, f"{max(low, 1):g}")
        return converted

    return convert


def between(low: float, high: float, base: Converter = number) -> Converter:
    def convert(value: Any, where: str) -> Any:
        converted = base(value, where)
        if not low <= converted <= high:
            raise wrong(where, f"between {low:g} and {high:g}", value, f"{high:g}")
        return converted

    return convert


def one_of(choices: Iterable[str], fold: Callable[[str], str] = str,
           what: str = "") -> Converter:
    """Text that must be one of `choices` (compared after `fold`); returns the text as written.
    With `what`, the text is a key of a table (`[tiers.circle_points]`) naming a `what`."""
    allowed = tuple(choices)
    folded = {fold(c) for c in allowed}

    def convert(value: Any, where: str) -> str:
        word = text(value, where)
        if fold(word) not in folded:
            shown = ", ".join(f"'{c}'" for c in allowed)
            hint = suggest(word, allowed)
            hint = f"{hint} (one of {shown})" if hint else f"use one of {shown}"
            table = where.rsplit(".", 1)[0]
            reason = (f"unknown {what} {word!r} in '{table}'" if what
                      else f"'{where}' cannot be {value!r}")
            raise SettingError(where, reason, hint)
        return word

    return convert


def one_or_many(item: Converter = text) -> Converter:
    """A single value or a list of them, as a tuple (filters accept `tier = "A"`)."""

    def convert(value: Any, where: str) -> tuple[Any, ...]:
        if isinstance(value, list):
            return tuple(item(v, f"{where}[{i}]") for i, v in enumerate(value))
        return (item(value, where),)

    return convert


def list_of(item: Converter) -> Converter:
    def convert(value: Any, where: str) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise wrong(where, "a list", value, "[…]")
        return tuple(item(v, f"{where}[{i}]") for i, v in enumerate(value))

    return convert


def mapping_of(key: Converter, item: Converter) -> Converter:
    """A table whose keys are names the user chooses; each key and value is still checked."""

    def convert(value: Any, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise not_a_table(where)
        out = {}
        for k, v in value.items():
            dotted = join(where, k)
            out[key(k, dotted)] = item(v, dotted)
        return types.MappingProxyType(out)

    return convert


# ---------------------------------------------------------------------------------------------
# Converters derived from annotations


def converter(hint: Any) -> Converter:
    """The converter for a field annotation."""
    origin = get_origin(hint)
    if origin is Annotated:
        return get_args(hint)[1]
    if hint is bool:
        return boolean
    if hint is int:
        return whole
    if hint is float:
        return number
    if hint is str:
        return text
    if origin is Literal:
        return one_of(get_args(hint))
    if origin is tuple:
        return list_of(converter(get_args(hint)[0]))
    if origin in (Mapping, dict, typing.Mapping):
        key_hint, value_hint = get_args(hint)
        return mapping_of(converter(key_hint), converter(value_hint))
    if origin in (Union, types.UnionType):
        present = [a for a in get_args(hint) if a is not type(None)]
        if len(present) == 1:
            return converter(present[0])  # None stands for "absent": TOML has no null
    if dataclasses.is_dataclass(hint):
        return table(hint)
    raise TypeError(f"no converter for {hint!r}")  # a schema bug, caught by any test


@functools.cache
def _fields(cls: type) -> tuple[dict[str, dataclasses.Field[Any]], dict[str, Converter]]:
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    hints = get_type_hints(cls, include_extras=True)
    return fields, {name: converter(hints[name]) for name in fields}


def field_names(cls: type) -> tuple[str, ...]:
    return tuple(_fields(cls)[0])


def field_converter(cls: type, name: str) -> Converter:
    """The converter that checks field `name` of `cls` (a Settings tab cell is checked by the
    same rule as the TOML key)."""
    return _fields(cls)[1][name]


def build(cls: type, value: Any, where: str, extra: Mapping[str, Any] | None = None) -> Any:
    """`value` (a TOML table) as a `cls`; `extra` supplies fields the table does not hold."""
    if not isinstance(value, Mapping):
        raise not_a_table(where)
    fields, converters = _fields(cls)
    given = dict(extra or {})
    for key in value:
        if key not in fields or key in given:
            raise unknown_key(where, str(key), [f for f in fields if f not in given])
    kwargs: dict[str, Any] = dict(given)
    for name, spec in fields.items():
        if name in value:
            kwargs[name] = converters[name](value[name], join(where, name))
        elif name not in given and spec.default is dataclasses.MISSING and (
                spec.default_factory is dataclasses.MISSING):
            dotted = join(where, name)
            raise SettingError(dotted, f"'{dotted}' is missing", f"add {name} = …")
    return cls(**kwargs)


def table(cls: type) -> Converter:
    """The converter that builds `cls` from a table."""
    return lambda value, where: build(cls, value, where)
