"""Bollen–Stine bootstrap (clusterup.estimation.bollen_stine): the transform and shard invariance."""
import json

import numpy as np
import pandas as pd
import pytest

from clusterup.estimation.bollen_stine import BollenStineSetup, run_draws, summarize, sym_sqrt, transform
from clusterup.estimation.sem import fit_sem
from clusterup.estimation.syntax import parse_model
from clusterup.structural.bootstrap import BootstrapSetup, shard_draws


@pytest.fixture(scope="module", params=["wishart", "normal"])
def setup(request):
    data = pd.read_csv("tests/reference/data/politicaldemocracy.csv")
    model = json.load(open("tests/reference/values/lavaan_sem_polidem.json"))["models"]["labelled"]
    res = fit_sem(parse_model(model), data=data, likelihood=request.param, use_semopy=False)
    boot = BootstrapSetup(res.spec, res.theta, res.problem.information(res.theta),
                          data[res.spec.observed].to_numpy(float), request.param, 7)
    return res, BollenStineSetup.from_bootstrap(boot)


def test_symmetric_square_roots():
    A = np.cov(np.random.default_rng(0).standard_normal((50, 4)), rowvar=False)
    R = sym_sqrt(A)
    assert np.allclose(R, R.T) and np.allclose(R @ R, A, atol=1e-12)
    assert np.allclose(sym_sqrt(A, inverse=True) @ A @ sym_sqrt(A, inverse=True), np.eye(4), atol=1e-12)


def test_transformed_data_reproduce_sigma_hat_exactly(setup):
    res, bs = setup
    Z = bs.boot.X
    n = Z.shape[0]
    ddof = 1 if res.likelihood == "wishart" else 0
    Sigma_hat = res.problem.sigma(res.theta)
    assert np.max(np.abs(np.cov(Z, rowvar=False, ddof=ddof) - Sigma_hat)) < 1e-10 * np.max(np.abs(Sigma_hat))
    assert np.max(np.abs(Z.mean(axis=0))) < 1e-10
    # the model fits the transformed sample exactly: θ̂ is its optimum with F = 0 (χ² = 0)
    S = np.cov(Z, rowvar=False, ddof=ddof)
    assert res.problem.objective(res.theta, S, np.linalg.slogdet(S)[1]) == pytest.approx(0.0, abs=1e-10)
    assert np.max(np.abs(res.problem.gradient(res.theta, S, np.linalg.slogdet(S)[1]))) < 1e-9
    # the observed χ² is the main fit's
    assert bs.chi2 == pytest.approx(res.fit_block()["chi2"], rel=1e-9)
    # transforming data that already have covariance Σ̂ (and mean 0) changes nothing
    assert np.allclose(transform(Z, Sigma_hat, res.likelihood), Z, atol=1e-9)


def test_identical_for_1_and_3_shards(setup):
    _, bs = setup
    B = 40
    one = pd.DataFrame(run_draws(bs, shard_draws(B, 1, 1))).drop(columns="seconds")
    three = pd.concat([pd.DataFrame(run_draws(bs, shard_draws(B, 3, i))) for i in (1, 2, 3)],
                      ignore_index=True).drop(columns="seconds")
    pd.testing.assert_frame_equal(one, three)
    assert summarize(one, bs, B, 1)["p"] == summarize(three, bs, B, 3)["p"]


def test_failed_draw_is_replaced_and_counted(setup):
    _, bs = setup
    hook = lambda b, attempt: b == 2 and attempt < 2        # noqa: E731
    frame = pd.DataFrame(run_draws(bs, range(5), fail_hook=hook))
    out = summarize(frame, bs, 5, 1)
    assert out["n_ok"] == 5 and out["n_failed"] == 2
    assert list(frame.loc[frame.draw == 2, "attempt"]) == [0, 1, 2]
    # the replacement is attempt 2's own resample: the other draws are untouched
    plain = pd.DataFrame(run_draws(bs, [0, 1, 3, 4]))
    assert np.allclose(frame[frame.ok & (frame.draw != 2)]["chi2"], plain["chi2"])
