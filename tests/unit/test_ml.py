"""The ML engine's two evaluation paths agree, and its derivatives are right.

The general RAM path serves every model; the Λ(I−B)⁻¹Ψ(I−B)⁻ᵀΛᵀ + Θ path (used when no variable
depends on an observed one) is a faster rewrite of the same formulas. Both are checked against
each other and against finite differences.  (Agreement with lavaan is in tests/reference.)
"""
import json

import numpy as np
import pandas as pd
import pytest

from clusterup.estimation.ml import MLProblem, start_values
from clusterup.estimation.spec import build_spec
from clusterup.estimation.syntax import DefinedParameters, parse_model

HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\nx7 ~~ x8"


def _cases():
    hs = pd.read_csv("tests/reference/data/holzinger1939.csv")
    pol = pd.read_csv("tests/reference/data/politicaldemocracy.csv")
    med = pd.read_csv("tests/reference/data/mediation_sim.csv")
    models = json.load(open("tests/reference/values/lavaan_sem_polidem.json"))["models"]
    med_model = json.load(open("tests/reference/values/lavaan_mediation.json"))["model"]
    second = HS + "\ng =~ visual + textual + speed"
    return [("hs_cfa", HS, hs), ("hs_second_order", second, hs), ("polidem_labelled", models["labelled"], pol),
            ("mediation", med_model, med)]


@pytest.mark.parametrize("name,model,data", _cases(), ids=[c[0] for c in _cases()])
def test_fast_path_equals_ram_path(name, model, data):
    spec = build_spec(parse_model(model), list(data.columns))
    pr = MLProblem(spec)
    assert pr.fast is not None
    S = np.cov(data[spec.observed].to_numpy(float), rowvar=False)
    ld = np.linalg.slogdet(S)[1]
    rng = np.random.default_rng(0)
    for _ in range(3):
        theta = start_values(spec, S) * rng.uniform(0.8, 1.2, spec.n_free)
        f1, g1, _ = pr._value_grad_info_ram(theta, S, ld, False)
        f2, g2, _ = pr.value_grad_info(theta, S, ld, want_info=False)
        assert f2 == pytest.approx(f1, abs=1e-12)
        np.testing.assert_allclose(g2, g1, atol=1e-12)


@pytest.mark.parametrize("name,model,data", _cases(), ids=[c[0] for c in _cases()])
def test_gradient_matches_finite_differences(name, model, data):
    spec = build_spec(parse_model(model), list(data.columns))
    pr = MLProblem(spec)
    S = np.cov(data[spec.observed].to_numpy(float), rowvar=False)
    ld = np.linalg.slogdet(S)[1]
    theta = start_values(spec, S) * 1.05 + 0.01
    g = pr.gradient(theta, S, ld)
    h = 1e-6
    num = np.array([(pr.objective(theta + h * e, S, ld) - pr.objective(theta - h * e, S, ld)) / (2 * h)
                    for e in np.eye(spec.n_free)])
    np.testing.assert_allclose(g, num, atol=1e-6)


def test_fast_path_with_a_latent_feedback_loop():
    """A non-recursive latent structure (dem60 <-> dem65): I − B is not triangular in any order, so
    the fast path inverts it in full; it must agree with the RAM path and with central differences."""
    pol = pd.read_csv("tests/reference/data/politicaldemocracy.csv")
    model = ("ind60 =~ x1 + x2 + x3\ndem60 =~ y1 + y2 + y3 + y4\ndem65 =~ y5 + y6 + y7 + y8\n"
             "dem60 ~ ind60 + dem65\ndem65 ~ ind60 + dem60")
    spec = build_spec(parse_model(model), list(pol.columns))
    pr = MLProblem(spec)
    assert pr.fast is not None and pr.fast.cyclic and not pr.recursive
    S = np.cov(pol[spec.observed].to_numpy(float), rowvar=False)
    ld = np.linalg.slogdet(S)[1]
    theta = start_values(spec, S) * 1.03 + 0.02
    theta[[e.free for e in spec.entries if e.op == "~"]] = 0.1
    f1, g1, _ = pr._value_grad_info_ram(theta, S, ld, False)
    f2, g2, _ = pr.value_grad_info(theta, S, ld, want_info=False)
    assert f2 == pytest.approx(f1, abs=1e-12)
    np.testing.assert_allclose(g2, g1, atol=1e-12)
    h = 1e-6
    num = np.array([(pr.objective(theta + h * e, S, ld) - pr.objective(theta - h * e, S, ld)) / (2 * h)
                    for e in np.eye(spec.n_free)])
    np.testing.assert_allclose(g2, num, atol=1e-6)
    _, _, H = pr.value_grad_hessian(theta, S, ld)
    num_h = pr.hessian(theta, S, h=1e-5)
    np.testing.assert_allclose(H, num_h, atol=1e-6 * np.abs(num_h).max())


