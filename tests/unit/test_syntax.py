"""clusterup.estimation.syntax: the lavaan-subset parser, defined parameters and model transformations (SPEC §4)."""
from __future__ import annotations

import builtins
import os

import numpy as np
import pytest

from clusterup.errors import InputError
from clusterup.estimation.syntax import (DefinedParameters, drop_variables, fix_paths_to_zero, measurement_model,
                              parse_model)

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODEL_FILE = os.path.join(REPO, "config", "model.lavaan")


def _terms(m, op=None):
    return {(t.lhs, t.op, t.rhs): t for t in m.terms if op is None or t.op == op}


def _error(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse_model(text, source="study.lavaan")
    return info.value


# --------------------------------------------------------------------------------------------
# statements, labels, fixed values
# --------------------------------------------------------------------------------------------
def test_labels_fixed_values_na_and_start():
    m = parse_model("f =~ 1*x1 + NA*x2 + lam*x3 + start(0.5)*x4 + 0.7*x5\n"
                    "y ~ b1*f + 0*z\n"
                    "x1 ~~ x2\n")
    t = _terms(m)
    assert t[("f", "=~", "x1")].fixed == 1.0 and t[("f", "=~", "x1")].label is None
    assert t[("f", "=~", "x2")].free_forced is True and t[("f", "=~", "x2")].fixed is None
    assert t[("f", "=~", "x3")].label == "lam" and t[("f", "=~", "x3")].fixed is None
    assert t[("f", "=~", "x4")].start == 0.5 and t[("f", "=~", "x4")].fixed is None
    assert t[("f", "=~", "x5")].fixed == pytest.approx(0.7)
    assert t[("y", "~", "f")].label == "b1"
    assert t[("y", "~", "z")].fixed == 0.0
    assert ("x1", "~~", "x2") in t
    assert m.latent == ["f"]
    assert m.observed == ["x1", "x2", "x3", "x4", "x5", "y", "z"]
    assert m.labels == ["lam", "b1"]
    assert m.indicators("f") == ["x1", "x2", "x3", "x4", "x5"]


def test_shared_label_is_an_equality_constraint():
    m = parse_model("f =~ x1 + a*x2 + a*x3\ng =~ x4 + a*x5 + x6\n")
    labelled = [(t.lhs, t.rhs) for t in m.terms if t.label == "a"]
    assert labelled == [("f", "x2"), ("f", "x3"), ("g", "x5")]
    assert m.labels == ["a"]


def test_multiline_continuation_comments_and_semicolons():
    text = ("# a comment line\n"
            "f =~ x1 +\n"
            "     x2   # trailing comment\n"
            "     + x3 ! lavaan's other comment character\n"
            "g =~\n"
            "   x4 + x5 + x6\n"
            "y ~ b*f; y ~ c*g\n"
            "tot := b +\n"
            "       c\n")
    m = parse_model(text)
    assert m.indicators("f") == ["x1", "x2", "x3"]
    assert m.indicators("g") == ["x4", "x5", "x6"]
    assert {t.line for t in m.terms if t.lhs == "f"} == {2}
    assert {t.line for t in m.terms if t.lhs == "g"} == {5}
    assert [(t.rhs, t.label, t.line) for t in m.terms if t.op == "~"] == [("f", "b", 7), ("g", "c", 7)]
    assert [(d.name, d.line) for d in m.definitions] == [("tot", 8)]
    assert DefinedParameters(m.definitions).evaluate({"b": 0.25, "c": 0.5})[0].tolist() == [0.75]


@pytest.mark.parametrize("op,expected", [("+", 2.0), ("*", 0.75), ("-", 1.0), ("/", 3.0), ("^", 1.5 ** 0.5)])
def test_definition_continues_after_any_trailing_operator(op, expected):
    """The module promises: a line ending in an operator continues the statement (as in lavaan)."""
    m = parse_model(f"f =~ x1 + a*x2 + b*x3\nd := a {op}\n     b\n")
    assert [d.text for d in m.definitions] == [f"a {op} b"]
    assert DefinedParameters(m.definitions).evaluate({"a": 1.5, "b": 0.5})[0][0] == pytest.approx(expected)


def test_default_model_file_parses():
    with open(MODEL_FILE, encoding="utf-8") as fh:
        m = parse_model(fh.read(), MODEL_FILE)
    assert m.latent == ["NSC", "TIE", "POS", "KAC", "KAB", "KCR", "PRC", "PRD", "FUN", "IB", "UPG"]
    assert m.first_order == ["NSC", "TIE", "POS", "KAC", "KAB", "KCR", "PRC", "PRD", "FUN"]
    assert len(m.observed) == 36
    assert m.indicators("IB") == ["KAC", "KAB", "KCR"]
    assert [d.name for d in m.definitions] == ["ind_nsc", "ind_tie", "ind_pos", "tot_nsc", "tot_tie", "tot_pos"]
    assert m.labels == ["a1", "a2", "a3", "b", "c1", "c2", "c3"]
    # round trip through to_text
    again = parse_model(m.to_text())
    assert [(t.lhs, t.op, t.rhs, t.label, t.fixed) for t in again.terms] == \
        [(t.lhs, t.op, t.rhs, t.label, t.fixed) for t in m.terms]
    assert [d.text for d in again.definitions] == [d.text for d in m.definitions]


# --------------------------------------------------------------------------------------------
# defined parameters: values and forward-mode gradients
# --------------------------------------------------------------------------------------------
DEF_MODEL = """
f =~ x1 + a*x2 + b*x3
g =~ x4 + c*x5 + x6
g ~ d*f
p1 := a*b
p2 := a/b + c^2 - 3
p3 := -(a - b*c)^3
p4 := a^b + 2^c
p5 := p1 * d + p2 / (1 + d^2)
p6 := -a^2 + 2*-b
"""


def _reference(v):
    a, b, c, d = v
    p1 = a * b
    p2 = a / b + c ** 2 - 3
    p3 = -(a - b * c) ** 3
    p4 = a ** b + 2 ** c
    p5 = p1 * d + p2 / (1 + d ** 2)
    p6 = -(a ** 2) + 2 * -b
    return np.array([p1, p2, p3, p4, p5, p6])


def test_defined_parameter_values():
    m = parse_model(DEF_MODEL)
    dp = DefinedParameters(m.definitions)
    assert dp.names == ["p1", "p2", "p3", "p4", "p5", "p6"]
    vals = {"a": 0.8, "b": 1.3, "c": -0.6, "d": 0.45}
    got, jac = dp.evaluate(vals)
    np.testing.assert_allclose(got, _reference([0.8, 1.3, -0.6, 0.45]), rtol=1e-13)
    assert jac.shape == (6, 0)


@pytest.mark.parametrize("point", [(0.8, 1.3, -0.6, 0.45), (1.7, 0.4, 0.9, -1.2)])
def test_defined_parameter_gradients_match_finite_differences(point):
    m = parse_model(DEF_MODEL)
    dp = DefinedParameters(m.definitions)
    names = ["a", "b", "c", "d"]
    vals = dict(zip(names, point))
    grads = {k: np.eye(4)[i] for i, k in enumerate(names)}
    got, jac = dp.evaluate(vals, grads, 4)
    np.testing.assert_allclose(got, _reference(point), rtol=1e-13)
    h = 1e-6
    fd = np.empty((6, 4))
    for j in range(4):
        up, dn = np.array(point, float), np.array(point, float)
        up[j] += h
        dn[j] -= h
        fd[:, j] = (_reference(up) - _reference(dn)) / (2 * h)
    np.testing.assert_allclose(jac, fd, rtol=1e-6, atol=1e-7)


def test_gradient_chain_through_affine_parameter_map():
    """Label gradients need not be unit vectors: J = dp/dlabel · dlabel/dθ."""
    m = parse_model("f =~ x1 + a*x2 + b*x3\nab := a*b\n")
    dp = DefinedParameters(m.definitions)
    ga, gb = np.array([1.0, 2.0, 0.0]), np.array([0.0, -1.0, 3.0])
    _, jac = dp.evaluate({"a": 2.0, "b": 5.0}, {"a": ga, "b": gb}, 3)
    np.testing.assert_allclose(jac[0], 5.0 * ga + 2.0 * gb)


# --------------------------------------------------------------------------------------------
# errors, with the file and the line
# --------------------------------------------------------------------------------------------
def test_unknown_label_in_definition_names_label_and_line():
    err = _error("f =~ x1 + a*x2 + x3\ny ~ b*f\n\nind := a*bb\n")
    assert err.file == "study.lavaan"
    assert err.where == "line 4"
    assert "bb" in err.problem and "unknown label" in err.problem
    assert "study.lavaan, line 4" in str(err)
    assert "fix:" in str(err)


def test_definition_may_use_earlier_definition_but_not_later_one():
    parse_model("f =~ x1 + a*x2\nd1 := a*2\nd2 := d1 + a\n")
    err = _error("f =~ x1 + a*x2\nd2 := d1 + a\nd1 := a*2\n")
    assert err.where == "line 2" and "d1" in err.problem


@pytest.mark.parametrize("expr", ["a*", "a +", "(a*b", "a b", "*a", "a**b", ")"])
def test_bad_expression(expr):
    err = _error(f"f =~ x1 + a*x2 + b*x3\n\n\nd := {expr}\n")
    assert err.where == "line 4"
    assert "cannot parse the expression" in err.problem
    assert expr.strip() in err.problem


def test_intercept_is_rejected():
    err = _error("f =~ x1 + x2 + x3\ny ~ 1\n")
    assert err.where == "line 2"
    assert "intercept" in err.problem


@pytest.mark.parametrize("stmt,word", [("f == g", "=="), ("f <~ x1 + x2", "<~"), ("x1 | t1", "|"),
                                       ("a < 0.5", "<"), ("a > 0.5", ">")])
def test_unsupported_operators(stmt, word):
    err = _error(f"f =~ x1 + a*x2 + x3\ng =~ x4 + x5 + x6\n{stmt}\n")
    assert err.where == "line 3"
    assert word in err.problem and "not supported" in err.problem
    assert err.fix


@pytest.mark.parametrize("text,line", [
    ("f =~ x1 + x2 + x3\nf =~ x2\n", 2),
    ("f =~ x1 + x2 + x3\ny ~ f\nz ~ x1\ny ~ f\n", 4),
    ("f =~ x1 + x2 + x3\nx1 ~~ x2\nx2 ~~ x1\n", 3),
    ("f =~ x1 + x2 + x1\n", 1),
])
def test_duplicate_statements(text, line):
    err = _error(text)
    assert err.where == f"line {line}"
    assert "specified twice" in err.problem


@pytest.mark.parametrize("expr", ["__import__('os')", "__import__('os').system('true')",
                                  "exp(a)", "a if a else b", "[a][0]", "a.__class__", "a @ b"])
def test_no_python_eval(expr, monkeypatch):
    """Arbitrary Python is never evaluated: such expressions are rejected by our own parser."""
    def forbidden(*args, **kwargs):  # pragma: no cover - must not be called
        raise AssertionError("Python eval/exec/compile used by the model parser")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "compile", forbidden)
    err = _error(f"f =~ x1 + a*x2 + b*x3\nd := {expr}\n")
    assert err.where == "line 2"


