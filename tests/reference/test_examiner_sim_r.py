"""The examiner's analyses on a simulated thesis-like survey (5-point items, 3 correlated exogenous
factors, a second-order factor, demographics with 2 and 3 levels and blank cells) against lavaan and
base R: tests/reference/r/examiner_sim.R -> data/thesis_like_sim.csv, values/examiner_sim.json."""
import json
from pathlib import Path

import pandas as pd
import pytest

from clusterup.estimation.sem import fit_sem
from clusterup.estimation.syntax import parse_model
from clusterup.measurement.alternatives import (compare_models, item_smc, per_construct_fit,
                                                second_order_summary, standard_candidates)
from clusterup.measurement.groups import compare_groups
from clusterup.measurement.method_bias import method_bias
from clusterup.structural.sobel import sobel_table

HERE = Path(__file__).resolve().parent
REF = json.loads((HERE / "values" / "examiner_sim.json").read_text())
SIM = pd.read_csv(HERE / "data" / "thesis_like_sim.csv")
ITEMS = [f"a{i}" for i in range(1, 5)] + [f"b{i}" for i in range(1, 5)] + [f"{c}{i}" for c in "cmy" for i in range(1, 4)]
FIRST = ("A =~ a1 + a2 + a3 + a4\nB =~ b1 + b2 + b3 + b4\nC =~ c1 + c2 + c3\nM =~ m1 + m2 + m3\n"
         "Y =~ y1 + y2 + y3\n")
DATA = SIM[ITEMS].astype(float)


def close_fit(row, ref):
    assert row["chi2"] == pytest.approx(ref["chisq"], rel=1e-4)
    assert row["df"] == ref["df"]
    for k in ("cfi", "tli", "rmsea", "srmr"):
        assert row[k] == pytest.approx(ref[k], abs=1e-3), k


def test_alternatives():
    model = parse_model(FIRST + "H =~ A + B + C\nM ~ A + B + C\nY ~ M + A\n")
    t = compare_models(standard_candidates(model, ITEMS), DATA, likelihood="wishart")[0].set_index("model")
    for m in ("first_order", "second_order", "one_factor"):
        close_fit(t.loc[m], REF[m])
        assert t.loc[m, "npar"] == REF[m]["npar"]
    for m in ("one_factor", "second_order"):
        d = REF[f"{m}_delta"]
        assert t.loc[m, "delta_chi2"] == pytest.approx(d["chi2"], rel=1e-4)
        assert t.loc[m, "delta_df"] == d["df"] and t.loc[m, "p_delta"] == pytest.approx(d["p"], rel=1e-3)
    s = second_order_summary(t.reset_index())
    assert s["target_coefficient"] == pytest.approx(REF["target_coefficient"], abs=1e-4)


def test_method_bias_and_item_detail():
    mb = method_bias(DATA, parse_model(FIRST), parse_model("G =~ " + " + ".join(ITEMS)), harman_first_factor_pct=20.0)
    u = mb["ulmc"]
    assert u["chi2"] == pytest.approx(REF["ulmc"]["chisq"], rel=1e-4) and u["df"] == REF["ulmc"]["df"]
    assert u["cfi"] == pytest.approx(REF["ulmc"]["cfi"], abs=1e-3)
    assert u["rmsea"] == pytest.approx(REF["ulmc"]["rmsea"], abs=1e-3)
    assert u["delta_chi2"] == pytest.approx(REF["ulmc_delta"]["chi2"], abs=1e-3)
    assert abs(u["method_loading"]) == pytest.approx(abs(REF["ulmc_method_loading"]), abs=1e-3)
    assert u["method_variance_share"] == pytest.approx(REF["ulmc_method_share"], abs=1e-3)
    assert mb["one_factor"]["chi2"] == pytest.approx(REF["one_factor"]["chisq"], rel=1e-4)
    pc = per_construct_fit(DATA, {"A": ITEMS[:4], "B": ITEMS[4:8], "C": ITEMS[8:11]}).set_index("construct")
    assert list(pc.index) == ["A", "B"]                      # C has 3 items: just identified
    for c in ("A", "B"):
        close_fit(pc.loc[c], REF["per_construct"][c])
    smc = item_smc(fit_sem(parse_model(FIRST), data=DATA).estimates()).set_index("item")["smc"]
    for item, r2 in REF["smc"].items():
        assert smc[item] == pytest.approx(r2, abs=1e-3)


