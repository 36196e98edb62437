"""AMOS-style path diagrams as pure SVG: the measurement model (CFA) and the full structural model.

Both are drawn by one layout engine from the estimates table alone (``lhs, op, rhs, p, std_all``):

* factors are the ``lhs`` of ``=~``; a factor measured by factors is higher-order; items are the
  other indicators.  Every root factor (not itself an indicator) or variable in a regression is a
  *structural node*; its measurement tree (components → items → error terms) is drawn on the outer
  side of the node: to the left in the first layer, to the right in the last layer, above (upper
  half) or below (lower half) in the middle layers.
* structural layers follow the regression graph (longest path from the exogenous variables):
  exogenous → mediators → outcomes, left to right.
* items are rectangles with their error term (e1, e2, … in order of appearance), factors are
  ellipses, endogenous factors (structural outcomes and components of higher-order factors) get a
  disturbance circle (z1, z2, …) placed where it collides with nothing, R² beside them; paths carry
  the completely standardized estimate with significance stars; non-significant paths are dashed;
  covariances among the first-layer nodes are double-headed arcs on their inner side.
* every label is placed greedily at the first of a list of candidate positions along its line (or
  around its shape) whose box meets no other label, shape or arrow head; text widths are measured
  with fontTools in the font the SVG names (DejaVu Sans).

:func:`cfa_diagram` and :func:`sem_diagram` return ``Diagram`` (``svg`` text, ``boxes`` list of
``Box`` for the overlap test, ``width``/``height`` in SVG units).  The SVG's width/height are its
printed size in pt: the text block of chapter.css (CFA on a portrait page, SEM on the landscape
``wide`` page), ratio kept; :func:`printed_font_pt` gives the smallest font size at that size.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from clusterup.report.formatting import apa, stars

FONT_FAMILY = "DejaVu Sans"
FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts")
FS = 8.3            # label font size (SVG units)
FS_NODE = 8.5       # text inside shapes
ALPHA = 0.05
HEAD_L, HEAD_W = 6.5, 2.6      # arrow head length, half width
PAGES = {"portrait": (482.0, 665.0), "landscape": (751.0, 455.0)}   # printable text block (pt) of chapter.css


# ---------------------------------------------------------------------------------------------
# text measurement
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=2)
def _font(bold: bool):
    from fontTools.ttLib import TTFont
    for d in FONT_DIRS:
        p = Path(d) / FONT_FILES[bold]
        if p.exists():
            f = TTFont(str(p), lazy=True)
            return f.getBestCmap(), f["hmtx"].metrics, f["head"].unitsPerEm
    raise FileNotFoundError(f"{FONT_FILES[bold]} (DejaVu Sans) not found in {FONT_DIRS}; run tools/install.sh")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Advance width of ``text`` in DejaVu Sans at ``size`` (same units as size)."""
    cmap, hmtx, upem = _font(bold)
    total = 0
    for ch in text:
        g = cmap.get(ord(ch)) or ".notdef"
        total += hmtx.get(g, hmtx[".notdef"])[0]
    return total * size / upem


# ---------------------------------------------------------------------------------------------
# geometry
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    kind: str           # "label" | "shape" | "head" | "inner"
    what: str = ""

    def hits(self, o: "Box", pad: float = 0.0) -> bool:
        return (self.x0 < o.x1 + pad and o.x0 < self.x1 + pad and self.y0 < o.y1 + pad and o.y0 < self.y1 + pad)


@dataclass
class Diagram:
    svg: str
    boxes: list[Box]
    width: float
    height: float
    font_sizes: list[float] = field(default_factory=list)


