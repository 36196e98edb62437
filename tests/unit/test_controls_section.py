"""The chapter lists the control variables (issue 10, item 6): what enters which equation, and
the reference level of each dummy-coded control; no section without controls."""
import shutil
from pathlib import Path

import pandas as pd

from clusterup.report.chapter import render_html
from clusterup.report.sections import control_variables as S

REPO = Path(__file__).resolve().parents[2]
INFO = {"columns": {"ownership": ["ownership_2", "ownership_3"], "firm_age": ["firm_age"]},
        "reference": {"ownership": "State-owned", "firm_age": None},
        "dummy_levels": {"ownership_2": "Private", "ownership_3": "Foreign"},
        "endogenous": ["KAC", "PRC"]}
EST = pd.DataFrame({"lhs": ["KAC", "KAC", "KAC", "PRC", "PRC", "PRC", "PRC"],
                    "op": ["~"] * 7,
                    "rhs": ["NSC", "ownership_2", "ownership_3", "ownership_2", "ownership_3", "firm_age", "KAC"],
                    "std_all": [0.4, 0.12, -0.051, 0.2, 0.01, 0.3, 0.5],
                    "p": [0.001, 0.04, 0.5, 0.01, 0.9, 0.001, 0.0]})
LABELS = {"KAC": "Knowledge acquisition", "PRC": "Process upgrading"}


def test_no_controls_no_section():
    assert S.build({"sem_controls": {"columns": {}, "reference": {}, "dummy_levels": {}, "endogenous": []}},
                   None, {}) is None
    assert S.build({}, None, {}) is None


def test_section_lists_coding_and_equations(tmp_path):
    ctx = S.build({"sem_controls": INFO, "sem_estimates": EST}, None, LABELS)
    assert [r["column"] for r in ctx["rows"]] == ["ownership_2", "ownership_3", "firm_age"]
    assert ctx["rows"][0]["reference"] == "State-owned" and ctx["rows"][0]["level"] == "Private"
    assert ctx["rows"][2]["categorical"] is False
    # firm_age enters both equations; its KAC coefficient is absent from the estimates here -> None
    assert [(p["lhs"], p["std_all"]) for p in ctx["rows"][2]["paths"]] == [("KAC", None), ("PRC", 0.3)]
    tdir = tmp_path / "templates"
    shutil.copytree(REPO / "templates", tdir)
    (tdir / "t.html.j2").write_text('{% import "partials/macros.html.j2" as m with context %}'
                                    '{% set section = sections.controls %}{% include "partials/controls.html.j2" %}')
    html = render_html(str(tdir), {"sections": {"controls": ctx}, "cfg": {"chapter_number": 4},
                                   "sec": {"number": 9, "title": S.TITLE}}, template="t.html.j2")
    assert "2 control variable(s) in the equations of Knowledge acquisition, Process upgrading" in html
    assert "1 = Private, 0 = reference (State-owned)" in html and "numeric, as given" in html
    assert "<th>→ Process upgrading</th>" in html and ".\u2060120*</td><td class=\"num\">.\u2060200*" in html
    assert "−.\u2060051" in html and "–" in html                # a missing coefficient prints a dash
