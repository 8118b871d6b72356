"""The HTML report: self-contained, and it loads in a real browser with no console error."""

from __future__ import annotations

import base64
import json
import os
import re
import socket
import struct
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from sheets_sync.config import load_config
from sheets_sync.core.metrics import compute_metrics
from sheets_sync.core.metrics_breakdowns import compute_breakdowns
from sheets_sync.core.metrics_catalogue import DAYS
from sheets_sync.core.metrics_history import merge_history
from sheets_sync.core.model import Book, Classification, Contact, Interaction, Table, Transaction
from sheets_sync.core.referrals import compute_referrals
from sheets_sync.report import format_value, render_report, svg_bar_chart, svg_line_chart

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
TODAY = date(2025, 6, 30)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="/usr/bin/chromium is not installed "
                                           "(apt-get install -y chromium)")


def make_config() -> dict[str, Any]:
    return load_config()


def sample() -> tuple[Book, dict[int, Classification]]:
    contacts = [
        Contact(row=2, id="C1", name="Alice Tan", owner="Ann", circle="Advocate", nps=10),
        Contact(row=3, id="C2", name="王伟 <b>", owner="Ann", circle="Network", nps=9,
                referred_by="C1"),
        Contact(row=4, id="C3", name="Chen", owner="Ben", nps=4, referred_by="C2"),
        Contact(row=5, id="C4", name="Dana", owner="Ben", referred_by="C1"),
    ]
    transactions = [
        Transaction(row=2, contact_id="C1", closing_date=date(2021, 5, 1), commission=9_000,
                    source="portal"),
        Transaction(row=3, contact_id="C1", closing_date=date(2024, 5, 1), commission=11_000,
                    source="past client"),
        Transaction(row=4, contact_id="C2", closing_date=date(2025, 1, 10), commission=7_000,
                    source="referral"),
    ]
    interactions = [Interaction(row=2, date=date(2025, 6, 1), contact_id="C1", channel="call",
                                outcome="satisfied")]
    classes = {"c1": Classification("A", "Client", "Active", 10, 0.9),
               "c2": Classification("B", "Client", "Cooling", 40, 0.7),
               "c3": Classification("C", "Prospect", "Dormant", None, 0.3),
               "c4": Classification("C", "Prospect", "Silent", 100, 0.5)}
    return Book(contacts, interactions, transactions), classes


def render(title: str = "Team meeting — June 2025", lang: str = "en") -> str:
    book, classes = sample()
    config = make_config()
    metrics = compute_metrics(book, classes, TODAY, config)
    history_rows = [(n + 2, [TODAY - timedelta(days=7 * (5 - n)), 0.2 + 0.01 * n, None, None,
                             None, None, None, 20.0 + 5 * n]) for n in range(5)]
    previous = Table("Metrics history", 1,
                     ["Date", "Repeat client rate", "a", "b", "c", "d", "e", "NPS"], history_rows)
    history = merge_history(previous, TODAY, metrics)
    return render_report(metrics, compute_breakdowns(book, classes, TODAY, config),
                         compute_referrals(book, classes, TODAY, config), history, title,
                         lang=lang, currency="RM")


def test_report_is_self_contained():
    page = render()
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert not re.search(r"(https?:)?//[a-z0-9]", page, re.IGNORECASE)  # no external URL
    assert "<svg" in page and "<polyline" in page
    assert "Team meeting — June 2025" in page
    assert "王伟 &lt;b&gt;" in page  # names are escaped
    assert "Repeat client rate" in page and "Clients with ≥ 2 transactions" in page
    assert 'class="badge below"' in page  # NPS 33 < 50
    assert "RM" in page


def test_report_in_chinese():
    page = render("团队例会", lang="zh")
    assert '<html lang="zh">' in page and "回头客比例" in page and "转介绍" in page


def test_report_with_nothing_yet():
    config = make_config()
    metrics = compute_metrics(Book([], [], []), {}, TODAY, config)
    page = render_report(metrics, compute_breakdowns(Book([], [], []), {}, TODAY, config), [],
                         None, "Empty")
    assert "no data yet" in page and "<script" not in page


