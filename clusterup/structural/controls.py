"""Control variables: demographics entering the equations of the endogenous factors.

The one place where the model with controls is made (:func:`apply_controls`); the sem, nested and
bootstrap steps use what it returns, so the SEM, effects, bootstrap and hypotheses all see the same
augmented model.

Config (``controls:``, default empty)::

    controls:
      - {variable: ownership, reference: "1"}   # categories: one 0/1 dummy per other level
      - {variable: firm_age}                    # numeric: entered as given

* a demographic with categories in the codebook is dummy-coded against the stated ``reference``
  level (its code or its label); a level nobody chose gets no dummy;
* a numeric demographic enters as its values;
* every control is regressed on by every endogenous variable of the structural model (each
  left-hand side of ``~``): ``Y ~ ctrl``;
* controls covary with each other (default rule for exogenous observed variables) and with the
  exogenous latent factors, as AMOS draws every exogenous variable correlated; lavaan's
  ``fixed.x = TRUE`` with the same covariances written out gives the same estimates.

Respondents with a missing control stop the run with the count and the first ids (the SEM uses
every valid questionnaire; dropping rows silently would change N for one step only).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from clusterup.errors import InputError, close_matches
from clusterup.estimation.syntax import ModelSyntax, Term
from clusterup.io.config import Codebook


@dataclass
class ControlsInfo:
    """What was added: per control its columns (dummies or the variable), reference level, and the
    endogenous variables it enters."""

    columns: dict[str, list[str]] = field(default_factory=dict)
    reference: dict[str, str | None] = field(default_factory=dict)
    dummy_levels: dict[str, str] = field(default_factory=dict)   # column -> level label
    endogenous: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"columns": self.columns, "reference": self.reference, "dummy_levels": self.dummy_levels,
                "endogenous": self.endogenous}


def _safe(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", str(s))


def apply_controls(syntax: ModelSyntax, data: pd.DataFrame, controls: list[dict], codebook: Codebook,
                   source: str = "config") -> tuple[ModelSyntax, pd.DataFrame, ControlsInfo]:
    """The model and data with control variables (see the module docstring).

    Parameters
    ----------
    syntax : ModelSyntax
        The analysed model (items already purified).
    data : DataFrame
        The clean data (demographics as text, as :func:`clusterup.io.clean.read_clean` returns).
    controls : list of dict
        Config ``controls`` entries: ``variable`` and, for a categorical demographic, ``reference``.
    codebook : Codebook

    Returns
    -------
    (ModelSyntax, DataFrame, ControlsInfo) — unchanged inputs when ``controls`` is empty.
    """
    info = ControlsInfo()
    if not controls:
        return syntax, data, info
    endo = list(dict.fromkeys(t.lhs for t in syntax.terms if t.op == "~"))
    if not endo:
        raise InputError("controls are given but the model has no regression (~) lines to enter them into",
                         file=source, where="controls", fix="remove `controls:` or add the structural model")
    info.endogenous = endo
    taken = set(syntax.latent) | set(syntax.observed) | set(data.columns)
    out = data.copy()
    new_cols: list[str] = []
    seen = set()
    for k, c in enumerate(controls):
        where = f"controls[{k}]"
        var = str(c.get("variable", ""))
        if var not in codebook.demographics:
            raise InputError(f"control {var!r} is not a demographic of the codebook"
                             f"{close_matches(var, codebook.demographics)}", file=source, where=f"{where}.variable",
                             fix=f"use one of: {', '.join(codebook.demographics)}")
        if var in seen:
            raise InputError(f"control {var!r} is listed twice", file=source, where=where, fix="list it once")
        seen.add(var)
        raw = data[var].astype(str).str.strip().replace({"nan": "", "None": ""})
        missing = raw == ""
        if missing.any():
            ids = ", ".join(map(str, data.loc[missing, data.columns[0]].head(5)))
            raise InputError(f"control {var!r} is missing for {int(missing.sum())} valid questionnaire(s) "
                             f"(first: {ids})", file=source, where=f"{where}.variable",
                             fix=f"complete {var} in the data, or drop it from `controls`")
        cats = codebook.demographics[var].get("categories") or {}
        if cats:
            ref = c.get("reference")
            if ref is None:
                raise InputError(f"categorical control {var!r} needs a reference level", file=source,
                                 where=f"{where}.reference",
                                 fix=f"add `reference:` with one of the codes {', '.join(cats)} (or its label)")
            ref = str(ref)
            by_label = {v: k2 for k2, v in cats.items()}
            ref_code = ref if ref in cats else by_label.get(ref)
            if ref_code is None:
                raise InputError(f"reference {ref!r} is not a level of {var!r}", file=source,
                                 where=f"{where}.reference",
                                 fix=f"use a code ({', '.join(cats)}) or a label ({', '.join(cats.values())})")
            present = [code for code in cats if (raw == code).any()]
            if ref_code not in present:
                raise InputError(f"nobody in the valid sample has the reference level {ref!r} of {var!r}",
                                 file=source, where=f"{where}.reference", fix="choose a level that occurs")
            cols = []
            for code in present:
                if code == ref_code:
                    continue
                name = _unique(f"{_safe(var)}_{_safe(code)}", taken)
                taken.add(name)
                out[name] = (raw == code).astype(float)
                cols.append(name)
                info.dummy_levels[name] = cats[code]
            info.reference[var] = cats[ref_code]
        else:
            x = pd.to_numeric(raw, errors="coerce")
            if x.isna().any():
                bad = raw[x.isna()].iloc[0]
                raise InputError(f"numeric control {var!r} has a non-numeric value {bad!r}", file=source,
                                 where=f"{where}.variable",
                                 fix=f"give categories for {var} in the codebook, or correct the value")
            name = var if var not in set(syntax.observed) | set(syntax.latent) else _unique(f"{_safe(var)}_c", taken)
            taken.add(name)
            out[name] = x.astype(float)
            cols = [name]
            info.reference[var] = None
        if not cols:
            raise InputError(f"control {var!r} has a single level in the valid sample", file=source,
                             where=f"{where}.variable", fix="drop it from `controls`")
        for col in cols:
            if np.var(out[col].to_numpy()) == 0:
                raise InputError(f"control column {col!r} is constant", file=source, where=where,
                                 fix="drop the control")
        info.columns[var] = cols
        new_cols += cols
    lat = set(syntax.latent)
    indicators = {t.rhs for t in syntax.terms if t.op == "=~"}
    exo_latent = [f for f in syntax.latent if f not in set(endo) and f not in indicators]
    terms = list(syntax.terms)
    terms += [Term(y, "~", col) for y in endo for col in new_cols]
    terms += [Term(col, "~~", f) for col in new_cols for f in exo_latent if f in lat]
    return replace(syntax, terms=tuple(terms)), out, info


def _unique(name: str, taken: set[str]) -> str:
    out, k = name, 2
    while out in taken:
        out, k = f"{name}_{k}", k + 1
    return out
