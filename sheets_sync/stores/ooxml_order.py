"""The child order ECMA-376 gives the parts the Excel store edits, and where a new child goes.

A new element goes right before the first existing child that the schema puts after it, or at
the end of its parent: never inside another element. Children in markup-compatibility wrappers
(`mc:AlternateContent`, as Excel writes around controls and OLE objects) take the place of the
element they wrap.
"""

from __future__ import annotations

from collections.abc import Sequence

from sheets_sync.stores.xml_spans import Element

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"

# CT_Worksheet (ECMA-376 Part 1, 18.3.1.99), transitional.
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst",
)

# CT_Stylesheet (18.8.39).
STYLESHEET_ORDER = (
    "numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
    "tableStyles", "colors", "extLst",
)


def order_name(element: Element) -> str:
    """The schema name an element stands for: its own, or for mc:AlternateContent the first
    element it wraps."""
    if element.ns == MC_NS and element.name == "AlternateContent":
        for choice in element.children:
            for inner in choice.children:
                return inner.name
    return element.name


def insertion_point(parent: Element, name: str, order: Sequence[str]) -> int:
    """Byte offset where a new `name` child of `parent` goes: before the first child the schema
    places after it (children the order does not know are passed over), else before the
    parent's end tag. `parent` must not be an empty element (`<x/>`)."""
    rank = order.index(name)
    for child in parent.children:
        child_name = order_name(child)
        if child_name in order and order.index(child_name) > rank:
            return child.start
    return parent.close


def out_of_order(parent: Element, order: Sequence[str]) -> list[str]:
    """Names of children that come before one the schema places ahead of them (empty when the
    children follow the order)."""
    ranks = [order.index(order_name(c)) for c in parent.children if order_name(c) in order]
    names = [order_name(c) for c in parent.children if order_name(c) in order]
    return [names[i] for i in range(1, len(ranks)) if ranks[i] < ranks[i - 1]]
