"""Bollen–Stine bootstrap against lavaan 0.6.14 (values/lavaan_bollen_stine.json,
r/lavaan_bollen_stine.R) on Political Democracy (labelled SEM) and HS1939 (3-factor CFA), lavaan's
normal likelihood.

* Draw by draw: lavaan's own first 100 resamples (``bootstrapLavaan(keep.idx = TRUE)``) replayed
  through our transform and warm-start refit give lavaan's χ²_b (1e-4 relative; the χ² tolerance).
* The p value: ours at B = 1000 from the project's streams (default seed of config/config.yaml)
  within 0.03 of lavaan's ``test = "bollen.stine"`` p at B = 1000 (issue 11).  The two use
  different random resamples, so this is a Monte-Carlo comparison; its error sd at p ≈ .43 is
  about .022 for the difference.

Cost: about 4 s (PD's 1000 refits of 11 variables take ~2.5 s, HS's ~1 s).
"""
import numpy as np
import pandas as pd
import pytest

from clusterup.estimation.bollen_stine import BollenStineSetup, run_draws, summarize
from clusterup.estimation.sem import fit_sem
from clusterup.estimation.syntax import parse_model
from clusterup.structural.bootstrap import BootstrapSetup, FailurePolicy

CASES = {"polidem": "politicaldemocracy", "hs1939": "holzinger1939"}
SEED = 20121128        # bootstrap.seed of config/config.yaml (not chosen for this test)


@pytest.fixture(scope="module", params=list(CASES))
def case(request, ref):
    c = ref.values("lavaan_bollen_stine")[request.param]
    data = ref.data(CASES[request.param])
    res = fit_sem(parse_model(c["model"]), data=data, likelihood="normal", use_semopy=False)
    boot = BootstrapSetup(res.spec, res.theta, res.problem.information(res.theta),
                          data[res.spec.observed].to_numpy(float), "normal", SEED)
    return request.param, c, BollenStineSetup.from_bootstrap(boot)


def test_observed_chi2_equals_lavaan(case):
    _, c, setup = case
    assert setup.chi2 == pytest.approx(c["chisq"], rel=1e-4) and setup.df == c["df"]


def test_lavaan_resamples_give_lavaan_chi2(case):
    _, c, setup = case
    idx = np.asarray(c["draws"]["idx"]) - 1                     # R's row numbers are 1-based
    recs = pd.DataFrame(run_draws(setup, range(len(idx)), indices=lambda b, attempt, n: idx[b], max_attempts=1))
    assert recs["ok"].all(), recs["reason"].unique()
    theirs = np.asarray(c["draws"]["chisq"], dtype=float)
    assert np.max(np.abs(recs["chi2"].to_numpy() / theirs - 1)) < 1e-4


def test_p_within_003_of_lavaan_at_1000(case):
    name, c, setup = case
    assert c["samples"] == 1000 and c["boot_length"] == 1000
    frame = pd.DataFrame(run_draws(setup, range(1000), policy=FailurePolicy()))
    out = summarize(frame, setup, 1000, 1)
    assert out["n_ok"] == 1000
    assert abs(out["p"] - c["p_bollen_stine"]) <= 0.03, (name, out["p"], c["p_bollen_stine"])
    # the reference distributions agree too (mean χ²_b: Monte-Carlo sd ≈ sqrt(2 df / 1000))
    assert abs(out["chi2_boot_mean"] - np.mean(c["boot_T"])) < 4 * np.sqrt(2 * 2 * c["df"] / 1000)
