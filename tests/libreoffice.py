"""Open a workbook in real LibreOffice (headless) and read back what it saw."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import python_calamine

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """CI installs LibreOffice (.ci/run); elsewhere a missing one skips with the reason."""
    if SOFFICE:
        return SOFFICE
    if os.environ.get("CI"):
        pytest.fail("LibreOffice (soffice) is not installed; .ci/run should have installed it")
    pytest.skip("LibreOffice not installed: apt-get install -y libreoffice-calc-nogui")


def convert(path: Path, outdir: Path) -> Path:
    """LibreOffice loads `path` and saves it as .xlsx in `outdir`; fails if it could not load it."""
    soffice = require_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "profile"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(outdir),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    converted = outdir / path.name
    assert converted.exists(), f"LibreOffice could not open {path.name}: {result.stderr[-500:]}"
    return converted


def roundtrip(path: Path, outdir: Path) -> dict[str, list[list[object]]]:
    """Every tab's values as LibreOffice saw them (it loads `path` and saves a copy)."""
    book = python_calamine.CalamineWorkbook.from_path(str(convert(path, outdir)))
    return {
        name: book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        for name in book.sheet_names
    }
