"""The control variables of config ``controls:`` as they entered the SEM (issue 10, item 6): what
enters which equation, and the reference level of each dummy-coded control."""
from __future__ import annotations

NAME = "controls"
TITLE = "Control variables"
TEMPLATE = "controls.html.j2"
PLACE = "body"


def build(results, study, labels):
    info = results.get("sem_controls")
    if not info or not info.get("columns"):
        return None
    est = results.get("sem_estimates")
    coef = {}
    if est is not None:
        for r in est[est["op"] == "~"].to_dict("records"):
            coef[(r["lhs"], r["rhs"])] = r
    rows = []
    for var, cols in info["columns"].items():
        ref = info["reference"].get(var)
        for col in cols:
            rows.append({"variable": var, "column": col, "categorical": ref is not None, "reference": ref,
                         "level": info["dummy_levels"].get(col),
                         "paths": [{"lhs": y, "label": labels.get(y, y), **{k: coef.get((y, col), {}).get(k)
                                                                           for k in ("std_all", "p")}}
                                   for y in info["endogenous"]]})
    return {"rows": rows, "endogenous": [labels.get(y, y) for y in info["endogenous"]],
            "n_controls": len(info["columns"])}
