"""The files that ship with the package: config/default.toml and templates/<lang>.toml.

Both folders stay at the top of the repository and are mapped into the package as
`sheets_sync.shipped_config` and `sheets_sync.shipped_templates` (pyproject.toml), so they are
found the same way whether the package is installed editable, from a wheel or with pipx, and
never by a path relative to the source checkout.
"""

from __future__ import annotations

import sys
from importlib import resources

from sheets_sync.errors import ConfigError

if sys.version_info >= (3, 11):
    from importlib.resources.abc import Traversable
else:  # pragma: no cover
    from importlib.abc import Traversable

__all__ = ["Traversable", "default_config", "locales_folder", "templates_folder"]

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
