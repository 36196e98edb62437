"""Competing measurement models: first-order, second-order, one-factor and user alternatives.

AMOS-style theses justify their measurement model by fitting its rivals and comparing fit:

* ``first_order``  — every first-order factor, all factors correlated (the CFA of the chapter);
* ``second_order`` — the model's second-order measurement structure (its ``=~`` lines between
  factors), second-order factors and the first-order factors outside them correlated, no
  regressions;
* ``one_factor``   — every analysed item on one factor (also Harman's test as a CFA);
* user alternatives — each a lavaan model file named in config (``alternatives:``).

Each is fitted by :func:`clusterup.estimation.sem.fit_sem` (our optimiser from simple starts) and reported
with the fit block of :mod:`clusterup.estimation.fitindices`; a model that does not converge is kept
as a row with ``converged = False`` and empty fit values.  ``aic`` and ``bic`` are the fit block's
AMOS forms (AIC = χ² + 2q, BIC = χ² + q·ln(N·p)); differences between models fitted to the same
items equal those of lavaan's log-likelihood forms for AIC (not for BIC, whose penalty differs).

Nested comparison: Δχ² = χ²_alt − χ²_first, Δdf = df_alt − df_first, p = P(χ²_Δdf > Δχ²) for a
model nested in the first-order model (second-order and one-factor models restrict its factor
covariance matrix; a user alternative says so with ``nested: true``).

Target coefficient (Marsh & Hocevar 1985): T = χ²_first / χ²_second, the share of the first-order
model's covariation among factors that the second-order structure accounts for (1 when the
second-order model is equivalent, e.g. one second-order factor over three first-order factors).

References
----------
Marsh, H. W., & Hocevar, D. (1985). Application of confirmatory factor analysis to the study of
self-concept. *Psychological Bulletin*, 97(3), 562–582.
lavaan: ``cfa(model, data, likelihood = "wishart")``; ``anova(fit_first, fit_alt)`` (Δχ²).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clusterup import distributions as dist
from clusterup.errors import EstimationError, InputError
from clusterup.estimation.sem import SemResult, fit_sem
from clusterup.estimation.syntax import ModelSyntax, Term, measurement_model

COLUMNS = ["model", "description", "npar", "chi2", "df", "p", "chi2_df", "cfi", "tli", "rmsea", "srmr",
           "aic", "bic", "delta_chi2", "delta_df", "p_delta", "converged"]
FIT_KEYS = ["npar", "chi2", "df", "p", "chi2_df", "cfi", "tli", "rmsea", "srmr", "aic", "bic"]


@dataclass(frozen=True)
class Candidate:
    """A model to compare: its name, a description for the table, the syntax, and whether it is
    nested in the first-order model."""

    name: str
    description: str
    syntax: ModelSyntax
    nested: bool


def second_order_measurement(syntax: ModelSyntax) -> ModelSyntax | None:
    """The model's measurement part with its second-order factors: every ``=~`` line (first- and
    higher-order) and the residual covariances between indicators; no regressions, no defined
    parameters.  Latent variables that are not indicators of another factor covary by the default
    rules.  ``None`` when the model has no higher-order factor."""
    lat = set(syntax.latent)
    higher = [f for f in syntax.latent if any(i in lat for i in syntax.indicators(f))]
    if not higher:
        return None
    obs = {t.rhs for t in syntax.terms if t.op == "=~" and t.rhs not in lat}
    keep = [t for t in syntax.terms
            if t.op == "=~" or (t.op == "~~" and t.lhs in obs and t.rhs in obs)]
    return ModelSyntax(tuple(keep), (), syntax.source)


def one_factor_model(items: list[str], name: str = "G", source: str = "one-factor model") -> ModelSyntax:
    """Every item on a single factor (first loading fixed to 1)."""
    if len(items) < 3:
        raise InputError(f"a one-factor model needs at least 3 items, {len(items)} given", file=source)
    return ModelSyntax(tuple(Term(name, "=~", i) for i in items), (), source)


def unique_name(base: str, taken) -> str:
    """``base`` or ``base2``, ``base3``, … so that a generated factor never shadows a variable."""
    taken = set(taken)
    name, k = base, 2
    while name in taken:
        name, k = f"{base}{k}", k + 1
    return name


def fit_or_none(syntax: ModelSyntax, data: pd.DataFrame, *, likelihood: str, tol: float,
                data_source: str = "data", use_semopy: bool | None = None) -> tuple[SemResult | None, str]:
    """Fit a model; a non-convergence is returned as (None, message) instead of stopping the run."""
    try:
        return fit_sem(syntax, data=data, likelihood=likelihood, tol=tol, data_source=data_source,
                       use_semopy=use_semopy), ""
    except EstimationError as exc:
        return None, str(exc)


def compare_models(candidates: list[Candidate], data: pd.DataFrame, *, likelihood: str = "wishart",
                   tol: float = 1e-9, data_source: str = "data") -> tuple[pd.DataFrame, dict]:
    """Fit every candidate and tabulate fit and the Δχ² test against the first candidate.

    The first candidate is the reference (the first-order model).  Returns the table (columns
    :data:`COLUMNS`) and the full fit blocks by model name (``None`` for a model that did not
    converge, with its message under ``"<name>_message"``).
    """
    if not candidates:
        raise ValueError("no models to compare")
    rows, blocks = [], {}
    ref = None
    for c in candidates:
        res, message = fit_or_none(c.syntax, data, likelihood=likelihood, tol=tol, data_source=data_source)
        row = {"model": c.name, "description": c.description}
        if res is None:
            row.update({k: np.nan for k in FIT_KEYS}, converged=False)
            blocks[c.name] = None
            blocks[f"{c.name}_message"] = message
        else:
            fit = res.fit_block()
            blocks[c.name] = fit
            row.update({k: fit[k] for k in FIT_KEYS}, converged=True)
        if ref is None:
            ref = row
            row.update(delta_chi2=np.nan, delta_df=np.nan, p_delta=np.nan)
        elif c.nested and row["converged"] and ref["converged"]:
            row.update(nested_difference(ref["chi2"], ref["df"], row["chi2"], row["df"]))
        else:
            row.update(delta_chi2=np.nan, delta_df=np.nan, p_delta=np.nan)
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS), blocks


def nested_difference(chi2_free: float, df_free: int, chi2_restricted: float, df_restricted: int) -> dict:
    """Δχ² = χ²_r − χ²_f, Δdf = df_r − df_f, p = P(χ²_Δdf > Δχ²); p is empty when Δdf = 0
    (equivalent models)."""
    d_chi2 = float(chi2_restricted - chi2_free)
    d_df = int(df_restricted - df_free)
    p = float(dist.chi2_sf(d_chi2, d_df)) if d_df > 0 else np.nan
    return {"delta_chi2": d_chi2, "delta_df": d_df, "p_delta": p}


# The ``description`` column of alternatives.csv for the standard candidates: a fixed sentence per
# kind with its parameters.  The chapter composes the same sentence from the kind and
# :func:`candidate_parameters` through the message catalog (templates/partials/competing.html.j2),
# so the Chinese chapter translates it while the CSV keeps the English text.
DESCRIPTIONS = {
    "first_order": "{n_factors} first-order factors, all correlated",
    "second_order": "second-order factor(s) {higher} over their first-order factors; factors correlated, no regressions",
    "one_factor": "all {n_items} items on one factor",
}
NO_SECOND_ORDER = "the model has no second-order factors, so there is no second-order structure to compare"
NOT_CONVERGED = "the first- or second-order model did not converge"


def candidate_parameters(model: ModelSyntax, items: list[str]) -> dict[str, dict]:
    """What the description of each standard candidate says: the number of first-order factors,
    the second-order factors (absent when the model has none) and the number of items."""
    first = measurement_model(model)
    out = {"first_order": {"n_factors": len(first.latent)}, "one_factor": {"n_items": len(items)}}
    second = second_order_measurement(model)
    if second is not None:
        out["second_order"] = {"higher": [f for f in second.latent if f not in first.latent]}
    return out


def describe(kind: str, params: dict) -> str:
    """The English description of a standard candidate (:data:`DESCRIPTIONS`)."""
    return DESCRIPTIONS[kind].format(**{k: ", ".join(v) if isinstance(v, list) else v for k, v in params.items()})


def standard_candidates(model: ModelSyntax, items: list[str],
                        alternatives: list[tuple[str, str, ModelSyntax, bool]] = ()) -> list[Candidate]:
    """First-order, second-order (if the model has one), one-factor and the user's alternatives."""
    first = measurement_model(model)
    params = candidate_parameters(model, items)
    out = [Candidate("first_order", describe("first_order", params["first_order"]), first, False)]
    second = second_order_measurement(model)
    if second is not None:
        out.append(Candidate("second_order", describe("second_order", params["second_order"]), second, True))
    g = unique_name("G", list(model.latent) + items)
    out.append(Candidate("one_factor", describe("one_factor", params["one_factor"]), one_factor_model(items, g), True))
    for name, desc, syntax, nested in alternatives:
        out.append(Candidate(name, desc, syntax, nested))
    return out


