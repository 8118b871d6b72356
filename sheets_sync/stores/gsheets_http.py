"""Where gspread's HTTP goes: Google, or another Sheets API endpoint named by the environment.

gspread copies its URL constants at import, so the endpoint is changed at the session: the
session's request() rewrites the Google host prefixes to the configured base URL.
SHEETS_SYNC_GOOGLE_API=http://127.0.0.1:PORT points every Sheets and Drive call there.
"""

from __future__ import annotations

import os
from typing import Any

import gspread
from google.auth.credentials import AnonymousCredentials, Credentials
from google.auth.transport.requests import AuthorizedSession

ENDPOINT_ENV = "SHEETS_SYNC_GOOGLE_API"
GOOGLE_PREFIXES = ("https://sheets.googleapis.com", "https://www.googleapis.com")


class EndpointSession(AuthorizedSession):
    """An AuthorizedSession whose Google URLs are sent to `base_url` instead."""

    def __init__(self, base_url: str, credentials: Credentials | None = None) -> None:
        super().__init__(credentials or AnonymousCredentials())
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        for prefix in GOOGLE_PREFIXES:
            if url.startswith(prefix):
                url = self.base_url + url[len(prefix) :]
                break
        return super().request(method, url, *args, **kwargs)


def endpoint_from_env() -> str | None:
    """The configured base URL, or None for Google itself."""
    value = os.environ.get(ENDPOINT_ENV, "").strip()
    return value or None


def client_for_endpoint(base_url: str, credentials: Credentials | None = None) -> gspread.Client:
    """A gspread client whose every request goes to base_url (unauthenticated by default)."""
    return gspread.Client(auth=None, session=EndpointSession(base_url, credentials))
