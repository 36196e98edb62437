"""Sobel and Aroian tests beside the bootstrap intervals (issue 10, item 5)."""
from __future__ import annotations

NAME = "sobel"
TITLE = "Sobel and Aroian tests of the indirect effects"
TEMPLATE = "sobel.html.j2"
PLACE = "body"


def build(results, study, labels):
    s = results.get("sobel")
    if s is None or not len(s):
        return None
    boot = results.get("effects_boot")
    bmap = {} if boot is None else {r["effect"]: r for r in boot.to_dict("records")}
    from clusterup.structural.labels import effect_labels

    names = effect_labels(study.analysis_model, labels)
    rows = []
    for r in s.to_dict("records"):
        b = bmap.get(r["effect"], {})
        rows.append({**r, "name": names.get(r["effect"], r["effect"]), "bc_lo": b.get("bc_lo"), "bc_hi": b.get("bc_hi"), "perc_lo": b.get("perc_lo"),
                     "perc_hi": b.get("perc_hi"),
                     "agree": None if not b else bool((r["p_sobel"] < 0.05) == (b["bc_lo"] > 0 or b["bc_hi"] < 0))})
    return {"rows": rows, "disagree": [r["name"] for r in rows if r["agree"] is False]}
