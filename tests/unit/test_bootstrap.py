"""The bootstrap engine: true optima per draw (vs independent semopy fits), shard invariance,
deterministic replacement of failed draws."""
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

from clusterup.structural.bootstrap import BootstrapSetup, draw_indices, run_draws, shard_draws
from clusterup.io.clean import clean_survey
from clusterup.io.config import load_yaml, parse_codebook, study_from
from clusterup.io.readers import read_raw
from clusterup.estimation.sem import fit_sem

ITEMS_DROPPED = [{"item": "FUN4", "reason": "test"}]


@pytest.fixture(scope="module")
def setup():
    cb = parse_codebook(load_yaml("config/codebook.yaml", "codebook"), "config/codebook.yaml")
    cfg = yaml.safe_load(open("config/config.yaml"))
    raw = read_raw("data/raw/survey_raw.csv")
    res = clean_survey(raw.frame, cb, id_column="resp_id", source="survey_raw.csv", distributed=300,
                       items_dropped=ITEMS_DROPPED, **cfg["cleaning"])
    study = study_from(codebook="config/codebook.yaml", model="config/model.lavaan",
                       hypotheses="config/hypotheses.yaml", items_dropped=ITEMS_DROPPED)
    data = res.clean.copy()
    fit = fit_sem(study.analysis_model, data=data, likelihood="wishart")
    X = data[fit.spec.observed].to_numpy(dtype=float)
    return BootstrapSetup(fit.spec, fit.theta, fit.problem.information(fit.theta), X, "wishart", 20121128), study


def test_draws_reach_the_optimum_of_an_independent_semopy_fit(setup):
    """Every recorded path equals a tightly converged semopy fit of the same resample (1e-4)."""
    import semopy

    bs, study = setup
    records, columns = run_draws(bs, range(4))
    desc = "\n".join(line for line in study.analysis_model.to_text().splitlines() if ":=" not in line)
    names = bs.spec.observed
    n = bs.X.shape[0]
    paths = [c for c in columns if "~" in c and not c.startswith("std:")]
    assert len(paths) == 7
    for rec in records:
        assert rec["ok"] and rec["grad_max"] < bs.tol
        idx = draw_indices(bs.seed, rec["draw"], rec["attempt"], n)
        S = np.cov(bs.X[idx], rowvar=False, ddof=1)
        m = semopy.Model(desc)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m.fit(cov=pd.DataFrame(S, index=names, columns=names), n_samples=n, obj="MLW", solver="SLSQP",
                  options={"ftol": 1e-14, "maxiter": 20000})
        ins = m.inspect()
        for c in paths:
            y, x = c.split("~")
            sem_est = float(ins[(ins.op == "~") & (ins.lval == y) & (ins.rval == x)]["Estimate"].iloc[0])
            assert rec[c] == pytest.approx(sem_est, abs=1e-4), (rec["draw"], c)
        # the := parameters are the products of the recorded paths
        assert rec["ind_nsc"] == pytest.approx(rec["IB~NSC"] * rec["UPG~IB"], rel=1e-12)


def test_results_do_not_depend_on_how_draws_are_split(setup):
    bs, _ = setup
    whole, cols = run_draws(bs, range(0, 8))
    parts = run_draws(bs, range(0, 3))[0] + run_draws(bs, range(3, 8))[0]
    a = pd.DataFrame(whole)[["draw", "attempt"] + cols]
    b = pd.DataFrame(parts)[["draw", "attempt"] + cols]
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_injected_failure_is_replaced_by_the_next_attempt_and_counted(setup):
    bs, _ = setup
    fail = {(2, 0), (5, 0), (5, 1)}
    recs, cols = run_draws(bs, range(0, 7), fail_hook=lambda b, a: (b, a) in fail)
    df = pd.DataFrame(recs)
    assert len(df) == 7 + 3                          # every attempt is recorded
    assert int((~df["ok"]).sum()) == 3                # n_failed
    ok = df[df["ok"]]
    assert ok["draw"].tolist() == list(range(7))      # one success per draw
    assert ok.set_index("draw").loc[2, "attempt"] == 1 and ok.set_index("draw").loc[5, "attempt"] == 2
    assert set(df.loc[~df["ok"], "reason"]) == {"injected failure (test)"}
    # the replacement is the deterministic stream (seed, draw, attempt), not a draw of another slot
    again, _ = run_draws(bs, [5], fail_hook=lambda b, a: (b, a) in fail)
    assert again[-1]["IB~NSC"] == ok.set_index("draw").loc[5, "IB~NSC"]
    clean_run, _ = run_draws(bs, [5])
    assert clean_run[0]["IB~NSC"] != again[-1]["IB~NSC"]


