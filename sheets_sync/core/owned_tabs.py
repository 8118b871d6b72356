"""Which tabs are the tool's: by the mark each store keeps, never by a tab's name alone.

A person may have a tab called "Today", "Kalendar" or "問題" of their own. Every store keeps a
mark naming the tabs the tool wrote (the Excel store a custom document property per tab, the
Google store developer metadata on the tab, the memory store a dict); only a tab the mark names
is rewritten. A workbook without any mark (synced before the mark existed) has its tabs adopted
when a tab named like an owned tab starts with exactly the header row the tool writes there.
A person's tab whose name clashes is kept, and the tool's tab takes the name with " (sheets-sync)"
added.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sheets_sync.core.model import Issue
from sheets_sync.core.vocabulary import LANGS, TABS, label, normalise

# The tabs the tool rewrites whole on every sync (Themes and a created Interactions tab are the
# person's once they exist).
OWNED_TAB_KEYS = ("today", "calendar", "metrics", "metrics_history", "referrals", "issues")
MARK = "sheets-sync.owned-tab"  # the prefix of every store's mark
CLASH_SUFFIX = " (sheets-sync)"
MAX_TAB_NAME = 31  # Excel's limit on a tab name
_CLASH_SUFFIX = re.compile(r"\s*\(sheets-sync(?: \d+)?\)$")


def tool_header_rows(key: str) -> list[tuple[str, ...]]:
    """The header row the tool writes on tab `key`, folded, one per language (for Metrics
    history only its first two columns: the person's own columns may follow)."""
    # Imported here: the tab builders import the table helpers this module serves.
    from sheets_sync.core.calendar_plan import CALENDAR_COLUMNS, CALENDAR_KEYS
    from sheets_sync.core.metrics_catalogue import HISTORY_KEYS, METRIC_NAMES, TAB_LABELS
    from sheets_sync.core.metrics_layout import metric_headers
    from sheets_sync.core.plan import issues_tab
    from sheets_sync.core.referrals import localized, referrals_tab
    from sheets_sync.core.today import today_tab

    rows: list[list[str]] = []
    for lang in LANGS:
        if key == "today":
            rows.append(today_tab([], lang).headers)
        elif key == "issues":
            rows.append(issues_tab([], lang).headers)
        elif key == "referrals":
            rows.append(referrals_tab([], lang).headers)
        elif key == "calendar":
            rows.append([localized(CALENDAR_COLUMNS[k], lang) for k in CALENDAR_KEYS])
        elif key == "metrics":
            rows.append(metric_headers(lang))
        elif key == "metrics_history":
            rows.append([localized(TAB_LABELS["date"], lang),
                         localized(METRIC_NAMES[HISTORY_KEYS[0]], lang)])
    return [tuple(normalise(h) for h in row) for row in rows]


def has_tool_header(key: str, grid: Sequence[Sequence[Any]]) -> bool:
    """Whether the tab's first row is exactly the tool's header row for `key`."""
    if not grid:
        return False
    first = [normalise(v) if isinstance(v, str) else ("" if v is None else "\x00")
             for v in grid[0]]
    while first and first[-1] == "":
        first.pop()
    for row in tool_header_rows(key):
        if key == "metrics_history":
            if tuple(first[: len(row)]) == row:
                return True
        elif tuple(first) == row:
            return True
    return False


def owned_tab_keys(
    names: Sequence[str],
    mark: Mapping[str, str] | None,
    grid_of: Callable[[str], Sequence[Sequence[Any]]],
) -> dict[str, str]:
    """Owned tab key -> the tab that is the tool's, from the store's mark (tab name -> key), or
    without a mark (None) by name and the tool's own header row."""
    from sheets_sync.core.tables import tab_key

    found: dict[str, str] = {}
    if mark is not None:
        for name in names:
            key = mark.get(name)
            if key in OWNED_TAB_KEYS and key not in found:
                found[key] = name
        return found
    for name in names:
        # A tab renamed for a clash counts too: a program that drops the mark on saving must
        # not make the tool add "Today (sheets-sync 2)" beside its own.
        key = tab_key(name) or tab_key(_CLASH_SUFFIX.sub("", name))
        if key in OWNED_TAB_KEYS and key not in found and has_tool_header(key, grid_of(name)):
            found[key] = name
    return found


def owned_tab_name(key: str, lang: str, tab_keys: Mapping[str, str], tab_names: Sequence[str],
                   also_taken: Sequence[str] = ()) -> str:
    """The name the tool's tab `key` has or takes: the one it already has, else its label in
    `lang`, with " (sheets-sync)" (then a number) added when a person's tab already has that
    name in any case or spacing."""
    if key in tab_keys:
        return tab_keys[key]
    base = label(TABS[key], lang)
    taken = {normalise(n) for n in [*tab_names, *also_taken]}
    name, number = base, 1
    while normalise(name) in taken:
        suffix = CLASH_SUFFIX if number == 1 else f" (sheets-sync {number})"
        name = base[: MAX_TAB_NAME - len(suffix)] + suffix
        number += 1
    return name


def mark_after(tab_keys: Mapping[str, str], written: Mapping[str, str]) -> dict[str, str]:
    """The mark a store keeps after a sync (tab name -> key): the owned tabs it had and those
    it wrote now (`written`: key -> tab name, create-only tabs left out by the caller)."""
    mark = {name: key for key, name in tab_keys.items() if key in OWNED_TAB_KEYS}
    for key, name in written.items():
        if key in OWNED_TAB_KEYS:
            mark = {n: k for n, k in mark.items() if k != key}
            mark[name] = key
    return dict(sorted(mark.items(), key=lambda item: OWNED_TAB_KEYS.index(item[1])))


def clash_issues(tab_names: Mapping[str, str], existing: Sequence[str], lang: str) -> list[Issue]:
    """One Issues row per owned tab written under another name because a person's tab has its
    name (`tab_names`: key -> the name used)."""
    issues = []
    for key, name in tab_names.items():
        if key not in OWNED_TAB_KEYS:
            continue
        base = normalise(label(TABS[key], lang))
        theirs = next((n for n in existing if normalise(n) == base and n != name), None)
        if theirs is not None and normalise(name) != base:
            issues.append(Issue(
                theirs, None, "", "",
                f"This tab is yours, so the tool writes its own {label(TABS[key], 'en')} tab "
                f"as '{name}'",
                "nothing to do: your tab is never changed",
            ))
    return issues
