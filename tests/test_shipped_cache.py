"""The parsed copies of the package's TOML files (sheets_sync/shipped_cache.py) give what
tomllib gives, are used while the file is unchanged, and never fail a command."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from sheets_sync.core.shipped import default_config, parse_toml, parse_with, templates_folder
from sheets_sync.shipped_cache import cached_toml, copy_file, install

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_the_shipped_files_read_through_the_cache_are_tomllibs_answers(cache_home: Path) -> None:
    files = [default_config(), *sorted(templates_folder().iterdir(), key=lambda f: f.name)]
    for file in (f for f in files if f.name.endswith(".toml")):
        expected = tomllib.loads(file.read_text(encoding="utf-8"))
        assert cached_toml(file) == expected  # parsed, and the copy written
        assert copy_file(Path(str(file))).exists()
        assert cached_toml(file) == expected  # from the copy


def test_an_unchanged_file_is_answered_from_its_copy(tmp_path: Path, cache_home: Path) -> None:
    source = tmp_path / "a.toml"
    source.write_text('name = "first"\n', encoding="utf-8")
    cached_toml(source)
    saved = json.loads(copy_file(source).read_text(encoding="utf-8"))
    saved["data"] = {"name": "from the copy"}
    copy_file(source).write_text(json.dumps(saved), encoding="utf-8")
    assert cached_toml(source) == {"name": "from the copy"}


def test_a_changed_file_is_parsed_again(tmp_path: Path, cache_home: Path) -> None:
    source = tmp_path / "a.toml"
    source.write_text('name = "first"\n', encoding="utf-8")
    assert cached_toml(source) == {"name": "first"}
    source.write_text('name = "second one"\n', encoding="utf-8")
    assert cached_toml(source) == {"name": "second one"}


def test_a_change_that_keeps_the_size_and_the_time_is_seen(tmp_path: Path,
                                                          cache_home: Path) -> None:
    source = tmp_path / "a.toml"
    source.write_text('name = "aaa"\n', encoding="utf-8")
    cached_toml(source)
    info = source.stat()
    source.write_text('name = "bbb"\n', encoding="utf-8")
    os.utime(source, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert cached_toml(source) == {"name": "bbb"}


def test_a_garbled_copy_is_a_parse(tmp_path: Path, cache_home: Path) -> None:
    source = tmp_path / "a.toml"
    source.write_text("n = 1\n", encoding="utf-8")
    cached_toml(source)
    copy_file(source).write_text("{not json", encoding="utf-8")
    assert cached_toml(source) == {"n": 1}


def test_a_cache_folder_that_cannot_be_written_is_skipped(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    source = tmp_path / "a.toml"
    source.write_text("n = 2\n", encoding="utf-8")
    assert cached_toml(source) == {"n": 2}


def test_a_file_with_a_toml_date_is_parsed_each_time(tmp_path: Path, cache_home: Path) -> None:
    source = tmp_path / "a.toml"
    source.write_text("day = 2026-12-01\n", encoding="utf-8")
    assert cached_toml(source) == tomllib.loads("day = 2026-12-01\n")
    assert not copy_file(source).exists()


def test_bad_toml_fails_as_the_parse_does(tmp_path: Path, cache_home: Path) -> None:
    source = tmp_path / "a.toml"
    source.write_text("n = = 1\n", encoding="utf-8")
    with pytest.raises(tomllib.TOMLDecodeError):
        cached_toml(source)
    with pytest.raises(FileNotFoundError):
        cached_toml(tmp_path / "missing.toml")


def test_the_core_asks_the_cache_for_the_shipped_files_once_it_is_installed(
        tmp_path: Path, cache_home: Path) -> None:
    other = tmp_path / "a.toml"
    other.write_text("n = 3\n", encoding="utf-8")
    install()
    try:
        assert parse_toml(default_config()) == tomllib.loads(
            default_config().read_text(encoding="utf-8"))
        assert copy_file(Path(str(default_config()))).exists()
        assert parse_toml(other) == {"n": 3}
        assert not copy_file(other).exists()  # not a file of the package
    finally:
        parse_with(None)
