"""Univariate skewness / kurtosis and Mardia's coefficients against psych 2.2.9 and the hand
ML computation (values/descriptives.json).

skewness_kurtosis = SPSS G1 / G2 = psych type 2 (1e-6 absolute).  mardia(ddof=1) reproduces
psych::mardia (covariance divisor N − 1); mardia(ddof=0) the ML (divisor N) computation stored as
``ml_hand`` (AMOS's "Assessment of normality").  Coefficients and statistics 1e-6 relative;
p-values 1e-10 absolute (psych computes ``1 - pchisq(...)``, which cannot be more precise).
"""
import numpy as np
import pytest
from scipy import stats

from clusterup.measurement.describe import mardia, skewness_kurtosis

BLOCKS = {"hs": "holzinger1939", "politicaldemocracy": "politicaldemocracy"}


def _X(ref, block):
    b = ref.values("descriptives")[block]
    return b, ref.data(BLOCKS[block])[b["variables"]]


@pytest.mark.parametrize("block", list(BLOCKS))
def test_skew_kurtosis_type2(ref, block):
    b, X = _X(ref, block)
    bad = []
    for v in b["variables"]:
        u = b["univariate"][v]
        s = skewness_kurtosis(X[v].to_numpy())
        if not (abs(s["skew"] - u["skew_type2"]) <= 1e-6 and abs(s["kurtosis"] - u["kurtosis_type2"]) <= 1e-6):
            bad.append(f"{v}: G1 {s['skew']} vs {u['skew_type2']}, G2 {s['kurtosis']} vs {u['kurtosis_type2']}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("block", list(BLOCKS))
def test_skew_kurtosis_standard_errors_by_hand(ref, block):
    """SPSS's SE(G1), SE(G2) from n alone (hand formulas)."""
    b, X = _X(ref, block)
    v = b["variables"][0]
    n = b["univariate"][v]["n"]
    se1 = np.sqrt(6 * n * (n - 1) / ((n - 2) * (n + 1) * (n + 3)))
    se2 = 2 * se1 * np.sqrt((n ** 2 - 1) / ((n - 3) * (n + 5)))
    s = skewness_kurtosis(X[v].to_numpy())
    assert s["skew_se"] == pytest.approx(se1, rel=1e-12)
    assert s["kurtosis_se"] == pytest.approx(se2, rel=1e-12)


@pytest.mark.parametrize("block", list(BLOCKS))
def test_mardia_psych(ref, block):
    b, X = _X(ref, block)
    pm = b["mardia"]["psych_mardia"]
    m = mardia(X.to_numpy(), ddof=1)
    assert (m["n"], m["p"]) == (pm["n"], pm["p"])
    for ours, theirs in (("b1p", "b1p"), ("b2p", "b2p"), ("skewness_chi2", "skew"),
                         ("skewness_small_sample_chi2", "small_skew"), ("kurtosis_cr", "kurtosis")):
        assert m[ours] == pytest.approx(pm[theirs], rel=1e-6), ours
    assert m["skewness_p"] == pytest.approx(pm["p_skew"], abs=1e-10)
    assert m["kurtosis_p"] == pytest.approx(pm["p_kurt"], abs=1e-10)
    # psych's small-sample p is the χ² tail of small_skew on the same df
    assert stats.chi2.sf(m["skewness_small_sample_chi2"], m["skewness_df"]) == pytest.approx(pm["p_small"], abs=1e-10)


@pytest.mark.parametrize("block", list(BLOCKS))
def test_mardia_ml(ref, block):
    b, X = _X(ref, block)
    mh = b["mardia"]["ml_hand"]
    m = mardia(X.to_numpy(), ddof=0)
    assert m["covariance_divisor"] == "N"
    for ours, theirs in (("b1p", "b1p_n"), ("b2p", "b2p_n"), ("skewness_chi2", "skew_stat"),
                         ("skewness_df", "skew_df"), ("kurtosis_expected", "kurtosis_expected"),
                         ("kurtosis_excess", "kurtosis_excess"), ("kurtosis_cr", "kurtosis_cr")):
        assert m[ours] == pytest.approx(mh[theirs], rel=1e-6), ours
    assert m["skewness_p"] == pytest.approx(mh["skew_p"], abs=1e-10)
    assert m["kurtosis_p"] == pytest.approx(mh["kurtosis_p_two_sided"], abs=1e-10)
