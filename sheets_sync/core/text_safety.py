"""Cell text made safe for where it is shown: a terminal (no escape sequences that clear the
screen, recolour it or plant a link) and an iCalendar file (no control characters RFC 5545
forbids). Pure functions of text."""

from __future__ import annotations

import re

# Whole escape sequences go, not just their ESC, so no "[2J" is left behind: CSI (ESC [ … final
# byte, or the one-byte C1 CSI), OSC/DCS/SOS/PM/APC strings (ESC ] … up to BEL or ST, OSC-8
# links included), and the two-byte ESC sequences.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# C0 controls, DEL and C1 controls.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Explicit bidirectional overrides and isolates reorder what follows them on screen.
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# RFC 5545 §3.3.11: TEXT may hold HTAB but no other CONTROL (%x00-08, %x0A-1F, %x7F); the
# line breaks are escaped as \n before this is applied. C1 controls go too.
_ICS_FORBIDDEN = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def strip_escapes(text: str) -> str:
    """`text` without terminal escape sequences (whole: no "[2J" left behind)."""
    return _ESCAPES.sub("", text)


def terminal_text(text: str) -> str:
    """`text` with escape sequences, control characters and bidi overrides removed; tabs and
    line breaks become spaces so one cell stays on one line."""
    text = _ESCAPES.sub("", text)
    text = re.sub(r"[\t\n\r\v\f]+", " ", text)
    return _BIDI.sub("", _CONTROLS.sub("", text))


def ics_text(text: str) -> str:
    """`text` without the control characters RFC 5545 forbids in a TEXT value (line breaks are
    kept for the caller to escape; escape sequences go whole)."""
    text = _ESCAPES.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(_ICS_FORBIDDEN.sub("", part) for part in text.split("\n"))
