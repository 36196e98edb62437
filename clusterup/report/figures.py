"""Figures of the chapter, as SVG, with no external binary (no graphviz).

* :func:`path_diagram` — the structural model drawn from the model and its standardized estimates:
  variables layered by their position in the regression graph (exogenous left), components of
  higher-order factors in a row beneath their factor, arrows labelled with β and significance
  marks, non-significant paths dashed, R² under every endogenous variable, correlations among
  exogenous variables as arcs.  Pure SVG text, written by hand.
* :func:`item_distributions`, :func:`correlation_heatmap`, :func:`bootstrap_histograms` —
  matplotlib (Agg backend), saved as deterministic SVG (fixed hash salt, no date).
"""
from __future__ import annotations

import html
import textwrap
import math

import numpy as np
import pandas as pd

from clusterup.report.formatting import apa, stars

# ---------------------------------------------------------------------------------------------
# path diagram
# ---------------------------------------------------------------------------------------------
RX, RY = 56, 25
COL_GAP, ROW_GAP, COMP_GAP = 250, 105, 112


def _layers(structural: list[str], regressions: list[tuple[str, str]]) -> dict[str, int]:
    preds: dict[str, set[str]] = {v: set() for v in structural}
    for y, x in regressions:
        preds.setdefault(y, set()).add(x)
    layer: dict[str, int] = {}

    def depth(v: str, seen=()) -> int:
        if v in layer:
            return layer[v]
        if v in seen:
            return 0
        d = 0 if not preds.get(v) else 1 + max(depth(u, seen + (v,)) for u in preds[v])
        layer[v] = d
        return d

    for v in structural:
        depth(v)
    return layer


def _edge_point(cx, cy, tx, ty, rx=RX, ry=RY):
    """Point on the ellipse centred (cx, cy) in the direction of (tx, ty)."""
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    t = 1.0 / math.sqrt((dx / rx) ** 2 + (dy / ry) ** 2)
    return cx + dx * t, cy + dy * t


