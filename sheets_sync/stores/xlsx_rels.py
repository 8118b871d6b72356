"""Structural edits of the package's own parts: `[Content_Types].xml` and `.rels` parts.

Entries are found by parsing (any attribute order, quoting, prefix or spacing), part names are
compared as OPC says (case-insensitively), a new entry goes at the end of its parent, an entry the
tool does not touch keeps its bytes, and a new relationship ID is above every `rIdN` in use.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from sheets_sync.stores.xml_spans import Element, escape, parse, splice

RELS_CT = "application/vnd.openxmlformats-package.relationships+xml"
CT_PART = "[Content_Types].xml"


def _qualified(root: Element, fragment: str) -> bytes:
    """`fragment` (unprefixed, written by the tool) in the prefix the part's root uses."""
    if root.prefix:
        fragment = re.sub(r"<(/?)([A-Za-z])", rf"<\1{root.prefix}:\2", fragment)
    return fragment.encode()


def _append(data: bytes, root: Element, fragment: str) -> bytes:
    if root.empty:
        tag = data[root.start : root.end]
        close = f"</{root.prefix + ':' if root.prefix else ''}{root.name}>".encode()
        new = tag[:-2].rstrip() + b">" + _qualified(root, fragment) + close
        return splice(data, [(root.start, root.end, new)])
    return splice(data, [(root.close, root.close, _qualified(root, fragment))])


def _same_part(a: str, b: str) -> bool:
    return a.lstrip("/").casefold() == b.lstrip("/").casefold()


def set_override(types_xml: str, part: str, content_type: str) -> str:
    """The content type of `part` set by an Override (one added at the end when missing; one
    already saying `content_type` is left as it is)."""
    data = types_xml.encode("utf-8")
    root = parse(data, CT_PART)
    overrides = [c for c in root.children if c.name == "Override"
                 and _same_part(c.attrs.get("PartName", ""), part)]
    element = f'<Override PartName="/{escape(part)}" ContentType="{escape(content_type)}"/>'
    if overrides and all(o.attrs.get("ContentType") == content_type for o in overrides[:1]):
        edits = [(o.start, o.end, b"") for o in overrides[1:]]
        return splice(data, edits).decode("utf-8")
    if overrides:
        edits = [(o.start, o.end, b"") for o in overrides[1:]]
        edits.append((overrides[0].start, overrides[0].end, _qualified(root, element)))
        return splice(data, edits).decode("utf-8")
    return _append(data, root, element).decode("utf-8")


def remove_override(types_xml: str, part: str) -> str:
    data = types_xml.encode("utf-8")
    root = parse(data, CT_PART)
    edits = [(c.start, c.end, b"") for c in root.children
             if c.name == "Override" and _same_part(c.attrs.get("PartName", ""), part)]
    return splice(data, edits).decode("utf-8") if edits else types_xml


def ensure_default(types_xml: str, extension: str, content_type: str) -> str:
    """A Default content type for files ending in `extension`, added when there is none."""
    data = types_xml.encode("utf-8")
    root = parse(data, CT_PART)
    for child in root.children:
        if child.name == "Default" and child.attrs.get("Extension", "").casefold() == extension:
            return types_xml
    element = f'<Default Extension="{escape(extension)}" ContentType="{escape(content_type)}"/>'
    return _append(data, root, element).decode("utf-8")


def rels_content_type(types_xml: str) -> str:
    """Every .rels part the tool writes needs a content type; the package may lack the Default
    (LibreOffice and POI write Overrides instead)."""
    return ensure_default(types_xml, "rels", RELS_CT)


def next_rel_id(rels_xml: str, part: str) -> str:
    """An ID above every `rIdN` the part uses (and used by no other relationship)."""
    root = parse(rels_xml.encode("utf-8"), part)
    ids = {c.attrs.get("Id", "") for c in root.children}
    numbers = [int(m.group(1)) for i in ids if (m := re.fullmatch(r"rId(\d+)", i))]
    number = max([0, *numbers]) + 1
    while f"rId{number}" in ids:
        number += 1
    return f"rId{number}"


def add_relationship(rels_xml: str, part: str, kind: str, target: str) -> tuple[str, str]:
    """The rels part with a new relationship at its end, and the new relationship's ID."""
    rel_id = next_rel_id(rels_xml, part)
    data = rels_xml.encode("utf-8")
    root = parse(data, part)
    element = (
        f'<Relationship Id="{rel_id}" Type="{escape(kind)}" Target="{escape(target)}"/>'
    )
    return _append(data, root, element).decode("utf-8"), rel_id


def remove_relationships(rels_xml: str, part: str, drop: Callable[[dict[str, str]], bool]) -> str:
    data = rels_xml.encode("utf-8")
    root = parse(data, part)
    edits = [(c.start, c.end, b"") for c in root.children
             if c.name == "Relationship" and drop(c.attrs)]
    return splice(data, edits).decode("utf-8") if edits else rels_xml


def relationships(rels_xml: bytes, part: str) -> list[dict[str, str]]:
    """Each relationship's attributes (Id, Type, Target, TargetMode)."""
    root = parse(rels_xml, part)
    return [dict(c.attrs) for c in root.children if c.name == "Relationship"]
