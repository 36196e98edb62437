"""Common method bias beyond Harman: the one-factor CFA and the unmeasured latent method construct.

Harman's single-factor test (the first unrotated component's share of variance, limit 50 %) is
the test Chinese SPSS/AMOS theses report, but it is insensitive: a method factor can bias the
estimates without dominating the first component (Podsakoff et al. 2003, p. 889).  Two stronger
checks from the same data are reported beside it:

* **one-factor CFA** — all items on one factor; a poor fit (compared with the first-order model)
  argues against a single common source of variance;
* **ULMC** (unmeasured latent method construct; Podsakoff et al. 2003, Table 4; Williams,
  Cote & Buckley 1989) as AMOS users fit it: the first-order CFA plus a method factor M loading on
  every item with one shared, freely estimated loading λ_M, Var(M) = 1, M uncorrelated with the
  trait factors.  The test is Δχ² against the first-order CFA (Δdf = 1); the size of the problem
  is the method variance share, the mean over items of the squared completely standardized
  method loading, (1/k)·Σ_i (λ_M·1/σ̂_i)².  A common reading: method variance below about 25 %
  of the items' variance (Williams et al. 1989 found a median of 25 % in their review) and trait
  loadings that stay significant mean that method bias does not threaten the conclusions.

References
----------
Podsakoff, P. M., MacKenzie, S. B., Lee, J.-Y., & Podsakoff, N. P. (2003). Common method biases in
behavioral research. *Journal of Applied Psychology*, 88(5), 879–903.
Williams, L. J., Cote, J. A., & Buckley, M. R. (1989). Lack of method variance in self-reported
affect and perceptions at work. *Journal of Applied Psychology*, 74(3), 462–468.
lavaan: ``cfa(first_order + 'M =~ NA*x1 + l*x1 + l*x2 + …; M ~~ 1*M; M ~~ 0*F1 + …')``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from clusterup.estimation.syntax import ModelSyntax, Term
from clusterup.measurement.alternatives import fit_or_none, nested_difference, unique_name

METHOD_LABEL = "lambda_method"
ULMC_STARTS = (0.05, 0.5)


def ulmc_model(first_order: ModelSyntax, method: str | None = None, start: float = 0.05) -> tuple[ModelSyntax, str]:
    """The first-order CFA plus the method factor: one equal free loading on every indicator,
    variance fixed to 1, covariances with every trait factor fixed to 0.  Returns the model and
    the method factor's name."""
    lat = list(first_order.latent)
    items = list(dict.fromkeys(t.rhs for t in first_order.terms if t.op == "=~"))
    taken = set(lat) | set(items) | set(first_order.labels)
    m = method or unique_name("METHOD", taken)
    label = unique_name(METHOD_LABEL, taken)
    terms = list(first_order.terms)
    terms += [Term(m, "=~", i, label=label, free_forced=True, start=start) for i in items]
    terms.append(Term(m, "~~", m, fixed=1.0))
    terms += [Term(m, "~~", f, fixed=0.0) for f in lat]
    return ModelSyntax(tuple(terms), (), first_order.source), m