@dataclass
class Node:
    name: str
    shape: str          # "ellipse" | "rect" | "circle"
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0      # half width
    h: float = 0.0      # half height
    text: str = ""
    bold: bool = False
    rot: bool = False   # text turned 90 degrees (items above/below a factor)

    def box(self, kind="shape") -> Box:
        return Box(self.x - self.w, self.y - self.h, self.x + self.w, self.y + self.h, kind, self.name)

    def border(self, tx: float, ty: float) -> tuple[float, float]:
        """Point on the outline in the direction of (tx, ty)."""
        dx, dy = tx - self.x, ty - self.y
        if dx == 0 and dy == 0:
            return self.x, self.y
        if self.shape == "rect":
            t = min(self.w / abs(dx) if dx else math.inf, self.h / abs(dy) if dy else math.inf)
        else:
            t = 1.0 / math.sqrt((dx / self.w) ** 2 + (dy / self.h) ** 2)
        return self.x + dx * t, self.y + dy * t


def _turn(n: Node):
    n.w, n.h, n.rot = n.h, n.w, True


def _node(name: str, shape: str, text: str | None = None, bold: bool = False) -> Node:
    text = name if text is None else text
    tw = text_width(text, FS_NODE, bold)
    if shape == "rect":
        return Node(name, shape, w=max(tw / 2 + 3.5, 14), h=7.5, text=text, bold=bold)
    if shape == "circle":
        r = max(tw / 2 + 2.5, 7.5)
        return Node(name, shape, w=r, h=r, text=text, bold=bold)
    return Node(name, shape, w=max(tw / 2 * 1.42 + 6, 24), h=12.5, text=text, bold=bold)


# ---------------------------------------------------------------------------------------------
# model structure from the estimates table
# ---------------------------------------------------------------------------------------------
@dataclass
class Structure:
    loadings: dict[str, list[str]]          # factor -> indicators (model order)
    regressions: list[tuple[str, str]]      # (outcome, predictor)
    covariances: list[tuple[str, str]]
    roots: list[str]                        # structural nodes in model order
    layer: dict[str, int]


def structure(est: pd.DataFrame, with_regressions: bool = True) -> Structure:
    loadings: dict[str, list[str]] = {}
    for r in est[est.op == "=~"].itertuples():
        loadings.setdefault(r.lhs, []).append(r.rhs)
    indicators = {i for v in loadings.values() for i in v}
    regressions = [(r.lhs, r.rhs) for r in est[est.op == "~"].itertuples()] if with_regressions else []
    covs = [(r.lhs, r.rhs) for r in est[(est.op == "~~") & (est.lhs != est.rhs)].itertuples()]
    order = list(dict.fromkeys([f for f in loadings if f not in indicators]
                               + [v for y, x in regressions for v in (x, y)]))
    roots = [v for v in order if v not in indicators or v in {y for y, _ in regressions} | {x for _, x in regressions}]
    roots = [v for v in roots if not any(v in loadings.get(o, []) for o in roots if o != v)] or roots
    preds: dict[str, set[str]] = {v: set() for v in roots}
    for y, x in regressions:
        if y in preds and x in preds:
            preds[y].add(x)
    layer: dict[str, int] = {}

    def depth(v, seen=()):
        if v not in layer:
            layer[v] = 0 if not preds[v] or v in seen else 1 + max(depth(u, seen + (v,)) for u in preds[v])
        return layer[v]

    for v in roots:
        depth(v)
    return Structure(loadings, regressions, covs, roots, layer)