@pytest.mark.slow
def test_svg_charts_handle_gaps_and_single_points():
    one = svg_line_chart([(TODAY, 0.3)], "One", "percent")
    assert "<circle" in one and "<polyline" not in one
    gap = svg_line_chart([(TODAY - timedelta(days=2), 1.0), (TODAY - timedelta(days=1), None),
                          (TODAY, 2.0)], "Gap", "number")
    assert gap.count("<circle") == 2 and "<polyline" not in gap
    assert svg_bar_chart([], "None").count("no data yet") == 1
    assert svg_bar_chart([("A", 3), ("B", 0)], "Bars").count("<rect") == 2


# ---------------------------------------------------------------------------------------------
# Headless Chromium.

BASE_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def screenshot_with_console_log(page: Path, png: Path, profile: Path) -> list[str]:
    """Screenshot `page` with the Chromium command line; return the console lines it logged.

    The report has no script, so any console line at all (errors included) is a problem.
    """
    result = subprocess.run(
        [str(CHROMIUM), *BASE_FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
         "--window-size=1200,1600", "--enable-logging=stderr", "--v=0", page.as_uri()],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr[-2000:]
    return [line for line in result.stderr.splitlines() if ":CONSOLE" in line]


class _WebSocket:
    """Just enough of RFC 6455 to talk to the DevTools protocol on the loopback address."""

    def __init__(self, url: str) -> None:
        parts = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {parts.path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n"
                           "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
                          .encode())
        buffer = b""
        while b"\r\n\r\n" not in buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("DevTools closed the connection during the handshake")
            buffer += chunk
        head, self.buffer = buffer.split(b"\r\n\r\n", 1)
        assert b" 101 " in head.split(b"\r\n")[0], head

    def send(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode()
        header = bytearray([0x81])
        if len(data) < 126:
            header.append(0x80 | len(data))
        elif len(data) < 65536:
            header += bytes([0x80 | 126]) + struct.pack(">H", len(data))
        else:
            header += bytes([0x80 | 127]) + struct.pack(">Q", len(data))
        mask = os.urandom(4)
        self.sock.sendall(bytes(header) + mask + bytes(b ^ mask[i % 4]
                                                       for i, b in enumerate(data)))

    def _read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            self.buffer += chunk
        out, self.buffer = self.buffer[:n], self.buffer[n:]
        return out

    def recv(self) -> dict[str, Any]:
        message = b""
        while True:
            first, second = self._read(2)
            length = second & 0x7F
            if length == 126:
                length = struct.unpack(">H", self._read(2))[0]
            elif length == 127:
                length = struct.unpack(">Q", self._read(8))[0]
            mask = self._read(4) if second & 0x80 else b""
            payload = self._read(length)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            opcode = first & 0x0F
            if opcode == 0x8:
                raise ConnectionError("DevTools closed the connection")
            if opcode in (0x9, 0xA):
                continue  # ping / pong
            message += payload
            if first & 0x80:
                return json.loads(message)

    def close(self) -> None:
        self.sock.close()


def load_with_devtools(page: Path, png: Path, profile: Path) -> list[str]:
    """Open `page` over the DevTools protocol; return every error it reports, save a screenshot.

    Errors: console.error / assert calls, uncaught exceptions, error log entries (failed loads,
    blocked resources …), failed network requests and any request leaving file:// or data:.
    """
    proc = subprocess.Popen(
        [str(CHROMIUM), *BASE_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
         "--remote-debugging-address=127.0.0.1", "--window-size=1200,1600", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    try:
        assert proc.stderr is not None
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line and proc.poll() is not None:
                break
            found = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            if found:
                port = int(found.group(1))
        assert port, "Chromium did not open its DevTools port"
        # Keep draining stderr so Chromium never blocks on a full pipe.
        threading.Thread(target=proc.stderr.read, daemon=True).start()
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"http://127.0.0.1:{port}/json/list", timeout=30) as response:
            targets = json.load(response)
        target = next(t for t in targets if t.get("type") == "page")
        ws = _WebSocket(target["webSocketDebuggerUrl"])
        errors: list[str] = []
        try:
            for n, method in enumerate(("Runtime.enable", "Log.enable", "Network.enable",
                                        "Page.enable"), start=1):
                ws.send({"id": n, "method": method})
            # Navigate only once every domain is on: a small file can load before a late
            # Page.enable, and its load event would never be reported.
            pending = {1, 2, 3, 4}
            while pending:
                pending.discard(ws.recv().get("id"))
            ws.send({"id": 10, "method": "Page.navigate", "params": {"url": page.as_uri()}})
            loaded = shot = False
            seen: list[str] = []
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                try:
                    message = ws.recv()
                except TimeoutError:
                    pytest.fail(f"DevTools went quiet; messages so far: {seen[-40:]}")
                method = message.get("method")
                params = message.get("params", {})
                seen.append(method or f"id {message.get('id')}")
                if method == "Runtime.consoleAPICalled" and params.get("type") in ("error",
                                                                                    "assert"):
                    errors.append("console: " + json.dumps(params.get("args"))[:300])
                elif method == "Runtime.exceptionThrown":
                    errors.append("exception: " + json.dumps(params)[:300])
                elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                    errors.append("log: " + params["entry"].get("text", "")[:300])
                elif method == "Network.loadingFailed":
                    errors.append("network: " + params.get("errorText", ""))
                elif method == "Network.requestWillBeSent":
                    url = params["request"]["url"]
                    if not url.startswith(("file:", "data:", "about:")):
                        errors.append("external request: " + url)
                elif method in ("Page.loadEventFired", "Page.frameStoppedLoading"):
                    # Make sure it is our page that finished loading, not the first about:blank.
                    ws.send({"id": 12, "method": "Runtime.evaluate", "params": {
                        "expression": "document.URL + ' ' + document.readyState",
                        "returnByValue": True}})
                if message.get("id") == 10:
                    if "error" in message or message.get("result", {}).get("errorText"):
                        pytest.fail(f"navigation failed: {message}")
                elif message.get("id") == 12:
                    state = message.get("result", {}).get("result", {}).get("value", "")
                    if state == f"{page.as_uri()} complete" and not shot:
                        loaded = shot = True
                        ws.send({"id": 11, "method": "Page.captureScreenshot",
                                 "params": {"format": "png"}})
                elif message.get("id") == 11:
                    png.write_bytes(base64.b64decode(message["result"]["data"]))
                    break
            assert loaded, f"the page never finished loading; messages: {seen[-40:]}"
        finally:
            ws.close()
        return errors
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.slow
@needs_chromium
def test_report_loads_in_chromium_without_console_errors(tmp_path):
    page = tmp_path / "report.html"
    page.write_text(render(), encoding="utf-8")
    png = tmp_path / "report.png"
    console = screenshot_with_console_log(page, png, tmp_path / "profile-cli")
    assert console == []
    assert png.read_bytes().startswith(PNG_SIGNATURE) and png.stat().st_size > 20_000
    shot = tmp_path / "report-devtools.png"
    assert load_with_devtools(page, shot, tmp_path / "profile-cdp") == []
    assert shot.read_bytes().startswith(PNG_SIGNATURE)


@pytest.mark.slow
@needs_chromium
def test_the_console_check_catches_errors(tmp_path):
    """The two checks above are not vacuous: a broken page fails both."""
    page = tmp_path / "broken.html"
    page.write_text('<!DOCTYPE html><html><body><img src="missing.png">'
                    '<script>console.error("boom")</script></body></html>', encoding="utf-8")
    console = screenshot_with_console_log(page, tmp_path / "b.png", tmp_path / "profile-cli")
    assert any("boom" in line for line in console)
    errors = load_with_devtools(page, tmp_path / "b2.png", tmp_path / "profile-cdp")
    assert any("boom" in e for e in errors)
    assert any("missing.png" in e or "ERR_FILE_NOT_FOUND" in e for e in errors)



def test_days_and_an_empty_chart_are_said_in_the_reports_language():
    assert format_value(910, DAYS, lang="zh") == "910 天"
    assert format_value(910, DAYS, lang="ja") == "910日"
    assert format_value(910, DAYS) == "910 days"
    config = make_config()
    metrics = compute_metrics(Book([], [], []), {}, TODAY, config)
    page = render_report(metrics, compute_breakdowns(Book([], [], []), {}, TODAY, config), [],
                         None, "空", lang="zh")
    assert "暂无数据" in page and "no data yet" not in page and " days<" not in page
