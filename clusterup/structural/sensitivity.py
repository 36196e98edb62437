"""Sensitivity panel: do the verdicts survive robust estimation?

Each method refits the first-order CFA and the full SEM on the same cleaned rows as the main
analysis (:mod:`clusterup.estimation.robust`; the estimates are the ML ones, standard errors and
test statistic change).  Hypotheses are re-judged per method:

* ``path``: expected sign and robust two-sided p < .05; the CI is the Wald interval est ± z·se.
* ``indirect``: the ``:=`` parameter with its delta-method SE on the robust covariance matrix
  (Sobel-type z); supported when the Wald CI excludes 0 with the expected sign.  The main analysis
  (``ml``) keeps its bootstrap verdicts (copied from ``hypotheses.csv``).
* WLSMV (:mod:`clusterup.estimation.wlsmv`) treats every model item as ordered categories and
  refits both models on the valid rows with their original (unimputed) responses, rows with a
  missing cell dropped listwise (lavaan's default for categorical data); nested hypotheses by
  lavaan's DIFFTEST (Satorra 2000, scaled-and-shifted).  Skipped with the reason when an item is
  continuous, has fewer than two categories, or too few complete rows remain.
* FIML refits both models on the rows with their missing cells left missing (no imputation);
  nested hypotheses by the likelihood-ratio test 2(log L_free − log L_restricted).
* ``nested``: the scaled χ² difference test of Satorra & Bentler (2001), lavaan's
  ``lavTestLRT(method = "satorra.bentler.2001")``: c_d = (d₀c₀ − d₁c₁)/(d₀ − d₁),
  T_d = (T₀ − T₁)/c_d on d₀ − d₁ df (0 = restricted model, 1 = free model).

A method that cannot run on a study (the model does not converge, a zero-df model has no scaled
test) is skipped with its reason in ``skipped``, never an error.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from clusterup import distributions as dist
from clusterup.errors import EstimationError
from clusterup.estimation.fiml import fit_fiml
from clusterup.estimation.robust import METHODS as ROBUST_METHODS, RobustResult, robust_fit
from clusterup.estimation.sem import fit_sem
from clusterup.estimation.polychoric import ordinal_moments
from clusterup.estimation.wlsmv import difftest, fit_wlsmv, wlsmv_unavailable
from clusterup.estimation.syntax import fix_paths_to_zero, measurement_model
from clusterup.structural.hypotheses import ALPHA, _sign_ok

FIT_COLUMNS = ["model", "method", "chi2", "df", "p", "chi2_scaled", "scaling_factor", "df_scaled",
               "p_scaled", "cfi", "tli", "rmsea", "srmr"]
EST_COLUMNS = ["model", "method", "lhs", "op", "rhs", "label", "est", "se", "z", "p", "std_all"]
VERDICT_COLUMNS = ["id", "method", "estimate", "p", "ci_lo", "ci_hi", "verdict", "changed"]
SKIP_COLUMNS = ["method", "model", "reason"]

METHODS = ROBUST_METHODS + ("wlsmv", "fiml")
# methods of the config's list that are not refits of the panel: their own stage writes their file
SEPARATE = ("bollen_stine",)     # rules/bollen_stine.smk -> results/sensitivity/bollen_stine.json
METHOD_NAMES = {"ml": "ML (main analysis)", "mlm": "MLM (Satorra–Bentler)",
                "mlr": "MLR (Huber–White, Yuan–Bentler)",
                "wlsmv": "WLSMV (ordinal items, polychoric)", "fiml": "FIML (missing cells not imputed)"}


def unimpute(data: pd.DataFrame, imputed_cells: pd.DataFrame, id_column: str = "resp_id") -> pd.DataFrame:
    """The cleaned rows with the imputed cells (``clean/imputed_cells.csv``) missing again, for FIML."""
    out = data.copy()
    pos = {str(v): i for i, v in enumerate(out[id_column].astype(str))}
    for rid, item in zip(imputed_cells[id_column].astype(str), imputed_cells["item"]):
        if rid in pos and item in out.columns:
            out.iloc[pos[rid], out.columns.get_loc(item)] = np.nan
    return out


class _FimlAsRobust:
    """A FIML fit in the shape the panel's tables use (method, sem, test)."""

    method = "fiml"

    def __init__(self, res) -> None:
        self.sem, self.res = res.sem, res
        t = res.test
        self.test = {**t, "chi2_scaled": np.nan, "scaling_factor": np.nan, "df_scaled": np.nan, "p_scaled": np.nan}

    def estimates(self) -> pd.DataFrame:
        return self.res.estimates()


