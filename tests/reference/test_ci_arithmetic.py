"""Bootstrap-interval arithmetic of clusterup.structural.mediation.

Part 1 - a small FIXED set of 20 draws: percentile, z0, BC, BCa, jackknife acceleration, the
two-sided BC p and the nested test are recomputed here step by step (plain Python + scipy.stats.norm
only) and must equal the package to 1e-12.

Part 2 - lavaan's own 2000 bootstrap draws (values/lavaan_mediation_boot_draws.json; set.seed(1),
wishart likelihood): our percentile and BC intervals vs lavaan's ``perc`` and ``bca.simple``.
These cannot agree exactly: lavaan (like boot:::norm.inter) interpolates between the order
statistics k = ⌊(B + 1)α⌋ and k + 1 on the *normal-quantile* scale, whereas clusterup (AMOS-like,
R quantile type 7) interpolates linearly at position (B − 1)α.  The two are at most a fraction of
one order-statistic gap apart, so they are compared within 0.005; a transliteration of lavaan's
norm.inter then reproduces lavaan's intervals to 1e-10, showing the interpolation is the whole
difference.
"""
import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from clusterup.structural import mediation as M

# ------------------------------------------------------------------------------------------------
# Part 1: fixed draws
# ------------------------------------------------------------------------------------------------
DRAWS = [0.31, -0.05, 0.12, 0.44, 0.27, 0.09, 0.38, 0.21, 0.15, 0.52,
         0.03, 0.29, 0.18, 0.35, -0.11, 0.24, 0.41, 0.07, 0.26, 0.33]
EST = 0.28              # 12 of the 20 draws lie below it
JACK = [0.27, 0.25, 0.29, 0.22, 0.26, 0.31, 0.24, 0.28, 0.20, 0.27]   # leave-one-out estimates
EXACT = 1e-12


def type7(values, q):
    """R quantile(type = 7) / numpy 'linear': position h = (B − 1)q in the sorted draws (0-based)."""
    s = sorted(values)
    h = (len(s) - 1) * q
    j = math.floor(h)
    g = h - j
    if j + 1 >= len(s):
        return s[-1]
    return s[j] + g * (s[j + 1] - s[j])


def hand_z0(values, est):
    below = sum(1 for v in values if v < est)          # strictly below the estimate
    return norm.ppf(below / len(values))


@pytest.mark.parametrize("level", [0.95, 0.90])
def test_percentile_ci(level):
    alpha = 1 - level
    lo = type7(DRAWS, alpha / 2)                        # lower quantile α/2
    hi = type7(DRAWS, 1 - alpha / 2)                    # upper quantile 1 − α/2
    assert M.percentile_ci(np.array(DRAWS), level) == pytest.approx((lo, hi), abs=EXACT)


def test_percentile_ci_worked_numbers():
    """95 %: h = 19·0.025 = 0.475 -> −0.11 + 0.475·(−0.05 + 0.11) = −0.0815;
    h = 19·0.975 = 18.525 -> 0.44 + 0.525·(0.52 − 0.44) = 0.482."""
    assert M.percentile_ci(np.array(DRAWS), 0.95) == pytest.approx((-0.0815, 0.482), abs=EXACT)


def test_z0():
    # 12 of 20 draws below 0.28 -> Φ⁻¹(0.6)
    assert sum(v < EST for v in DRAWS) == 12
    assert M.z0(np.array(DRAWS), EST) == pytest.approx(norm.ppf(0.6), abs=EXACT)
    # a draw equal to the estimate is NOT counted (strict <): 0.27 has 11 draws below, not 12
    assert M.z0(np.array(DRAWS), 0.27) == pytest.approx(norm.ppf(11 / 20), abs=EXACT)
    # half below -> no bias correction
    assert M.z0(np.array(DRAWS), 0.25) == pytest.approx(0.0, abs=EXACT)


@pytest.mark.parametrize("level", [0.95, 0.90])
def test_bc_ci(level):
    alpha = 1 - level
    z0 = hand_z0(DRAWS, EST)                            # bias correction
    q_lo = norm.cdf(2 * z0 + norm.ppf(alpha / 2))       # adjusted lower quantile
    q_hi = norm.cdf(2 * z0 + norm.ppf(1 - alpha / 2))   # adjusted upper quantile
    lo, hi = type7(DRAWS, q_lo), type7(DRAWS, q_hi)
    assert M.bc_ci(np.array(DRAWS), EST, level) == pytest.approx((lo, hi), abs=EXACT)
    # z0 > 0 moves both quantiles up relative to the percentile interval
    assert q_lo > alpha / 2 and q_hi > 1 - alpha / 2


