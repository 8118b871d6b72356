"""The file-level side of a save: backups of this workbook only, at least one kept, a read-only
workbook refused, and the replacement keeping the mode, owner and group people rely on."""

from __future__ import annotations

import grp
import os
import shutil
import stat
from pathlib import Path

import pytest

from sheets_sync.config import load_config
from sheets_sync.errors import ConfigError, UserError
from sheets_sync.starter import write_starter_workbook
from sheets_sync.sync import sync_workbook
from tests.conftest import SAMPLE_DAY

BACKUPS = ".sheets-sync-backups"


@pytest.fixture
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "book.xlsx"
    write_starter_workbook(path, lang="en", sample=True, today=SAMPLE_DAY)
    return path


def sync_days(path: Path, days: int, keep: int = 10) -> None:
    config = load_config(overrides={"general": {"backups_keep": keep}})
    for n in range(days):
        sync_workbook(str(path), config, SAMPLE_DAY.replace(day=SAMPLE_DAY.day + n))


@pytest.mark.slow
def test_pruning_keeps_each_workbook_its_own_backups(fresh: Path, tmp_path: Path) -> None:
    contacts, older = tmp_path / "contacts.xlsx", tmp_path / "contacts.2025.xlsx"
    shutil.copy(fresh, contacts)
    shutil.copy(fresh, older)
    sync_days(older, 3, keep=2)
    sync_days(contacts, 3, keep=2)
    names = sorted(p.name for p in (tmp_path / BACKUPS).glob("*.xlsx"))
    assert len([n for n in names if n.startswith("contacts.2025.")]) == 2
    assert len([n for n in names if not n.startswith("contacts.2025.")]) == 2


@pytest.mark.parametrize("keep", [0, -1])
def test_backups_keep_must_keep_at_least_one(keep: int) -> None:
    with pytest.raises(ConfigError, match="backups_keep' must be at least 1"):
        load_config(overrides={"general": {"backups_keep": keep}})


def test_a_read_only_workbook_is_refused_and_left_as_it_is(fresh: Path, tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copy(fresh, path)
    path.chmod(0o444)
    before = path.read_bytes()
    with pytest.raises(UserError, match="book.xlsx is read-only"):
        sync_workbook(str(path), load_config(), SAMPLE_DAY)
    assert path.read_bytes() == before and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert not list((tmp_path / BACKUPS).glob("*.xlsx"))


def a_group_of_mine() -> int:
    """A group this user may give a file: a supplementary one when there is one (so the test
    shows the group is carried over, not merely the default), else the primary one."""
    others = [g for g in os.getgroups() if g != os.getegid()]
    if os.geteuid() == 0:
        others = [g.gr_gid for g in grp.getgrall() if g.gr_gid != 0] or others
    return others[0] if others else os.getegid()


def test_the_replacement_keeps_mode_and_group(fresh: Path, tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copy(fresh, path)
    group = a_group_of_mine()
    os.chown(path, -1, group)
    path.chmod(0o664)
    inode = path.stat().st_ino
    sync_workbook(str(path), load_config(), SAMPLE_DAY)
    info = path.stat()
    assert info.st_ino != inode  # it was replaced, not edited in place
    assert (stat.S_IMODE(info.st_mode), info.st_gid) == (0o664, group)
    backup = next((tmp_path / BACKUPS).glob("book.*.xlsx")).stat()
    assert (stat.S_IMODE(backup.st_mode), backup.st_gid) == (0o664, group)


@pytest.mark.skipif(os.geteuid() != 0, reason="only a process that may chown keeps the owner")
def test_the_replacement_keeps_the_owner_when_it_may(fresh: Path, tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copy(fresh, path)
    group = a_group_of_mine()
    os.chown(path, 65534, group)
    path.chmod(0o664)
    sync_workbook(str(path), load_config(), SAMPLE_DAY)
    info = path.stat()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (65534, group, 0o664)


def test_a_symlinked_workbook_keeps_its_link(fresh: Path, tmp_path: Path) -> None:
    real = tmp_path / "shared" / "contacts.xlsx"
    real.parent.mkdir()
    shutil.copy(fresh, real)
    link = tmp_path / "book.xlsx"
    link.symlink_to(real)
    before = real.read_bytes()
    sync_workbook(str(link), load_config(), SAMPLE_DAY)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert real.read_bytes() != before
    assert [p.name.split(".")[0] for p in (real.parent / BACKUPS).glob("*.xlsx")] == ["contacts"]


def test_a_read_only_workbook_with_nothing_to_change_is_not_an_error(fresh: Path,
                                                                     tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    shutil.copy(fresh, path)
    sync_workbook(str(path), load_config(), SAMPLE_DAY)
    path.chmod(0o444)
    assert sync_workbook(str(path), load_config(), SAMPLE_DAY).written is False
