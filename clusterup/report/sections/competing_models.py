"""Competing measurement models, the target coefficient and item-level detail (issue 10, items 2, 7)."""
from __future__ import annotations

import math

NAME = "competing"
TITLE = "Competing measurement models"
TEMPLATE = "competing.html.j2"
PLACE = "body"


def _records(df):
    return [] if df is None else [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                                  for r in df.to_dict("records")]


def build(results, study, labels):
    table = results.get("alternatives")
    if table is None:
        return None
    from clusterup.measurement.alternatives import candidate_parameters

    # the description cell is composed in the partial from the kind and its parameters (the
    # stage's own sentence, alternatives.DESCRIPTIONS, through the catalog); a user alternative
    # (no parameters) prints the description of its config entry
    params = candidate_parameters(study.analysis_model, study.analysis_items())
    rows = [dict(r, params=params.get(r["model"])) for r in _records(table)]
    first = next((r for r in rows if r["model"] == "first_order"), None)
    ok = [r for r in rows if r["converged"]]
    best_aic = min(ok, key=lambda r: r["aic"])["model"] if ok else None
    failed = [r["model"] for r in rows if not r["converged"]]
    return {"rows": rows, "first": first, "best_aic": best_aic, "failed": failed,
            "second_order": results.get("second_order") or {"available": False, "reason": ""},
            "per_construct": [dict(r, label=labels.get(r["construct"], r["construct"])) for r in _records(results.get("per_construct"))]}
