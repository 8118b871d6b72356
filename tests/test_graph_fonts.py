"""The referral graph draws Chinese and Japanese names with a CJK font when one is installed, and
otherwise shows those contacts by ID with one warning naming the font package — never boxes."""

from __future__ import annotations

import warnings

import pytest

from sheets_sync.core.model import Book, Contact
from sheets_sync.graph import FONT_PACKAGE, _cjk_font, drawable_labels, render_referral_graph

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def cjk_book() -> Book:
    contacts = [
        Contact(row=2, id="C0001", name="王小明", owner="Ann"),
        Contact(row=3, id="C0002", name="佐藤花子", owner="Ann", referred_by="C0001"),
        Contact(row=4, id="C0003", name="Alice", owner="Ann", referred_by="C0001"),
    ]
    return Book(contacts, [], [])


def test_without_a_cjk_font_names_fall_back_to_ids_with_one_warning() -> None:
    labels, fell_back = drawable_labels({"C0001": "王小明", "C0003": "Alice",
                                         "C0004": "José Ñúñez"}, ["DejaVu Sans"])
    assert labels == {"C0001": "C0001", "C0003": "Alice", "C0004": "José Ñúñez"}
    assert fell_back == ["王小明"]
    picture = render_referral_graph(cjk_book(), cjk_fonts=())
    assert picture.png.startswith(PNG_SIGNATURE)
    assert len(picture.warnings) == 1
    assert "2 name(s) drawn as contact IDs" in picture.warnings[0]
    assert FONT_PACKAGE in picture.warnings[0]


@pytest.mark.skipif(_cjk_font() is None, reason=f"no CJK font installed (apt-get install "
                    f"{FONT_PACKAGE})")
def test_with_a_cjk_font_names_are_drawn_without_missing_glyphs() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a "Glyph … missing" warning would fail the test
        picture = render_referral_graph(cjk_book())
    assert picture.warnings == []
    labels, fell_back = drawable_labels({"C0001": "王小明", "C0002": "佐藤花子"},
                                        ["DejaVu Sans", _cjk_font()])
    assert labels == {"C0001": "王小明", "C0002": "佐藤花子"} and fell_back == []
    assert picture.png.startswith(PNG_SIGNATURE)
