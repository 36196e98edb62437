"""Full-information maximum likelihood (casewise ML with a mean structure) for incomplete data.

Conventions (lavaan 0.6 ``missing = "ml"``, ``information = "observed"``; Enders 2010, ch. 3-4):
rows are grouped by missingness pattern g (n_g rows, observed variables o_g).  With the
saturated mean vector μ (free) and Σ(θ) of the covariance structure,

    F(θ, μ) = Σ_g (n_g/N) [ log|Σ_g| + tr(Σ_g⁻¹ S_g(μ)) ],   S_g(μ) = (1/n_g) Σ_{i∈g} (x_i − μ_g)(x_i − μ_g)ᵀ

so that log L = −½ [Σ_g n_g p_g log 2π + N·F].  The gradient is exact: with
G = Σ_g (n_g/N) embed(Σ_g⁻¹ − Σ_g⁻¹S_gΣ_g⁻¹), ∂F/∂θ = Δᵀ vech(G) (off-diagonal elements twice) and
∂F/∂μ = −2 Σ_g (n_g/N) embed(Σ_g⁻¹(x̄_g − μ_g)).  Standard errors from the observed information,
Var = (2/N)·[∂²F]⁻¹ (numerical Hessian of the analytic gradient).

The unrestricted (h1) model is the saturated normal model fitted by EM (Dempster, Laird & Rubin
1977); χ² = 2(log L₁ − log L₀) on N (FIML has no Wishart variant; lavaan uses N as well), the
baseline model has per-variable means and variances from the observed values.  CFI, TLI and RMSEA
are the ordinary formulas on these χ² values (lavaan's ``cfi``, ``tli``, ``rmsea`` for
``missing = "ml"``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import linalg, optimize, stats

from clusterup.errors import EstimationError, InputError
from clusterup.estimation.ml import MLFit, MLProblem
from clusterup.estimation.sem import SemResult, fit_sem
from clusterup.estimation.spec import ModelSpec, build_spec

LOG2PI = math.log(2 * math.pi)


@dataclass
class FimlResult:
    sem: SemResult           # θ̂, vcov (θ block of the observed-information inverse)
    mu: np.ndarray
    loglik: float
    loglik_h1: float
    test: dict               # chi2, df, p, cfi, tli, rmsea, baseline_chi2, baseline_df
    n_patterns: int
    n_missing: int

    def estimates(self) -> pd.DataFrame:
        return self.sem.estimates()


def _patterns(X: np.ndarray):
    obs = ~np.isnan(X)
    keys, inv = np.unique(obs, axis=0, return_inverse=True)
    out = []
    for k in range(len(keys)):
        o = np.flatnonzero(keys[k])
        rows = X[inv.ravel() == k][:, o]
        out.append((o, rows))
    return out


def em_saturated(X: np.ndarray, tol: float = 1e-10, max_iter: int = 5000) -> tuple[np.ndarray, np.ndarray]:
    """ML mean and covariance (divisor N) of incomplete multivariate normal data by EM."""
    n, p = X.shape
    mu = np.nanmean(X, axis=0)
    S = np.diag(np.nanvar(X, axis=0))
    pats = _patterns(X)
    for _ in range(max_iter):
        T1 = np.zeros(p)
        T2 = np.zeros((p, p))
        for o, R in pats:
            m = np.setdiff1d(np.arange(p), o)
            Xf = np.empty((len(R), p))
            Xf[:, o] = R
            C = np.zeros((p, p))
            if len(m):
                B = np.linalg.solve(S[np.ix_(o, o)], S[np.ix_(o, m)])          # o × m
                Xf[:, m] = mu[m] + (R - mu[o]) @ B
                C[np.ix_(m, m)] = S[np.ix_(m, m)] - S[np.ix_(m, o)] @ B
            T1 += Xf.sum(axis=0)
            T2 += Xf.T @ Xf + len(R) * C
        mu_new = T1 / n
        S_new = T2 / n - np.outer(mu_new, mu_new)
        done = max(np.max(np.abs(mu_new - mu)), np.max(np.abs(S_new - S))) < tol
        mu, S = mu_new, S_new
        if done:
            break
    return mu, S


def _loglik_sat(pats, mu, S) -> float:
    ll = 0.0
    for o, R in pats:
        So = S[np.ix_(o, o)]
        Z = R - mu[o]
        sign, logdet = np.linalg.slogdet(So)
        ll += -0.5 * (len(R) * (len(o) * LOG2PI + logdet) + np.sum(Z * np.linalg.solve(So, Z.T).T))
    return float(ll)


class FimlProblem:
    """F(θ, μ) and its gradient for one model and one incomplete data matrix."""

    def __init__(self, spec: ModelSpec, X: np.ndarray) -> None:
        self.spec, self.X = spec, X
        self.pr = MLProblem(spec)
        self.q, self.p = spec.n_free, spec.p
        self.N = X.shape[0]
        self.pats = _patterns(X)
        rows, cols = np.tril_indices(self.p)
        order = np.lexsort((rows, cols))
        self.vr, self.vc = rows[order], cols[order]
        self.vmult = np.where(self.vr == self.vc, 1.0, 2.0)
        self.const = sum(len(R) * len(o) for o, R in self.pats) * LOG2PI

    def value_grad(self, par: np.ndarray):
        theta, mu = par[: self.q], par[self.q:]
        Sigma = self.pr.sigma(theta)
        F, G, gmu = 0.0, np.zeros((self.p, self.p)), np.zeros(self.p)
        for o, R in self.pats:
            w = len(R) / self.N
            try:
                c = linalg.cho_factor(Sigma[np.ix_(o, o)], lower=True, check_finite=False)
            except (linalg.LinAlgError, ValueError):
                return np.inf, np.zeros_like(par)
            P = linalg.cho_solve(c, np.eye(len(o)), check_finite=False)
            Z = R - mu[o]
            Sg = Z.T @ Z / len(R)
            PS = P @ Sg
            F += w * (2.0 * np.log(np.diag(c[0])).sum() + np.trace(PS))
            G[np.ix_(o, o)] += w * (P - PS @ P)
            gmu[o] += -2.0 * w * (P @ Z.mean(axis=0))
        Delta = self.pr.delta(theta)
        gtheta = Delta.T @ (G[self.vr, self.vc] * self.vmult)
        return float(F), np.concatenate([gtheta, gmu])

    def loglik(self, F: float) -> float:
        return -0.5 * (self.const + self.N * F)

    def hessian(self, par: np.ndarray, h: float = 1e-6) -> np.ndarray:
        k = len(par)
        H = np.empty((k, k))
        for j in range(k):
            e = np.zeros(k)
            e[j] = h * max(1.0, abs(par[j]))
            H[:, j] = (self.value_grad(par + e)[1] - self.value_grad(par - e)[1]) / (2 * e[j])
        return 0.5 * (H + H.T)


def fit_fiml(syntax, data: pd.DataFrame, *, tol: float = 1e-7, data_source: str = "data") -> FimlResult:
    """FIML fit of ``syntax`` on ``data`` whose missing cells are NaN (see the module docstring).

    Raises
    ------
    InputError
        A row with every model variable missing.
    EstimationError
        No convergence.

    References
    ----------
    Enders, C. K. (2010). *Applied missing data analysis*; lavaan ``sem(..., missing = "ml")``.
    """
    spec = syntax if isinstance(syntax, ModelSpec) else build_spec(syntax, list(data.columns), data_source)
    X = data[spec.observed].to_numpy(dtype=float)
    empty = np.flatnonzero(np.isnan(X).all(axis=1))
    if len(empty):
        raise InputError(f"{len(empty)} row(s) have every model variable missing (first: row {empty[0] + 1})",
                         file=data_source, fix="drop those rows before a FIML fit")
    N = X.shape[0]
    mu1, S1 = em_saturated(X)
    pats = _patterns(X)
    ll1 = _loglik_sat(pats, mu1, S1)
    start = fit_sem(spec, cov=S1, n_obs=N, likelihood="normal", use_semopy=False)
    prob = FimlProblem(spec, X)
    par0 = np.concatenate([start.theta, mu1])
    res = optimize.minimize(prob.value_grad, par0, jac=True, method="BFGS",
                            options={"gtol": tol * 1e-2, "maxiter": 2000})
    par = res.x
    F, g = prob.value_grad(par)
    H = prob.hessian(par)
    for _ in range(5):                       # Newton polish on the analytic gradient
        if np.max(np.abs(g)) < 1e-12:
            break
        cand = par - np.linalg.solve(H, g)
        Fc, gc = prob.value_grad(cand)
        if not (np.isfinite(Fc) and np.max(np.abs(gc)) < np.max(np.abs(g))):
            break
        par, F, g = cand, Fc, gc
        H = prob.hessian(par)
    gmax = float(np.max(np.abs(g)))
    if not np.isfinite(F) or gmax > tol:
        raise EstimationError(f"the FIML estimation did not converge (max |gradient| = {gmax:.2e})")
    q = spec.n_free
    vcov_all = (2.0 / N) * np.linalg.inv(H)
    ll0 = prob.loglik(F)
    theta, mu = par[:q], par[q:]
    fit = MLFit(theta, F, gmax, int(res.nit), True, "converged")
    sem = SemResult(spec, theta, S1, N, "normal", fit, vcov_all[:q, :q], None, "FIML (clusterup)")
    sem.warnings.extend(sem.admissibility())
    # χ² against the EM saturated model; baseline: independent variables, their observed-value moments
    df = spec.df
    chi2 = 2.0 * (ll1 - ll0)
    obs = ~np.isnan(X)
    nj = obs.sum(axis=0)
    vj = np.nanvar(X, axis=0)
    llb = float(np.sum(-0.5 * nj * (LOG2PI + np.log(vj) + 1.0)))
    chi2_b = 2.0 * (ll1 - llb)
    p_ = spec.p
    df_b = p_ * (p_ + 1) // 2 - p_
    t1, t2 = max(chi2 - df, 0.0), max(chi2 - df, chi2_b - df_b, 0.0)
    test = {"chi2": chi2, "df": df, "p": float(stats.chi2.sf(chi2, df)) if df > 0 else float("nan"),
            "baseline_chi2": chi2_b, "baseline_df": df_b,
            "cfi": 1.0 if t2 == 0 else 1 - t1 / t2,
            "tli": 1 - (chi2 - df) * df_b / ((chi2_b - df_b) * df) if df > 0 else float("nan"),
            "rmsea": math.sqrt(max(chi2 / N / df - 1 / N, 0.0)) if df > 0 else float("nan"),
            "srmr": _srmr_means(S1, mu1, sem.Sigma, mu)}
    return FimlResult(sem, mu, ll0, ll1, test, len(pats), int((~obs).sum()))


def _srmr_means(S: np.ndarray, xbar: np.ndarray, Sigma: np.ndarray, mu: np.ndarray) -> float:
    """SRMR with a mean structure (Bentler's form, lavaan ``srmr`` when means are modelled):
    residual correlations r_ij − ρ̂_ij (ρ̂ scaled by the h1 SDs) and mean residuals (x̄_i − μ̂_i)/s_i."""
    sd = np.sqrt(np.diag(S))
    R = S / np.outer(sd, sd)
    Rh = Sigma / np.outer(sd, sd)
    i, j = np.tril_indices(len(sd))
    e = np.concatenate([(R - Rh)[i, j], (xbar - mu) / sd])
    return float(np.sqrt(np.mean(e ** 2)))