# ---------------------------------------------------------------------------------------------
# the drawing
# ---------------------------------------------------------------------------------------------
class _Canvas:
    def __init__(self):
        self.nodes: dict[str, Node] = {}
        self.boxes: list[Box] = []
        self.lines: list[tuple[float, float, float, float]] = []
        self.el: list[str] = []      # edges, drawn first
        self.top: list[str] = []     # shapes, then labels
        self.font_sizes: list[float] = [FS, FS_NODE]

    # --- shapes -------------------------------------------------------------------------------
    def add(self, n: Node):
        self.nodes[n.name] = n
        self.boxes.append(n.box())

    def free(self, b: Box, pad: float = 1.0, lines: bool = False) -> bool:
        if any(b.hits(o, pad) for o in self.boxes if o.kind != "inner"):
            return False
        if lines:
            for (x1, y1, x2, y2) in self.lines:
                for k in range(21):
                    px, py = x1 + (x2 - x1) * k / 20, y1 + (y2 - y1) * k / 20
                    if b.x0 - 2 < px < b.x1 + 2 and b.y0 - 2 < py < b.y1 + 2:
                        return False
        return True

    # --- edges --------------------------------------------------------------------------------
    def head(self, x1, y1, x2, y2, color):
        d = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / d, (y2 - y1) / d
        bx, by = x2 - ux * HEAD_L, y2 - uy * HEAD_L
        pts = [(x2, y2), (bx - uy * HEAD_W, by + ux * HEAD_W), (bx + uy * HEAD_W, by - ux * HEAD_W)]
        self.el.append('<polygon points="' + " ".join(f"{px:.1f},{py:.1f}" for px, py in pts)
                       + f'" fill="{color}"/>')
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        self.boxes.append(Box(min(xs), min(ys), max(xs), max(ys), "head"))

    def arrow(self, a: str, b: str, dashed=False, color="#222") -> tuple[float, float, float, float]:
        na, nb = self.nodes[a], self.nodes[b]
        x1, y1 = na.border(nb.x, nb.y)
        x2, y2 = nb.border(na.x, na.y)
        dash = ' stroke-dasharray="5,3"' if dashed else ""
        d = math.hypot(x2 - x1, y2 - y1) or 1.0
        ex, ey = x2 - (x2 - x1) / d * (HEAD_L - 1), y2 - (y2 - y1) / d * (HEAD_L - 1)
        self.el.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="{color}" '
                       f'stroke-width="1"{dash}/>')
        self.head(x1, y1, x2, y2, color)
        self.lines.append((x1, y1, x2, y2))
        return x1, y1, x2, y2

    # --- labels -------------------------------------------------------------------------------
    def label_box(self, cx, cy, text, size=FS, bold=False) -> Box:
        w = text_width(text, size, bold) + 3.0
        h = size * 1.15
        return Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, "label", text)

    def label(self, candidates, text, color="#000", size=FS, bold=False, bg=True) -> Box:
        """Place ``text`` centred at the first free candidate point."""
        boxes = [self.label_box(cx, cy, text, size, bold) for cx, cy in candidates]
        chosen = next((b for b in boxes if self.free(b)), None)
        if chosen is None:      # nothing free: the least crowded candidate (the test reports it)
            chosen = min(boxes, key=lambda b: sum(b.hits(o, 1.0) for o in self.boxes if o.kind != "inner"))
        self.boxes.append(chosen)
        cx, cy = (chosen.x0 + chosen.x1) / 2, (chosen.y0 + chosen.y1) / 2
        if bg:
            self.top.append(f'<rect x="{chosen.x0:.1f}" y="{chosen.y0:.1f}" width="{chosen.x1 - chosen.x0:.1f}" '
                            f'height="{chosen.y1 - chosen.y0:.1f}" fill="white"/>')
        fw = ' font-weight="bold"' if bold else ""
        self.top.append(f'<text x="{cx:.1f}" y="{cy + size * 0.36:.1f}" font-size="{size}" text-anchor="middle" '
                        f'fill="{color}"{fw}>{html.escape(text)}</text>')
        if size not in self.font_sizes:
            self.font_sizes.append(size)
        return chosen

    def line_label(self, seg, text, color="#000", fracs=None, beside=True):
        x1, y1, x2, y2 = seg
        fracs = fracs or [0.5, 0.4, 0.6, 0.3, 0.7, 0.22, 0.78, 0.15, 0.85, 0.45, 0.55, 0.35, 0.65]
        d = math.hypot(x2 - x1, y2 - y1) or 1.0
        nx, ny = -(y2 - y1) / d, (x2 - x1) / d
        pts = [(x1 + (x2 - x1) * f, y1 + (y2 - y1) * f) for f in fracs]
        off = FS * 0.9           # then beside the line, on either side
        if beside:
            pts += [(px + sg * nx * off, py + sg * ny * off) for px, py in pts for sg in (1, -1)]
        self.label(pts, text, color)

    def draw_nodes(self):
        for n in self.nodes.values():
            if n.shape == "rect":
                self.top.insert(0, f'<rect x="{n.x - n.w:.1f}" y="{n.y - n.h:.1f}" width="{2 * n.w:.1f}" '
                                   f'height="{2 * n.h:.1f}" fill="white" stroke="#222" stroke-width="1"/>')
            else:
                fill = "#eef3fa" if n.shape == "ellipse" else "white"
                self.top.insert(0, f'<ellipse cx="{n.x:.1f}" cy="{n.y:.1f}" rx="{n.w:.1f}" ry="{n.h:.1f}" '
                                   f'fill="{fill}" stroke="#1f3b63" stroke-width="1"/>')
            fw = ' font-weight="bold"' if n.bold else ""
            tw = text_width(n.text, FS_NODE, n.bold)
            if n.rot:
                self.top.insert(1, f'<text x="{n.x + FS_NODE * 0.36:.1f}" y="{n.y:.1f}" font-size="{FS_NODE}" '
                                   f'text-anchor="middle" transform="rotate(-90 {n.x + FS_NODE * 0.36:.1f} {n.y:.1f})"'
                                   f'{fw}>{html.escape(n.text)}</text>')
                self.boxes.append(Box(n.x - FS_NODE * 0.6, n.y - tw / 2, n.x + FS_NODE * 0.6, n.y + tw / 2, "inner", n.name))
            else:
                self.top.insert(1, f'<text x="{n.x:.1f}" y="{n.y + FS_NODE * 0.36:.1f}" font-size="{FS_NODE}" '
                                   f'text-anchor="middle"{fw}>{html.escape(n.text)}</text>')
                self.boxes.append(Box(n.x - tw / 2, n.y - FS_NODE * 0.6, n.x + tw / 2, n.y + FS_NODE * 0.6, "inner", n.name))


