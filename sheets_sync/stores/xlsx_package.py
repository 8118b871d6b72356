"""The parts of an .xlsx package: names as OPC compares them, relationships, what is whose.

Part names are case-insensitive in Open Packaging Conventions: `xl/worksheets/Sheet1.xml` and
`sheet1.xml` are one part. Every name the Excel store looks up or invents goes through `Package`,
which answers with the spelling the zip file uses and never hands out a name that clashes with
an existing part in another case. Relationships are followed the same way.

The tool's own tabs are named in custom document properties (`docProps/custom.xml`), one per
tab: `sheets-sync.owned-tab.<key>` = the tab's name. Only a tab named there is rewritten
(core/owned_tabs.py); a person's properties in that part are kept character for character.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from xml.etree import ElementTree

from sheets_sync.core.owned_tabs import MARK, OWNED_TAB_KEYS
from sheets_sync.errors import CannotPreserve
from sheets_sync.stores.ooxml import MAIN_NS, escape, resolve_target

PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE_DOCUMENT_REL = DOC_REL + "/officeDocument"
CUSTOM_PROPS_REL = DOC_REL + "/custom-properties"
CUSTOM_PROPS_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_PROPS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
PROPERTY_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"  # the one custom properties use
WORKBOOK_PART = "xl/workbook.xml"

_PROPERTY = re.compile(r"<property\b[^>]*?(?:/>|>.*?</property>)", re.S)
_PROPERTY_NAME = re.compile(r'\bname="([^"]*)"')
_PROPERTY_PID = re.compile(r'\bpid="(\d+)"')


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str  # the zip name it points to, in the zip's own spelling when the part exists
    external: bool = False


def fold(name: str) -> str:
    """A part name as OPC compares it."""
    return name.lstrip("/").casefold()


class Package:
    """Case-insensitive access to the parts of one zip archive."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = archive.namelist()
        self._by_fold = {fold(n): n for n in self.names}

    def actual(self, name: str) -> str | None:
        """The zip's spelling of part `name`, or None when there is no such part."""
        return self._by_fold.get(fold(name))

    def has(self, name: str) -> bool:
        return fold(name) in self._by_fold

    def read(self, name: str) -> bytes:
        actual = self.actual(name)
        if actual is None:
            raise KeyError(name)
        return self.archive.read(actual)

    def spelled(self, name: str) -> str:
        """`name` in the zip's spelling if the part exists, else as given."""
        return self.actual(name) or name.lstrip("/")

    def relationships(self, part: str) -> list[Relationship]:
        """The relationships of `part` ("" for the package's own), targets resolved."""
        rels = rels_part(part)
        if not self.has(rels):
            return []
        try:
            root = ElementTree.fromstring(self.read(rels))
        except ElementTree.ParseError:
            return []
        found = []
        for rel in root:
            target = rel.get("Target", "")
            external = rel.get("TargetMode") == "External"
            resolved = target if external else self.spelled(resolve_target(part or "x", target))
            found.append(Relationship(rel.get("Id", ""), rel.get("Type", ""), resolved, external))
        return found

    def workbook_part(self) -> str | None:
        """Where the package's relationships say the workbook is."""
        for rel in self.relationships(""):
            if rel.type == OFFICE_DOCUMENT_REL and not rel.external:
                return rel.target
        return None

    def free_part(self, stem: str, taken: Iterable[str] = (), freed: Iterable[str] = ()) -> str:
        """The first name like xl/charts/chart3.xml unused in any case by the parts kept
        (`freed` go) and `taken` (deterministic, so re-runs that replace the tool's own parts
        reuse the same names)."""
        used = (set(self._by_fold) - {fold(f) for f in freed}) | {fold(t) for t in taken}
        number = 1
        while fold(f"{stem}{number}.xml") in used:
            number += 1
        return f"{stem}{number}.xml"

    def removable_below(self, part: str, removed: Iterable[str] = ()) -> set[str]:
        """The parts hanging off `part` (its relationships part and what they reach) that no
        other part still refers to once `part`'s own relationships are gone: an image, pivot
        cache or chart a person's tab also uses stays."""
        gone = {fold(part)} | {fold(p) for p in removed}
        below = self._reach([part])
        below.discard(fold(part))
        others = [p for p in self.names if fold(p) not in gone and fold(p) not in below
                  and not p.endswith(".rels")]
        # What the workbook (or any other part) still reaches stays, with all it reaches.
        kept = self._reach(["", *others], skip=gone)
        candidates = {p for p in below if p not in kept}
        rels = fold(rels_part(part))
        out = {self._by_fold[p] for p in candidates if p in self._by_fold}
        if rels in self._by_fold:
            out.add(self._by_fold[rels])
        return out

    def _reach(self, starts: Iterable[str], skip: set[str] | None = None) -> set[str]:
        """Folded names of the parts reachable from `starts` through relationships (the rels
        parts included), not walking out of a part in `skip`."""
        seen: set[str] = set()
        todo = list(starts)
        while todo:
            part = todo.pop()
            key = fold(part)
            if part and key in seen:
                continue
            if part:
                seen.add(key)
            if part and skip and key in skip:
                continue
            rels = rels_part(part)
            if self.has(rels):
                seen.add(fold(rels))
            for rel in self.relationships(part):
                if not rel.external and self.has(rel.target) and fold(rel.target) not in seen:
                    todo.append(rel.target)
        return seen

    # -- the tool's mark ---------------------------------------------------------------------

    def custom_properties_part(self) -> str | None:
        for rel in self.relationships(""):
            if rel.type == CUSTOM_PROPS_REL and not rel.external and self.has(rel.target):
                return self.actual(rel.target)
        return None

    def mark(self) -> dict[str, str] | None:
        """The tool's tabs as its custom properties name them (tab name -> key), or None when
        the workbook carries no such property."""
        part = self.custom_properties_part()
        if part is None:
            return None
        tabs = tool_properties(self.read(part))
        if tabs is None:
            return None
        return {tab: key for key, tab in tabs.items() if key in OWNED_TAB_KEYS}


