"""Pictures of the graph: a concept and its neighbourhood (or the whole graph) as SVG or PNG.

Two deterministic layouts, both computed in points (1 data unit = 1 pt, the axes fill the figure,
whose size follows from the layout), so label sizes are known before drawing:

* **star** (``depth=1``, the default view): the concept in the middle, its neighbours in rows on a
  left and a right arc, grouped by category. Every row holds one neighbour: its label in a box
  coloured by category and, between the box and the arc, the relation with an arrow giving the
  real direction (``causes →``, ``← treated by``). Rows never share vertical space, so labels
  cannot overlap.
* **spring** (``depth >= 2`` or the whole graph): a seeded spring layout, then boxes are pushed
  apart until no two labels overlap; edges are arrows coloured by relation, named in the legend.

matplotlib and networkx are imported inside the functions, never at import time. Figures are drawn
on their own Agg canvas (matplotlib's object API): the caller's pyplot backend is never switched.
scipy is not needed: networkx's spring layout uses it from 500 nodes on, so larger components get
the same Fruchterman-Reingold iteration in numpy (:func:`_spring_numpy`).

Why a home-made star layout (code review 2026-11-30): networkx's layouts place nodes, not labelled
boxes; on a concept with ~30 neighbours every spring/shell layout tried left overlapping labels,
while the star's one-row-per-neighbour rule makes overlap impossible by construction.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from spasmkg.errors import InputError
from spasmkg.network.graph import CATEGORY_ORDER, category_rank, undirected
from spasmkg.text import terminal_safe

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.figure import Figure

    from spasmkg.engine.store import DataArg

DEFAULT_CONCEPT = "skr:back_muscle_spasm"
FORMATS = (".svg", ".png")

#: Category colours (distinct hues; boxes use a light fill with a full-colour border).
COLOURS: dict[str, str] = {
    "condition": "#8E44AD",
    "cause": "#E67E22",
    "risk factor": "#B7950B",
    "activity": "#8D6E63",
    "symptom": "#2E86C1",
    "red flag": "#C0392B",
    "body region": "#7F8C8D",
    "diagnostic procedure": "#16A085",
    "treatment": "#229954",
    "precaution": "#AD1457",
    "recommendation": "#1A5276",
}
OTHER_COLOUR = "#999999"

FONT_NODE = 9.0
FONT_EDGE = 7.5
FONT_CENTRE = 11.0
FONT_TITLE = 13.0
FONT_SUBTITLE = 8.5
FONT_LEGEND = 9.0
LINE = 1.22  # line height, in font sizes
PAD = 3.0  # box padding (points)
WRAP = 40  # characters per label line
MARGIN = 24.0


def colour(category: str) -> str:
    return COLOURS.get(category, OTHER_COLOUR)


def _tint(hex_colour: str, amount: float = 0.8) -> tuple[float, float, float]:
    """``hex_colour`` mixed with white (``amount`` of white)."""
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


@dataclass(frozen=True)
class LabelBox:
    """A drawn label's extent in display pixels (``x0 < x1``, ``y0 < y1``)."""

    kind: str  # node | centre | edge | title | legend
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: LabelBox) -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1


@dataclass
class Drawing:
    """A rendered picture: the matplotlib figure and the labels whose boxes must not overlap."""

    figure: Figure
    title: str
    categories: list[str]  # legend entries, in order
    labels: list[tuple[str, Any]] = field(default_factory=list)  # (kind, matplotlib Text)
    legend: Any = None
    layout: str = "star"

    def save(self, output: Path) -> None:
        """Write SVG (text kept as text) or PNG, atomically."""
        import matplotlib

        from spasmkg.io.atomic import atomic_write_bytes

        fmt = check_output(output)
        buf = io.BytesIO()
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "spasmkg"}):
            meta: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
            self.figure.savefig(buf, format=fmt, dpi=150 if fmt == "png" else 72, metadata=meta)
        atomic_write_bytes(output, buf.getvalue())


