"""Entries of the zip file a sync writes: a part kept as it was is copied compressed, as it is.

Unpacking and packing again every part a sync does not change (the Interactions log is most of
a book) costs more CPU than the rest of the write. zipfile has no public way to add an entry
from compressed bytes, so `copy_compressed` writes what `ZipFile.open(..., "w")` would: the
local header (CRC and sizes taken from the source entry, which the store checked when it read
the file), then the compressed bytes, and registers the entry for the central directory. It
uses ZipFile's writing state (`fp`, `start_dir`, `filelist`); where that differs (another
Python), the part is unpacked and packed instead, as before.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator

# The deflate level of the parts a sync writes (the edited Contacts, the owned tabs). zlib's
# default (6) takes about three times as long as level 1 on a sheet's XML, for a part about a
# quarter smaller: on a synced 100,000-contact Contacts sheet (115 MB of XML) 1.9 s and 12.5 MB
# against 0.56 s and 16.1 MB. Any level is the same deflate format to every reader.
WRITE_LEVEL = 1

# A part read in pieces (`Inflating`) is unpacked this many bytes at a time, from this many
# compressed bytes at a time.
PIECE = 1 << 20
_READ_STEP = 1 << 18

_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_ENCRYPTED = 0x1


def set_level(info: zipfile.ZipInfo, level: int = WRITE_LEVEL) -> zipfile.ZipInfo:
    """`info` deflated at `level` when written with `ZipFile.open(info, "w")` or `writestr`
    (whose own `compresslevel` argument `open` lacks). The attribute is public from Python 3.13
    (`compress_level`); before, ZipFile reads `_compresslevel`."""
    info.compress_type = zipfile.ZIP_DEFLATED
    if hasattr(zipfile.ZipInfo, "compress_level"):
        info.compress_level = level  # type: ignore[attr-defined]
    else:
        info._compresslevel = level  # type: ignore[attr-defined]
    return info


def compressed_bytes(data: bytes, info: zipfile.ZipInfo) -> memoryview | None:
    """The compressed bytes of entry `info` inside the zip file `data` (no copy), or None when
    the entry is not a plain deflated one."""
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & _ENCRYPTED:
        return None
    offset = info.header_offset
    if offset + _LOCAL_HEADER.size > len(data):
        return None
    fields = _LOCAL_HEADER.unpack_from(data, offset)
    if fields[0] != _LOCAL_SIGNATURE:
        return None
    start = offset + _LOCAL_HEADER.size + fields[9] + fields[10]
    if start + info.compress_size > len(data):
        return None
    return memoryview(data)[start : start + info.compress_size]


def unpacked(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """Entry `info` of the zip file `data` unpacked into one buffer of its recorded size (zipfile
    grows its output in blocks and joins them, holding the part twice for a moment: 75 MB more
    at the peak for a 100,000-contact sheet). None when the entry is not a plain deflated one
    or does not unpack to its recorded size and CRC; the caller reads it the usual way then."""
    raw = compressed_bytes(data, info)
    if raw is None:
        return None
    try:
        out = zlib.decompress(raw, -15, max(info.file_size, 1))
    except zlib.error:
        return None
    if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
        return None
    return out


def inflated(data: bytes, info: zipfile.ZipInfo, piece: int | None = None) -> Iterator[bytes]:
    """Entry `info` of the zip file `data` (a plain deflated one: `compressed_bytes`) unpacked
    in order, at most `piece` bytes (`PIECE`) at a time. Raises zlib.error after the last
    piece when the whole does not have the entry's recorded size and CRC."""
    raw = compressed_bytes(data, info)
    if raw is None:
        raise zlib.error(f"{info.filename} is not a plain deflated entry")
    piece = piece or PIECE
    inflater = zlib.decompressobj(-15)
    crc = size = 0
    for start in range(0, len(raw), _READ_STEP):
        pending: bytes | memoryview = raw[start : start + _READ_STEP]
        while pending and not inflater.eof:
            out = inflater.decompress(pending, piece)
            pending = inflater.unconsumed_tail
            if out:
                crc, size = zlib.crc32(out, crc), size + len(out)
                yield out
        if inflater.eof:
            break
    rest = inflater.flush()
    if rest:
        crc, size = zlib.crc32(rest, crc), size + len(rest)
        yield rest
    if not inflater.eof or size != info.file_size or crc != info.CRC:
        raise zlib.error(f"{info.filename} does not unpack to its recorded size and CRC")


class Inflating:
    """A deflated part of the snapshot that is never unpacked whole: `pieces` unpacks it a
    piece at a time, as often as asked (an edit reads it once to plan, once to write), and
    `whole` gives it in one buffer for the few edits that need that (`whole` is the caller's
    usual read, so a damaged entry fails as it always did)."""

    def __init__(self, data: bytes, info: zipfile.ZipInfo, whole: Callable[[], bytes]) -> None:
        self.data, self.info, self._whole = data, info, whole
        self.size = info.file_size

    def pieces(self) -> Iterator[bytes]:
        return inflated(self.data, self.info)

    def whole(self) -> bytes:
        return self._whole()


def copy_compressed(out: zipfile.ZipFile, target: zipfile.ZipInfo, source: zipfile.ZipInfo,
                    raw: memoryview) -> bool:
    """Add `target` (name, date, attributes) to `out` with the content of `source`, whose
    compressed bytes are `raw`. False (nothing written) when this Python's ZipFile does not
    keep the writing state used here."""
    if not all(hasattr(out, name) for name in ("fp", "start_dir", "filelist", "NameToInfo",
                                                "_writecheck", "_writing")):
        return False
    if out._writing:
        raise ValueError("another entry of the zip file is still being written")
    target.compress_type = zipfile.ZIP_DEFLATED
    target.flag_bits = 0
    target.CRC = source.CRC
    target.file_size = source.file_size
    target.compress_size = source.compress_size
    if not target.external_attr:
        target.external_attr = 0o600 << 16  # what ZipFile.open gives an entry
    zip64 = target.file_size * 1.05 > zipfile.ZIP64_LIMIT  # ZipFile.open's rule
    out.fp.seek(out.start_dir)
    target.header_offset = out.fp.tell()
    out._writecheck(target)
    out._didModify = True
    out.fp.write(target.FileHeader(zip64))
    out.fp.write(raw)
    out.start_dir = out.fp.tell()
    out.filelist.append(target)
    out.NameToInfo[target.filename] = target
    return True