@pytest.mark.parametrize("acc", [0.05, -0.03, 0.0])
def test_bca_ci_given_acceleration(acc):
    level = 0.95
    z0 = hand_z0(DRAWS, EST)
    qs = []
    for zq in (norm.ppf(0.025), norm.ppf(0.975)):
        w = z0 + zq                                      # z0 + z_q
        qs.append(norm.cdf(z0 + w / (1 - acc * w)))      # Efron's BCa adjusted quantile
    lo, hi = type7(DRAWS, qs[0]), type7(DRAWS, qs[1])
    assert M.bca_ci(np.array(DRAWS), EST, level, acc) == pytest.approx((lo, hi), abs=EXACT)


def test_bca_with_zero_acceleration_is_bc():
    assert M.bca_ci(np.array(DRAWS), EST, 0.95, 0.0) == pytest.approx(M.bc_ci(np.array(DRAWS), EST, 0.95), abs=EXACT)


def test_jackknife_acceleration():
    mean = sum(JACK) / len(JACK)                         # θ̄(.)
    d = [mean - j for j in JACK]                         # θ̄(.) − θ(i)
    num = sum(x ** 3 for x in d)
    den = 6 * (sum(x ** 2 for x in d)) ** 1.5
    a = num / den
    assert M.acceleration(np.array(JACK)) == pytest.approx(a, abs=EXACT)
    assert a != 0.0                                       # the vector is skewed: a real test
    # and feeding it to BCa
    z0 = hand_z0(DRAWS, EST)
    qs = [norm.cdf(z0 + (z0 + zq) / (1 - a * (z0 + zq))) for zq in (norm.ppf(0.025), norm.ppf(0.975))]
    assert M.bca_ci(np.array(DRAWS), EST, 0.95, M.acceleration(np.array(JACK))) == \
        pytest.approx((type7(DRAWS, qs[0]), type7(DRAWS, qs[1])), abs=EXACT)


def test_acceleration_ignores_non_finite_and_constant():
    assert M.acceleration(np.array(JACK + [np.nan])) == pytest.approx(M.acceleration(np.array(JACK)), abs=EXACT)
    assert M.acceleration(np.array([0.3] * 5)) == 0.0


def test_bc_p_value():
    z0 = hand_z0(DRAWS, EST)
    p0 = sum(1 for v in DRAWS if v <= 0) / len(DRAWS)   # share at or below 0: 2/20
    assert p0 == 0.1
    t = norm.cdf(norm.ppf(p0) - 2 * z0)
    p = min(1.0, 2 * min(t, 1 - t))
    assert M.bc_p_value(np.array(DRAWS), EST) == pytest.approx(p, abs=EXACT)


def test_bc_p_value_counts_zero_as_at_or_below():
    draws = [0.0 if v == -0.05 else v for v in DRAWS]     # one draw exactly 0 -> still 2/20 ≤ 0
    z0 = hand_z0(draws, EST)
    t = norm.cdf(norm.ppf(2 / 20) - 2 * z0)
    assert M.bc_p_value(np.array(draws), EST) == pytest.approx(2 * min(t, 1 - t), abs=EXACT)


def test_bc_edge_cases():
    positive = np.array([abs(v) + 0.01 for v in DRAWS])
    assert M.bc_p_value(positive, EST) == 0.0             # no draw at or below 0: p < 1/B reported as 0
    assert all(np.isnan(M.bc_ci(np.array(DRAWS), 10.0, 0.95)))   # every draw below: z0 = +inf


def test_nested_test_by_hand():
    chi_r, df_r, chi_f, df_f = 43.5322228375117, 36, 37.6168819849379, 35
    t = M.nested_test(chi_r, df_r, chi_f, df_f)
    d = chi_r - chi_f
    # χ²₁ survival function by hand: P(χ²₁ > d) = 2·(1 − Φ(√d))
    p = 2 * norm.sf(math.sqrt(d))
    assert t["chi2_diff"] == pytest.approx(d, abs=EXACT)
    assert t["df_diff"] == 1
    assert t["p"] == pytest.approx(p, abs=EXACT)
    assert math.isnan(M.nested_test(10.0, 5, 9.0, 5)["p"])


# ------------------------------------------------------------------------------------------------
# Part 2: lavaan's bootstrap draws
# ------------------------------------------------------------------------------------------------
KEY = ["a", "b", "c", "ind", "total"]
TOL_LAVAAN_CI = 0.005


