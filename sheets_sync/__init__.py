"""sheets-sync: a spreadsheet as a client-retention database."""

from pathlib import Path

__version__ = "0.1.0"

# config/ and templates/ live beside the package in the checkout (`pip install -e .`).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
