"""Configuration is data: config/default.toml, merged with the user's TOML, validated once."""

from __future__ import annotations

import functools
import marshal
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sheets_sync.core.shipped import Traversable, default_config, parse_toml
from sheets_sync.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

Config = dict[str, Any]


def read_toml(path: Path | Traversable, shipped: bool = False) -> dict[str, Any]:
    """A TOML file as data; `shipped`: a file of the package, parsed by `parse_toml` (which
    the shell may answer from its cache of the shipped files)."""
    try:
        if shipped:
            return parse_toml(path)
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"Config file not found: {path}", "check the --config path") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"Config file {path} is not valid TOML ({exc})", "fix that line"
        ) from None


def load_config(
    user_path: Path | None = None, overrides: Mapping[str, Any] | None = None
) -> Config:
    """Defaults merged with the user's file and then `overrides`, checked against the schema
    (settings.py, rule_schema.py); raises ConfigError naming the file, the key and the fix.

    The result stays a plain dict for the modules that read it by key; `parse_settings` gives
    the same configuration as typed, frozen settings.
    """
    config, layers = _merged(user_path, overrides)
    # The whole schema, loaded when a configuration is checked (a recorded sync skips it).
    from sheets_sync.core.schema import SettingError
    from sheets_sync.core.settings import parse_settings

    try:
        parse_settings(config)
    except SettingError as error:
        source = _source_of(error.key, layers)
        raise ConfigError(f"{source}: {error.reason}", error.fix) from None
    return config


def with_book_language(config: Config, lang: str | None) -> Config:
    """`config` with `general.book_language` set to `lang` (the --lang option), when given. An
    unchecked config whose `general` is not a table is left as it is: no sync record matches
    it, and the full sync's check says what is wrong."""
    if lang and isinstance(config.get("general"), dict):
        config = {**config, "general": {**config["general"], "book_language": lang}}
    return config


def unchecked_config(user_path: Path | None = None) -> Config:
    """The same merge as `load_config`, not checked against the schema: enough to compare with
    the configuration a recorded sync ran with (sync_record.py), which was checked then."""
    return _merged(user_path, None)[0]


def _merged(user_path: Path | None, overrides: Mapping[str, Any] | None,
            ) -> tuple[Config, list[tuple[str, Mapping[str, Any]]]]:
    layers: list[tuple[str, Mapping[str, Any]]] = [(str(default_config()), _shipped_defaults())]
    if user_path:
        layers.append((str(user_path), read_toml(user_path)))
    if overrides:
        layers.append(("overrides", overrides))
    config: Config = {}
    for _, layer in layers:
        config = merge(config, layer)
    return config, layers


def _shipped_defaults() -> dict[str, Any]:
    """config/default.toml, parsed once per process (a sync merges it twice: the sync record's
    check, then the checked load). Each call gets its own copy, so nothing done to one merged
    config reaches another; a table marshal cannot copy (a TOML date) is parsed again."""
    shipped = _shipped_bytes()
    return marshal.loads(shipped) if shipped else read_toml(default_config(), shipped=True)


@functools.lru_cache(maxsize=1)
def _shipped_bytes() -> bytes:
    try:
        return marshal.dumps(read_toml(default_config(), shipped=True))
    except ValueError:
        return b""


def _source_of(dotted: str, layers: list[tuple[str, Mapping[str, Any]]]) -> str:
    """The file whose table holds most of `dotted` (the latest file on a tie)."""
    parts = _split(dotted)

    def depth(layer: Mapping[str, Any]) -> int:
        node: Any = layer
        for n, part in enumerate(parts):
            if not isinstance(node, Mapping) or part not in node:
                return n
            node = node[part]
        return len(parts)

    return max(reversed(layers), key=lambda item: depth(item[1]))[0]


def _split(dotted: str) -> list[str]:
    """'a."b c".d[2]' -> ['a', 'b c', 'd'] (list positions are not table keys)."""
    parts = []
    for quoted, bare in re.findall(r'"([^"]*)"|([^."\[\]]+)', dotted.split("[")[0]):
        parts.append(quoted or bare)
    return parts


def merge(base: Mapping[str, Any], layer: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (lists included) replaces the default."""
    merged = dict(base)
    for key, value in layer.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged
