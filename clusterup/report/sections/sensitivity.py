"""Chapter section "Robustness of the conclusions" (issue 11): results/sensitivity/*.csv.

One table of the fit of the CFA and the SEM under each method (with the Bollen–Stine bootstrap p
of the SEM's χ² as a row when ``results/sensitivity/bollen_stine.json`` is present), one table of
every hypothesis's verdict under each method, a sentence per changed verdict (or one saying none changed) and notes
on the methods with their references.  Rearranges the files only; no estimation here.
"""
from __future__ import annotations

import math

NAME = "sensitivity"
TITLE = "Robustness of the conclusions"
TEMPLATE = "sensitivity.html.j2"
PLACE = "body"

METHODS = {
    "ml": {"label": "ML", "name": "maximum likelihood (main analysis)",
           "note": "normal-theory ML as in the main analysis; indirect effects judged by the bias-corrected bootstrap."},
    "mlm": {"label": "MLM", "name": "ML with Satorra–Bentler correction",
            "note": "ML estimates with robust (sandwich, expected information) standard errors and the "
                    "Satorra–Bentler scaled χ² (Satorra & Bentler, 1994); CFI, TLI and RMSEA from the scaled χ²; "
                    "nested models by the scaled difference test (Satorra & Bentler, 2001)."},
    "mlr": {"label": "MLR", "name": "ML with Huber–White and Yuan–Bentler correction",
            "note": "ML estimates with Huber–White sandwich standard errors (observed information) and the "
                    "Yuan–Bentler scaled χ² in its Mplus form (Yuan & Bentler, 2000); robust CFI, TLI and RMSEA "
                    "(Brosseau-Liard & Savalei, 2014); nested models by the scaled difference test."},
    "fiml": {"label": "FIML", "name": "full-information ML without imputation",
             "note": "casewise maximum likelihood with a mean structure on the valid rows, their missing cells "
                     "left missing instead of imputed (Enders, 2010); nested models by the likelihood-ratio test."},
}


def _clean(v):
    return None if isinstance(v, float) and math.isnan(v) else v


def _records(df):
    return [{k: _clean(v) for k, v in r.items()} for r in df.to_dict("records")]


def build(results: dict, study, labels: dict[str, str]) -> dict | None:
    fit = results.get("sensitivity_fit")
    verdicts = results.get("sensitivity_verdicts")
    if fit is None or verdicts is None:
        return None
    skipped = results.get("sensitivity_skipped")
    methods = list(dict.fromkeys(fit["method"]))
    statements = {h.id: h.statement for h in study.hypotheses}
    kinds = {h.id: h.kind for h in study.hypotheses}
    rows = []
    for hid in dict.fromkeys(verdicts["id"]):
        sub = verdicts[verdicts["id"] == hid].set_index("method")
        rows.append({"id": hid, "statement": statements.get(hid, ""), "kind": kinds.get(hid, ""),
                     "cells": [{"method": m, **({k: _clean(v) for k, v in sub.loc[m].items()} if m in sub.index else {})}
                               for m in methods]})
    changed = []
    for r in verdicts[verdicts["changed"].astype(str).str.lower() == "true"].itertuples():
        base = verdicts[(verdicts["id"] == r.id) & (verdicts["method"] == "ml")]
        changed.append({"id": r.id, "statement": statements.get(r.id, ""),
                        "method": METHODS.get(r.method, {"label": r.method})["label"],
                        "from": base["verdict"].iloc[0] if len(base) else "", "to": r.verdict,
                        "p": _clean(r.p), "kind": kinds.get(r.id, "")})
    bs = results.get("sensitivity_bollen_stine")      # results/sensitivity/bollen_stine.json (optional)
    return {"fit": _records(fit), "methods": [{"key": m, **METHODS.get(m, {"label": m, "name": m, "note": ""})}
                                               for m in methods],
            "hypotheses": rows, "changed": changed,
            "skipped": _records(skipped) if skipped is not None else [],
            "bollen_stine": {k: _clean(v) for k, v in bs.items()} if bs else None}
