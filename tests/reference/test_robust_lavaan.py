"""Robust ML (MLM = Satorra–Bentler, MLR = Huber–White + Yuan–Bentler Mplus) against lavaan 0.6.14.

Values: values/lavaan_robust.json (r/lavaan_robust.R), lavaan's default normal likelihood, compared
with our ``likelihood="normal"``.  Tolerances (issue 11): estimates 1e-3, SEs 1 %, scaled χ² and
scaling factors 1e-3 relative, robust/scaled CFI, TLI, RMSEA 1e-3.
"""
import numpy as np
import pandas as pd
import pytest

from clusterup.estimation.robust import fit_robust
from clusterup.estimation.syntax import parse_model

CASES = [("hs", "holzinger1939", "mlm"), ("hs", "holzinger1939", "mlr"),
         ("polidem", "politicaldemocracy", "mlm"), ("polidem", "politicaldemocracy", "mlr")]


@pytest.fixture(scope="module")
def fits(ref):
    vals = ref.values("lavaan_robust")
    out = {}
    for name, data, method in CASES:
        df = ref.data(data)
        out[(name, method)] = (fit_robust(parse_model(vals["models"][name]), df, method, likelihood="normal"),
                               vals[f"{name}_{method}"])
    return out


@pytest.mark.parametrize("name,data,method", CASES)
def test_estimates_and_robust_se(fits, name, data, method):
    res, r = fits[(name, method)]
    assert r["converged"] is True
    est = res.estimates()
    pe = pd.DataFrame(r["parameterEstimates"])
    m = est.merge(pe, on=["lhs", "op", "rhs"], suffixes=("", "_r"))
    assert len(m) == len(pe)
    assert np.max(np.abs(m.est - m.est_r)) <= 1e-3
    free = m[m.se_r > 0]
    assert len(free) >= 21
    rel = np.abs(free.se / free.se_r - 1)
    assert rel.max() <= 0.01, free.loc[rel.idxmax(), ["lhs", "op", "rhs", "se", "se_r"]].to_dict()
    # := parameter (delta method on the robust vcov)
    if name == "polidem":
        d = m[m.op == ":="]
        assert len(d) == 1 and abs(d.se.iloc[0] / d.se_r.iloc[0] - 1) <= 0.01


@pytest.mark.parametrize("name,data,method", CASES)
def test_scaled_test_and_indices(fits, name, data, method):
    res, r = fits[(name, method)]
    fm, t = r["fitMeasures"], res.test
    assert t["df"] == fm["df"]
    assert abs(t["chi2"] / fm["chisq"] - 1) <= 1e-4
    assert abs(t["chi2_scaled"] / fm["chisq.scaled"] - 1) <= 1e-3
    assert abs(t["scaling_factor"] / fm["chisq.scaling.factor"] - 1) <= 1e-3
    assert abs(t["baseline_scaling_factor"] / fm["baseline.chisq.scaling.factor"] - 1) <= 1e-3
    assert abs(t["p_scaled"] - fm["pvalue.scaled"]) <= 1e-3
    kind = "robust" if method == "mlr" else "scaled"
    for k in ("cfi", "tli", "rmsea"):
        assert abs(t[k] - fm[f"{k}.{kind}"]) <= 1e-3, k


@pytest.mark.parametrize("method", ["mlm", "mlr"])
def test_scaled_difference_test(ref, method):
    """Satorra–Bentler (2001) scaled Δχ² against lavTestLRT(method = "satorra.bentler.2001")."""
    from clusterup.structural.sensitivity import satorra_bentler_2001

    vals = ref.values("lavaan_robust")
    df = ref.data("politicaldemocracy")
    free = fit_robust(parse_model(vals["models"]["polidem"]), df, method, likelihood="normal").test
    restr = fit_robust(parse_model(vals["models"]["polidem_0"]), df, method, likelihood="normal").test
    t = satorra_bentler_2001(restr["chi2"], restr["df"], restr["scaling_factor"],
                             free["chi2"], free["df"], free["scaling_factor"])
    r = vals[f"polidem_sb2001_{method}"]
    assert t["df_diff"] == r["df_diff"] == 1
    assert abs(t["chi2_diff"] / r["chisq_diff"] - 1) <= 1e-3
    assert abs(t["p"] - r["p"]) <= 1e-3
