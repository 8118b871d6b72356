"""The functional core stays pure: its modules import no store and no part of the shell, and
never read the clock. (tests/ asserts the layout the design describes, so it cannot drift.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sheets_sync

PACKAGE = Path(sheets_sync.__file__).parent
CORE = sorted((PACKAGE / "core").glob("*.py"))
# Shared by every layer: the errors a user acts on.
SHARED = {"sheets_sync.errors"}
CLOCK_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("time", "time")}


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("module", CORE, ids=lambda p: p.stem)
def test_a_core_module_imports_only_the_core(module: Path) -> None:
    ours = {name for name in imported(module) if name.startswith("sheets_sync")}
    outside = {name for name in ours - SHARED if not name.startswith("sheets_sync.core")}
    assert not outside, f"{module.name} imports {sorted(outside)}"


@pytest.mark.parametrize("module", CORE, ids=lambda p: p.stem)
def test_a_core_module_never_reads_the_clock(module: Path) -> None:
    calls = {
        (node.func.value.id, node.func.attr)
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
    }
    assert not calls & CLOCK_CALLS, f"{module.name} reads the clock: {calls & CLOCK_CALLS}"


def test_the_stores_and_the_shell_are_outside_the_core() -> None:
    core = {p.stem for p in CORE}
    assert {"plan", "touchpoints", "metrics", "facts", "validate", "classify"} <= core
    assert not {"sync", "cli", "worker", "xlsx", "report", "graph", "starter"} & core
