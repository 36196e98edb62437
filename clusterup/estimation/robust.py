"""Robust maximum likelihood: MLM (Satorra–Bentler) and MLR (Huber–White, Yuan–Bentler), as lavaan 0.6.

The estimates are the ordinary ML estimates of :func:`clusterup.estimation.sem.fit_sem`; only the
standard errors and the test statistic change.  Notation (per observation, lavaan's scaling):
N rows, z_i = x_i − x̄, p* = p(p+1)/2, D the duplication matrix (vec Σ = D vech Σ), P = Σ̂⁻¹,
Δ = ∂vech Σ/∂θᵀ at θ̂ (:meth:`MLProblem.delta`), S the sample covariance of the fit.

* Γ (ADF)      Γ = (1/N) Σ_i (d_i − d̄)(d_i − d̄)ᵀ,  d_i = vech(z_i z_iᵀ)  (lavaan ``gamma.unbiased = FALSE``)
* W (expected) W = ½ Dᵀ(P ⊗ P)D, the expected h1 information at the structured Σ̂
* A₁ (observed h1) A₁(Σ) = Dᵀ[(P ⊗ PSP) − ½(P ⊗ P)]D, P = Σ⁻¹
* B₁ (first order) B₁(Σ) = (1/N) Σ_i s_i s_iᵀ, s_i = ½ Dᵀ vec(P z_i z_iᵀ P − P) (uncentred casewise scores)

**MLM** (lavaan ``estimator = "MLM"``: ``information = "expected"``, ``se = "robust.sem"``,
``test = "satorra.bentler"``; Satorra & Bentler 1994): with E = ΔᵀWΔ (expected information),

    Var(θ̂) = E⁻¹ (ΔᵀWΓWΔ) E⁻¹ / n,   c = tr(UΓ)/df,  U = W − WΔE⁻¹ΔᵀW,   T_SB = T_ML / c.

**MLR** (lavaan ``estimator = "MLR"``: ``information = "observed"`` (Hessian), ``se =
"robust.huber.white"``, ``test = "yuan.bentler.mplus"``; Yuan & Bentler 2000, Mplus variant):
with E = the observed information (½ the Hessian of F_ML at θ̂, numerical on the analytic gradient)
and B₀ = ΔᵀB₁(Σ̂)Δ (scores at the structured Σ̂),

    Var(θ̂) = E⁻¹ B₀ E⁻¹ / n,
    c = [tr(A₁(S)⁻¹B₁(S)) + p − tr(E⁻¹B₀) − tr(Σ̂⁻¹S)] / df,   T_YB = T_ML / c.

The h1 part is evaluated at the unstructured moments (Σ = S), as lavaan does for
``yuan.bentler.mplus``.  lavaan's MLR adds a saturated mean structure; at μ̂ = x̄ its blocks have
no cross terms with the covariance part in A₁ and E, and contribute tr(S⁻¹S) = p to the h1 trace
and tr(Σ̂⁻¹S) to the h0 trace (the two extra terms above).

Fit indices.  The baseline (independence) model Σ_b = diag(S) gets its own scaling factor c_b by
the same formulas (its Σ is linear in θ, so its observed information is Δ_bᵀA₁Δ_b).  For MLR the
robust indices of Brosseau-Liard, Savalei & Li (2012) and Brosseau-Liard & Savalei (2014), as
lavaan's ``cfi.robust``/``tli.robust``/``rmsea.robust``:
CFI = 1 − max(T − c·df, 0)/max(T − c·df, T_b − c_b·df_b, 0); TLI = 1 − (T − c·df)·df_b/((T_b − c_b·df_b)·df);
RMSEA = √max(T/(n·df) − c/n, 0).  For MLM the scaled indices (lavaan ``cfi.scaled`` etc.): the
ordinary formulas on T/c and T_b/c_b, RMSEA = √max(T_SB/(n·df) − 1/n, 0).

Likelihood.  Under ``likelihood = "normal"`` (S with divisor N, T = N·F, n = N) every number
equals lavaan's with the same estimator (tests/reference/test_robust_lavaan.py).  Under
``"wishart"`` (S with divisor N − 1, T = (N − 1)·F, n = N − 1, AMOS's convention) the same
formulas are applied to the fit's own S and n; Γ and B₁ keep their divisor N (they estimate
fourth moments).  lavaan has no Wishart variant of the robust tests to compare with.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from clusterup import distributions as dist
from clusterup.estimation.sem import SemResult, fit_sem

METHODS = ("mlm", "mlr")


@dataclass
class RobustResult:
    """ML estimates with robust standard errors and a scaled test."""

    method: str
    sem: SemResult          # same θ̂ as the ML fit, vcov replaced by the robust one
    test: dict              # chi2, df, p, chi2_scaled, scaling_factor, df_scaled, p_scaled, cfi, tli, rmsea, ...

    def estimates(self) -> pd.DataFrame:
        return self.sem.estimates()


def _vech_index(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of each vech element, lavaan's order (column-wise lower triangle)."""
    rows, cols = np.tril_indices(p)
    order = np.lexsort((rows, cols))
    return rows[order], cols[order]


