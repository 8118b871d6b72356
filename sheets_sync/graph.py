"""A picture of the referral network (seed 001 "业主关系网状图", SPEC §7): who referred whom.

`draw_referral_graph` writes one PNG with matplotlib's Agg renderer (no display needed, and no
global backend switch: it draws on a bare Figure). The layout is a layered tree written here, no
graph library: each referral chain reads top-down, referrers above the people they sent, one
connected group beside the next. A node's area grows with its influence (referrals.py: downstream
contacts + downstream commission ÷ the configured unit; without Referrer data, downstream contacts).
Edges that point back up a chain — a referral cycle — are drawn dashed and curved.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sheets_sync.core.model import Book
from sheets_sync.core.referrals import (
    Referrer,
    closed_ids,
    contacts_by_id,
    downstream_of,
    referral_edges,
)

if TYPE_CHECKING:  # matplotlib is imported only when a picture is drawn
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Fonts tried, in order, for names in Chinese or Japanese; the first installed one is used as a
# fallback behind DejaVu Sans (matplotlib ≥ 3.6 falls back glyph by glyph).
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "WenQuanYi Zen Hei",
             "WenQuanYi Micro Hei", "Droid Sans Fallback", "AR PL UMing CN", "IPAGothic",
             "TakaoGothic")
# Their usual file names: a font installed after matplotlib built its font cache is not in the
# cache, so it is looked for among the system's font files and registered.
CJK_FONT_FILES = ("notosanscjk", "notoserifcjk", "wqy-zenhei", "wqy-microhei",
                  "droidsansfallback", "uming", "ipag", "takaopgothic")
FONT_PACKAGE = "fonts-noto-cjk"
MAX_LABELS = 150  # beyond this many nodes only the most influential are named, to stay legible
MAX_ARROWS = 400  # beyond this many referrals, edges are plain lines (drawn in one go)


Position = tuple[float, float]


def _neighbours(edges: Mapping[str, set[str]]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Per node: who referred it (incoming), and everyone it is linked to either way."""
    nodes = set(edges) | {n for targets in edges.values() for n in targets}
    incoming: dict[str, set[str]] = {n: set() for n in nodes}
    undirected: dict[str, set[str]] = {n: set() for n in nodes}
    for src, targets in edges.items():
        for dst in targets:
            incoming[dst].add(src)
            undirected[src].add(dst)
            undirected[dst].add(src)
    return incoming, undirected


def _components(undirected: Mapping[str, set[str]]) -> list[list[str]]:
    """The connected groups, biggest first (ties by smallest ID); each in breadth-first order."""
    components: list[list[str]] = []
    seen: set[str] = set()
    for start in sorted(undirected):
        if start in seen:
            continue
        comp, queue = [], deque([start])
        seen.add(start)
        while queue:
            node = queue.popleft()
            comp.append(node)
            for nxt in sorted(undirected[node]):
                if nxt not in seen:
                    seen.add(nxt)
                    queue.append(nxt)
        components.append(comp)
    components.sort(key=lambda c: (-len(c), min(c)))
    return components


def _depths(members: set[str], edges: Mapping[str, set[str]],
            incoming: Mapping[str, set[str]]) -> dict[str, int]:
    """Each member's shortest distance from a root of its group."""
    depth: dict[str, int] = {}
    pending = sorted(members)
    while len(depth) < len(members):
        # Start from nodes nobody (left) referred; for a leftover cycle, its smallest ID.
        left = [n for n in pending if n not in depth]
        roots = [n for n in left if not (incoming[n] & members) - depth.keys()] or left[:1]
        queue: deque[str] = deque()
        for root in roots:
            depth[root] = 0
            queue.append(root)
        while queue:
            node = queue.popleft()
            for nxt in sorted(edges.get(node, ())):
                if nxt in members and nxt not in depth:
                    depth[nxt] = depth[node] + 1
                    queue.append(nxt)
    return depth


def _spread_layers(depth: Mapping[str, int],
                   incoming: Mapping[str, set[str]]) -> tuple[dict[str, float], int]:
    """x per node within its group, layer by layer from the top, and the group's width (its
    widest layer).

    A layer is ordered by the mean x of the referrers above it; a lone node sits in the middle.
    """
    layers: dict[int, list[str]] = {}
    for node in sorted(depth):
        layers.setdefault(depth[node], []).append(node)
    width = max(len(layer) for layer in layers.values())
    x_of: dict[str, float] = {}
    for level in sorted(layers):
        layer = layers[level]
        order: dict[str, tuple[float, str]] = {}
        for node in layer:
            parents = [x_of[p] for p in incoming[node] if p in x_of and depth[p] < level]
            order[node] = (sum(parents) / len(parents) if parents else -1.0, node)
        layer.sort(key=order.__getitem__)
        gap = (width - 1) / max(1, len(layer) - 1) if len(layer) > 1 else 0.0
        start = 0.0 if len(layer) > 1 else (width - 1) / 2
        for i, node in enumerate(layer):
            x_of[node] = start + i * gap
    return x_of, width


