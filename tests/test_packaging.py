"""The package installs like one: a wheel carries config/, templates/ and locales/ and runs on
its own."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "sheets_sync", "config", "templates", "locales")


def test_every_subpackage_is_listed_in_pyproject() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "sheets_sync").rglob("__init__.py")
    }
    mapped = set(setuptools["package-dir"])
    assert set(setuptools["packages"]) == found | mapped


def test_shipped_files_are_read_through_the_package() -> None:
    from sheets_sync.core.shipped import default_config, locales_folder, templates_folder

    assert default_config().read_bytes() == (ROOT / "config" / "default.toml").read_bytes()
    assert {f.name for f in templates_folder().iterdir() if f.name.endswith(".toml")} == {
        p.name for p in (ROOT / "templates").glob("*.toml")
    }
    assert {f.name for f in locales_folder().iterdir() if f.name.endswith(".toml")} == {
        p.name for p in (ROOT / "locales").glob("*.toml")
    }


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_built_wheel_runs_demo_from_a_fresh_venv(tmp_path: Path) -> None:
    # Build from a copy, so the checkout gets no build/ or egg-info and nothing else leaks in.
    source = tmp_path / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    wheels = tmp_path / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels),
                  str(source)], tmp_path, env)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("sheets_sync-*.whl")

    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    # The wheel and its declared dependencies, from the configured index: this also proves the
    # dependency list is complete (an import of an undeclared package fails the demo).
    installed = _run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)],
                     tmp_path, env)
    assert installed.returncode == 0, installed.stderr

    empty = tmp_path / "empty"
    empty.mkdir()
    demo = _run([str(bindir / "sheets-sync"), "demo", "--today", "2026-11-23"], empty, env)
    assert demo.returncode == 0, demo.stderr
    assert (empty / "sample.xlsx").is_file()

    where = _run([str(bindir / "python"), "-c",
                  "import sheets_sync, sheets_sync.core.shipped as s; "
                  "print(sheets_sync.__file__); print(s.default_config())"], empty, env)
    assert where.returncode == 0, where.stderr
    package_file, default_toml = where.stdout.split()
    site = Path(venv).resolve()
    assert Path(package_file).resolve().is_relative_to(site)
    assert Path(default_toml).resolve().is_relative_to(site)
    assert not Path(package_file).resolve().is_relative_to(ROOT)


# Distribution name -> the module the package imports it as.
IMPORT_NAMES = {"python-calamine": "python_calamine", "google-auth": "google.auth",
                "lunar-python": "lunar_python", "google-auth-oauthlib": "google_auth_oauthlib"}


def test_every_declared_dependency_is_imported_by_the_package() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    names = [re.split(r"[\s<>=;\[!~]", spec, maxsplit=1)[0] for spec in declared]
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "sheets_sync").rglob("*.py"))
    unused = []
    for name in names:
        module = IMPORT_NAMES.get(name, name.replace("-", "_"))
        if not re.search(rf"^\s*(import|from)\s+{re.escape(module)}\b", source, re.MULTILINE):
            unused.append(name)
    assert unused == []