def test_streams_are_seeded_by_seed_and_draw():
    a = draw_indices(11, 3, 0, 50)
    assert np.array_equal(a, np.random.default_rng(np.random.SeedSequence([11, 3])).integers(0, 50, 50))
    assert not np.array_equal(a, draw_indices(11, 4, 0, 50))
    assert not np.array_equal(a, draw_indices(11, 3, 1, 50))
    assert np.array_equal(draw_indices(11, 3, 2, 50),
                          np.random.default_rng(np.random.SeedSequence([11, 3, 2])).integers(0, 50, 50))


@pytest.mark.parametrize("B,S", [(5000, 8), (10, 3), (7, 7), (3, 5)])
def test_shards_partition_the_draws(B, S):
    covered = [b for i in range(1, S + 1) for b in shard_draws(B, S, i)]
    assert covered == list(range(B))
    with pytest.raises(ValueError):
        shard_draws(B, S, S + 1)


def _heywood_setup():
    """One factor, three indicators with r12 = r13 = .8, r23 = .5 in the population: the model is
    just identified, so its estimates reproduce S exactly; by hand λ1²ψ = .8·.8/.5 = 1.28 and the
    residual variance of x1 is 1 − 1.28 = −0.28 (a Heywood case).  Data drawn to have exactly that
    covariance (whitened, then coloured), so the hand value holds for the sample."""
    from clusterup.estimation.syntax import parse_model

    R = np.array([[1, .8, .8], [.8, 1, .5], [.8, .5, 1]])
    rng = np.random.default_rng(5)
    Z = rng.standard_normal((300, 3))
    Z -= Z.mean(axis=0)
    Z = Z @ np.linalg.inv(np.linalg.cholesky(Z.T @ Z / 300).T)     # sample covariance exactly I
    X = Z @ np.linalg.cholesky(R).T                                 # sample covariance exactly R
    data = pd.DataFrame(X, columns=["x1", "x2", "x3"])
    fit = fit_sem(parse_model("f =~ x1 + x2 + x3"), data=data, likelihood="normal")
    return BootstrapSetup(fit.spec, fit.theta, fit.problem.information(fit.theta), X, "normal", 11), fit


def test_heywood_solution_is_named_and_its_resamples_are_not_replaced_forever():
    from clusterup.structural.bootstrap import heywood_variances, screens_admissibility

    setup, fit = _heywood_setup()
    bad = heywood_variances(setup)
    assert [v for v, _ in bad] == ["x1"]
    assert bad[0][1] == pytest.approx(-0.28, abs=1e-5)              # the hand value
    assert screens_admissibility(setup) is False
    records, _ = run_draws(setup, range(20))
    assert len(records) == 20 and all(r["ok"] for r in records)     # accepted once converged, as lavaan


def test_heywood_case_is_a_warning_next_to_the_bootstrap_intervals():
    from clusterup.report.chapter import collect_warnings

    bs = {"n_failed": 0, "attempts": 10, "failure_reasons": {}, "admissibility_screened": False,
          "heywood": [{"variable": "x1", "variance": -0.28}]}
    r = {"cfa_fit": {}, "sem_fit": {"warnings": ["Heywood case: negative variance x1 ~~ x1 = -0.2800"]},
         "bootstrap_summary": bs, "nested": {}, "normality": {"univariate": {"n_flagged": 0}}}
    w = collect_warnings(r)
    assert any("x1 = -0.280" in s and "Heywood" in s for s in w["bootstrap"])
    assert w["sem"] == ["Heywood case: negative variance x1 ~~ x1 = -0.2800"]
    bs["admissibility_screened"] = True
    assert collect_warnings(r)["bootstrap"] == []