def layered_layout(edges: Mapping[str, set[str]]) -> dict[str, Position]:
    """(x, y) per node: y = −depth in its referral tree, x spreads each layer; cycle-safe.

    Roots are the contacts nobody referred; a group that is a pure cycle starts at its smallest ID.
    Depth is the shortest distance from a root, and a layer is ordered by the mean x of the
    referrers above it so chains do not cross more than they must.
    """
    incoming, undirected = _neighbours(edges)
    positions: dict[str, Position] = {}
    x_offset = 0.0
    for comp in _components(undirected):
        depth = _depths(set(comp), edges, incoming)
        x_of, width = _spread_layers(depth, incoming)
        for node, x in x_of.items():
            positions[node] = (x_offset + x, -float(depth[node]))
        x_offset += width + 1.0
    return positions


def _cjk_font(candidates: Sequence[str] = CJK_FONTS) -> str | None:
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if not candidates:
        return None
    found = next((n for n in candidates if n in {f.name for f in manager.ttflist}), None)
    if found is None:
        for file in font_manager.findSystemFonts():
            if Path(file).name.lower().startswith(CJK_FONT_FILES):
                try:
                    manager.addfont(file)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = next((n for n in candidates if n in {f.name for f in manager.ttflist}), None)
    return found


def _coverage(family: Sequence[str]) -> set[int]:
    """The code points the fonts of `family` can draw."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    points: set[int] = set()
    for name in family:
        path = font_manager.findfont(font_manager.FontProperties(family=name),
                                     fallback_to_default=False)
        points |= set(FT2Font(path).get_charmap())
    return points


def drawable_labels(names: Mapping[str, str], family: Sequence[str]) -> tuple[dict[str, str],
                                                                             list[str]]:
    """The label of each node — its name when the fonts can draw every character of it, else its
    contact ID — and the names that fell back."""
    covered: set[int] | None = None
    labels, fell_back = {}, []
    for node, name in names.items():
        text = name[:24]
        if not text.isascii():
            covered = _coverage(family) if covered is None else covered
            if any(ord(ch) not in covered for ch in text if not ch.isspace()):
                labels[node] = node
                fell_back.append(name)
                continue
        labels[node] = text
    return labels, fell_back


def _influence(edges: Mapping[str, set[str]], nodes: Iterable[str],
               by_id: Mapping[str, Referrer]) -> dict[str, float]:
    """Each node's influence: the Referrals figure when given, else its downstream contacts."""
    return {n: (by_id[n].influence if n in by_id else float(len(downstream_of(edges, n))))
            for n in nodes}


def _draw_arrows(ax: Axes, pairs: list[tuple[str, str]], positions: Mapping[str, Position],
                 area: Mapping[str, float]) -> None:
    for src, dst in pairs:
        (x1, y1), (x2, y2) = positions[src], positions[dst]
        back = y2 >= y1  # points up or sideways: part of a cycle or a cross-link
        ax.annotate("", xy=(x2, y2), xytext=(x1, y1), arrowprops={
            "arrowstyle": "-|>", "color": "#c0392b" if back else "#7f8c8d",
            "linestyle": "--" if back else "-", "lw": 1.2,
            # Stop at the circle's rim (radius = √area ÷ 2 points) so the head shows.
            "shrinkA": area[src] ** 0.5 / 2 + 2, "shrinkB": area[dst] ** 0.5 / 2 + 2,
            "connectionstyle": "arc3,rad=0.35" if back else "arc3,rad=0.0"})


def _draw_lines(ax: Axes, pairs: list[tuple[str, str]],
                positions: Mapping[str, Position]) -> None:
    # Arrow heads are costly drawn one by one: a large network gets plain lines drawn as one
    # collection, which keeps it to seconds.
    from matplotlib.collections import LineCollection

    forward = [(positions[s], positions[d]) for s, d in pairs
               if positions[d][1] < positions[s][1]]
    backward = [(positions[s], positions[d]) for s, d in pairs
                if positions[d][1] >= positions[s][1]]
    ax.add_collection(LineCollection(forward, colors="#7f8c8d", linewidths=0.6))
    ax.add_collection(LineCollection(backward, colors="#c0392b", linewidths=0.6,
                                     linestyles="dashed"))


def _draw_nodes(ax: Axes, positions: Mapping[str, Position], area: Mapping[str, float],
                closed: set[str], candidates: set[str]) -> None:
    order = sorted(positions)
    ax.scatter([positions[n][0] for n in order], [positions[n][1] for n in order],
               s=[area[n] for n in order], zorder=3,
               c=["#2e86c1" if n in closed else "#bdc3c7" for n in order],
               edgecolors=["#f1c40f" if n in candidates else "#34495e" for n in order],
               linewidths=[3 if n in candidates else 1 for n in order])


def _draw_labels(ax: Axes, positions: Mapping[str, Position], area: Mapping[str, float],
                 influence: Mapping[str, float], names: Mapping[str, str],
                 family: list[str]) -> None:
    """Names under the MAX_LABELS most influential nodes."""
    ranked = sorted(positions, key=lambda n: (-influence[n], n))
    for node in ranked[:MAX_LABELS]:
        ax.annotate(names.get(node, node), positions[node],
                    xytext=(0, -8 - (area[node] ** 0.5) / 2), textcoords="offset points",
                    ha="center", va="top", fontsize=9, family=family, zorder=4)


