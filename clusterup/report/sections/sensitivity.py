"""Chapter section "Robustness of the conclusions" (issue 11): results/sensitivity/*.csv.

One table of the fit of the CFA and the SEM under each method (with the Bollen–Stine bootstrap p
of the SEM's χ² as a row when ``results/sensitivity/bollen_stine.json`` is present), one table of
every hypothesis's verdict under each method, a sentence per changed verdict (or one saying none changed) and notes
on the methods with their references.  Rearranges the files only; no estimation here.
"""
from __future__ import annotations

import math
import re

NAME = "sensitivity"
TITLE = "Robustness of the conclusions"
TEMPLATE = "sensitivity.html.j2"
PLACE = "body"



def _(text: str) -> str:
    """Marks a message for the catalog (Babel extracts ``_("…")``); the template translates the
    value with ``| t``, so the section itself stays language-free."""
    return text


METHODS = {
    "ml": {"label": "ML", "name": _("maximum likelihood (main analysis)"),
           "note": _("normal-theory ML as in the main analysis; indirect effects judged by the bias-corrected bootstrap.")},
    "mlm": {"label": "MLM", "name": _("ML with Satorra–Bentler correction"),
            "note": _("ML estimates with robust (sandwich, expected information) standard errors and the "
                      "Satorra–Bentler scaled χ² (Satorra & Bentler, 1994); CFI, TLI and RMSEA from the scaled χ²; "
                      "nested models by the scaled difference test (Satorra & Bentler, 2001).")},
    "mlr": {"label": "MLR", "name": _("ML with Huber–White and Yuan–Bentler correction"),
            "note": _("ML estimates with Huber–White sandwich standard errors (observed information) and the "
                      "Yuan–Bentler scaled χ² in its Mplus form (Yuan & Bentler, 2000); robust CFI, TLI and RMSEA "
                      "(Brosseau-Liard & Savalei, 2014); nested models by the scaled difference test.")},
    "wlsmv": {"label": "WLSMV", "name": _("weighted least squares for ordinal items"),
              "note": _("every item treated as ordered categories: thresholds and polychoric correlations "
                        "(Muthén, 1984), diagonally weighted least squares with robust standard errors and the "
                        "mean- and variance-adjusted (scaled-and-shifted) χ² (Muthén, du Toit & Spisic, 1997), "
                        "standardized estimates on the latent-response scale; CFI, TLI and RMSEA from the "
                        "scaled χ²; nested models by the DIFFTEST (Satorra, 2000). Estimated on the valid rows "
                        "with their original answers, rows with a missing answer dropped listwise.")},
    "fiml": {"label": "FIML", "name": _("full-information ML without imputation"),
             "note": _("casewise maximum likelihood with a mean structure on the valid rows, their missing cells "
                       "left missing instead of imputed (Enders, 2010); nested models by the likelihood-ratio test.")},
}


# skip reasons of clusterup/structural/sensitivity.py and clusterup/estimation/wlsmv.py, as catalog
# messages with their variable parts (item names, counts, an error text) as placeholders
REASONS = [
    (r"the valid rows have no missing cells in the model's items, so FIML would equal ML",
     _("the valid rows have no missing cells in the model's items, so FIML would equal ML")),
    (r"the model has 0 degrees of freedom: no scaled test \(standard errors only\)",
     _("the model has 0 degrees of freedom: no scaled test (standard errors only)")),
    (r"the original \(unimputed\) responses were not given", _("the original (unimputed) responses were not given")),
    (r"item (?P<item>\S+) has non-integer values \(a continuous item cannot be treated as ordered categories\)",
     _("item %(item)s has non-integer values (a continuous item cannot be treated as ordered categories)")),
    (r"item (?P<item>\S+) has fewer than 2 observed categories among the complete rows \((?P<k>\d+)\)",
     _("item %(item)s has fewer than 2 observed categories among the complete rows (%(k)s)")),
    (r"only (?P<n>\d+) complete rows for (?P<q>\d+) free parameters \(WLSMV needs at least (?P<need>\d+) complete rows\)",
     _("only %(n)s complete rows for %(q)s free parameters (WLSMV needs at least %(need)s complete rows)")),
    (r"the data have no column\(s\) (?P<columns>.+)", _("the data have no column(s) %(columns)s")),
    (r"the robust computation failed: (?P<error>.+)", _("the robust computation failed: %(error)s")),
    (r"the FIML estimation failed: (?P<error>.+)", _("the FIML estimation failed: %(error)s")),
    (r"the WLSMV estimation failed: (?P<error>.+)", _("the WLSMV estimation failed: %(error)s")),
    (r"the restricted model could not be tested: (?P<error>.+)", _("the restricted model could not be tested: %(error)s")),
]
UNKNOWN = _("%(text)s")        # a reason or model name without a catalog message: shown as it is
MODELS = {"cfa": _("the measurement model (CFA)"), "sem": _("the structural model (SEM)")}
NESTED = _("the restricted model of %(id)s")
# methods that can be selected but are not refits (their own note when absent)
OPTIONAL = {"wlsmv": "WLSMV (Muthén, du Toit & Spisic, 1997)", "fiml": "FIML (Enders, 2010)",
            "bollen_stine": _("the Bollen–Stine bootstrap (Bollen & Stine, 1992)")}