def rels_part(part: str) -> str:
    """The relationships part of `part` ("" for the package)."""
    if not part:
        return "_rels/.rels"
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def tool_properties(xml: bytes) -> dict[str, str] | None:
    """The tool's custom properties (key -> tab name) of a custom properties part, read as XML
    (any prefix, attribute order or namespace declaration another application writes), or None
    when there is none."""
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return None
    found: dict[str, str] | None = None
    for element in root.iter(f"{{{CUSTOM_PROPS_NS}}}property"):
        key = _tool_property_key(element.get("name", ""))
        if key is None:
            continue
        value = element.find(f"{{{VT_NS}}}lpwstr")
        found = found if found is not None else {}
        found[key] = value.text or "" if value is not None else ""
    return found


def _tool_property_key(name: str) -> str | None:
    prefix = MARK + "."
    return name[len(prefix):] if name.startswith(prefix) else None


def _property(pid: int, key: str, tab: str) -> str:
    return (f'<property fmtid="{PROPERTY_FMTID}" pid="{pid}" name="{MARK}.{key}">'
            f"<vt:lpwstr>{escape(tab)}</vt:lpwstr></property>")


def with_mark(package: Package, mark: Mapping[str, str], text: dict[str, str],
              changes: dict[str, str]) -> None:
    """Write the tool's mark (tab name -> key): into the custom properties part, whose other
    properties stay as they are, or a new one registered in the package's relationships and
    the content types (`text` holds the content types being edited; `changes` gets the parts).
    Leaves everything as it is when the mark there is already this one."""
    wanted = {key: name for name, key in mark.items()}
    part = package.custom_properties_part()
    if part is not None:
        xml = package.read(part).decode("utf-8")
        if not re.search(r"<Properties\b", xml[:2000]) or "</Properties>" not in xml:
            raise CannotPreserve(
                "The workbook's custom properties are in a form this tool cannot edit",
                "open and save the workbook once in Excel or LibreOffice, then run sync again",
            )
        elements = _PROPERTY.findall(xml)
        pids = [1]
        for element in elements:
            name = _PROPERTY_NAME.search(element[: element.index(">") + 1])
            if _tool_property_key(name.group(1) if name else "") is None:
                pid = _PROPERTY_PID.search(element)
                pids.append(int(pid.group(1)) if pid else 1)
        if (tool_properties(xml.encode("utf-8")) or {}) == wanted:
            return
        for element in elements:
            name = _PROPERTY_NAME.search(element[: element.index(">") + 1])
            if _tool_property_key(name.group(1) if name else "") is not None:
                xml = xml.replace(element, "", 1)
        new = "".join(_property(max(pids) + 1 + n, key, tab)
                      for n, (key, tab) in enumerate(wanted.items()))
        if re.search(r"<Properties\b[^>]*/>", xml):
            xml = re.sub(r"<Properties\b([^>]*)/>", rf"<Properties\1>{new}</Properties>", xml)
        else:
            close = xml.rindex("</Properties>")
            xml = xml[:close] + new + xml[close:]
        if f'xmlns:vt="{VT_NS}"' not in xml:
            xml = re.sub(r"<Properties\b", f'<Properties xmlns:vt="{VT_NS}"', xml, count=1)
        changes[part] = xml
        return
    if not wanted:
        return
    part = ("docProps/custom.xml" if not package.has("docProps/custom.xml")
            else package.free_part("docProps/custom", changes))
    body = "".join(_property(2 + n, key, tab) for n, (key, tab) in enumerate(wanted.items()))
    changes[part] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                     f'<Properties xmlns="{CUSTOM_PROPS_NS}" xmlns:vt="{VT_NS}">{body}'
                     "</Properties>")
    rels_name = package.spelled("_rels/.rels")
    rels = changes.get(rels_name) or package.read(rels_name).decode("utf-8")
    used = set(re.findall(r'\bId="([^"]+)"', rels))
    number = 1
    while f"rId{number}" in used:
        number += 1
    rel = f'<Relationship Id="rId{number}" Type="{CUSTOM_PROPS_REL}" Target="{part}"/>'
    if "</Relationships>" not in rels:
        raise CannotPreserve(
            "The workbook's package relationships are in a form this tool cannot edit",
            "open and save the workbook once in Excel or LibreOffice, then run sync again",
        )
    changes[rels_name] = rels.replace("</Relationships>", rel + "</Relationships>")
    types = text["[Content_Types].xml"]
    text["[Content_Types].xml"] = types.replace(
        "</Types>", f'<Override PartName="/{part}" ContentType="{CUSTOM_PROPS_CT}"/></Types>')


