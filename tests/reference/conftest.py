"""Shared loaders and comparison helpers for the reference test layer.

The R reference numbers live in ``tests/reference/values/*.json`` (written by the scripts in
``tests/reference/r/``, lavaan 0.6.14 / semTools 0.5.6 / psych 2.2.9; see ``r/README.md``), the
data sets the R scripts read in ``tests/reference/data/*.csv``.  Both are read-only for the
tests.  Everything here is exposed through the session fixture ``ref`` (a namespace), so the
test modules never import this file.

Tolerances (project spec): estimates 1e-3 absolute, SEs 1 % relative, χ² 1e-4 relative, other fit
indices 1e-3 absolute, std_all and R² 1e-3 absolute.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from clusterup.estimation.sem import fit_sem
from clusterup.estimation.syntax import fix_paths_to_zero, parse_model

HERE = Path(__file__).resolve().parent
DATA_DIR = HERE / "data"
VALUES_DIR = HERE / "values"

TOL_EST = 1e-3        # estimates, std_all, R², fit indices (absolute)
TOL_SE_REL = 0.01     # standard errors (relative)
TOL_CHI2_REL = 1e-4   # χ² (relative)


# ---------------------------------------------------------------------------------------------
# loaders
# ---------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def load_values(name: str) -> dict:
    """A reference JSON by stem, e.g. ``load_values("lavaan_cfa_hs")``."""
    return json.loads((VALUES_DIR / f"{name}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _load_data(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / f"{name}.csv")


def load_data(name: str) -> pd.DataFrame:
    """A reference data set by stem (a copy: callers may not alter the cache)."""
    return _load_data(name).copy()


def matrix(m: dict) -> pd.DataFrame:
    """A matrix stored by helpers.R ``mat_json`` as a labelled DataFrame."""
    return pd.DataFrame(np.array(m["data"], dtype=float), index=m["rownames"], columns=m["colnames"])


# ---------------------------------------------------------------------------------------------
# the lavaan cases: id -> (model text, data set, likelihood, reference block)
# ---------------------------------------------------------------------------------------------
def _cases() -> dict:
    cfa = load_values("lavaan_cfa_hs")
    pol = load_values("lavaan_sem_polidem")
    med = load_values("lavaan_mediation")
    out = {}
    for lik in ("normal", "wishart"):
        out[f"hs_cfa-{lik}"] = (cfa["model"], "holzinger1939", lik, cfa["cfa"][lik], cfa["n"])
    v = cfa["variant_rescov_equality"]
    out["hs_variant-normal"] = (v["model"], "holzinger1939", "normal", v, cfa["n"])
    for m in ("labelled", "free"):
        for lik in ("normal", "wishart"):
            out[f"polidem_{m}-{lik}"] = (pol["models"][m], "politicaldemocracy", lik, pol[m][lik], pol["n"])
    for lik in ("normal", "wishart"):
        out[f"mediation-{lik}"] = (med["model"], "mediation_sim", lik, med["ml"][lik], med["n"])
    return out


CASE_IDS = ["hs_cfa-normal", "hs_cfa-wishart", "hs_variant-normal",
            "polidem_labelled-normal", "polidem_labelled-wishart",
            "polidem_free-normal", "polidem_free-wishart",
            "mediation-normal", "mediation-wishart"]


@lru_cache(maxsize=None)
def case(case_id: str) -> SimpleNamespace:
    model, data, lik, block, n = _cases()[case_id]
    return SimpleNamespace(id=case_id, model=model, data=data, likelihood=lik, ref=block, n=n)


@lru_cache(maxsize=None)
def fitted(model_text: str, data_name: str, likelihood: str, zero_paths: tuple[str, ...] = ()):
    """Fit (cached for the session) ``model_text`` on a reference data set."""
    syntax = parse_model(model_text)
    if zero_paths:
        syntax = fix_paths_to_zero(syntax, list(zero_paths))
    return fit_sem(syntax, data=_load_data(data_name), likelihood=likelihood)


def fit_case(case_id: str):
    c = case(case_id)
    return fitted(c.model, c.data, c.likelihood)


# ---------------------------------------------------------------------------------------------
# comparison helpers (return lists of readable mismatch strings; tests assert they are empty)
# ---------------------------------------------------------------------------------------------
def param_key(lhs: str, op: str, rhs: str) -> tuple:
    """Row identity: ``~~`` pairs are unordered (x1 ~~ y1 == y1 ~~ x1); ``:=`` by name."""
    if op == "~~":
        return ("~~",) + tuple(sorted((lhs, rhs)))
    if op == ":=":
        return (":=", lhs)
    return (op, lhs, rhs)


def keyed(records) -> dict:
    return {param_key(r["lhs"], r["op"], r["rhs"]): r for r in records}


def compare_estimates(ours: pd.DataFrame, lavaan_pe: list[dict]) -> list[str]:
    """est (1e-3), se (1 % rel., free and defined parameters), std_all (1e-3), label, p (1e-3)."""
    mine = keyed(ours.to_dict("records"))
    bad = []
    theirs = keyed(lavaan_pe)
    if set(mine) != set(theirs):
        bad.append(f"parameter sets differ: only ours {sorted(set(mine) - set(theirs))}, "
                   f"only lavaan {sorted(set(theirs) - set(mine))}")
    for k, r in theirs.items():
        o = mine.get(k)
        if o is None:
            continue
        tag = f"{r['lhs']} {r['op']} {r['rhs']}"
        if abs(o["est"] - r["est"]) > TOL_EST:
            bad.append(f"{tag}: est {o['est']:.6f} vs lavaan {r['est']:.6f}")
        if abs(o["std_all"] - r["std_all"]) > TOL_EST:
            bad.append(f"{tag}: std_all {o['std_all']:.6f} vs lavaan {r['std_all']:.6f}")
        if r["op"] != ":=" and (o["label"] or "") != (r["label"] or ""):
            bad.append(f"{tag}: label {o['label']!r} vs lavaan {r['label']!r}")
        lav_free = r["z"] is not None
        if r["op"] != ":=" and bool(o["free"]) != lav_free:
            bad.append(f"{tag}: free={o['free']} vs lavaan free={lav_free}")
        if lav_free:
            if not (abs(o["se"] / r["se"] - 1) <= TOL_SE_REL):
                bad.append(f"{tag}: se {o['se']:.6f} vs lavaan {r['se']:.6f}")
            if not (abs(o["p"] - r["pvalue"]) <= TOL_EST):
                bad.append(f"{tag}: p {o['p']:.6f} vs lavaan {r['pvalue']:.6f}")
    return bad


def compare_rsquare(result, lavaan_r2: dict) -> list[str]:
    r2 = result.r_squared().set_index("variable")["r2"]
    bad = []
    if set(r2.index) != set(lavaan_r2):
        bad.append(f"R² variables differ: ours {sorted(r2.index)}, lavaan {sorted(lavaan_r2)}")
    for v, val in lavaan_r2.items():
        if v in r2.index and abs(r2[v] - val) > TOL_EST:
            bad.append(f"R²({v}) {r2[v]:.6f} vs lavaan {val:.6f}")
    return bad


@pytest.fixture(scope="session")
def ref() -> SimpleNamespace:
    """Namespace of the loaders and helpers above."""
    return SimpleNamespace(
        values=load_values, data=load_data, matrix=matrix, case=case, fitted=fitted, fit_case=fit_case,
        param_key=param_key, keyed=keyed, compare_estimates=compare_estimates,
        compare_rsquare=compare_rsquare, TOL_EST=TOL_EST, TOL_SE_REL=TOL_SE_REL,
        TOL_CHI2_REL=TOL_CHI2_REL)