def _reason(text: str) -> dict:
    """The catalog message of a skip reason and its placeholders (the text itself when unknown)."""
    for pattern, msg in REASONS:
        m = re.fullmatch(pattern, str(text))
        if m:
            return {"msg": msg, "args": m.groupdict()}
    return {"msg": UNKNOWN, "args": {"text": str(text)}}


def _skip_row(r: dict) -> dict:
    model = str(r.get("model", ""))
    if model in MODELS:
        where = {"msg": MODELS[model], "args": {}}
    elif model.startswith("nested "):
        where = {"msg": NESTED, "args": {"id": model.split(" ", 1)[1]}}
    else:
        where = {"msg": UNKNOWN, "args": {"text": model}}
    return {"method": METHODS.get(r["method"], {"label": str(r["method"]).upper()})["label"],
            "where": where, "reason": _reason(r.get("reason", ""))}


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
    statements_zh = {h.id: getattr(h, "statement_zh", "") or "" for h in study.hypotheses}
    kinds = {h.id: h.kind for h in study.hypotheses}
    rows = []
    for hid in dict.fromkeys(verdicts["id"]):
        sub = verdicts[verdicts["id"] == hid].set_index("method")
        rows.append({"id": hid, "statement": statements.get(hid, ""), "statement_zh": statements_zh.get(hid, ""),
                     "kind": kinds.get(hid, ""),
                     "cells": [{"method": m, **({k: _clean(v) for k, v in sub.loc[m].items()} if m in sub.index else {})}
                               for m in methods]})
    changed = []
    for r in verdicts[verdicts["changed"].astype(str).str.lower() == "true"].itertuples():
        base = verdicts[(verdicts["id"] == r.id) & (verdicts["method"] == "ml")]
        changed.append({"id": r.id, "statement": statements.get(r.id, ""), "statement_zh": statements_zh.get(r.id, ""),
                        "method": METHODS.get(r.method, {"label": r.method})["label"],
                        "from": base["verdict"].iloc[0] if len(base) else "", "to": r.verdict,
                        "p": _clean(r.p), "kind": kinds.get(r.id, "")})
    bs = results.get("sensitivity_bollen_stine")      # results/sensitivity/bollen_stine.json (optional)
    tried = set(skipped["method"]) if skipped is not None and len(skipped) else set()
    return {"fit": _records(fit), "methods": [{"key": m, **METHODS.get(m, {"label": m, "name": m, "note": ""})}
                                               for m in methods],
            "hypotheses": rows, "changed": changed,
            "skipped": [_skip_row(r) for r in _records(skipped)] if skipped is not None else [],
            "not_selected": [OPTIONAL[k] for k in OPTIONAL if k not in methods and k not in tried
                             and not (k == "bollen_stine" and bs)],
            "bollen_stine": {k: _clean(v) for k, v in bs.items()} if bs else None,
            "wlsmv": results.get("sensitivity_wlsmv") or None}
