"""Competing models, ULMC, group tests and Sobel/Aroian against lavaan and base R
(tests/reference/r/examiner.R -> values/examiner.json)."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterup.estimation.syntax import parse_model
from clusterup.measurement.alternatives import (compare_models, item_smc, per_construct_fit,
                                                second_order_summary, standard_candidates)
from clusterup.measurement.groups import compare_groups
from clusterup.measurement.method_bias import method_bias
from clusterup.estimation.sem import fit_sem
from clusterup.structural.sobel import sobel_table

HERE = Path(__file__).resolve().parent
REF = json.loads((HERE / "values" / "examiner.json").read_text())
HS = pd.read_csv(HERE / "data" / "holzinger1939.csv")
ITEMS = [f"x{i}" for i in range(1, 10)]
FIRST = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n"
KEYMAP = {"npar": "npar", "chi2": "chisq", "df": "df", "p": "pvalue", "cfi": "cfi", "tli": "tli",
          "rmsea": "rmsea", "srmr": "srmr"}


def close_fit(row, ref):
    assert row["chi2"] == pytest.approx(ref["chisq"], rel=1e-4)
    assert row["df"] == ref["df"]
    for k in ("cfi", "tli", "rmsea", "srmr"):
        assert row[k] == pytest.approx(ref[k], abs=1e-3), k


@pytest.fixture(scope="module")
def alternatives():
    model = parse_model(FIRST + "g =~ visual + textual + speed\n")
    return compare_models(standard_candidates(model, ITEMS), HS, likelihood="wishart")[0]


def test_alternatives_match_lavaan(alternatives):
    t = alternatives.set_index("model")
    close_fit(t.loc["first_order"], REF["first_order"])
    close_fit(t.loc["second_order"], REF["second_order"])
    close_fit(t.loc["one_factor"], REF["one_factor"])
    assert t.loc["first_order", "npar"] == REF["first_order"]["npar"]
    assert t.loc["one_factor", "delta_chi2"] == pytest.approx(REF["one_factor_delta"]["chi2"], rel=1e-4)
    assert t.loc["one_factor", "delta_df"] == REF["one_factor_delta"]["df"]
    # aic in the AMOS form chi2 + 2q (hand computation)
    assert t.loc["one_factor", "aic"] == pytest.approx(REF["one_factor"]["chisq"] + 2 * REF["one_factor"]["npar"], rel=1e-6)
    s = second_order_summary(alternatives)
    assert s["available"] and s["target_coefficient"] == pytest.approx(REF["target_coefficient"], abs=1e-4)


def test_no_second_order_is_stated():
    t = compare_models(standard_candidates(parse_model(FIRST), ITEMS), HS)[0]
    assert "second_order" not in set(t.model)
    s = second_order_summary(t)
    assert s["available"] is False and "no second-order" in s["reason"]


def test_ulmc_matches_lavaan():
    first = parse_model(FIRST)
    one = parse_model("G =~ " + " + ".join(ITEMS))
    mb = method_bias(HS, first, one, harman_first_factor_pct=30.0)
    u = mb["ulmc"]
    assert u["chi2"] == pytest.approx(REF["ulmc"]["chisq"], rel=1e-4)
    assert u["df"] == REF["ulmc"]["df"]
    assert u["cfi"] == pytest.approx(REF["ulmc"]["cfi"], abs=1e-3)
    assert u["rmsea"] == pytest.approx(REF["ulmc"]["rmsea"], abs=1e-3)
    assert u["delta_chi2"] == pytest.approx(REF["ulmc_delta"]["chi2"], rel=1e-4)
    assert u["delta_df"] == 1 and u["p"] == pytest.approx(REF["ulmc_delta"]["p"], rel=1e-3)
    assert abs(u["method_loading"]) == pytest.approx(REF["ulmc_method_loading"], abs=1e-3)
    assert u["method_variance_share"] == pytest.approx(REF["ulmc_method_share"], abs=1e-3)
    assert mb["one_factor"]["chi2"] == pytest.approx(REF["one_factor"]["chisq"], rel=1e-4)


def test_per_construct_and_smc():
    pc = per_construct_fit(HS, {"F": ["x1", "x2", "x3", "x4"], "S": ["x7", "x8", "x9"]})
    assert list(pc.construct) == ["F"]          # 3-item constructs are just identified: left out
    close_fit(pc.iloc[0], REF["per_construct"])
    res = fit_sem(parse_model(FIRST), data=HS)
    smc = item_smc(res.estimates()).set_index("item")["smc"]
    for item, r2 in REF["smc"].items():
        assert smc[item] == pytest.approx(r2, abs=1e-3)


def test_group_tests_match_base_r():
    scores = pd.DataFrame({"visual": HS[["x1", "x2", "x3"]].mean(axis=1),
                           "textual": HS[["x4", "x5", "x6"]].mean(axis=1)})
    levels = {"school": pd.Series(pd.Categorical(HS["school"], ordered=True)),
              "ageyr": pd.Series(pd.Categorical(HS["ageyr"].astype(str), categories=sorted(HS["ageyr"].astype(str).unique(), key=int), ordered=True))}
    means, tests, post = compare_groups(scores, levels)
    tests = tests.set_index(["demographic", "construct", "test"])
    for sc in ("visual", "textual"):
        r = REF["groups"][f"school_{sc}"]
        st = tests.loc[("school", sc, "t_student")]
        # R's t.test(x ~ school) takes the levels alphabetically (Grant-White first), as here
        assert st.statistic == pytest.approx(r["t_student"], rel=1e-6) and st.p == pytest.approx(r["p_student"], rel=1e-6)
        assert st.df1 == pytest.approx(r["df_student"])
        wt = tests.loc[("school", sc, "t_welch")]
        assert wt.statistic == pytest.approx(r["t_welch"], rel=1e-6) and wt.df1 == pytest.approx(r["df_welch"], rel=1e-6)
        assert st.levene_f == pytest.approx(r["levene"]["F"], rel=1e-6)
        assert st.levene_p == pytest.approx(r["levene"]["p"], rel=1e-6)
        r = REF["groups"][f"ageyr_{sc}"]
        a = tests.loc[("ageyr", sc, "anova")]
        assert a.statistic == pytest.approx(r["F"], rel=1e-6) and (a.df1, a.df2) == (r["df1"], r["df2"])
        w = tests.loc[("ageyr", sc, "welch_anova")]
        assert w.statistic == pytest.approx(r["welch_F"], rel=1e-6) and w.df2 == pytest.approx(r["welch_df2"], rel=1e-6)
        assert w.p == pytest.approx(r["welch_p"], rel=1e-5)
        assert a.levene_f == pytest.approx(r["levene"]["F"], rel=1e-6)
        ph = post[(post.demographic == "ageyr") & (post.construct == sc)]
        got = {f"{b}-{a_}": (d, p) for a_, b, d, p in zip(ph.level_a, ph.level_b, ph.mean_diff, ph.p_tukey)}
        for pair, d, p in zip(r["tukey"]["pairs"], r["tukey"]["diff"], r["tukey"]["p"]):
            assert got[pair][0] == pytest.approx(d, abs=1e-9)
            assert got[pair][1] == pytest.approx(p, abs=1e-4)


def test_sobel_aroian_match_hand_computation_on_lavaan_estimates():
    sim = pd.read_csv(HERE / "data" / "mediation_sim.csv")
    model = parse_model("X =~ x1 + x2 + x3\nM =~ m1 + m2 + m3\nY =~ y1 + y2 + y3\nM ~ a*X\nY ~ b*M + c*X\nind := a*b\n")
    res = fit_sem(model, data=sim)
    row = sobel_table(model, res.estimates()).iloc[0]
    r = REF["sobel"]
    for k in ("a", "b", "estimate"):
        assert row[k] == pytest.approx(r[k], abs=1e-3)
    for k in ("se_a", "se_b", "se_sobel", "se_aroian"):
        assert row[k] == pytest.approx(r[k], rel=0.01)
    for k in ("z_sobel", "z_aroian"):
        assert row[k] == pytest.approx(r[k], rel=0.01)


def test_controls_match_lavaan():
    from clusterup.io.config import Codebook
    from clusterup.structural.controls import apply_controls

    ref = json.loads((HERE / "values" / "examiner_controls.json").read_text())
    cb = Codebook(0, 10, [], {}, {}, {"school": {"label": "School", "categories": {"Grant-White": "Grant-White",
                                                                                    "Pasteur": "Pasteur"}},
                                      "ageyr": {"label": "Age", "categories": {}}})
    data = HS.astype({"school": str, "ageyr": str})
    model = parse_model("visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\ntextual ~ visual\n")
    aug, d2, info = apply_controls(model, data, [{"variable": "school", "reference": "Grant-White"},
                                                 {"variable": "ageyr"}], cb)
    assert info.columns == {"school": ["school_Pasteur"], "ageyr": ["ageyr"]}
    assert info.reference["school"] == "Grant-White"
    res = fit_sem(aug, data=d2)
    assert res.chi2 == pytest.approx(ref["chisq"], rel=1e-4) and res.df == ref["df"]
    est = res.estimates()
    reg = est[est.op == "~"].set_index("rhs")
    for rhs, e, se in zip(ref["rhs"], ref["est"], ref["se"]):
        assert reg.loc[rhs, "est"] == pytest.approx(e, abs=1e-3)
        assert reg.loc[rhs, "se"] == pytest.approx(se, rel=0.01)
