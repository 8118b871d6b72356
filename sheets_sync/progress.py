"""Progress lines for interactive runs: one line per stage on stderr when it is a terminal, none
otherwise (cron mails and the systemd journal should not fill up with progress chatter)."""

from __future__ import annotations

import sys
from typing import TextIO

from sheets_sync.runlog import scrub


class Progress:
    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled

    def stage(self, text: str) -> None:
        """Print one progress line (scrubbed: it may quote an error message)."""
        if not self.enabled:
            return
        try:
            print(scrub(text), file=self.stream, flush=True)
        except (OSError, ValueError):
            # A closed terminal must not fail a sync.
            self.enabled = False
