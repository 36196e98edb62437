"""clusterup.measurement.describe: sample profile, item table and normality flags (SPEC §5 describe)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from clusterup.io.config import parse_codebook
from clusterup.measurement.describe import item_table, mardia, normality, sample_profile, skewness_kurtosis

CB = parse_codebook({
    "scale": {"min": 1, "max": 5},
    "missing_codes": [9],
    "constructs": {"A": {"label": "Construct A"}, "B": {"label": "Construct B"}},
    "items": {"A1": {"construct": "A"}, "A2": {"construct": "A"}, "A3": {"construct": "A"},
              "B1": {"construct": "B"}, "B2": {"construct": "B"}, "B3": {"construct": "B", "reverse": True}},
    "demographics": {
        "ownership": {"label": "Ownership",
                      "categories": {1: "State-owned", 2: "Private", 3: "Foreign-invested", 4: "Joint venture"}},
        "role": {"label": "Respondent's role", "categories": {1: "Senior manager", 2: "Middle manager"}},
        "firm_age": {"label": "Firm age (years)", "bins": [0, 5, 10, 20, 30],
                     "bin_labels": ["< 5 years", "5-9 years", "10-19 years", "20-29 years", ">= 30 years"]},
    },
}, "codebook.yaml")

ITEMS = ["A1", "A2", "A3", "B1", "B2", "B3"]
AGES = [1, 3, 4, 5, 6, 9, 10, 12, 15, 19, 20, 22, 25, 29, 30, 35, 41, 8, 11, 13]   # 20 firms


def make_data() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = len(AGES)
    items = rng.integers(1, 6, size=(n, len(ITEMS))).astype(float)
    items[:, 2] = [1] * 17 + [5, 5, 4]     # A3: strongly right-skewed (G1 > 2)
    data = pd.DataFrame(items, columns=ITEMS)
    data.insert(0, "resp_id", [f"Q{i:03d}" for i in range(1, n + 1)])
    # ownership: 8 private, 6 state-owned, 4 foreign, 1 joint venture, 1 blank
    data.insert(1, "ownership", ["2"] * 8 + ["1"] * 6 + ["3"] * 4 + ["4"] + [""])
    # role: a code the codebook does not know (3) must still be counted
    data.insert(2, "role", ["1"] * 9 + ["2"] * 9 + ["3"] * 2)
    data.insert(3, "firm_age", [str(a) for a in AGES])
    return data


# --------------------------------------------------------------------------------------------
def test_sample_profile_columns_and_labels():
    prof = sample_profile(make_data(), CB)
    assert list(prof.columns) == ["variable", "label", "kind", "category", "n", "share", "value"]
    own = prof[prof["variable"] == "ownership"]
    assert set(own["label"]) == {"Ownership"}
    assert list(own["category"]) == ["State-owned", "Private", "Foreign-invested", "Joint venture", "Missing"]
    assert list(own["n"]) == [6, 8, 4, 1, 1]
    assert list(own["share"]) == pytest.approx([0.30, 0.40, 0.20, 0.05, 0.05])
    role = prof[prof["variable"] == "role"]
    assert list(role["category"]) == ["Senior manager", "Middle manager", "3"]
    assert list(role["n"]) == [9, 9, 2]
    assert set(role["label"]) == {"Respondent's role"}


def test_sample_profile_counts_add_up():
    data = make_data()
    prof = sample_profile(data, CB)
    for var, grp in prof[prof["kind"].isin(["category", "band"])].groupby("variable"):
        assert grp["n"].sum() == len(data), var
        assert grp["share"].sum() == pytest.approx(1.0), var


def test_sample_profile_numeric_firm_age():
    prof = sample_profile(make_data(), CB)
    age = prof[prof["variable"] == "firm_age"]
    assert set(age["kind"]) == {"statistic", "band"}
    assert set(age["label"]) == {"Firm age (years)"}
    st = age[age["kind"] == "statistic"].set_index("category")["value"]
    x = np.array(AGES, float)
    assert st["mean"] == pytest.approx(x.mean())
    assert st["sd"] == pytest.approx(x.std(ddof=1))
    assert st["median"] == pytest.approx(np.median(x))
    assert st["min"] == 1 and st["max"] == 41
    bands = age[age["kind"] == "band"].set_index("category")["n"]
    assert list(bands.index) == ["< 5 years", "5-9 years", "10-19 years", "20-29 years", ">= 30 years"]
    # <5: 1,3,4 | 5-9: 5,6,9,8 | 10-19: 10,12,15,19,11,13 | 20-29: 20,22,25,29 | >=30: 30,35,41
    assert list(bands) == [3, 4, 6, 4, 3]


def test_sample_profile_numeric_with_a_blank_cell():
    """One unanswered firm age must not turn the statistics into a frequency table of every age."""
    data = make_data()
    data.loc[3, "firm_age"] = ""
    prof = sample_profile(data, CB)
    age = prof[prof["variable"] == "firm_age"]
    assert "statistic" in set(age["kind"]), age[["kind", "category", "n"]].to_string()
    st = age[age["kind"] == "statistic"].set_index("category")["value"]
    answered = np.array([a for i, a in enumerate(AGES) if i != 3], float)
    assert st["mean"] == pytest.approx(answered.mean())
    assert set(age.loc[age["kind"] == "category", "category"]) <= {"Missing"}


def test_item_table():
    data = make_data()
    tab = item_table(data, CB, dropped=["B2"])
    assert list(tab.columns) == ["construct", "item", "n", "mean", "sd", "min", "max", "skew", "skew_se",
                                 "kurtosis", "kurtosis_se", "dropped"]
    assert list(tab["item"]) == ITEMS
    assert list(tab["construct"]) == ["A", "A", "A", "B", "B", "B"]
    assert list(tab["dropped"]) == [False, False, False, False, True, False]
    row = tab.set_index("item").loc["B1"]
    x = data["B1"].to_numpy(float)
    assert row["n"] == 20
    assert row["mean"] == pytest.approx(x.mean())
    assert row["sd"] == pytest.approx(x.std(ddof=1))
    assert (row["min"], row["max"]) == (x.min(), x.max())
    # SPSS G1 / G2 from their textbook formulas
    n = len(x)
    m2, m3, m4 = (np.mean((x - x.mean()) ** k) for k in (2, 3, 4))
    g1, g2 = m3 / m2 ** 1.5, m4 / m2 ** 2 - 3
    G1 = np.sqrt(n * (n - 1)) / (n - 2) * g1
    G2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6)
    assert row["skew"] == pytest.approx(G1, rel=1e-10)
    assert row["kurtosis"] == pytest.approx(G2, rel=1e-10)
    se_s = np.sqrt(6 * n * (n - 1) / ((n - 2) * (n + 1) * (n + 3)))
    assert row["skew_se"] == pytest.approx(se_s)
    assert row["kurtosis_se"] == pytest.approx(2 * se_s * np.sqrt((n * n - 1) / ((n - 3) * (n + 5))))


def test_item_table_ignores_missing_and_constant_items():
    data = make_data()
    data.loc[[0, 4], "A1"] = np.nan
    data["B2"] = 3.0
    tab = item_table(data, CB, dropped=[]).set_index("item")
    assert tab.loc["A1", "n"] == 18
    assert tab.loc["A1", "mean"] == pytest.approx(np.nanmean(data["A1"]))
    assert tab.loc["B2", "sd"] == 0 and np.isnan(tab.loc["B2", "skew"])


def test_skewness_kurtosis_edge_cases():
    x = np.array([1, 2, 2, 3, 3, 3, 4, 4, 5, 9], float)
    sk = skewness_kurtosis(x)
    assert sk["skew"] == pytest.approx(stats.skew(x, bias=False))
    assert sk["kurtosis"] == pytest.approx(stats.kurtosis(x, bias=False))
    assert sk["skew"] > 1
    sym = skewness_kurtosis(np.array([1, 2, 3, 3, 4, 5], float))
    assert sym["skew"] == pytest.approx(0.0, abs=1e-12)
    assert np.isnan(skewness_kurtosis(np.array([1.0, 2.0, np.nan]))["skew"])     # n < 4
    with_nan = skewness_kurtosis(np.append(x, np.nan))
    assert with_nan["skew"] == pytest.approx(sk["skew"])


def test_normality_flags():
    data = make_data()
    items = ["A1", "A2", "A3", "B1", "B3"]
    tab = item_table(data, CB, dropped=["B2"])
    norm = normality(data, items, tab)
    uni = norm["univariate"]
    a3 = tab.set_index("item").loc["A3"]
    assert a3["skew"] > 2
    assert uni["flagged_items"] == ["A3"] and uni["n_flagged"] == 1
    assert uni["all_within_limits"] is False
    assert uni["skew_limit"] == 2.0 and uni["kurtosis_limit"] == 7.0
    assert uni["max_abs_skew"] == pytest.approx(abs(a3["skew"]))
    assert norm["items"] == items
    assert norm["mardia"]["p"] == 5 and norm["mardia"]["n"] == 20
    # without A3 nothing is flagged
    ok = normality(data, ["A1", "A2", "B1", "B3"], tab)["univariate"]
    assert ok["flagged_items"] == [] and ok["all_within_limits"] is True


def test_mardia_against_direct_computation():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(60, 3)) @ np.array([[1, 0.5, 0], [0, 1, 0.3], [0, 0, 1]]) + rng.exponential(size=(60, 3))
    m = mardia(X)
    n, p = X.shape
    Z = X - X.mean(0)
    Sinv = np.linalg.inv(np.cov(X, rowvar=False, ddof=0))
    b1 = sum((Z[i] @ Sinv @ Z[j]) ** 3 for i in range(n) for j in range(n)) / n ** 2
    b2 = sum((Z[i] @ Sinv @ Z[i]) ** 2 for i in range(n)) / n
    assert m["b1p"] == pytest.approx(b1, rel=1e-10)
    assert m["b2p"] == pytest.approx(b2, rel=1e-10)
    assert m["skewness_chi2"] == pytest.approx(n * b1 / 6)
    assert m["skewness_df"] == p * (p + 1) * (p + 2) / 6
    assert m["kurtosis_cr"] == pytest.approx((b2 - p * (p + 2)) / np.sqrt(8 * p * (p + 2) / n))


def test_mardia_both_computation_paths_equal_the_direct_formula():
    """b1p is computed from the N x N matrix when N <= p^2 and from the third-moment tensor
    otherwise; both must equal the textbook double sum."""
    from clusterup.measurement.describe import mardia

    rng = np.random.default_rng(5)
    for n, p in ((40, 8), (300, 4)):          # 40 <= 64 (matrix path), 300 > 16 (tensor path)
        X = rng.standard_normal((n, p)) ** 3 + rng.standard_normal((n, 1))
        Z = X - X.mean(axis=0)
        S = Z.T @ Z / n
        D = Z @ np.linalg.solve(S, Z.T)
        got = mardia(X, ddof=0)
        assert got["b1p"] == pytest.approx(np.sum(D ** 3) / n ** 2, rel=1e-10)
        assert got["b2p"] == pytest.approx(np.sum(np.diag(D) ** 2) / n, rel=1e-10)
