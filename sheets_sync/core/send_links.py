"""One click to send (SPEC §2): the link a Today or Greetings row carries, which opens the drafted
message ready to send in the app the contact uses. Only URLs are built here, every part
percent-encoded; the stores write them as cell hyperlinks, never as a formula."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

# The apps a Preferred channel (or a country's usual app) may name; "wechat" has no public link
# that carries a drafted text, so it falls back to SMS.
APPS = ("call", "sms", "whatsapp", "line", "wechat", "email")
_SHOWN = {"call": "Call", "sms": "SMS", "whatsapp": "WhatsApp", "line": "LINE",
          "email": "E-mail"}
# What the Send cell says in the workbook's language (app names are names, and stay).
_WORDS = {
    "zh": {"Call": "拨打", "SMS": "短信", "E-mail": "邮件"},
    "zh-Hant": {"Call": "撥打", "SMS": "簡訊", "E-mail": "郵件"},
    "ja": {"Call": "電話", "SMS": "SMS", "E-mail": "メール"},
    "ms": {"Call": "Panggil", "SMS": "SMS", "E-mail": "E-mel"},
}


def shown_in(text: str, lang: str) -> str:
    """A Send cell's text in the workbook language `lang`."""
    return _WORDS.get(lang, {}).get(text, text)
_MESSAGE_CHANNELS = ("sms", "whatsapp", "line", "wechat")


@dataclass(frozen=True)
class SendLink:
    """What the Send cell shows and the URL it opens."""

    text: str
    url: str


def _encode(text: str) -> str:
    # Nothing is left unescaped but unreserved characters: "&", "=", "#" and "+" in a message
    # must not end or change the query.
    return quote(text, safe="")


def send_link(channel: str, phone: str | None, email: str | None, message: str,
              subject: str = "", app: str = "") -> SendLink | None:
    """The link for a touch by `channel` (the rule's: call, sms, email, visit …), sent through
    `app` where the contact prefers or the country uses one (whatsapp, line, sms …). None when
    the contact cannot be reached that way (no phone for a call, no e-mail for a mail)."""
    channel = channel.strip().lower()
    app = app.strip().lower()
    if channel == "email" or (app == "email" and channel not in ("call", "visit")):
        if email:
            query = []
            if subject:
                query.append(f"subject={_encode(subject)}")
            query.append(f"body={_encode(message)}")
            return SendLink(_SHOWN["email"], f"mailto:{email}?{'&'.join(query)}")
        if channel == "email":
            return None
    if not phone:
        return None
    digits = phone.lstrip("+")
    if channel in ("call", "visit", "event", "gift") or (channel == "sms" and app == "call"):
        return SendLink(_SHOWN["call"], f"tel:+{digits}")
    if channel == "note":
        return None
    if app == "whatsapp":
        return SendLink(_SHOWN["whatsapp"], f"https://wa.me/{digits}?text={_encode(message)}")
    if app == "line":
        return SendLink(_SHOWN["line"], f"https://line.me/R/share?text={_encode(message)}")
    return SendLink(_SHOWN["sms"], f"sms:+{digits}?body={_encode(message)}")


def app_for(preferred: str, country: str, apps_by_country: Mapping[str, str]) -> str:
    """The app a message goes by: the contact's Preferred channel, else the country's usual one
    (`today.message_apps`), else plain SMS."""
    if preferred in APPS:
        return preferred
    return apps_by_country.get(country, "sms")
