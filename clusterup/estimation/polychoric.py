"""Thresholds and polychoric correlations of ordinal items, as lavaan 0.6 (``lavCor(ordered = ...)``).

Two-step estimation (Olsson 1979), the way lavaan's ``lav_samplestats`` does for ordered data:

1. thresholds per item from its marginal proportions, τ_k = Φ⁻¹(P(y ≤ k)), k = 1 … K−1;
2. per pair of items, with both items' thresholds fixed, the correlation ρ that maximises the
   bivariate-normal likelihood of the K₁ × K₂ contingency table,
   ℓ(ρ) = Σ_ab n_ab log π_ab(ρ),  π_ab = Φ₂(τ_a, τ_b; ρ) − Φ₂(τ_{a−1}, τ_b; ρ) − … (rectangle).

:func:`ordinal_moments` does both steps for all items at once (Fisher scoring per pair on a
vectorised bivariate normal CDF, Genz's BVNU algorithm as in R's pbivnorm, which lavaan uses) and
adds the asymptotic covariance of (thresholds, correlations) of Muthén (1984), lavaan's
``muthen1984()``: with casewise scores s_i of the univariate likelihoods (thresholds) and of the
bivariate likelihoods (correlations, thresholds fixed) stacked as rows of SC,

    B = [[A₁₁, 0], [A₂₁, A₂₂]],  A₁₁ = per-item blocks of SCᵀSC (threshold part),
    A₂₁[ρ_ij, τ] = Σ_i s_ρij · ∂ log π₂/∂τ,  A₂₂ = diag(Σ_i s_ρij²),
    NACOV = N · B⁻¹ (SCᵀSC) B⁻ᵀ

(sums over the N rows, so NACOV estimates the covariance of √N(τ̂, ρ̂); lavaan's ``gamma``).
Not reproduced: lavaan adds 0.5 to the empty cells of a 2 × 2 table (binary items,
``zero.add = c(0.5, 0)``) before estimating ρ; tables larger than 2 × 2 are used as they are, as
here.  Element order is lavaan's WLS.obs: the thresholds of each item in turn, then the correlations in
column-wise lower-triangle order (2,1), (3,1), …, (p,1), (3,2), …
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import minimize_scalar
from scipy.special import ndtr as _ndtr
from scipy.stats import multivariate_normal, norm
from dataclasses import dataclass

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


# ---- vectorised two-step estimation and NACOV -----------------------------------------------------
_SQ2PI = np.sqrt(2 * np.pi)


def _npdf(x):
    x = np.asarray(x, dtype=float)
    return np.exp(-0.5 * x * x) / _SQ2PI


def _gauss_legendre(lg: int) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.legendre.leggauss(2 * lg)
    return x[:lg], w[:lg]          # the negative half, as Genz's tables


_GL = {n: _gauss_legendre(n) for n in (3, 6, 10)}


def bvn_upper(h: np.ndarray, k: np.ndarray, r: float) -> np.ndarray:
    """P(X > h, Y > k) for a standard bivariate normal with correlation ``r`` (finite h, k).

    Genz's BVNU (Drezner & Wesolowsky 1990, with Genz's refinements; double precision), the
    algorithm of R's ``pbivnorm`` used by lavaan.
    """
    h = np.asarray(h, dtype=float)
    k = np.asarray(k, dtype=float)
    ar = abs(r)
    x, w = _GL[3 if ar < 0.3 else 6 if ar < 0.75 else 10]
    hk = h * k
    if ar < 0.925:
        hs = (h * h + k * k) / 2
        asr = np.arcsin(r)
        bvn = np.zeros(np.broadcast(h, k).shape)
        for xi, wi in zip(x, w):
            for sn in (np.sin(asr * (xi + 1) / 2), np.sin(asr * (1 - xi) / 2)):
                bvn = bvn + wi * np.exp((sn * hk - hs) / (1 - sn * sn))
        return bvn * asr / (4 * np.pi) + _ndtr(-h) * _ndtr(-k)
    if r < 0:
        k, hk = -k, -hk
    bvn = np.zeros(np.broadcast(h, k).shape)
    if ar < 1:
        as_ = (1 - r) * (1 + r)
        a = np.sqrt(as_)
        bs = (h - k) ** 2
        c = (4 - hk) / 8
        d = (12 - hk) / 16
        bvn = a * np.exp(-(bs / as_ + hk) / 2) * (1 - c * (bs - as_) * (1 - d * bs / 5) / 3 + c * d * as_ * as_ / 5)
        b = np.sqrt(bs)
        tail = np.exp(-hk / 2) * np.sqrt(2 * np.pi) * _ndtr(-b / a) * b * (1 - c * bs * (1 - d * bs / 5) / 3)
        bvn = bvn - np.where(hk > -160, tail, 0.0)
        a = a / 2
        for xi, wi in zip(x, w):
            xs = (a * (xi + 1)) ** 2
            rs = np.sqrt(1 - xs)
            bvn = bvn + a * wi * (np.exp(-bs / (2 * xs) - hk / (1 + rs)) / rs
                                  - np.exp(-(bs / xs + hk) / 2) * (1 + c * xs * (1 + d * xs)))
            xs = as_ * (1 - xi) ** 2 / 4
            rs = np.sqrt(1 - xs)
            bvn = bvn + a * wi * np.exp(-(bs / xs + hk) / 2) * (np.exp(-hk * (1 - rs) / (2 * (1 + rs))) / rs
                                                               - (1 + c * xs * (1 + d * xs)))
        bvn = -bvn / (2 * np.pi)
    if r > 0:
        return bvn + _ndtr(-np.maximum(h, k))
    return -bvn + np.maximum(0.0, _ndtr(-h) - _ndtr(-k))


def _pair_pieces(t1: np.ndarray, t2: np.ndarray, rho: float, scores: bool = True):
    """Cell probabilities π (K₁ × K₂), ∂π/∂ρ and (``scores``) ∂π/∂τ of both items' thresholds for one pair."""
    k1, k2 = len(t1), len(t2)
    F = np.zeros((k1 + 2, k2 + 2))
    F[1:-1, 1:-1] = bvn_upper(-t1[:, None], -t2[None, :], rho)
    F[1:-1, -1] = _ndtr(t1)
    F[-1, 1:-1] = _ndtr(t2)
    F[-1, -1] = 1.0
    P = F[1:, 1:] - F[:-1, 1:] - F[1:, :-1] + F[:-1, :-1]
    s = np.sqrt(1 - rho * rho)
    dens = np.zeros((k1 + 2, k2 + 2))           # φ₂ at the grid (0 at infinite corners)
    q = (t1[:, None] ** 2 - 2 * rho * t1[:, None] * t2[None, :] + t2[None, :] ** 2) / (1 - rho * rho)
    dens[1:-1, 1:-1] = np.exp(-q / 2) / (2 * np.pi * s)
    dP = dens[1:, 1:] - dens[:-1, 1:] - dens[1:, :-1] + dens[:-1, :-1]
    if not scores:
        return P, dP, None, None
    # ∂F(τ1_a, τ2_b)/∂τ1_a = φ(τ1_a) Φ((τ2_b − ρ τ1_a)/s), over b = bounds of item 2
    b2 = np.concatenate([[-np.inf], t2, [np.inf]])
    b1 = np.concatenate([[-np.inf], t1, [np.inf]])
    G1 = _npdf(t1)[:, None] * _ndtr((b2[None, :] - rho * t1[:, None]) / s)      # k1 × (k2 + 2)
    G2 = _npdf(t2)[:, None] * _ndtr((b1[None, :] - rho * t2[:, None]) / s)      # k2 × (k1 + 2)
    g1 = G1[:, 1:] - G1[:, :-1]        # k1 × K2: ∂π(a = t, b)/∂τ1_t for the cell whose upper bound is τ1_t
    g2 = G2[:, 1:] - G2[:, :-1]        # k2 × K1
    K1, K2 = k1 + 1, k2 + 1
    dP1 = np.zeros((k1, K1, K2))       # ∂π_ab/∂τ1_t
    dP2 = np.zeros((k2, K1, K2))
    for t in range(k1):
        dP1[t, t, :] += g1[t]
        dP1[t, t + 1, :] -= g1[t]
    for t in range(k2):
        dP2[t, :, t] += g2[t]
        dP2[t, :, t + 1] -= g2[t]
    return P, dP, dP1, dP2


