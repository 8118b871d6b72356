"""The workbook's style sheet (xl/styles.xml): find or append the few formats the tool uses.

Each list (numFmts, fonts, fills, cellXfs) is located by parsing, a new entry is appended at the
end of its list (so every existing index stays) and the list's count follows; nothing else in the
part changes. A number format is found again by its code, whatever the order of its attributes;
a new one takes an ID above every ID the part uses anywhere (dxfs included).
"""

from __future__ import annotations

from sheets_sync.errors import CannotPreserve
from sheets_sync.stores.ooxml_order import STYLESHEET_ORDER, insertion_point
from sheets_sync.stores.xml_spans import Element, Walker, escape, parse, set_attr, splice

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PART = "xl/styles.xml"
RESAVE = "open and save the workbook once in Excel or LibreOffice"

HEADER_FONT = (
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font>'
)
# The tool's Contacts headers: amber with dark italic text, unlike a person's (the starter's are
# dark teal with white text), so nobody takes them for columns to type in.
OWNED_FONT = (
    '<font><b/><i/><sz val="11"/><color rgb="FF3A2A00"/><name val="Calibri"/><family val="2"/>'
    "</font>"
)
OWNED_FILL = (
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFD966"/>'
    '<bgColor indexed="64"/></patternFill></fill>'
)
TAB_HEADER_FILL = (
    '<fill><patternFill patternType="solid"><fgColor rgb="FF2F5496"/>'
    '<bgColor indexed="64"/></patternFill></fill>'
)
DATE_FORMAT = "yyyy-mm-dd"
BUILTIN_FORMATS = {"percent": 9, "integer": 1, "number": 2, "thousands": 3}
# What the built-in IDs mean; a part that redefines one of them gets a custom format instead.
BUILTIN_CODES = {1: "0", 2: "0.00", 3: "#,##0", 9: "0%"}
FIRST_CUSTOM_ID = 164


