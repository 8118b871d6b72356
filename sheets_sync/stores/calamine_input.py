"""The bytes calamine is given to read: the snapshot, each worksheet led by an empty mergeCells.

python-calamine's `get_sheet_by_name` reads a worksheet's part twice: once for its cells, and
once more for its merged cells (`merge_cells_by_sheet_name`, called whether or not anyone asks
for them), a pass of its own through the whole part that stops at the first `<mergeCells>`
start tag — which Excel writes after the cells, so the pass unpacks and tokenises every byte
again. The sync never reads merged cells. At 100,000 contacts that second pass is about a
second of the read (the Contacts and Interactions parts, 215 MB of XML).

So calamine reads a copy of the package in which every worksheet part begins with
`<mergeCells></mergeCells>`: the merged-cell pass ends at its first tag, and the cell reader,
which looks for `<dimension>` and `<sheetData>`, passes over it. Nothing is unpacked or packed
again: the text goes in front of the part's compressed bytes as a deflate stored block (a
block of literal bytes, which ends on a byte boundary where the part's own stream begins; the
stream refers back only into its own output), and the entry's CRC-32 is the text's combined
with the one recorded (`crc32_combine`). Only calamine sees the copy; the checks and the
writer read the snapshot. A package with any entry that is not plain deflated is given as it
is, and should a python-calamine refuse the copy (one stricter about what may come before a
part's XML declaration), `LedWorkbook` reads the file's own bytes instead: slower, the same.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Set

from python_calamine import CalamineSheet, CalamineWorkbook

from sheets_sync.stores.zip_entries import compressed_bytes, copy_compressed

LEAD = b"<mergeCells></mergeCells>"
# A deflate block of stored bytes, not the last: BFINAL 0 and BTYPE 00 in the first three bits,
# padding to the byte, then LEN and its one's complement (RFC 1951, 3.2.4).
_STORED_LEAD = b"\x00" + struct.pack("<HH", len(LEAD), len(LEAD) ^ 0xFFFF) + LEAD
_LEAD_CRC = zlib.crc32(LEAD)


class LedWorkbook:
    """calamine's workbook over the led copy of `data` (open as `archive`), or over `data`
    itself once calamine refuses the copy. calamine's own errors for a file it cannot read
    come from reading `data` itself, as before."""

    def __init__(self, data: bytes, archive: zipfile.ZipFile, worksheets: Set[str]) -> None:
        self._data = data
        led = calamine_bytes(data, archive, worksheets)
        self._led = led is not data
        try:
            self._book = CalamineWorkbook.from_filelike(io.BytesIO(led))
        except Exception:  # calamine's own error types
            if not self._led:
                raise
            self._plain()

    @property
    def sheet_names(self) -> list[str]:
        return list(self._book.sheet_names)

    def get_sheet_by_name(self, name: str) -> CalamineSheet:
        try:
            return self._book.get_sheet_by_name(name)
        except Exception:  # calamine's own error types
            if not self._led:
                raise
            self._book.close()
            self._plain()
            return self._book.get_sheet_by_name(name)

    def close(self) -> None:
        self._book.close()

    def _plain(self) -> None:
        self._led = False
        self._book = CalamineWorkbook.from_filelike(io.BytesIO(self._data))


def calamine_bytes(data: bytes, archive: zipfile.ZipFile, worksheets: Set[str]) -> bytes:
    """The zip file `data` (open as `archive`) with each entry named in `worksheets` led by
    `LEAD`; `data` itself when an entry is not plain deflated or this Python's ZipFile cannot
    take compressed bytes (`copy_compressed`)."""
    out_file = io.BytesIO()
    with zipfile.ZipFile(out_file, "w") as out:
        for info in archive.infolist():
            raw = compressed_bytes(data, info)
            if raw is None:
                return data
            source = info
            if info.filename in worksheets:
                source = zipfile.ZipInfo(info.filename, info.date_time)
                source.CRC = crc32_combine(_LEAD_CRC, info.CRC, info.file_size)
                source.file_size = info.file_size + len(LEAD)
                source.compress_size = info.compress_size + len(_STORED_LEAD)
                raw = memoryview(_STORED_LEAD + raw)
            target = zipfile.ZipInfo(info.filename, info.date_time)
            if not copy_compressed(out, target, source, raw):
                return data
    return out_file.getvalue()


# CRC-32 arithmetic over GF(2), polynomials held bit-reflected as zlib holds them: x^0 is the
# top bit, and the generator is 0xEDB88320.
_POLY = 0xEDB88320
_ONE = 1 << 31  # x^0


def _times(a: int, b: int) -> int:
    """a(x) * b(x) modulo the CRC-32 generator."""
    product, bit = 0, _ONE
    while a:
        if a & bit:
            product ^= b
            a ^= bit
        bit >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1
    return product


def _squares() -> list[int]:
    """x^(2^k) modulo the generator, for k = 0 .. 31 (the sequence repeats after that)."""
    powers = [_ONE >> 1]  # x^1
    for _ in range(31):
        powers.append(_times(powers[-1], powers[-1]))
    return powers


_X_TO_2_TO = _squares()


def _x_to_bits(bits: int) -> int:
    """x^bits modulo the generator."""
    power, k = _ONE, 0
    while bits:
        if bits & 1:
            power = _times(_X_TO_2_TO[k % 32], power)
        bits >>= 1
        k += 1
    return power


def crc32_combine(first: int, second: int, second_length: int) -> int:
    """The CRC-32 of A followed by B, from A's CRC, B's CRC and B's length in bytes (what
    zlib's `crc32_combine` computes; Python's zlib does not offer it). B's CRC already holds
    its own conditioning, so A's is only moved along by B's length: multiplied by
    x^(8 * length)."""
    return _times(_x_to_bits(8 * second_length), first) ^ second
