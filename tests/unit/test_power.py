"""Monte-Carlo power (clusterup.structural.power): the analytic Satorra–Saris check, shard invariance,
the N-needed interpolation, nested models and failures."""
import math

import numpy as np
import pandas as pd
import pytest

from clusterup.errors import InputError
from clusterup.estimation.ml import MLProblem
from clusterup.estimation.spec import build_spec
from clusterup.estimation.syntax import fix_paths_to_zero, parse_model
from clusterup.io.config import Hypothesis
from clusterup.structural import power as pw

# a three-factor mediation model; population values chosen so that the paths have middling power
MODEL = """
X =~ x1 + x2 + x3
M =~ m1 + m2 + m3
Y =~ y1 + y2 + y3
M ~ a*X
Y ~ b*M + c*X
ind := a*b
"""
OBS = ["x1", "x2", "x3", "m1", "m2", "m3", "y1", "y2", "y3"]
HYP = [Hypothesis("Ha", "a", "path", "M ~ X"), Hypothesis("Hb", "b", "path", "Y ~ M"),
       Hypothesis("Hc", "c", "path", "Y ~ X"), Hypothesis("Hi", "ind", "indirect", "ind"),
       Hypothesis("Hn", "no direct", "nested", "", fix_zero=("Y ~ X",), expect="not_significant")]


def _population():
    spec = build_spec(parse_model(MODEL), OBS)
    theta = np.zeros(spec.n_free)
    for e in spec.free_entries():
        if e.op == "=~":
            theta[e.free] = 0.8
        elif e.op == "~~":
            theta[e.free] = 1.0 if e.lhs == "X" else (0.6 if e.lhs in OBS else 0.8)
        elif e.op == "~":
            theta[e.free] = {"a": 0.25, "b": 0.2, "c": 0.15}[e.label]
    return spec, theta


@pytest.fixture(scope="module")
def setup():
    spec, theta = _population()
    return pw.make_setup(spec, theta, HYP, likelihood="normal", seed=11, mc_draws=500)


@pytest.fixture(scope="module")
def records(setup):
    return pw.run_replications(setup, [120], range(400))


def test_mc_power_of_paths_agrees_with_satorra_saris(setup, records):
    table = pw.summarize(records, [h.id for h in HYP])
    for t in setup.tests:
        if t.kind != "path":
            continue
        row = table[(table.id == t.id) & (table.n == 120)].iloc[0]
        analytic = pw.analytic_path_power(setup, 120, t.free, t.sign)
        # hand formula: Φ(θ/se − z) with se from (2/N)·H⁻¹ (normal likelihood: n = N)
        se = math.sqrt(2 / 120 * setup.info_inv[t.free, t.free])
        from scipy.stats import norm
        assert analytic == pytest.approx(norm.cdf(setup.theta[t.free] / se - norm.ppf(0.975)), rel=1e-12)
        assert 0.15 < analytic < 0.95                      # the check is informative, not at 0 or 1
        assert abs(row.power - analytic) < 3 * max(row.mc_se, 0.01), (t.id, row.power, analytic)
        assert row.n_ok + row.n_failed == 400


def test_identical_for_one_and_three_shards(setup):
    one = pw.run_replications(setup, [60, 90], range(30))
    three = sum((pw.run_replications(setup, [60, 90], pw.shard_replications(30, 3, i)) for i in (1, 2, 3)), [])
    key = lambda r: (r["n"], r["replication"], r["id"])
    assert sorted(one, key=key) == sorted(three, key=key)
    ids = [h.id for h in HYP]
    pd.testing.assert_frame_equal(pw.summarize(one, ids), pw.summarize(three, ids))


def test_nested_and_indirect_are_tested(setup, records):
    table = pw.summarize(records, [h.id for h in HYP]).set_index("id")
    # the nested test of c = 0 is the Δχ² analogue of the Wald test of c: similar power
    assert abs(table.at["Hn", "power"] - table.at["Hc", "power"]) < 0.12
    # a*b is detected less often than either of its paths alone is significant... but not never
    assert 0.02 < table.at["Hi", "power"] <= min(table.at["Ha", "power"], table.at["Hb", "power"]) + 0.05


