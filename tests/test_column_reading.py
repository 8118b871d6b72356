"""Tables are read column by column, each distinct value once: the Book and its Issues read as
they would cell by cell — every bad cell named, row by row, in the order a row is read."""

from __future__ import annotations

from datetime import date
from typing import Any

from sheets_sync.config import load_config
from sheets_sync.core.columns import parse_column, text_column
from sheets_sync.core.model import Book
from sheets_sync.core.parse import Phone, parse_number, parse_phone_number, parse_text
from sheets_sync.core.validate import validate_book
from sheets_sync.stores.memory import MemoryStore

CONTACTS = ["ID", "Name", "Country", "Phone", "Circle", "Stage"]
INTERACTIONS = ["Date", "Contact ID", "Channel", "Touchpoint"]


def book_of(contacts: list[list[Any]], interactions: list[list[Any]] | None = None) -> Book:
    tabs: dict[str, list[list[Any]]] = {"Contacts": [CONTACTS, *contacts]}
    if interactions is not None:
        tabs["Interactions"] = [INTERACTIONS, *interactions]
    return validate_book(MemoryStore(tabs).read().tables, load_config())


def where(book: Book) -> list[tuple[str, int | None, str, str]]:
    return [(i.tab, i.row, i.column, i.value) for i in book.issues]


def test_every_bad_cell_is_named_row_by_row_in_the_order_a_row_is_read() -> None:
    book = book_of([
        ["C1", "Ann", "Atlantis", "12", "Inner", "Lead"],
        ["C2", "Ben", "MY", "+60 12-345 6789", "Network", "Closed"],
        ["C3", "Cy", "Atlantis", "12", "Inner", "Sold"],
    ])
    assert where(book) == [
        ("Contacts", 2, "Country", "Atlantis"), ("Contacts", 2, "Phone", "12"),
        ("Contacts", 2, "Circle", "Inner"),
        ("Contacts", 4, "Country", "Atlantis"), ("Contacts", 4, "Phone", "12"),
        ("Contacts", 4, "Circle", "Inner"), ("Contacts", 4, "Stage", "Sold"),
    ]


def test_a_value_repeated_down_a_column_reads_the_same_on_every_row() -> None:
    book = book_of([[f"C{n}", f"P{n}", "my", None, "core advocate", "closed"] for n in range(5)])
    assert {(c.country, c.circle, c.stage) for c in book.contacts} == {
        ("MY", "Core Advocate", "Closed")}
    assert book.issues == []


def test_a_phone_read_on_contacts_keeps_whether_it_is_a_fixed_line() -> None:
    book = book_of([["C1", "Office", "MY", "03-2123 4567", None, None],
                    ["C2", "Mobile", "MY", "012-345 6789", None, None],
                    ["C3", "None", "MY", None, None, None]])
    assert [(c.phone, c.landline) for c in book.contacts] == [
        ("+60321234567", True), ("+60123456789", False), (None, None)]


def test_a_phone_number_is_read_with_its_type() -> None:
    assert parse_phone_number("03-2123 4567", "MY") == Phone("+60321234567", landline=True)
    # A US number may be a mobile or a fixed line: it is not taken for a landline.
    assert parse_phone_number("+1 212 555 0100", "MY") == Phone("+12125550100", landline=False)


def test_equal_values_of_different_types_are_each_read_as_their_own() -> None:
    texts, _ = parse_column([1, 1.0, True, "1 ", date(2024, 3, 5)], parse_text)
    assert texts == ["1", "1", "True", "1", "2024-03-05"]
    numbers, _ = parse_column([1.0, 0.0, -0.0, 1.0, 0.0], parse_number)
    assert [str(n) for n in numbers] == ["1.0", "0.0", "-0.0", "1.0", "0.0"]


def test_a_column_gives_none_for_blank_and_bad_cells_and_the_problem_of_each_bad_one() -> None:
    values, problems = parse_column(["12", None, "  ", "twelve", "twelve"], parse_number)
    assert values == [12.0, None, None, None, None]
    assert sorted(problems) == [3, 4]
    assert problems[3].problem == "not a number"


def test_a_text_column_reads_as_parse_text_reads_each_cell() -> None:
    cells = [" Ann ", None, "", "\u3000", 12.0, date(2024, 3, 5)]
    assert text_column(cells) == [parse_text(cell) for cell in cells]


def test_a_bad_country_cell_counts_as_filled_a_blank_one_does_not() -> None:
    book = book_of([["C1", "Ann", "Atlantis", None, None, None],
                    ["C2", "Ben", None, None, None, None]])
    assert ["country" in c.filled_fields for c in book.contacts] == [True, False]


def test_each_interaction_row_with_an_unknown_id_or_bad_date_is_named() -> None:
    book = book_of([["C1", "Ann", "MY", None, None, None]], [
        [date(2026, 1, 5), "C9", "call", "Check-in"],
        ["31/02/2026", "C1", "call", "Check-in"],
        [date(2026, 1, 6), "C9", "fax", "Check-in"],
        [date(2026, 1, 7), " c1 ", "CALL", "Check-in"],
    ])
    assert where(book) == [
        ("Interactions", 2, "Contact ID", "C9"), ("Interactions", 3, "Date", "31/02/2026"),
        ("Interactions", 4, "Contact ID", "C9"), ("Interactions", 4, "Channel", "fax"),
    ]
    assert [(i.row, i.contact_id, i.channel) for i in book.interactions] == [
        (2, "C9", "call"), (4, "C9", "fax"), (5, "C1", "call")]