def satorra_bentler_2001(t0: float, d0: int, c0: float, t1: float, d1: int, c1: float) -> dict:
    """Scaled χ² difference (Satorra & Bentler 2001); 0 = restricted, 1 = free model."""
    dd = d0 - d1
    cd = (d0 * c0 - d1 * c1) / dd
    td = (t0 - t1) / cd
    return {"chi2_diff": td, "df_diff": dd, "scaling": cd, "p": float(dist.chi2_sf(td, dd)) if td >= 0 else 1.0}


def _estimates(model: str, method: str, table: pd.DataFrame) -> pd.DataFrame:
    keep = table[(table["free"]) | (table.op == ":=")] if "free" in table else table
    return keep.assign(model=model, method=method)[EST_COLUMNS]


def _ml_row(model: str, res) -> dict:
    fb = res.fit_block()
    return {"model": model, "method": "ml", "chi2": fb["chi2"], "df": fb["df"], "p": fb["p"],
            "chi2_scaled": np.nan, "scaling_factor": np.nan, "df_scaled": np.nan, "p_scaled": np.nan,
            "cfi": fb["cfi"], "tli": fb["tli"], "rmsea": fb["rmsea"], "srmr": fb["srmr"]}


def _robust_row(model: str, rob: RobustResult, srmr: float) -> dict:
    t = rob.test
    return {"model": model, "method": rob.method, "chi2": t["chi2"], "df": t["df"], "p": t["p"],
            "chi2_scaled": t["chi2_scaled"], "scaling_factor": t["scaling_factor"],
            "df_scaled": t["df_scaled"], "p_scaled": t["p_scaled"], "cfi": t["cfi"], "tli": t["tli"],
            "rmsea": t["rmsea"], "srmr": srmr}


def _verdicts(method: str, hypotheses, table: pd.DataFrame, nested: dict, level: float) -> list[dict]:
    zc = dist.norm_ppf(0.5 + level / 2)
    rows = []
    for h in hypotheses:
        row = {"id": h.id, "method": method, "estimate": np.nan, "p": np.nan, "ci_lo": np.nan, "ci_hi": np.nan}
        if h.kind in ("path", "indirect"):
            if h.kind == "path":
                y, x = (s.strip() for s in h.target.split("~"))
                r = table[(table.op == "~") & (table.lhs == y) & (table.rhs == x)].iloc[0]
            else:
                r = table[(table.op == ":=") & (table.lhs == h.target)].iloc[0]
            lo, hi = r.est - zc * r.se, r.est + zc * r.se
            row.update(estimate=r.est, p=r.p, ci_lo=lo, ci_hi=hi)
            ok = _sign_ok(r.est, h.sign) and r.p < ALPHA
        else:
            t = nested[h.id]
            row.update(estimate=t["chi2_diff"], p=t["p"])
            sig = t["p"] < ALPHA
            ok = (not sig) if h.expect == "not_significant" else sig
        row["verdict"] = "supported" if ok else "not supported"
        rows.append(row)
    return rows


