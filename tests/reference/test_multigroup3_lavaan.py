"""More than two groups and group-specific ``:=`` parameters against lavaan.

HS1939 in three age groups (ageyr 11-12 / 13 / 14-16), the three-factor SEM with all loadings equal
(measurement weights). Reference: tests/reference/r/lavaan_multigroup3.R -> values/lavaan_multigroup3.json
(lavaan labels per group, ``c(a1, a2, a3)*``, and one ``:=`` per group).
"""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterup.estimation.multigroup import split_groups
from clusterup.estimation.spec import build_spec
from clusterup.estimation.syntax import parse_model
from clusterup.structural.multigroup import compare_paths

HERE = Path(__file__).resolve().parent
REF = json.loads((HERE / "values" / "lavaan_multigroup3.json").read_text())
HS = pd.read_csv(HERE / "data" / "holzinger1939.csv")
NAMES = ["11-12", "13", "14-16"]
MODEL = """visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9
textual ~ a*visual
speed ~ b*textual + c*visual
ind := a*b
total := c + a*b"""


@pytest.fixture(scope="module")
def compared():
    parts, unmapped = split_groups(HS, "ageyr", {k: list(map(int, v)) for k, v in REF["groups"].items()})
    assert unmapped == 0 and [len(d) for _, d in parts] == [REF["sizes"][g] for g in NAMES]
    spec = build_spec(parse_model(MODEL), list(HS.columns))
    return compare_paths(spec, parts, likelihood="wishart")


def _pe():
    pe = pd.DataFrame(REF["weights"]["parameterEstimates"])
    labels = REF["group_labels"]            # lavaan group 1, 2, 3 (group.label = the config order)
    pe["g"] = pe.group.map(lambda i: labels[int(i) - 1] if i and i > 0 else None)
    return pe


def test_measurement_weights_fit_and_paths(compared):
    paths, _, fb = compared
    fm = REF["weights"]["fitMeasures"]
    assert fb["chi2"] == pytest.approx(fm["chisq"], rel=1e-4) and fb["df"] == fm["df"]
    for k in ("cfi", "tli", "rmsea", "srmr"):
        assert fb[k] == pytest.approx(fm[k], abs=1e-3), k
    pe = _pe()
    reg = pe[pe.op == "~"]
    m = paths[paths.op == "~"].merge(reg, left_on=["group", "lhs", "rhs"], right_on=["g", "lhs", "rhs"],
                                     suffixes=("", "_r"))
    assert len(m) == len(reg) == 9
    np.testing.assert_allclose(m.est, m.est_r, atol=1e-3)
    np.testing.assert_allclose(m.se, m.se_r, rtol=0.01)
    np.testing.assert_allclose(m.std_all, m.std_all_r, atol=1e-3)


@pytest.mark.parametrize("name", ["ind", "total"])
def test_defined_parameters_per_group_match_lavaan(compared, name):
    paths, _, _ = compared
    pe = _pe()
    ours = paths[(paths.op == ":=") & (paths.lhs == name)].set_index("group")
    assert list(ours.index) == NAMES
    for i, g in enumerate(NAMES, start=1):
        r = pe[(pe.op == ":=") & (pe.lhs == f"{name}{i}")].iloc[0]
        assert ours.at[g, "est"] == pytest.approx(r.est, abs=1e-3)
        assert ours.at[g, "se"] == pytest.approx(r.se, rel=0.01)
        assert ours.at[g, "z"] == pytest.approx(r.z, rel=0.01)
        assert ours.at[g, "std_all"] == pytest.approx(r.std_all, abs=1e-3)


def test_omnibus_delta_chi2_and_pairwise_critical_ratios(compared):
    _, diffs, _ = compared
    pe = _pe()
    assert set(diffs.pair) == {f"{b} - {a}" for a, b in itertools.combinations(NAMES, 2)}
    for key, lrt in REF["omnibus"].items():
        lhs, rhs = key.split("~")
        rows = diffs[(diffs.lhs == lhs) & (diffs.rhs == rhs)]
        assert len(rows) == 3
        assert rows.delta_chi2.iloc[0] == pytest.approx(lrt["chisq_diff"], rel=1e-4)
        assert (rows.delta_df == lrt["df_diff"]).all() and lrt["df_diff"] == 2
        assert rows.p_delta.iloc[0] == pytest.approx(lrt["p_value"], abs=1e-4)
        # pairwise critical ratios by hand from lavaan's group estimates
        ref = pe[(pe.op == "~") & (pe.lhs == lhs) & (pe.rhs == rhs)].set_index("g")
        for a, b in itertools.combinations(NAMES, 2):
            row = rows[rows.pair == f"{b} - {a}"].iloc[0]
            diff, se = ref.est[b] - ref.est[a], np.hypot(ref.se[a], ref.se[b])
            assert row["diff"] == pytest.approx(diff, abs=1e-3)
            assert row.se_diff == pytest.approx(se, rel=0.01)
            assert row.z == pytest.approx(diff / se, abs=0.01)
            assert row[f"est_{a}"] == pytest.approx(ref.est[a], abs=1e-3)
