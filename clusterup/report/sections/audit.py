"""Appendix "Published versus reproduced": the reviewer's audit (results/audit/), present only
when the study config names a published-numbers file (``audit.published``)."""
from __future__ import annotations

import math

import pandas as pd

from clusterup.report import formatting as fmt


def _(text: str, **kw) -> str:
    """The message catalog's hook (identity for English; issue 13 installs the translations)."""
    return text % kw if kw else text

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


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def build(results: dict, study, labels: dict[str, str]) -> dict | None:
    """Per-table verdicts, every entry that is not ``match``, the consistency findings, and
    ``summary_line`` (one sentence for page 1)."""
    if "audit_tables" not in results or "audit_comparison" not in results:
        return None
    tables, cmp = results["audit_tables"], results["audit_comparison"]
    cons = results.get("audit_consistency", pd.DataFrame(columns=["status"]))
    verdicts = tables["verdict"].value_counts()
    n_match = int((cmp["status"] == "match").sum())
    n_incons = int((cons["status"] == "inconsistent").sum())
    n_checked = int((cons["status"] != "not checkable").sum())
    n_tab = int(verdicts.get("reproduced", 0))
    parts = [_("%(n)s reproduced", n=n_tab)]
    if verdicts.get("reproduced with minor differences", 0):
        parts.append(_("%(n)s reproduced with minor differences", n=int(verdicts["reproduced with minor differences"])))
    if verdicts.get("not reproduced", 0):
        parts.append(_("%(n)s not reproduced", n=int(verdicts["not reproduced"])))
    summary = _("Of %(tables)s, %(verdicts)s; %(match)s of %(n)s printed numbers match the reproduction",
                tables=_count(len(tables), _("published table"), _("published tables")), verdicts=", ".join(parts),
                match=n_match, n=len(cmp))
    if n_checked:
        summary += "; " + (_("none of the %(n)s consistency checks finds a printed number at odds with the others",
                             n=n_checked) if n_incons == 0 else
                           _("%(bad)s of the %(n)s consistency checks find a printed number at odds with the others",
                             bad=n_incons, n=n_checked))
    summary += "."
    differing = _records(cmp[cmp["status"] != "match"])
    for e in differing:       # reproduced shown one digit beyond the printed precision
        e["shown"] = (fmt.num(float(e["reproduced"]), int(e["decimals"]) + 1)
                      if e["decimals"] != "" and _is_number(e["reproduced"]) else str(e["reproduced"]))
    return {"summary": summary,
            "summary_line": _("Against the published numbers: %(summary)s (appendix “%(title)s”).",
                              summary=summary[0].lower() + summary[1:-1], title=_(TITLE)),
            "tables": _records(tables),
            "not_matching": differing,
            "n_entries": len(cmp), "n_match": n_match,
            "consistency": _records(cons),
            "n_inconsistent": n_incons}
