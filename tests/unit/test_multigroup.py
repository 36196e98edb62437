"""Multi-group input handling: group splitting by codes, unmapped rows, and a group too small to estimate."""
from pathlib import Path

import pandas as pd
import pytest

from clusterup.errors import InputError
from clusterup.estimation.multigroup import fit_multigroup, split_groups
from clusterup.estimation.spec import build_spec
from clusterup.estimation.syntax import parse_model

HS = pd.read_csv(Path(__file__).resolve().parents[1] / "reference" / "data" / "holzinger1939.csv")


def test_split_counts_unmapped_rows():
    parts, unmapped = split_groups(HS.assign(g=[1, 2, 3] * 100 + [1]), "g", {"A": [1], "B": [2]})
    assert [len(d) for _, d in parts] == [101, 100] and unmapped == 100


def test_group_not_larger_than_items_fails_naming_group_and_size():
    spec = build_spec(parse_model("f =~ x1 + x2 + x3\ng =~ x4 + x5 + x6"), list(HS.columns))
    tiny = HS.iloc[:5]
    with pytest.raises(InputError, match=r"group 'Tiny' has only 5 respondents"):
        fit_multigroup(spec, [("Big", HS.iloc[5:]), ("Tiny", tiny)])


def test_unknown_column_and_single_group_are_input_errors():
    with pytest.raises(InputError, match="not a column"):
        split_groups(HS, "nope", {"A": [1], "B": [2]})
    with pytest.raises(InputError, match="at least two groups"):
        split_groups(HS, "school", {"A": ["Pasteur"]})


def test_group_smaller_than_free_parameters_fails_before_any_fit():
    from clusterup.structural.multigroup import check_group_sizes

    # 3-factor CFA: 6 loadings + 9 residuals + 3 factor variances + 3 covariances = 21, + 9 intercepts = 30
    spec = build_spec(parse_model("f =~ x1 + x2 + x3\ng =~ x4 + x5 + x6\nh =~ x7 + x8 + x9"), list(HS.columns))
    parts = [("Big", HS.iloc[29:]), ("Small", HS.iloc[:29])]
    with pytest.raises(InputError) as err:
        check_group_sizes(parts, spec, by="school")
    msg = str(err.value)
    assert "group 'Small' of school has 29 respondents" in msg and "30 free parameters" in msg
    assert "merge levels" in msg and "drop the multigroup block" in msg
    check_group_sizes([("Big", HS.iloc[30:]), ("Small", HS.iloc[:30])], spec, by="school")
