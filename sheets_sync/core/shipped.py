"""The files that ship with the package: config/default.toml and templates/<lang>.toml.

Both folders stay at the top of the repository and are mapped into the package as
`sheets_sync.shipped_config` and `sheets_sync.shipped_templates` (pyproject.toml), so they are
found the same way whether the package is installed editable, from a wheel or with pipx, and
never by a path relative to the source checkout.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import resources
from typing import Any

from sheets_sync.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover
    from importlib.abc import Traversable

__all__ = ["Traversable", "default_config", "locales_folder", "parse_toml", "parse_with",
           "read_toml_file", "templates_folder"]

CONFIG_PACKAGE = "sheets_sync.shipped_config"
TEMPLATES_PACKAGE = "sheets_sync.shipped_templates"
LOCALES_PACKAGE = "sheets_sync.shipped_locales"


def _folder(package: str) -> Traversable:
    try:
        return resources.files(package)
    except ModuleNotFoundError:
        # An editable install made before the folders were mapped lacks the mapping.
        raise ConfigError(f"The shipped files ({package}) are not installed",
                          "reinstall the package: pip install -e .") from None


def default_config() -> Traversable:
    """config/default.toml as installed."""
    return _folder(CONFIG_PACKAGE) / "default.toml"


def templates_folder() -> Traversable:
    """templates/ as installed (one <lang>.toml per language)."""
    return _folder(TEMPLATES_PACKAGE)


def locales_folder() -> Traversable:
    """locales/ as installed (one <lang>.toml catalogue of user-visible text per language)."""
    return _folder(LOCALES_PACKAGE)


TomlParser = Callable[[Traversable], dict[str, Any]]


def read_toml_file(file: Traversable) -> dict[str, Any]:
    """`file` parsed by tomllib (which raises TOMLDecodeError on bad syntax)."""
    return tomllib.loads(file.read_text(encoding="utf-8"))


_parser: TomlParser = read_toml_file


def parse_toml(file: Traversable) -> dict[str, Any]:
    """A TOML file of the package (the default config, templates, locales) as data. Every
    command reads the same few files, so the shell may hand in a parser that keeps parsed
    copies between runs (shipped_cache.py); the answer is the same either way."""
    return _parser(file)


def parse_with(parser: TomlParser | None) -> None:
    """Use `parser` for `parse_toml` from now on (None: tomllib on every call)."""
    global _parser
    _parser = parser or read_toml_file
