"""The power-curve figure of the power section (matplotlib, deterministic SVG as :mod:`figures`)."""
from __future__ import annotations

import pandas as pd

from clusterup.report.figures import _plt, _save


def power_curves(power: pd.DataFrame, path: str, study_n: int | None = None,
                 targets: tuple[float, ...] = (0.8, 0.9), title_of: dict[str, str] | None = None) -> None:
    """Monte-Carlo power against N, one line per hypothesis (±1.96 mc_se as error bars), the
    target powers as dashed lines and the study's own N as a dotted vertical line."""
    plt = _plt()
    ids = list(dict.fromkeys(power["id"]))
    fig, ax = plt.subplots(figsize=(6.4, 3.9))
    cmap = plt.get_cmap("tab20" if len(ids) > 10 else "tab10")
    markers = "osD^vP*Xh<>"
    for k, hid in enumerate(ids):
        g = power[power["id"] == hid].sort_values("n")
        ax.errorbar(g["n"], g["power"], yerr=1.96 * g["mc_se"], marker=markers[k % len(markers)], ms=4,
                    lw=1.2, capsize=2, color=cmap(k % cmap.N), label=(title_of or {}).get(hid, hid))
    for t in targets:
        ax.axhline(t, color="0.5", lw=0.8, ls="--")
    if study_n:
        ax.axvline(study_n, color="0.3", lw=0.8, ls=":")
        ax.annotate(f"N = {study_n}", (study_n, 0.02), xytext=(3, 0), textcoords="offset points", fontsize=8)
    ax.set_xlabel("Sample size N")
    ax.set_ylabel("Power")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xticks(sorted(power["n"].unique()))
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=8)
    _save(fig, path)