def _draw_legend(ax: Axes) -> None:
    from matplotlib.lines import Line2D

    legend = [
        Line2D([0], [0], marker="o", color="w", markerfacecolor="#2e86c1", markersize=10,
               label="closed a deal"),
        Line2D([0], [0], marker="o", color="w", markerfacecolor="#bdc3c7", markersize=10,
               label="not yet closed"),
        Line2D([0], [0], marker="o", color="w", markerfacecolor="white",
               markeredgecolor="#f1c40f", markeredgewidth=3, markersize=10,
               label="Core Advocate candidate"),
        Line2D([0], [0], color="#c0392b", linestyle="--", label="referral back up a chain"),
    ]
    ax.legend(handles=legend, loc="upper right", fontsize=8, frameon=False)


def _figure_size(positions: Mapping[str, Position]) -> tuple[float, float]:
    """Inches: grows with the layout's span, within bounds a viewer can still open."""
    xs = [p[0] for p in positions.values()] or [0.0]
    ys = [p[1] for p in positions.values()] or [0.0]
    return (min(40.0, max(6.0, (max(xs) - min(xs) + 2) * 1.3)),
            min(30.0, max(4.0, (max(ys) - min(ys) + 2) * 1.5)))


def _set_limits(ax: Axes, positions: Mapping[str, Position]) -> None:
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    ax.set_xlim(min(xs) - 1, max(xs) + 1)
    ax.set_ylim(min(ys) - 1, max(ys) + 0.8)


def _display_names(book: Book) -> dict[str, str]:
    """Contact ID -> name, for the contacts that have one."""
    return {cid: c.name for cid, c in contacts_by_id(book).items() if c.name}


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    # The Software text chunk is how `referrals --graph` knows a picture it may replace.
    fig.savefig(buffer, format="png", bbox_inches="tight", metadata={"Software": "sheets-sync"})
    return buffer.getvalue()


@dataclass(frozen=True)
class Picture:
    png: bytes
    warnings: list[str]  # one line each, for stderr


def draw_referral_graph(book: Book, path: Path, *, referrers: Sequence[Referrer] | None = None,
                        title: str = "Who referred whom") -> list[str]:
    """Write the PNG of `render_referral_graph` to `path`; returns its warnings."""
    picture = render_referral_graph(book, referrers=referrers, title=title)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(picture.png)
    return picture.warnings


def render_referral_graph(book: Book, *, referrers: Sequence[Referrer] | None = None,
                          title: str = "Who referred whom",
                          cjk_fonts: Sequence[str] = CJK_FONTS) -> Picture:
    """A PNG of the referral network: arrows referrer → referred.

    Node area ∝ influence (from `referrers` when given, else 1 + downstream contacts); filled
    blue when the contact closed a deal, grey otherwise; a gold ring marks Core Advocate
    candidates. A network with no referral still gets a (labelled, empty) picture. A name no
    installed font can draw (Chinese or Japanese without a CJK font) is shown as its contact ID,
    with one warning naming the font package to install — never as empty boxes.
    """
    from matplotlib.figure import Figure

    edges = referral_edges(book)
    positions = layered_layout(edges)
    by_id = {r.contact_id: r for r in referrers or []}
    influence = _influence(edges, positions, by_id)
    biggest = max(influence.values(), default=0.0) or 1.0

    fig = Figure(figsize=_figure_size(positions), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_axis_off()
    family = ["DejaVu Sans", *([c] if (c := _cjk_font(cjk_fonts)) else [])]
    warnings: list[str] = []
    ax.set_title(title, fontsize=14, family=family)

    if not positions:
        ax.text(0.5, 0.5, "No referrals yet", ha="center", va="center", fontsize=12,
                transform=ax.transAxes, family=family)
    else:
        pairs = [(src, dst) for src, targets in sorted(edges.items()) for dst in sorted(targets)]
        area = {n: 200 + 1600 * influence[n] / biggest for n in positions}  # points²
        if len(pairs) <= MAX_ARROWS:
            _draw_arrows(ax, pairs, positions, area)
        else:
            _draw_lines(ax, pairs, positions)
        candidates = {n for n in positions if n in by_id and by_id[n].core_candidate}
        _draw_nodes(ax, positions, area, closed_ids(book), candidates)
        names, fell_back = drawable_labels(
            {n: name for n, name in _display_names(book).items() if n in positions}, family)
        if fell_back:
            warnings.append(
                f"{len(fell_back)} name(s) drawn as contact IDs: no installed font has their "
                f"characters — install a CJK font (Debian/Ubuntu: apt-get install "
                f"{FONT_PACKAGE}; elsewhere Noto Sans CJK), then draw again")
        _draw_labels(ax, positions, area, influence, names, family)
        _set_limits(ax, positions)
        _draw_legend(ax)
    return Picture(_png(fig), warnings)
