"""Descriptive statistics: sample profile, item distributions and (multivariate) normality.

Univariate skewness and kurtosis are the bias-corrected G1 and G2 that SPSS prints
(``DESCRIPTIVES /STATISTICS=SKEWNESS KURTOSIS``; Joanes & Gill 1998, type 2; R
``psych::skew(x, type = 2)``), with SPSS's standard errors::

    G1 = √(n(n−1))/(n−2) · g1,       g1 = m3 / m2^{3/2}
    G2 = (n−1)/((n−2)(n−3)) · ((n+1)·g2 + 6),   g2 = m4 / m2² − 3
    SE(G1) = √(6n(n−1)/((n−2)(n+1)(n+3))),   SE(G2) = 2·SE(G1)·√((n²−1)/((n−3)(n+5)))

Mardia's (1970) multivariate coefficients use the ML covariance (divisor N), as AMOS's
"Assessment of normality" does; ``ddof=1`` reproduces R's ``psych::mardia``::

    d_ij = (x_i − x̄)ᵀ S⁻¹ (x_j − x̄),   b1p = Σ_ij d_ij³ / N²,   b2p = Σ_i d_ii² / N
    skewness χ² = N·b1p/6 on p(p+1)(p+2)/6 df
    kurtosis excess = b2p − p(p+2),   c.r. = excess / √(8p(p+2)/N)   (AMOS "Multivariate")
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from clusterup import distributions as dist
from clusterup.io.config import Codebook

SKEW_LIMIT = 2.0       # |skew| > 2 and |kurtosis| > 7: West, Finch & Curran (1995); Kline (2016)
KURTOSIS_LIMIT = 7.0


def skewness_kurtosis(x: np.ndarray) -> dict:
    """SPSS's G1, G2 and their standard errors for one variable (NaN dropped).

    With the central moments m_r = Σ(x − x̄)ʳ/n, g1 = m3/m2^1.5 and g2 = m4/m2² − 3:
    G1 = g1·√(n(n − 1))/(n − 2),  G2 = (n − 1)((n + 1)g2 + 6)/((n − 2)(n − 3))  (Joanes & Gill
    1998, type 2; SPSS, SAS; ``scipy.stats.skew/kurtosis(bias=False)``, ``e1071::skewness(type=2)``).
    """
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    out = {"skew": np.nan, "skew_se": np.nan, "kurtosis": np.nan, "kurtosis_se": np.nan}
    if n < 4 or np.std(x) == 0:
        return out
    d = x - x.mean()
    d2 = d * d
    m2, m3, m4 = d2.mean(), (d2 * d).mean(), (d2 * d2).mean()
    g1, g2 = m3 / m2 ** 1.5, m4 / m2 ** 2 - 3.0
    out["skew"] = float(g1 * np.sqrt(n * (n - 1.0)) / (n - 2))
    out["kurtosis"] = float((n - 1.0) * ((n + 1) * g2 + 6) / ((n - 2.0) * (n - 3)))
    se_s = np.sqrt(6.0 * n * (n - 1) / ((n - 2) * (n + 1) * (n + 3)))
    out["skew_se"] = float(se_s)
    out["kurtosis_se"] = float(2 * se_s * np.sqrt((n * n - 1.0) / ((n - 3) * (n + 5))))
    return out


def item_table(data: pd.DataFrame, codebook: Codebook, dropped: list[str]) -> pd.DataFrame:
    """One row per codebook item: n, mean, sd (n−1), min, max, G1, G2 and their SEs."""
    rows = []
    for name, it in codebook.items.items():
        x = data[name].to_numpy(dtype=float)
        x = x[~np.isnan(x)]
        sk = skewness_kurtosis(x)
        rows.append({"construct": it.construct, "item": name, "n": int(len(x)),
                     "mean": float(np.mean(x)) if len(x) else np.nan,
                     "sd": float(np.std(x, ddof=1)) if len(x) > 1 else np.nan,
                     "min": float(np.min(x)) if len(x) else np.nan,
                     "max": float(np.max(x)) if len(x) else np.nan, **sk,
                     "dropped": name in set(dropped)})
    return pd.DataFrame(rows)


def mardia(X: np.ndarray, ddof: int = 0) -> dict:
    """Mardia's multivariate skewness and kurtosis (see module docstring).

    Parameters
    ----------
    X : ndarray (N × p)
        Complete data.
    ddof : int
        Divisor of the covariance: 0 (ML, Mardia 1970, AMOS) or 1 (R ``psych::mardia``).

    References
    ----------
    Mardia, K. V. (1970). Measures of multivariate skewness and kurtosis with applications.
    Biometrika, 57, 519–530.  R: ``psych::mardia(X)`` (with ``ddof=1``).
    """
    X = np.asarray(X, dtype=float)
    n, p = X.shape
    Z = X - X.mean(axis=0)
    S = Z.T @ Z / (n - ddof)
    # whiten: d_ij = y_i · y_j with Y = Z L⁻ᵀ, S = L Lᵀ
    L = np.linalg.cholesky(S)
    Y = np.linalg.solve(L, Z.T).T
    b2p = float(np.sum(np.einsum("ij,ij->i", Y, Y) ** 2) / n)
    if n <= p * p:
        # Σ_ij d_ij³ from the N × N matrix in row blocks, using its symmetry (blocks on or right of
        # the diagonal only; off-diagonal blocks count twice)
        total = 0.0
        step = 2048
        for start in range(0, n, step):
            stop = min(n, start + step)
            D = Y[start:stop] @ Y[start:].T
            D2 = D * D
            diag_block = float(np.einsum("ij,ij->", D2[:, : stop - start], D[:, : stop - start]))
            rest = float(np.einsum("ij,ij->", D2[:, stop - start:], D[:, stop - start:]))
            total += diag_block + 2.0 * rest
    else:
        # Σ_ij (y_i·y_j)³ = Σ_abc T_abc², T_abc = Σ_i y_ia y_ib y_ic: O(N p³) instead of O(N² p)
        T = np.zeros((p * p, p))
        for start in range(0, n, 4096):
            Yb = Y[start:start + 4096]
            T += np.einsum("ia,ib->iab", Yb, Yb).reshape(len(Yb), p * p).T @ Yb
        total = float(np.sum(T ** 2))
    b1p = total / n ** 2
    df = p * (p + 1) * (p + 2) / 6
    skew_stat = n * b1p / 6
    k = (p + 1) * (n + 1) * (n + 3) / (n * ((n + 1) * (p + 1) - 6))
    excess = b2p - p * (p + 2)
    cr = excess / np.sqrt(8 * p * (p + 2) / n)
    return {"n": int(n), "p": int(p), "covariance_divisor": "N" if ddof == 0 else "N-1",
            "b1p": b1p, "skewness_chi2": float(skew_stat), "skewness_df": float(df),
            "skewness_p": float(dist.chi2_sf(skew_stat, df)),
            "skewness_small_sample_chi2": float(n * k * b1p / 6),
            "b2p": b2p, "kurtosis_expected": float(p * (p + 2)), "kurtosis_excess": float(excess),
            "kurtosis_cr": float(cr), "kurtosis_p": float(2 * dist.norm_sf(abs(cr)))}


def normality(data: pd.DataFrame, items: list[str], table: pd.DataFrame) -> dict:
    """Univariate flags (|G1| > 2, |G2| > 7) and Mardia's coefficients for the analysed items."""
    sub = table[table["item"].isin(items)]
    flagged = sub[(sub["skew"].abs() > SKEW_LIMIT) | (sub["kurtosis"].abs() > KURTOSIS_LIMIT)]
    X = data[items].to_numpy(dtype=float)
    X = X[~np.isnan(X).any(axis=1)]
    m = mardia(X, ddof=0)
    return {
        "univariate": {"skew_limit": SKEW_LIMIT, "kurtosis_limit": KURTOSIS_LIMIT,
                       "statistic": "SPSS G1/G2 (bias-corrected)",
                       "max_abs_skew": float(sub["skew"].abs().max()),
                       "max_abs_kurtosis": float(sub["kurtosis"].abs().max()),
                       "flagged_items": flagged["item"].tolist(), "n_flagged": int(len(flagged)),
                       "all_within_limits": bool(len(flagged) == 0)},
        "mardia": m,
        "mardia_psych": _psych_form(m),
        "items": items,
        "multivariate_normal_by_cr": bool(abs(m["kurtosis_cr"]) <= 5.0),
        "cr_note": "Bentler (2005): a multivariate kurtosis critical ratio above 5 indicates non-normality",
    }