class _NumFmtIds(Walker):
    """Every numFmtId in the part, at any depth (cell formats and differential formats)."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data, PART)
        self.ids: set[int] = set()

    def started(self, element: Element) -> None:
        if element.name == "numFmt":
            value = element.attrs.get("numFmtId", "")
            if value.strip().isdigit():
                self.ids.add(int(value))


class Styles:
    """Edits styles.xml; `xf(kind)` returns the cellXfs index for a kind of cell."""

    def __init__(self, xml: str, money_format: str) -> None:
        self._data = xml.encode("utf-8")
        self._parsed: tuple[bytes, Element] | None = None
        root = self._root()
        if (root.name != "styleSheet" or root.ns != MAIN_NS or root.prefix
                or root.first("cellXfs") is None):
            raise CannotPreserve(
                "The workbook's style sheet is in a form this tool cannot edit", RESAVE
            )
        self.money_format = money_format
        self._cache: dict[str, int] = {}

    @property
    def xml(self) -> str:
        return self._data.decode("utf-8")

    def xf(self, kind: str) -> int:
        if kind in ("", "text", "general"):
            return 0
        if kind not in self._cache:
            self._cache[kind] = self._make(kind)
        return self._cache[kind]

    def _make(self, kind: str) -> int:
        if kind in ("owned_header", "tab_header"):
            font = self._child("fonts", "font",
                               OWNED_FONT if kind == "owned_header" else HEADER_FONT)
            fill = self._child("fills", "fill",
                               OWNED_FILL if kind == "owned_header" else TAB_HEADER_FILL)
            return self._child("cellXfs", "xf", _xf(0, font, fill, wrap=True))
        if kind == "wrap":
            return self._child("cellXfs", "xf", _xf(0, 0, 0, wrap=True))
        if kind == "date":
            fmt = self._num_fmt(DATE_FORMAT)
        elif kind == "bool":
            # Excel shows a boolean cell as TRUE/FALSE whatever its format; LibreOffice needs this.
            fmt = self._num_fmt('"TRUE";"TRUE";"FALSE"')
        elif kind == "money":
            fmt = self._num_fmt(self.money_format)
        elif kind in BUILTIN_FORMATS:
            fmt = self._builtin(BUILTIN_FORMATS[kind])
        else:
            raise ValueError(f"unknown cell format {kind!r}")
        return self._child("cellXfs", "xf", _xf(fmt, 0, 0))

    def _root(self) -> Element:
        # Parsed once per version of the part: a lookup that finds its entry changes nothing,
        # so only an added entry needs the part parsed again (the sample: 15 parses, not 20).
        if self._parsed is None or self._parsed[0] is not self._data:
            self._parsed = (self._data, parse(self._data, PART, keep_depth=2))
        return self._parsed[1]

    def _list(self, root: Element, parent: str) -> Element | None:
        return next((c for c in root.children if c.name == parent and c.ns == MAIN_NS), None)

    def _child(self, parent: str, child: str, element: str) -> int:
        """Index of `element` in the list `parent`, appended if it is not there yet."""
        root = self._root()
        block = self._list(root, parent)
        if block is None:
            raise CannotPreserve(f"The workbook's style sheet has no <{parent}> list", RESAVE)
        children = [c for c in block.children if c.name == child]
        wanted = element.encode()
        for index, existing in enumerate(children):
            if self._data[existing.start : existing.end] == wanted:
                return index
        self._append(block, wanted, len(children) + 1)
        return len(children)

    def _append(self, block: Element, element: bytes, count: int) -> None:
        open_end = block.open_end(self._data)
        tag = self._data[block.start : open_end]
        if b"count" in tag:
            tag = set_attr(tag, "count", str(count))
        if block.empty:
            name = block.name.encode()
            new = tag[:-2].rstrip() + b">" + element + b"</" + name + b">"
            self._data = splice(self._data, [(block.start, block.end, new)])
        else:
            self._data = splice(
                self._data, [(block.start, open_end, tag), (block.close, block.close, element)]
            )

    def _builtin(self, num_id: int) -> int:
        """A built-in format's ID, unless the part redefines that ID as something else."""
        block = self._list(self._root(), "numFmts")
        for entry in block.children if block is not None else []:
            if entry.attrs.get("numFmtId", "").strip() == str(num_id):
                if entry.attrs.get("formatCode") != BUILTIN_CODES[num_id]:
                    return self._num_fmt(BUILTIN_CODES[num_id])
        return num_id

    def _num_fmt(self, code: str) -> int:
        root = self._root()
        block = self._list(root, "numFmts")
        entries = [c for c in block.children if c.name == "numFmt"] if block is not None else []
        for entry in entries:
            num_id = entry.attrs.get("numFmtId", "").strip()
            if (entry.attrs.get("formatCode") == code and num_id.isdigit()
                    and int(num_id) >= FIRST_CUSTOM_ID):
                return int(num_id)
        ids = _NumFmtIds(self._data)
        ids.run()
        new_id = max([FIRST_CUSTOM_ID - 1, *ids.ids]) + 1
        element = f'<numFmt numFmtId="{new_id}" formatCode="{escape(code)}"/>'.encode()
        if block is not None:
            self._append(block, element, len(entries) + 1)
        else:
            point = insertion_point(root, "numFmts", STYLESHEET_ORDER)
            self._data = splice(
                self._data, [(point, point, b'<numFmts count="1">' + element + b"</numFmts>")]
            )
        return new_id


def _xf(num_fmt: int, font: int, fill: int, wrap: bool = False) -> str:
    applies = "".join(
        [
            ' applyNumberFormat="1"' if num_fmt else "",
            ' applyFont="1"' if font else "",
            ' applyFill="1"' if fill else "",
            ' applyAlignment="1"' if wrap else "",
        ]
    )
    head = (
        f'<xf numFmtId="{num_fmt}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"{applies}'
    )
    if wrap:
        return head + '><alignment vertical="top" wrapText="1"/></xf>'
    return head + "/>"
