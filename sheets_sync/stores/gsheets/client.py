"""The one place where HTTP happens: real gspread over a session that may point at another
endpoint, bounded retries with jitter, one-line errors, and a count of what went over the wire.

gspread's own BackOffHTTPClient waits 2…128 s without jitter, ignores Retry-After and never gives
up, so the plain HTTPClient is used and retried here within a time budget instead.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import gspread
import requests
from google.auth.exceptions import RefreshError, TransportError
from google.auth.transport.requests import AuthorizedSession

from sheets_sync import __version__
from sheets_sync.errors import UserError
from sheets_sync.stores.gsheets.credentials import CredentialError, Identity

# Google's hosts gspread talks to (the Sheets API, and Drive for create/open by name).
GOOGLE_PREFIXES = ("https://sheets.googleapis.com", "https://www.googleapis.com")
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
T = TypeVar("T")


class SheetUnavailable(UserError):
    """Google Sheets could not be reached or refused for now (network, quota, outage): exit 6,
    nothing was written, a later run will do it."""

    exit_code = 6


@dataclass
class WireStats:
    """What one store instance sent and received: for the worker's log and the benchmark."""

    requests: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    retries: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


class EndpointSession(AuthorizedSession):
    """google-auth's session, optionally sending Google's request paths to another host."""

    def __init__(self, credentials: Any, base: str | None, stats: WireStats | None = None
                 ) -> None:
        super().__init__(credentials)
        # Google gzips an answer only when the User-Agent says "gzip" too (requests already
        # sends Accept-Encoding: gzip): the masked reads compress about tenfold.
        self.headers["User-Agent"] = f"sheets-sync/{__version__} (gzip)"
        self.base = base.rstrip("/") if base else None
        self.stats = stats if stats is not None else WireStats()

    def request(self, method: str, url: str, data: Any = None, headers: Any = None,
                **kwargs: Any) -> requests.Response:
        for prefix in GOOGLE_PREFIXES if self.base else ():
            if url.startswith(prefix):
                url = self.base + url[len(prefix):]
                break
        response = super().request(method, url, data=data, headers=headers, **kwargs)
        self.stats.requests += 1
        body = response.request.body if response.request is not None else None
        self.stats.bytes_sent += len(body) if body else 0
        # Content-Length is what crossed the wire (gzip); the content is already inflated.
        length = response.headers.get("Content-Length")
        self.stats.bytes_received += int(length) if length else len(response.content or b"")
        return response


def client_for_endpoint(base_url: str, credentials: Any = None) -> gspread.Client:
    """A plain gspread client whose every request goes to `base_url` (anonymous by default):
    for tests and trials against the local Sheets API server."""
    from google.auth.credentials import AnonymousCredentials

    session = EndpointSession(credentials or AnonymousCredentials(), base_url)
    return gspread.Client(auth=None, session=session)  # type: ignore[arg-type]


def backoff_delay(attempt: int, retry_after: float | None, rng: random.Random,
                  base: float = 1.0, cap: float = 32.0) -> float:
    """Seconds to wait before retry number `attempt` (1-based): full jitter over an exponential
    ceiling, never less than what the server asked for in Retry-After."""
    ceiling = min(cap, base * 2 ** (attempt - 1))
    delay = rng.uniform(0, ceiling)
    return max(delay, retry_after or 0.0)


class SheetsClient:
    """gspread's client for one spreadsheet, with the retry and error policy of the tool."""

    def __init__(self, identity: Identity, *, base: str | None, timeout: float,
                 budget_seconds: float, first_wait: float = 1.0,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, seed: int | None = None) -> None:
        self.identity = identity
        self.stats = WireStats()
        session = EndpointSession(identity.credentials, base, self.stats)
        self.gspread = gspread.Client(auth=None, session=session)  # type: ignore[arg-type]
        self.gspread.set_timeout(timeout)
        self.http = self.gspread.http_client
        self.budget_seconds = budget_seconds
        self.first_wait = first_wait
        self._sleep, self._clock = sleep, clock
        self._rng = random.Random(seed)

    def call(self, kind: str, what: str, request: Callable[[], T]) -> T:
        """Run one API request; retry 408/429/5xx and network errors within the budget."""
        deadline = self._clock() + self.budget_seconds
        attempt = 0
        while True:
            attempt += 1
            self.stats.by_kind[kind] = self.stats.by_kind.get(kind, 0) + 1
            try:
                return request()
            except gspread.exceptions.APIError as exc:
                status = exc.response.status_code
                if status not in RETRY_STATUSES:
                    raise self._api_error(exc, what) from None
                failure: UserError = self._api_error(exc, what)
                retry_after = _retry_after(exc.response)
            except (requests.ConnectionError, requests.Timeout, TransportError) as exc:
                failure = SheetUnavailable(
                    f"cannot reach Google Sheets ({type(exc).__name__})",
                    "check the network connection and run again")
                retry_after = None
            except RefreshError:
                raise CredentialError(
                    f"Google refused the credentials ({self.identity.description}): the token "
                    "expired or was revoked",
                    "run `sheets-sync auth --login CLIENT_SECRET.json` again, or use a "
                    "service-account key") from None
            delay = backoff_delay(attempt, retry_after, self._rng, base=self.first_wait)
            if self._clock() + delay > deadline:
                raise failure
            self.stats.retries += 1
            self._sleep(delay)

    def get_json(self, url: str, params: dict[str, Any]) -> Any:
        """A GET whose JSON numbers are all floats, as grid data gives them (one C-speed parse
        instead of a pass over every value)."""
        response = self.http.request("get", url, params=params)
        return json.loads(response.content, parse_int=float)

    def post_json(self, url: str, body: Any) -> Any:
        """A POST of compact JSON: no spaces after separators and text as UTF-8, which
        gspread's `json=` (", " and "\\uXXXX") makes about a tenth larger."""
        data = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        response = self.http.request("post", url, data=data.encode("utf-8"),
                                     headers={"Content-Type": "application/json"})
        return response.json()

    def _api_error(self, exc: gspread.exceptions.APIError, what: str) -> UserError:
        status = exc.response.status_code
        try:
            error = exc.response.json().get("error", {})
        except ValueError:
            error = {}
        message = " ".join(str(error.get("message", "")).split())[:200]
        if status == 401:
            return CredentialError(
                f"Google did not accept the credentials ({self.identity.description})",
                "check the key file, or run `sheets-sync auth --login` again")
        if status == 403 and ("has not been used" in message or "disabled" in message):
            return CredentialError(
                "the Google Sheets API is not enabled for the credentials' project",
                "enable it in Google Cloud Console (APIs & Services > Library > Google Sheets "
                "API), wait a minute and run again")
        if status == 403:
            who = self.identity.email
            return CredentialError(
                f"{what} is not shared with {who or 'this Google account'}",
                f"open the sheet, click Share and add {who} as an Editor" if who else
                "open the sheet, click Share and add the account you logged in with as Editor")
        if status == 404:
            return UserError(f"no Google Sheet found at {what}",
                             "check the address; the sheet may have been deleted or moved")
        if status == 429:
            return SheetUnavailable(
                "Google's request quota for this account is used up for now (60 reads and 60 "
                "writes a minute per user)",
                "wait a minute and run again; sync this sheet less often if it keeps happening")
        if status >= 500 or status == 408:
            return SheetUnavailable(f"Google Sheets is not answering ({status})",
                                    "nothing was written; run again later")
        return UserError(f"Google Sheets refused a request for {what} ({status}: {message})",
                         "run with --debug and report it")


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
