"""FIML against lavaan 0.6.14 ``cfa(..., missing = "ml")`` on HS1939 with 8 % MCAR cells deleted
(values/lavaan_fiml.json, r/lavaan_fiml.R, data/hs1939_missing.csv).  Tolerances (issue 11):
estimates 1e-3, SEs 1 %, χ² 1e-4 relative, fit indices 1e-3."""
import numpy as np
import pandas as pd
import pytest

from clusterup.errors import InputError
from clusterup.estimation.fiml import fit_fiml
from clusterup.estimation.syntax import parse_model


@pytest.fixture(scope="module")
def fiml(ref):
    vals = ref.values("lavaan_fiml")
    df = ref.data("hs1939_missing")
    assert int(df.isna().sum().sum()) == vals["n_missing_cells"]
    return fit_fiml(parse_model(vals["model"]), df), vals


def test_estimates_se_means(fiml):
    res, r = fiml
    assert r["converged"] is True
    pe = pd.DataFrame(r["parameterEstimates"])
    m = res.estimates().merge(pe, on=["lhs", "op", "rhs"], suffixes=("", "_r"))
    free = m[m.se_r > 0]
    assert len(free) == 21
    assert np.max(np.abs(free.est - free.est_r)) <= 1e-3
    assert np.max(np.abs(free.se / free.se_r - 1)) <= 0.01
    assert np.max(np.abs(m.std_all - m.std_all_r)) <= 1e-3
    means = pe[(pe.op == "~1") & pe.lhs.str.startswith("x")].set_index("lhs").est
    assert np.max(np.abs(res.mu - means[res.sem.spec.observed].to_numpy())) <= 1e-3


def test_loglik_chi2_and_indices(fiml):
    res, r = fiml
    fm = r["fitMeasures"]
    assert abs(res.loglik - fm["logl"]) <= 1e-3 and abs(res.loglik_h1 - fm["unrestricted.logl"]) <= 1e-3
    assert abs(res.test["chi2"] / fm["chisq"] - 1) <= 1e-4 and res.test["df"] == fm["df"]
    assert abs(res.test["baseline_chi2"] / fm["baseline.chisq"] - 1) <= 1e-4
    for k in ("cfi", "tli", "rmsea", "srmr"):
        assert abs(res.test[k] - fm[k]) <= 1e-3, k


def test_row_without_any_value_is_an_input_error(ref):
    df = ref.data("hs1939_missing").copy()
    df.iloc[3, :] = np.nan
    with pytest.raises(InputError, match="every model variable missing"):
        fit_fiml(parse_model(ref.values("lavaan_fiml")["model"]), df)
