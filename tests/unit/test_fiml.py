"""The fast FIML layer (clusterup.estimation.fiml): analytic derivatives and the complete-data case.

Agreement with lavaan ``missing = "ml"`` is in tests/reference/test_fiml_lavaan.py; here the
pattern-wise (Schur-complement) evaluation is checked against finite differences and against the
complete-data ML engine, which it must reproduce exactly when no cell is missing.
"""
import json

import numpy as np
import pandas as pd
import pytest

from clusterup.estimation.fiml import FimlProblem, fit_fiml
from clusterup.estimation.ml import MLProblem, start_values
from clusterup.estimation.sem import fit_sem
from clusterup.estimation.spec import build_spec
from clusterup.estimation.syntax import parse_model


def _polidem(missing_share: float):
    data = pd.read_csv("tests/reference/data/politicaldemocracy.csv")
    model = json.load(open("tests/reference/values/lavaan_sem_polidem.json"))["models"]["labelled"]
    spec = build_spec(parse_model(model), list(data.columns))
    X = data[spec.observed].to_numpy(float)
    rng = np.random.default_rng(5)
    X[rng.uniform(size=X.shape) < missing_share] = np.nan
    return model, spec, X


def test_gradient_matches_finite_differences_with_several_missing_per_row():
    _, spec, X = _polidem(0.15)                  # patterns with 1, 2, 3 … missing variables
    assert max(np.isnan(X).sum(axis=1)) >= 3
    prob = FimlProblem(spec, X)
    S = np.cov(np.where(np.isnan(X), np.nanmean(X, axis=0), X), rowvar=False)
    par = np.concatenate([start_values(spec, S), np.nanmean(X, axis=0)])
    F, g = prob.value_grad(par)
    h = 1e-6
    num = np.array([(prob.value_grad(par + e)[0] - prob.value_grad(par - e)[0]) / (2 * h)
                    for e in np.eye(len(par)) * h])
    assert np.max(np.abs(num - g)) < 1e-6 * max(1.0, np.max(np.abs(g)))


def test_loglik_equals_casewise_normal_density():
    from scipy import stats

    _, spec, X = _polidem(0.1)
    prob = FimlProblem(spec, X)
    S = np.cov(np.where(np.isnan(X), np.nanmean(X, axis=0), X), rowvar=False)
    theta = start_values(spec, S)
    mu = np.nanmean(X, axis=0) + 0.1
    Sigma = MLProblem(spec).sigma(theta)
    ll = 0.0
    for row in X:                                # by hand, one row at a time
        o = ~np.isnan(row)
        ll += stats.multivariate_normal(mu[o], Sigma[np.ix_(o, o)]).logpdf(row[o])
    F, _ = prob.value_grad(np.concatenate([theta, mu]))
    assert prob.loglik(F) == pytest.approx(ll, rel=1e-10)


def test_complete_data_reproduces_ml_with_divisor_n():
    model, spec, X = _polidem(0.0)
    data = pd.DataFrame(X, columns=spec.observed)
    ml = fit_sem(parse_model(model), data=data, likelihood="normal", use_semopy=False)
    res = fit_fiml(parse_model(model), data)
    assert np.max(np.abs(res.sem.theta - ml.theta)) < 1e-6
    assert np.max(np.abs(res.mu - X.mean(axis=0))) < 1e-8
    assert res.test["chi2"] == pytest.approx(ml.fit_block()["chi2"], rel=1e-8)
    # expected information of the θ block = the complete-data expected information
    prob = FimlProblem(spec, X)
    _, _, H = prob.value_grad(np.concatenate([res.sem.theta, res.mu]), want_info=True)
    q = spec.n_free
    assert np.allclose(H[:q, :q], MLProblem(spec).information(res.sem.theta), rtol=1e-10, atol=1e-12)
    assert np.allclose(H[q:, q:], 2 * np.linalg.inv(MLProblem(spec).sigma(res.sem.theta)), rtol=1e-10)