def test_restricted_spec_equals_the_refitted_nested_model():
    spec, theta = _population()
    S = MLProblem(spec).sigma(theta) + 0.05 * np.eye(len(OBS))
    r = pw.restrict_spec(spec, ["Y ~ X"])
    ref = build_spec(fix_paths_to_zero(parse_model(MODEL), ["Y ~ X"]), OBS)
    assert r.n_free == ref.n_free == spec.n_free - 1
    f1 = MLProblem(r).fit(S, pw.map_restricted_start(spec, r, theta), tol=1e-10)
    from clusterup.estimation.ml import start_values
    f2 = MLProblem(ref).fit(S, start_values(ref, S), tol=1e-10)
    assert f1.fmin == pytest.approx(f2.fmin, abs=1e-9)
    with pytest.raises(InputError, match="not in the model"):
        pw.restrict_spec(spec, ["Y ~ nothing"])


def test_population_model_file_sets_the_values():
    spec, theta = _population()
    base = MODEL.replace("ind := a*b\n", "")
    pop = build_spec(parse_model(base.replace("Y ~ b*M + c*X", "Y ~ 0.5*M + 0*X")), OBS)
    sigma = pw.population_sigma(spec, theta, pop)
    # the population: fixed b = .5, c = 0, the rest from the fitted model
    th2 = theta.copy()
    th2[spec.labels["b"]], th2[spec.labels["c"]] = 0.5, 0.0
    np.testing.assert_allclose(sigma, MLProblem(spec).sigma(th2), atol=1e-12)
    bad = build_spec(parse_model(base + "x1 ~~ x2\n"), OBS)
    with pytest.raises(InputError, match="x1 ~~ x2"):
        pw.population_sigma(spec, theta, bad)


def test_n_required_interpolates_on_the_grid():
    power = pd.DataFrame({"id": ["A"] * 3 + ["B"] * 3 + ["C"] * 3, "n": [100, 200, 300] * 3,
                          "power": [0.5, 0.7, 0.95, 0.1, 0.2, 0.3, 0.85, 0.9, 0.99]})
    out = pw.n_required(power).set_index("id")
    # A: 80% between 200 (.70) and 300 (.95): 200 + (.8 − .7)/(.25)·100 = 240; 90%: 200 + .2/.25·100 = 280
    assert out.loc["A"].tolist() == ["240", "280"]
    assert out.loc["B"].tolist() == ["> 300", "> 300"]
    assert out.loc["C"].tolist() == ["100", "200"]


def test_failed_replications_are_counted_not_dropped():
    spec, theta = _population()
    # a tiny residual variance: small samples often give a negative estimate (a Heywood case)
    theta = theta.copy()
    for e in spec.free_entries():
        if e.op == "~~" and e.lhs == "m1" and e.rhs == "m1":
            theta[e.free] = 0.005
    s = pw.make_setup(spec, theta, HYP[:1], likelihood="normal", seed=3, mc_draws=200)
    rec = pw.run_replications(s, [40], range(40))
    row = pw.summarize(rec, ["Ha"]).iloc[0]
    assert row.n_failed > 0 and row.n_ok + row.n_failed == 40
    assert {r["reason"] for r in rec if not r["ok"]} <= {"inadmissible: negative variance estimate"} | {
        r["reason"] for r in rec if r["reason"].startswith("no convergence")}


def test_config_checks_of_the_power_study(tmp_path):
    from clusterup.io.guard import check_study_config

    base = {"codebook": "c.yaml", "model": "m.lavaan", "hypotheses": "h.yaml"}
    check_study_config({**base, "power": {"enabled": True, "replications": 10, "shards": 2,
                                          "population": "fitted"}}, str(tmp_path))
    with pytest.raises(InputError, match="power.population"):
        check_study_config({**base, "power": {"enabled": True, "replications": 10, "shards": 2,
                                              "population": "nope.lavaan"}}, str(tmp_path))
    with pytest.raises(InputError, match="power.shards"):
        check_study_config({**base, "power": {"enabled": True, "replications": 10, "shards": 20,
                                              "population": "fitted"}}, str(tmp_path))
