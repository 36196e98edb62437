"""Scale reliability: Cronbach's α, standardized α, McDonald's ω, item-total statistics.

Formulas (k items, item covariance matrix C, correlation matrix R):

* Cronbach's α (covariance form, SPSS "Cronbach's Alpha"; R ``psych::alpha()$total$raw_alpha``)::

      α = k/(k − 1) · (1 − Σ_i C_ii / Σ_ij C_ij)

* standardized α (SPSS "Based on Standardized Items"; ``std.alpha``): α_std = k·r̄/(1 + (k − 1)·r̄),
  r̄ the mean off-diagonal correlation;
* corrected item-total correlation (CITC; SPSS "Corrected Item-Total Correlation";
  ``psych::alpha()$item.stats$r.drop``): corr(x_i, Σ_{j≠i} x_j);
* α if item deleted: α of the other k − 1 items (``alpha.drop$raw_alpha``);
* McDonald's ω (total, congeneric): from a one-factor ML model of the k items fitted by
  :func:`clusterup.estimation.sem.fit_sem`, ω = (Σλ_i)²·φ / ((Σλ_i)²·φ + Σθ_i) with the factor variance φ and
  residual variances θ — R ``semTools::compRelSEM(fit, tau.eq = FALSE, obs.var = FALSE)``.
  Defined for k ≥ 3 (with 2 items the one-factor model is not identified; ω is then missing).

References: Cronbach (1951); McDonald (1999) *Test theory*; Nunnally & Bernstein (1994) for the
.70 and CITC .40 conventions used as flags here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from clusterup.errors import EstimationError

CITC_MIN = 0.40


def cronbach_alpha(X: np.ndarray) -> float:
    """Cronbach's α from the item covariance matrix (rows = respondents)."""
    X = np.asarray(X, dtype=float)
    k = X.shape[1]
    if k < 2:
        return float("nan")
    C = np.cov(X, rowvar=False)
    return float(k / (k - 1) * (1 - np.trace(C) / C.sum()))


def standardized_alpha(X: np.ndarray) -> float:
    """α based on standardized items: k·r̄ / (1 + (k − 1)·r̄)."""
    X = np.asarray(X, dtype=float)
    k = X.shape[1]
    if k < 2:
        return float("nan")
    R = np.corrcoef(X, rowvar=False)
    rbar = (R.sum() - k) / (k * (k - 1))
    return float(k * rbar / (1 + (k - 1) * rbar))


def item_total(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Corrected item-total correlations and α-if-item-deleted for every column."""
    X = np.asarray(X, dtype=float)
    k = X.shape[1]
    total = X.sum(axis=1)
    citc = np.empty(k)
    aid = np.empty(k)
    for i in range(k):
        rest = total - X[:, i]
        citc[i] = np.corrcoef(X[:, i], rest)[0, 1]
        aid[i] = cronbach_alpha(np.delete(X, i, axis=1)) if k > 2 else float("nan")
    return citc, aid


def omega_total(data: pd.DataFrame, items: list[str]) -> float:
    """McDonald's ω from a one-factor ML model (NaN for fewer than three items)."""
    from clusterup.estimation.sem import fit_sem
    from clusterup.estimation.syntax import parse_model

    if len(items) < 3:
        return float("nan")
    syntax = parse_model(f"F =~ {' + '.join(items)}", "one-factor model")
    try:
        res = fit_sem(syntax, data=data[items], likelihood="normal")
    except EstimationError:
        return float("nan")
    est = res.estimates()
    lam = est[(est.op == "=~")]["est"].to_numpy()
    phi = float(est[(est.op == "~~") & (est.lhs == "F") & (est.rhs == "F")]["est"].iloc[0])
    theta = est[(est.op == "~~") & (est.lhs.isin(items)) & (est.lhs == est.rhs)]["est"].to_numpy()
    num = lam.sum() ** 2 * phi
    return float(num / (num + theta.sum()))


def reliability(data: pd.DataFrame, constructs: dict[str, list[str]],
                labels: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Construct table (n_items, alpha, alpha_std, omega) and item table (citc, alpha_if_deleted, flag).

    Parameters
    ----------
    data : DataFrame
        Complete item responses (after reverse coding).
    constructs : dict
        Construct -> its items (after purification).
    """
    labels = labels or {}
    crow, irow = [], []
    for c, items in constructs.items():
        X = data[items].to_numpy(dtype=float)
        a = cronbach_alpha(X)
        crow.append({"construct": c, "label": labels.get(c, c), "n_items": len(items), "alpha": a,
                     "alpha_std": standardized_alpha(X), "omega": omega_total(data, items),
                     "items": " ".join(items)})
        citc, aid = item_total(X)
        for it, r, ad in zip(items, citc, aid):
            irow.append({"construct": c, "item": it, "citc": float(r), "alpha_if_deleted": float(ad),
                         "flag": _flag(r, ad, a)})
    return pd.DataFrame(crow), pd.DataFrame(irow)


def _flag(citc: float, aid: float, alpha: float) -> str:
    flags = []
    if citc < CITC_MIN:
        flags.append("low_citc")
    if np.isfinite(aid) and aid > alpha:
        flags.append("alpha_rises_if_deleted")
    return ";".join(flags)


def purification(data: pd.DataFrame, construct_items_full: dict[str, list[str]],
                 dropped: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Before/after statistics for every item in ``items_dropped``.

    Returns the decision table (item, construct, reason, citc_before, alpha_if_deleted_before,
    alpha_before, alpha_after, n_items_before, n_items_after) and the dropped items' rows for the
    item table (statistics in the full scale, flag ``dropped``).
    """
    drop_set = {d["item"] for d in dropped}
    rows, item_rows = [], []
    for d in dropped:
        item = d["item"]
        construct = next((c for c, its in construct_items_full.items() if item in its), None)
        if construct is None:
            continue
        full = construct_items_full[construct]
        after = [i for i in full if i not in drop_set]
        Xf = data[full].to_numpy(dtype=float)
        citc, aid = item_total(Xf)
        k = full.index(item)
        rows.append({"item": item, "construct": construct, "reason": d.get("reason", ""),
                     "citc_before": float(citc[k]), "alpha_if_deleted_before": float(aid[k]),
                     "alpha_before": cronbach_alpha(Xf),
                     "alpha_after": cronbach_alpha(data[after].to_numpy(dtype=float)),
                     "n_items_before": len(full), "n_items_after": len(after)})
        item_rows.append({"construct": construct, "item": item, "citc": float(citc[k]),
                          "alpha_if_deleted": float(aid[k]), "flag": "dropped"})
    cols = ["item", "construct", "reason", "citc_before", "alpha_if_deleted_before", "alpha_before",
            "alpha_after", "n_items_before", "n_items_after"]
    return pd.DataFrame(rows, columns=cols), pd.DataFrame(
        item_rows, columns=["construct", "item", "citc", "alpha_if_deleted", "flag"])
