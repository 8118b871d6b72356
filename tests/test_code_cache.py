"""The compiled dataclass methods kept between runs (sheets_sync/code_cache.py): a class made
from kept code is the class dataclasses would make, the code is kept for the next run, and a
file that is not the user's own, or not a cache at all, is never used."""

from __future__ import annotations

import builtins
import dataclasses
import inspect
import marshal
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sheets_sync import code_cache


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    was_installed = getattr(dataclasses, "exec", None) is not None
    code_cache.uninstall()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yield tmp_path / "cache"
    code_cache.uninstall()
    if was_installed:  # an earlier test ran a command, which installs it for the process
        code_cache.install()


def make_class() -> Any:
    """A record with what dataclasses writes code for: defaults, a factory, frozen, kw-only,
    and annotations that are objects (make_dataclass does not postpone them)."""
    return dataclasses.make_dataclass(
        "Point", [("x", int), ("y", float, dataclasses.field(default=1.5)),
                  ("tags", tuple, dataclasses.field(default_factory=tuple))],
        frozen=True, kw_only=True)


def behaviour(cls: Any) -> tuple[Any, ...]:
    a, b = cls(x=1), cls(x=1, y=2.0, tags=("t",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.x = 2
    return (str(inspect.signature(cls)), cls.__init__.__annotations__, repr(a), repr(b),
            a == cls(x=1), a == b, hash(a) == hash(cls(x=1)), [f.name for f in
                                                                dataclasses.fields(cls)])


def test_a_class_made_from_kept_code_is_the_class_dataclasses_makes(cache_home: Path) -> None:
    fresh = behaviour(make_class())
    code_cache.install()
    first = behaviour(make_class())  # compiled here, and kept
    code_cache.save()
    code_cache.uninstall()
    code_cache.install()  # the next run: read from the file
    kept = behaviour(make_class())
    assert fresh == first == kept
    assert fresh[1] == {"x": int, "y": float, "tags": tuple, "return": None}  # no strings


def test_the_compiled_methods_are_kept_for_the_next_run(cache_home: Path) -> None:
    code_cache.install()
    make_class()
    code_cache.save()
    kept = code_cache.read_codes(code_cache.cache_file())
    assert any("def __init__(" in text and "_type_x" in text for text in kept)
    assert any("def __repr__(" in text for text in kept)


def test_only_dataclasses_sees_the_cache(cache_home: Path) -> None:
    original = builtins.exec
    code_cache.install()
    assert builtins.exec is original
    code_cache.uninstall()
    assert not hasattr(dataclasses, "exec")


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_file_others_may_write_is_not_used(cache_home: Path) -> None:
    code_cache.install()
    make_class()
    code_cache.save()
    path = code_cache.cache_file()
    assert code_cache.read_codes(path)
    path.chmod(0o666)
    assert code_cache.read_codes(path) == {}
    path.chmod(0o600)
    assert code_cache.read_codes(path)


def test_a_garbled_or_missing_file_is_a_cold_start(cache_home: Path) -> None:
    path = code_cache.cache_file()
    assert code_cache.read_codes(path) == {}
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not marshal data")
    path.chmod(0o600)
    assert code_cache.read_codes(path) == {}
    code_cache.install()
    assert behaviour(make_class())[2] == "Point(x=1, y=1.5, tags=())"


def test_another_python_build_has_another_file(cache_home: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    here = code_cache.cache_file()
    monkeypatch.setattr(sys, "version", sys.version + " (another build)")
    assert code_cache.cache_file() != here


def test_a_full_file_starts_over_from_what_the_run_used_and_added(
        cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = code_cache.cache_file()
    path.parent.mkdir(parents=True)
    stale = {f"# an older class's method {n}\n": compile("pass", "<string>", "exec")
             for n in range(5)}
    path.write_bytes(marshal.dumps(stale))
    path.chmod(0o600)
    monkeypatch.setattr(code_cache, "LIMIT", 3)
    code_cache.install()
    make_class()
    code_cache.save()
    kept = code_cache.read_codes(path)
    assert kept and not set(kept) & set(stale)
    assert any("def __init__(" in text for text in kept)


def test_a_file_that_starts_over_keeps_the_methods_the_run_found_in_it(
        cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code_cache.install()
    make_class()
    code_cache.save()
    known = set(code_cache.read_codes(code_cache.cache_file()))
    code_cache.uninstall()
    monkeypatch.setattr(code_cache, "LIMIT", len(known))
    code_cache.install()
    make_class()  # every method found in the file
    dataclasses.make_dataclass("Other", [("z", str)])  # new ones: the file is now full
    code_cache.save()
    kept = set(code_cache.read_codes(code_cache.cache_file()))
    assert known < kept
