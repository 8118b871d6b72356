"""Render an owned tab (`OwnedTab`) as a complete worksheet part."""

from __future__ import annotations

from sheets_sync.core.model import BOOL, TEXT, WRAP, OwnedTab
from sheets_sync.stores.ooxml import MAIN_NS, REL_NS, Styles, cell_xml, col_letter, escape
from sheets_sync.stores.xlsx_layout import (
    DEFAULT_WIDTH,
    PRINT_TABS,
    column_widths,
    hidden_columns,
    row_height,
    style_order,
    used_width,
)

HYPERLINK_REL = REL_NS + "/hyperlink"
HIDDEN = 'hidden="1" '


def links(tab: OwnedTab) -> list[tuple[str, str, str]]:
    """(cell reference, relationship id, URL) of every hyperlink cell, in sheet order."""
    keys = {c.key: n for n, c in enumerate(tab.columns)}
    first = 2 if tab.headers else 1
    cells = sorted((row, keys[key], url) for (row, key), url in tab.links.items() if key in keys)
    return [(f"{col_letter(col)}{first + row}", f"rIdLink{n + 1}", url)
            for n, (row, col, url) in enumerate(cells)]


def with_link_rels(rels: str | None, tab: OwnedTab) -> str | None:
    """The sheet's relationships part (its drawing's, when it has charts) with one external
    relationship per hyperlink cell added; None when the sheet needs none."""
    items = "".join(
        f'<Relationship Id="{rid}" Type="{HYPERLINK_REL}" Target="{escape(url)}" '
        'TargetMode="External"/>' for _ref, rid, url in links(tab))
    if not items:
        return rels
    if rels is None:
        rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                'relationships"></Relationships>')
    return rels.replace("</Relationships>", items + "</Relationships>")


def render_sheet(
    tab: OwnedTab, styles: Styles, date1904: bool, drawing_rel: str | None = None
) -> bytes:
    """The worksheet part, in UTF-8: made row by row as bytes, so a large tab (Referrals) is
    never also held as one Python string (up to four bytes a character)."""
    header_style = styles.xf("tab_header")
    kinds = {n: c.kind for n, c in enumerate(tab.columns) if c.kind != TEXT}
    col_styles = {
        n: styles.xf(kind) for n, kind in sorted(kinds.items(), key=lambda i: style_order(i[1]))
    }
    bool_columns = [n for n, kind in kinds.items() if kind == BOOL]
    keys = [c.key for c in tab.columns]
    widths = column_widths(tab)
    headers = tab.headers
    width = used_width(tab)
    hidden = hidden_columns(tab)
    printed = tab.key in PRINT_TABS
    rows: list[bytes] = []
    # Headers on row 1, data from row 2; a tab without headers starts its data on row 1.
    header_number = 1 if headers else 0
    if headers:
        cells = "".join(
            cell_xml(f"{col_letter(c)}1", h, header_style) for c, h in enumerate(headers)
        )
        # A header longer than its column wraps; give the row room for two lines.
        tall = any(len(str(h)) > widths.get(c, DEFAULT_WIDTH) for c, h in enumerate(headers))
        height = ' ht="30" customHeight="1"' if tall else ""
        rows.append(f'<row r="1"{height}>{cells}</row>'.encode())
    letters = [col_letter(c) for c in range(width)]
    plain = [col_styles.get(c, 0) for c in range(width)]
    kinds_at = _kinds_by_row(tab, keys)
    wraps = any(column.kind == WRAP for column in tab.columns)
    for offset, values in enumerate(tab.rows):
        number = header_number + 1 + offset
        digits = str(number)
        kinds = kinds_at.get(offset)
        # A cell's own kind (styles.xf adds a style when first asked: asked in cell order)
        row_styles = plain if kinds is None else [
            styles.xf(kinds[c]) if c in kinds else plain[c] for c in range(len(values))]
        cells = "".join([cell_xml(letters[c] + digits, v, row_styles[c], date1904)
                         for c, v in enumerate(values)])
        height = row_height(tab, values, widths) if wraps else None
        size = f' ht="{height:g}" customHeight="1"' if height else ""
        rows.append(f'<row r="{number}"{size}>{cells}</row>'.encode())
    last_row = max(header_number + len(tab.rows), 1)
    ref = f"A1:{col_letter(width - 1)}{last_row}"
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
        # Printed one page wide (fitToWidth below); the page count follows the rows.
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if printed else "",
        f'<dimension ref="{ref}"/>',
        _views(tab, selected=tab.key == "today"),
        '<sheetFormatPr defaultRowHeight="15"/>',
        "<cols>",
        *(
            f'<col min="{c + 1}" max="{c + 1}" width="{widths.get(c, DEFAULT_WIDTH):g}" '
            f'{HIDDEN if c in hidden else ""}customWidth="1"/>'
            for c in range(width)
        ),
        "</cols>",
        "<sheetData>",
    ]
    head = "".join(parts).encode()
    parts = ["</sheetData>"]
    if tab.autofilter and headers:
        parts.append(f'<autoFilter ref="A{header_number}:{col_letter(width - 1)}{last_row}"/>')
    if bool_columns and tab.rows:
        # A bool column is one a person ticks (Today's Done): a TRUE/FALSE dropdown.
        checks = "".join(
            f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" '
            f'sqref="{col_letter(c)}{header_number + 1}:{col_letter(c)}{last_row}">'
            f'<formula1>"TRUE,FALSE"</formula1></dataValidation>'
            for c in bool_columns
        )
        parts.append(f'<dataValidations count="{len(bool_columns)}">{checks}</dataValidations>')
    linked = links(tab)
    if linked:
        parts.append("<hyperlinks>" + "".join(
            f'<hyperlink ref="{ref}" r:id="{rid}"/>' for ref, rid, _url in linked)
            + "</hyperlinks>")
    if printed:
        parts.append('<printOptions gridLines="1"/>')
        parts.append('<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" '
                     'footer="0.3"/>')
        parts.append('<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>')
    else:
        parts.append(
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
            'footer="0.3"/>'
        )
    if drawing_rel:
        parts.append(f'<drawing r:id="{escape(drawing_rel)}"/>')
    parts.append("</worksheet>")
    return b"".join([head, *rows, "".join(parts).encode()])


def _views(tab: OwnedTab, selected: bool = False) -> str:
    # Today is the tab the workbook opens on (xlsx_book.open_on): its view is the selected one.
    view = '<sheetView tabSelected="1" workbookViewId="0"' if selected else (
        '<sheetView workbookViewId="0"')
    if not (tab.freeze_header and tab.headers):
        return f'<sheetViews>{view}/></sheetViews>'
    top = "A2"
    return (
        f'<sheetViews>{view}>'
        f'<pane ySplit="1" topLeftCell="{top}" activePane="bottomLeft" '
        'state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
        "</sheetView></sheetViews>"
    )


def _kinds_by_row(tab: OwnedTab, keys: list[str]) -> dict[int, dict[int, str]]:
    """Row -> column -> the kind `tab.cell_kinds` gives that cell (by its column's key)."""
    columns: dict[str, list[int]] = {}
    for n, key in enumerate(keys):
        columns.setdefault(key, []).append(n)
    out: dict[int, dict[int, str]] = {}
    for (row, key), kind in tab.cell_kinds.items():
        if kind is not None:
            for n in columns.get(key, ()):
                out.setdefault(row, {})[n] = kind
    return out
