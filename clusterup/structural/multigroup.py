"""Multi-group analysis: the measurement-invariance ladder and the group comparison of paths.

* :func:`invariance_ladder` — configural, metric (loadings), scalar (+ intercepts) and strict
  (+ residual variances) fits of the first-order CFA, each step compared with the one before by
  Δχ² and by Chen's (2007) ΔCFI ≥ −.010 / ΔRMSEA ≤ .015 rule (lavaan ``group.equal``;
  semTools ``measEq.syntax`` steps).
* :func:`compare_paths` — the full SEM with all loadings equal across groups (AMOS "measurement
  weights"); each structural path per group; for each pair of groups the critical ratio of the
  difference, z = (b₂ − b₁)/√(se₁² + se₂²) (independent groups, AMOS "critical ratios for
  differences"), and the Δχ² of constraining that path equal across all groups (with more than two
  groups this is the omnibus test).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from clusterup import distributions as dist
from clusterup.errors import InputError
from clusterup.estimation.multigroup import fit_multigroup
from clusterup.estimation.spec import ModelSpec

LADDER = (("configural", ()), ("metric", ("loadings",)), ("scalar", ("loadings", "intercepts")),
          ("strict", ("loadings", "intercepts", "residuals")))

INVARIANCE_COLUMNS = ["step", "npar", "chi2", "df", "p", "cfi", "tli", "rmsea", "rmsea_lo90", "rmsea_hi90",
                      "srmr", "aic", "bic", "delta_chi2", "delta_df", "p_delta", "delta_cfi", "delta_rmsea",
                      "decision"]
PATH_COLUMNS = ["group", "lhs", "op", "rhs", "label", "est", "se", "z", "p", "std_all"]


def _lrt(restricted: dict, free: dict) -> tuple[float, int, float]:
    d_chi2 = restricted["chi2"] - free["chi2"]
    d_df = int(restricted["df"] - free["df"])
    return d_chi2, d_df, float(dist.chi2_sf(max(d_chi2, 0.0), d_df)) if d_df > 0 else float("nan")


def invariance_ladder(spec: ModelSpec, groups: list[tuple[str, pd.DataFrame]], *, likelihood: str = "wishart",
                      alpha: float = 0.05) -> pd.DataFrame:
    """The invariance table (columns :data:`INVARIANCE_COLUMNS`).

    ``decision`` reads e.g. "holds (Δχ²: holds; Chen: holds)": the step holds when both criteria
    hold, "partly" when only one does.
    """
    rows, prev, locals_ = [], None, None
    for step, equal in LADDER:
        res = fit_multigroup(spec, groups, likelihood=likelihood, equal=equal, start_locals=locals_)
        locals_ = res.locals()
        fb = res.fit_block()
        row = {k: fb[k] for k in INVARIANCE_COLUMNS[1:13]}
        row["step"] = step
        if prev is None:
            row.update(delta_chi2=np.nan, delta_df=np.nan, p_delta=np.nan, delta_cfi=np.nan,
                       delta_rmsea=np.nan, decision="baseline")
        else:
            d_chi2, d_df, p = _lrt(fb, prev)
            d_cfi, d_rmsea = fb["cfi"] - prev["cfi"], fb["rmsea"] - prev["rmsea"]
            by_chi2 = bool(p > alpha)
            by_chen = bool(d_cfi >= -0.010 - 1e-12 and d_rmsea <= 0.015 + 1e-12)
            verdict = "holds" if by_chi2 and by_chen else ("partly" if by_chi2 or by_chen else "rejected")
            row.update(delta_chi2=d_chi2, delta_df=d_df, p_delta=p, delta_cfi=d_cfi, delta_rmsea=d_rmsea,
                       decision=f"{verdict} (Δχ²: {'holds' if by_chi2 else 'rejected'}; "
                                f"Chen: {'holds' if by_chen else 'rejected'})")
        rows.append(row)
        prev = fb
    return pd.DataFrame(rows, columns=INVARIANCE_COLUMNS)


def compare_paths(spec: ModelSpec, groups: list[tuple[str, pd.DataFrame]], *, likelihood: str = "wishart"
                  ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Group paths, their differences and the fit of the measurement-weights model.

    Returns ``paths`` (:data:`PATH_COLUMNS`: the ``~`` rows, then one ``:=`` row per defined
    parameter and group, delta-method SE), ``differences`` (``lhs, op, rhs, label,
    est_<group>…, diff, se_diff, z, p, delta_chi2, delta_df, p_delta``; for more than two groups
    one row per path and pair of groups, ``pair`` naming it, the Δχ² being the omnibus test) and
    the fit block of the measurement-weights model.
    """
    base = fit_multigroup(spec, groups, likelihood=likelihood, equal=("loadings",))
    fb = base.fit_block()
    est = base.estimates()
    paths = est[est.op == "~"][PATH_COLUMNS].reset_index(drop=True)
    defined = base.defined()
    names = [g for g, _ in groups]
    rows = []
    for e in [e for e in spec.free_entries() if e.op == "~"]:
        key = (e.lhs, e.op, e.rhs)
        con = fit_multigroup(spec, groups, likelihood=likelihood, equal=("loadings",), equal_paths=(key,),
                             start_locals=base.locals()).fit_block()
        d_chi2, d_df, p_delta = _lrt(con, fb)
        sel = paths[(paths.lhs == e.lhs) & (paths.op == "~") & (paths.rhs == e.rhs)].set_index("group")
        pairs = [(names[0], names[1])] if len(names) == 2 else \
            [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
        for a, b in pairs:
            diff = sel.est[b] - sel.est[a]
            se_diff = float(np.sqrt(sel.se[a] ** 2 + sel.se[b] ** 2))
            z = diff / se_diff if se_diff > 0 else np.nan
            row = {"lhs": e.lhs, "op": "~", "rhs": e.rhs, "label": e.label or ""}
            row.update({f"est_{g}": float(sel.est[g]) for g in names})
            if len(names) > 2:
                row["pair"] = f"{b} - {a}"
            row.update(diff=float(diff), se_diff=se_diff, z=float(z),
                       p=float(2 * dist.norm_sf(abs(z))) if np.isfinite(z) else np.nan,
                       delta_chi2=d_chi2, delta_df=d_df, p_delta=p_delta)
            rows.append(row)
    if len(defined):
        paths = pd.concat([paths, defined[PATH_COLUMNS]], ignore_index=True)
    return paths, pd.DataFrame(rows), fb


def multigroup_analysis(data: pd.DataFrame, analysis_model, *, by: str, groups: dict[str, list],
                        likelihood: str = "wishart", source: str = "data",
                        categories: dict | None = None) -> dict:
    """The whole stage: split the rows, run the ladder on the first-order CFA and compare the paths
    of the full SEM.  Returns ``invariance``, ``paths``, ``differences`` (DataFrames) and
    ``summary`` (group sizes, rows excluded as unmapped, notes, the measurement-weights fit).
    ``categories`` (code -> label of ``by``, from the codebook) lets groups name labels instead of codes."""
    from clusterup.estimation.multigroup import split_groups
    from clusterup.estimation.spec import build_spec
    from clusterup.estimation.syntax import measurement_model

    if categories:
        by_label = {str(v): k for k, v in categories.items()}
        groups = {g: [_as_code(by_label.get(str(c), c)) for c in codes] for g, codes in groups.items()}
    parts, unmapped = split_groups(data, by, groups, source=source)
    full = build_spec(analysis_model, list(data.columns), source)
    check_group_sizes(parts, full, by=by, source=source)
    cfa = build_spec(measurement_model(analysis_model), list(data.columns), source)
    invariance = invariance_ladder(cfa, parts, likelihood=likelihood)
    paths, differences, fb = compare_paths(full, parts, likelihood=likelihood)
    notes = [] if fb.get("converged", True) else \
        ["the measurement-weights model did not converge: its paths and differences are not interpretable"]
    summary = {"by": by, "likelihood": likelihood, "groups": {g: int(len(d)) for g, d in parts},
               "unmapped": int(unmapped), "notes": notes, "measurement_weights_fit": fb}
    return {"invariance": invariance, "paths": paths, "differences": differences, "summary": summary}


def check_group_sizes(parts: list[tuple[str, pd.DataFrame]], spec: ModelSpec, *, by: str,
                      source: str = "data") -> None:
    """Fail before any fit when a group has fewer respondents than the free parameters per group
    of the configural SEM (its parameters plus one intercept per observed variable): such a group
    cannot support its own estimates, whatever the data."""
    per_group = spec.n_free + spec.p
    for name, d in parts:
        if len(d) < per_group:
            sizes = ", ".join(f"{g} {len(x)}" for g, x in parts)
            raise InputError(
                f"group {name!r} of {by} has {len(d)} respondents, fewer than the {per_group} free "
                f"parameters per group of the multi-group model ({spec.n_free} of the SEM + {spec.p} "
                f"intercepts); group sizes: {sizes}",
                file=source, where=f"multigroup.groups.{name}",
                fix="merge levels of the grouping variable into larger groups in multigroup.groups, "
                    "or drop the multigroup block from the config")


def _as_code(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value
