"""Where each element of an XML part starts and ends, in bytes, as a real parser sees it.

The Excel store edits a part by splicing bytes at element boundaries. expat (a streaming parser
that knows nesting, CDATA sections, comments and entities) reports where each element begins and
ends, so an edit never lands inside another element, a comment or a CDATA section, whatever the
attribute order, quoting or spacing of the part. Bytes outside the splices are kept as they are.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO
from xml.parsers import expat

from sheets_sync.errors import CannotPreserve

RESAVE = "open and save the workbook once in Excel or LibreOffice, then run sync again"
_TAG_END = re.compile(rb"""(?:[^>"']+|"[^"]*"|'[^']*')*>""")
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class Element:
    """One element: its name, attributes and byte span. `children` is filled only down to the
    depth the walker keeps (deeper elements are seen by the hooks, not stored)."""

    __slots__ = ("ns", "name", "prefix", "attrs", "depth", "start", "close", "end", "children")

    def __init__(self, ns: str, name: str, prefix: str, attrs: dict[str, str], depth: int,
                 start: int) -> None:
        self.ns, self.name, self.prefix, self.attrs = ns, name, prefix, attrs
        self.depth, self.start = depth, start
        self.close = self.end = -1
        self.children: list[Element] = []

    @property
    def empty(self) -> bool:
        return self.close == self.end

    def open_end(self, data: bytes) -> int:
        """Offset just past this element's start tag."""
        match = _TAG_END.match(data, self.start)
        assert match is not None
        return match.end()

    def first(self, name: str) -> Element | None:
        return next((c for c in self.children if c.name == name), None)

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<{self.name} {self.start}:{self.end}>"


def _split(name: str) -> tuple[str, str, str]:
    pieces = name.split(" ")
    if len(pieces) == 1:
        return "", pieces[0], ""
    if len(pieces) == 2:
        return pieces[0], pieces[1], ""
    return pieces[0], pieces[1], pieces[2]


class Walker:
    """Parse a part once; subclasses override `started`/`ended` to look at elements as they go.

    Refuses (CannotPreserve, naming the part) anything not safe to splice: malformed XML, a
    document type declaration (entity expansion), or an encoding other than UTF-8."""

    keep_depth = 1

    def __init__(self, data: bytes, part: str) -> None:
        self.data = data
        self.part = part
        self.stack: list[Element] = []
        self.root: Element | None = None
        self._last_started: Element | None = None
        self._shift = 0

    def keep(self, element: Element, parent: Element) -> bool:
        """Whether `element` is stored in its parent's children."""
        return element.depth <= self.keep_depth

    def started(self, element: Element) -> None:
        """Called at each start tag (the element's end is not known yet)."""

    def ended(self, element: Element) -> None:
        """Called at each end tag, with the element's span complete."""

    def deep(self, name: str, attrs: dict[str, str], depth: int) -> None:
        """Called at each start tag below `track_depth`: such elements get no Element and no
        span (a cell's value, say), which keeps one pass over a large sheet cheap. `name` is
        "namespace local" (with " prefix" when prefixed)."""

    track_depth = 1_000_000

    def run(self, skip: tuple[int, int] | None = None,
            checked: Callable[[], bool] | None = None) -> Element:
        """Parse the part. Within `skip` (a start and end offset) expat still checks every byte
        but calls no hook: the caller reads those elements' spans itself. When `checked` (asked
        once the bytes before `skip` are parsed) says those bytes were already found well-formed
        by expat as namespace processing would, they are not parsed again."""
        self.begin()
        try:
            if skip is None:
                self.feed(self.data, final=True)
            else:
                view = memoryview(self.data)
                self.feed(view[: skip[0]])
                if checked is not None and checked():
                    self.left_out(skip[1] - skip[0])
                else:
                    self.feed(view[skip[0] : skip[1]], hooks=False)
                self.feed(view[skip[1] :], final=True)
        finally:
            self.close()
        return self.root_element()

    # The parse in steps, for a part that is never held whole (a large worksheet read a piece
    # at a time): begin, feed the bytes in order, close; `data` must hold the bytes the
    # elements with hooks are in, at the offsets they are given (see `left_out`).

    def begin(self) -> None:
        """Make the parser (after refusing an encoding other than UTF-8)."""
        _check_encoding(self.data, self.part)
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.namespace_prefixes = True
        parser.buffer_text = True
        self._parser = parser
        self._below = 0  # open elements deeper than track_depth
        self._shift = 0  # what is added to expat's offsets to give offsets into `data`
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.StartDoctypeDeclHandler = lambda *args: self._refuse("declares a document type")

    def feed(self, data: bytes | memoryview, final: bool = False, hooks: bool = True) -> None:
        """The next bytes of the part; without `hooks`, expat checks them but calls nothing
        (the caller reads their spans itself)."""
        parser = self._parser
        try:
            if hooks:
                parser.Parse(data, final)
                return
            parser.StartElementHandler = parser.EndElementHandler = None
            parser.Parse(data, final)
            parser.StartElementHandler, parser.EndElementHandler = self._start, self._end
            self._last_started = None
        except expat.ExpatError as exc:
            raise CannotPreserve(
                f"The part {self.part} of the workbook is not well-formed XML ({exc})", RESAVE
            ) from None

    def left_out(self, size: int) -> None:
        """`size` bytes of the part (found well-formed already) are not given to expat; the
        elements after them are offset as if they were in `data`."""
        self._shift += size
        self._last_started = None

    def not_held(self, size: int) -> None:
        """The last `size` bytes given to expat are not in `data` (the caller let them go): the
        elements after them are offset as if they had never been in the part."""
        self._shift -= size

    def close(self) -> None:
        """Let go of the parser: its handlers hold this walker, so without the cycle collector
        (a sync runs without it) the pair, and the part's bytes with them, would outlive the
        parse."""
        self.__dict__.pop("_parser", None)

    def root_element(self) -> Element:
        if self.root is None:
            self._refuse("has no elements")
        assert self.root is not None
        return self.root

    def _refuse(self, why: str) -> None:
        raise CannotPreserve(f"The part {self.part} of the workbook {why}, so this tool cannot "
                             "edit it safely", RESAVE)

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        depth = len(self.stack)
        if self._below or depth > self.track_depth:
            self._below += 1
            self._last_started = None
            self.deep(name, attrs, depth + self._below - 1)
            return
        ns, local, prefix = _split(name)
        # Attributes keep expat's keys: a plain name, or "namespace local" for a qualified one.
        element = Element(ns, local, prefix, attrs, depth,
                          self._parser.CurrentByteIndex + self._shift)
        if self.stack:
            if self.keep(element, self.stack[-1]):
                self.stack[-1].children.append(element)
        else:
            self.root = element
        self.stack.append(element)
        self._last_started = element
        self.started(element)

    def _end(self, name: str) -> None:
        if self._below:
            self._below -= 1
            self._last_started = None
            return
        element = self.stack.pop()
        index = self._parser.CurrentByteIndex + self._shift
        data = self.data
        if (self._last_started is element and data[index - 2 : index] == b"/>"
                and element.open_end(data) == index):
            element.close = element.end = index  # <name .../>: expat reports the end after it
        else:
            element.close = index
            element.end = data.index(b">", index) + 1
        self._last_started = None
        self.ended(element)


def _check_encoding(data: bytes, part: str) -> None:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "UTF-16"
    else:
        declared = _DECLARED.match(data.removeprefix(b"\xef\xbb\xbf"))
        encoding = declared.group(1).decode() if declared else "UTF-8"
    if encoding.upper().replace("_", "-") not in ("UTF-8", "UTF8"):
        raise CannotPreserve(
            f"The part {part} of the workbook is written in {encoding}; this tool edits UTF-8 "
            "parts only", RESAVE)


def parse(data: bytes, part: str, keep_depth: int = 1) -> Element:
    """The root element with its children down to `keep_depth` (1: the root's children)."""
    walker = Walker(data, part)
    walker.keep_depth = keep_depth
    return walker.run()


_SPAN = operator.itemgetter(0, 1)


def splice(data: bytes, edits: Iterable[tuple[int, int, bytes]]) -> bytes:
    """`data` with each (start, end, new) span replaced; spans must not overlap. Edits at one
    point are applied in the order given."""
    return b"".join(pieces(data, edits))


def pieces(data: bytes, edits: Iterable[tuple[int, int, bytes]]) -> Iterator[bytes | memoryview]:
    """What `splice` joins, in order: views of `data` between the spans (not copies), and each
    span's new bytes (an edit's new part may also be an object that makes them: `bytes(new)`,
    `len(new)`)."""
    ordered = sorted(edits, key=_SPAN)  # stable: edits at one point keep their order
    view = memoryview(data)
    cursor = 0
    for start, end, new in ordered:
        if start < cursor:
            raise AssertionError(f"overlapping edits at byte {start}")
        if start > cursor:
            yield view[cursor:start]
        yield new if new.__class__ is bytes else bytes(new)
        cursor = end
    if cursor < len(data):
        yield view[cursor:]


def pieces_of(chunks: Iterable[bytes], edits: Iterable[tuple[int, int, bytes]]
              ) -> Iterator[bytes | memoryview]:
    """What `pieces` yields, for a part given as `chunks` (its bytes in order, never joined):
    an edit may begin in one chunk and end in a later one."""
    ordered = sorted(edits, key=_SPAN)  # stable, as in `pieces`
    count = len(ordered)
    index = cursor = offset = 0  # cursor: the part's bytes before it are yielded or replaced
    for chunk in chunks:
        view = memoryview(chunk)
        end = offset + len(chunk)
        while index < count and ordered[index][0] < end:
            start, until, new = ordered[index]
            if start < cursor:
                raise AssertionError(f"overlapping edits at byte {start}")
            if start > cursor:
                yield view[cursor - offset : start - offset]
            yield new if new.__class__ is bytes else bytes(new)
            cursor = until
            index += 1
        if cursor < end:
            yield view[cursor - offset :]
            cursor = end
        offset = end
    for start, until, new in ordered[index:]:  # at the part's end
        if start < cursor:
            raise AssertionError(f"overlapping edits at byte {start}")
        yield new if new.__class__ is bytes else bytes(new)
        cursor = until


def write_spliced(data: bytes, edits: Iterable[tuple[int, int, bytes]], out: BinaryIO,
                  chunk: int = 1 << 20) -> None:
    """`splice(data, edits)` written into `out` a piece at a time (`write_gathered`)."""
    write_gathered(pieces(data, edits), out, chunk)


def write_gathered(parts: Iterable[bytes | memoryview], out: BinaryIO,
                   chunk: int = 1 << 20) -> None:
    """`parts` written into `out` in order: small ones are gathered into writes of about
    `chunk` bytes, large ones go straight."""
    pending: list[bytes | memoryview] = []
    size = 0
    for piece in parts:
        if len(piece) >= chunk:
            if pending:
                out.write(b"".join(pending))
                pending, size = [], 0
            out.write(piece)
            continue
        pending.append(piece)
        size += len(piece)
        if size >= chunk:
            out.write(b"".join(pending))
            pending, size = [], 0
    if pending:
        out.write(b"".join(pending))


def set_attr(tag: bytes, name: str, value: str) -> bytes:
    """A start tag with attribute `name` set to `value` (added before the tag's end if absent);
    every other byte of the tag is kept."""
    quoted = escape(value)
    pattern = re.compile(rb"(\s" + re.escape(name.encode()) + rb"""\s*=\s*)("[^"]*"|'[^']*')""")
    match = pattern.search(tag)
    if match:
        return tag[: match.start(2)] + f'"{quoted}"'.encode() + tag[match.end(2):]
    cut = len(tag) - (2 if tag.endswith(b"/>") else 1)
    return tag[:cut] + f' {name}="{quoted}"'.encode() + tag[cut:]


def drop_attr(tag: bytes, name: str) -> bytes:
    pattern = re.compile(rb"\s" + re.escape(name.encode()) + rb"""\s*=\s*("[^"]*"|'[^']*')""")
    return pattern.sub(b"", tag, count=1)


_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    """Text safe for an XML element or attribute; characters XML forbids are dropped."""
    text = _ILLEGAL_XML.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