def _psych_form(m: dict) -> dict:
    """The same coefficients with the N − 1 covariance (R psych::mardia): d_ij scales by (N−1)/N,
    so b1p by ((N−1)/N)³ and b2p by ((N−1)/N)²."""
    n, p = m["n"], m["p"]
    r = (n - 1) / n
    b1p, b2p = m["b1p"] * r ** 3, m["b2p"] * r ** 2
    return {"b1p": b1p, "b2p": b2p, "skewness_chi2": n * b1p / 6,
            "kurtosis_cr": (b2p - p * (p + 2)) / np.sqrt(8 * p * (p + 2) / n)}


def bands(edges: list[float], labels: list[str]) -> list[tuple[float, float, str]]:
    """Bands [e_i, e_{i+1}) from the codebook's lower edges; the last band is open ("30 or more")."""
    out = []
    for i, lo in enumerate(edges):
        hi = edges[i + 1] if i + 1 < len(edges) else float("inf")
        name = labels[i] if labels else (f"{lo:g} to under {hi:g}" if hi != float("inf") else f"{lo:g} or more")
        out.append((lo, hi, name))
    return out


def sample_profile(data: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Counts and shares of every demographic; numeric ones (no categories) get statistics, and the
    bands the codebook gives (``bins``/``bin_labels``; none when it gives none).

    Columns: variable, label, kind (category / band / statistic), category, n, share (proportion of the sample, 0–1), value.
    """
    rows = []
    N = len(data)
    for var, spec in codebook.demographics.items():
        label = spec["label"]
        cats = spec.get("categories") or {}
        col = data[var].astype(str).str.strip().replace({"nan": ""})
        answered = col[col != ""]
        numeric = pd.to_numeric(answered, errors="coerce")
        if not cats and len(answered) and numeric.notna().all() and (numeric.nunique() > 10 or spec.get("bins")):
            x = numeric.to_numpy(dtype=float)
            n_ans = len(x)
            for stat, val in (("mean", np.mean(x)), ("sd", np.std(x, ddof=1)), ("median", np.median(x)),
                              ("min", np.min(x)), ("max", np.max(x))):
                rows.append({"variable": var, "label": label, "kind": "statistic", "category": stat,
                             "n": n_ans, "share": np.nan, "value": float(val)})
            for lo, hi, name in bands(spec.get("bins") or [], spec.get("bin_labels") or []):
                k = int(((x >= lo) & (x < hi)).sum())
                rows.append({"variable": var, "label": label, "kind": "band", "category": name,
                             "n": k, "share": k / N, "value": np.nan})
            if n_ans < N:
                rows.append({"variable": var, "label": label, "kind": "band", "category": "Missing",
                             "n": N - n_ans, "share": (N - n_ans) / N, "value": np.nan})
            continue
        counts = col.value_counts()
        order = list(cats) + sorted(c for c in counts.index if c not in cats and c != "")
        for code in order:
            k = int(counts.get(code, 0))
            rows.append({"variable": var, "label": label, "kind": "category",
                         "category": cats.get(code, code), "n": k, "share": k / N, "value": np.nan})
        if "" in counts.index:
            k = int(counts[""])
            rows.append({"variable": var, "label": label, "kind": "category", "category": "Missing",
                         "n": k, "share": k / N, "value": np.nan})
    return pd.DataFrame(rows, columns=["variable", "label", "kind", "category", "n", "share", "value"])