def check_output(output: Path) -> str:
    """``svg`` or ``png`` from the file extension; InputError otherwise."""
    ext = Path(output).suffix.lower()
    if ext not in FORMATS:
        raise InputError(f"{output}: the picture must be a .svg or .png file (got {ext or 'no extension'!r})")
    return ext[1:]


def label_boxes(drawing: Drawing) -> list[LabelBox]:
    """The display-space boxes of every label of ``drawing`` (box patches where a label has one).

    The legend counts as one box. Used by the tests to check that no two labels overlap.
    """
    fig = drawing.figure
    canvas: Any = fig.canvas  # FigureCanvasAgg (see _figure)
    renderer = canvas.get_renderer()
    fig.draw_without_rendering()
    boxes = []
    for kind, text in drawing.labels:
        patch = text.get_bbox_patch()
        ext = patch.get_window_extent(renderer) if patch is not None else text.get_window_extent(renderer)
        boxes.append(LabelBox(kind, text.get_text(), ext.x0, ext.y0, ext.x1, ext.y1))
    if drawing.legend is not None:
        ext = drawing.legend.get_window_extent(renderer)
        boxes.append(LabelBox("legend", "legend", ext.x0, ext.y0, ext.x1, ext.y1))
    return boxes


def overlapping(boxes: list[LabelBox]) -> list[tuple[LabelBox, LabelBox]]:
    """Pairs of boxes that overlap (empty for a readable picture)."""
    out = []
    ordered = sorted(boxes, key=lambda b: b.x0)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.x0 >= a.x1:
                break
            if a.overlaps(b):
                out.append((a, b))
    return out


# ---------------------------------------------------------------- measuring text


class _Measure:
    """Text sizes in points, from the Agg renderer at 72 dpi (the fonts the PNG uses)."""

    def __init__(self) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self._renderer = FigureCanvasAgg(Figure(dpi=72)).get_renderer()
        self._cache: dict[tuple[str, float, str, str], float] = {}

    def width(
        self, text: str, size: float, *, weight: str = "normal", style: Literal["normal", "italic"] = "normal"
    ) -> float:
        from matplotlib.font_manager import FontProperties

        key = (text, size, weight, style)
        if key not in self._cache:
            prop = FontProperties(size=size, weight=weight, style=style)
            widths = [self._renderer.get_text_width_height_descent(t, prop, ismath=False)[0] for t in text.split("\n")]
            self._cache[key] = max(widths) if widths else 0.0
        return self._cache[key]


def wrap(label: str, width: int = WRAP) -> str:
    return "\n".join(textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False)) or label