def second_order_summary(table: pd.DataFrame) -> dict:
    """``second_order.json``: χ² of the first- and second-order models and Marsh & Hocevar's
    target coefficient T = χ²_first/χ²_second; ``available = False`` (with the reason) when the
    model has no second-order factor or a model did not converge."""
    rows = {r["model"]: r for _, r in table.iterrows()}
    if "second_order" not in rows:
        return {"available": False, "chi2_first": None, "chi2_second": None, "target_coefficient": None,
                "reason": NO_SECOND_ORDER}
    f, s = rows["first_order"], rows["second_order"]
    if not (f["converged"] and s["converged"]):
        return {"available": False, "chi2_first": None, "chi2_second": None, "target_coefficient": None,
                "reason": NOT_CONVERGED}
    T = float(f["chi2"] / s["chi2"]) if s["chi2"] > 0 else np.nan
    return {"available": True, "chi2_first": float(f["chi2"]), "df_first": int(f["df"]),
            "chi2_second": float(s["chi2"]), "df_second": int(s["df"]), "target_coefficient": T,
            "delta_chi2": float(s["delta_chi2"]), "delta_df": int(s["delta_df"]),
            "p_delta": None if pd.isna(s["p_delta"]) else float(s["p_delta"]),
            "reason": "T = chi2_first / chi2_second (Marsh & Hocevar 1985); values near 1 mean the "
                      "second-order factors account for the covariation among the first-order factors"}


