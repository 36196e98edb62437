"""Bootstrap confidence intervals and the nested-model test of full mediation.

For an estimate θ̂ with B bootstrap replicates θ*_1..θ*_B and level 1 − α:

* percentile interval: the α/2 and 1 − α/2 quantiles of θ* (linear interpolation between order
  statistics, R's ``quantile(type = 7)``);
* bias-corrected (BC; Efron 1982; AMOS's "Bias-corrected percentile method"):
  z₀ = Φ⁻¹(#{θ*_b < θ̂}/B), bounds at the quantiles Φ(2z₀ + z_{α/2}) and Φ(2z₀ + z_{1−α/2});
* BCa (Efron 1987): with the jackknife acceleration a = Σ(θ̄₍.₎ − θ₍ᵢ₎)³ / (6·[Σ(θ̄₍.₎ − θ₍ᵢ₎)²]^{3/2}),
  bounds at Φ(z₀ + (z₀ + z_q)/(1 − a(z₀ + z_q))) for q = α/2, 1 − α/2;
* two-sided BC p (AMOS's "Two Tailed Significance (BC)"): the smallest α whose BC interval
  excludes 0, i.e. with p₀ = #{θ*_b ≤ 0}/B,  p = 2·min(Φ(Φ⁻¹(p₀) − 2z₀), 1 − Φ(Φ⁻¹(p₀) − 2z₀)).
  (When no replicate lies beyond 0 the p-value is 0, meaning p < 1/B.)
* bootstrap SE: the standard deviation of θ* (divisor B − 1).

Nested test (H11): Δχ² = χ²_restricted − χ²_free on Δdf = df_restricted − df_free, with χ² = n·F of
the same likelihood convention (lavaan ``lavTestLRT``; AMOS "Nested Model Comparisons").
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from clusterup import distributions as dist


def percentile_ci(draws: np.ndarray, level: float) -> tuple[float, float]:
    a = 1 - level
    lo, hi = np.quantile(draws, [a / 2, 1 - a / 2])
    return float(lo), float(hi)


def z0(draws: np.ndarray, estimate: float) -> float:
    """Bias-correction constant Φ⁻¹(share of draws below the estimate)."""
    share = np.mean(draws < estimate)
    return float(dist.norm_ppf(share))


def bc_ci(draws: np.ndarray, estimate: float, level: float) -> tuple[float, float]:
    a = 1 - level
    z = z0(draws, estimate)
    if not np.isfinite(z):
        return (float("nan"), float("nan"))
    q = dist.norm_cdf([2 * z + dist.norm_ppf(a / 2), 2 * z + dist.norm_ppf(1 - a / 2)])
    lo, hi = np.quantile(draws, q)
    return float(lo), float(hi)


def bca_ci(draws: np.ndarray, estimate: float, level: float, acceleration: float) -> tuple[float, float]:
    a = 1 - level
    z = z0(draws, estimate)
    if not (np.isfinite(z) and np.isfinite(acceleration)):
        return (float("nan"), float("nan"))
    out = []
    for zq in (dist.norm_ppf(a / 2), dist.norm_ppf(1 - a / 2)):
        out.append(dist.norm_cdf(z + (z + zq) / (1 - acceleration * (z + zq))))
    lo, hi = np.quantile(draws, out)
    return float(lo), float(hi)


def bc_p_value(draws: np.ndarray, estimate: float) -> float:
    """Two-sided bias-corrected bootstrap p-value (AMOS)."""
    z = z0(draws, estimate)
    if not np.isfinite(z):
        return float("nan")
    p0 = float(np.mean(draws <= 0))
    if p0 in (0.0, 1.0):
        return 0.0
    t = dist.norm_cdf(dist.norm_ppf(p0) - 2 * z)
    return float(min(1.0, 2 * min(t, 1 - t)))


def acceleration(jackknife: np.ndarray) -> float:
    """Jackknife acceleration constant of BCa."""
    j = np.asarray(jackknife, dtype=float)
    j = j[np.isfinite(j)]
    d = j.mean() - j
    den = 6 * np.sum(d ** 2) ** 1.5
    return float(np.sum(d ** 3) / den) if den > 0 else 0.0


def summarize(draws: pd.DataFrame, estimates: dict[str, float], std_estimates: dict[str, float],
              kinds: dict[str, str], level: float, n_ok: int, n_failed: int,
              jackknife: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per effect with bootstrap SE and percentile / BC / BCa intervals (raw and standardized)."""
    rows = []
    for name, est in estimates.items():
        d = draws[name].to_numpy(dtype=float)
        ds = draws[f"std:{name}"].to_numpy(dtype=float)
        std_est = std_estimates[name]
        acc = acceleration(jackknife[name]) if jackknife is not None and name in jackknife else float("nan")
        acc_s = (acceleration(jackknife[f"std:{name}"])
                 if jackknife is not None and f"std:{name}" in jackknife else float("nan"))
        plo, phi = percentile_ci(d, level)
        blo, bhi = bc_ci(d, est, level)
        alo, ahi = bca_ci(d, est, level, acc)
        splo, sphi = percentile_ci(ds, level)
        sblo, sbhi = bc_ci(ds, std_est, level)
        salo, sahi = bca_ci(ds, std_est, level, acc_s)
        rows.append({"effect": name, "kind": kinds.get(name, ""), "estimate": est, "std_estimate": std_est,
                     "boot_se": float(np.std(d, ddof=1)), "perc_lo": plo, "perc_hi": phi,
                     "bc_lo": blo, "bc_hi": bhi, "p_bc": bc_p_value(d, est), "n_ok": n_ok, "n_failed": n_failed,
                     "bca_lo": alo, "bca_hi": ahi, "acceleration": acc, "z0": z0(d, est),
                     "boot_mean": float(np.mean(d)),
                     "std_boot_se": float(np.std(ds, ddof=1)), "std_perc_lo": splo, "std_perc_hi": sphi,
                     "std_bc_lo": sblo, "std_bc_hi": sbhi, "std_p_bc": bc_p_value(ds, std_est),
                     "std_bca_lo": salo, "std_bca_hi": sahi, "ci_level": level})
    return pd.DataFrame(rows)


def nested_test(chi2_restricted: float, df_restricted: int, chi2_free: float, df_free: int) -> dict:
    """Likelihood-ratio (χ² difference) test of a restricted model against the free model."""
    d = chi2_restricted - chi2_free
    ddf = df_restricted - df_free
    p = float(dist.chi2_sf(d, ddf)) if ddf > 0 else float("nan")
    return {"chi2_diff": float(d), "df_diff": int(ddf), "p": p}