def path_diagram(estimates: pd.DataFrame, r2: pd.DataFrame, labels: dict[str, str],
                 second_order: dict[str, list[str]], title: str = "") -> str:
    """SVG text of the structural model with completely standardized estimates.

    Layout: one column per layer of the regression graph (exogenous variables left).  A variable
    that lies between the two ends of a direct path skipping its layer (a mediator) is raised
    above the others so the direct paths run beneath it; components of a raised higher-order
    factor are drawn above it, those of the other higher-order factors below the diagram.

    Parameters
    ----------
    estimates : DataFrame
        ``sem/estimates.csv`` (lhs, op, rhs, est, p, std_all).
    r2 : DataFrame
        ``sem/r2.csv`` (variable, r2).
    labels : dict
        Variable -> display label.
    second_order : dict
        Higher-order factor -> its first-order components.
    """
    reg = estimates[estimates.op == "~"]
    regressions = [(r.lhs, r.rhs) for r in reg.itertuples()]
    structural = list(dict.fromkeys([v for y, x in regressions for v in (x, y)] + list(second_order)))
    if not structural:
        structural = list(dict.fromkeys(estimates[estimates.op == "=~"]["lhs"]))
    layer = _layers(structural, regressions)
    n_layers = max(layer.values()) + 1 if layer else 1
    skips = [(x, y) for y, x in regressions if layer[y] - layer[x] > 1]
    raised = {v for v in structural for x, y in skips if layer[x] < layer[v] < layer[y]}
    cols = {k: [v for v in structural if layer[v] == k and v not in raised] for k in range(n_layers)}
    max_rows = max([len(v) for v in cols.values()] + [1])
    comps_above = {h: c for h, c in second_order.items() if h in raised}
    comps_below = {h: c for h, c in second_order.items() if h not in raised}
    widest = max([len(c) for c in second_order.values()] + [1])
    col_gap = max(COL_GAP, COMP_GAP * widest + 40)
    y = 40.0
    comp_top_y = y + 30 if comps_above else None
    if comps_above:
        y += 150
    raised_y = y + 30 if raised else None
    if raised:
        y += 110
    main_top = y
    main_h = max_rows * ROW_GAP
    comp_bottom_y = main_top + main_h + 70 if comps_below else None
    height = (comp_bottom_y + 75) if comps_below else (main_top + main_h + 45)
    x0 = 215
    pos: dict[str, tuple[float, float]] = {}
    for k, vs in cols.items():
        x = x0 + k * col_gap
        offset = (max_rows - len(vs)) * ROW_GAP / 2
        for i, v in enumerate(vs):
            pos[v] = (x, main_top + offset + i * ROW_GAP + ROW_GAP / 2)
    for k in range(n_layers):
        rs = [v for v in structural if layer[v] == k and v in raised]
        for i, v in enumerate(rs):
            pos[v] = (x0 + k * col_gap + (i - (len(rs) - 1) / 2) * 2.4 * RX, raised_y)
    comp_pos: dict[str, tuple[float, float]] = {}
    for group, cy in ((comps_above, comp_top_y), (comps_below, comp_bottom_y)):
        for h, comps in group.items():
            hx = pos[h][0]
            for j, c in enumerate(comps):
                comp_pos[c] = (hx + (j - (len(comps) - 1) / 2) * COMP_GAP, cy)
    all_x = [p[0] for p in list(pos.values()) + list(comp_pos.values())]
    width = max(all_x) + RX + 40
    shift = max(0.0, 20 - (min(all_x) - RX - 150))
    r2map = dict(zip(r2["variable"], r2["r2"])) if len(r2) else {}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width + shift:.0f} {height:.0f}" '
           f'width="{width + shift:.0f}" height="{height:.0f}" font-family="DejaVu Sans, Arial, sans-serif" '
           f'font-size="16">',
           '<defs><marker id="arr" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#222"/></marker>'
           '<marker id="arrg" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
           'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#888"/></marker></defs>',
           f'<g transform="translate({shift:.1f},0)">']
    if title:
        out.append(f'<text x="10" y="22" font-size="14" font-weight="bold">{html.escape(title)}</text>')

    def label_box(x, y, text, color="#000"):
        w = 9.0 * len(text) + 8
        out.append(f'<rect x="{x - w / 2:.1f}" y="{y - 10:.1f}" width="{w:.1f}" height="17" fill="white" '
                   f'fill-opacity="0.92" rx="3"/>')
        out.append(f'<text x="{x:.1f}" y="{y + 3:.1f}" text-anchor="middle" fill="{color}">{html.escape(text)}</text>')

    def edge_text(row) -> tuple[str, bool]:
        sig = row.p < 0.05 if pd.notna(row.p) else True
        return f"{apa(row.std_all, nobreak=False)}{stars(row.p)}", sig

    def line(p1, p2, sig, text, frac=0.42, r1=(RX, RY), r2_=(RX, RY)):
        (x1, y1), (x2, y2) = p1, p2
        sx, sy = _edge_point(x1, y1, x2, y2, *r1)
        ex, ey = _edge_point(x2, y2, x1, y1, *r2_)
        color, marker = ("#222", "arr") if sig else ("#888", "arrg")
        dash = "" if sig else ' stroke-dasharray="6,4"'
        out.append(f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="{color}" '
                   f'stroke-width="1.5"{dash} marker-end="url(#{marker})"/>')
        label_box(sx + frac * (ex - sx), sy + frac * (ey - sy), text, color)

    # correlations among the exogenous variables: arcs to the left of the first column
    exo = cols.get(0, [])
    cov = estimates[(estimates.op == "~~") & (estimates.lhs != estimates.rhs)]
    for r in cov.itertuples():
        if r.lhs in exo and r.rhs in exo:
            (xa, ya), (xb, yb) = pos[r.lhs], pos[r.rhs]
            gap = abs(exo.index(r.lhs) - exo.index(r.rhs))
            cx = xa - RX - 40 - 45 * gap
            out.append(f'<path d="M{xa - RX + 4:.1f},{ya + 6:.1f} Q{cx:.1f},{(ya + yb) / 2:.1f} {xb - RX + 4:.1f},{yb - 6:.1f}" '
                       f'fill="none" stroke="#555" stroke-width="1.2" marker-start="url(#arr)" marker-end="url(#arr)"/>')
            text, _ = edge_text(r)
            label_box((xa - RX + cx) / 2 + 4, (ya + yb) / 2, text, "#333")
    # regressions (direct paths that skip a layer get their label near the source)
    for r in reg.itertuples():
        text, sig = edge_text(r)
        frac = 0.25 if (r.rhs, r.lhs) in skips else 0.42
        line(pos[r.rhs], pos[r.lhs], sig, text, frac)
    # loadings of the higher-order factors on their components
    loads = estimates[estimates.op == "=~"]
    for h, comps in second_order.items():
        for c in comps:
            row = loads[(loads.lhs == h) & (loads.rhs == c)]
            text, _ = edge_text(row.iloc[0]) if len(row) else ("", True)
            line(pos[h], comp_pos[c], True, text, 0.55, (RX, RY), (RX - 12, RY - 5))
    # nodes
    for v, (x, y) in list(pos.items()) + list(comp_pos.items()):
        small = v in comp_pos
        rx, ry = (RX - 12, RY - 5) if small else (RX, RY)
        fill = "#eef3fa" if not small else "#f6f6f6"
        out.append(f'<ellipse cx="{x:.1f}" cy="{y:.1f}" rx="{rx}" ry="{ry}" fill="{fill}" stroke="#1f3b63" '
                   f'stroke-width="1.5"/>')
        out.append(f'<text x="{x:.1f}" y="{y + 5:.1f}" text-anchor="middle" font-weight="bold">{html.escape(v)}</text>')
        lab = labels.get(v, "")
        if lab and lab != v and not small:
            short = lab if len(lab) <= 34 else lab[:32] + "…"
            ly = y - ry - 7 if v not in raised else y - ry - 7
            out.append(f'<text x="{x:.1f}" y="{ly:.1f}" text-anchor="middle" font-size="12.5" '
                       f'fill="#333">{html.escape(short)}</text>')
        if v in r2map:
            if small:      # components: R² outside the row, away from the arrows
                below = not (comp_top_y is not None and y == comp_top_y)
                ty = y + ry + 16 if below else y - ry - 7
                out.append(f'<text x="{x:.1f}" y="{ty:.1f}" text-anchor="middle" font-size="12.5" '
                           f'fill="#1f3b63">R² = {apa(r2map[v], nobreak=False)}</text>')
            else:          # structural factors: R² to the right of the ellipse
                out.append(f'<text x="{x + rx + 5:.1f}" y="{y + ry + 4:.1f}" text-anchor="start" '
                           f'font-size="12.5" fill="#1f3b63">R² = {apa(r2map[v], nobreak=False)}</text>')
    out.append('</g>')
    out.append(f'<text x="10" y="{height - 8:.0f}" font-size="13" fill="#444">Completely standardized estimates. '
               '* p &lt; .05, ** p &lt; .01, *** p &lt; .001; dashed: not significant. Codes of the factors: '
               'Appendix A.</text>')
    out.append("</svg>")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# matplotlib figures
