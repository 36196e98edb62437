"""Bad input at the estimation stages: zero variance, non-positive-definite covariance, too few
cases, Heywood cases (reported, not hidden), non-convergence (clear error), factor_analyzer pin."""
import numpy as np
import pandas as pd
import pytest

from clusterup.io.clean import check_analysis_items
from clusterup.errors import EstimationError, InputError
from clusterup.estimation.sem import fit_sem
from clusterup.estimation.syntax import parse_model

RNG = np.random.default_rng(3)


def _data(n=200):
    f = RNG.standard_normal(n)
    return pd.DataFrame({f"x{i}": 0.8 * f + 0.6 * RNG.standard_normal(n) for i in range(1, 5)})


def test_zero_variance_item_is_named():
    d = _data()
    d["x3"] = 4.0
    with pytest.raises(InputError) as e:
        check_analysis_items(d, list(d.columns), "survey.csv")
    msg = str(e.value)
    assert "'x3' has zero variance" in msg and "column x3" in msg and "items_dropped" in msg


def test_duplicated_column_gives_non_positive_definite_error_naming_the_pair():
    d = _data()
    d["x4"] = d["x2"]
    with pytest.raises(InputError) as e:
        check_analysis_items(d, list(d.columns), "survey.csv")
    msg = str(e.value)
    assert "not positive definite" in msg and "x4 and x2" in msg and "fix:" in msg


def test_fit_sem_checks_moments_too():
    d = _data()
    d["x1"] = 1.0
    with pytest.raises(InputError, match="x1"):
        fit_sem(parse_model("f =~ x1 + x2 + x3 + x4"), data=d)


def test_fewer_cases_than_variables():
    d = _data(4)
    with pytest.raises(InputError, match="observations"):
        fit_sem(parse_model("f =~ x1 + x2 + x3 + x4"), cov=np.eye(4), n_obs=4)


def test_model_variable_missing_from_data_is_named():
    with pytest.raises(InputError) as e:
        fit_sem(parse_model("f =~ x1 + x2 + x3 + x5", "m.lavaan"), data=_data())
    assert "'x5'" in str(e.value) and "m.lavaan" in str(e.value)


def test_heywood_case_is_reported_as_a_warning():
    # one factor, three indicators with r12 = r13 = .8 and r23 = .5: the implied loading of x1 is
    # sqrt(.8 * .8 / .5) = 1.13 > 1, so its residual variance must be negative
    R = np.array([[1, .8, .8], [.8, 1, .5], [.8, .5, 1]])
    res = fit_sem(parse_model("f =~ x1 + x2 + x3"), cov=R, n_obs=300, likelihood="normal")
    est = res.estimates()
    theta1 = est[(est.op == "~~") & (est.lhs == "x1") & (est.rhs == "x1")]["est"].iloc[0]
    assert theta1 < 0                                   # not clipped at a bound
    assert any("Heywood" in w and "x1 ~~ x1" in w for w in res.warnings)
    assert res.fit_block()["admissible"] is False


def test_non_convergence_is_a_clear_error(monkeypatch):
    from clusterup.estimation import ml as ml

    real_fit = ml.MLProblem.fit

    def stuck(self, S, start, **kw):
        kw["max_iter"] = 0
        kw["polish"] = False
        return real_fit(self, S, start, **kw)

    monkeypatch.setattr(ml.MLProblem, "fit", stuck)
    with pytest.raises(EstimationError) as e:
        fit_sem(parse_model("f =~ x1 + x2 + x3 + x4"), data=_data(), use_semopy=False)
    assert "did not converge" in str(e.value) and "Try:" in str(e.value)


def test_factor_analyzer_runs_with_the_pinned_scikit_learn():
    """factor_analyzer 0.5.1 calls check_array(force_all_finite=...), removed in scikit-learn 1.8:
    the lock pins scikit-learn below 1.8 and FactorAnalyzer.fit must work."""
    import sklearn
    from factor_analyzer import FactorAnalyzer

    major, minor = (int(x) for x in sklearn.__version__.split(".")[:2])
    assert (major, minor) < (1, 8)
    # scikit-learn 1.6-1.7 still accept the old keyword, with exactly this deprecation warning
    with pytest.warns(FutureWarning, match="force_all_finite"):
        fa = FactorAnalyzer(n_factors=1, rotation=None, method="principal").fit(_data().to_numpy())
    assert fa.loadings_.shape == (4, 1)
