"""One clear line for every package the Excel store cannot use, before calamine reads it.

A damaged or odd .xlsx must end in a sentence naming the cause (exit 2, or 4 where the file is
valid but in a form the tool does not edit), never "internal error": a corrupt deflate stream, a
part whose size is out of proportion (a decompression bomb), two zip entries with one name, no
`[Content_Types].xml`, malformed XML in a part the tool reads, a tab whose part is missing or is
not a worksheet (a PNG in its place).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterable
from typing import IO
from xml.parsers import expat

from sheets_sync.errors import CannotPreserve, UserError
from sheets_sync.stores.xlsx_package import WORKBOOK_PART, Package, fold, rels_part, sheet_parts
from sheets_sync.stores.xlsx_read import SheetScan, cut

DAMAGED_FIX = "open it in Excel or LibreOffice (which repair what they can), save it, and run again"
RESAVE_FIX = "open and save it once in Excel or LibreOffice, then run sync again"
MAX_PART_BYTES = 1 << 30  # no real sheet, shared-string or style part is a gigabyte
RATIO_FLOOR = 32 << 20  # parts below this size are never refused for their ratio
MAX_RATIO = 200  # sheet XML compresses 10-50 times; a bomb thousands of times
_MAGIC = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
          b"PK\x03\x04": "a zip file", b"%PDF": "a PDF document"}


def check_package(data: bytes, file_name: str) -> frozenset[str]:
    """Refuse (UserError/CannotPreserve) a package that is damaged or out of proportion.

    Returns the tabs' parts (zip names), whose streams are left to the caller, which unpacks
    them anyway (`check_sheet`, and `check_streams` for those it did not read): no part is
    unpacked twice."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise UserError(f"{file_name} is damaged or not an Excel workbook", DAMAGED_FIX) from None
    with archive:
        seen: dict[str, str] = {}
        for info in archive.infolist():
            if fold(info.filename) in seen:
                raise UserError(
                    f"{file_name} is damaged: it holds two parts named "
                    f"{seen[fold(info.filename)]!r}", DAMAGED_FIX)
            seen[fold(info.filename)] = info.filename
        for info in archive.infolist():
            _check_size(info, file_name)
        package = Package(archive)
        later = _worksheet_parts(package)
        for info in archive.infolist():
            if info.filename not in later:
                _check_stream(archive, info, file_name)
        if not package.has("[Content_Types].xml"):
            raise UserError(f"{file_name} is damaged: it has no [Content_Types].xml part",
                            DAMAGED_FIX)
        if not package.has("_rels/.rels"):
            raise UserError(f"{file_name} is damaged: it has no package relationships "
                            "(_rels/.rels)", DAMAGED_FIX)
        _check_xml(package, "[Content_Types].xml", file_name)
        _check_xml(package, "_rels/.rels", file_name)
        workbook = package.workbook_part()
        if workbook is None or not package.has(workbook):
            raise UserError(f"{file_name} is damaged: its relationships name no workbook part "
                            "that exists", DAMAGED_FIX)
        _check_location(workbook, file_name)
        for part in (workbook, rels_part(workbook), "xl/styles.xml", "xl/sharedStrings.xml",
                     "docProps/custom.xml"):
            if package.has(part):
                _check_xml(package, part, file_name)
    return later


def _worksheet_parts(package: Package) -> frozenset[str]:
    """The zip names of the tabs' parts, when the workbook's relationships can be read (after
    the size checks; else none, and every stream is checked first, as for any part)."""
    try:
        return frozenset(name for name in map(package.actual, sheet_parts(package).values())
                         if name)
    except (zipfile.BadZipFile, ValueError, EOFError, KeyError, OSError, zlib.error,
            NotImplementedError, RuntimeError):
        return frozenset()


