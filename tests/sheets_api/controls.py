"""Test controls that are not part of Google's API: clock, quota, faults, request log, hooks."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class Clock:
    """Real monotonic time plus an offset tests can advance, so quota refills need no sleep."""

    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += seconds


class Quota:
    """Requests per minute per user and per project, refilled at each minute of the clock.

    Google's documented defaults: 60 read and 60 write requests per user, 300 of each per
    project (every user of this server is in one project).
    """

    PROJECT = "*project*"

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.enabled = True
        self.limits = {"read": 60, "write": 60}
        self.project_limits = {"read": 300, "write": 300}
        self._used: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()

    def take(self, user: str, kind: str) -> tuple[float, str] | None:
        """None if allowed, else (seconds until the refill, "user" or "project")."""
        if not self.enabled:
            return None
        now = self.clock.now()
        minute = int(now // 60)
        wait = max(1.0, math.ceil((minute + 1) * 60 - now))
        with self._lock:
            mine, ours = (user, kind, minute), (self.PROJECT, kind, minute)
            if self._used.get(mine, 0) >= self.limits[kind]:
                return wait, "user"
            if self._used.get(ours, 0) >= self.project_limits[kind]:
                return wait, "project"
            self._used[mine] = self._used.get(mine, 0) + 1
            self._used[ours] = self._used.get(ours, 0) + 1
            if len(self._used) > 1000:
                self._used = {k: v for k, v in self._used.items() if k[2] >= minute}
            return None

    def reset(self) -> None:
        with self._lock:
            self._used.clear()
        self.enabled = True
        self.limits.update(read=60, write=60)
        self.project_limits.update(read=300, write=300)


@dataclass
class Fault:
    status: int
    after_apply: bool = False


class Faults:
    """Queued failures: the next N requests answer 5xx (before or after being applied)."""

    def __init__(self) -> None:
        self._queue: list[Fault | None] = []
        self._lock = threading.Lock()

    def fail_next(self, count: int = 1, status: int = 503, *, after_apply: bool = False) -> None:
        with self._lock:
            self._queue.extend(Fault(status, after_apply) for _ in range(count))

    def storm(
        self, requests: int, *, every: int = 2, statuses: tuple[int, ...] = (500, 503)
    ) -> None:
        """Over the next `requests` requests, one in `every` fails, cycling through statuses."""
        with self._lock:
            for i in range(requests):
                fails = i % every == 0
                self._queue.append(Fault(statuses[(i // every) % len(statuses)]) if fails else None)

    def next(self) -> Fault | None:
        with self._lock:
            return self._queue.pop(0) if self._queue else None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()


@dataclass
class LoggedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    kind: str  # read, write, drive
    user: str
    at: float
    bytes_in: int
    status: int = 0
    bytes_out: int = 0  # on the wire: gzip-compressed when the caller asked for gzip
    json_out: int = 0  # the answer's JSON before compression


@dataclass
class RequestLog:
    entries: list[LoggedRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self.entries.append(entry)

    def count(self, kind: str | None = None) -> int:
        with self._lock:
            return sum(1 for e in self.entries if kind is None or e.kind == kind)

    def summary(self) -> dict[str, Any]:
        with self._lock:
            entries = list(self.entries)
        return {
            "requests": len(entries),
            "reads": sum(1 for e in entries if e.kind == "read"),
            "writes": sum(1 for e in entries if e.kind == "write"),
            "drive": sum(1 for e in entries if e.kind == "drive"),
            "bytes_in": sum(e.bytes_in for e in entries),
            "bytes_out": sum(e.bytes_out for e in entries),
            "json_out": sum(e.json_out for e in entries),
            "statuses": sorted({e.status for e in entries}),
            "paths": [f"{e.method} {e.path}" for e in entries],
        }

    def clear(self) -> None:
        with self._lock:
            self.entries.clear()


Action = Callable[[Any], None]


@dataclass
class Hook:
    method: str | None
    path_contains: str
    action: Action
    times: int
    skip: int = 0


class Hooks:
    """Run an action (a person's edit) when a matching request arrives, before it is served."""

    def __init__(self) -> None:
        self._hooks: list[Hook] = []
        self._lock = threading.Lock()

    def add(
        self,
        path_contains: str,
        action: Action,
        *,
        method: str | None = None,
        times: int = 1,
        skip: int = 0,
    ) -> None:
        with self._lock:
            self._hooks.append(
                Hook(method and method.upper(), path_contains, action, times, skip)
            )

    def due(self, method: str, path: str) -> list[Action]:
        with self._lock:
            fired = []
            for hook in self._hooks:
                if hook.times and hook.path_contains in path and hook.method in (None, method):
                    if hook.skip:
                        hook.skip -= 1
                        continue
                    hook.times -= 1
                    fired.append(hook.action)
            self._hooks = [h for h in self._hooks if h.times]
            return fired

    def clear(self) -> None:
        with self._lock:
            self._hooks.clear()
