"""The fit block against lavaan's fitMeasures(), and AMOS-only indices against hand arithmetic.

Name mapping (documented in clusterup/estimation/fitindices.py): lavaan ``chisq`` = ``chi2``, ``pvalue`` =
``p``, ``rmsea.ci.lower/upper`` = ``rmsea_lo90/hi90``, ``rmsea.pvalue`` = ``pclose``, lavaan's
log-likelihood ``aic``/``bic`` = our ``aic_loglik``/``bic_loglik`` (our ``aic``/``bic`` are AMOS's),
``cn_05``/``cn_01`` are un-truncated Hoelter N, ours ``hoelter_05/01`` are floor() of the same.

Tolerances: χ² 1e-4 relative, df / npar exact, every other index 1e-3 absolute.
"""
import math

import pytest
from scipy import stats

CASE_IDS = ["hs_cfa-normal", "hs_cfa-wishart", "hs_variant-normal",
            "polidem_labelled-normal", "polidem_labelled-wishart",
            "polidem_free-normal", "polidem_free-wishart",
            "mediation-normal", "mediation-wishart"]

# lavaan fitMeasures name -> our fit_block key (compared within 1e-3 absolute)
LAVAAN_TO_OURS = {
    "pvalue": "p", "cfi": "cfi", "tli": "tli", "nfi": "nfi", "rfi": "rfi", "ifi": "ifi",
    "gfi": "gfi", "agfi": "agfi", "pgfi": "pgfi", "pnfi": "pnfi",
    "rmsea": "rmsea", "rmsea.ci.lower": "rmsea_lo90", "rmsea.ci.upper": "rmsea_hi90",
    "rmsea.pvalue": "pclose", "srmr": "srmr", "rmr": "rmr",
    "aic": "aic_loglik", "bic": "bic_loglik", "ecvi": "ecvi",
    "logl": "logl", "unrestricted.logl": "unrestricted_logl", "baseline.chisq": "baseline_chi2",
}


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_chi2_df_npar(ref, case_id):
    fm = ref.case(case_id).ref["fitMeasures"]
    fb = ref.fit_case(case_id).fit_block()
    assert abs(fb["chi2"] / fm["chisq"] - 1) <= ref.TOL_CHI2_REL, (fb["chi2"], fm["chisq"])
    assert fb["df"] == fm["df"]
    assert fb["npar"] == fm["npar"]
    assert fb["baseline_df"] == fm["baseline.df"]
    assert fb["n"] == fm["ntotal"]


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_lavaan_fit_measures(ref, case_id):
    """Every index lavaan also reports, within 1e-3 absolute."""
    fm = ref.case(case_id).ref["fitMeasures"]
    fb = ref.fit_case(case_id).fit_block()
    bad = [f"{lav} -> {ours}: ours {fb[ours]!r} vs lavaan {fm[lav]!r}"
           for lav, ours in LAVAAN_TO_OURS.items() if not abs(fb[ours] - fm[lav]) <= ref.TOL_EST]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_hoelter_is_floor_of_lavaan_cn(ref, case_id):
    fm = ref.case(case_id).ref["fitMeasures"]
    fb = ref.fit_case(case_id).fit_block()
    assert fb["hoelter_05"] == math.floor(fm["cn_05"])
    assert fb["hoelter_01"] == math.floor(fm["cn_01"])


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_amos_only_indices_by_hand(ref, case_id):
    """AMOS indices lavaan lacks, recomputed here by independent arithmetic from lavaan's numbers.

    Inputs: lavaan's chisq (C), df (d), npar (q), cfi, baseline.df (d_b), N; p from p* = d + q.
    n = N − 1 under wishart (AMOS, χ² = (N − 1)F), N under normal (lavaan default, χ² = N·F) — the
    convention documented in clusterup/estimation/fitindices.py (it also makes ECVI = lavaan's ecvi).
    """
    c = ref.case(case_id)
    fm = c.ref["fitMeasures"]
    fb = ref.fit_case(case_id).fit_block()
    C, d, q, N = fm["chisq"], int(fm["df"]), int(fm["npar"]), int(fm["ntotal"])
    pstar = d + q                                  # sample moments p(p+1)/2
    p = int(round((math.sqrt(8 * pstar + 1) - 1) / 2))
    assert p * (p + 1) // 2 == pstar and fm["baseline.df"] == p * (p - 1) // 2
    n = N - 1 if c.likelihood == "wishart" else N
    hand = {
        "aic": C + 2 * q,                                   # AMOS AIC
        "bcc": C + 2 * q * n / (N - p - 2),                 # Browne–Cudeck
        "bic": C + q * math.log(N * p),                     # AMOS BIC (Raftery form)
        "caic": C + q * (math.log(N) + 1),                  # Bozdogan CAIC
        "pcfi": d / fm["baseline.df"] * fm["cfi"],          # parsimony-adjusted CFI
        "pnfi": d / fm["baseline.df"] * fm["nfi"],
        "ecvi": (C + 2 * q) / n,
        "mecvi": (C + 2 * q * n / (N - p - 2)) / n,
        "chi2_df": C / d,
    }
    bad = [f"{k}: ours {fb[k]!r} vs hand {v!r}" for k, v in hand.items() if not abs(fb[k] - v) <= ref.TOL_EST]
    assert not bad, "\n".join(bad)
    # the hand ECVI is lavaan's ecvi (checks the n convention itself)
    assert hand["ecvi"] == pytest.approx(fm["ecvi"], abs=1e-9)
    # Hoelter's critical N: floor(n·χ²_{1−α}(d)/C + 1)
    for alpha, key, lav in ((0.05, "hoelter_05", "cn_05"), (0.01, "hoelter_01", "cn_01")):
        cn = n * stats.chi2.ppf(1 - alpha, d) / C + 1
        assert cn == pytest.approx(fm[lav], rel=1e-6)
        assert fb[key] == math.floor(cn)


@pytest.mark.parametrize("case_id", ["hs_cfa-wishart", "polidem_labelled-wishart", "mediation-wishart"])
def test_bcc_amos_formula_wishart(ref, case_id):
    """Under the AMOS convention the BCC is exactly AMOS's C + 2q(N − 1)/(N − p − 2)."""
    fm = ref.case(case_id).ref["fitMeasures"]
    fb = ref.fit_case(case_id).fit_block()
    C, q, N = fm["chisq"], int(fm["npar"]), int(fm["ntotal"])
    p = int(round((math.sqrt(8 * (fm["df"] + q) + 1) - 1) / 2))
    assert abs(fb["bcc"] - (C + 2 * q * (N - 1) / (N - p - 2))) <= ref.TOL_EST
