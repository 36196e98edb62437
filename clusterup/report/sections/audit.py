"""Appendix "Published versus reproduced": the reviewer's audit (results/audit/), present only
when the study config names a published-numbers file (``audit.published``)."""
from __future__ import annotations

import math

import pandas as pd

from clusterup.report import formatting as fmt

NAME = "audit"
TITLE = "Published versus reproduced"
TEMPLATE = "audit.html.j2"
PLACE = "appendix"


def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: ("" if v is None or isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in df.to_dict(orient="records")]


def _is_number(x) -> bool:
    try:
        float(x)
    except (TypeError, ValueError):
        return False
    return True


def build(results: dict, study, labels: dict[str, str]) -> dict | None:
    """Per-table verdicts, every entry that is not ``match``, the consistency findings and the
    counts the summary sentence is composed of (in the partial's macro ``audit_summary``, through the
    message catalog, for the appendix and the page-1 line)."""
    if "audit_tables" not in results or "audit_comparison" not in results:
        return None
    tables, cmp = results["audit_tables"], results["audit_comparison"]
    cons = results.get("audit_consistency", pd.DataFrame(columns=["status"]))
    verdicts = tables["verdict"].value_counts()
    differing = _records(cmp[cmp["status"] != "match"])
    for e in differing:       # reproduced shown one digit beyond the printed precision
        e["shown"] = (fmt.num(float(e["reproduced"]), int(e["decimals"]) + 1)
                      if e["decimals"] != "" and _is_number(e["reproduced"]) else str(e["reproduced"]))
    return {"title": TITLE,
            "n_tables": len(tables),
            "n_reproduced": int(verdicts.get("reproduced", 0)),
            "n_minor": int(verdicts.get("reproduced with minor differences", 0)),
            "n_not_reproduced": int(verdicts.get("not reproduced", 0)),
            "tables": _records(tables),
            "not_matching": differing,
            "n_entries": len(cmp), "n_match": int((cmp["status"] == "match").sum()),
            "consistency": _records(cons),
            "n_checked": int((cons["status"] != "not checkable").sum()),
            "n_inconsistent": int((cons["status"] == "inconsistent").sum())}
