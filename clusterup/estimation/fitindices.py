"""The complete AMOS model-fit block, computed from χ², df, the baseline model and the matrices.

Notation (AMOS User's Guide, Appendices A and C): N respondents, n = N − 1 (``wishart``, AMOS)
or n = N (``normal``, lavaan's default), p observed variables, p* = p(p + 1)/2 sample moments,
q free parameters, d = p* − q, C = n·F̂_ML (CMIN), C_b and d_b = p* − p of the independence model
(all covariances zero, variances free).

=========  ================================================  ==========================
index      formula                                           lavaan ``fitMeasures``
=========  ================================================  ==========================
CMIN       C = n·F̂                                            chisq
RMR        √(mean over i ≤ j of (s_ij − σ̂_ij)²)               rmr
SRMR       √(mean over i ≤ j of ((s_ij − σ̂_ij)/√(s_ii s_jj))²)  srmr (= srmr_bentler)
GFI        1 − tr[(Σ̂⁻¹S − I)²] / tr[(Σ̂⁻¹S)²]                  gfi
AGFI       1 − (p*/d)(1 − GFI)                               agfi
PGFI       (d/p*)·GFI                                        pgfi
NFI        1 − C/C_b                                         nfi
RFI        1 − (C/d)/(C_b/d_b)                               rfi
IFI        (C_b − C)/(C_b − d)                               ifi
TLI        (C_b/d_b − C/d)/(C_b/d_b − 1)                     tli
CFI        1 − max(C − d, 0)/max(C_b − d_b, C − d, 0)        cfi
PNFI/PCFI  (d/d_b)·NFI, (d/d_b)·CFI                          pnfi / —
RMSEA      √(max(C − d, 0)/(n·d)); 90% CI √(δ/(n·d)) with    rmsea, rmsea.ci.lower/upper
           Φ(C | δ_L, d) = .95 and Φ(C | δ_U, d) = .05
PCLOSE     1 − Φ(C | .05²·n·d, d)                            rmsea.pvalue
AIC        C + 2q                                            (aic is log-likelihood based)
BCC        C + 2q·n/(N − p − 2)                              —
BIC        C + q·ln(N·p)                                     (bic is log-likelihood based)
CAIC       C + q·(ln N + 1)                                  —
ECVI       AIC/n                                             ecvi
MECVI      BCC/n                                             —
HOELTER    ⌊n·χ²_{1−α}(d)/C + 1⌋, α = .05, .01               cn_05, cn_01 (not truncated)
=========  ================================================  ==========================

AMOS's BIC and CAIC are printed as images in its help; the forms above (Raftery 1995's
C + q·ln(N·p) and Bozdogan's CAIC) are the ones its documentation describes in words (BIC
penalises complexity more than CAIC).  Because they could not be checked against an AMOS output
here, the block also carries lavaan's log-likelihood versions (``logl``, ``aic_loglik``,
``bic_loglik``), which the test-suite verifies against lavaan.  Differences between models are
the same under either form.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import optimize

from clusterup import distributions as dist

APPENDIX_B_KEYS = ["n", "likelihood", "npar", "chi2", "df", "p", "chi2_df", "rmr", "srmr", "gfi", "agfi",
                   "pgfi", "nfi", "rfi", "ifi", "tli", "cfi", "pnfi", "pcfi", "rmsea", "rmsea_lo90",
                   "rmsea_hi90", "pclose", "aic", "bcc", "bic", "caic", "ecvi", "hoelter_05",
                   "hoelter_01", "converged"]


def baseline_fmin(S: np.ndarray) -> float:
    """F_ML of the independence model: log|diag S| − log|S| (its ML estimate is Σ = diag S)."""
    return float(np.sum(np.log(np.diag(S))) - np.linalg.slogdet(S)[1])


def rmsea_ci(chi2: float, df: int, n: float, level: float = 0.90) -> tuple[float, float]:
    """RMSEA confidence interval by inverting the noncentral χ² distribution (Steiger 1990).

    δ_L solves P(χ²_d(δ) ≤ C) = (1 + level)/2 and δ_U solves it = (1 − level)/2; the bounds are
    √(δ/(n·d)).  A bound is 0 when even δ = 0 gives a probability below its target.
    """
    if df <= 0:
        return (float("nan"), float("nan"))
    hi_p, lo_p = (1 + level) / 2, (1 - level) / 2

    def root(target: float) -> float:
        if dist.chi2_cdf(chi2, df) < target:
            return 0.0
        f = lambda d: dist.ncx2_cdf(chi2, df, d) - target if d > 0 else dist.chi2_cdf(chi2, df) - target
        upper = max(10.0, 4 * chi2)
        while f(upper) > 0:
            upper *= 2
        return optimize.brentq(f, 0.0, upper, xtol=1e-12, rtol=1e-14, maxiter=500)

    lo, hi = root(hi_p), root(lo_p)
    return math.sqrt(lo / (n * df)), math.sqrt(hi / (n * df))


def fit_block(*, S: np.ndarray, Sigma: np.ndarray, fmin: float, n_obs: int, n_free: int,
              likelihood: str, converged: bool = True) -> dict:
    """Every fit index of SPEC §6 / Appendix B from the sample and implied covariance matrices.

    Parameters
    ----------
    S, Sigma : ndarray (p × p)
        Sample covariance (divisor of the likelihood convention) and model-implied covariance.
    fmin : float
        F_ML at the minimum.
    n_obs : int
        N.
    n_free : int
        q, the number of free parameters.
    likelihood : {"wishart", "normal"}
        n = N − 1 or N.
    """
    p = S.shape[0]
    pstar = p * (p + 1) // 2
    q = n_free
    d = pstar - q
    N = n_obs
    n = N - 1 if likelihood == "wishart" else N
    C = n * fmin
    Fb = baseline_fmin(S)
    Cb = n * Fb
    db = pstar - p
    out: dict = {"n": N, "likelihood": likelihood, "npar": q, "chi2": C, "df": d}
    out["p"] = float(dist.chi2_sf(C, d)) if d > 0 else float("nan")
    out["chi2_df"] = C / d if d > 0 else float("nan")
    # residual-based
    rows, cols = np.tril_indices(p)
    resid = (S - Sigma)[rows, cols]
    out["rmr"] = float(np.sqrt(np.mean(resid ** 2)))
    sd = np.sqrt(np.diag(S))
    out["srmr"] = float(np.sqrt(np.mean((resid / (sd[rows] * sd[cols])) ** 2)))
    # GFI family (Jöreskog & Sörbom)
    P = np.linalg.solve(Sigma, S)
    E = P - np.eye(p)
    gfi = 1 - np.trace(E @ E) / np.trace(P @ P)
    out["gfi"] = float(gfi)
    out["agfi"] = float(1 - (pstar / d) * (1 - gfi)) if d > 0 else float("nan")
    out["pgfi"] = float(d / pstar * gfi)
    # incremental indices
    out["nfi"] = 1 - C / Cb
    out["rfi"] = 1 - (C / d) / (Cb / db) if d > 0 else float("nan")
    out["ifi"] = (Cb - C) / (Cb - d)
    out["tli"] = ((Cb / db) - (C / d)) / ((Cb / db) - 1) if d > 0 else float("nan")
    denom = max(C - d, Cb - db, 0.0)
    out["cfi"] = 1 - max(C - d, 0.0) / denom if denom > 0 else 1.0
    out["pnfi"] = d / db * out["nfi"]
    out["pcfi"] = d / db * out["cfi"]
    # noncentrality-based
    if d > 0:
        out["rmsea"] = math.sqrt(max(C - d, 0.0) / (n * d))
        out["rmsea_lo90"], out["rmsea_hi90"] = rmsea_ci(C, d, n)
        out["pclose"] = float(dist.ncx2_sf(C, d, 0.05 ** 2 * n * d))
    else:
        out["rmsea"] = out["rmsea_lo90"] = out["rmsea_hi90"] = out["pclose"] = float("nan")
    # information criteria (AMOS forms)
    out["aic"] = C + 2 * q
    out["bcc"] = C + 2 * q * n / (N - p - 2) if N - p - 2 > 0 else float("nan")
    out["bic"] = C + q * math.log(N * p)
    out["caic"] = C + q * (math.log(N) + 1)
    out["ecvi"] = out["aic"] / n
    out["mecvi"] = out["bcc"] / n
    # AMOS prints the information criteria of the saturated and independence models beside the
    # default model: the model should have the smallest values
    for label, c_, q_ in (("saturated", 0.0, pstar), ("independence", Cb, p)):
        out[f"aic_{label}"] = c_ + 2 * q_
        out[f"bcc_{label}"] = c_ + 2 * q_ * n / (N - p - 2) if N - p - 2 > 0 else float("nan")
        out[f"bic_{label}"] = c_ + q_ * math.log(N * p)
        out[f"caic_{label}"] = c_ + q_ * (math.log(N) + 1)
        out[f"ecvi_{label}"] = out[f"aic_{label}"] / n
    for a, key in ((0.05, "hoelter_05"), (0.01, "hoelter_01")):
        if d > 0 and C > 0:
            out[key] = int(math.floor(n * dist.chi2_ppf(1 - a, d) / C + 1))
        else:
            out[key] = None
    out["converged"] = bool(converged)
    # extras: the quantities behind the block, and lavaan's log-likelihood forms
    out.update(fmin=fmin, ncp=max(C - d, 0.0), f0=max(C - d, 0.0) / n, pratio=d / db,
               baseline_chi2=Cb, baseline_df=db, n_multiplier=n)
    # lavaan's log-likelihoods always use N and the stored S (divisor N−1 under wishart)
    logdet_Sigma = np.linalg.slogdet(Sigma)[1]
    logl = -N / 2 * (p * math.log(2 * math.pi) + logdet_Sigma + np.trace(np.linalg.solve(Sigma, S)))
    logl_h1 = -N / 2 * (p * math.log(2 * math.pi) + np.linalg.slogdet(S)[1] + p)
    out.update(logl=float(logl), unrestricted_logl=float(logl_h1),
               aic_loglik=float(-2 * logl + 2 * q), bic_loglik=float(-2 * logl + q * math.log(N)))
    return {k: (float(v) if isinstance(v, (np.floating, np.integer)) else v) for k, v in out.items()}
