"""User-visible text in the book's language: locales/<lang>.toml, keyed by the English text.

The English text is the key (as a gettext msgid is), so the code keeps writing plain English
and stays readable; a text is put into another language where it is shown (the Issues tab, Row
issues, the Metrics tab, the Calendar, the report). A key with `{}` is a pattern: the values
found in their places are carried over, in the order the translation's `{0}`, `{1}` … ask for,
each itself put into the language when it is a known text or term (a circle, a column, a
channel). A text with no entry stays as it is: English is always a complete fallback.

Sections: `issues` (problems, suggestions, Row issues), `definitions`, `references` and
`advice` (metrics; advice is keyed by metric key), `values` (Lifecycle and Activity), `themes`
(calendar themes, content ideas, seasonal advice), `report` (the HTML report's labels), `terms`
(words found inside other texts).

The catalogue is package data that never changes while the program runs, read once on first
use like the tables in vocabulary.py; it is not a file a person edits per book.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from sheets_sync.core import vocabulary
from sheets_sync.core.shipped import Traversable, locales_folder, parse_toml
from sheets_sync.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SECTIONS = ("issues", "definitions", "references", "advice", "values", "themes", "report",
            "terms", "cli")
_SLOT = re.compile(r"\{(\d+)\}")
_DEPTH = 3  # a value inside a value inside a text is as deep as the core's texts nest


@dataclass(frozen=True)
class Catalogue:
    """lang -> section -> English text -> text in that language."""

    langs: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    # (lang, section) -> the section's pattern keys, compiled on first use
    _patterns: dict[tuple[str, str], list[tuple[re.Pattern[str], str]]] = field(
        default_factory=dict, compare=False, repr=False)
    # (section, English text, lang) -> the text shown: the same Issue recurs on many rows
    _shown: dict[tuple[str, str, str], str] = field(default_factory=dict, compare=False,
                                                    repr=False)

    def text(self, section: str, english: str, lang: str) -> str:
        """`english` in `lang`, or `english` itself when the catalogue has no entry."""
        if not english or lang == "en" or lang not in self.langs:
            return english
        memo = (section, english, lang)
        if memo not in self._shown:
            if len(self._shown) > 65536:  # a bound, not a policy: texts carry row numbers
                self._shown.clear()
            self._shown[memo] = self._text(section, english, lang, _DEPTH) or english
        return self._shown[memo]

    def key(self, section: str, key: str, lang: str, default: str = "") -> str:
        """The entry `key` of `section` (keyed by a name, not by English text), else English,
        else `default`."""
        for language in (lang, "en"):
            found = self.langs.get(language, {}).get(section, {}).get(key)
            if found:
                return found
        return default

    def _text(self, section: str, english: str, lang: str, depth: int) -> str | None:
        table = self.langs[lang].get(section, {})
        exact = table.get(english)
        if exact:
            return exact
        for pattern, key in self._compiled(lang, section):
            match = pattern.fullmatch(english)
            if match and table.get(key):
                values = [self._value(section, v, lang, depth - 1) for v in match.groups()]
                return _fill(table[key], values)
        return None

    def _compiled(self, lang: str, section: str) -> list[tuple[re.Pattern[str], str]]:
        """The keys of `section` that hold `{}`, as anchored patterns, longest literal text
        first (so "not a valid {} phone number" is tried before a shorter, looser key)."""
        if (lang, section) not in self._patterns:
            keys = [k for k in self.langs.get("en", {}).get(section, {}) if "{}" in k]
            keys.sort(key=lambda k: len(k.replace("{}", "")), reverse=True)
            self._patterns[lang, section] = [
                (re.compile("(.*?)".join(re.escape(part) for part in k.split("{}")), re.S), k)
                for k in keys]
        return self._patterns[lang, section]

    def _value(self, section: str, value: str, lang: str, depth: int) -> str:
        """A value found inside a text: a list of known texts or terms, a known text, a term,
        else as is. A list is tried first, so "row 3 → C1, row 4 → C2" is two items, not one
        item whose second value runs on."""
        parts = value.split(", ")
        if len(parts) > 1 and depth > 0:
            shown = [self._text(section, p, lang, depth - 1) or self._known(p, lang)
                     for p in parts]
            if all(item is not None for item in shown):
                return _LIST_SEPARATOR.get(lang, ", ").join(item or "" for item in shown)
        if depth > 0 and value:
            found = self._text(section, value, lang, depth) if section != "terms" else None
            if found:
                return found
        known = self._known(value, lang)
        return value if known is None else known

    def _known(self, value: str, lang: str) -> str | None:
        """A Lifecycle/Activity value or a term in `lang`, else None."""
        return self.langs[lang].get("values", {}).get(value) or self.term(value, lang)

    def term(self, word: str, lang: str) -> str | None:
        """A single word or name the tool writes (a circle, a column, a channel…) in `lang`."""
        found = self.langs.get(lang, {}).get("terms", {}).get(word)
        if found:
            return found
        entry = _vocabulary_terms().get(word) or _vocabulary_terms().get(word.casefold())
        return vocabulary.label(entry, lang) if entry else None


def _fill(translation: str, values: list[str]) -> str:
    """`translation` with {0}, {1} … replaced by the values found in the English text."""
    return _SLOT.sub(lambda m: values[int(m[1])] if int(m[1]) < len(values) else m[0],
                     translation)


_LIST_SEPARATOR = {"zh": "、", "zh-Hant": "、", "ja": "、"}


@functools.lru_cache(maxsize=1)
def _vocabulary_terms() -> dict[str, Mapping[str, tuple[str, ...]]]:
    """English labels of the vocabulary (columns, circles, stages…) -> their entry."""
    terms: dict[str, Mapping[str, tuple[str, ...]]] = {}
    tables = (vocabulary.CIRCLES, vocabulary.STAGES, vocabulary.LOST_REASONS,
              vocabulary.CONTACT_COLUMNS, vocabulary.OWNED_COLUMNS, vocabulary.INTERACTION_COLUMNS,
              vocabulary.TRANSACTION_COLUMNS, vocabulary.TABS, vocabulary.SIDES,
              vocabulary.SOURCES)
    for table in tables:
        for entry in table.values():
            english = entry["en"][0]
            terms.setdefault(english, entry)
            terms.setdefault(english.casefold(), entry)
    return terms


def load_catalogue(directory: Traversable | None = None) -> Catalogue:
    """Every `<lang>.toml` of `directory` (default: the shipped locales/)."""
    files = _catalogue_files(directory or locales_folder())
    return Catalogue({lang: _read_language(path) for lang, path in files.items()})


def _catalogue_files(folder: Traversable) -> dict[str, Traversable]:
    return {path.name[: -len(".toml")]: path
            for path in sorted(folder.iterdir(), key=lambda f: f.name)
            if path.name.endswith(".toml")}


def _read_language(path: Traversable) -> dict[str, dict[str, str]]:
    try:
        data = parse_toml(path)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path.name}: {exc}", "fix the TOML syntax") from None
    return {section: {str(k): str(v) for k, v in data.get(section, {}).items()}
            for section in SECTIONS}


class _LanguagesOnDemand(Mapping[str, Mapping[str, Mapping[str, str]]]):
    """lang -> its sections, each `<lang>.toml` read the first time that language is asked
    for: an English book needs en.toml at most, not the five files (a tenth of a small sync)."""

    def __init__(self, files: Mapping[str, Traversable]) -> None:
        self._files = dict(files)
        self._read: dict[str, Mapping[str, Mapping[str, str]]] = {}

    def __getitem__(self, lang: str) -> Mapping[str, Mapping[str, str]]:
        if lang not in self._read:
            self._read[lang] = _read_language(self._files[lang])
        return self._read[lang]

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, lang: object) -> bool:
        return lang in self._files


@functools.lru_cache(maxsize=1)
def shipped_catalogue() -> Catalogue:
    """The shipped catalogue: its languages are read once each, on first use."""
    return Catalogue(_LanguagesOnDemand(_catalogue_files(locales_folder())))


def text(section: str, english: str, lang: str) -> str:
    """`english` in `lang` from the shipped catalogue (see Catalogue.text)."""
    if lang == "en":  # English is the key: an English book never needs the catalogue read
        return english
    return shipped_catalogue().text(section, english, lang)