def _box_size(m: _Measure, text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    lines = text.count("\n") + 1
    return m.width(text, size, weight=weight) + 2 * PAD, lines * size * LINE + 2 * PAD


# ---------------------------------------------------------------- figure scaffolding


def _figure(width: float, height: float) -> tuple[Figure, Any]:
    """A figure of ``width`` x ``height`` points whose axes map 1 data unit to 1 point, origin bottom-left."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width / 72, height / 72), dpi=72)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def _node_text(
    ax: Any,
    x: float,
    y: float,
    text: str,
    category: str,
    *,
    ha: str,
    size: float = FONT_NODE,
    weight: str = "normal",
    lw: float = 1.1,
) -> Any:
    return ax.text(
        x,
        y,
        text,
        ha=ha,
        va="center",
        fontsize=size,
        fontweight=weight,
        parse_math=False,
        zorder=4,
        linespacing=LINE * 0.98,
        bbox={
            "boxstyle": f"round,pad={PAD / size:.3f}",
            "facecolor": _tint(colour(category)),
            "edgecolor": colour(category),
            "linewidth": lw,
        },
    )


def _header(
    ax: Any, drawing: Drawing, width: float, top: float, subtitle: str, legend_items: list[tuple[str, str]], m: _Measure
) -> None:
    """Title, subtitle and a legend laid out in rows from ``top`` down (space reserved by the caller)."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    t = ax.text(
        width / 2,
        top - FONT_TITLE,
        drawing.title,
        ha="center",
        va="baseline",
        fontsize=FONT_TITLE,
        fontweight="bold",
        parse_math=False,
    )
    s = ax.text(
        width / 2,
        top - FONT_TITLE - FONT_SUBTITLE * 1.9,
        subtitle,
        ha="center",
        va="baseline",
        fontsize=FONT_SUBTITLE,
        color="#444444",
        parse_math=False,
    )
    drawing.labels += [("title", t), ("title", s)]
    handles: list[Any] = []
    for name, kind in legend_items:
        if kind == "category":
            handles.append(Patch(facecolor=_tint(colour(name)), edgecolor=colour(name), linewidth=1.1, label=name))
        else:
            handles.append(Line2D([], [], color=kind, linewidth=2, label=name))
    if handles:
        ncol = _legend_columns(m, [n for n, _ in legend_items], width)
        drawing.legend = ax.legend(
            handles=handles,
            loc="upper center",
            ncol=ncol,
            fontsize=FONT_LEGEND,
            frameon=False,
            bbox_to_anchor=(width / 2, top - FONT_TITLE - FONT_SUBTITLE * 2.6),
            bbox_transform=ax.transData,
            handlelength=1.6,
            columnspacing=1.4,
            borderaxespad=0.0,
        )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _header_width(m: _Measure, title: str, subtitle: str) -> float:
    return max(m.width(title, FONT_TITLE, weight="bold"), m.width(subtitle, FONT_SUBTITLE)) + 2 * MARGIN