# ---------------------------------------------------------------------------------------------
def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "clusterup", "font.family": "DejaVu Sans", "font.size": 9,
                         "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _save(fig, path: str) -> None:
    fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)


def item_distributions(data: pd.DataFrame, items: list[str], scale_min: float, scale_max: float, path: str,
                       continuous: bool = False) -> None:
    """Stacked horizontal bars: % of answered (non-imputed) responses in each category per item.

    Integer-coded scales show each answer code; continuous scores (or scales of more than 11 points)
    are shown in five equal-width bands of [min, max]."""
    plt = _plt()
    integer = not continuous and scale_max - scale_min <= 10
    if integer:
        cats = [str(c) for c in range(int(scale_min), int(scale_max) + 1)]
        edges = np.arange(int(scale_min), int(scale_max) + 2) - 0.5
    else:
        edges = np.linspace(scale_min, scale_max, 6)
        cats = [f"{a:.3g}–{b:.3g}" for a, b in zip(edges[:-1], edges[1:])]
    shares = []
    for it in items:
        x = data[it].to_numpy(dtype=float)
        x = x[np.isfinite(x)]
        if integer:
            x = x[np.mod(x, 1) == 0]
        counts, _ = np.histogram(np.clip(x, edges[0], edges[-1]), bins=edges)
        shares.append(100 * counts / max(len(x), 1))
    shares = np.array(shares)
    fig, ax = plt.subplots(figsize=(7.0, 0.15 * len(items) + 1.1))
    colors = plt.get_cmap("RdYlBu")(np.linspace(0.1, 0.9, len(cats)))
    left = np.zeros(len(items))
    y = np.arange(len(items))[::-1]
    for j, c in enumerate(cats):
        ax.barh(y, shares[:, j], left=left, color=colors[j], edgecolor="white", linewidth=0.3, label=c)
        left += shares[:, j]
    ax.set_yticks(y, items, fontsize=7)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of answered responses")
    ax.legend(title="Response", ncol=len(cats), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
              fontsize=7, title_fontsize=7)
    _save(fig, path)


