"""Chapter section "Statistical power of the hypothesis tests" (issue 15): results/power/*.

The Monte-Carlo power of every hypothesis at each N of the grid, the N needed for 80% and 90%
power, the power curves, the analytic Satorra–Saris power of the path hypotheses beside the
Monte-Carlo one, and the hypotheses underpowered at the study's own N.  Rearranges the files
only; no simulation here.  Sentences are in the partial (marked for translation).
"""
from __future__ import annotations

import math

import numpy as np

from clusterup.structural.power import FITTED_POPULATION

NAME = "power"
TITLE = "Statistical power of the hypothesis tests"
TEMPLATE = "power.html.j2"
PLACE = "body"


def _at(ns: np.ndarray, ps: np.ndarray, n: float) -> float | None:
    """Power at N by linear interpolation on the grid (None outside it)."""
    if not len(ns) or n < ns[0] or n > ns[-1]:
        return None
    return float(np.interp(n, ns, ps))


def build(results: dict, study, labels: dict[str, str]) -> dict | None:
    power = results.get("power")
    need = results.get("power_n_required")
    summary = results.get("power_summary")
    if power is None or need is None or summary is None:
        return None
    analytic = results.get("power_analytic")
    ana = {} if analytic is None else {(r["id"], int(r["n"])): r["power"] for r in analytic.to_dict("records")}
    ns = sorted(int(n) for n in power["n"].unique())
    need_map = {r["id"]: r for r in need.to_dict("records")}
    study_n = int(summary["study_n"])
    rows, under = [], []
    for h in study.hypotheses:
        g = power[power["id"] == h.id].sort_values("n")
        if not len(g):
            continue
        cells = [{"n": int(r["n"]), "power": r["power"], "mc_se": r["mc_se"], "n_failed": int(r["n_failed"]),
                  "analytic": ana.get((h.id, int(r["n"])))} for r in g.to_dict("records")]
        at_study = _at(g["n"].to_numpy(float), g["power"].to_numpy(float), study_n)
        nr = need_map.get(h.id, {})
        rows.append({"id": h.id, "statement": h.statement, "kind": h.kind, "cells": cells,
                     "n_for_80": str(nr.get("n_for_80", "")), "n_for_90": str(nr.get("n_for_90", "")),
                     "at_study": at_study})
        if h.kind != "nested" and at_study is not None and at_study < 0.8:
            under.append(h.id)
    nested = [r for r in rows if r["kind"] == "nested"]
    failed = {n: int(power.loc[power["n"] == n, "n_failed"].max()) for n in ns}
    from clusterup.report.chapter import svg_data_uri

    figure = results.get("power_figure")
    return {"rows": rows, "ns": ns, "study_n": study_n, "on_grid": study_n in ns,
            "in_range": bool(ns and ns[0] <= study_n <= ns[-1]),
            "underpowered": under, "nested": nested, "replications": int(summary["replications"]),
            "alpha": summary["alpha"], "mc_draws": int(summary["mc_draws"]), "population": summary["population"],
            "population_fitted": summary["population"] == FITTED_POPULATION,
            "seed": summary["seed"], "failed": failed, "any_failed": any(failed.values()),
            "has_analytic": bool(ana), "figure": svg_data_uri(figure) if figure else None,
            "max_mc_se": float(np.nanmax(power["mc_se"].to_numpy(float))) if len(power) else math.nan}
