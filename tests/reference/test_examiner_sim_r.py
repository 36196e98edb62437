"""The examiner's analyses on a simulated thesis-like survey against lavaan and base R
(tests/reference/r/examiner_sim.R -> data/examiner_sim.csv, values/examiner_sim.json): three correlated
exogenous factors, a mediator, a second-order outcome, 5-point items, demographics with 2 and 3 levels
and a few blank demographic cells. Tolerances as SPEC §6 (χ² rel 1e-4, indices 1e-3, SE rel 1 %)."""
import json
from pathlib import Path

import pandas as pd
import pytest

from clusterup.estimation.sem import fit_sem
from clusterup.estimation.syntax import parse_model
from clusterup.measurement.alternatives import compare_models, per_construct_fit, second_order_summary, standard_candidates
from clusterup.measurement.groups import compare_groups
from clusterup.measurement.method_bias import method_bias
from clusterup.structural.sobel import sobel_table

HERE = Path(__file__).resolve().parent
REF = json.loads((HERE / "values" / "examiner_sim.json").read_text())
SIM = pd.read_csv(HERE / "data" / "examiner_sim.csv", dtype={"gender": str, "size": str})
BLOCKS = {"A": ["a1", "a2", "a3", "a4"], "B": ["b1", "b2", "b3", "b4"], "C": ["c1", "c2", "c3"],
          "M": ["m1", "m2", "m3", "m4"], "Y1": ["y1", "y2", "y3"], "Y2": ["y4", "y5", "y6"], "Y3": ["y7", "y8", "y9"]}
ITEMS = [i for b in BLOCKS.values() for i in b]
FIRST = "".join(f"{f} =~ {' + '.join(its)}\n" for f, its in BLOCKS.items())
SECOND = FIRST + "Y =~ Y1 + Y2 + Y3\n"
SEM = SECOND + "M ~ a*A + B + C\nY ~ b*M + A\nind := a*b\n"


def close_fit(row, ref):
    assert row["chi2"] == pytest.approx(ref["chisq"], rel=1e-4)
    assert row["df"] == ref["df"]
    for k in ("cfi", "tli", "rmsea", "srmr"):
        assert row[k] == pytest.approx(ref[k], abs=1e-3), k


def test_blank_cells_are_in_the_data():
    assert SIM["size"].isna().sum() == 3 and SIM["gender"].isna().sum() == 1 and len(SIM) == REF["n"]


def test_alternatives_and_delta_chi2():
    t = compare_models(standard_candidates(parse_model(SEM), ITEMS), SIM[ITEMS], likelihood="wishart")[0]
    t = t.set_index("model")
    for m in ("first_order", "second_order", "one_factor"):
        close_fit(t.loc[m], REF[m])
        assert t.loc[m, "npar"] == REF[m]["npar"]
    for m in ("second_order", "one_factor"):
        d = REF[f"{m}_delta"]
        assert t.loc[m, "delta_chi2"] == pytest.approx(d["chi2"], rel=1e-3, abs=1e-3)
        assert t.loc[m, "delta_df"] == d["df"]
    s = second_order_summary(t.reset_index())
    assert s["target_coefficient"] == pytest.approx(REF["target_coefficient"], abs=1e-4)


def test_ulmc_and_one_factor_method_bias():
    mb = method_bias(SIM[ITEMS], parse_model(FIRST), parse_model("G =~ " + " + ".join(ITEMS)),
                     harman_first_factor_pct=30.0)
    u = mb["ulmc"]
    assert u["chi2"] == pytest.approx(REF["ulmc"]["chisq"], rel=1e-4) and u["df"] == REF["ulmc"]["df"]
    assert u["cfi"] == pytest.approx(REF["ulmc"]["cfi"], abs=1e-3)
    assert u["rmsea"] == pytest.approx(REF["ulmc"]["rmsea"], abs=1e-3)
    assert u["delta_chi2"] == pytest.approx(REF["ulmc_delta"]["chi2"], abs=1e-3)
    assert abs(u["method_loading"]) == pytest.approx(REF["ulmc_method_loading"], abs=1e-3)
    assert u["method_variance_share"] == pytest.approx(REF["ulmc_method_share"], abs=1e-3)
    assert mb["one_factor"]["chi2"] == pytest.approx(REF["one_factor"]["chisq"], rel=1e-4)