def correlation_heatmap(table: pd.DataFrame, path: str) -> None:
    """Heatmap of construct correlations with r printed in each cell (stars for p)."""
    plt = _plt()
    names = list(table["construct"])
    R = table[[f"r_{n}" for n in names]].to_numpy(dtype=float)
    P = table[[f"p_{n}" for n in names]].to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(0.55 * len(names) + 1.8, 0.55 * len(names) + 1.2))
    im = ax.imshow(R, cmap="RdBu_r", vmin=-1, vmax=1)
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    for i in range(len(names)):
        for j in range(len(names)):
            if i != j:
                ax.text(j, i, f"{apa(R[i, j], nobreak=False)}{stars(P[i, j])}", ha="center", va="center", fontsize=6.5,
                        color="white" if abs(R[i, j]) > 0.6 else "black")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="Pearson r")
    _save(fig, path)


def bootstrap_histograms(draws: pd.DataFrame, effects: pd.DataFrame, names: list[str], path: str,
                         titles: dict[str, str] | None = None) -> None:
    """Histogram of each effect's bootstrap draws with the estimate, percentile and BC intervals;
    panels are titled by the effects' display names (``titles``), never by their ``:=`` names."""
    plt = _plt()
    n = max(1, len(names))
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.4 * cols + 0.4, 2.0 * rows + 0.4), squeeze=False)
    eff = effects.set_index("effect")
    for k, name in enumerate(names):
        ax = axes[k // cols][k % cols]
        d = draws[name].to_numpy(dtype=float)
        ax.hist(d, bins=60, color="#9db7d5", edgecolor="none")
        e = eff.loc[name]
        ax.axvline(e["estimate"], color="#1f3b63", lw=1.2, label="estimate")
        for lo, hi, style, lab in ((e["perc_lo"], e["perc_hi"], ":", "percentile CI"),
                                   (e["bc_lo"], e["bc_hi"], "--", "BC CI")):
            ax.axvline(lo, color="#b5462f", ls=style, lw=1)
            ax.axvline(hi, color="#b5462f", ls=style, lw=1, label=lab)
        ax.axvline(0, color="black", lw=0.6)
        ax.set_title(textwrap.fill((titles or {}).get(name, name), 34), fontsize=7)
        ax.set_yticks([])
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].axis("off")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False, fontsize=7, bbox_to_anchor=(0.5, -0.04))
    fig.tight_layout()
    _save(fig, path)
