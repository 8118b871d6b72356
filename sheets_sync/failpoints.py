"""Named moments inside a sync where a test can stop or pause the real process.

`SHEETS_SYNC_FAILPOINT="before-rename=kill"` makes the process kill itself (SIGKILL, no cleanup)
when it reaches that moment; `"read-done=pause:/tmp/go"` makes its n-th arrival there create
`/tmp/go.reached.<n>` and wait until `/tmp/go.<n>` or `/tmp/go` exists, so a test can act (save
the workbook as a person would) at exactly that moment, every time it comes round, and then let
the sync go on; `"backup-write=enospc"` raises the OSError a full disk gives (ENOSPC) there, for
machines where a test cannot mount a small file system. Several points: comma-separated. An
environment variable rather than a config key, so it can never end up in a user's file; unset,
each point costs one dictionary look-up.

Points, in the order a sync reaches them: read-done (tables read, nothing planned yet),
backup-write (the backup's temporary copy is being written), before-temp (about to create the
temporary file), mid-write (half the parts written), before-fsync, before-rename (the temporary
file is complete; the last identity check and the rename follow), after-rename.
"""

from __future__ import annotations

import errno
import os
import signal
import time
from pathlib import Path

FAILPOINT_ENV = "SHEETS_SYNC_FAILPOINT"
PAUSE_LIMIT_SECONDS = 120.0  # a forgotten pause must not hang a test run forever

POINTS = ("read-done", "backup-write", "before-temp", "mid-write", "before-fsync", "before-rename",
          "after-rename")


def failpoint(name: str) -> None:
    """Act on `name` if the environment asks for it; otherwise do nothing."""
    spec = os.environ.get(FAILPOINT_ENV)
    if not spec:
        return
    for item in spec.split(","):
        point, _, action = item.strip().partition("=")
        if point != name:
            continue
        if action == "kill":
            os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
        elif action == "enospc":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        elif action.startswith("pause:"):
            _pause(Path(action.removeprefix("pause:")))


_arrivals: dict[Path, int] = {}


def _pause(go: Path) -> None:
    arrival = _arrivals[go] = _arrivals.get(go, 0) + 1
    go.with_name(f"{go.name}.reached.{arrival}").write_text(str(os.getpid()), encoding="utf-8")
    this_one = go.with_name(f"{go.name}.{arrival}")
    deadline = time.monotonic() + PAUSE_LIMIT_SECONDS
    while not (go.exists() or this_one.exists()) and time.monotonic() < deadline:
        time.sleep(0.01)