def _duplication(p: int) -> np.ndarray:
    """D (p² × p*) with vec(Σ) = D vech(Σ), vec column-major."""
    r, c = _vech_index(p)
    D = np.zeros((p * p, len(r)))
    k = np.arange(len(r))
    D[c * p + r, k] = 1.0
    D[r * p + c, k] = 1.0
    return D


def _dkd(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Dᵀ(A ⊗ B)D for symmetric A, B without forming the p² × p² Kronecker product."""
    r, c = _vech_index(A.shape[0])
    off = r != c
    oa, ob = off[:, None], off[None, :]

    def term(ra, ca, rb, cb):
        return A[np.ix_(ca, cb)] * B[np.ix_(ra, rb)]

    return (term(r, c, r, c) + oa * term(c, r, r, c) + ob * term(r, c, c, r)
            + (oa & ob) * term(c, r, c, r))


def adf_gamma(X: np.ndarray) -> np.ndarray:
    """Γ: the asymptotic covariance of √N·vech(S) without normality (divisor N, lavaan default)."""
    Z = X - X.mean(axis=0)
    r, c = _vech_index(X.shape[1])
    d = Z[:, r] * Z[:, c]
    d = d - d.mean(axis=0)
    return d.T @ d / X.shape[0]


def _h1_pieces(X: np.ndarray, S: np.ndarray, Sigma: np.ndarray):
    """W (expected h1 info), A₁ (observed h1 info) and B₁ (first-order h1 info) at Σ̂."""
    p = S.shape[0]
    P = np.linalg.inv(Sigma)
    PSP = P @ S @ P
    W = 0.5 * _dkd(P, P)
    A1 = _dkd(P, PSP) - W
    A1 = 0.5 * (A1 + A1.T)
    Z = X - X.mean(axis=0)
    r, c = _vech_index(p)
    PZ = Z @ P                                  # rows: (P z_i)ᵀ
    mult = np.where(r == c, 0.5, 1.0)           # ½ Dᵀ vec(M): off-diagonal elements count twice
    scores = (PZ[:, r] * PZ[:, c] - P[r, c]) * mult
    B1 = scores.T @ scores / X.shape[0]
    return W, A1, B1


def _robust_core(method: str, X, S, Sigma, Delta, E_obs, n: float):
    """(vcov, trace of UΓ) for one model; E_obs is the observed information (MLR only)."""
    W, A1, B1 = _h1_pieces(X, S, Sigma)
    if method == "mlm":
        G = adf_gamma(X)
        WD = W @ Delta
        E = Delta.T @ WD
        Einv = np.linalg.inv(E)
        meat = WD.T @ G @ WD
        trace = float(np.sum(W * G) - np.sum(Einv * meat))
    else:
        E = E_obs
        Einv = np.linalg.inv(E)
        meat = Delta.T @ B1 @ Delta
        # h1 part at the unstructured (saturated) moments, as lavaan's yuan.bentler.mplus
        _, A1u, B1u = _h1_pieces(X, S, S)
        p = S.shape[0]
        mean_h1 = p                                        # tr(S⁻¹ · S⁻¹SS⁻¹)
        mean_h0 = float(np.trace(np.linalg.solve(Sigma, S)))   # tr(Σ̂ · Σ̂⁻¹SΣ̂⁻¹)
        trace = float(np.sum(np.linalg.inv(A1u) * B1u.T) + mean_h1 - np.sum(Einv * meat) - mean_h0)
    vcov = Einv @ meat @ Einv / n
    return 0.5 * (vcov + vcov.T), trace


def robust_fit(sem: SemResult, data: pd.DataFrame, method: str) -> RobustResult:
    """Robust SEs and scaled test of an ML fit (see the module docstring for the formulas).

    Parameters
    ----------
    sem : SemResult
        The ML fit (from :func:`fit_sem` on ``data``).
    data : DataFrame
        The complete-case rows the fit used (its observed columns).
    method : {"mlm", "mlr"}

    References
    ----------
    Satorra, A., & Bentler, P. M. (1994); Yuan, K.-H., & Bentler, P. M. (2000);
    lavaan ``sem(..., estimator = "MLM" | "MLR")``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    spec = sem.spec
    X = data[spec.observed].to_numpy(dtype=float)
    S, Sigma, n = sem.S, sem.Sigma, sem.n_mult
    pr = sem.problem
    Delta = pr.delta(sem.theta)
    E_obs = 0.5 * pr.hessian(sem.theta, S) if method == "mlr" else None
    vcov, trace = _robust_core(method, X, S, Sigma, Delta, E_obs, n)
    # independence model: Σ_b = diag(S), θ_b = the variances
    p = spec.p
    r, c = _vech_index(p)
    Sigma_b = np.diag(np.diag(S))
    Delta_b = np.zeros((len(r), p))
    Delta_b[np.flatnonzero(r == c), np.arange(p)] = 1.0
    E_b = None
    if method == "mlr":
        _, A1b, _ = _h1_pieces(X, S, Sigma_b)
        E_b = Delta_b.T @ A1b @ Delta_b
    _, trace_b = _robust_core(method, X, S, Sigma_b, Delta_b, E_b, n)
    df, df_b = spec.df, len(r) - p
    T = sem.chi2
    T_b = n * float(np.sum(np.log(np.diag(S))) - np.linalg.slogdet(S)[1])
    c_ = trace / df if df > 0 else float("nan")
    c_b = trace_b / df_b
    test = scaled_indices(method, T, df, T_b, df_b, c_, c_b, n)
    out = replace(sem, vcov=vcov)
    out.warnings = list(sem.warnings)
    return RobustResult(method, out, test)


def scaled_indices(method: str, T: float, df: int, T_b: float, df_b: int, c: float, c_b: float,
                   n: float) -> dict:
    """Scaled χ² and the method's CFI/TLI/RMSEA (robust for MLR, scaled for MLM; lavaan 0.6.14)."""
    out = {"chi2": T, "df": df, "p": float(dist.chi2_sf(T, df)) if df > 0 else float("nan"),
           "scaling_factor": c, "df_scaled": df, "baseline_chi2": T_b, "baseline_df": df_b,
           "baseline_scaling_factor": c_b}
    Ts = T / c if df > 0 else float("nan")
    out["chi2_scaled"] = Ts
    out["p_scaled"] = float(dist.chi2_sf(Ts, df)) if df > 0 else float("nan")
    if method == "mlr":
        t1 = max(T - c * df, 0.0)
        t2 = max(T - c * df, T_b - c_b * df_b, 0.0)
        out["cfi"] = 1.0 if t2 == 0 else 1 - t1 / t2
        out["tli"] = 1 - (T - c * df) * df_b / ((T_b - c_b * df_b) * df)
        out["rmsea"] = math.sqrt(max(T / n / df - c / n, 0.0))
    else:
        Tb_s = T_b / c_b
        t1 = max(Ts - df, 0.0)
        t2 = max(Ts - df, Tb_s - df_b, 0.0)
        out["cfi"] = 1.0 if t2 == 0 else 1 - t1 / t2
        out["tli"] = 1 - (Ts - df) * df_b / ((Tb_s - df_b) * df)
        out["rmsea"] = math.sqrt(max(Ts / n / df - 1 / n, 0.0))
    return out


def fit_robust(syntax, data: pd.DataFrame, method: str, *, likelihood: str = "wishart",
               data_source: str = "data") -> RobustResult:
    """ML fit of ``syntax`` on complete ``data`` followed by :func:`robust_fit`."""
    sem = fit_sem(syntax, data=data, likelihood=likelihood, data_source=data_source)
    return robust_fit(sem, data, method)
