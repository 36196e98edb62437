"""Multi-group ML against lavaan ``cfa/sem(..., group = "school", group.equal = ...)`` on HS1939.

Reference values: tests/reference/r/lavaan_multigroup.R -> values/lavaan_multigroup.json.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterup.estimation.multigroup import fit_multigroup
from clusterup.estimation.spec import build_spec
from clusterup.estimation.syntax import parse_model

HERE = Path(__file__).resolve().parent
REF = json.loads((HERE / "values" / "lavaan_multigroup.json").read_text())
HS = pd.read_csv(HERE / "data" / "holzinger1939.csv")
GROUPS = [("Pasteur", HS[HS.school == "Pasteur"]), ("Grant-White", HS[HS.school == "Grant-White"])]
STEPS = {"configural": (), "metric": ("loadings",), "scalar": ("loadings", "intercepts"),
         "strict": ("loadings", "intercepts", "residuals")}
FIT_KEYS = [("chi2", "chisq"), ("df", "df"), ("npar", "npar"), ("cfi", "cfi"), ("tli", "tli"),
            ("rmsea", "rmsea"), ("rmsea_lo90", "rmsea.ci.lower"), ("rmsea_hi90", "rmsea.ci.upper"),
            ("srmr", "srmr"), ("aic", "aic"), ("bic", "bic")]


def _compare(result, ref_fit):
    fb = result.fit_block()
    fm = ref_fit["fitMeasures"]
    assert result.converged
    assert fb["chi2"] == pytest.approx(fm["chisq"], rel=1e-4)
    for ours, theirs in FIT_KEYS[1:]:
        assert fb[ours] == pytest.approx(fm[theirs], abs=1e-3), ours
    est = result.estimates()
    pe = pd.DataFrame(ref_fit["parameterEstimates"])
    pe["g"] = pe.group.map({1: "Pasteur", 2: "Grant-White"})
    pe["rhs"] = pe.rhs.fillna("")
    m = est.merge(pe, left_on=["group", "lhs", "op", "rhs"], right_on=["g", "lhs", "op", "rhs"],
                  suffixes=("", "_r"))
    assert len(m) == len(pe[pe.op != ":="]) and len(m) == len(est)
    np.testing.assert_allclose(m.est, m.est_r, atol=1e-3)
    np.testing.assert_allclose(m.std_all, m.std_all_r, atol=1e-3)
    free = m.se_r.notna() & (m.se_r > 0)
    np.testing.assert_allclose(m.se[free], m.se_r[free], rtol=0.01)
    assert (m.free == free).all()


@pytest.mark.parametrize("likelihood", ["wishart", "normal"])
@pytest.mark.parametrize("step", list(STEPS))
def test_invariance_ladder_matches_lavaan(step, likelihood):
    spec = build_spec(parse_model(REF["cfa_model"]), list(HS.columns))
    result = fit_multigroup(spec, GROUPS, likelihood=likelihood, equal=STEPS[step])
    _compare(result, REF[f"ladder_{likelihood}"][step])


SEM = """visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9
textual ~ visual
speed ~ visual + textual"""


def test_measurement_weights_and_path_differences_match_lavaan():
    from clusterup.structural.multigroup import compare_paths

    spec = build_spec(parse_model(SEM), list(HS.columns))
    base = fit_multigroup(spec, GROUPS, likelihood="wishart", equal=("loadings",))
    _compare(base, REF["sem_weights"])
    con = fit_multigroup(spec, GROUPS, likelihood="wishart", equal=("loadings",),
                         equal_paths=(("speed", "~", "visual"),))
    _compare(con, REF["sem_weights_speed_visual_equal"])
    paths, diffs, fb = compare_paths(spec, GROUPS, likelihood="wishart")
    assert fb["chi2"] == pytest.approx(REF["sem_weights"]["fitMeasures"]["chisq"], rel=1e-4)
    row = diffs[(diffs.lhs == "speed") & (diffs.rhs == "visual")].iloc[0]
    lrt = REF["sem_path_lrt"]
    assert row.delta_chi2 == pytest.approx(lrt["chisq_diff"], rel=1e-4)
    assert row.delta_df == lrt["df_diff"]
    # hand computation from lavaan's group estimates: diff = Grant-White − Pasteur, se = √(se₁² + se₂²)
    pe = pd.DataFrame(REF["sem_weights"]["parameterEstimates"])
    r1 = pe[(pe.lhs == "speed") & (pe.op == "~") & (pe.rhs == "visual") & (pe.group == 1)].iloc[0]
    r2 = pe[(pe.lhs == "speed") & (pe.op == "~") & (pe.rhs == "visual") & (pe.group == 2)].iloc[0]
    assert row["diff"] == pytest.approx(r2.est - r1.est, abs=1e-3)
    assert row.se_diff == pytest.approx(np.hypot(r1.se, r2.se), rel=0.01)
    assert len(paths) == 2 * 3 and set(paths.group) == {"Pasteur", "Grant-White"}