def _fmt(row) -> tuple[str, bool]:
    p = row.p if "p" in row.index else float("nan")
    sig = bool(p < ALPHA) if pd.notna(p) else True
    return f"{apa(row.std_all, nobreak=False)}{stars(p) if pd.notna(p) else ''}", sig


def _tree_size(s: Structure, v: str, horizontal: bool, items: dict[str, Node]) -> tuple[float, float]:
    """(breadth, depth) of the measurement tree of ``v``."""
    leaves = _leaves(s, v)
    if horizontal:          # leaves stacked vertically
        breadth = sum(2 * items[i].h + 4 for i in leaves)
    else:
        breadth = sum(2 * items[i].h + 4 for i in leaves)
    levels = _levels(s, v)
    return breadth, levels


def _leaves(s: Structure, v: str) -> list[str]:
    out = []
    for c in s.loadings.get(v, []):
        out.extend(_leaves(s, c) if c in s.loadings else [c])
    return out


def _levels(s: Structure, v: str) -> int:
    if v not in s.loadings:
        return 0
    return 1 + max(_levels(s, c) for c in s.loadings[v])


def _draw(est: pd.DataFrame, r2: dict[str, float], s: Structure, title: str = "",
          page: str = "portrait") -> Diagram:
    cv = _Canvas()
    items: dict[str, Node] = {}
    errors: dict[str, Node] = {}
    for v in s.roots:
        for i in _leaves(s, v):
            if i not in items:
                items[i] = _node(i, "rect")
    leaves_all = [i for v in s.roots for i in _leaves(s, v)]
    width_e = max([text_width(f"e{len(leaves_all)}", FS_NODE)] + [0]) / 2 + 2.5
    for k, i in enumerate(leaves_all, 1):
        errors[i] = _node(f"e{k}", "circle")
        errors[i].w, errors[i].h = max(width_e, 7.5), 7.5
    n_layers = max(s.layer.values()) + 1 if s.layer else 1
    cols = {k: [v for v in s.roots if s.layer[v] == k] for k in range(n_layers)}

    def orient(v) -> str:
        k = s.layer[v]
        if k == 0:
            return "left"
        if k == n_layers - 1:
            return "right"
        return "up" if cols[k].index(v) < (len(cols[k]) + 1) // 2 else "down"

    # depth gaps (root -> component -> item -> error)
    DH = {"factor": 88.0, "comp": 100.0, "err": 24.0}      # horizontal trees (x distances)
    DV = {"factor": 130.0, "comp": 60.0, "err": 24.0}      # vertical trees (y distances)

    def tree_depth(v, horizontal):
        g = DH if horizontal else DV
        lv = _levels(s, v)
        if lv == 0:
            return 0.0
        return (lv - 1) * g["comp"] + max(factor_step(f, horizontal) for f in _firsts(v)) + g["err"] + 10

    def factor_step(f, horizontal):
        """Factor -> item distance: longer for a wide fan of items, so their labels can stagger."""
        g = DH if horizontal else DV
        n = sum(1 for c in s.loadings.get(f, []) if c not in s.loadings)
        return max(g["factor"], 0.55 * n * 19.0 + (0 if horizontal else 30))

    def _firsts(v):
        if not any(c in s.loadings for c in s.loadings.get(v, [])):
            return [v]
        return [f for c in s.loadings[v] if c in s.loadings for f in _firsts(c)]

    blocks = {}
    for v in s.roots:
        o = orient(v)
        hor = o in ("left", "right")
        breadth, _ = _tree_size(s, v, hor, items)
        blocks[v] = (o, max(breadth, 40.0), tree_depth(v, hor))

    def place_tree(v, o, x, y):
        """Place the tree rooted at v (already at x, y); returns nothing."""
        hor = o in ("left", "right")
        g = DH if hor else DV
        sign = -1 if o in ("left", "up") else 1

        def rec(f, fx, fy, lo):
            kids = s.loadings.get(f, [])
            for c in kids:
                lv = _leaves(s, c) if c in s.loadings else [c]
                size = sum(2 * items[i].h + 4 for i in lv)
                mid = lo + size / 2
                step = g["comp"] if c in s.loadings else factor_step(f, hor)
                if hor:
                    cx, cy = fx + sign * step, mid
                else:
                    cx, cy = mid, fy + sign * step
                if c in s.loadings:
                    n = _node(c, "ellipse", bold=True)
                    n.x, n.y = cx, cy
                    cv.add(n)
                    rec(c, cx, cy, lo)
                else:
                    n = items[c]
                    if not hor:
                        _turn(n)
                        _turn(errors[c])
                    n.x, n.y = cx, cy
                    cv.add(n)
                    e = errors[c]
                    if hor:
                        e.x, e.y = cx + sign * (n.w + g["err"]), cy
                    else:
                        e.x, e.y = cx, cy + sign * (n.h + g["err"])
                    cv.nodes[e.name] = e
                    cv.boxes.append(e.box())
                lo += size

        breadth = blocks[v][1]
        rec(v, x, y, (y if hor else x) - breadth / 2)

    # column geometry
    GAP = 90.0 if n_layers > 1 else 20.0
    root_nodes = {v: (_node(v, "ellipse", bold=True) if v in s.loadings else _node(v, "rect", bold=True))
                  for v in s.roots}

    def ext(v):
        o, breadth, depth = blocks[v]
        rn = root_nodes[v]
        if o == "left":
            return depth + rn.w, rn.w, breadth
        if o == "right":
            return rn.w, depth + rn.w, breadth
        return max(breadth / 2, rn.w), max(breadth / 2, rn.w), depth + rn.h + 30

    middle = [k for k in range(n_layers) if 0 < k < n_layers - 1]

    def col_ext(k):
        """(left, right) extent of column k around its x."""
        if k in middle:     # mediators side by side: 'up' ones above the paths, 'down' ones below
            wide = max(sum(ext(v)[0] + ext(v)[1] + 14 for v in cols[k] if orient(v) == o) for o in ("up", "down"))
            return wide / 2, wide / 2
        return max(ext(v)[0] for v in cols[k]), max(ext(v)[1] for v in cols[k])

    x = 12.0
    col_x = {}
    for k in range(n_layers):
        left, right = col_ext(k)
        col_x[k] = x + left
        x = col_x[k] + right + GAP
    # covariance arcs of the first layer: room on its inner side
    cov0 = [(a, b) for a, b in s.covariances if a in cols[0] and b in cols[0]]
    arc_room = (22.0 + 34.0 * max(len(cols[0]) - 2, 0) + 30.0) if cov0 else 0.0
    if n_layers > 1 and arc_room > GAP - 20:
        for k in range(1, n_layers):
            col_x[k] += arc_room - GAP + 20
    outer = [k for k in range(n_layers) if k not in middle]
    col_h = {k: sum(ext(v)[2] + 10 for v in cols[k]) for k in outer}
    H = max(col_h.values()) + 40
    top0 = 24.0 if title else 8.0
    for k in outer:
        y = top0 + (H - col_h[k]) / 2
        for v in cols[k]:
            hgt = ext(v)[2]
            rn = root_nodes[v]
            rn.x, rn.y = col_x[k], y + hgt / 2
            cv.add(rn)
            place_tree(v, blocks[v][0], rn.x, rn.y)
            y += hgt + 10
    outer_y = [root_nodes[v].y for k in outer for v in cols[k]] or [top0]
    for k in middle:
        for o, ry in (("up", min(outer_y) - 40), ("down", max(outer_y) + 40)):
            group = [v for v in cols[k] if orient(v) == o]
            total = sum(ext(v)[0] + ext(v)[1] + 14 for v in group)
            x = col_x[k] - total / 2
            for v in group:
                rn = root_nodes[v]
                rn.x, rn.y = x + ext(v)[0] + 7, ry
                cv.add(rn)
                place_tree(v, o, rn.x, rn.y)
                x += ext(v)[0] + ext(v)[1] + 14

    # edges: loadings
    std = {(r.lhs, r.op, r.rhs): r for r in est.itertuples(index=False)}
    est_rows = {(r.lhs, r.op, r.rhs): r for _, r in est.iterrows()}
    load_segs = []
    for f, inds in s.loadings.items():
        if f not in cv.nodes:
            continue
        for i in inds:
            if i not in cv.nodes:
                continue
            seg = cv.arrow(f, i)
            load_segs.append((seg, est_rows[(f, "=~", i)]))
    for i, e in errors.items():
        if e.name in cv.nodes:
            cv.arrow(e.name, i)
    # structural paths
    reg_segs = []
    for y_, x_ in s.regressions:
        if x_ in cv.nodes and y_ in cv.nodes:
            row = est_rows[(y_, "~", x_)]
            text, sig = _fmt(row)
            seg = cv.arrow(x_, y_, dashed=not sig, color="#222" if sig else "#777")
            reg_segs.append((seg, text, sig))
    # covariance arcs on the inner (right) side of the first layer
    arc_labels = []
    if cov0:
        order = cols[0]
        for a, b in cov0:
            ia, ib = order.index(a), order.index(b)
            if ia > ib:
                a, b, ia, ib = b, a, ib, ia
            na, nb = cv.nodes[a], cv.nodes[b]
            gap = ib - ia
            xa, ya = na.x + na.w * 0.8, na.y + na.h * 0.6
            xb, yb = nb.x + nb.w * 0.8, nb.y - nb.h * 0.6
            apex = max(na.x + na.w, nb.x + nb.w) + 22 + 34 * (gap - 1)
            cx_, cy_ = 2 * apex - (xa + xb) / 2, (ya + yb) / 2
            r = est_rows.get((a, "~~", b))
            if r is None:
                r = est_rows[(b, "~~", a)]
            text, sig = _fmt(r)
            color = "#444" if sig else "#888"
            dash = "" if sig else ' stroke-dasharray="4,3"'
            ta = ((cx_ - xa), (cy_ - ya))
            tb = ((cx_ - xb), (cy_ - yb))
            # shorten the ends for the heads
            def shorten(px, py, t):
                d = math.hypot(*t) or 1.0
                return px + t[0] / d * (HEAD_L - 1), py + t[1] / d * (HEAD_L - 1)
            sa, sb = shorten(xa, ya, ta), shorten(xb, yb, tb)
            cv.el.append(f'<path d="M{sa[0]:.1f},{sa[1]:.1f} Q{cx_:.1f},{cy_:.1f} {sb[0]:.1f},{sb[1]:.1f}" '
                         f'fill="none" stroke="{color}" stroke-width="0.9"{dash}/>')
            cv.head(cx_, cy_, xa, ya, color)
            cv.head(cx_, cy_, xb, yb, color)
            pts = []
            for t in (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73, 0.2, 0.8):
                px = (1 - t) ** 2 * xa + 2 * t * (1 - t) * cx_ + t ** 2 * xb
                py = (1 - t) ** 2 * ya + 2 * t * (1 - t) * cy_ + t ** 2 * yb
                pts.append((px, py))
            arc_labels.append((pts, text, color))
    # disturbances of endogenous factors (structural outcomes and components of higher-order factors)
    endo = [v for v in s.roots if any(y == v for y, _ in s.regressions)]
    comps = [c for f in s.loadings for c in s.loadings[f] if c in s.loadings]
    endo += [c for c in comps if c not in endo]
    for k, v in enumerate([v for v in endo if v in cv.nodes], 1):
        n = cv.nodes[v]
        z = _node(f"z{k}", "circle")
        cands = []
        for dist in (14, 24, 36, 50):
            for ang in (-90, -60, -120, 90, 60, 120, -30, -150, 30, 150, 0, 180):
                a = math.radians(ang)
                bx, by = n.x + (n.w + z.w + dist) * math.cos(a), n.y + (n.h + z.h + dist) * math.sin(a)
                cands.append((bx, by))
        chosen = None
        for bx, by in cands:
            z.x, z.y = bx, by
            if cv.free(z.box(), pad=2, lines=True):
                chosen = (bx, by)
                break
        if chosen is None:
            for bx, by in cands:
                z.x, z.y = bx, by
                if cv.free(z.box(), pad=2):
                    chosen = (bx, by)
                    break
        z.x, z.y = chosen or cands[0]
        cv.nodes[z.name] = z
        cv.boxes.append(z.box())
        cv.arrow(z.name, v)
    # labels: loadings, paths, covariances, then R² (most room around its factor)
    for seg, row in load_segs:
        text, _ = _fmt(row)
        x1, y1, x2, y2 = seg
        L = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = abs(x2 - x1) / L, abs(y2 - y1) / L      # extent of the label along the line
        half = ux * (text_width(text, FS) / 2 + 2) + uy * (FS * 0.6 + 2)
        fr = [1 - (half + HEAD_L + 2 + half * 0.5 * k) / L for k in range(24)]
        cv.line_label(seg, text, fracs=[f for f in fr if 0.15 < f < 0.95] or [0.6], beside=False)
    for seg, text, sig in reg_segs:
        cv.line_label(seg, text, color="#000" if sig else "#666")
    for pts, text, color in arc_labels:
        cv.label(pts, text, color=color)
    for v in endo:
        if v in r2 and v in cv.nodes:
            n = cv.nodes[v]
            text = f"R² = {apa(r2[v], nobreak=False)}"
            tw = text_width(text, FS) / 2 + 3
            cands = []
            for dy in (0, 6, -6, 12, -12):
                cands += [(n.x + n.w + tw + 3, n.y - n.h - 2 + dy), (n.x - n.w - tw - 3, n.y - n.h - 2 + dy),
                          (n.x + n.w + tw + 3, n.y + n.h + 2 + dy), (n.x - n.w - tw - 3, n.y + n.h + 2 + dy)]
            cands += [(n.x, n.y - n.h - 7 - d) for d in (0, 8, 16)] + [(n.x, n.y + n.h + 7 + d) for d in (0, 8, 16)]
            for dist in (6, 12, 20, 30):          # a widening ring around the factor
                for ang in range(0, 360, 20):
                    a = math.radians(ang)
                    cands.append((n.x + (n.w + tw + dist) * math.cos(a), n.y + (n.h + 6 + dist) * math.sin(a)))
            cv.label(cands, text, color="#1f3b63", bg=True)
    cv.draw_nodes()
    xs0 = min(b.x0 for b in cv.boxes) - 6
    ys0 = min(b.y0 for b in cv.boxes) - 6
    W = max(b.x1 for b in cv.boxes) + 6 - xs0
    Hh = max(b.y1 for b in cv.boxes) + 6 - ys0
    pw, ph = PAGES[page]
    scale = min(pw / W, ph / Hh)            # printed size: the text block of the page, ratio kept
    head = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{xs0:.1f} {ys0:.1f} {W:.1f} {Hh:.1f}" '
            f'width="{W * scale:.1f}pt" height="{Hh * scale:.1f}pt" font-family="{FONT_FAMILY}, sans-serif" '
            f'font-size="{FS}">']
    if title:
        head.append(f'<text x="{xs0 + 6:.1f}" y="{ys0 + 14:.1f}" font-size="10" font-weight="bold">'
                    f'{html.escape(title)}</text>')
    svg = "\n".join(head + cv.el + cv.top + ["</svg>"]) + "\n"
    return Diagram(svg, cv.boxes, W, Hh, cv.font_sizes)