def sheet_kinds(workbook_rels: str) -> dict[str, str]:
    """Relationship ID -> the kind of tab behind it ("worksheet", "chartsheet", ...)."""
    kinds = {}
    for rel in ElementTree.fromstring(workbook_rels.encode("utf-8")):
        kinds[rel.get("Id", "")] = rel.get("Type", "").rsplit("/", 1)[-1]
    return kinds


def owned_worksheets(package: Package) -> dict[str, str] | None:
    """The tool's mark, less any tab it names that is not a worksheet (a chartsheet a person
    named like an owned tab never gets worksheet XML)."""
    mark = package.mark()
    if mark is None:
        return None
    workbook = package.workbook_part() or WORKBOOK_PART
    if not package.has(workbook):
        return mark
    rels = {r.id: r.type for r in package.relationships(workbook)}
    try:
        root = ElementTree.fromstring(package.read(workbook))
    except ElementTree.ParseError:
        return mark
    worksheets = {
        sheet.get("name", "")
        for sheet in root.iter(f"{{{MAIN_NS}}}sheet")
        if rels.get(sheet.get(f"{{{DOC_REL}}}id", ""), "").endswith("/worksheet")
    }
    return {name: key for name, key in mark.items() if name in worksheets}


def sheet_parts(package: Package) -> dict[str, str]:
    """Tab name -> the zip name of its part, as the workbook's relationships say."""
    workbook = package.workbook_part() or WORKBOOK_PART
    if not package.has(workbook):
        return {}
    rels = {r.id: r.target for r in package.relationships(workbook)}
    try:
        root = ElementTree.fromstring(package.read(workbook))
    except ElementTree.ParseError:
        return {}
    return {sheet.get("name", ""): rels.get(sheet.get(f"{{{DOC_REL}}}id", ""), "")
            for sheet in root.iter(f"{{{MAIN_NS}}}sheet")}


def require_registered(sheets: Iterable[object], name: str, workbook_xml: str,
                       file_name: str) -> None:
    """Refuse (nothing written) when a tab just added is not in the workbook's tab list: the
    workbook part is in a form the text edit does not reach (a namespace prefix such as
    `x:workbook`), and writing would leave an orphan sheet part on every sync."""
    if any(getattr(s, "name", None) == name for s in sheets):
        return
    prefix = re.search(r"<([A-Za-z_][\w.-]*):workbook\b", workbook_xml[:4000])
    form = f"with a namespace prefix ({prefix.group(1)}:workbook)" if prefix else "in a form"
    raise CannotPreserve(
        f"{file_name}: its workbook part is written {form} this tool cannot add tabs to; "
        "nothing was written",
        "open and save it once in Excel or LibreOffice, then run sync again",
    )
