"""Unit checks of the examiner's analyses: model construction, bad input, hand computations."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from clusterup.errors import InputError
from clusterup.estimation.syntax import parse_model
from clusterup.io.config import Codebook
from clusterup.measurement.alternatives import nested_difference, second_order_measurement
from clusterup.measurement.groups import group_levels
from clusterup.measurement.method_bias import ulmc_model
from clusterup.structural.controls import apply_controls
from clusterup.structural.sobel import product_terms, sobel_aroian

MODEL = parse_model("A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3\nC =~ c1 + c2 + c3\nH =~ A + B\n"
                    "C ~ p*H\nd := p*2\ne := p*p\n")
CB = Codebook(1, 5, [], {}, {}, {"own": {"label": "Ownership", "categories": {"1": "State", "2": "Private", "3": "Foreign"}},
                                 "age": {"label": "Age", "categories": {}}})


def test_second_order_measurement_keeps_factor_lines_only():
    m = second_order_measurement(MODEL)
    assert {t.op for t in m.terms} == {"=~"} and ("H", "A") in {(t.lhs, t.rhs) for t in m.terms}
    assert second_order_measurement(parse_model("A =~ a1 + a2 + a3")) is None


def test_ulmc_model_equal_free_loadings_unit_variance_orthogonal():
    m, name = ulmc_model(parse_model("A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3"))
    ml = [t for t in m.terms if t.lhs == name and t.op == "=~"]
    assert len(ml) == 6 and len({t.label for t in ml}) == 1 and ml[0].free_forced
    assert {(t.rhs, t.fixed) for t in m.terms if t.lhs == name and t.op == "~~"} == {(name, 1.0), ("A", 0.0), ("B", 0.0)}


def test_nested_difference_by_hand():
    d = nested_difference(100.0, 50, 112.0, 53)
    assert d == {"delta_chi2": 12.0, "delta_df": 3, "p_delta": pytest.approx(stats.chi2.sf(12, 3))}
    assert np.isnan(nested_difference(100.0, 50, 100.0, 50)["p_delta"])


def test_sobel_aroian_by_hand():
    r = sobel_aroian(0.5, 0.1, 0.4, 0.2)
    assert r["se_sobel"] == pytest.approx(np.sqrt(0.16 * 0.01 + 0.25 * 0.04))
    assert r["se_aroian"] == pytest.approx(np.sqrt(0.16 * 0.01 + 0.25 * 0.04 + 0.01 * 0.04))
    assert product_terms(MODEL) == [("e", "p", "p")]        # 'p*2' is not a product of two labels


def test_group_levels_bins_and_categories():
    data = pd.DataFrame({"own": ["1", "2", "3", "", "2"], "age": ["3", "12", "25", "40", "7"]})
    lv = group_levels(data, CB, {"age": [10, 30]})
    assert list(lv["own"].astype(object).fillna("missing")) == ["State", "Private", "Foreign", "missing", "Private"]
    assert list(lv["own"].cat.categories) == ["State", "Private", "Foreign"]
    assert list(lv["age"].astype(str)) == ["< 10", "10 to < 30", "10 to < 30", ">= 30", "< 10"]


def _data():
    rng = np.random.default_rng(1)
    d = pd.DataFrame(rng.normal(size=(40, 9)), columns=[f"{x}{i}" for x in "abc" for i in (1, 2, 3)])
    d.insert(0, "resp_id", [f"R{i}" for i in range(40)])
    d["own"] = [str(1 + i % 3) for i in range(40)]
    d["age"] = [str(5 + i) for i in range(40)]
    return d


def test_controls_dummies_against_reference_label():
    aug, d, info = apply_controls(MODEL, _data(), [{"variable": "own", "reference": "Private"}], CB)
    assert info.columns["own"] == ["own_1", "own_3"] and info.reference["own"] == "Private"
    assert d["own_1"].sum() == 14 and {("C", "own_1"), ("C", "own_3")} <= {(t.lhs, t.rhs) for t in aug.terms if t.op == "~"}


@pytest.mark.parametrize("controls, text", [
    ([{"variable": "owner"}], "not a demographic"),
    ([{"variable": "own"}], "needs a reference level"),
    ([{"variable": "own", "reference": "9"}], "not a level"),
])
def test_controls_bad_input(controls, text):
    with pytest.raises(InputError, match=text):
        apply_controls(MODEL, _data(), controls, CB)


def test_controls_missing_value_names_rows():
    d = _data()
    d.loc[3, "age"] = ""
    with pytest.raises(InputError, match="missing for 1 valid questionnaire.*R3"):
        apply_controls(MODEL, d, [{"variable": "age"}], CB)


def test_no_controls_is_identity():
    d = _data()
    m, d2, info = apply_controls(MODEL, d, [], CB)
    assert m is MODEL and d2 is d and info.columns == {}