def _fit_rho(table: np.ndarray, t1: np.ndarray, t2: np.ndarray, start: float, tol: float = 1e-10) -> float:
    """ML polychoric correlation by Fisher scoring (bisection-safeguarded) for one table."""
    n = table.sum()
    rho = float(np.clip(start, -0.95, 0.95))
    lo, hi = -0.9999, 0.9999
    for _ in range(100):
        P, dP, _, _ = _pair_pieces(t1, t2, rho, scores=False)
        P = np.clip(P, 1e-300, None)
        g = float((table * dP / P).sum())
        info = float(n * (dP * dP / P).sum())
        if g > 0:
            lo = rho
        else:
            hi = rho
        step = g / info if info > 0 else 0.0
        new = rho + step
        if not (lo < new < hi):
            new = 0.5 * (lo + hi)
        if abs(new - rho) < tol:
            return new
        rho = new
    return rho


@dataclass
class OrdinalMoments:
    """Sample statistics of ordinal items for WLS estimation (lavaan's WLS.obs and NACOV)."""

    items: list[str]
    thresholds: dict[str, np.ndarray]
    R: np.ndarray                # polychoric correlation matrix (items order)
    nacov: np.ndarray            # N · acov of (thresholds, correlations), lavaan's order
    n: int
    th_item: np.ndarray          # item index of each threshold element

    @property
    def th(self) -> np.ndarray:
        return np.concatenate([self.thresholds[c] for c in self.items])

    @property
    def n_th(self) -> int:
        return len(self.th_item)


