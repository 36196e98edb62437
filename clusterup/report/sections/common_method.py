"""Common method bias beyond Harman: one-factor CFA and ULMC (issue 10, item 3)."""
from __future__ import annotations

NAME = "method_bias"
TITLE = "Common method bias"
TEMPLATE = "method_bias.html.j2"
PLACE = "body"

SHARE_LIMIT = 0.25   # Williams, Cote & Buckley (1989): median method variance in self-reports


def build(results, study, labels):
    mb = results.get("method_bias")
    if mb is None:
        return None
    u = mb.get("ulmc", {})
    one = mb.get("one_factor", {})
    verdict = None
    if u.get("converged"):
        boundary = abs(u["method_loading"]) < 1e-6
        verdict = {"boundary": boundary, "share": u["method_variance_share"],
                   "significant": (u["p"] < 0.05) if u["p"] == u["p"] else False,
                   "small": u["method_variance_share"] < SHARE_LIMIT,
                   "delta_cfi": u.get("delta_cfi"), "delta_rmsea": u.get("delta_rmsea")}
    return {"mb": mb, "ulmc": u, "one": one, "verdict": verdict, "share_limit": SHARE_LIMIT,
            "harman_ok": mb["harman_first_factor_pct"] < mb.get("harman_limit_pct", 50.0)}
