"""The bundled sample workbook, read and validated, with its facts and classes on a day: the
engine's inputs as a sync builds them, for tests of the engine's parts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from sheets_sync.config import load_config
from sheets_sync.core.classify import classify
from sheets_sync.core.facts import BookFacts, build_facts
from sheets_sync.core.model import Book, Classification
from sheets_sync.core.validate import validate_book
from sheets_sync.starter import write_starter_workbook
from sheets_sync.stores.xlsx import XlsxStore


class SampleBook(NamedTuple):
    config: dict[str, Any]
    book: Book
    facts: BookFacts
    classes: dict[str, Classification]


def sample_book(folder: Path, today: date) -> SampleBook:
    path = folder / "contacts.xlsx"
    write_starter_workbook(path, sample=True, today=date(2026, 11, 2))
    config = load_config()
    book = validate_book(XlsxStore(path).read().tables, config)
    facts = build_facts(book, today, config)
    return SampleBook(config, book, facts, classify(book, today, config, facts))