def test_per_construct_cfa():
    pc = per_construct_fit(SIM[ITEMS], BLOCKS).set_index("construct")
    assert sorted(pc.index) == ["A", "B", "M"]          # constructs with 4+ items
    for f in ("A", "B", "M"):
        close_fit(pc.loc[f], REF["per_construct"][f])


def test_group_tests_with_blank_cells():
    scores = pd.DataFrame({"A": SIM[BLOCKS["A"]].mean(axis=1), "M": SIM[BLOCKS["M"]].mean(axis=1)})
    levels = {"gender": pd.Series(pd.Categorical(SIM["gender"], categories=["1", "2"], ordered=True)),
              "size": pd.Series(pd.Categorical(SIM["size"], categories=["1", "2", "3"], ordered=True))}
    means, tests, post = compare_groups(scores, levels)
    tests = tests.set_index(["demographic", "construct", "test"])
    for sc in ("A", "M"):
        r = REF["groups"][f"gender_{sc}"]
        st = tests.loc[("gender", sc, "t_student")]
        assert st.statistic == pytest.approx(r["t_student"], rel=1e-6) and st.p == pytest.approx(r["p_student"], rel=1e-6)
        assert st.df1 == pytest.approx(r["df_student"])
        wt = tests.loc[("gender", sc, "t_welch")]
        assert wt.statistic == pytest.approx(r["t_welch"], rel=1e-6) and wt.df1 == pytest.approx(r["df_welch"], rel=1e-6)
        assert wt.p == pytest.approx(r["p_welch"], rel=1e-5)
        assert st.levene_f == pytest.approx(r["levene"]["F"], rel=1e-6) and st.levene_p == pytest.approx(r["levene"]["p"], rel=1e-6)
        r = REF["groups"][f"size_{sc}"]
        a = tests.loc[("size", sc, "anova")]
        assert a.statistic == pytest.approx(r["F"], rel=1e-6) and (a.df1, a.df2) == (r["df1"], r["df2"])
        assert a.p == pytest.approx(r["p"], rel=1e-5)
        w = tests.loc[("size", sc, "welch_anova")]
        assert w.statistic == pytest.approx(r["welch_F"], rel=1e-6) and w.df2 == pytest.approx(r["welch_df2"], rel=1e-6)
        assert w.p == pytest.approx(r["welch_p"], rel=1e-5)
        assert a.levene_f == pytest.approx(r["levene"]["F"], rel=1e-6)
        ph = post[(post.demographic == "size") & (post.construct == sc)]
        got = {f"{b}-{a_}": (d, p) for a_, b, d, p in zip(ph.level_a, ph.level_b, ph.mean_diff, ph.p_tukey)}
        for pair, d, p in zip(r["tukey"]["pairs"], r["tukey"]["diff"], r["tukey"]["p"]):
            assert got[pair][0] == pytest.approx(d, abs=1e-9)
            assert got[pair][1] == pytest.approx(p, abs=1e-4)


def test_sobel_aroian_in_the_second_order_model():
    model = parse_model(SEM)
    res = fit_sem(model, data=SIM[ITEMS])
    row = sobel_table(model, res.estimates()).iloc[0]
    r = REF["sobel"]
    for k in ("a", "b", "estimate"):
        assert row[k] == pytest.approx(r[k], abs=1e-3)
    for k in ("se_a", "se_b", "se_sobel", "se_aroian", "z_sobel", "z_aroian"):
        assert row[k] == pytest.approx(r[k], rel=0.01), k
    for k in ("p_sobel", "p_aroian"):
        assert row[k] == pytest.approx(r[k], rel=0.05), k
