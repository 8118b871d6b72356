"""Checks of a package's structure that hold for any valid workbook: the worksheet's child order,
unique IDs (number formats, relationships, sheets), one content type per part, and a content type
for every part. Used beside the schema validator (tests/schema_check.py), and fast."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from sheets_sync.stores.ooxml_order import MC_NS, WORKSHEET_ORDER, order_name, out_of_order
from sheets_sync.stores.xml_spans import Walker

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class _Worksheet(Walker):
    def keep(self, element, parent) -> bool:  # noqa: ANN001
        return element.depth == 1 or (element.depth <= 3 and parent.ns == MC_NS)


def problems(path: Path) -> list[str]:
    """Every structural problem found, as "part: what" lines (empty when none)."""
    found: list[str] = []
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        data = {n: archive.read(n) for n in names}
    lowered = [n.casefold() for n in names]
    if len(set(lowered)) != len(lowered):
        found.append("package: two parts differ only in case")
    types = ElementTree.fromstring(data["[Content_Types].xml"])
    defaults = {d.get("Extension", "").casefold() for d in types.iter(f"{CT}Default")}
    overrides = [o.get("PartName", "").lstrip("/").casefold() for o in types.iter(f"{CT}Override")]
    if len(set(overrides)) != len(overrides):
        found.append("[Content_Types].xml: a part has two Overrides")
    for name in names:
        if name.endswith("/") or name == "[Content_Types].xml":
            continue
        extension = name.rsplit(".", 1)[-1].casefold()
        if name.casefold() not in overrides and extension not in defaults:
            found.append(f"{name}: no content type")
    for name in names:
        if name.endswith(".rels"):
            rels = ElementTree.fromstring(data[name]).iter(f"{RELS}Relationship")
            ids = [r.get("Id") for r in rels]
            if len(set(ids)) != len(ids):
                found.append(f"{name}: duplicate relationship IDs")
        elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
            walker = _Worksheet(data[name], name)
            root = walker.run()
            wrong = out_of_order(root, WORKSHEET_ORDER)
            if wrong:
                found.append(f"{name}: out of schema order at {', '.join(wrong)}")
            unknown = [order_name(c) for c in root.children if order_name(c) not in WORKSHEET_ORDER]
            if unknown:
                found.append(f"{name}: unknown children {unknown}")
            rows = re.findall(rb'<row\b[^>]*?\sr="(\d+)"', data[name])
            if len(set(rows)) != len(rows):
                found.append(f"{name}: duplicate row numbers")
    if "xl/styles.xml" in data:
        styles = ElementTree.fromstring(data["xl/styles.xml"])
        numfmts = styles.find(f"{MAIN}numFmts")
        ids = [f.get("numFmtId") for f in numfmts] if numfmts is not None else []
        if len(set(ids)) != len(ids):
            found.append("xl/styles.xml: duplicate numFmtId")
    workbook = ElementTree.fromstring(data["xl/workbook.xml"])
    sheet_ids = [s.get("sheetId") for s in workbook.iter(f"{MAIN}sheet")]
    if len(set(sheet_ids)) != len(sheet_ids):
        found.append("xl/workbook.xml: duplicate sheetId")
    return found
