"""Exploratory validity: KMO, Bartlett, principal components with varimax, parallel analysis, Harman.

* KMO (Kaiser 1974) overall and per item, and Bartlett's (1951) test of sphericity
  χ² = −(N − 1 − (2p + 5)/6)·ln|R| on p(p − 1)/2 df — as SPSS ``FACTOR /PRINT KMO`` and R
  ``psych::KMO`` / ``psych::cortest.bartlett``; computed by factor_analyzer.
* Principal-components extraction of the correlation matrix (SPSS ``/EXTRACTION PC``): loadings
  v_j·√λ_j of the retained components; number retained by Kaiser's eigenvalue > 1 (SPSS's
  default) unless configured otherwise.
* Varimax with Kaiser normalization (SPSS ``/ROTATION VARIMAX``; R ``stats::varimax`` via
  ``psych::principal(rotate = "varimax")``), by factor_analyzer's :class:`Rotator`.  Rotated
  components are ordered by their sum of squared loadings and signed so that their largest
  loading is positive (column signs are arbitrary).
* Horn's (1965) parallel analysis: eigenvalues of correlation matrices of N × p standard normal
  data (``iterations`` draws from a seeded generator, drawn as Wishart matrices so the cost does
  not grow with N); a component is retained while its eigenvalue exceeds the chosen percentile
  of the random eigenvalues (Glorfeld 1995).
* Harman's single-factor test (Podsakoff et al. 2003): the % of total variance of the first
  unrotated component; above 50% suggests common-method variance.  The test is known to be
  insensitive (it rarely detects moderate method variance), so a pass is weak evidence.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from clusterup import distributions as dist

HARMAN_LIMIT = 50.0


def adequacy(data: pd.DataFrame) -> tuple[dict, pd.DataFrame]:
    """KMO (overall and per item) and Bartlett's test of sphericity."""
    from factor_analyzer.factor_analyzer import calculate_bartlett_sphericity, calculate_kmo

    X = data.to_numpy(dtype=float)
    kmo_items, kmo = calculate_kmo(X)
    chi2, p_value = calculate_bartlett_sphericity(X)
    p = X.shape[1]
    out = {"kmo": float(kmo), "bartlett_chi2": float(chi2), "bartlett_df": int(p * (p - 1) // 2),
           "bartlett_p": float(p_value), "n": int(X.shape[0]), "n_items": int(p),
           "kmo_verdict": kmo_label(float(kmo))}
    per_item = pd.DataFrame({"item": list(data.columns), "kmo": kmo_items})
    return out, per_item


def kmo_label(kmo: float) -> str:
    """Kaiser's (1974) adjectives for the KMO value."""
    for lim, word in ((0.9, "marvelous"), (0.8, "meritorious"), (0.7, "middling"), (0.6, "mediocre"),
                      (0.5, "miserable")):
        if kmo >= lim:
            return word
    return "unacceptable"


def principal_components(R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (descending) and unrotated loadings V·√λ of a correlation matrix."""
    w, V = np.linalg.eigh(R)
    order = np.argsort(w)[::-1]
    w, V = w[order], V[:, order]
    L = V * np.sqrt(np.clip(w, 0, None))
    # sign convention: each component's loadings sum to a positive number
    L *= np.where(L.sum(axis=0) < 0, -1.0, 1.0)
    return w, L


def varimax(L: np.ndarray) -> np.ndarray:
    """Varimax rotation with Kaiser normalization, columns ordered by SS loadings and signed."""
    from factor_analyzer.rotator import Rotator

    if L.shape[1] < 2:
        return L.copy()
    R = Rotator(method="varimax", normalize=True, max_iter=1000, tol=1e-10).fit_transform(L)
    ss = (R ** 2).sum(axis=0)
    R = R[:, np.argsort(-ss, kind="stable")]
    idx = np.argmax(np.abs(R), axis=0)
    R *= np.sign(R[idx, np.arange(R.shape[1])])
    return R


def parallel_analysis(n: int, p: int, *, iterations: int, percentile: float, seed: int,
                      observed: np.ndarray) -> tuple[pd.DataFrame, int]:
    """Horn's parallel analysis with normal random data.

    The correlation matrix of N × p independent standard normal data is the correlation matrix of
    a Wishart(N − 1, I_p) matrix, which is drawn directly by Bartlett's decomposition
    (W = A Aᵀ, A lower triangular, A_ii² ~ χ²(N − i), A_ij ~ N(0, 1) below the diagonal): the same
    distribution as simulating the data, at O(p³) instead of O(N p²) per draw.

    Returns a table (component, observed, random_mean, random_percentile) and the number of
    components whose observed eigenvalue exceeds the random percentile (counted from the first
    until the first failure).
    """
    rng = np.random.default_rng(seed)
    eig = np.empty((iterations, p))
    df = n - 1
    rows, cols = np.tril_indices(p, -1)
    chi_df = df - np.arange(p)
    for b in range(iterations):
        A = np.zeros((p, p))
        A[np.arange(p), np.arange(p)] = np.sqrt(rng.chisquare(chi_df))
        A[rows, cols] = rng.standard_normal(len(rows))
        W = A @ A.T
        d = 1 / np.sqrt(np.diag(W))
        eig[b] = np.sort(np.linalg.eigvalsh(W * np.outer(d, d)))[::-1]
    mean = eig.mean(axis=0)
    pct = np.percentile(eig, percentile, axis=0)
    k = 0
    while k < p and observed[k] > pct[k]:
        k += 1
    table = pd.DataFrame({"component": np.arange(1, p + 1), "observed": observed,
                          "random_mean": mean, "random_percentile": pct})
    return table, k


def efa(data: pd.DataFrame, item_construct: dict[str, str], *, n_components: int | str = "kaiser",
        iterations: int = 1000, percentile: float = 95, seed: int = 0) -> dict:
    """Run the whole exploratory block on the analysed items.

    Parameters
    ----------
    data : DataFrame
        Complete responses, one column per item.
    item_construct : dict
        Item -> its construct (to read the loading table).
    n_components : "kaiser", "parallel", "constructs" or int
        How many components to retain and rotate.

    Returns
    -------
    dict with adequacy, kmo_items, variance, loadings, parallel, harman, n_components.
    """
    items = list(data.columns)
    X = data.to_numpy(dtype=float)
    n, p = X.shape
    R = np.corrcoef(X, rowvar=False)
    eigenvalues, L0 = principal_components(R)
    par_table, k_parallel = parallel_analysis(n, p, iterations=iterations, percentile=percentile,
                                              seed=seed, observed=eigenvalues)
    k_kaiser = int((eigenvalues > 1).sum())
    k_constructs = len(dict.fromkeys(item_construct[i] for i in items))
    if n_components == "kaiser":
        k = k_kaiser
    elif n_components == "parallel":
        k = k_parallel
    elif n_components == "constructs":
        k = k_constructs
    else:
        k = int(n_components)
    k = max(1, min(k, p))
    Lr = varimax(L0[:, :k])
    ss_rot = (Lr ** 2).sum(axis=0)
    variance = pd.DataFrame({
        "component": np.arange(1, p + 1),
        "initial_eigenvalue": eigenvalues,
        "initial_prop": eigenvalues / p,
        "initial_cum_prop": np.cumsum(eigenvalues) / p,
        "extraction_ss": np.where(np.arange(p) < k, eigenvalues, np.nan),
        "extraction_prop": np.where(np.arange(p) < k, eigenvalues / p, np.nan),
        "extraction_cum_prop": np.where(np.arange(p) < k, np.cumsum(eigenvalues) / p, np.nan),
        "rotation_ss": np.concatenate([ss_rot, np.full(p - k, np.nan)]),
        "rotation_prop": np.concatenate([ss_rot / p, np.full(p - k, np.nan)]),
        "rotation_cum_prop": np.concatenate([np.cumsum(ss_rot) / p, np.full(p - k, np.nan)]),
    })
    names = [f"RC{j + 1}" for j in range(k)]
    load = pd.DataFrame(Lr, columns=names)
    load.insert(0, "construct", [item_construct[i] for i in items])
    load.insert(0, "item", items)
    load["communality"] = (Lr ** 2).sum(axis=1)
    absL = np.abs(Lr)
    primary = absL.argmax(axis=1)
    load["primary_component"] = [names[j] for j in primary]
    load["primary_loading"] = Lr[np.arange(p), primary]
    second = np.sort(absL, axis=1)[:, -2] if k > 1 else np.zeros(p)
    load["max_cross_loading"] = second
    # for each construct, the component most of its items load on, and whether each item agrees
    majority = {}
    for c in dict.fromkeys(load["construct"]):
        comps = load.loc[load["construct"] == c, "primary_component"]
        majority[c] = comps.mode().iloc[0]
    load["on_own_component"] = [load.at[i, "primary_component"] == majority[c] for i, c in enumerate(load["construct"])]
    kmo, kmo_items = adequacy(data)
    first_pct = float(100 * eigenvalues[0] / p)
    harman = {"first_factor_pct": first_pct, "first_eigenvalue": float(eigenvalues[0]), "n_items": p,
              "limit_pct": HARMAN_LIMIT, "single_factor_dominates": bool(first_pct > HARMAN_LIMIT),
              "components_eigen_gt_1": k_kaiser,
              "caveat": "Harman's single-factor test is insensitive: passing it does not rule out "
                        "common-method variance (Podsakoff, MacKenzie, Lee & Podsakoff 2003)."}
    kmo.update({"n_components_kaiser": k_kaiser, "n_components_parallel": k_parallel,
                "n_components_constructs": k_constructs, "n_components_retained": k,
                "retention_rule": str(n_components), "rotated_cum_prop": float(ss_rot.sum() / p),
                "parallel_iterations": iterations, "parallel_percentile": percentile, "parallel_seed": seed,
                "items_on_own_component": int(load["on_own_component"].sum()),
                "max_cross_loading": float(np.max(second)) if p else float("nan")})
    return {"adequacy": kmo, "kmo_items": kmo_items, "variance": variance, "loadings": load,
            "parallel": par_table, "harman": harman, "n_components": k}


def bartlett(R: np.ndarray, n: int) -> tuple[float, int, float]:
    """Bartlett's test from a correlation matrix (used by tests; SPSS formula)."""
    p = R.shape[0]
    chi2 = -(n - 1 - (2 * p + 5) / 6) * np.linalg.slogdet(R)[1]
    df = p * (p - 1) // 2
    return float(chi2), df, float(dist.chi2_sf(chi2, df))