def test_empty_model_and_statement_without_operator():
    with pytest.raises(InputError, match="no statements"):
        parse_model("# only a comment\n\n")
    err = _error("f =~ x1 + x2\nsomething odd\n")
    assert err.where == "line 2" and "no operator" in err.problem


def test_bad_variable_name_and_modifier():
    err = _error("f =~ x1 + 2x\n")
    assert err.where == "line 1" and "'2x'" in err.problem
    err = _error("f =~ x1 + c(a,b)*x2\n")
    assert err.where == "line 1" and "not supported" in err.problem


# --------------------------------------------------------------------------------------------
# model transformations
# --------------------------------------------------------------------------------------------
def _default_model():
    with open(MODEL_FILE, encoding="utf-8") as fh:
        return parse_model(fh.read(), MODEL_FILE)


def test_drop_variables_removes_item_and_keeps_the_rest():
    m = _default_model()
    d = drop_variables(m, ["FUN4"])
    assert d.indicators("FUN") == ["FUN1", "FUN2", "FUN3"]
    assert "FUN4" not in d.observed and len(d.observed) == 35
    assert len(d.terms) == len(m.terms) - 1
    assert d.definitions == m.definitions
    assert d.labels == m.labels
    # the original is not modified
    assert m.indicators("FUN") == ["FUN1", "FUN2", "FUN3", "FUN4"]


