"""Upper tail of the studentized range distribution, vectorised over q: R's ``ptukey(q, k, df, lower.tail = FALSE)``.

    P(Q > q) = 1 − ∫₀^∞ f_S(s) · W(q·s) ds,   W(w) = k ∫ φ(z) [Φ(z) − Φ(z − w)]^(k−1) dz,

with S = √(χ²_df / df).  Both integrals are taken with fixed Gauss–Legendre rules: the inner one over
z ∈ [−8.5, 8.5] (φ is below 1e-15 outside), the outer one over t = log s between the 1e-15 and
1 − 1e-15 quantiles of S, with the weights renormalised so the truncated density integrates to one.
Every q of one (k, df) is evaluated in one array pass — statsmodels' ``pairwise_tukeyhsd`` calls scipy's
adaptive ``studentized_range`` once per pair and again for the confidence-interval quantile, which made
the ``groups`` job take tens of seconds.  Accuracy: |error| < 1e-9 against R's ptukey on
k 2–10, df 20–300 (tests/reference/values/ptukey.json); for df = ∞ pass ``np.inf``.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import special

from clusterup import distributions as dist

_NZ, _NS = 96, 160


@lru_cache(maxsize=None)
def _z_rule() -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(_NZ)
    return 8.5 * x, 8.5 * w


@lru_cache(maxsize=256)
def _s_rule(df: float) -> tuple[np.ndarray, np.ndarray]:
    """Nodes s and weights (density × Jacobian, summing to one) for S = √(χ²_df/df)."""
    lo, hi = np.log(dist.chi_ppf([1e-15, 1 - 1e-15], df) / np.sqrt(df))
    x, w = np.polynomial.legendre.leggauss(_NS)
    t = 0.5 * (hi - lo) * x + 0.5 * (hi + lo)
    s = np.exp(t)
    # log density of log S: log f_S(s) + log s
    logf = (0.5 * df * np.log(0.5 * df) - special.gammaln(0.5 * df) + np.log(2.0)
            + df * t - 0.5 * df * s * s)
    wt = 0.5 * (hi - lo) * w * np.exp(logf)
    return s, wt / wt.sum()


def _range_cdf(w: np.ndarray, k: int) -> np.ndarray:
    """P(range of k standard normals ≤ w), for an array of w ≥ 0."""
    z, wz = _z_rule()
    d = special.ndtr(z) - special.ndtr(z[None, :] - w[..., None])
    return k * np.einsum("...j,j->...", np.clip(d, 0.0, 1.0) ** (k - 1), wz * np.exp(-0.5 * z * z) / np.sqrt(2 * np.pi))


def ptukey_upper(q, k: int, df: float) -> np.ndarray:
    """``ptukey(q, k, df, lower.tail = FALSE)`` for an array of q (k ≥ 2 groups, df > 0)."""
    q = np.asarray(q, dtype=float)
    if k < 2 or not df > 0:
        raise ValueError(f"ptukey needs k >= 2 and df > 0 (got k={k}, df={df})")
    flat = np.clip(q.ravel(), 0.0, None)
    if np.isinf(df):
        cdf = _range_cdf(flat, k)
    else:
        s, ws = _s_rule(float(df))
        cdf = _range_cdf(flat[:, None] * s[None, :], k) @ ws
    p = np.clip(1.0 - cdf, 0.0, 1.0)
    p[np.isnan(flat)] = np.nan
    return p.reshape(q.shape)
