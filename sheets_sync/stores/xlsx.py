"""Excel store: reads with calamine, writes by surgical XML edits, saves atomically + backup."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from sheets_sync import backups
from sheets_sync.atomic import (
    TEMP_SUFFIX,
    exclusive_temp,
    fsync_dir,
    remove_stale_temps,
    sha256_of,
)
from sheets_sync.core.model import ChangeSet, ContactWrite, OwnedTab, WorkbookData
from sheets_sync.core.owned_tabs import mark_after
from sheets_sync.core.rows import last_row
from sheets_sync.core.tables import (
    classify_tabs,
    column_keys,
    owned_positions,
    used_width,
    workbook_data,
)
from sheets_sync.errors import CannotPreserve, UserError, WorkbookChanged, WorkbookLocked
from sheets_sync.failpoints import failpoint
from sheets_sync.locks import SIDECAR_DIR
from sheets_sync.owner_files import refuse_if_open
from sheets_sync.stores import ooxml, xlsx_charts, xlsx_rels
from sheets_sync.stores.calamine_input import LedWorkbook
from sheets_sync.stores.diff import Diff, diff_changes
from sheets_sync.stores.xlsx_book import arrange
from sheets_sync.stores.xlsx_cell_bytes import RowCells
from sheets_sync.stores.xlsx_check import (
    check_package,
    check_sheet,
    check_streams,
    check_workbook_location,
)
from sheets_sync.stores.xlsx_layout import OWNED_WIDTHS, chart_anchors
from sheets_sync.stores.xlsx_package import (
    Package,
    owned_worksheets,
    require_registered,
    sheet_kinds,
    sheet_parts,
    with_mark,
)
from sheets_sync.stores.xlsx_read import is_dense, mark_formulas, row_streamer, sparse_grid_of
from sheets_sync.stores.xlsx_render import render_sheet, with_link_rels
from sheets_sync.stores.xlsx_sheet_edit import MAX_COLUMNS, SheetEdit, extend_tables
from sheets_sync.stores.zip_entries import (
    Inflating,
    compressed_bytes,
    copy_compressed,
    set_level,
    unpacked,
)
from sheets_sync.sync_record import fingerprint

BACKUP_DIR = SIDECAR_DIR
OWNED_NOTE = (
    "sheets-sync writes this column on every sync; anything typed here is replaced. "
    "Every other column is yours and is never changed."
)
SAVE_AS_FIX = "open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx)"
# A worksheet a sync edits is read and written a piece at a time from this size (unpacked) on;
# a smaller one is unpacked whole, which holds no more than two of the pieces would.
STREAMED_FROM = 2 << 20


def _entry(package: Package, name: str) -> zipfile.ZipInfo | None:
    """The zip entry of part `name` as the package spells it, None when it has none."""
    actual = package.actual(name)
    return package.archive.getinfo(actual) if actual is not None else None


def preflight(path: Path) -> None:
    """One clear error for every file this store cannot use, before anything is read."""
    if not path.exists():
        raise UserError(
            f"No such file: {path}",
            f"check the path, or create one with `sheets-sync init {path.name}`",
        )
    if path.is_dir():
        raise UserError(f"{path} is a folder, not a workbook", "pass the path of an .xlsx file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".xls", ".ods", ".numbers", ".tsv", ".xlsb"):
        raise UserError(
            f"{path.name} is a {suffix} file; sheets-sync works on .xlsx workbooks", SAVE_AS_FIX
        )
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        data = path.read_bytes()
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise UserError(
                f"{path.name} is password-protected",
                "remove the password (File > Info > Protect Workbook > Encrypt with "
                "Password, clear it), save, and run again",
            )
        raise UserError(f"{path.name} is an old-format Excel (.xls) file", SAVE_AS_FIX)
    if not head.startswith(b"PK"):
        raise UserError(f"{path.name} is not an Excel workbook", SAVE_AS_FIX)
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise UserError(f"{path.name} is damaged or not an Excel workbook", SAVE_AS_FIX) from None
    if "xl/workbook.xml" not in names:
        check_workbook_location(path.read_bytes(), path.name)  # a workbook elsewhere: say so
        raise UserError(f"{path.name} is a zip file but not an Excel workbook", SAVE_AS_FIX)
    with zipfile.ZipFile(path) as archive:
        strict = b"purl.oclc.org/ooxml" in archive.read("xl/workbook.xml")[:4000]
    if strict:
        raise UserError(
            f"{path.name} is saved as Strict Open XML, which this tool does not edit",
            "save it as the usual Excel Workbook (.xlsx) type, then run sync again",
        )
    # An open workbook is refused by apply(), not here: reading the last saved version is fine.


def check_not_open(path: Path) -> None:
    refuse_if_open(path)


@dataclass(frozen=True)
class FileIdentity:
    """What says "still the file that was read": where it lives on disk and its metadata.

    A person's save replaces the file (new inode) or rewrites it (new mtime, to the nanosecond,
    and usually a new size); the content hash kept beside it catches a rewrite that restored
    the old mtime and size.
    """

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, info: os.stat_result) -> FileIdentity:
        return cls(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


@dataclass(frozen=True)
class Snapshot:
    """The workbook's bytes exactly as read; every later step works from these, not the path."""

    data: bytes
    sha256: str
    identity: FileIdentity
    mode: int  # permission bits, given to the file that replaces it and to its backup


