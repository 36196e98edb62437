"""Latent mediation model on the simulated data against lavaan 0.6.14 (values/lavaan_mediation.json).

X -> M -> Y with a direct path; ``ind := a*b`` and ``total := c + a*b`` with delta-method SEs and
standardized values; the nested test of c = 0.  Bootstrap intervals on lavaan's own draws are in
test_ci_arithmetic.py, fit indices in test_fit_indices.py.
"""
import pytest

KEY = ["a", "b", "c", "ind", "total"]


@pytest.mark.parametrize("likelihood", ["normal", "wishart"])
def test_parameter_estimates(ref, likelihood):
    """All rows, including the := rows (est, delta SE, std_all)."""
    c = ref.case(f"mediation-{likelihood}")
    assert c.ref["converged"] is True
    bad = ref.compare_estimates(ref.fit_case(c.id).estimates(), c.ref["parameterEstimates"])
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("likelihood", ["normal", "wishart"])
@pytest.mark.parametrize("name", KEY)
def test_key_effects(ref, likelihood, name):
    """a, b, c and the defined ind / total: est 1e-3, SE (delta method for :=) 1 %, std_all 1e-3, p 1e-3."""
    c = ref.case(f"mediation-{likelihood}")
    k = c.ref["key"][name]
    est = ref.fit_case(c.id).estimates()
    if name in ("ind", "total"):
        row = est[(est.op == ":=") & (est.lhs == name)]
    else:
        row = est[(est.label == name) & (est.op == "~")]
    assert len(row) == 1
    r = row.iloc[0]
    assert abs(r.est - k["est"]) <= ref.TOL_EST
    assert abs(r.se / k["se"] - 1) <= ref.TOL_SE_REL
    assert abs(r.std_all - k["std_all"]) <= ref.TOL_EST
    assert abs(r.p - k["pvalue"]) <= ref.TOL_EST


@pytest.mark.parametrize("likelihood", ["normal", "wishart"])
def test_defined_parameters_are_functions_of_labels(ref, likelihood):
    """ind = a·b and total = c + a·b exactly, raw and standardized (lavaan std_all of := is the same)."""
    est = ref.fit_case(f"mediation-{likelihood}").estimates()
    val = {r.label: r for r in est[est.label.isin(KEY)].itertuples()}
    assert val["ind"].est == pytest.approx(val["a"].est * val["b"].est, abs=1e-12)
    assert val["total"].est == pytest.approx(val["c"].est + val["a"].est * val["b"].est, abs=1e-12)
    assert val["ind"].std_all == pytest.approx(val["a"].std_all * val["b"].std_all, abs=1e-12)


@pytest.mark.parametrize("likelihood", ["normal", "wishart"])
@pytest.mark.parametrize("how", ["fix_paths_to_zero", "syntax_0*"])
def test_nested_lrt_direct_effect_zero(ref, likelihood, how):
    """lavTestLRT(fit0, fit1) for Y ~ 0*X: χ² of both models, Δχ², Δdf, p."""
    from clusterup.structural.mediation import nested_test

    med = ref.values("lavaan_mediation")
    lrt = med["lrt_direct_zero"][likelihood]
    free = ref.fitted(med["model"], "mediation_sim", likelihood)
    if how == "fix_paths_to_zero":
        restricted = ref.fitted(med["model"], "mediation_sim", likelihood, ("Y ~ X",))
    else:
        restricted = ref.fitted(med["model_c0"], "mediation_sim", likelihood)
    assert abs(free.chi2 / lrt["chisq_free"] - 1) <= ref.TOL_CHI2_REL
    assert abs(restricted.chi2 / lrt["chisq_restricted"] - 1) <= ref.TOL_CHI2_REL
    assert (free.df, restricted.df) == (lrt["df_free"], lrt["df_restricted"])
    t = nested_test(restricted.chi2, restricted.df, free.chi2, free.df)
    assert abs(t["chi2_diff"] - lrt["chisq_diff"]) <= ref.TOL_EST
    assert t["df_diff"] == lrt["df_diff"] == 1
    assert abs(t["p"] - lrt["p_value"]) <= ref.TOL_EST


def test_bootstrap_point_estimates_match_ml(ref):
    """The bootstrap run's point estimates (wishart ML) equal our wishart estimates (1e-3)."""
    draws = ref.values("lavaan_mediation_boot_draws")
    est = ref.fit_case("mediation-wishart").estimates()
    ours = {r.label: r.est for r in est[est.label.isin(KEY)].itertuples()}
    for name in KEY:
        assert abs(ours[name] - draws["est"][name]) <= ref.TOL_EST, name
