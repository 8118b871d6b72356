"""Schema validation of a workbook's parts with openxml-audit (a pure-Python port of the Open XML
SDK's schema constraints for ECMA-376 transitional and the Office extensions; MIT licence).

`new_schema_errors` compares a workbook before and after a sync: the parts the sync wrote or
edited must not carry a schema error the input did not already have (a person's file may break
the schema on its own; the tool must not add to that).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

try:
    from openxml_audit import OpenXmlValidator
    from openxml_audit.errors import ValidationErrorType
except ImportError:  # pragma: no cover - the test extra installs it
    OpenXmlValidator = None  # type: ignore[assignment,misc]


def _require() -> None:
    if OpenXmlValidator is None:
        pytest.skip("openxml-audit is not installed: pip install -e '.[test]'")


def schema_errors(path: Path) -> set[tuple[str, str, str]]:
    """(part, element path, description) of every schema error in the workbook."""
    _require()
    result = OpenXmlValidator(semantic_validation=False, max_errors=10000).validate(str(path))
    return {
        (e.part_uri.lstrip("/"), e.path, e.description)
        for e in result.errors
        if e.error_type == ValidationErrorType.SCHEMA
    }


def changed_parts(before: Path, after: Path) -> set[str]:
    with zipfile.ZipFile(before) as old, zipfile.ZipFile(after) as new:
        kept = {n: old.read(n) for n in old.namelist()}
        return {n for n in new.namelist() if kept.get(n) != new.read(n)}


def new_schema_errors(before: Path, after: Path) -> list[str]:
    """Schema errors in parts the sync wrote or edited that the input did not have."""
    changed = changed_parts(before, after)
    old = schema_errors(before)
    return sorted(
        f"{part}:{where}: {what}"
        for part, where, what in schema_errors(after) - old
        if part in changed
    )