def take_snapshot(path: Path, attempts: int = 3) -> Snapshot:
    """Read the whole file once. A file being rewritten in place while it is read is read again."""
    for _ in range(attempts):
        with open(path, "rb") as handle:
            before = FileIdentity.of(os.fstat(handle.fileno()))
            data = handle.read()
            final = os.fstat(handle.fileno())
            after, mode = FileIdentity.of(final), final.st_mode
        if before == after and len(data) == after.size:
            return Snapshot(data, hashlib.sha256(data).hexdigest(), after, stat.S_IMODE(mode))
    raise WorkbookChanged(f"{path.name} kept changing while it was being read",
                          "wait until nobody is saving it, then run sync again")


class XlsxStore:
    def __init__(self, path: Path, backups_keep: int = 10, money_format: str = "#,##0") -> None:
        self.path = Path(path)
        self.location = str(path)
        self.backups_keep = backups_keep
        self.money_format = money_format
        self._snapshot: Snapshot | None = None
        self._data: WorkbookData | None = None
        self._written: dict[str, Any] | None = None
        self._checked: frozenset[str] = frozenset()  # parts the read found well-formed

    # -- reading ---------------------------------------------------------------------------

    def read(self) -> WorkbookData:
        preflight(self.path)
        self._snapshot = take_snapshot(self.path)
        worksheets = check_package(self._snapshot.data, self.path.name)  # unpacked when read
        with zipfile.ZipFile(io.BytesIO(self._snapshot.data)) as archive:
            try:
                book = LedWorkbook(self._snapshot.data, archive, worksheets)
            except Exception as exc:  # calamine raises its own error types for unreadable files
                raise UserError(f"{self.path.name} cannot be read ({exc})", SAVE_AS_FIX) from None
            package = Package(archive)
            parts = sheet_parts(package)

            scanned: set[str] = set()  # unpacked by the read
            checked: set[str] = set()  # and found well-formed
            # Only the Contacts part is always edited byte by byte, so only it is parsed by
            # expat here; any other part the sync edits (an Interactions tab a Done tick is
            # logged to) is parsed by the writer as it edits it (`checked` in apply). The
            # values of a part never edited are calamine's either way.
            contacts_tab = classify_tabs(list(book.sheet_names)).get("contacts")

            def grid_of(name: str) -> Sequence[list[Any]]:
                part = parts.get(name, "")
                well_formed = name == contacts_tab
                scan = check_sheet(package, name, part, self.path.name, well_formed)
                entry = package.actual(part) or part
                scanned.add(entry)
                if well_formed:
                    checked.add(entry)
                if not is_dense(*scan.extent()):  # a stray far cell: read only the cells
                    return mark_formulas(sparse_grid_of(package, package.read(part)),
                                         scan.formulas)
                try:
                    sheet = book.get_sheet_by_name(name)
                except Exception as exc:  # calamine's own error types
                    raise UserError(f"Tab '{name}' of {self.path.name} cannot be read ({exc})",
                                    SAVE_AS_FIX) from None
                return _SheetGrid(sheet, scan.formulas)

            self._data = workbook_data(self.path.name, list(book.sheet_names), grid_of,
                                       owned_worksheets(package))
            check_streams(archive, worksheets - scanned, self.path.name)
            self._checked = frozenset(checked)
        book.close()  # calamine's copy of the file and its parsed parts
        failpoint("read-done")
        return self._data

    def written_fingerprint(self) -> dict[str, Any] | None:
        """Size and SHA-256 of the file apply() put in place; None when it wrote nothing."""
        return self._written

    def read_fingerprint(self) -> dict[str, Any] | None:
        """Size and SHA-256 of the bytes read() took: what a sync that wrote nothing found to be
        already synced (sheets_sync/sync_record.py)."""
        if self._snapshot is None:
            return None
        return fingerprint(len(self._snapshot.data), self._snapshot.sha256)

    # -- writing ---------------------------------------------------------------------------

    def diff(self, changes: ChangeSet) -> Diff:
        if self._data is None:
            raise RuntimeError("read() must come before diff()")
        return diff_changes(self._data, changes)

    def apply(self, plan: ChangeSet) -> bool:
        """Write the plan over the file that was read, or refuse if someone saved it meanwhile.

        Every byte comes from the snapshot taken by read(), so a person's save after the read
        can never be mixed into (or silently replaced by) the new file: it is detected before
        the backup and again just before the rename, and WorkbookChanged leaves their version.
        """
        if self._data is None or self._snapshot is None:
            raise RuntimeError("read() must come before apply()")
        snapshot = self._snapshot
        check_not_open(self.path)
        self._check_unchanged(snapshot, full=True)
        with zipfile.ZipFile(io.BytesIO(snapshot.data)) as archive:
            changes, removed = self._plan_parts(archive, plan)
            names = set(archive.namelist())
            changes = {
                p: d
                for p, d in changes.items()
                if p not in names or (d.changed() if isinstance(d, SheetEdit)
                                      else archive.read(p) != d)
            }
            if not changes and not removed:
                return False
            backups.refuse_read_only(self.path)  # only a sync that would write refuses
            self._backup(snapshot)
            self._write_atomically(archive, changes, removed, snapshot)
        return True

    def _check_unchanged(self, snapshot: Snapshot, full: bool) -> None:
        """Raise WorkbookChanged unless the path still holds the file read (by identity, and
        with `full` by content too)."""
        try:
            now = FileIdentity.of(os.stat(self.path))
            same = now == snapshot.identity
            if same and full:
                same = sha256_of(self.path) == snapshot.sha256
        except FileNotFoundError:
            same = False
        if not same:
            raise WorkbookChanged(
                f"{self.path.name} was saved by someone else while it was being synced; "
                "their version is kept and nothing was written",
                "run sync again",
            )

    def _plan_parts(
        self, archive: zipfile.ZipFile, plan: ChangeSet
    ) -> tuple[dict[str, Part], set[str]]:
        """The parts to write (an edited worksheet stays a SheetEdit, written out as the zip
        entry is) and the parts to leave out."""
        assert self._data is not None
        package = Package(archive)
        text = {
            name: package.read(name).decode("utf-8")
            for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml")
        }
        if not package.has("xl/styles.xml"):
            raise CannotPreserve(
                f"{self.path.name} has no style sheet",
                "open and save it once in Excel or LibreOffice",
            )
        styles = ooxml.Styles(package.read("xl/styles.xml").decode("utf-8"), self.money_format)
        date1904 = ooxml.is_date1904(text["xl/workbook.xml"].encode())
        sheets = _spelled(package, ooxml.parse_sheets(
            text["xl/workbook.xml"].encode(), text["xl/_rels/workbook.xml.rels"].encode()
        ))
        by_name = {s.name: s for s in sheets}
        kinds = sheet_kinds(text["xl/_rels/workbook.xml.rels"])
        changes: dict[str, str | bytes | SheetEdit] = {}  # a rendered tab is bytes
        removed: set[str] = set()
        replaced_formula = False

        contacts = by_name[self._data.tables["contacts"].name]
        result = self._patch_contacts(
            self._source(package, contacts.part), contacts.part, plan, styles, date1904
        )
        changes[contacts.part] = result
        replaced_formula |= result.replaced_formula

        for append in plan.appends:
            table = self._data.tables.get(append.tab)
            if not append.records or table is None or table.name not in by_name:
                continue
            tab_name = table.name
            entry = by_name[tab_name]
            start = last_row(table.rows, table.header_row)
            columns = column_keys(append.tab, table.headers)
            records = [
                {
                    columns[k]: ooxml.CellWrite(v, styles.xf(append.kinds.get(k, "")))
                    for k, v in sorted(
                        record.items(), key=lambda item: columns.get(item[0], -1)
                    )
                    if k in columns and v not in (None, "")
                }
                for record in append.records
            ]
            source = _part_bytes(changes.get(entry.part))
            edit = SheetEdit(
                source if source is not None else self._source(package, entry.part),
                entry.part, tab_name, date1904=date1904, keep_after=start,
                checked=source is None and entry.part in self._checked,
            )
            first, last = edit.append_rows(records)
            edit.grow_dimension()
            changes[entry.part] = edit
            replaced_formula |= edit.replaced_formula
            for table_part, table_xml in extend_tables(archive, entry.part, first, last).items():
                changes[table_part] = table_xml.decode("utf-8")

        sheet_names = {**self._data.tab_keys, **plan.tab_names}
        tabs_by_key = {tab.key: tab for tab in plan.tabs}
        for tab in plan.tabs:
            name = plan.tab_names[tab.key]
            if name in by_name:
                if tab.create_only:
                    continue
                if self._data.tab_keys.get(tab.key) != name or kinds.get(
                        by_name[name].rel_id) != "worksheet":
                    raise CannotPreserve(
                        f"The tab '{name}' of {self.path.name} is not the tool's own; "
                        "it is kept and nothing was written",
                        "rename that tab, then run sync again",
                    )
                part = by_name[name].part
                removed |= package.removable_below(part, removed)
            else:
                part = package.free_part("xl/worksheets/sheet", changes, removed)
                wb, rels, types = ooxml.add_sheet(
                    text["xl/workbook.xml"],
                    text["xl/_rels/workbook.xml.rels"],
                    text["[Content_Types].xml"],
                    name,
                    part,
                    sheets,
                )
                text.update(
                    {
                        "xl/workbook.xml": wb,
                        "xl/_rels/workbook.xml.rels": rels,
                        "[Content_Types].xml": types,
                    }
                )
                sheets = _spelled(package, ooxml.parse_sheets(wb.encode(), rels.encode()))
                require_registered(sheets, name, text["xl/workbook.xml"], self.path.name)
            drawing_rel = None
            if tab.charts:
                chart_parts = self._add_charts(
                    part, tab, tabs_by_key, sheet_names, package, removed, changes, text
                )
                drawing_rel = "rId1" if chart_parts else None
            changes[part] = render_sheet(tab, styles, date1904, drawing_rel)
            rels = with_link_rels(changes.get(ooxml.rels_path(part)), tab)
            if rels is not None:
                changes[ooxml.rels_path(part)] = rels

        if "today" in plan.tab_names:
            arrange(text, archive, changes, plan.tab_names, self._data.tables["contacts"].name)

        if replaced_formula and package.has("xl/calcChain.xml"):
            rels, types = ooxml.drop_calc_chain(
                text["xl/_rels/workbook.xml.rels"], text["[Content_Types].xml"]
            )
            text.update({"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types})
            removed.add(package.spelled("xl/calcChain.xml"))
        written = {t.key: plan.tab_names[t.key] for t in plan.tabs if not t.create_only}
        with_mark(package, mark_after(self._data.tab_keys, written), text, changes)
        removed -= set(changes)
        for part in removed:
            types = text["[Content_Types].xml"]
            text["[Content_Types].xml"] = xlsx_rels.remove_override(types, part)
        changes.update({package.spelled(name): xml for name, xml in text.items()})
        changes[package.spelled("xl/styles.xml")] = styles.xml
        return {p: d if isinstance(d, (SheetEdit, bytes)) else d.encode("utf-8")
                for p, d in changes.items()}, removed

    def _part(self, package: Package, name: str) -> bytes:
        """A part of the snapshot, unpacked into one buffer where it can be."""
        assert self._snapshot is not None
        info = _entry(package, name)
        data = unpacked(self._snapshot.data, info) if info is not None else None
        return data if data is not None else package.read(name)

    def _source(self, package: Package, name: str) -> bytes | Inflating:
        """A worksheet to edit: read in pieces where it is large and plainly deflated, else
        unpacked whole (`_part`)."""
        assert self._snapshot is not None
        info = _entry(package, name)
        if (info is not None and info.file_size >= STREAMED_FROM
                and compressed_bytes(self._snapshot.data, info) is not None):
            return Inflating(self._snapshot.data, info, lambda: self._part(package, name))
        return self._part(package, name)

    def _patch_contacts(
        self, xml: bytes | Inflating, part: str, plan: ChangeSet, styles: ooxml.Styles,
        date1904: bool,
    ) -> SheetEdit:
        """Owned cells and new IDs of every contact, at the row it was read on: the workbook is
        the one read (apply checks its identity first), so the locator's row is still its row."""
        assert self._data is not None
        table = self._data.tables["contacts"]
        owned = plan.owned_columns
        positions, appended = owned_positions(
            table.headers, self._data.contacts_width, [c.key for c in owned]
        )
        if max(positions.values(), default=0) >= MAX_COLUMNS:
            raise CannotPreserve(
                f"The {table.name} tab has no room for the tool's {len(owned)} columns: its "
                "data reaches the last columns Excel has (up to XFD)",
                "delete the unused columns at the right of the tab, then run sync again",
            )
        # Only new headers are written: a header a person typed (" Tier ", in a table's header
        # row) stays as it is, so it keeps matching the table's column.
        header_style = styles.xf("owned_header")
        header = {
            positions[c.key]: ooxml.CellWrite(c.header or c.key, header_style)
            for c in owned
            if c.key in appended
        }
        formats = {c.key: styles.xf(c.kind) for c in owned}
        id_col = column_keys("contacts", table.headers).get("id")
        updates = _ContactCells(table.header_row, header, plan.contacts, positions, formats,
                                id_col, date1904)
        edit = SheetEdit(xml, part, table.name, updates, date1904,
                         checked=part in self._checked)  # the bytes the read checked
        edit.grow_dimension()
        owned_cols = sorted(positions[c.key] for c in owned)
        refs = " ".join(f"{ooxml.col_letter(c)}{table.header_row}" for c in owned_cols)
        edit.set_header_note(refs, OWNED_NOTE)
        edit.ensure_column_widths({c: OWNED_WIDTHS[k] for k, c in appended.items()})
        if owned_cols:
            edit.widen_autofilter(table.header_row, owned_cols[-1])
        return edit

    @staticmethod
    def _add_charts(
        sheet_part: str,
        tab: OwnedTab,
        tabs_by_key: dict[str, OwnedTab],
        sheet_names: dict[str, str],
        package: Package,
        removed: set[str],
        changes: dict[str, str],
        text: dict[str, str],
    ) -> list[str]:
        """Drawing and chart parts for an owned tab; returns the chart parts written."""
        taken = set(changes)
        drawing = package.free_part("xl/drawings/drawing", taken, removed)
        taken.add(drawing)
        charts = []
        for spec in tab.charts:
            chart = package.free_part("xl/charts/chart", taken, removed)
            taken.add(chart)
            changes[chart] = xlsx_charts.chart_xml(spec, tabs_by_key, sheet_names)
            charts.append(chart)
        changes[drawing] = xlsx_charts.drawing_xml(chart_anchors(tab))
        changes[package.spelled(ooxml.rels_path(drawing))] = xlsx_charts.rels_xml(
            [(xlsx_charts.CHART_REL, "../charts/" + c.rsplit("/", 1)[1]) for c in charts]
        )
        changes[package.spelled(ooxml.rels_path(sheet_part))] = xlsx_charts.rels_xml(
            [(xlsx_charts.DRAWING_REL, "../drawings/" + drawing.rsplit("/", 1)[1])]
        )
        types = xlsx_rels.rels_content_type(text["[Content_Types].xml"])
        for part, kind in [(drawing, xlsx_charts.DRAWING_CT)] + [
            (c, xlsx_charts.CHART_CT) for c in charts
        ]:
            types = xlsx_rels.set_override(types, part, kind)
        text["[Content_Types].xml"] = types
        return charts

    def _backup(self, snapshot: Snapshot) -> Path:
        """Keep the version being replaced (the bytes read, which were just checked to still be
        the file on disk) as a timestamped copy; prune to the newest `backups_keep`."""
        return backups.keep_backup(backups.real_file(self.path), snapshot.data, snapshot.mode,
                                   self.backups_keep)

    def _write_atomically(
        self,
        archive: zipfile.ZipFile,
        changes: dict[str, Part],
        removed: set[str],
        snapshot: Snapshot,
    ) -> None:
        real = backups.real_file(self.path)  # a symlink stays a link to the updated file
        remove_stale_temps(real)
        failpoint("before-temp")
        temp: Path | None = None
        try:
            temp = exclusive_temp(real.parent, real.name, TEMP_SUFFIX, snapshot.mode)
            backups.carry_ownership(temp, os.stat(real))
            names = archive.namelist()
            with zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as out:
                # [Content_Types].xml first: some readers expect it there.
                order = sorted(names, key=lambda n: n != "[Content_Types].xml")
                for position, name in enumerate(order):
                    if position == len(order) // 2:
                        failpoint("mid-write")
                    if name in removed:
                        continue
                    info = archive.getinfo(name)
                    data = changes.pop(name, None)
                    if data is not None:
                        _write_part(out, _zip_info(name, info), data)
                        continue
                    raw = compressed_bytes(snapshot.data, info)
                    if raw is None or not copy_compressed(out, _zip_info(name, info), info, raw):
                        out.writestr(_zip_info(name, info), archive.read(name))
                for name, data in changes.items():
                    _write_part(out, _zip_info(name, None), data)
            failpoint("before-fsync")
            with open(temp, "rb") as handle:
                os.fsync(handle.fileno())
            # The bytes now put in place, hashed before the rename so a save after it can never
            # be taken for what this sync wrote (sheets_sync/sync_record.py).
            self._written = fingerprint(os.path.getsize(temp), sha256_of(temp))
            failpoint("before-rename")
            # The content check reads the whole file; the metadata check right before the rename
            # is one stat, so a save can slip in only within the microseconds between the two
            # system calls (POSIX has no "rename unless changed").
            self._check_unchanged(snapshot, full=True)
            self._check_unchanged(snapshot, full=False)
            os.replace(temp, real)
            temp = None
        except PermissionError:
            raise WorkbookLocked(
                f"{self.path.name} cannot be written (permission denied in "
                f"{real.parent.absolute()}, or locked by another program)",
                "close it and check you may write to that folder",
            ) from None
        except OSError as exc:
            line = backups.save_error(exc, real)
            if line is None:
                raise
            raise line from exc  # --debug shows the OS error
        finally:
            if temp is not None:
                temp.unlink(missing_ok=True)
        failpoint("after-rename")
        fsync_dir(real.parent)


class _ContactCells(Mapping[int, Mapping[int, ooxml.CellWrite]]):
    """Sheet row -> the owned cells (and new ID) written on it: the header row's new headers,
    then each contact's, a later one for a row replacing an earlier. A row's cells are made
    when the edit reaches it, so they are never all held at once; `encoded` gives a contact's
    owned cells as bytes, which the edit takes first where it can."""

    def __init__(self, header_row: int, header: dict[int, ooxml.CellWrite],
                 writes: list[ContactWrite], positions: Mapping[str, int],
                 formats: Mapping[str, int | None], id_col: int | None,
                 date1904: bool = False) -> None:
        self._header = header
        self._places = {key: (positions[key], formats[key]) for key in positions}
        self._id_col = id_col
        self._by_row: dict[int, ContactWrite | None] = {header_row: None}
        for write in writes:
            self._by_row[write.locator.row] = write
        styled = {key: (col, style) for key, (col, style) in self._places.items()
                  if style is not None}
        # A column that keeps each cell's own style needs the cell: those rows take the
        # mapping.
        self._cells = RowCells(styled, date1904) if len(styled) == len(self._places) else None
        self.columns = self._cells.columns if self._cells is not None else ()

    def encoded(self, row: int) -> bytes | None:
        """A contact's owned cells as `RowCells.encoded` gives them (in `columns`); None for
        the header row, a row given a new ID, or values the bytes cannot be made from."""
        write = self._by_row.get(row)
        if write is None or write.assign_id or self._cells is None:
            return None
        return self._cells.encoded(write.values)

    def __getitem__(self, row: int) -> dict[int, ooxml.CellWrite]:
        write = self._by_row[row]
        if write is None:
            return self._header
        places = self._places
        cells = {}
        for key, value in write.values.items():
            position, style = places[key]
            cells[position] = _cell_write(ooxml.CellWrite, (value, style))
        if write.assign_id and self._id_col is not None:
            cells[self._id_col] = ooxml.CellWrite(write.assign_id, None)
        return cells

    def get(self, row: int, default: Any = None) -> Any:  # a row's cells, asked once per row
        return self[row] if row in self._by_row else default

    def __contains__(self, row: object) -> bool:
        return row in self._by_row

    def __iter__(self) -> Iterator[int]:
        return iter(self._by_row)

    def __len__(self) -> int:
        return len(self._by_row)


class _SheetGrid(Sequence[list[Any]]):
    """A calamine sheet as the grid `to_python(skip_empty_area=False)` and `mark_formulas`
    give (rows from A1), made one row at a time as it is iterated: the sheet's values are never
    all Python objects at once, and the table keeps only what it needs of each row."""

    def __init__(self, sheet: Any, formulas: list[tuple[int, int]]) -> None:
        self._sheet, self._formulas = sheet, formulas
        start, end = sheet.start, sheet.end
        self._start_col = start[1] if start else 0
        self._height = end[0] + 1 if start and end else 0  # iter_rows starts at row 1
        self._length = max([self._height, *(row + 1 for row, _ in formulas)])

    def __iter__(self) -> Iterator[list[Any]]:
        rows = self._sheet.iter_rows() if self._height else iter(())
        return row_streamer(rows, self._start_col, self._formulas)

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: Any) -> Any:  # the first rows, for a look at the header
        if isinstance(index, slice):
            return list(islice(self, *index.indices(self._length)))
        if not 0 <= index < self._length:
            raise IndexError("row index out of range")
        return next(islice(self, index, None))


_cell_write = tuple.__new__  # a CellWrite without the named tuple's Python-level __new__
Part = bytes | SheetEdit  # a part's new bytes, or a worksheet edit that writes them


def _part_bytes(part: str | bytes | SheetEdit | None) -> bytes | None:
    if part is None or isinstance(part, bytes):
        return part
    return part.xml() if isinstance(part, SheetEdit) else part.encode("utf-8")


def _write_part(out: zipfile.ZipFile, info: zipfile.ZipInfo, part: Part) -> None:
    if isinstance(part, bytes):
        out.writestr(info, part)
        return
    info.file_size = part.size()  # so ZipFile.open decides on ZIP64 as writestr would
    with out.open(info, "w") as stream:
        part.write(stream)


def _spelled(package: Package, sheets: list[ooxml.SheetEntry]) -> list[ooxml.SheetEntry]:
    """The tab list with each part named as the zip spells it (OPC names ignore case)."""
    for entry in sheets:
        entry.part = package.spelled(entry.part)
    return sheets


def _zip_info(name: str, original: zipfile.ZipInfo | None) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(
        name, date_time=original.date_time if original else (1980, 1, 1, 0, 0, 0)
    )
    if original:
        info.external_attr = original.external_attr
    return set_level(info)


_used_width = used_width  # read() measures the Contacts width with the shared rule
