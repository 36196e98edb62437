"""Figures of the chapter, as SVG, with no external binary (no graphviz).

The path diagrams (CFA and full SEM, AMOS style) are in :mod:`clusterup.report.diagrams`.

* :func:`item_distributions`, :func:`correlation_heatmap`, :func:`bootstrap_histograms` —
  matplotlib (Agg backend), saved as deterministic SVG (fixed hash salt, no date).
"""
from __future__ import annotations

import textwrap
import math

import numpy as np
import pandas as pd

from clusterup.report.formatting import apa, stars

# ---------------------------------------------------------------------------------------------
# matplotlib figures
# ---------------------------------------------------------------------------------------------
def _ident(s: str) -> str:
    return s


def _plt(cjk: bool = False):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # Chinese figures: Noto Sans CJK for the characters DejaVu Sans lacks (per-glyph fallback).
    # Text stays text in the SVG (svg.fonttype "none"), set in the chapter's own fonts when
    # WeasyPrint draws it: searchable in the PDF, and drawn several times faster than glyph outlines
    # (the outlines of the Chinese figures were about a quarter of the Chinese report job)
    family = ["DejaVu Sans", "Noto Sans CJK SC"] if cjk else "DejaVu Sans"
    plt.rcParams.update({"svg.hashsalt": "clusterup", "svg.fonttype": "none", "font.family": family,
                         "font.size": 9, "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _save(fig, path: str) -> None:
    fig.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)


def item_distributions(data: pd.DataFrame, items: list[str], scale_min: float, scale_max: float, path: str,
                       continuous: bool = False, _=_ident, cjk: bool = False) -> None:
    """Stacked horizontal bars: % of answered (non-imputed) responses in each category per item.

    Integer-coded scales show each answer code; continuous scores (or scales of more than 11 points)
    are shown in five equal-width bands of [min, max]."""
    plt = _plt(cjk)
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
        counts, _bins = np.histogram(np.clip(x, edges[0], edges[-1]), bins=edges)
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
    ax.set_xlabel(_("% of answered responses"))
    ax.legend(title=_("Response"), ncol=len(cats), loc="lower center", bbox_to_anchor=(0.5, 1.0), frameon=False,
              fontsize=7, title_fontsize=7)
    _save(fig, path)


def correlation_heatmap(table: pd.DataFrame, path: str, _=_ident, cjk: bool = False) -> None:
    """Heatmap of construct correlations with r printed in each cell (stars for p)."""
    plt = _plt(cjk)
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
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label=_("Pearson r"))
    _save(fig, path)


def bootstrap_histograms(draws: pd.DataFrame, effects: pd.DataFrame, names: list[str], path: str,
                         titles: dict[str, str] | None = None, _=_ident, cjk: bool = False) -> None:
    """Histogram of each effect's bootstrap draws with the estimate, percentile and BC intervals;
    panels are titled by the effects' display names (``titles``), never by their ``:=`` names."""
    plt = _plt(cjk)
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
        ax.axvline(e["estimate"], color="#1f3b63", lw=1.2, label=_("estimate"))
        for lo, hi, style, lab in ((e["perc_lo"], e["perc_hi"], ":", _("percentile CI")),
                                   (e["bc_lo"], e["bc_hi"], "--", _("BC CI"))):
            ax.axvline(lo, color="#b5462f", ls=style, lw=1)
            ax.axvline(hi, color="#b5462f", ls=style, lw=1, label=lab)
        ax.axvline(0, color="black", lw=0.6)
        ax.set_title(textwrap.fill((titles or {}).get(name, name), 18 if cjk else 34), fontsize=7)
        ax.set_yticks([])
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].axis("off")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=3, frameon=False, fontsize=7, bbox_to_anchor=(0.5, -0.04))
    fig.tight_layout()
    _save(fig, path)