def _refit(method: str, name: str, syntax, ml, data, fiml_data, wl, data_source):
    """One method's refit of one model: ``(result, reason)``.  ``result`` is None when the method
    cannot run (``reason`` says why); a result with a reason is a fit with a caveat (0 df)."""
    if method == "wlsmv":
        return wl.fit(name, syntax, ml.spec, data_source)
    if method == "fiml":
        if fiml_data is None or not fiml_data[ml.spec.observed].isna().to_numpy().any():
            return None, "the valid rows have no missing cells in the model's items, so FIML would equal ML"
        try:
            return _FimlAsRobust(fit_fiml(syntax, fiml_data, data_source=data_source)), ""
        except (np.linalg.LinAlgError, EstimationError, ValueError) as exc:
            return None, f"the FIML estimation failed: {exc}"
    try:
        rob = robust_fit(ml, data, method)
    except (np.linalg.LinAlgError, EstimationError, ValueError) as exc:
        return None, f"the robust computation failed: {exc}"
    if ml.df == 0:
        return rob, "the model has 0 degrees of freedom: no scaled test (standard errors only)"
    return rob, ""


def sensitivity_panel(study, data: pd.DataFrame, main_verdicts: pd.DataFrame, *, methods: list[str],
                      likelihood: str = "wishart", tol: float = 1e-9, ci_level: float = 0.95,
                      data_source: str = "data", fiml_data: pd.DataFrame | None = None) -> dict:
    """The panel's tables: ``fit``, ``estimates``, ``verdicts``, ``skipped``, ``polychoric``, and ``wlsmv``
    (a dict: rows used, rows dropped, items; empty when WLSMV did not run).

    Parameters
    ----------
    study : Study
        The study (its analysis model and hypotheses).
    data : DataFrame
        The cleaned rows of the main analysis.
    main_verdicts : DataFrame
        ``hypotheses.csv`` of the main analysis (ML with bootstrap): the ``ml`` rows and the
        reference for ``changed``.
    methods : list of str
        Subset of ``("mlm", "mlr", "fiml")``, in the order of the tables.
    fiml_data : DataFrame, optional
        The same rows with their missing cells left missing (:func:`unimpute`); FIML is skipped
        with a stated reason when it is absent or has no missing cell in the model's variables.
        WLSMV uses its complete rows (original responses); it is skipped when it is absent.
    """
    methods = [m for m in methods if m not in SEPARATE]
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise ValueError(f"unknown sensitivity method(s) {unknown}; available: {list(METHODS)}")
    models = {"cfa": measurement_model(study.analysis_model), "sem": study.analysis_model}
    fit_rows, est_parts, skipped = [], [], []
    robust_sem: dict[str, RobustResult] = {}
    wl = _WlsmvData(fiml_data) if "wlsmv" in methods else None
    for name, syntax in models.items():
        # our verified optimiser from simple starts (semopy's SLSQP start costs ~2 s per model here)
        ml = fit_sem(syntax, data=data, likelihood=likelihood, tol=tol, data_source=data_source, use_semopy=False)
        ml_row = _ml_row(name, ml)
        fit_rows.append(ml_row)
        est_parts.append(_estimates(name, "ml", ml.estimates()))
        for method in methods:
            rob, reason = _refit(method, name, syntax, ml, data, fiml_data, wl, data_source)
            if reason:
                skipped.append({"method": method, "model": name, "reason": reason})
            if rob is None:
                continue
            # WLSMV and FIML report their own SRMR; the robust ML variants share the ML one
            srmr = rob.test["srmr"] if method in ("wlsmv", "fiml") else ml_row["srmr"]
            fit_rows.append(_robust_row(name, rob, srmr))
            est_parts.append(_estimates(name, method, rob.estimates()))
            if name == "sem":
                robust_sem[method] = rob
    # verdicts
    main = main_verdicts.set_index("id")
    verdict_rows = [{"id": h.id, "method": "ml", "estimate": main.at[h.id, "estimate"], "p": main.at[h.id, "p"],
                     "ci_lo": main.at[h.id, "ci_lo"], "ci_hi": main.at[h.id, "ci_hi"],
                     "verdict": main.at[h.id, "verdict"]} for h in study.hypotheses if h.id in main.index]
    restricted: dict = {}
    for method, rob in robust_sem.items():
        nested = {}
        for h in [h for h in study.hypotheses if h.kind == "nested"]:
            try:
                if method == "fiml":
                    r_f = fit_fiml(fix_paths_to_zero(study.analysis_model, list(h.fix_zero)), fiml_data,
                                   data_source=data_source)
                    dd = r_f.test["df"] - rob.test["df"]
                    td = 2.0 * (rob.res.loglik - r_f.loglik)
                    nested[h.id] = {"chi2_diff": td, "df_diff": dd, "p": float(dist.chi2_sf(td, dd))}
                    continue
                if method == "wlsmv":
                    r_w = fit_wlsmv(fix_paths_to_zero(study.analysis_model, list(h.fix_zero)), wl.rows,
                                    data_source=data_source, moments=rob.moments)
                    nested[h.id] = difftest(rob, r_w)
                    continue
                if h.id not in restricted:
                    restricted[h.id] = fit_sem(fix_paths_to_zero(study.analysis_model, list(h.fix_zero)),
                                               data=data, likelihood=likelihood, tol=tol,
                                               data_source=data_source, use_semopy=False)
                r_ml = restricted[h.id]
                r_rob = robust_fit(r_ml, data, method)
                nested[h.id] = satorra_bentler_2001(r_rob.test["chi2"], r_rob.test["df"],
                                                    r_rob.test["scaling_factor"], rob.test["chi2"],
                                                    rob.test["df"], rob.test["scaling_factor"])
            except (np.linalg.LinAlgError, EstimationError, ValueError, ZeroDivisionError) as exc:
                nested[h.id] = {"chi2_diff": np.nan, "p": np.nan}
                skipped.append({"method": method, "model": f"nested {h.id}",
                                "reason": f"the restricted model could not be tested: {exc}"})
        verdict_rows.extend(_verdicts(method, study.hypotheses, rob.estimates(), nested, ci_level))
    verdicts = pd.DataFrame(verdict_rows, columns=VERDICT_COLUMNS[:-1])
    base = dict(zip(main.index, main["verdict"]))
    verdicts["changed"] = [bool(v != base.get(i, v)) for i, v in zip(verdicts.id, verdicts.verdict)]
    return {"fit": pd.DataFrame(fit_rows, columns=FIT_COLUMNS),
            "estimates": pd.concat(est_parts, ignore_index=True)[EST_COLUMNS],
            "verdicts": verdicts[VERDICT_COLUMNS],
            "skipped": pd.DataFrame(skipped, columns=SKIP_COLUMNS),
            "polychoric": wl.polychoric() if wl else pd.DataFrame(columns=["item"]),
            "wlsmv": wl.summary() if wl else {}}