def _boot(ref):
    dr = ref.values("lavaan_mediation_boot_draws")
    bs = ref.values("lavaan_mediation")["bootstrap"]
    assert dr["R"] == bs["R"] == bs["n_successful"] == 2000
    return dr, bs


def norm_inter(t, alpha):
    """lavaan's / boot's norm.inter for one alpha (transliterated from tests/reference/r/lavaan_mediation.R)."""
    t = sorted(x for x in t if math.isfinite(x))
    R = len(t)
    rk = (R + 1) * alpha
    k = math.trunc(rk)
    if k == 0:
        return t[0]
    if k == R:
        return t[R - 1]
    if k == rk:
        return t[k - 1]                               # R's 1-based tstar[k]
    z = norm.ppf(alpha)
    zk, zk1 = norm.ppf(k / (R + 1)), norm.ppf((k + 1) / (R + 1))
    return t[k - 1] + (z - zk) / (zk1 - zk) * (t[k] - t[k - 1])


@pytest.mark.parametrize("name", KEY)
def test_percentile_vs_lavaan_perc(ref, name):
    dr, bs = _boot(ref)
    lav = bs["perc"]["key"][name]
    lo, hi = M.percentile_ci(np.array(dr["draws"][name]), 0.95)
    assert abs(lo - lav["ci_lower"]) <= TOL_LAVAAN_CI
    assert abs(hi - lav["ci_upper"]) <= TOL_LAVAAN_CI


@pytest.mark.parametrize("name", KEY)
def test_bc_vs_lavaan_bca_simple(ref, name):
    """lavaan's bca.simple is the bias-corrected percentile interval (acceleration 0)."""
    dr, bs = _boot(ref)
    lav = bs["bca_simple"]["key"][name]
    lo, hi = M.bc_ci(np.array(dr["draws"][name]), dr["est"][name], 0.95)
    assert abs(lo - lav["ci_lower"]) <= TOL_LAVAAN_CI
    assert abs(hi - lav["ci_upper"]) <= TOL_LAVAAN_CI


@pytest.mark.parametrize("name", KEY)
def test_interpolation_is_the_whole_difference(ref, name):
    """Same quantile levels + lavaan's norm.inter interpolation = lavaan's intervals (1e-10)."""
    dr, bs = _boot(ref)
    d = dr["draws"][name]
    perc = bs["perc"]["key"][name]
    assert norm_inter(d, 0.025) == pytest.approx(perc["ci_lower"], abs=1e-10)
    assert norm_inter(d, 0.975) == pytest.approx(perc["ci_upper"], abs=1e-10)
    # BC: the adjusted levels from the package's own z0
    z0 = M.z0(np.array(d), dr["est"][name])
    q = [norm.cdf(2 * z0 + norm.ppf(0.025)), norm.cdf(2 * z0 + norm.ppf(0.975))]
    bca = bs["bca_simple"]["key"][name]
    assert norm_inter(d, q[0]) == pytest.approx(bca["ci_lower"], abs=1e-10)
    assert norm_inter(d, q[1]) == pytest.approx(bca["ci_upper"], abs=1e-10)


@pytest.mark.parametrize("name", KEY)
def test_summarize_on_lavaan_draws(ref, name):
    """summarize(): intervals as the functions above; bootstrap SE (divisor B − 1) vs lavaan.

    lavaan's bootstrap SE of a := parameter is sd(draws) with divisor B − 1, as ours.  For free
    parameters (a, b, c) lavaan 0.6.14 under likelihood = "wishart" reports
    sd(draws; divisor B)·√(N/(N − 1)); the test converts ours to that convention explicitly.
    """
    dr, bs = _boot(ref)
    d = np.array(dr["draws"][name])
    est = dr["est"][name]
    frame = pd.DataFrame({name: d, f"std:{name}": d})
    row = M.summarize(frame, {name: est}, {name: est}, {name: "test"}, 0.95, len(d), 0).iloc[0]
    assert (row.perc_lo, row.perc_hi) == pytest.approx(M.percentile_ci(d, 0.95), abs=EXACT)
    assert (row.bc_lo, row.bc_hi) == pytest.approx(M.bc_ci(d, est, 0.95), abs=EXACT)
    assert row.p_bc == pytest.approx(M.bc_p_value(d, est), abs=EXACT)
    B, N = len(d), ref.values("lavaan_mediation")["n"]
    lav_se = bs["perc"]["key"][name]["se"]
    if name in ("ind", "total"):
        assert row.boot_se == pytest.approx(lav_se, rel=1e-9)
    else:
        assert row.boot_se * math.sqrt((B - 1) / B * N / (N - 1)) == pytest.approx(lav_se, rel=1e-9)