def _legend_columns(m: _Measure, names: list[str], width: float) -> int:
    """Columns for the legend: as many as fit the width, then balanced over the rows needed."""
    entry = max(m.width(n, FONT_LEGEND) for n in names) + 45
    fit = max(1, min(len(names), int((width - 2 * MARGIN) // entry)))
    rows = math.ceil(len(names) / fit)
    return math.ceil(len(names) / rows)


def _legend_height(m: _Measure, names: list[str], width: float) -> float:
    if not names:
        return 0.0
    rows = math.ceil(len(names) / _legend_columns(m, names, width))
    return rows * FONT_LEGEND * 1.75 + 6


# ---------------------------------------------------------------- star layout (one concept and its neighbours)


@dataclass
class _Row:
    node: str
    text: str  # wrapped label
    category: str
    relation: str  # e.g. "causes →"
    height: float
    box_w: float
    rel_w: float
    y: float = 0.0


def _relation_text(g: nx.MultiDiGraph, centre: str, node: str, side: str) -> str:
    outs = sorted(
        {g.edges[centre, node, k]["predicate_label"] for k in g[centre][node]} if g.has_edge(centre, node) else set()
    )
    ins = sorted(
        {g.edges[node, centre, k]["predicate_label"] for k in g[node][centre]} if g.has_edge(node, centre) else set()
    )
    parts = []
    if side == "left":  # node on the left, centre on the right
        if outs:
            parts.append("← " + ", ".join(outs))
        if ins:
            parts.append(", ".join(ins) + " →")
    else:
        if ins:
            parts.append("← " + ", ".join(ins))
        if outs:
            parts.append(", ".join(outs) + " →")
    return "   ".join(parts)


def _split(items: list[str], cats: dict[str, str]) -> int:
    """Where to cut the ordered neighbours into left and right: at a category boundary if balanced enough."""
    n = len(items)
    half = math.ceil(n / 2)
    bounds = [i for i in range(1, n) if cats[items[i]] != cats[items[i - 1]]]
    if bounds:
        best = min(bounds, key=lambda i: (abs(n - 2 * i), i))
        if abs(n - 2 * best) <= max(4, 0.2 * n):
            return best
    return half


def render_star(g: nx.MultiDiGraph, centre: str) -> Drawing:
    """The concept ``centre`` and its direct neighbours (see the module docstring)."""
    m = _Measure()
    cats = {n: g.nodes[n]["category"] for n in g.nodes}
    nbrs = sorted(
        (set(g.predecessors(centre)) | set(g.successors(centre))) - {centre},
        key=lambda n: (category_rank(cats[n]), cats[n], g.nodes[n]["label"]),
    )
    cut = _split(nbrs, cats) if nbrs else 0
    left_nodes = nbrs[:cut]
    right_nodes: list[str] = []
    for cat in sorted({cats[n] for n in nbrs[cut:]}, key=lambda c: (-category_rank(c), c)):  # clockwise
        right_nodes += [n for n in nbrs[cut:] if cats[n] == cat]

    def rows(nodes: list[str], side: str) -> list[_Row]:
        out = []
        for n in nodes:
            text = wrap(g.nodes[n]["label"])
            rel = _relation_text(g, centre, n, side)
            w, h = _box_size(m, text, FONT_NODE)
            out.append(_Row(n, text, cats[n], rel, max(h + 5, 19.0), w, m.width(rel, FONT_EDGE, style="italic")))
        total = sum(r.height for r in out)
        y = total / 2
        for r in out:
            r.y = y - r.height / 2
            y -= r.height
        return out

    left, right = rows(left_nodes, "left"), rows(right_nodes, "right")
    side_h = max(sum(r.height for r in left), sum(r.height for r in right), 40.0)
    centre_text = wrap(g.nodes[centre]["label"], 28)
    cw, _ = _box_size(m, centre_text, FONT_CENTRE, "bold")
    x0 = cw / 2 + 28
    bulge = min(0.22 * side_h, 170.0)
    radius = side_h / 2 + 20

    def arc(y: float) -> float:
        return x0 + bulge * math.sqrt(max(0.0, 1 - (y / radius) ** 2))

    gap = 8.0
    rel_w = {s: max((r.rel_w for r in rs), default=0.0) for s, rs in (("left", left), ("right", right))}
    ext = {
        s: max((arc(r.y) + rel_w[s] + gap + r.box_w for r in rs), default=x0)
        for s, rs in (("left", left), ("right", right))
    }
    body_w = ext["left"] + ext["right"] + 2 * MARGIN
    present = sorted({cats[n] for n in [centre, *nbrs]}, key=lambda c: (category_rank(c), c))
    title = f"{g.nodes[centre]['label']} and its direct neighbours"
    n_edges = sum(1 for u, v in g.edges() if centre in (u, v))
    subtitle = (
        f"{_plural(len(nbrs), 'concept')}, {_plural(n_edges, 'edge')}, each backed by a verbatim corpus quote; "
        "edges among the neighbours are not drawn. spasmkg, not medical advice."
    )
    width = max(body_w, _header_width(m, title, subtitle), 420.0)
    header_h = FONT_TITLE + FONT_SUBTITLE * 2.6 + _legend_height(m, present, width) + 8
    height = MARGIN + side_h + 10 + header_h + MARGIN
    fig, ax = _figure(width, height)
    cx = MARGIN + ext["left"] + (width - body_w) / 2
    cy = MARGIN + side_h / 2
    drawing = Drawing(fig, title, present)
    _header(ax, drawing, width, height - MARGIN / 2, subtitle, [(c, "category") for c in present], m)

    for side, rs in (("left", left), ("right", right)):
        sign = -1 if side == "left" else 1
        ha_rel, ha_box = ("right", "right") if side == "left" else ("left", "left")
        for r in rs:
            xb, y = cx + sign * arc(r.y), cy + r.y
            xn = xb + sign * (rel_w[side] + gap)
            line = {"color": colour(r.category), "alpha": 0.6, "linewidth": 0.9, "zorder": 1, "solid_capstyle": "butt"}
            ax.plot([cx, xb], [cy, y], **line)
            ax.plot([xb, xn], [y, y], **line)
            if r.relation:
                t = ax.text(
                    xb + sign * 3,
                    y + 1.2,
                    r.relation,
                    ha=ha_rel,
                    va="bottom",
                    fontsize=FONT_EDGE,
                    fontstyle="italic",
                    color="#333333",
                    parse_math=False,
                    zorder=3,
                )
                drawing.labels.append(("edge", t))
            drawing.labels.append(("node", _node_text(ax, xn, y, r.text, r.category, ha=ha_box)))
    c = _node_text(ax, cx, cy, centre_text, cats[centre], ha="center", size=FONT_CENTRE, weight="bold", lw=2.0)
    c.set_zorder(5)
    drawing.labels.append(("centre", c))
    return drawing


# ---------------------------------------------------------------- spring layout (larger views)


def _separate(
    pos: dict[str, list[float]], size: dict[str, tuple[float, float]], gap: float = 4.0, rounds: int = 400
) -> None:
    """Push boxes (centre ``pos``, ``size`` w x h) apart until none overlap (in place, deterministic)."""
    import numpy as np

    names = sorted(pos)
    xy = np.array([pos[n] for n in names], dtype=float)
    wh = np.array([size[n] for n in names], dtype=float) + gap
    for _ in range(rounds):
        dx = xy[:, None, 0] - xy[None, :, 0]
        dy = xy[:, None, 1] - xy[None, :, 1]
        ox = (wh[:, None, 0] + wh[None, :, 0]) / 2 - np.abs(dx)
        oy = (wh[:, None, 1] + wh[None, :, 1]) / 2 - np.abs(dy)
        hit = (ox > 0) & (oy > 0)
        np.fill_diagonal(hit, False)
        if not hit.any():
            break
        # move along the axis of least penetration, half each way; ties broken by index
        order = np.arange(len(names))
        sx = np.where(dx == 0, np.where(order[:, None] < order[None, :], -1.0, 1.0), np.sign(dx))
        sy = np.where(dy == 0, np.where(order[:, None] < order[None, :], -1.0, 1.0), np.sign(dy))
        along_x = hit & (ox < oy)
        along_y = hit & ~(ox < oy)
        xy[:, 0] += (np.where(along_x, sx * (ox / 2 + 0.5), 0.0)).sum(axis=1) * 0.6
        xy[:, 1] += (np.where(along_y, sy * (oy / 2 + 0.5), 0.0)).sum(axis=1) * 0.6
    _settle(names, xy, wh)
    for n, p in zip(names, xy, strict=True):
        pos[n] = [float(p[0]), float(p[1])]


def _settle(names: list[str], xy: Any, wh: Any) -> None:
    """Greedy final pass: place boxes one by one (in name order), each at the free spot nearest its
    position on outward rings, so that no two boxes overlap whatever the repulsion left."""
    import numpy as np

    placed_xy = np.zeros((0, 2))
    placed_wh = np.zeros((0, 2))

    def free(cands: Any, size: Any) -> Any:
        """Boolean per candidate centre: no overlap with any placed box."""
        if not len(placed_xy):
            return np.ones(len(cands), dtype=bool)
        ox = (placed_wh[None, :, 0] + size[0]) / 2 - np.abs(placed_xy[None, :, 0] - cands[:, None, 0])
        oy = (placed_wh[None, :, 1] + size[1]) / 2 - np.abs(placed_xy[None, :, 1] - cands[:, None, 1])
        return ~((ox > 0) & (oy > 0)).any(axis=1)

    step = 5.0
    for i in range(len(names)):
        p = xy[i].copy()
        radius = 0.0
        while not free(p[None, :], wh[i])[0]:
            radius += step
            count = max(8, int(2 * math.pi * radius / step))
            angles = 2 * math.pi * np.arange(count) / count
            cands = xy[i] + radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)
            ok = np.flatnonzero(free(cands, wh[i]))
            if len(ok):
                p = cands[ok[0]]
                break
        xy[i] = p
        placed_xy = np.vstack([placed_xy, p])
        placed_wh = np.vstack([placed_wh, wh[i]])


#: From this many nodes on, networkx's spring_layout needs scipy (its sparse solver).
SCIPY_FROM = 500


def _spring(sub: nx.Graph, k: float, iterations: int = 200) -> dict[str, Any]:
    """A seeded spring layout of ``sub``: networkx's below :data:`SCIPY_FROM` nodes (the pictures the
    tests and docs show), :func:`_spring_numpy` from there on."""
    import networkx as nx

    if len(sub) < SCIPY_FROM:
        return dict(nx.spring_layout(sub, seed=7, k=k, iterations=iterations))
    return _spring_numpy(sub, k=k, iterations=iterations)


def _spring_numpy(sub: nx.Graph, *, k: float, iterations: int = 200, seed: int = 7) -> dict[str, Any]:
    """Fruchterman-Reingold in numpy with networkx's forces and cooling (its dense solver, which it uses
    only below 500 nodes), rescaled to [-1, 1], for the larger components networkx hands to scipy.

    O(n^2) per iteration, x and y kept apart (float32): 520 nodes take 0.9 s for 200 iterations,
    where networkx's own dense solver takes 5.2 s for 499. Deterministic for a seed.
    """
    import numpy as np

    nodes = list(sub)
    index = {n: i for i, n in enumerate(nodes)}
    n = len(nodes)
    adjacency = np.zeros((n, n), dtype=np.float32)
    for u, v in sub.edges():
        adjacency[index[u], index[v]] = adjacency[index[v], index[u]] = 1.0
    pos = np.random.RandomState(seed).rand(n, 2).astype(np.float32)
    t = max(float(np.ptp(pos[:, 0])), float(np.ptp(pos[:, 1]))) * 0.1
    dt = t / (iterations + 1)
    for _ in range(iterations):
        dx = pos[:, 0, None] - pos[None, :, 0]
        dy = pos[:, 1, None] - pos[None, :, 1]
        distance = np.sqrt(dx * dx + dy * dy)
        np.clip(distance, 0.01, None, out=distance)
        force = k * k / (distance * distance) - adjacency * distance / k
        displacement = np.stack([(dx * force).sum(axis=1), (dy * force).sum(axis=1)], axis=1)
        length = np.clip(np.sqrt((displacement * displacement).sum(axis=1)), 0.01, None)
        step = displacement * (t / length)[:, None]
        pos += step
        t -= dt
        if float(np.sqrt((step * step).sum())) / n < 1e-4:
            break
    pos -= pos.mean(axis=0)
    scale = float(np.abs(pos).max()) or 1.0
    return {node: pos[index[node]] / scale for node in nodes}


def _component_layout(simple: nx.Graph, size: dict[str, tuple[float, float]]) -> dict[str, list[float]]:
    """Seeded spring layout per connected component, labels separated, components packed in shelves."""
    import networkx as nx

    comps = sorted((sorted(c) for c in nx.connected_components(simple)), key=lambda c: (-len(c), c[0]))
    blocks = []
    for comp in comps:
        members = set(comp)
        # nodes in ``simple``'s order: a subgraph view of part of a graph iterates a set (hash order),
        # and the seeded layout depends on the node order
        sub = nx.Graph()
        sub.add_nodes_from(n for n in simple if n in members)
        sub.add_edges_from(simple.subgraph(comp).edges())
        raw = _spring(sub, k=1.6 / math.sqrt(len(comp))) if len(comp) > 1 else {comp[0]: (0.0, 0.0)}
        side = 95.0 * math.sqrt(len(comp))
        pos = {n: [float(raw[n][0]) * side, float(raw[n][1]) * side] for n in comp}
        _separate(pos, size)
        x0 = min(pos[n][0] - size[n][0] / 2 for n in comp)
        y1 = max(pos[n][1] + size[n][1] / 2 for n in comp)
        w = max(pos[n][0] + size[n][0] / 2 for n in comp) - x0
        h = y1 - min(pos[n][1] - size[n][1] / 2 for n in comp)
        blocks.append(({n: [pos[n][0] - x0, pos[n][1] - y1] for n in comp}, w, h))  # top-left at (0, 0)
    shelf_w = max([blocks[0][1], 600.0] if blocks else [600.0])
    out: dict[str, list[float]] = {}
    x = y = shelf_h = 0.0
    gap = 24.0
    for block, w, h in blocks:
        if x > 0 and x + w > shelf_w:
            x, y, shelf_h = 0.0, y - shelf_h - gap, 0.0
        for n, (px, py) in block.items():
            out[n] = [px + x, py + y]
        x += w + gap
        shelf_h = max(shelf_h, h)
    return out


def render_spring(g: nx.MultiDiGraph, nodes: list[str], title: str, centre: str | None = None) -> Drawing:
    """``nodes`` and the edges among them with a seeded spring layout and overlap-free labels."""
    m = _Measure()
    sub = g.subgraph(nodes)
    simple = undirected(g, sorted(sub.nodes, key=lambda n: g.nodes[n]["curie"]))
    texts = {n: wrap(g.nodes[n]["label"], 24) for n in nodes}
    size = {n: _box_size(m, texts[n], FONT_NODE) for n in nodes}
    pos = _component_layout(simple, size)
    xs0 = min(pos[n][0] - size[n][0] / 2 for n in nodes)
    xs1 = max(pos[n][0] + size[n][0] / 2 for n in nodes)
    ys0 = min(pos[n][1] - size[n][1] / 2 for n in nodes)
    ys1 = max(pos[n][1] + size[n][1] / 2 for n in nodes)

    preds = sorted({k for _, _, k in sub.edges(keys=True)})
    palette = [
        "#1f77b4",
        "#ff7f0e",
        "#2ca02c",
        "#d62728",
        "#9467bd",
        "#8c564b",
        "#e377c2",
        "#7f7f7f",
        "#bcbd22",
        "#17becf",
        "#393b79",
        "#637939",
        "#8c6d31",
        "#843c39",
        "#7b4173",
        "#3182bd",
        "#e6550d",
        "#31a354",
        "#756bb1",
        "#636363",
    ]
    pred_colour = {p: palette[i % len(palette)] for i, p in enumerate(preds)}
    pred_label = {k: a["predicate_label"] for _, _, k, a in sub.edges(keys=True, data=True)}
    cats = sorted({g.nodes[n]["category"] for n in nodes}, key=lambda c: (category_rank(c), c))
    legend = [(c, "category") for c in cats] + [(pred_label[p], pred_colour[p]) for p in preds]
    subtitle = (
        f"{_plural(len(nodes), 'concept')}, {_plural(sub.number_of_edges(), 'edge')} (colour = relation, see the "
        "legend; arrows point "
        "from subject to object). spasmkg, not medical advice."
    )
    width = max(xs1 - xs0 + 2 * MARGIN, _header_width(m, title, subtitle), 480.0)
    header_h = FONT_TITLE + FONT_SUBTITLE * 2.6 + _legend_height(m, [n for n, _ in legend], width) + 8
    height = (ys1 - ys0) + 2 * MARGIN + header_h
    fig, ax = _figure(width, height)
    ox = (width - (xs1 - xs0)) / 2 - xs0
    oy = MARGIN - ys0
    drawing = Drawing(fig, title, cats, layout="spring")
    _header(ax, drawing, width, height - MARGIN / 2, subtitle, legend, m)
    from matplotlib.patches import FancyArrowPatch

    for u, v, k in sorted(sub.edges(keys=True)):
        if u == v:
            continue
        a = FancyArrowPatch(
            (pos[u][0] + ox, pos[u][1] + oy),
            (pos[v][0] + ox, pos[v][1] + oy),
            arrowstyle="-|>",
            mutation_scale=8,
            color=pred_colour[k],
            alpha=0.55,
            linewidth=0.8,
            zorder=1,
            shrinkA=size[u][1] / 2,
            shrinkB=size[v][1] / 2,
        )
        ax.add_patch(a)
    for n in sorted(nodes):
        lw, weight = (2.0, "bold") if n == centre else (1.1, "normal")
        t = _node_text(
            ax, pos[n][0] + ox, pos[n][1] + oy, texts[n], g.nodes[n]["category"], ha="center", weight=weight, lw=lw
        )
        drawing.labels.append(("centre" if n == centre else "node", t))
    return drawing


# ---------------------------------------------------------------- entry points


def view_nodes(g: nx.MultiDiGraph, centre: str, depth: int) -> list[str]:
    """``centre`` and the concepts within ``depth`` hops (edges in either direction)."""
    import networkx as nx

    dist = nx.single_source_shortest_path_length(undirected(g), centre, cutoff=depth)
    return sorted(dist)


def _drawable(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``g``, or a copy whose labels, categories and relation names show control and bidi characters
    escaped (a label from ``--data`` must not reorder text, and control characters are not valid in SVG)."""
    names = [a["label"] for _, a in g.nodes(data=True)] + [a["category"] for _, a in g.nodes(data=True)]
    names += [a["predicate_label"] for _, _, a in g.edges(data=True)]
    if all(terminal_safe(x, multiline=False) == x for x in names):
        return g
    safe = g.copy()
    for _, a in safe.nodes(data=True):
        a["label"] = terminal_safe(a["label"], multiline=False)
        a["category"] = terminal_safe(a["category"], multiline=False)
    for _, _, a in safe.edges(data=True):
        a["predicate_label"] = terminal_safe(a["predicate_label"], multiline=False)
    return safe


def render(g: nx.MultiDiGraph, centre: str | None = None, *, depth: int = 1, whole: bool = False) -> Drawing:
    """The picture of ``centre``'s neighbourhood (star layout at depth 1), or of the whole graph."""
    if depth < 1:
        raise InputError("depth must be at least 1")
    g = _drawable(g)
    if whole:
        return render_spring(g, sorted(g.nodes), f"spasmkg: all {g.number_of_nodes()} concepts")
    if centre is None:
        raise InputError("no concept to draw")
    if depth == 1:
        return render_star(g, centre)
    nodes = view_nodes(g, centre, depth)
    return render_spring(g, nodes, f"{g.nodes[centre]['label']} and the concepts within {depth} hops", centre)


def default_drawing(data: DataArg = ()) -> Drawing:
    """The default view: back muscle spasm and its direct neighbours."""
    from spasmkg.network.graph import resolve_node, to_networkx

    g = to_networkx(data)
    return render(g, resolve_node(g, DEFAULT_CONCEPT, data))


def draw(output: Path, term: str | None = None, *, depth: int = 1, whole: bool = False, data: DataArg = ()) -> Drawing:
    """Render ``term`` (default: back muscle spasm) or the whole graph to ``output`` (.svg or .png)."""
    from spasmkg.network.graph import resolve_node, to_networkx

    check_output(output)
    g = to_networkx(data)
    centre = None if whole else resolve_node(g, term or DEFAULT_CONCEPT, data)
    drawing = render(g, centre, depth=depth, whole=whole)
    drawing.save(Path(output))
    return drawing


__all__ = [
    "CATEGORY_ORDER",
    "COLOURS",
    "DEFAULT_CONCEPT",
    "Drawing",
    "LabelBox",
    "check_output",
    "default_drawing",
    "draw",
    "label_boxes",
    "overlapping",
    "render",
]
