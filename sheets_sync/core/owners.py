"""Owner names: one agent however their name is typed ("mei ling", "MeiLing", "Mei Ling").

Names are matched after folding case, spaces, dashes and width (vocabulary.normalise); the
spelling most rows use is the one shown (on Today, in Metrics, in `today --owner`), and each
row spelt otherwise is an Issue suggesting it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from sheets_sync.core.vocabulary import normalise


def owner_key(name: str) -> str:
    """What two spellings of one owner have in common."""
    return normalise(name)


def _looks(spelling: str) -> tuple[int, int]:
    """Ties go to the spelling that looks most like a written name: capitals, then spaces."""
    words = spelling.split()
    return sum(1 for w in words if w[:1].isupper()), len(words)


def owner_spellings(names: Iterable[str]) -> dict[str, str]:
    """owner_key -> the spelling shown: the most common, ties broken by `_looks`, then by the
    first seen."""
    # Each spelling is counted in C, then folded once: a book has a few spellings of a few
    # owners, and 100,000 rows.
    counts: dict[str, dict[str, int]] = {}
    for name, count in Counter(names).items():  # first seen first
        if name:
            counts.setdefault(owner_key(name), {})[name] = count
    shown = {}
    for key, spellings in counts.items():
        order = list(spellings)  # first seen first
        shown[key] = max(order, key=lambda s: (spellings[s], *_looks(s), -order.index(s)))
    return shown


def match_owners(query: str, owners: Sequence[str]) -> list[str]:
    """The owners `query` means: the one it spells (any case or spacing), else every owner whose
    name, or a word of it, starts with it ("mei" -> "Mei Ling", "ling" -> "Mei Ling")."""
    wanted = owner_key(query)
    if not wanted:
        return list(owners)
    exact = [o for o in owners if owner_key(o) == wanted]
    if exact:
        return exact
    return [o for o in owners
            if owner_key(o).startswith(wanted)
            or any(owner_key(word).startswith(wanted) for word in o.split())]
