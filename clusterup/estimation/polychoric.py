"""Thresholds and polychoric correlations of ordinal items, as lavaan 0.6 (``lavCor(ordered = ...)``).

Two-step estimation (Olsson 1979), the way lavaan's ``lav_samplestats`` does for ordered data:

1. thresholds per item from its marginal proportions, τ_k = Φ⁻¹(P(y ≤ k)), k = 1 … K−1;
2. per pair of items, with both items' thresholds fixed, the correlation ρ that maximises the
   bivariate-normal likelihood of the K₁ × K₂ contingency table,
   ℓ(ρ) = Σ_ab n_ab log π_ab(ρ),  π_ab = Φ₂(τ_a, τ_b; ρ) − Φ₂(τ_{a−1}, τ_b; ρ) − … (rectangle).

Not yet here (issue 11, WLSMV): the asymptotic covariance (NACOV) of (thresholds, correlations)
from the casewise scores of the univariate and bivariate likelihoods.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.stats import multivariate_normal, norm

_BIG = 12.0  # stands in for ±∞ in the bivariate normal CDF (Φ(12) = 1 to double precision)


def _categories(x: pd.Series) -> np.ndarray:
    return np.sort(pd.unique(x.dropna()))


def thresholds(x: pd.Series) -> np.ndarray:
    """Thresholds τ_1 … τ_{K−1} of one ordinal item from its observed categories (missing rows ignored).

    A category with zero count is not a category of the data; a caller that knows the scale
    (codebook min/max) must check for empty categories itself (thresholds are then undefined).
    """
    x = x.dropna()
    cats = _categories(x)
    counts = np.array([(x == c).sum() for c in cats], dtype=float)
    cum = np.cumsum(counts)[:-1] / counts.sum()
    return norm.ppf(cum)


def _bounds(th: np.ndarray) -> np.ndarray:
    return np.concatenate([[-_BIG], np.clip(th, -_BIG, _BIG), [_BIG]])


def _cell_probs(t1: np.ndarray, t2: np.ndarray, rho: float) -> np.ndarray:
    b1, b2 = _bounds(t1), _bounds(t2)
    g1, g2 = np.meshgrid(b1, b2, indexing="ij")
    pts = np.column_stack([g1.ravel(), g2.ravel()])
    F = multivariate_normal(mean=[0.0, 0.0], cov=[[1.0, rho], [rho, 1.0]]).cdf(pts)
    F = np.asarray(F).reshape(g1.shape)
    F[0, :] = 0.0
    F[:, 0] = 0.0
    P = F[1:, 1:] - F[:-1, 1:] - F[1:, :-1] + F[:-1, :-1]
    return np.clip(P, 1e-300, None)


def polychoric_pair(x: pd.Series, y: pd.Series, tx: np.ndarray | None = None,
                    ty: np.ndarray | None = None) -> float:
    """ML polychoric correlation of two ordinal items with thresholds fixed (pairwise-complete rows)."""
    ok = x.notna() & y.notna()
    x, y = x[ok], y[ok]
    tx = thresholds(x) if tx is None else tx
    ty = thresholds(y) if ty is None else ty
    cx, cy = _categories(x), _categories(y)
    table = pd.crosstab(pd.Categorical(x, cx), pd.Categorical(y, cy), dropna=False).to_numpy(float)

    def nll(rho: float) -> float:
        return -float((table * np.log(_cell_probs(tx, ty, rho))).sum())

    res = minimize_scalar(nll, bounds=(-0.995, 0.995), method="bounded",
                          options={"xatol": 1e-9})
    return float(res.x)


def polychoric(data: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Polychoric correlation matrix and thresholds of every column of ``data`` (ordinal codes)."""
    items = list(data.columns)
    th = {c: thresholds(data[c]) for c in items}
    R = np.eye(len(items))
    for i in range(len(items)):
        for j in range(i):
            ok = data[items[i]].notna() & data[items[j]].notna()
            if ok.all():
                r = polychoric_pair(data[items[i]], data[items[j]], th[items[i]], th[items[j]])
            else:
                r = polychoric_pair(data[items[i]], data[items[j]])
            R[i, j] = R[j, i] = r
    return pd.DataFrame(R, index=items, columns=items), th
