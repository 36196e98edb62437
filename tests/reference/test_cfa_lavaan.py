"""HolzingerSwineford1939 CFA against lavaan 0.6.14 (values/lavaan_cfa_hs.json).

Covers the 3-factor CFA under both likelihood conventions, the variant with a residual covariance
and equality-labelled loadings, and the three one-factor models.  Fit indices of these fits are
checked in test_fit_indices.py, modification indices in test_modindices.py, ω / HTMT / convergent
validity in test_validity.py.
"""
import numpy as np
import pytest

HS_CASES = ["hs_cfa-normal", "hs_cfa-wishart", "hs_variant-normal"]


@pytest.mark.parametrize("case_id", HS_CASES)
def test_parameter_estimates(ref, case_id):
    """est within 1e-3, se within 1 %, std_all within 1e-3, same rows, labels and free/fixed status."""
    c = ref.case(case_id)
    assert c.ref["converged"] is True
    res = ref.fit_case(case_id)
    bad = ref.compare_estimates(res.estimates(), c.ref["parameterEstimates"])
    assert not bad, "\n".join(bad)


def test_equality_labels_hold(ref):
    """The variant's shared label a makes x5 and x6 loadings identical, as in lavaan."""
    c = ref.case("hs_variant-normal")
    est = ref.fit_case("hs_variant-normal").estimates()
    a = est[(est.op == "=~") & (est.label == "a")]
    assert sorted(a.rhs) == ["x5", "x6"]
    assert a.est.iloc[0] == a.est.iloc[1]
    lav = [r["est"] for r in c.ref["parameterEstimates"] if r["label"] == "a"]
    assert len(lav) == 2 and abs(a.est.iloc[0] - lav[0]) <= ref.TOL_EST
    # the residual covariance is in the model and free
    rc = est[(est.op == "~~") & (est.lhs.isin(["x7", "x8"])) & (est.rhs.isin(["x7", "x8"])) & (est.lhs != est.rhs)]
    assert len(rc) == 1 and bool(rc.free.iloc[0])


@pytest.mark.parametrize("likelihood", ["normal", "wishart"])
def test_rsquare(ref, likelihood):
    res = ref.fit_case(f"hs_cfa-{likelihood}")
    bad = ref.compare_rsquare(res, ref.case(f"hs_cfa-{likelihood}").ref["rsquare"])
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("likelihood", ["normal", "wishart"])
def test_latent_correlations_equal_lavaan_std_all(ref, likelihood):
    """Factor correlations = lavaan std_all of the latent covariances (1e-3)."""
    c = ref.case(f"hs_cfa-{likelihood}")
    R = ref.fit_case(c.id).latent_correlations()
    latent = {"visual", "textual", "speed"}
    rows = [r for r in c.ref["parameterEstimates"]
            if r["op"] == "~~" and r["lhs"] in latent and r["rhs"] in latent and r["lhs"] != r["rhs"]]
    assert len(rows) == 3
    for r in rows:
        assert abs(R.loc[r["lhs"], r["rhs"]] - r["std_all"]) <= ref.TOL_EST, (r, R)
    assert np.allclose(np.diag(R.to_numpy()), 1.0)


@pytest.mark.parametrize("likelihood", ["normal", "wishart"])
def test_sample_and_implied_covariance(ref, likelihood):
    """S uses lavaan's divisor for the convention (N normal, N−1 wishart); Σ̂ within 1e-3."""
    c = ref.case(f"hs_cfa-{likelihood}")
    res = ref.fit_case(c.id)
    S_lav = ref.matrix(c.ref["sampstat_cov"])
    Sig_lav = ref.matrix(c.ref["implied_cov"])
    names = list(S_lav.index)
    idx = [res.spec.observed.index(v) for v in names]
    S = res.S[np.ix_(idx, idx)]
    Sig = res.Sigma[np.ix_(idx, idx)]
    np.testing.assert_allclose(S, S_lav.to_numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(Sig, Sig_lav.to_numpy(), rtol=0, atol=ref.TOL_EST)


@pytest.mark.parametrize("factor", ["visual", "textual", "speed"])
def test_one_factor_models(ref, factor):
    """The one-factor models behind the ω references (lavaan, likelihood normal)."""
    blk = ref.values("lavaan_cfa_hs")["one_factor"][factor]
    res = ref.fitted(blk["model"], "holzinger1939", "normal")
    bad = ref.compare_estimates(res.estimates(), blk["parameterEstimates"])
    assert not bad, "\n".join(bad)