def per_construct_fit(data: pd.DataFrame, constructs: dict[str, list[str]], *, likelihood: str = "wishart",
                      tol: float = 1e-9, min_items: int = 4, data_source: str = "data") -> pd.DataFrame:
    """One-factor CFA of each construct with at least ``min_items`` items (a construct with 3 items
    is just identified, df = 0): fit block per construct.

    Columns: construct, n_items, npar, chi2, df, p, chi2_df, gfi, agfi, cfi, tli, rmsea, srmr, converged.
    """
    rows = []
    cols = ["construct", "n_items", "npar", "chi2", "df", "p", "chi2_df", "gfi", "agfi", "cfi", "tli",
            "rmsea", "srmr", "converged"]
    for c, items in constructs.items():
        if len(items) < min_items:
            continue
        syntax = ModelSyntax(tuple(Term(c, "=~", i) for i in items), (), f"construct {c}")
        res, _ = fit_or_none(syntax, data, likelihood=likelihood, tol=tol, data_source=data_source)
        row = {"construct": c, "n_items": len(items)}
        if res is None:
            row.update({k: np.nan for k in cols[2:-1]}, converged=False)
        else:
            fit = res.fit_block()
            row.update({k: fit[k] for k in cols[2:-1]}, converged=True)
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)


def item_smc(estimates: pd.DataFrame) -> pd.DataFrame:
    """Squared multiple correlation of every item of a CFA (AMOS "Squared Multiple Correlations"):
    R² = 1 − θ*_ii, the share of the item's variance its factor(s) explain, from the completely
    standardized residual variance (equal to λ*² for an item loading on one factor).

    Parameters
    ----------
    estimates : DataFrame
        ``cfa/estimates.csv`` (lhs, op, rhs, std_all …).

    Returns
    -------
    DataFrame with columns construct, item, std_loading, smc.
    """
    load = estimates[estimates["op"] == "=~"]
    resid = estimates[(estimates["op"] == "~~") & (estimates["lhs"] == estimates["rhs"])]
    theta = dict(zip(resid["lhs"], resid["std_all"]))
    rows = [{"construct": r.lhs, "item": r.rhs, "std_loading": float(r.std_all),
             "smc": float(1 - theta[r.rhs])} for r in load.itertuples() if r.rhs in theta]
    return pd.DataFrame(rows, columns=["construct", "item", "std_loading", "smc"])
