"""Configuration is data: config/default.toml, merged with the user's TOML, validated once."""

from __future__ import annotations

import difflib
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .shipped import Traversable, default_config

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Sections whose keys are names chosen by the user (not a fixed schema): any key is accepted.
OPEN_TABLES = {"tiers.circle_points", "touchpoints.rules", "themes", "holidays"}

Config = dict[str, Any]


def read_toml(path: Path | Traversable) -> dict[str, Any]:
    try:
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
    """Defaults merged with the user's file and then `overrides`; raises ConfigError on bad keys."""
    config = read_toml(default_config())
    for layer, source in (
        (read_toml(user_path) if user_path else None, str(user_path)),
        (overrides, "overrides"),
    ):
        if layer:
            check_against(config, layer, source)
            config = merge(config, layer)
    return config


def merge(base: Mapping[str, Any], layer: Mapping[str, Any]) -> dict[str, Any]:
    """Tables merge key by key; any other value (lists included) replaces the default."""
    merged = dict(base)
    for key, value in layer.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def check_against(
    defaults: Mapping[str, Any], layer: Mapping[str, Any], source: str, prefix: str = ""
) -> None:
    """Every user key must exist in the defaults and have a compatible type."""
    for key, value in layer.items():
        dotted = f"{prefix}{key}"
        if prefix.rstrip(".") in OPEN_TABLES:
            continue
        if key not in defaults:
            close = difflib.get_close_matches(key, list(defaults), n=1)
            hint = f"did you mean '{prefix}{close[0]}'?" if close else "remove it"
            raise ConfigError(f"{source}: unknown setting '{dotted}'", hint)
        default = defaults[key]
        if isinstance(default, Mapping):
            if not isinstance(value, Mapping):
                raise ConfigError(f"{source}: '{dotted}' must be a table", f"write [{dotted}]")
            check_against(default, value, source, f"{dotted}.")
        elif not _same_kind(default, value):
            raise ConfigError(
                f"{source}: '{dotted}' must be {_kind(default)}, got {value!r}",
                f"e.g. {dotted} = {default!r}",
            )


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _same_kind(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))
