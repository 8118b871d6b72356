"""Which Google identity a sync uses. Only the spreadsheets scope is ever asked for.

In order: `[google] credentials_file` of the book's config, then GOOGLE_APPLICATION_CREDENTIALS
(each a service-account key file, or a person's token file), then the token `sheets-sync auth
--login` cached for this user. With SHEETS_SYNC_GOOGLE_API pointing at another endpoint (a local
test server or a proxy) and none of those, requests go without credentials. No message, log line
or error ever includes a key or a token: only file paths and the account's e-mail.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.auth.credentials import AnonymousCredentials, Credentials

from sheets_sync.errors import UserError

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
API_ENV = "SHEETS_SYNC_GOOGLE_API"
CREDENTIALS_ENV = "GOOGLE_APPLICATION_CREDENTIALS"


class CredentialError(UserError):
    """No usable Google identity (exit 2): what is wrong and how to set one up."""


@dataclass(frozen=True)
class Identity:
    credentials: Credentials
    description: str  # "service account x@y.iam.gserviceaccount.com", for messages
    email: str | None  # whom to share the sheet with, when known


def token_file() -> Path:
    """The person's cached OAuth token (`sheets-sync auth --login`)."""
    if sys.platform == "win32":
        base = os.environ.get("APPDATA") or str(Path.home() / "AppData" / "Roaming")
    else:
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "sheets-sync" / "google-token.json"


def api_base() -> str | None:
    """Another Sheets API v4 endpoint, e.g. http://127.0.0.1:8123, or None for Google's."""
    value = os.environ.get(API_ENV, "").strip().rstrip("/")
    return value or None


def load_identity(credentials_file: str | Path | None) -> Identity:
    for source in (credentials_file, os.environ.get(CREDENTIALS_ENV)):
        if source:
            return _from_file(Path(source).expanduser())
    cached = token_file()
    if cached.is_file():
        return _from_file(cached)
    if api_base():
        return Identity(AnonymousCredentials(), "no credentials (local endpoint)", None)
    raise CredentialError(
        "no Google credentials",
        f"set [google] credentials_file to a service-account key file (or {CREDENTIALS_ENV}), "
        "or run `sheets-sync auth --login CLIENT_SECRET.json` once",
    )


def _from_file(path: Path) -> Identity:
    try:
        info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CredentialError(f"Google credentials file not found: {path}",
                              "check the path in [google] credentials_file or "
                              f"{CREDENTIALS_ENV}") from None
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not JSON"
        raise CredentialError(f"cannot read Google credentials file {path} ({reason})",
                              "download the key file again") from None
    kind = info.get("type") if isinstance(info, dict) else None
    try:
        if kind == "service_account":
            from google.oauth2 import service_account

            creds = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
            email = str(info.get("client_email", "")) or None
            return Identity(creds, f"service account {email}", email)
        if kind == "authorized_user" or (isinstance(info, dict) and "refresh_token" in info):
            from google.oauth2.credentials import Credentials as UserCredentials

            creds = UserCredentials.from_authorized_user_info(info, scopes=SCOPES)
            return Identity(creds, f"the Google account of token {path.name}", None)
    except (ValueError, KeyError):
        pass
    raise CredentialError(
        f"{path} is not a service-account key or a saved Google token",
        "in Google Cloud Console create a service account key (JSON) and point "
        "[google] credentials_file at it",
    )


def login(client_secrets: Path) -> Path:
    """Run the installed-app OAuth flow in the browser and cache the token for this user."""
    from google_auth_oauthlib.flow import InstalledAppFlow

    if not client_secrets.is_file():
        raise CredentialError(f"OAuth client file not found: {client_secrets}",
                              "download it from Google Cloud Console (APIs & Services > "
                              "Credentials > OAuth client ID > Desktop app)")
    flow = InstalledAppFlow.from_client_secrets_file(str(client_secrets), SCOPES)
    creds = flow.run_local_server(port=0, open_browser=True)
    target = token_file()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # a secret: owner only
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(creds.to_json())
    return target