def test_drop_variables_removes_residual_covariances_of_the_item():
    m = parse_model("f =~ x1 + x2 + x3 + x4\nx3 ~~ x4\nx1 ~~ x2\n")
    d = drop_variables(m, ["x4"])
    assert [(t.lhs, t.op, t.rhs) for t in d.terms] == [("f", "=~", "x1"), ("f", "=~", "x2"),
                                                       ("f", "=~", "x3"), ("x1", "~~", "x2")]


def test_measurement_model_keeps_only_first_order_loadings():
    text = open(MODEL_FILE, encoding="utf-8").read() + "NSC1 ~~ NSC2\nIB ~~ NSC\n"
    m = parse_model(text)
    mm = measurement_model(m)
    assert mm.latent == ["NSC", "TIE", "POS", "KAC", "KAB", "KCR", "PRC", "PRD", "FUN"]
    assert {t.op for t in mm.terms} == {"=~", "~~"}
    assert [(t.lhs, t.rhs) for t in mm.terms if t.op == "~~"] == [("NSC1", "NSC2")]
    assert sum(t.op == "=~" for t in mm.terms) == 36
    assert mm.definitions == ()
    assert "IB" not in mm.latent and "UPG" not in mm.latent


def test_fix_paths_to_zero():
    m = _default_model()
    n = fix_paths_to_zero(m, ["UPG ~ NSC", " UPG~TIE ", "UPG ~ POS"])
    t = _terms(n, "~")
    for x in ("NSC", "TIE", "POS"):
        assert t[("UPG", "~", x)].fixed == 0.0
    assert t[("UPG", "~", "IB")].fixed is None
    assert t[("IB", "~", "NSC")].fixed is None
    assert len(n.terms) == len(m.terms) and n.definitions == m.definitions
    assert _terms(m, "~")[("UPG", "~", "NSC")].fixed is None   # original untouched


def test_fix_paths_to_zero_unknown_path():
    m = _default_model()
    with pytest.raises(InputError) as info:
        fix_paths_to_zero(m, ["UPG ~ NSC", "UPG ~ KAC"], source="config/hypotheses.yaml")
    assert "UPG ~ KAC" in info.value.problem and "not in the model" in info.value.problem
    assert info.value.file == "config/hypotheses.yaml"
    assert info.value.fix
    with pytest.raises(InputError, match="not a regression path"):
        fix_paths_to_zero(m, ["UPG =~ NSC"])
