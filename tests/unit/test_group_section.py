"""The group-differences section speaks only when something was tested: a study without
demographics (Political Democracy) writes empty group tables, and the chapter must not print
"Of 0 tests, 0 are significant … the Bonferroni threshold for 0 tests is p < –"."""
import pandas as pd

from clusterup.report.sections import group_differences

COLUMNS = ["demographic", "construct", "test", "statistic", "df1", "df2", "p", "levene_p"]


class _Study:
    class codebook:
        demographics = {}


def test_no_tests_no_section():
    empty = {"group_tests": pd.DataFrame(columns=COLUMNS),
             "group_means": pd.DataFrame(columns=["demographic", "construct", "level", "n", "mean", "sd"])}
    assert group_differences.build(empty, _Study, {}) is None


def test_one_test_counts_by_hand():
    tests = pd.DataFrame([["size", "NSC", "t_student", 2.5, 1, 98, 0.014, 0.40],
                          ["size", "NSC", "t_welch", 2.4, 1, 80.2, 0.018, 0.40]], columns=COLUMNS)
    means = pd.DataFrame([["size", "NSC", "small", 50, 3.1, 0.8], ["size", "NSC", "large", 50, 3.5, 0.7]],
                         columns=["demographic", "construct", "level", "n", "mean", "sd"])
    out = group_differences.build({"group_tests": tests, "group_means": means}, _Study, {"NSC": "Network scale"})
    # Levene p = .40 ≥ .05: the classical t test is the one read; 1 test, Bonferroni .05 / 1
    assert out["k"] == 1 and out["n_sig"] == 1 and out["bonferroni"] == 0.05
    row = out["rows"][0]
    assert row["test"] == "t_student" and row["high"] == "large" and row["low"] == "small"
