"""The multigroup chapter section from hand-made results: three groups, a path that differs
(omnibus Δχ² and pairwise critical ratios), the moderation statements and the ladder's conclusion."""
import re
import shutil
from pathlib import Path

import pandas as pd

from clusterup.io.config import study_from
from clusterup.report.chapter import render_html
from clusterup.report.sections import multigroup

REPO = Path(__file__).resolve().parents[2]
HS = REPO / "studies" / "holzinger_swineford"
G = ["A", "B", "C"]


def _results():
    def fit(step, chi2, df, cfi, rmsea, decision):
        return {"step": step, "npar": 60, "chi2": chi2, "df": df, "p": 0.01, "cfi": cfi, "tli": cfi, "rmsea": rmsea,
                "rmsea_lo90": rmsea - .01, "rmsea_hi90": rmsea + .01, "srmr": .05, "aic": 1, "bic": 1,
                "delta_chi2": None, "delta_df": None, "p_delta": None, "delta_cfi": None, "delta_rmsea": None,
                "decision": decision}
    inv = pd.DataFrame([fit("configural", 100, 72, .95, .05, "baseline"),
                        fit("metric", 120, 84, .948, .051, "partly (Δχ²: rejected; Chen: holds)"),
                        fit("scalar", 130, 96, .947, .050, "partly (Δχ²: rejected; Chen: holds)"),
                        fit("strict", 200, 114, .90, .07, "rejected (Δχ²: rejected; Chen: rejected)")])
    rows = []
    for g, a, ind_p in zip(G, (0.2, 0.5, 0.8), (0.4, 0.01, 0.001)):
        rows += [{"group": g, "lhs": "textual", "op": "~", "rhs": "visual", "label": "a", "est": a, "se": .1,
                  "z": a / .1, "p": .04, "std_all": a / 2},
                 {"group": g, "lhs": "speed", "op": "~", "rhs": "textual", "label": "b", "est": .3, "se": .1,
                  "z": 3, "p": .003, "std_all": .3},
                 {"group": g, "lhs": "ind", "op": ":=", "rhs": "a*b", "label": "ind", "est": a * .3, "se": .05,
                  "z": 1, "p": ind_p, "std_all": .1}]
    paths = pd.DataFrame(rows)
    diffs = []
    for lhs, rhs, ests, p_delta in (("textual", "visual", (0.2, 0.5, 0.8), 0.002), ("speed", "textual", (.3, .3, .3), .9)):
        for (i, a), (j, b) in [((0, "A"), (1, "B")), ((0, "A"), (2, "C")), ((1, "B"), (2, "C"))]:
            d = ests[j] - ests[i]
            diffs.append({"lhs": lhs, "op": "~", "rhs": rhs, "label": "", **{f"est_{g}": e for g, e in zip(G, ests)},
                          "pair": f"{b} - {a}", "diff": d, "se_diff": .1414, "z": d / .1414,
                          "p": 0.00002 if abs(d) > .5 else 0.5, "delta_chi2": 12.34 if p_delta < .05 else .2,
                          "delta_df": 2, "p_delta": p_delta})
    summary = {"by": "school", "likelihood": "wishart", "groups": {"A": 100, "B": 110, "C": 90}, "unmapped": 7,
               "notes": [], "measurement_weights_fit": {"chi2": 125.0, "df": 90, "cfi": .95, "rmsea": .05}}
    return {"multigroup_invariance": inv, "multigroup_paths": paths, "multigroup_differences": pd.DataFrame(diffs),
            "multigroup_summary": summary}


def test_three_groups_section(tmp_path):
    study = study_from(codebook=str(HS / "codebook.yaml"), model=str(HS / "model.lavaan"),
                       hypotheses=str(HS / "hypotheses.yaml"), items_dropped=[])
    ctx = multigroup.build(_results(), study, study.labels())
    assert ctx["reached"] == {"chi2": "configural", "chen": "scalar", "both": "configural"}
    assert [m["id"] for m in ctx["moderated"]] == ["H1", "H4"] and ctx["unmoderated"] == ["H2"]
    tdir = tmp_path / "t"
    shutil.copytree(REPO / "templates", tdir)
    (tdir / "w.html.j2").write_text('{% import "partials/macros.html.j2" as m with context %}'
                                    '{% set section = sections.multigroup %}{% set sec = extra_sections[0] %}'
                                    '{% include sec.template %}')
    html = render_html(str(tdir), {"cfg": {"chapter_number": 4}, "sections": {"multigroup": ctx},
                                   "extra_sections": [{"name": "multigroup", "title": multigroup.TITLE,
                                                       "template": "partials/multigroup.html.j2", "number": 9,
                                                       "place": "body"}]}, template="w.html.j2")
    t = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u2060", "").replace("&lt;", "<")
    assert "into 3 groups (A = 100, B = 110, C = 90)" in t and "7 respondents" in t
    assert "Only configural invariance is supported by both criteria together" in t
    assert "the Δχ² test reaches the configural level, the change in fit indices the scalar level" in t
    assert "differ between groups at p < .05: 1 of 2 (below)" in t and "omnibus Δχ²" in t
    assert "C - A: 0.600 (4.24)" in t and "B - A" not in t          # only the significant pair
    assert "H1 (Visual ability → Textual ability) is moderated by School" in t
    assert "Δχ²(2) = 12.34, p = .002; A: B = 0.200, B: B = 0.500, C: B = 0.800" in t
    assert "H4 (Visual ability → Textual ability → Speed) depends on School: the effect is significant in B, C but not in A" in t
    assert "For H2 the grouping makes no significant difference" in t


def test_ladder_conclusion_when_metric_fails_by_both():
    inv = pd.DataFrame([{"step": "configural", "decision": "baseline"},
                        {"step": "metric", "decision": "rejected (Δχ²: rejected; Chen: rejected)"},
                        {"step": "scalar", "decision": "holds (Δχ²: holds; Chen: holds)"}])
    rows, reached = multigroup._ladder(inv)
    assert reached == {"chi2": "configural", "chen": "configural", "both": "configural"}
    assert [r["by_chen"] for r in rows] == [None, False, True]