def test_observed_predictors_use_the_general_path():
    hs = pd.read_csv("tests/reference/data/holzinger1939.csv")
    spec = build_spec(parse_model("f =~ x1 + x2 + x3\nx4 ~ f\nx5 ~ x4"), list(hs.columns))
    assert MLProblem(spec).fast is None


def test_compiled_definitions_equal_the_differentiating_evaluator():
    m = parse_model("f =~ x1 + a*x2 + b*x3\nd1 := a*b - 2/(a + b)\nd2 := -d1^2 + a")
    defs = DefinedParameters(m.definitions)
    vals = {"a": 0.7, "b": 1.3}
    np.testing.assert_allclose(defs.values(vals), defs.evaluate(vals)[0], rtol=1e-15)


def _hessian_cases():
    hs = pd.read_csv("tests/reference/data/holzinger1939.csv")
    return _cases() + [("observed_predictors", "f =~ x1 + x2 + x3\nx4 ~ f\nx5 ~ x4 + f", hs)]


@pytest.mark.parametrize("name,model,data", _hessian_cases(), ids=[c[0] for c in _hessian_cases()])
def test_exact_hessian_matches_finite_differences(name, model, data):
    """value_grad_hessian against central differences of the (separately tested) analytic
    gradient, away from the optimum (so the second-derivative term tr(W ∂²Σ) matters), and equal
    to the expected information when S = Σ(θ)."""
    spec = build_spec(parse_model(model), list(data.columns))
    pr = MLProblem(spec)
    S = np.cov(data[spec.observed].to_numpy(float), rowvar=False)
    ld = np.linalg.slogdet(S)[1]
    theta = start_values(spec, S) * 1.05 + 0.01
    f, g, H = pr.value_grad_hessian(theta, S, ld)
    assert f == pytest.approx(pr.objective(theta, S, ld), abs=1e-12)
    np.testing.assert_allclose(g, pr.gradient(theta, S, ld), atol=1e-12)
    num = pr.hessian(theta, S, h=1e-5)
    np.testing.assert_allclose(H, num, atol=1e-6 * max(1.0, np.abs(num).max()))
    Sig = pr.sigma(theta)
    H_at_sigma = pr.value_grad_hessian(theta, Sig, np.linalg.slogdet(Sig)[1])[2]
    np.testing.assert_allclose(H_at_sigma, pr.information(theta), atol=1e-10 * np.abs(H_at_sigma).max())


@pytest.mark.parametrize("name,model,data", _hessian_cases(), ids=[c[0] for c in _hessian_cases()])
def test_newton_refit_reaches_the_bfgs_optimum(name, model, data):
    """refit (BFGS, then Newton) converges to the same minimum as fit from a perturbed warm start,
    to the same gradient criterion."""
    spec = build_spec(parse_model(model), list(data.columns))
    pr = MLProblem(spec)
    X = data[spec.observed].to_numpy(float)
    S = np.cov(X, rowvar=False)
    full = pr.fit(S, start_values(spec, S), tol=1e-9)
    rng = np.random.default_rng(3)
    Xb = X[rng.integers(0, len(X), len(X))]
    Sb = np.cov(Xb, rowvar=False)
    a = pr.fit(Sb, full.theta, tol=1e-9)
    b = pr.refit(Sb, full.theta, tol=1e-9)
    assert a.converged and b.converged and b.grad_max <= 1e-9
    assert b.method in ("newton", "bfgs fallback")
    np.testing.assert_allclose(b.theta, a.theta, atol=1e-6)
    assert b.fmin == pytest.approx(a.fmin, abs=1e-12)


def test_refit_falls_back_to_bfgs_when_the_hessian_is_not_positive_definite(monkeypatch):
    hs = pd.read_csv("tests/reference/data/holzinger1939.csv")
    spec = build_spec(parse_model(HS), list(hs.columns))
    pr = MLProblem(spec)
    S = np.cov(hs[spec.observed].to_numpy(float), rowvar=False)
    start = start_values(spec, S)
    ref = pr.fit(S, start, tol=1e-9)
    real = MLProblem.value_grad_hessian

    def indefinite(self, theta, S, logdet_S):
        f, g, H = real(self, theta, S, logdet_S)
        return f, g, -H

    monkeypatch.setattr(MLProblem, "value_grad_hessian", indefinite)
    out = pr.refit(S, start, tol=1e-9, switch=1e-1)
    assert out.method == "bfgs fallback" and out.converged
    np.testing.assert_allclose(out.theta, ref.theta, atol=1e-6)