def check_workbook_location(data: bytes, file_name: str) -> None:
    """Refuse, naming it, a package whose relationships put the workbook elsewhere than
    xl/workbook.xml (valid OPC, but calamine and the writer read only the usual place)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            package = Package(archive)
            workbook = package.workbook_part()
            if workbook is not None and package.has(workbook):
                _check_location(workbook, file_name)
    except (zipfile.BadZipFile, ValueError, KeyError):
        return


def _check_location(workbook: str, file_name: str) -> None:
    if workbook != WORKBOOK_PART:
        raise CannotPreserve(
            f"{file_name} keeps its workbook part at {workbook!r}, not at {WORKBOOK_PART!r}; "
            "that is valid, but this tool reads and edits only the usual layout, and nothing "
            "was written", RESAVE_FIX)


SCAN_PIECE = 1 << 20  # the sheet XML is unpacked and checked a megabyte at a time
SCAN_MEASURE = 2 << 20  # and measured 2 megabytes at a time (each measure has a set cost)


def check_sheet(package: Package, tab: str, part: str, file_name: str,
                well_formed: bool = True) -> SheetScan:
    """Check that tab `tab`'s part is there, unpacks, is a worksheet and (`well_formed`) is
    well-formed XML, and measure it (`SheetScan`: how far its cells reach, its formula cells
    that show no value), reading the part once, a piece at a time, so its XML is never held
    whole. The expat parse is left out where the caller asks: a part the sync may never edit
    is parsed by the writer when it edits it (stores/xlsx_sheet_edit.py, `checked`)."""
    if not part or not package.has(part):
        raise UserError(f"{file_name} is damaged: the part of tab '{tab}' "
                        f"({part or 'none named'}) is missing", DAMAGED_FIX)
    what = f"the part of tab '{tab}' ({part})"
    scan = SheetScan()
    parser = expat.ParserCreate()
    pending: list[bytes] = []
    size = 0
    info = package.archive.getinfo(package.actual(part) or part)
    with package.archive.open(info) as stream:
        piece = _read_piece(stream, info, file_name)
        _check_head(piece, tab, part, file_name)
        while piece:
            if well_formed:
                _parse_piece(parser, piece, False, what, file_name)
            pending.append(piece)
            size += len(piece)
            if size >= SCAN_MEASURE:
                data = b"".join(pending)
                at = cut(data)
                if at:
                    scan.feed(data[:at])
                pending, size = [data[at:]], len(data) - at
            piece = _read_piece(stream, info, file_name)
    if well_formed:
        _parse_piece(parser, b"", True, what, file_name)
    if size:
        scan.feed(b"".join(pending))
    return scan


def _check_head(head: bytes, tab: str, part: str, file_name: str) -> None:
    head = head[:16].lstrip(b"\xef\xbb\xbf \t\r\n")
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            raise UserError(f"{file_name} is damaged: the part of tab '{tab}' ({part}) holds "
                            f"{what}, not a worksheet", DAMAGED_FIX)
    if not head.startswith(b"<"):
        raise UserError(f"{file_name} is damaged: the part of tab '{tab}' ({part}) is not "
                        "XML", DAMAGED_FIX)


def _parse_piece(parser: expat.XMLParserType, piece: bytes, final: bool, what: str,
                 file_name: str) -> None:
    try:
        parser.Parse(piece, final)
    except expat.ExpatError as error:
        raise UserError(f"{file_name} is damaged: {what} is not well-formed XML "
                        f"(line {error.lineno}, column {error.offset})", DAMAGED_FIX) from None


def _check_size(info: zipfile.ZipInfo, file_name: str) -> None:
    size, packed = info.file_size, max(info.compress_size, 1)
    if size > MAX_PART_BYTES or (size > RATIO_FLOOR and size > MAX_RATIO * packed):
        raise UserError(
            f"{file_name} is not read: its part {info.filename} would unpack to "
            f"{size / (1 << 20):,.0f} MB from {packed / 1024:,.0f} KB, out of proportion "
            "for a workbook", DAMAGED_FIX)


def check_streams(archive: zipfile.ZipFile, names: Iterable[str], file_name: str) -> None:
    """`check_package`'s unpacking check of the parts it left for later and nothing read."""
    for name in sorted(names):
        _check_stream(archive, archive.getinfo(name), file_name)


def _check_stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_name: str) -> None:
    """Unpack the part once, in pieces: a corrupt stream or a wrong checksum shows here, and
    zipfile never unpacks more than the size the entry declares."""
    with archive.open(info) as stream:
        while _read_piece(stream, info, file_name):
            pass


_UNPACKING = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
              RuntimeError)


def _read_piece(stream: IO[bytes], info: zipfile.ZipInfo, file_name: str) -> bytes:
    """The next megabyte of a part; a corrupt stream or a wrong checksum (checked at its end)
    is refused naming the part."""
    try:
        return stream.read(SCAN_PIECE)
    except _UNPACKING as error:
        why = ("its compressed data is corrupt" if isinstance(error, zlib.error)
               else "its checksum does not match" if "CRC" in str(error)
               else "its data ends early" if isinstance(error, EOFError)
               else str(error) or type(error).__name__)
        raise UserError(f"{file_name} is damaged: its part {info.filename} cannot be unpacked "
                        f"({why})", DAMAGED_FIX) from None


def _check_xml(package: Package, part: str, file_name: str) -> None:
    _parse(package.read(part), f"its part {package.actual(part)}", file_name)


def _parse(xml: bytes, what: str, file_name: str) -> None:
    parser = expat.ParserCreate()
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as error:
        raise UserError(f"{file_name} is damaged: {what} is not well-formed XML "
                        f"(line {error.lineno}, column {error.offset})", DAMAGED_FIX) from None
