"""Message templates (templates/<lang>.toml) and their rendering (SPEC §4: "Every Today row
carries a message drafted from the template in the contact's language, personalised").

A template file has these tables, each mapping a key to text:

- `[labels]`   readable touchpoint names, keyed by rule key (or template key) and optional variant
               (`drip_d7_buy`); also what a person may type in Interactions to mark a touch done;
- `[details]`  optional text shown after the label ("gift 25–50"), keyed like labels;
- `[messages]` the message drafts, keyed by template key, with variants `key_variant`;
- `[tips]`     a seasonal health tip per solar term key (seed 001 节气健康短信);
- `[words]`    small words the renderer needs ("your agent" when a contact has no Owner).

Placeholders are `{name}`-style words; `{{` and `}}` give literal braces. Only plain words are
substituted (no attribute or index access), values are flattened to one line, and a draft never
starts with a formula character (= + - @), so it stays plain text whatever was typed into the
sheet (the store escapes such text too; this keeps the draft itself clean).

Loading the files is the one piece of I/O: `load_templates()` is called once at the edge (the
sync, the CLI, a test) and the result passed to the engine.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sheets_sync.core.shipped import Traversable, parse_toml, templates_folder
from sheets_sync.core.text_safety import strip_escapes
from sheets_sync.core.vocabulary import normalise
from sheets_sync.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SECTIONS = ("labels", "details", "messages", "tips", "words")
FALLBACK_LANG = "en"

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
_FORMULA_START = "=+-@"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class Templates:
    """Every language's tables: lang -> section -> key -> text."""

    langs: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)

    def has(self, lang: str) -> bool:
        return lang in self.langs

    def pick(self, section: str, lang: str, keys: Sequence[str]) -> str | None:
        """The first of `keys` found in `section` for `lang`, else in English, else None.

        `keys` go from most to least specific (`drip_d7_buy`, `drip_d7`), so a language that
        lacks a variant still uses its own generic text before falling back to English.
        """
        for language in (lang, FALLBACK_LANG):
            table = self.langs.get(language, {}).get(section, {})
            for key in keys:
                text = table.get(key)
                if text:
                    return text
        return None


def load_templates(directory: Path | Traversable | None = None) -> Templates:
    """Read every `<lang>.toml` in `directory` (default: the shipped templates/)."""
    folder = directory or templates_folder()
    langs: dict[str, dict[str, dict[str, str]]] = {}
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    for path in files:
        try:
            data = parse_toml(path)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"Template file {path} is not valid TOML ({exc})",
                              "fix that line") from None
        langs[path.name.removesuffix(".toml")] = {
            section: {str(k): str(v) for k, v in data.get(section, {}).items()
                      if isinstance(v, str)}
            for section in SECTIONS
        }
    return Templates(langs)


@lru_cache(maxsize=1)
def default_templates() -> Templates:
    """The shipped templates, read once per process (for callers that pass none)."""
    return load_templates()


def clean_value(value: object) -> str:
    """A placeholder value as plain one-line text (line breaks and tabs become spaces)."""
    text = "" if value is None else str(value)
    # Printable text holds no escape or control character and no whitespace but the space:
    # with single spaces inside and none at the ends it is already clean (most names are).
    if (text.isprintable() and "  " not in text and not text.startswith(" ")
            and not text.endswith(" ")):
        return text
    text = strip_escapes(text)  # whole, so no "[2J" is left
    return " ".join(_CONTROL.sub(" ", text).split())


@lru_cache(maxsize=4096)
def placeholders(text: str) -> frozenset[str]:
    """The `{word}` placeholders `text` uses (a template's, so few distinct texts)."""
    return frozenset(word for word in _PLACEHOLDER.findall(text) if word)


def render(text: str, values: Mapping[str, object]) -> str:
    """Fill `{word}` placeholders from `values`. Unknown words are left visible, so a typo in a
    user-edited template shows up in the draft instead of silently vanishing."""
    if "{" not in text and "}" not in text:  # nothing to fill (most labels)
        return text.strip().lstrip(_FORMULA_START + " ")

    def substitute(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        word = match.group(1)
        if word in values:
            return clean_value(values[word])
        return token

    # Only the very start can make a cell a formula; a "-20%" inside the text is left alone.
    return _PLACEHOLDER.sub(substitute, text).strip().lstrip(_FORMULA_START + " ")


# Malaysian and Singaporean naming: a patronymic after bin/binti/a/l/a/p is not a given name,
# a leading honorific-like first word (Muhammad, Siti, Nur …) goes with the next one, and a
# romanised Chinese name starts with the surname ("Tan Wei Ming"), so it is used whole.
_PATRONYMIC = re.compile(r"\s+(?:bin|binti|bt|b\.|a/l|a/p|s/o|d/o)\s+.*$", re.IGNORECASE)
_PAIRED_FIRST = {"muhammad", "mohd", "mohamad", "mohammad", "mohamed", "md", "nur", "nurul",
                 "siti", "abdul", "wan", "nik", "syed", "sharifah", "tengku", "raja", "noor",
                 "nor", "puteri", "megat", "che"}
_SURNAMES = {"tan", "lim", "lee", "ng", "wong", "ong", "chong", "chan", "teo", "goh", "lau",
             "yap", "chua", "koh", "low", "leong", "cheng", "chin", "foo", "ho", "khoo", "kok",
             "lai", "liew", "loh", "tay", "toh", "wee", "yeo", "yong", "chew", "ang", "seah",
             "zhang", "wang", "li", "liu", "chen", "yang", "huang", "zhao", "wu", "zhou"}


def first_name(name: str, lang: str) -> str:
    """How a message greets someone. Chinese and Japanese: the whole name (short, and given
    names are not used so). Otherwise the given name — "Sarah Tan" -> "Sarah", "Siti Aminah binti
    Abdullah" -> "Siti Aminah", "Rajesh Kumar a/l Subramaniam" -> "Rajesh Kumar" — and the whole
    name when it reads surname-first ("Tan Wei Ming"), where a first word would be the surname."""
    name = clean_value(name)
    if lang in ("zh", "zh-Hant", "ja") or not name:
        return name
    given = _PATRONYMIC.sub("", name).strip() or name
    words = given.split()
    if given != name:
        return given
    if len(words) >= 3 and words[0].casefold() in _SURNAMES:
        return name
    if len(words) >= 2 and words[0].casefold() in _PAIRED_FIRST:
        return " ".join(words[:2])
    return words[0]


def label_index(templates: Templates, keys: Iterable[str]) -> dict[str, str]:
    """Normalised label (any language, any variant) -> rule key; each key also maps to itself.

    A label key belongs to the longest rule key it equals or extends with "_variant", so the
    label of `birthday_gift` stays with `birthday_gift` and `drip_d7_buy` goes to `drip_d7`.
    """
    ordered = sorted(set(keys), key=len, reverse=True)
    index: dict[str, str] = {normalise(key): key for key in ordered}
    for tables in templates.langs.values():
        for label_key, text in tables.get("labels", {}).items():
            owner = next((key for key in ordered
                          if label_key == key or label_key.startswith(key + "_")), None)
            if owner is not None:
                index.setdefault(normalise(text), owner)
    return index
