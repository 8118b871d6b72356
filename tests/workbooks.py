"""Real workbooks for tests, written with xlsxwriter the way Excel writes them: shared strings,
styles, comments, images, charts, shapes, formulas with cached values."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

CONTACT_HEADERS = [
    "ID",
    "Name",
    "Owner",
    "Phone",
    "Email",
    "Language",
    "Country",
    "Birthday",
    "Circle",
    "Stage",
    "Closing date",
    "Last contact",
    "Referred by",
    "NPS",
    "Lost reason",
    "Do not contact",
    "Tier override",
    "My notes",
]


def png_bytes() -> bytes:
    """A valid 2x2 PNG, so image parts are real images."""
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def contact_rows() -> list[list[Any]]:
    return [
        [
            "C0001",
            "Alice Tan",
            "Mei",
            "+60 12-345 6789",
            "alice@example.com",
            "en",
            "MY",
            date(1985, 3, 5),
            "Advocate",
            "Closed",
            date(2026, 10, 24),
            date(2026, 11, 1),
            "",
            9,
            "",
            "no",
            "",
            "likes durians",
        ],
        [
            "C0002",
            "王伟",
            "Mei",
            "13812345678",
            "wang@example.cn",
            "zh",
            "CN",
            "3月5日",
            "Network",
            "Closed",
            date(2021, 6, 1),
            date(2026, 5, 1),
            "C0001",
            10,
            "",
            "",
            "",
            "=not a formula",
        ],
        [
            "",
            "Sato Hanako",
            "Ken",
            "+81 90-1234-5678",
            "sato@example.jp",
            "ja",
            "JP",
            "令和2年1月2日",
            "Target Group",
            "Prospect",
            None,
            date(2026, 11, 20),
            "Alice Tan",
            None,
            "",
            "",
            "",
            "",
        ],
        [
            "C0004",
            "Ahmad bin Ali",
            "Ken",
            "012-3456789",
            "ahmad@example",
            "ms",
            "MY",
            "31/02/1990",
            "Advocat",
            "Lost",
            None,
            None,
            "",
            11,
            "Price",
            "yes",
            "",
            "",
        ],
    ]


def excel_like_workbook(
    path: Path, rows: list[list[Any]] | None = None, extras: bool = True
) -> Path:
    """Contacts + Interactions + Transactions + a person's own tab full of things to keep."""
    rows = contact_rows() if rows is None else rows
    wb = xlsxwriter.Workbook(str(path))  # shared strings, as Excel writes them
    header = wb.add_format({"bold": True, "bg_color": "#FFF2CC", "border": 1})
    dates = wb.add_format({"num_format": "dd/mm/yyyy"})
    money = wb.add_format({"num_format": "#,##0.00", "font_color": "#006100"})
    ws = wb.add_worksheet("Contacts")
    ws.write_row(0, 0, CONTACT_HEADERS, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, (date, datetime)):
                ws.write_datetime(r, c, value, dates)
            elif isinstance(value, str) and value.startswith("="):
                ws.write_string(r, c, value)
            elif value is not None:
                ws.write(r, c, value)
    ws.freeze_panes(1, 0)
    ws.set_column(0, 0, 9)
    ws.set_column(1, 1, 22)
    if extras:
        ws.write_comment("B2", "Met at the 2024 open house", {"author": "Mei", "x_scale": 2})
        ws.data_validation(
            "J2:J500",
            {
                "validate": "list",
                "source": ["Lead", "Prospect", "Under contract", "Closed", "Lost"],
            },
        )
        ws.conditional_format(
            "N2:N500",
            {
                "type": "cell",
                "criteria": ">=",
                "value": 9,
                "format": wb.add_format({"bg_color": "#C6EFCE"}),
            },
        )
        ws.conditional_format("M2:M500", {"type": "data_bar"})
        ws.write_url("R10", "https://example.com/listing", string="listing")
        ws.merge_range("T2:U3", "merged note", money)
        ws.write_formula("V2", "=N2*2", money, 18)
        ws.insert_image("X2", "logo.png", {"image_data": io.BytesIO(png_bytes())})
        ws.insert_textbox("X8", "Remember: call everyone on Friday")
        wb.define_name("Promoters", "=Contacts!$N$2:$N$500")
    inter = wb.add_worksheet("Interactions")
    inter.write_row(
        0, 0, ["Date", "Contact ID", "Channel", "Touchpoint", "Outcome", "Notes", "Owner"], header
    )
    inter.write_datetime(1, 0, datetime(2026, 11, 1), dates)
    inter.write_row(1, 1, ["C0001", "call", "Check-in", "answered", "fine", "Mei"])
    trans = wb.add_worksheet("Transactions")
    trans.write_row(
        0,
        0,
        ["Contact ID", "Closing date", "Side", "Price", "Commission", "Source", "Referred by"],
        header,
    )
    trans.write_string(1, 0, "C0001")
    trans.write_datetime(1, 1, datetime(2026, 10, 24), dates)
    trans.write_row(1, 2, ["buy", 850000, 17000], money)
    trans.write_row(1, 5, ["referral", ""])
    if extras:
        mine = wb.add_worksheet("My pipeline")
        mine.write_row(0, 0, ["Month", "Deals"], header)
        for i in range(6):
            mine.write_row(i + 1, 0, [f"M{i + 1}", i * 3])
        chart = wb.add_chart({"type": "column"})
        chart.add_series(
            {
                "categories": "='My pipeline'!$A$2:$A$7",
                "values": "='My pipeline'!$B$2:$B$7",
                "name": "Deals",
            }
        )
        chart.set_title({"name": "Deals per month"})
        mine.insert_chart("D2", chart)
        mine.write_formula("B9", "=SUM(B2:B7)", None, 45)
    wb.close()
    return path
