"""sheets-sync: a spreadsheet as a client-retention database."""

__version__ = "0.1.0"