def cor_index(p: int) -> tuple[np.ndarray, np.ndarray]:
    """(row, col) of the correlations in lavaan's order: column-wise lower triangle, no diagonal."""
    rows, cols = [], []
    for j in range(p - 1):
        for i in range(j + 1, p):
            rows.append(i)
            cols.append(j)
    return np.array(rows, dtype=int), np.array(cols, dtype=int)


def ordinal_moments(data: pd.DataFrame) -> OrdinalMoments:
    """Thresholds, polychoric correlations and their NACOV (Muthén 1984) for complete ordinal data.

    ``data``: one column per item, integer category codes, no missing cells (listwise data, as
    lavaan's default for categorical estimation).  Each item's categories are the ones observed.
    """
    items = list(data.columns)
    p, N = len(items), len(data)
    codes, th = [], {}
    for c in items:
        cats, code = np.unique(data[c].to_numpy(), return_inverse=True)
        counts = np.bincount(code, minlength=len(cats)).astype(float)
        th[c] = norm.ppf(np.cumsum(counts)[:-1] / N)
        codes.append(code)
    codes = np.array(codes)                                    # p × N
    nth = [len(th[c]) for c in items]
    start = np.concatenate([[0], np.cumsum(nth)])
    n_th = int(start[-1])
    th_item = np.repeat(np.arange(p), nth)
    # univariate threshold scores: y = k → ∂ log p_k/∂τ_k = φ(τ_k)/p_k, ∂/∂τ_{k−1} = −φ(τ_{k−1})/p_k
    sc_th = np.zeros((N, n_th))
    rows = np.arange(N)
    for i, c in enumerate(items):
        b = np.concatenate([[-np.inf], th[c], [np.inf]])
        pk = _ndtr(b[1:]) - _ndtr(b[:-1])
        k = codes[i]
        up, low = k < nth[i], k > 0
        sc_th[rows[up], start[i] + k[up]] = _npdf(th[c][k[up]]) / pk[k[up]]
        sc_th[rows[low], start[i] + k[low] - 1] = -_npdf(th[c][k[low] - 1]) / pk[k[low]]
    ri, ci = cor_index(p)
    pstar = len(ri)
    R = np.eye(p)
    sc_cor = np.zeros((N, pstar))
    a21 = np.zeros((pstar, n_th))
    Xc = (codes - codes.mean(axis=1, keepdims=True))
    pearson = (Xc @ Xc.T) / np.sqrt(np.outer((Xc ** 2).sum(1), (Xc ** 2).sum(1)))
    for k_, (i, j) in enumerate(zip(ri, ci)):
        t1, t2 = th[items[i]], th[items[j]]
        table = np.zeros((nth[i] + 1, nth[j] + 1))
        np.add.at(table, (codes[i], codes[j]), 1.0)
        rho = _fit_rho(table, t1, t2, pearson[i, j])
        R[i, j] = R[j, i] = rho
        P, dP, dP1, dP2 = _pair_pieces(t1, t2, rho)
        P = np.clip(P, 1e-300, None)
        s_rho = dP / P                                          # cell score ∂ log π/∂ρ
        sc_cor[:, k_] = s_rho[codes[i], codes[j]]
        w = table * s_rho                                       # Σ over rows = Σ over cells
        a21[k_, start[i]:start[i + 1]] = (w[None] * dP1 / P[None]).sum(axis=(1, 2))
        a21[k_, start[j]:start[j + 1]] = (w[None] * dP2 / P[None]).sum(axis=(1, 2))
    SC = np.concatenate([sc_th, sc_cor], axis=1)
    inner = SC.T @ SC
    a11 = np.zeros((n_th, n_th))
    for i in range(p):
        sl = slice(start[i], start[i + 1])
        a11[sl, sl] = inner[sl, sl]
    a22 = np.einsum("ij,ij->j", sc_cor, sc_cor)
    a11_inv = np.linalg.inv(a11)
    b_inv = np.zeros_like(inner)
    b_inv[:n_th, :n_th] = a11_inv
    b_inv[n_th:, :n_th] = -(a21 @ a11_inv) / a22[:, None]
    b_inv[n_th:, n_th:] = np.diag(1.0 / a22)
    nacov = N * (b_inv @ inner @ b_inv.T)
    return OrdinalMoments(items, th, R, 0.5 * (nacov + nacov.T), N, th_item)