def cfa_diagram(estimates: pd.DataFrame, title: str = "") -> Diagram:
    """Measurement model: every factor with its items and error terms, correlations as arcs."""
    s = structure(estimates, with_regressions=False)
    s.layer = {v: 0 for v in s.roots}
    return _draw(estimates, {}, s, title, page="portrait")


def sem_diagram(estimates: pd.DataFrame, r2: pd.DataFrame, title: str = "") -> Diagram:
    """Full structural model: items, errors, first- and higher-order factors, disturbances, β, R²."""
    s = structure(estimates)
    r2map = dict(zip(r2["variable"], r2["r2"])) if r2 is not None and len(r2) else {}
    return _draw(estimates, r2map, s, title, page="landscape")


def overlaps(d: Diagram, pad: float = 0.0) -> list[tuple[Box, Box]]:
    """Pairs of boxes that intersect: a label with anything, or two shapes."""
    out = []
    bs = [b for b in d.boxes if b.kind != "inner"]
    for i, a in enumerate(bs):
        for b in bs[i + 1:]:
            if a.kind == "head" and b.kind == "head":
                continue
            if "label" not in (a.kind, b.kind) and not (a.kind == b.kind == "shape"):
                continue
            if a.hits(b, pad):
                out.append((a, b))
    return out


def printed_font_pt(d: Diagram, page: str) -> float:
    """Smallest font size in pt when the SVG fills the text block of ``page`` (keeping its ratio)."""
    pw, ph = PAGES[page]
    return min(d.font_sizes) * min(pw / d.width, ph / d.height)
