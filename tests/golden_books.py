"""Golden outputs of a sync: which zip parts a sync writes, in which order, with which bytes.

A golden file is JSON: for each case, the output's parts in zip order, each with the sha256 of
its uncompressed bytes, or "copied" when the part is byte-identical to the input's (so inputs
that carry a timestamp, such as docProps/core.xml, do not make the record flaky).

Refresh deliberately, after checking that a difference is intended:

    SHEETS_SYNC_UPDATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_golden.py -m ""
    # or: .venv/bin/python -m tests.golden_books
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sheets_sync.config import load_config
from sheets_sync.starter import write_starter_workbook
from sheets_sync.sync import sync_workbook

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
UPDATE_ENV = "SHEETS_SYNC_UPDATE_GOLDEN"
SAMPLE_DAY = date(2026, 11, 23)
WEEK_LATER = SAMPLE_DAY + timedelta(days=7)
TICKED = 3  # Today rows ticked Done before the second sample sync

Record = list[tuple[str, str, str]]  # (part, sha256 or "copied", tab shown), in zip order


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def record(before: dict[str, bytes], after_path: Path) -> Record:
    """The output's parts in order; a part equal to the input's part is "copied"."""
    after = parts(after_path)
    tabs = sheet_tabs(after)
    return [
        (
            name,
            "copied" if before.get(name) == data else hashlib.sha256(data).hexdigest(),
            tabs.get(name, ""),
        )
        for name, data in after.items()
    ]


def sheet_tabs(data: dict[str, bytes]) -> dict[str, str]:
    """Worksheet part -> tab name, so a difference names the tab a person would look at."""
    workbook = data["xl/workbook.xml"].decode()
    rels = data["xl/_rels/workbook.xml.rels"].decode()
    targets = {}
    for element in re.findall(r"<Relationship\b[^>]*>", rels):
        rid, target = re.search(r'Id="([^"]+)"', element), re.search(r'Target="([^"]+)"', element)
        if rid and target:
            targets[rid.group(1)] = target.group(1)
    found = {}
    for sheet in re.finditer(r"<sheet\b[^>]*>", workbook):
        name = re.search(r'name="([^"]*)"', sheet.group(0))
        rid = re.search(r'r:id="([^"]*)"', sheet.group(0))
        if name and rid and rid.group(1) in targets:
            found["xl/" + targets[rid.group(1)].lstrip("/").removeprefix("xl/")] = name.group(1)
    return found


def sync_and_record(path: Path, today: date, done_logged: int = 0, light: bool = False) -> Record:
    before = parts(path)
    report = sync_workbook(str(path), load_config(), today, light=light)
    assert report.written and report.done_logged == done_logged, report
    return record(before, path)


def tick_done(path: Path, rows: int) -> None:
    """Tick Done on the first `rows` rows of the Today tab, editing only that cell's value.

    Done ticks are the person's edit between syncs; doing it at the XML level (not through a
    load-and-save library) keeps every other part of the file exactly as the sync wrote it.
    """
    data = parts(path)
    workbook = data["xl/workbook.xml"].decode()
    rels = data["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(r'<sheet\b[^>]*name="Today"[^>]*r:id="([^"]+)"', workbook)
    assert rid, "no Today tab"
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels)
    assert target
    part = "xl/" + target.group(1)
    xml = data[part].decode()
    for row in range(2, rows + 2):
        xml, count = re.subn(rf'(<c r="A{row}"[^>]*t="b"><v>)0(</v>)', r"\g<1>1\2", xml)
        assert count == 1, f"no Done cell on Today row {row}"
    data[part] = xml.encode()
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in infos:
            out.writestr(info, data[info.filename])


def sample_cases(folder: Path) -> dict[str, Record]:
    """The sample workbook synced on SAMPLE_DAY, then (three Done ticks later) a week on."""
    path = folder / "sample.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=SAMPLE_DAY)
    first = sync_and_record(path, SAMPLE_DAY)
    tick_done(path, TICKED)
    second = sync_and_record(path, WEEK_LATER, done_logged=TICKED)
    return {"sample_first_sync": first, "sample_week_later_with_done": second}


def crash_book_cases(folder: Path) -> dict[str, Record]:
    """A 4,000-contact book of the benchmark generator, synced once."""
    from benchmarks.bench_sync import TODAY, generate

    path = folder / "crash.xlsx"
    generate(path, contacts=4000, interactions=12000)
    return {"crash_book_4000": sync_and_record(path, TODAY)}


def bench_book_cases(folder: Path) -> dict[str, Record]:
    """The 20,000-contact book of the benchmark generator, synced once, then re-synced a day on
    (the speed work must not change a byte of either)."""
    from benchmarks.bench_sync import TODAY, generate

    path = folder / "bench.xlsx"
    generate(path, contacts=20_000, interactions=60_000)
    first = sync_and_record(path, TODAY)
    return {
        "bench_book_20000": first,
        "bench_book_20000_next_day": sync_and_record(path, TODAY + timedelta(days=1)),
    }


def other_book_cases(folder: Path) -> dict[str, Record]:
    """A light sync (Today and owned columns only), a Chinese workbook, and a workbook written
    the way Excel writes one (shared strings, comments, images, a person's chart, formulas)."""
    from tests.workbooks import excel_like_workbook

    light = folder / "light.xlsx"
    write_starter_workbook(light, lang="en", sample=True, today=SAMPLE_DAY)
    chinese = folder / "zh.xlsx"
    write_starter_workbook(chinese, lang="zh", sample=True, today=SAMPLE_DAY)
    excel = excel_like_workbook(folder / "excel.xlsx")
    return {
        "sample_light_sync": sync_and_record(light, SAMPLE_DAY, light=True),
        "sample_zh_first_sync": sync_and_record(chinese, SAMPLE_DAY),
        "excel_like_first_sync": sync_and_record(excel, SAMPLE_DAY),
    }


CASES: dict[str, Callable[[Path], dict[str, Record]]] = {
    "sample": sample_cases,
    "crash_book": crash_book_cases,
    "other_books": other_book_cases,
    "bench_book": bench_book_cases,
}


def golden_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.json"


def load(name: str) -> dict[str, Record]:
    raw = json.loads(golden_path(name).read_text(encoding="utf-8"))
    return {case: [(p, h, t) for p, h, t in record] for case, record in raw.items()}


def save(name: str, cases: dict[str, Record]) -> None:
    """One line per part, so a refreshed record diffs readably in review."""
    blocks = []
    for case, rec in cases.items():
        lines = ",\n".join("  " + json.dumps(list(entry), ensure_ascii=False) for entry in rec)
        blocks.append(f" {json.dumps(case)}: [\n{lines}\n ]")
    golden_path(name).write_text("{\n" + ",\n".join(blocks) + "\n}\n", encoding="utf-8")


def differences(expected: dict[str, Record], actual: dict[str, Record]) -> list[str]:
    """One line per differing part (or part order), per case."""
    lines: list[str] = []
    for case in sorted(set(expected) | set(actual)):
        want = {p: h for p, h, _ in expected.get(case, [])}
        got = {p: h for p, h, _ in actual.get(case, [])}
        tabs = {p: t for p, _, t in [*expected.get(case, []), *actual.get(case, [])] if t}
        for part in sorted(set(want) | set(got)):
            shown = f"{part} ({tabs[part]})" if part in tabs else part
            if part not in got:
                lines.append(f"{case}: {shown} is no longer written")
            elif part not in want:
                lines.append(f"{case}: {shown} is new")
            elif want[part] != got[part]:
                lines.append(f"{case}: {shown} differs ({want[part][:12]} -> {got[part][:12]})")
        order_want = [p for p, _, _ in expected.get(case, []) if p in got]
        order_got = [p for p, _, _ in actual.get(case, []) if p in want]
        if order_want != order_got:
            lines.append(f"{case}: part order differs: {order_want} -> {order_got}")
    return lines


def main(argv: list[str]) -> int:
    """Rewrite the golden files named in argv (all when none)."""
    import tempfile

    for name in argv or list(CASES):
        with tempfile.TemporaryDirectory() as folder:
            save(name, CASES[name](Path(folder)))
        print(f"wrote {golden_path(name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
