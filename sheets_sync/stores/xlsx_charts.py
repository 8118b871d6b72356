"""DrawingML for the charts on owned tabs: one drawing part per tab, one chart part per chart.

Series refer to cells (no cached values), so Excel and LibreOffice draw them from the data. A
chart names columns of owned tabs; here they become A1 ranges of the sheets as rendered (header on
row 1, data from row 2).
"""

from __future__ import annotations

from collections.abc import Mapping

from sheets_sync.core.model import Chart, ColumnRef, OwnedTab
from sheets_sync.stores.ooxml import col_letter, escape
from sheets_sync.stores.xlsx_layout import CHART_COLS, CHART_ROWS

DRAWING_CT = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"


def sheet_ref(
    cells: ColumnRef, tabs: Mapping[str, OwnedTab], sheet_names: Mapping[str, str]
) -> str:
    """An absolute A1 range like 'Metrics history'!$B$2:$B$9 for a named column's data rows."""
    tab = tabs[cells.tab]
    quoted = "'" + sheet_names[cells.tab].replace("'", "''") + "'"
    col = col_letter(tab.index(cells.column))
    header = 1 if tab.headers else 0
    return f"{quoted}!${col}${header + 1 + cells.first}:${col}${header + 1 + cells.last}"


def chart_xml(
    spec: Chart, tabs: Mapping[str, OwnedTab], sheet_names: Mapping[str, str]
) -> str:
    """One chart part. `tabs` are the change set's owned tabs by key; `sheet_names` maps a tab
    key to its name in the workbook."""
    cats = sheet_ref(spec.categories, tabs, sheet_names)
    series = []
    for index, (name, values) in enumerate(spec.series):
        vals = sheet_ref(values, tabs, sheet_names)
        series.append(
            f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/>'
            f"<c:tx><c:v>{escape(name)}</c:v></c:tx>"
            + ('<c:marker><c:symbol val="circle"/></c:marker>' if spec.kind == "line" else "")
            + (f"<c:cat><c:numRef><c:f>{escape(cats)}</c:f></c:numRef></c:cat>"
               if spec.date_categories
               else f"<c:cat><c:strRef><c:f>{escape(cats)}</c:f></c:strRef></c:cat>")
            + f"<c:val><c:numRef><c:f>{escape(vals)}</c:f></c:numRef></c:val>"
            + ('<c:smooth val="0"/>' if spec.kind == "line" else "")
            + "</c:ser>"
        )
    body = "".join(series)
    axes = (
        '<c:catAx><c:axId val="1001"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="{cat_pos}"/><c:numFmt formatCode="General" '
        'sourceLinked="1"/><c:tickLblPos val="nextTo"/><c:crossAx val="1002"/>'
        '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/></c:catAx>'
        '<c:valAx><c:axId val="1002"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        '<c:delete val="0"/><c:axPos val="{val_pos}"/><c:majorGridlines/>'
        '<c:numFmt formatCode="General" sourceLinked="1"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="1001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/>'
        "</c:valAx>"
    )
    if spec.date_categories:
        axes = axes.replace("<c:catAx>", "<c:dateAx>").replace("</c:catAx>", "</c:dateAx>")
        axes = axes.replace(
            '<c:numFmt formatCode="General" sourceLinked="1"/><c:tickLblPos val="nextTo"/>'
            '<c:crossAx val="1002"/>',
            '<c:numFmt formatCode="yyyy-mm-dd" sourceLinked="0"/><c:tickLblPos val="nextTo"/>'
            '<c:crossAx val="1002"/>',
        )
        # CT_DateAx has no lblAlgn, and baseTimeUnit follows lblOffset.
        axes = axes.replace('<c:lblAlgn val="ctr"/>', "").replace(
            '<c:lblOffset val="100"/>', '<c:lblOffset val="100"/><c:baseTimeUnit val="days"/>'
        )
    if spec.kind == "pie":
        plot = f'<c:pieChart><c:varyColors val="1"/>{body}<c:firstSliceAng val="0"/></c:pieChart>'
    elif spec.kind == "line":
        plot = (
            f'<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{body}'
            '<c:marker val="1"/><c:axId val="1001"/><c:axId val="1002"/></c:lineChart>'
            + axes.format(cat_pos="b", val_pos="l")
        )
    else:
        direction = "bar" if spec.kind == "bar" else "col"
        plot = (
            f'<c:barChart><c:barDir val="{direction}"/><c:grouping val="clustered"/>'
            f'<c:varyColors val="0"/>{body}<c:gapWidth val="150"/>'
            '<c:axId val="1001"/><c:axId val="1002"/></c:barChart>'
            + axes.format(
                cat_pos="l" if direction == "bar" else "b",
                val_pos="b" if direction == "bar" else "l",
            )
        )
    title = (
        f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr b="1"/></a:pPr>'
        f'<a:r><a:rPr lang="en-US" b="1"/><a:t>{escape(spec.title)}</a:t></a:r></a:p></c:rich>'
        '</c:tx><c:overlay val="0"/></c:title>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}">'
        '<c:roundedCorners val="0"/>'
        f'<c:chart>{title}<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>{plot}'
        '</c:plotArea><c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    )


def drawing_xml(anchors: list[tuple[int, int]]) -> str:
    """One frame per chart, CHART_COLS x CHART_ROWS cells from its (0-based column, row) anchor."""
    frames = []
    for number, (col, row) in enumerate(anchors, start=1):
        frames.append(
            "<xdr:twoCellAnchor>"
            f"<xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row>"
            "<xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f"<xdr:to><xdr:col>{col + CHART_COLS}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{row + CHART_ROWS}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{number + 1}" '
            f'name="Chart {number}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>'
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            f'<a:graphic><a:graphicData uri="{_C}"><c:chart xmlns:c="{_C}" r:id="rId{number}"/>'
            "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>"
            "</xdr:twoCellAnchor>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<xdr:wsDr xmlns:xdr="{_XDR}" xmlns:a="{_A}" xmlns:r="{_R}">'
        + "".join(frames)
        + "</xdr:wsDr>"
    )


def rels_xml(targets: list[tuple[str, str]]) -> str:
    """A relationships part: (type, target) pairs numbered rId1, rId2 …"""
    body = "".join(
        f'<Relationship Id="rId{n}" Type="{kind}" Target="{escape(target)}"/>'
        for n, (kind, target) in enumerate(targets, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{body}</Relationships>"
    )
