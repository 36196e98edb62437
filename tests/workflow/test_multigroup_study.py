"""The Holzinger–Swineford study (issue 12): the multi-group stage runs in the workflow and its
chapter section shows lavaan's numbers.

To stay fast the run stops at the multigroup stage (validate → clean → multigroup); the section is
then built from those results files by the report's own section module and rendered by the
chapter's renderer (same Jinja environment, filters and i18n) in a one-section wrapper. The full
chapter with the section was looked at as PDF when the study was added.
Reference: lavaan 0.6.14, tests/reference/r/lavaan_multigroup.R (cfa(..., group = "school",
group.equal = ...), likelihood "normal" as the study's config; the invariance tutorial's
configural/metric/scalar χ² 115.851 / 124.044 / 164.103).
"""
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.workflow

REPO = Path(__file__).resolve().parents[2]
CONFIG = "studies/holzinger_swineford/config.yaml"
REF = json.loads((REPO / "tests/reference/values/lavaan_multigroup.json").read_text())
TARGETS = ["results/multigroup/invariance.csv", "results/multigroup/paths.csv",
           "results/multigroup/differences.csv", "results/multigroup/summary.json"]
WRAPPER = """{% import "partials/macros.html.j2" as m with context %}
{% set section = sections.multigroup %}{% set sec = extra_sections[0] %}{% include sec.template %}"""


@pytest.fixture(scope="module")
def hs(tmp_path_factory, wf):
    wd = wf.copy(tmp_path_factory.mktemp("hs") / "wf")
    proc = wf.run(wd, *TARGETS, configfile=CONFIG)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return wd


@pytest.fixture(scope="module")
def section_text(hs):
    from clusterup.io.config import study_from
    from clusterup.report.chapter import load_results, render_html
    from clusterup.report.sections import multigroup

    study = study_from(codebook=str(hs / "studies/holzinger_swineford/codebook.yaml"),
                       model=str(hs / "studies/holzinger_swineford/model.lavaan"),
                       hypotheses=str(hs / "studies/holzinger_swineford/hypotheses.yaml"), items_dropped=[])
    names = {"multigroup_invariance": TARGETS[0], "multigroup_paths": TARGETS[1],
             "multigroup_differences": TARGETS[2], "multigroup_summary": TARGETS[3]}
    results = load_results({k: str(hs / v) for k, v in names.items()})
    ctx = multigroup.build(results, study, study.labels())
    assert ctx is not None
    tdir = hs / "templates_test"
    shutil.copytree(hs / "templates", tdir)
    (tdir / "wrapper.html.j2").write_text(WRAPPER)
    html = render_html(str(tdir), {"cfg": {"chapter_number": 4}, "sections": {"multigroup": ctx},
                                   "extra_sections": [{"name": "multigroup", "title": multigroup.TITLE,
                                                       "template": "partials/multigroup.html.j2",
                                                       "number": 14, "place": "body"}]},
                       template="wrapper.html.j2")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u2060", "")


def test_ladder_equals_lavaan_tutorial(hs):
    inv = pd.read_csv(hs / TARGETS[0]).set_index("step")
    for step in ("configural", "metric", "scalar", "strict"):
        fm = REF["ladder_normal"][step]["fitMeasures"]
        assert inv.at[step, "chi2"] == pytest.approx(fm["chisq"], rel=1e-4), step
        assert inv.at[step, "df"] == fm["df"]
        for k in ("cfi", "tli", "rmsea", "srmr"):
            assert inv.at[step, k] == pytest.approx(fm[k], abs=1e-3), (step, k)
    # the tutorial's printed values
    assert [round(inv.at[s, "chi2"], 3) for s in ("configural", "metric", "scalar")] == [115.851, 124.044, 164.103]
    summary = json.loads((hs / TARGETS[3]).read_text())
    assert summary["groups"] == {"Pasteur": 156, "Grant-White": 145} and summary["unmapped"] == 0


def test_section_shows_lavaan_numbers_and_decisions(section_text):
    t = section_text
    assert "Multi-group analysis" in t and "Pasteur = 156, Grant-White = 145" in t
    for step in ("configural", "metric", "scalar", "strict"):
        fm = REF["ladder_normal"][step]["fitMeasures"]
        assert f"{step} {fm['chisq']:.2f} {int(fm['df'])} " in t, step
    # Δχ² of metric vs configural and of scalar vs metric, from lavaan's χ² values
    lad = {s: REF["ladder_normal"][s]["fitMeasures"] for s in REF["ladder_normal"]}
    assert f"{lad['metric']['chisq'] - lad['configural']['chisq']:.2f} (6)" in t
    assert f"{lad['scalar']['chisq'] - lad['metric']['chisq']:.2f} (6)" in t
    # metric holds, scalar fails by both criteria (the tutorial's conclusion)
    assert "Invariance holds at the metric level by both criteria" in t
    assert re.search(r"scalar 164\.10 .*? rejected rejected", t)
    # group paths side by side, and the hypotheses the grouping does not moderate
    assert "Visual ability → Textual ability" in t and "Visual ability → Textual ability → Speed" in t
    assert "None of the 3 structural paths differs between groups" in t
    assert "For H1, H2, H3, H4 the grouping makes no significant difference" in t
