"""Construct composite scores and their correlation matrix (the thesis's "means, SDs, r" table).

Composite score of a first-order construct: the mean of its retained items (after reverse coding
and purification); of a second-order construct: the mean of its first-order composites.
Pearson r with two-sided p from t = r·√((N − 2)/(1 − r²)) on N − 2 df (SPSS ``CORRELATIONS``).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from clusterup import distributions as dist


def composite_scores(data: pd.DataFrame, first_order: dict[str, list[str]],
                     second_order: dict[str, list[str]] | None = None) -> pd.DataFrame:
    scores = pd.DataFrame({c: data[items].mean(axis=1) for c, items in first_order.items()})
    for c, parts in (second_order or {}).items():
        if all(p in scores for p in parts):
            scores[c] = scores[parts].mean(axis=1)
    return scores


def correlation_table(scores: pd.DataFrame, labels: dict[str, str], levels: dict[str, str]) -> pd.DataFrame:
    """One row per construct: label, level, n, mean, sd, then r_<X> and p_<X> for every construct."""
    names = list(scores.columns)
    n = len(scores)
    R = scores.corr().to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        t = R * np.sqrt((n - 2) / (1 - R ** 2))
    P = 2 * dist.t_sf(np.abs(t), n - 2)
    np.fill_diagonal(P, 0.0)
    rows = []
    for i, c in enumerate(names):
        row = {"construct": c, "label": labels.get(c, c), "level": levels.get(c, "first-order"), "n": n,
               "mean": float(scores[c].mean()), "sd": float(scores[c].std(ddof=1))}
        for j, d in enumerate(names):
            row[f"r_{d}"] = float(R[i, j])
        for j, d in enumerate(names):
            row[f"p_{d}"] = float(P[i, j])
        rows.append(row)
    return pd.DataFrame(rows)