def method_bias(data: pd.DataFrame, first_order: ModelSyntax, one_factor: ModelSyntax, *,
                harman_first_factor_pct: float, likelihood: str = "wishart", tol: float = 1e-9,
                data_source: str = "data") -> dict:
    """``cmb/method_bias.json``: Harman's share, the one-factor CFA and the ULMC model.

    Parameters
    ----------
    data : DataFrame
        Clean data with the analysed items.
    first_order, one_factor : ModelSyntax
        The first-order CFA and the one-factor model (see :mod:`clusterup.measurement.alternatives`).
    harman_first_factor_pct : float
        From ``efa/harman.json`` (a percentage, as that file stores it).
    """
    out: dict = {"harman_first_factor_pct": float(harman_first_factor_pct), "harman_limit_pct": 50.0,
                 "likelihood": likelihood}
    first, msg_first = fit_or_none(first_order, data, likelihood=likelihood, tol=tol, data_source=data_source)
    one, msg_one = fit_or_none(one_factor, data, likelihood=likelihood, tol=tol, data_source=data_source)
    ffit = first.fit_block() if first is not None else None
    if one is None:
        out["one_factor"] = {"converged": False, "message": msg_one}
    else:
        f1 = one.fit_block()
        out["one_factor"] = {k: f1[k] for k in ("chi2", "df", "cfi", "tli", "rmsea", "srmr")}
        out["one_factor"].update(converged=True, p=f1["p"], chi2_df=f1["chi2_df"])
        if ffit is not None:
            out["one_factor"].update(nested_difference(ffit["chi2"], ffit["df"], f1["chi2"], f1["df"]))
    # Σ depends on λ_M only through λ_M², so λ_M = 0 is a stationary point and other starts can end
    # in a worse local minimum: fit from a small and a large start and keep the lower F
    ulmc, msg_ulmc, m = None, "", ""
    for start in ULMC_STARTS:
        syntax, m = ulmc_model(first_order, start=start)
        res, msg = fit_or_none(syntax, data, likelihood=likelihood, tol=tol, data_source=data_source,
                               use_semopy=False)
        if res is not None and (ulmc is None or res.fmin < ulmc.fmin - 1e-12):
            ulmc = res
        msg_ulmc = msg_ulmc or msg
    if ulmc is None or ffit is None:
        out["ulmc"] = {"converged": False, "message": msg_ulmc or msg_first}
        return out
    fit = ulmc.fit_block()
    est = ulmc.estimates()
    mload = est[(est["op"] == "=~") & (est["lhs"] == m)]
    trait = est[(est["op"] == "=~") & (est["lhs"] != m)]
    first_est = first.estimates()
    first_load = first_est[first_est["op"] == "=~"].set_index(["lhs", "rhs"])["std_all"]
    trait_std_change = [float(r.std_all - first_load[(r.lhs, r.rhs)]) for r in trait.itertuples()]
    share = float(np.mean(mload["std_all"].to_numpy() ** 2))
    d = nested_difference(ffit["chi2"], ffit["df"], fit["chi2"], fit["df"])
    # the ULMC model is the *less* restricted one: Δχ² = χ²_first − χ²_ulmc, Δdf = df_first − df_ulmc
    out["ulmc"] = {"chi2": fit["chi2"], "df": fit["df"], "cfi": fit["cfi"], "tli": fit["tli"],
                   "rmsea": fit["rmsea"], "srmr": fit["srmr"],
                   "delta_chi2": -d["delta_chi2"], "delta_df": -d["delta_df"],
                   "p": _chi2_sf(-d["delta_chi2"], -d["delta_df"]),
                   "delta_cfi": fit["cfi"] - ffit["cfi"], "delta_rmsea": fit["rmsea"] - ffit["rmsea"],
                   "method_loading": float(mload["est"].iloc[0]),
                   "method_loading_se": float(mload["se"].iloc[0]),
                   "method_loading_p": float(mload["p"].iloc[0]),
                   "method_variance_share": share,
                   "method_std_loading_min": float(mload["std_all"].min()),
                   "method_std_loading_max": float(mload["std_all"].max()),
                   "trait_loadings_significant": bool((trait[trait["se"].notna()]["p"] < 0.05).all()),
                   "max_abs_change_trait_std_loading": float(np.max(np.abs(trait_std_change))),
                   "converged": True, "method_factor": m, "admissible": fit["admissible"],
                   "warnings": fit["warnings"]}
    out["first_order"] = {k: ffit[k] for k in ("chi2", "df", "cfi", "tli", "rmsea", "srmr")}
    return out


def _chi2_sf(x: float, df: int) -> float:
    from clusterup import distributions as dist
    return float(dist.chi2_sf(x, df)) if df > 0 else float("nan")
