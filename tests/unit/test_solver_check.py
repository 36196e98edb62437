"""The second solver (rule solver_check): an independent semopy fit compared with the reported
estimates, and the solver each fit block names.

The reference is semopy itself, called here directly on the lavaan-syntax model (its own model
description, start values and SLSQP), independently of clusterup's semopy wrapper; our estimates
are checked against lavaan in tests/reference.
"""
import numpy as np
import pandas as pd
import pytest

from clusterup.errors import InputError
from clusterup.estimation import sem as sem_module
from clusterup.estimation.sem import SOLVER_SEMOPY, SOLVER_SIMPLE, fit_sem, semopy_check
from clusterup.estimation.syntax import parse_model

HS = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9"


@pytest.fixture(scope="module")
def hs():
    data = pd.read_csv("tests/reference/data/holzinger1939.csv")[[f"x{i}" for i in range(1, 10)]]
    res = fit_sem(parse_model(HS), data=data, likelihood="normal")
    return data, res


def test_the_workflow_fits_with_its_own_optimiser_and_says_so(hs):
    _, res = hs
    block = res.fit_block()
    assert block["solver"] == SOLVER_SIMPLE
    assert block["solver_max_diff"] is None and block["semopy_message"] == ""


def test_a_semopy_started_fit_records_its_difference():
    data = pd.read_csv("tests/reference/data/holzinger1939.csv")[[f"x{i}" for i in range(1, 10)]]
    res = fit_sem(parse_model(HS), data=data, likelihood="normal", use_semopy=True)
    block = res.fit_block()
    assert block["solver"] == SOLVER_SEMOPY
    assert 0 < block["solver_max_diff"] < 1e-2 and block["semopy_message"].startswith("semopy ")


def test_semopy_check_equals_a_direct_semopy_fit(hs):
    import semopy

    data, res = hs
    check = semopy_check(parse_model(HS), data=data, estimates=res.estimates(), likelihood="normal")
    # semopy directly: its own reading of the lavaan syntax, fitted on the covariance matrix
    S = np.cov(data.to_numpy(float), rowvar=False, ddof=0)
    model = semopy.Model(HS)
    model.fit(cov=pd.DataFrame(S, index=data.columns, columns=data.columns), n_samples=len(data),
              obj="MLW", solver="SLSQP")
    ins = model.inspect()
    direct = {}
    for _, r in ins.iterrows():
        key = (r["rval"], "=~", r["lval"]) if r["op"] == "~" else (r["lval"], r["op"], r["rval"])
        direct[key] = float(r["Estimate"])
    est = res.estimates()
    free = est[est["free"]]
    gaps = []
    for r in free.itertuples():
        key = (r.lhs, r.op, r.rhs)
        value = direct[key] if key in direct else direct[(r.rhs, r.op, r.lhs)]
        gaps.append(abs(value - r.est))
    assert check["converged"] and check["n_parameters"] == len(free)
    assert check["max_abs_diff"] == pytest.approx(max(gaps), abs=1e-4)
    assert check["max_abs_diff"] < 1e-2
    assert check["semopy_version"] == semopy.__version__


def test_semopy_failing_is_reported_not_raised(hs, monkeypatch):
    data, res = hs

    def broken(*a, **k):
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(sem_module, "_semopy_estimates", broken)
    check = semopy_check(parse_model(HS), data=data, estimates=res.estimates(), likelihood="normal")
    assert check["converged"] is False and "solver exploded" in check["message"]
    assert check["max_abs_diff"] is None


def test_estimates_of_another_model_are_refused(hs):
    data, res = hs
    other = "visual =~ x1 + x2 + x3 + x4\ntextual =~ x5 + x6\nspeed =~ x7 + x8 + x9"
    with pytest.raises(InputError, match="order of the model"):
        semopy_check(parse_model(other), data=data, estimates=res.estimates(), likelihood="normal",
                     data_source="est.csv")
