"""Our bootstrap against lavaan's on the simulated mediation data (values/lavaan_mediation.json).

lavaan: ``sem(model, data, likelihood = "wishart", se = "bootstrap", bootstrap = 2000)`` with
``set.seed(1)``; percentile and bias-corrected ("bca.simple") 95% intervals.  Our run uses our own
random streams (B = 2000, seed 20121128), so the two agree only up to Monte-Carlo error: the
interval ends must agree within ±0.03 (SPEC issue tolerance at B = 2000), the bootstrap SEs within
10%.
"""
import pandas as pd
import pytest

from clusterup.structural.bootstrap import BootstrapSetup, Statistics, run_draws
from clusterup.structural.mediation import summarize
from clusterup.estimation.ml import MLProblem
from clusterup.estimation.sem import fit_sem
from clusterup.estimation.syntax import parse_model

COLUMN = {"a": "M~X", "b": "Y~M", "c": "Y~X", "ind": "ind", "total": "total"}


@pytest.fixture(scope="module")
def ours(ref):
    vals = ref.values("lavaan_mediation")
    data = ref.data("mediation_sim")
    res = fit_sem(parse_model(vals["model"]), data=data, likelihood="wishart")
    setup = BootstrapSetup(res.spec, res.theta, res.problem.information(res.theta),
                           data[res.spec.observed].to_numpy(dtype=float), "wishart", 20121128)
    records, _ = run_draws(setup, range(2000))
    draws = pd.DataFrame(records)
    ok = draws[draws["ok"]]
    stats = Statistics(setup.spec, MLProblem(setup.spec))
    full = dict(zip(stats.columns, stats.compute(setup.theta)))
    names = list(COLUMN.values())
    eff = summarize(ok, {n: full[n] for n in names}, {n: full[f"std:{n}"] for n in names}, {}, 0.95,
                    n_ok=len(ok), n_failed=int((~draws["ok"]).sum()))
    return eff.set_index("effect"), vals["bootstrap"]


@pytest.mark.parametrize("label", list(COLUMN))
def test_percentile_interval_within_monte_carlo_error(ours, label):
    eff, boot = ours
    r = boot["perc"]["key"][label]
    assert eff.at[COLUMN[label], "perc_lo"] == pytest.approx(r["ci_lower"], abs=0.03)
    assert eff.at[COLUMN[label], "perc_hi"] == pytest.approx(r["ci_upper"], abs=0.03)


@pytest.mark.parametrize("label", list(COLUMN))
def test_bias_corrected_interval_within_monte_carlo_error(ours, label):
    eff, boot = ours
    r = boot["bca_simple"]["key"][label]
    assert eff.at[COLUMN[label], "bc_lo"] == pytest.approx(r["ci_lower"], abs=0.03)
    assert eff.at[COLUMN[label], "bc_hi"] == pytest.approx(r["ci_upper"], abs=0.03)


@pytest.mark.parametrize("label", list(COLUMN))
def test_bootstrap_se_close_to_lavaan(ours, label):
    eff, boot = ours
    assert eff.at[COLUMN[label], "boot_se"] == pytest.approx(boot["perc"]["key"][label]["se"], rel=0.10)


def test_every_draw_succeeded_and_point_estimates_match(ours, ref):
    eff, boot = ours
    assert set(eff["n_ok"]) == {2000}
    for label, col in COLUMN.items():
        assert eff.at[col, "estimate"] == pytest.approx(boot["perc"]["key"][label]["est"], abs=1e-5)
