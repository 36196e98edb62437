"""WLSMV (ordinal items, delta parameterization) against lavaan 0.6.14 ``estimator = "WLSMV"``.

Data and values: r/lavaan_wlsmv.R (simulated five-category skewed items, seven first-order
factors, a second-order factor, a mediation with ``:=`` effects, N = 300; the models fit with
deliberate misfit so that the scaled indices are informative).  Tolerances (issue 11): estimates
and std_all 2e-3, SEs 2 %, scaled χ², scaling factors and the DIFFTEST 1 %, fit indices 1e-3.
"""
import numpy as np
import pandas as pd
import pytest

from clusterup.estimation.syntax import parse_model
from clusterup.estimation.wlsmv import difftest, fit_wlsmv, wlsmv_unavailable


@pytest.fixture(scope="module")
def fits(ref):
    vals = ref.values("lavaan_wlsmv")
    data = ref.data("wlsmv_sim")
    sem = fit_wlsmv(parse_model(vals["models"]["sem"]), data)
    out = {"sem": sem, "vals": vals}
    for name in ("cfa", "nested"):
        out[name] = fit_wlsmv(parse_model(vals["models"][name]), data, moments=sem.moments)
    return out


def test_sample_statistics(fits):
    r = fits["vals"]["sem"]
    m = fits["sem"].moments
    assert m.items == r["polychoric"]["rownames"] and m.n == 300
    np.testing.assert_allclose(m.R, np.array(r["polychoric"]["data"]), atol=1e-6)
    np.testing.assert_allclose(m.th, r["th"], atol=1e-8)
    # lavInspect(fit, "gamma") is the N-scaled NACOV without the n/(n − 1) factor of the fit
    np.testing.assert_allclose(np.diag(m.nacov), r["nacov_diag"], rtol=1e-5)


@pytest.mark.parametrize("model", ["sem", "cfa", "nested"])
def test_estimates_se_std_all(fits, model):
    r = fits["vals"][model]
    assert r["converged"] is True and r["options"]["parameterization"] == "delta"
    est = fits[model].estimates()
    pe = pd.DataFrame(r["parameterEstimates"])
    pe = pe[pe.op.isin(["=~", "~", "~~", "|", ":="])]
    key = np.where(est.op == ":=", "", est.rhs)
    est = est.assign(key=key)
    pe = pe.assign(key=np.where(pe.op == ":=", "", pe.rhs))
    m = est.merge(pe, on=["lhs", "op", "key"], suffixes=("", "_r"))
    assert len(m) == len(pe) == len(est)
    assert np.max(np.abs(m.est - m.est_r)) <= 2e-3
    assert np.max(np.abs(m.std_all - m.std_all_r)) <= 2e-3
    free = m[m.se_r > 0]
    assert len(free) >= 100 and free.op.eq("|").sum() == 84
    rel = np.abs(free.se / free.se_r - 1)
    assert rel.max() <= 0.02, free.loc[rel.idxmax(), ["lhs", "op", "rhs", "se", "se_r"]].to_dict()
    # item residual variances are derived (lavaan: se 0), not free parameters
    derived = m[(m.op == "~~") & (m.lhs == m.rhs) & m.lhs.isin(fits[model].moments.items)]
    assert len(derived) == 21 and (derived.se_r == 0).all() and not derived.free.any()
    if model == "sem":
        d = m[m.op == ":="]
        assert len(d) == 3 and np.max(np.abs(d.se / d.se_r - 1)) <= 0.02


@pytest.mark.parametrize("model", ["sem", "cfa", "nested"])
def test_scaled_shifted_test_and_indices(fits, model):
    fm, t = fits["vals"][model]["fitMeasures"], fits[model].test
    assert t["df"] == fm["df"]
    assert abs(t["chi2"] / fm["chisq"] - 1) <= 1e-3
    for ours, theirs in [("chi2_scaled", "chisq.scaled"), ("scaling_factor", "chisq.scaling.factor"),
                         ("baseline_chi2", "baseline.chisq"), ("baseline_chi2_scaled", "baseline.chisq.scaled"),
                         ("baseline_scaling_factor", "baseline.chisq.scaling.factor")]:
        assert abs(t[ours] / fm[theirs] - 1) <= 0.01, ours
    assert abs(t["p_scaled"] - fm["pvalue.scaled"]) <= 1e-3
    for k in ("cfi", "tli", "rmsea"):
        assert abs(t[k] - fm[f"{k}.scaled"]) <= 1e-3, k
    assert abs(t["srmr"] - fm["srmr"]) <= 1e-3
    assert fm["cfi.scaled"] < 0.99 and fm["rmsea.scaled"] > 0.02    # the indices are not at their bounds


def test_difftest_matches_lavtestlrt(fits):
    d, r = difftest(fits["sem"], fits["nested"]), fits["vals"]["difftest"]
    assert d["df_diff"] == r["df_diff"] == 3
    assert abs(d["chi2_diff"] / r["chisq_diff"] - 1) <= 0.01
    assert abs(d["p"] - r["p_value"]) <= 1e-3


def test_unavailable_reasons(ref):
    data = ref.data("wlsmv_sim")
    items = list(data.columns)
    assert wlsmv_unavailable(data, items, 40) is None
    cont = data.assign(NSC1=data.NSC1 + 0.5)
    assert "NSC1" in wlsmv_unavailable(cont, items) and "non-integer" in wlsmv_unavailable(cont, items)
    const = data.assign(TIE2=3)
    assert "TIE2" in wlsmv_unavailable(const, items) and "fewer than 2 observed categories" in wlsmv_unavailable(const, items)
    few = data.head(30)
    assert "complete rows" in wlsmv_unavailable(few, items, 40)
    with pytest.raises(ValueError, match="residual variance of NSC1"):
        fit_wlsmv(parse_model("NSC =~ NSC1 + NSC2 + NSC3\nNSC1 ~~ 0.3*NSC1"), data)
    with pytest.raises(ValueError, match="non-integer"):
        fit_wlsmv(parse_model(ref.values("lavaan_wlsmv")["models"]["cfa"]), cont)