class _WlsmvData:
    """The rows WLSMV uses (original responses, listwise complete) and their ordinal moments."""

    def __init__(self, raw: pd.DataFrame | None) -> None:
        self.raw, self.rows, self.moments, self.items = raw, None, None, []

    def fit(self, name: str, syntax, spec, data_source: str):
        """(WlsmvResult, None) or (None, reason)."""
        if self.raw is None:
            return None, "the original (unimputed) responses were not given"
        items = spec.observed
        reason = wlsmv_unavailable(self.raw, items, spec.n_free)
        if reason:
            return None, reason
        rows = self.raw[items].apply(pd.to_numeric).dropna()
        if self.moments is None or not set(items) <= set(self.items) or len(rows) != self.moments.n:
            self.rows, self.items = rows, list(items)
            self.moments = ordinal_moments(rows)
        try:
            return fit_wlsmv(spec, self.rows, data_source=data_source, moments=self.moments), None
        except (np.linalg.LinAlgError, EstimationError, ValueError) as exc:
            return None, f"the WLSMV estimation failed: {exc}"

    def polychoric(self) -> pd.DataFrame:
        if self.moments is None:
            return pd.DataFrame(columns=["item"])
        R = pd.DataFrame(self.moments.R, columns=self.moments.items)
        R.insert(0, "item", self.moments.items)
        return R

    def summary(self) -> dict:
        if self.moments is None:
            return {}
        return {"n_rows": int(len(self.raw)), "n_complete": int(self.moments.n),
                "n_dropped": int(len(self.raw) - self.moments.n), "items": list(self.moments.items),
                "thresholds": int(self.moments.n_th)}
