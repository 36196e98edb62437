"""Verdicts on the hypotheses (SPEC §3, Appendix A/B).

* ``path``: supported when the estimate has the expected sign and p < .05 (two-sided z test of
  the ML estimate, AMOS's "P" column).  The CI shown is the bootstrap bias-corrected interval of
  the path when it was bootstrapped.
* ``indirect``: supported when the bias-corrected bootstrap CI excludes 0 and the estimate has
  the expected sign (Preacher & Hayes 2008; AMOS's BC method).
* ``nested``: the χ² difference of the model with the listed paths fixed to 0; ``expect:
  not_significant`` (e.g. full mediation) is supported when p ≥ .05, ``significant`` when p < .05.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from clusterup.io.config import Hypothesis

ALPHA = 0.05
COLUMNS = ["id", "statement", "kind", "target", "estimate", "std_estimate", "se", "p", "ci_lo", "ci_hi",
           "verdict", "ci_method", "df", "expected"]


def _sign_ok(value: float, sign: str) -> bool:
    return value > 0 if sign == "+" else value < 0


def evaluate(hypotheses: list[Hypothesis], estimates: pd.DataFrame, effects: pd.DataFrame,
             nested: dict[str, dict]) -> pd.DataFrame:
    """One row per hypothesis with its evidence and verdict.

    Parameters
    ----------
    estimates : DataFrame
        ``sem/estimates.csv``.
    effects : DataFrame
        ``mediation/effects.csv``.
    nested : dict
        Hypothesis id -> {chi2_diff, df_diff, p}.
    """
    boot = effects.set_index("effect") if len(effects) else pd.DataFrame()
    rows = []
    for h in hypotheses:
        row = {"id": h.id, "statement": h.statement, "kind": h.kind, "target": h.target,
               "estimate": np.nan, "std_estimate": np.nan, "se": np.nan, "p": np.nan, "ci_lo": np.nan,
               "ci_hi": np.nan, "ci_method": "", "df": np.nan}
        if h.kind == "path":
            y, x = (s.strip() for s in h.target.split("~"))
            r = estimates[(estimates.op == "~") & (estimates.lhs == y) & (estimates.rhs == x)].iloc[0]
            row.update(estimate=r.est, std_estimate=r.std_all, se=r.se, p=r.p)
            key = f"{y}~{x}"
            if key in boot.index:
                row.update(ci_lo=boot.at[key, "bc_lo"], ci_hi=boot.at[key, "bc_hi"], ci_method="bootstrap BC")
            ok = _sign_ok(r.est, h.sign) and r.p < ALPHA
            row["expected"] = f"{h.sign} and p < .05"
        elif h.kind == "indirect":
            r = boot.loc[h.target]
            row.update(estimate=r.estimate, std_estimate=r.std_estimate, se=r.boot_se, p=r.p_bc,
                       ci_lo=r.bc_lo, ci_hi=r.bc_hi, ci_method="bootstrap BC")
            excludes = (r.bc_lo > 0) or (r.bc_hi < 0)
            ok = bool(excludes and _sign_ok(r.estimate, h.sign))
            row["expected"] = f"{h.sign}, BC CI excludes 0"
        else:
            t = nested[h.id]
            row.update(estimate=t["chi2_diff"], p=t["p"], df=t["df_diff"], ci_method="chi-square difference")
            sig = t["p"] < ALPHA
            ok = (not sig) if h.expect == "not_significant" else sig
            row["expected"] = "p >= .05 (no significant loss of fit)" if h.expect == "not_significant" else "p < .05"
        row["verdict"] = "supported" if ok else "not supported"
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)