def _levels(col):
    x = SIM[col]
    cats = sorted(str(int(v)) for v in x.dropna().unique())
    return pd.Series(pd.Categorical(x.map(lambda v: None if pd.isna(v) else str(int(v))), categories=cats, ordered=True))


def test_group_tests_with_blank_cells():
    scores = pd.DataFrame({"A": SIM[ITEMS[:4]].mean(axis=1), "M": SIM[["m1", "m2", "m3"]].mean(axis=1)})
    means, tests, post = compare_groups(scores, {"gender": _levels("gender"), "size": _levels("size")})
    tests = tests.set_index(["demographic", "construct", "test"])
    for sc in ("A", "M"):
        r = REF["groups"][f"gender_{sc}"]
        st, wt = tests.loc[("gender", sc, "t_student")], tests.loc[("gender", sc, "t_welch")]
        assert st.statistic == pytest.approx(r["t_student"], rel=1e-6) and st.df1 == pytest.approx(r["df_student"])
        assert st.p == pytest.approx(r["p_student"], rel=1e-6)
        assert wt.statistic == pytest.approx(r["t_welch"], rel=1e-6) and wt.df1 == pytest.approx(r["df_welch"], rel=1e-6)
        assert wt.p == pytest.approx(r["p_welch"], rel=1e-6)
        assert st.levene_f == pytest.approx(r["levene"]["F"], rel=1e-6) and st.levene_p == pytest.approx(r["levene"]["p"], rel=1e-6)
        r = REF["groups"][f"size_{sc}"]
        a, w = tests.loc[("size", sc, "anova")], tests.loc[("size", sc, "welch_anova")]
        assert a.statistic == pytest.approx(r["F"], rel=1e-6) and (a.df1, a.df2) == (r["df1"], r["df2"])
        assert a.p == pytest.approx(r["p"], rel=1e-6)
        assert w.statistic == pytest.approx(r["welch_F"], rel=1e-6) and w.df2 == pytest.approx(r["welch_df2"], rel=1e-6)
        assert w.p == pytest.approx(r["welch_p"], rel=1e-5)
        assert a.levene_f == pytest.approx(r["levene"]["F"], rel=1e-6)
        ph = post[(post.demographic == "size") & (post.construct == sc)]
        got = {f"{b}-{a_}": (d, p) for a_, b, d, p in zip(ph.level_a, ph.level_b, ph.mean_diff, ph.p_tukey)}
        for pair, d, p in zip(r["tukey"]["pairs"], r["tukey"]["diff"], r["tukey"]["p"]):
            assert got[pair][0] == pytest.approx(d, abs=1e-9) and got[pair][1] == pytest.approx(p, abs=1e-4)
    n = means[(means.demographic == "gender") & (means.construct == "A")]["n"].sum()
    assert n == REF["n"] - 3                                # the 3 blank gender cells are left out


def test_sobel_aroian():
    model = parse_model(FIRST + "M ~ a1*A + a2*B + a3*C\nY ~ b*M + A\nind_a := a1*b\nind_b := a2*b\n")
    t = sobel_table(model, fit_sem(model, data=DATA).estimates()).set_index("effect")
    for eff, lab in (("ind_a", "a1"), ("ind_b", "a2")):
        r, row = REF["sobel"][lab], t.loc[eff]
        for k in ("a", "b", "estimate"):
            assert row[k] == pytest.approx(r[k], abs=1e-3)
        for k in ("se_a", "se_b", "se_sobel", "se_aroian", "z_sobel", "z_aroian"):
            assert row[k] == pytest.approx(r[k], rel=0.01)
