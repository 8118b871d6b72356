"""Render an owned tab (`OwnedTab`) as a complete worksheet part."""

from __future__ import annotations

from ..model import OwnedTab
from .ooxml import MAIN_NS, REL_NS, Styles, cell_xml, col_letter, escape

DEFAULT_WIDTH = 14.0


def render_sheet(
    tab: OwnedTab, styles: Styles, date1904: bool, drawing_rel: str | None = None
) -> str:
    header_style = styles.xf("tab_header")
    col_styles = {col: styles.xf(kind) for col, kind in tab.formats.items()}
    col_styles.update({col: styles.xf("bool") for col in tab.bool_columns})
    width = max([len(tab.headers), *(len(r) for r in tab.rows)]) if tab.headers or tab.rows else 1
    rows: list[str] = []
    # Headers on row 1, data from row 2; a tab without headers starts its data on row 1.
    header_number = 1 if tab.headers else 0
    if tab.headers:
        cells = "".join(
            cell_xml(f"{col_letter(c)}1", h, header_style) for c, h in enumerate(tab.headers)
        )
        # A header longer than its column wraps; give the row room for two lines.
        tall = any(
            len(str(h)) > tab.widths.get(c, DEFAULT_WIDTH) for c, h in enumerate(tab.headers)
        )
        height = ' ht="30" customHeight="1"' if tall else ""
        rows.append(f'<row r="1"{height}>{cells}</row>')
    for offset, values in enumerate(tab.rows):
        number = header_number + 1 + offset
        cells = "".join(
            cell_xml(
                f"{col_letter(c)}{number}", v, _style(tab, styles, col_styles, offset, c), date1904
            )
            for c, v in enumerate(values)
        )
        rows.append(f'<row r="{number}">{cells}</row>')
    last_row = max(header_number + len(tab.rows), 1)
    ref = f"A1:{col_letter(width - 1)}{last_row}"
    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
        f'<dimension ref="{ref}"/>',
        _views(tab),
        '<sheetFormatPr defaultRowHeight="15"/>',
        "<cols>",
        *(
            f'<col min="{c + 1}" max="{c + 1}" width="{tab.widths.get(c, DEFAULT_WIDTH)}" '
            f'customWidth="1"/>'
            for c in range(width)
        ),
        "</cols>",
        "<sheetData>",
        *rows,
        "</sheetData>",
    ]
    if tab.autofilter and tab.headers:
        parts.append(f'<autoFilter ref="A{header_number}:{col_letter(width - 1)}{last_row}"/>')
    if tab.bool_columns and tab.rows:
        checks = "".join(
            f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" '
            f'sqref="{col_letter(c)}{header_number + 1}:{col_letter(c)}{last_row}">'
            f'<formula1>"TRUE,FALSE"</formula1></dataValidation>'
            for c in tab.bool_columns
        )
        parts.append(f'<dataValidations count="{len(tab.bool_columns)}">{checks}</dataValidations>')
    parts.append(
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
    )
    if drawing_rel:
        parts.append(f'<drawing r:id="{escape(drawing_rel)}"/>')
    parts.append("</worksheet>")
    return "".join(parts)


def _views(tab: OwnedTab) -> str:
    if not (tab.freeze_header and tab.headers):
        return '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
    top = "A2"
    return (
        '<sheetViews><sheetView workbookViewId="0">'
        f'<pane ySplit="1" topLeftCell="{top}" activePane="bottomLeft" '
        'state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'
        "</sheetView></sheetViews>"
    )


def _style(tab: OwnedTab, styles: Styles, col_styles: dict[int, int], row: int, col: int) -> int:
    kind = tab.cell_formats.get((row, col))
    return styles.xf(kind) if kind is not None else col_styles.get(col, 0)
