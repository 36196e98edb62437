"""The whole multi-group stage on a simulated thesis-like data set against lavaan (issue 12).

Two groups of 300 (ownership 1 = State-owned, 2 = Non-state) from a second-order model like the
thesis's in which only IB ~ NSC differs between groups. Reference: tests/reference/r/lavaan_multigroup_sim.R
-> values/lavaan_multigroup_sim.json (data: tests/reference/data/multigroup_sim.csv); likelihood
"wishart" (AMOS). Tolerances of SPEC §6: estimates 1e-3, SEs 1 %, χ² 1e-4 relative, fit indices 1e-3.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterup.estimation.multigroup import fit_multigroup, split_groups
from clusterup.estimation.spec import build_spec
from clusterup.estimation.syntax import parse_model
from clusterup.structural.multigroup import multigroup_analysis

HERE = Path(__file__).resolve().parent
REF = json.loads((HERE / "values" / "lavaan_multigroup_sim.json").read_text())
DATA = pd.read_csv(HERE / "data" / "multigroup_sim.csv")
GROUPS = {"State-owned": [1], "Non-state": [2]}
MODEL = REF["cfa_model"] + """
IB =~ KAC + KAB + KCR
IB ~ a1*NSC + a2*TIE
UPG ~ b*IB + c1*NSC
ind_nsc := a1*b
ind_tie := a2*b"""
FIT = [("cfi", "cfi"), ("tli", "tli"), ("rmsea", "rmsea"), ("rmsea_lo90", "rmsea.ci.lower"),
       ("rmsea_hi90", "rmsea.ci.upper"), ("srmr", "srmr"), ("aic", "aic"), ("bic", "bic")]


def _pe(block):
    pe = pd.DataFrame(block["parameterEstimates"])
    pe["g"] = pe.group.map(lambda i: REF["group_labels"][int(i) - 1] if i and i > 0 else None)
    pe["rhs"] = pe.rhs.fillna("")
    return pe


@pytest.fixture(scope="module")
def stage():
    return multigroup_analysis(DATA, parse_model(MODEL), by="ownership", groups=GROUPS, likelihood="wishart")


def _fit_matches(ours: dict, fm: dict):
    assert ours["chi2"] == pytest.approx(fm["chisq"], rel=1e-4)
    assert ours["df"] == fm["df"] and ours["npar"] == fm["npar"]
    for k, r in FIT:
        assert ours[k] == pytest.approx(fm[r], abs=1e-3), k


def test_invariance_ladder(stage):
    inv = stage["invariance"].set_index("step")
    prev = None
    for step, block in REF["ladder"].items():
        _fit_matches(inv.loc[step].to_dict(), block["fitMeasures"])
        if prev is not None:
            d = block["fitMeasures"]["chisq"] - REF["ladder"][prev]["fitMeasures"]["chisq"]
            assert inv.at[step, "delta_chi2"] == pytest.approx(d, rel=1e-3, abs=1e-3)
        prev = step
    # simulated with identical measurement: metric and scalar hold by both criteria, strict does not
    # (the groups' residual variances differ because the simulation standardizes within groups)
    assert inv.at["metric", "decision"].startswith("holds") and inv.at["scalar", "decision"].startswith("holds")
    assert inv.at["strict", "decision"].startswith("rejected")


def test_measurement_weights_every_parameter():
    parts, _ = split_groups(DATA, "ownership", GROUPS)
    spec = build_spec(parse_model(MODEL), list(DATA.columns))
    res = fit_multigroup(spec, parts, likelihood="wishart", equal=("loadings",))
    assert res.converged
    _fit_matches(res.fit_block(), REF["weights"]["fitMeasures"])
    pe = _pe(REF["weights"])
    est = res.estimates()
    m = est.merge(pe[pe.op != ":="], left_on=["group", "lhs", "op", "rhs"], right_on=["g", "lhs", "op", "rhs"],
                  suffixes=("", "_r"))
    assert len(m) == len(est) == len(pe[pe.op != ":="])
    np.testing.assert_allclose(m.est, m.est_r, atol=1e-3)
    free = m.se_r > 0
    np.testing.assert_allclose(m.se[free], m.se_r[free], rtol=0.01)
    np.testing.assert_allclose(m.std_all, m.std_all_r, atol=1e-3)


def test_group_paths_defined_effects_and_differences(stage):
    pe = _pe(REF["weights"])
    paths, diffs = stage["paths"], stage["differences"]
    reg = pe[pe.op == "~"]
    m = paths[paths.op == "~"].merge(reg, left_on=["group", "lhs", "rhs"], right_on=["g", "lhs", "rhs"],
                                     suffixes=("", "_r"))
    assert len(m) == len(reg) == 8
    np.testing.assert_allclose(m.est, m.est_r, atol=1e-3)
    np.testing.assert_allclose(m.se, m.se_r, rtol=0.01)
    for name in ("ind_nsc", "ind_tie"):
        ours = paths[(paths.op == ":=") & (paths.lhs == name)].set_index("group")
        for i, g in enumerate(REF["group_labels"], start=1):
            r = pe[(pe.op == ":=") & (pe.lhs == f"{name}{i}")].iloc[0]
            assert ours.at[g, "est"] == pytest.approx(r.est, abs=1e-3)
            assert ours.at[g, "se"] == pytest.approx(r.se, rel=0.01)
    assert list(diffs.columns) == ["lhs", "op", "rhs", "label", "est_State-owned", "est_Non-state", "diff",
                                   "se_diff", "z", "p", "delta_chi2", "delta_df", "p_delta"]
    for key, lrt in REF["path_lrt"].items():
        lhs, rhs = key.split("~")
        row = diffs[(diffs.lhs == lhs) & (diffs.rhs == rhs)].iloc[0]
        assert row.delta_chi2 == pytest.approx(lrt["chisq_diff"], rel=1e-3)
        assert row.delta_df == lrt["df_diff"] == 1
        r = reg[(reg.lhs == lhs) & (reg.rhs == rhs)].set_index("g")
        assert row["diff"] == pytest.approx(r.est["Non-state"] - r.est["State-owned"], abs=1e-3)
        assert row.se_diff == pytest.approx(np.hypot(*r.se), rel=0.01)
    # the one path simulated to differ is the one the tests find
    sig = diffs[diffs.p_delta < 0.05]
    assert list(zip(sig.lhs, sig.rhs)) == [("IB", "NSC")]
