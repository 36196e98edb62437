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
