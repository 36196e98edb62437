"""PoliticalDemocracy SEM (lavaan tutorial model) against lavaan 0.6.14 (values/lavaan_sem_polidem.json).

Labelled (equality-constrained loadings) and free versions, both likelihood conventions; R²; the
nested likelihood-ratio test of fixing dem65 ~ ind60 to zero.  Fit indices: test_fit_indices.py;
modification indices: test_modindices.py.
"""
import pytest
from scipy import stats

from clusterup.structural.mediation import nested_test

POL_CASES = ["polidem_labelled-normal", "polidem_labelled-wishart",
             "polidem_free-normal", "polidem_free-wishart"]


@pytest.mark.parametrize("case_id", POL_CASES)
def test_parameter_estimates(ref, case_id):
    c = ref.case(case_id)
    assert c.ref["converged"] is True
    bad = ref.compare_estimates(ref.fit_case(case_id).estimates(), c.ref["parameterEstimates"])
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("case_id", POL_CASES)
def test_rsquare(ref, case_id):
    """R² of the 11 indicators and the endogenous factors dem60, dem65 (1e-3)."""
    c = ref.case(case_id)
    assert {"dem60", "dem65"} <= set(c.ref["rsquare"])
    bad = ref.compare_rsquare(ref.fit_case(case_id), c.ref["rsquare"])
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("likelihood", ["normal", "wishart"])
def test_equality_constraints(ref, likelihood):
    """Labels a, b, c tie dem60's and dem65's loadings, as in lavaan."""
    est = ref.fit_case(f"polidem_labelled-{likelihood}").estimates()
    for lab, pair in {"a": ("y2", "y6"), "b": ("y3", "y7"), "c": ("y4", "y8")}.items():
        rows = est[(est.op == "=~") & (est.label == lab)]
        assert sorted(rows.rhs) == sorted(pair)
        assert rows.est.iloc[0] == rows.est.iloc[1]


@pytest.mark.parametrize("likelihood", ["normal", "wishart"])
@pytest.mark.parametrize("how", ["fix_paths_to_zero", "syntax_0*"])
def test_nested_lrt_dem65_ind60(ref, likelihood, how):
    """lavTestLRT(fit0, fit1): χ² of both models, Δχ², Δdf and p."""
    pol = ref.values("lavaan_sem_polidem")
    lrt = pol["lrt_free_vs_dem65_ind60_zero"][likelihood]
    free = ref.fitted(pol["models"]["free"], "politicaldemocracy", likelihood)
    if how == "fix_paths_to_zero":
        restricted = ref.fitted(pol["models"]["free"], "politicaldemocracy", likelihood, ("dem65 ~ ind60",))
    else:
        restricted = ref.fitted(pol["models"]["free_dem65_ind60_zero"], "politicaldemocracy", likelihood)
    assert abs(free.chi2 / lrt["chisq_free"] - 1) <= ref.TOL_CHI2_REL
    assert abs(restricted.chi2 / lrt["chisq_restricted"] - 1) <= ref.TOL_CHI2_REL
    assert (free.df, restricted.df) == (lrt["df_free"], lrt["df_restricted"])
    t = nested_test(restricted.chi2, restricted.df, free.chi2, free.df)
    assert abs(t["chi2_diff"] - lrt["chisq_diff"]) <= ref.TOL_EST
    assert t["df_diff"] == lrt["df_diff"] == 1
    assert abs(t["p"] - lrt["p_value"]) <= ref.TOL_EST
    # the restricted path is really fixed at 0
    est = restricted.estimates()
    row = est[(est.op == "~") & (est.lhs == "dem65") & (est.rhs == "ind60")]
    assert len(row) == 1 and row.est.iloc[0] == 0.0 and not bool(row.free.iloc[0])


@pytest.mark.parametrize("likelihood", ["normal", "wishart"])
def test_nested_test_arithmetic_on_lavaan_numbers(ref, likelihood):
    """nested_test on lavaan's own χ² values reproduces lavaan's Δχ² and p (hand: χ²₁ survival)."""
    lrt = ref.values("lavaan_sem_polidem")["lrt_free_vs_dem65_ind60_zero"][likelihood]
    t = nested_test(lrt["chisq_restricted"], lrt["df_restricted"], lrt["chisq_free"], lrt["df_free"])
    d = lrt["chisq_restricted"] - lrt["chisq_free"]
    assert t["chi2_diff"] == pytest.approx(d, abs=1e-12)
    assert t["chi2_diff"] == pytest.approx(lrt["chisq_diff"], abs=1e-9)
    assert t["p"] == pytest.approx(stats.chi2.sf(d, 1), abs=1e-12)
    assert t["p"] == pytest.approx(lrt["p_value"], abs=1e-9)
