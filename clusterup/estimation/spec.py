"""From parsed syntax to a RAM (reticular action model) specification.

Variables ``v = (observed, latent)`` (``m`` of them, the first ``p`` observed) satisfy
``v = A v + e`` with ``Cov(e) = S``; the model-implied covariance of the observed variables is

    Σ(θ) = F (I − A)⁻¹ S (I − A)⁻ᵀ Fᵀ,    F = [I_p 0]

(McArdle & McDonald 1984).  Every parameter of the model is one entry of ``A`` (``=~`` and ``~``)
or of the symmetric ``S`` (``~~``); a label shared by several entries is an equality constraint.

Default parameters follow lavaan's ``sem()``/``cfa()`` so that a model written for lavaan means
the same thing here:

* the first indicator of each factor has its loading fixed to 1 (unless written ``NA*x``);
* every observed variable has a free residual variance and every latent variable a free
  (residual) variance;
* exogenous latent variables covary (``auto.cov.lv.x``);
* purely dependent variables (left of ``~`` and never right of ``~``) have correlated residuals
  (``auto.cov.y``);
* exogenous observed covariates have free variances and covariances.  This is lavaan's
  ``fixed.x = FALSE`` and AMOS's convention: estimates, χ² and df are the same as with
  ``fixed.x = TRUE``; only the parameter count (and so AIC/BIC) differs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
from typing import TYPE_CHECKING

if TYPE_CHECKING:      # pandas is imported where it is used: a bootstrap shard never needs it
    import pandas as pd

from clusterup.errors import InputError, close_matches
from clusterup.estimation.syntax import DefinedParameters, ModelSyntax


@dataclass(frozen=True)
class Entry:
    """One matrix entry of the model: a free or fixed parameter."""

    lhs: str
    op: str
    rhs: str
    label: str | None
    free: int          # index into θ, or -1 when fixed
    value: float       # the fixed value, or a start value
    mat: str           # "A" or "S"
    row: int
    col: int
    user: bool         # written by the user (False: added by a default rule)


@dataclass
class ModelSpec:
    """A model ready for estimation: variables, matrix entries and their mapping to θ."""

    observed: list[str]
    latent: list[str]
    entries: list[Entry]
    n_free: int
    definitions: DefinedParameters
    source: str = "model"
    labels: dict[str, int] = field(default_factory=dict)   # label -> free index

    @property
    def names(self) -> list[str]:
        return self.observed + self.latent

    @property
    def p(self) -> int:
        return len(self.observed)

    @property
    def m(self) -> int:
        return len(self.observed) + len(self.latent)

    @property
    def df(self) -> int:
        p = self.p
        return p * (p + 1) // 2 - self.n_free

    def free_entries(self) -> list[Entry]:
        """The first entry of each free parameter (its representative row)."""
        first: dict[int, Entry] = {}
        for e in self.entries:
            if e.free >= 0:
                first.setdefault(e.free, e)
        return [first[k] for k in range(self.n_free)]

    def table(self) -> pd.DataFrame:
        """The parameter table: one row per entry (lhs, op, rhs, label, free, value, user)."""
        import pandas as pd

        return pd.DataFrame([{"lhs": e.lhs, "op": e.op, "rhs": e.rhs, "label": e.label or "",
                              "free": e.free, "value": e.value, "user": e.user}
                             for e in self.entries])

    def endogenous(self) -> list[str]:
        """Variables with at least one incoming arrow (indicators and dependent latents)."""
        targets = {e.lhs if e.op == "~" else e.rhs for e in self.entries if e.op in ("~", "=~")}
        return [v for v in self.names if v in targets]

    def to_dict(self) -> dict:
        """A JSON-serialisable form (used to ship the model to bootstrap shards)."""
        return {"observed": self.observed, "latent": self.latent, "n_free": self.n_free,
                "source": self.source, "labels": self.labels,
                "entries": [e.__dict__ for e in self.entries],
                "definitions": [(d.name, d.text, d.line) for d in self.definitions.definitions]}

    @classmethod
    def from_dict(cls, d: dict) -> "ModelSpec":
        from clusterup.estimation.syntax import Definition, parse_expression
        defs = tuple(Definition(n, parse_expression(t), t, ln) for n, t, ln in d["definitions"])
        return cls(list(d["observed"]), list(d["latent"]), [Entry(**e) for e in d["entries"]],
                   int(d["n_free"]), DefinedParameters(defs), d.get("source", "model"),
                   dict(d.get("labels", {})))


def build_spec(syntax: ModelSyntax, observed_order: list[str] | None = None,
               data_source: str = "data") -> ModelSpec:
    """Build the RAM specification of a parsed model.

    Parameters
    ----------
    syntax : ModelSyntax
    observed_order : list of str, optional
        Column names available in the data.  Every observed variable of the model must be one of
        them.  Observed variables are ordered as they first appear in the model (as lavaan).
    data_source : str
        Name of the data file, for error messages.
    """
    latent = syntax.latent
    observed = syntax.observed
    if observed_order is not None:
        avail = list(observed_order)
        missing = [v for v in observed if v not in avail]
        if missing:
            v = missing[0]
            raise InputError(f"the model names variable {v!r}, which is not a column of the data"
                             f"{close_matches(v, avail)}", file=syntax.source,
                             where=f"variable {v}",
                             fix=f"correct the name in {syntax.source} or add the column to {data_source}")
    for t in syntax.terms:
        if t.op == "=~" and t.lhs in observed:
            raise InputError(f"{t.lhs!r} is used as a factor but is also an observed variable",
                             file=syntax.source, where=f"line {t.line}")
    names = observed + latent
    idx = {v: i for i, v in enumerate(names)}

    entries: list[Entry] = []
    label_index: dict[str, int] = {}
    n_free = 0

    def add(lhs, op, rhs, label, fixed, start, mat, row, col, user):
        nonlocal n_free
        if fixed is not None:
            entries.append(Entry(lhs, op, rhs, label, -1, float(fixed), mat, row, col, user))
            return
        if label and label in label_index:
            k = label_index[label]
        else:
            k = n_free
            n_free += 1
            if label:
                label_index[label] = k
        entries.append(Entry(lhs, op, rhs, label, k, float(start) if start is not None else np.nan,
                             mat, row, col, user))

    # measurement and structural paths -------------------------------------------------------
    first_indicator: dict[str, str] = {}
    for t in syntax.terms:
        if t.op == "=~":
            first = t.lhs not in first_indicator
            first_indicator.setdefault(t.lhs, t.rhs)
            fixed = t.fixed
            if fixed is None and first and not t.free_forced:
                fixed = 1.0
            add(t.lhs, "=~", t.rhs, t.label, fixed, t.start, "A", idx[t.rhs], idx[t.lhs], True)
        elif t.op == "~":
            add(t.lhs, "~", t.rhs, t.label, t.fixed, t.start, "A", idx[t.lhs], idx[t.rhs], True)
    # user covariances ------------------------------------------------------------------------
    cov_done: set[tuple[int, int]] = set()
    for t in syntax.terms:
        if t.op == "~~":
            i, j = idx[t.lhs], idx[t.rhs]
            add(t.lhs, "~~", t.rhs, t.label, t.fixed, t.start, "S", max(i, j), min(i, j), True)
            cov_done.add((max(i, j), min(i, j)))

    # default rules ---------------------------------------------------------------------------
    def add_cov(a: str, b: str) -> None:
        i, j = idx[a], idx[b]
        key = (max(i, j), min(i, j))
        if key not in cov_done:
            cov_done.add(key)
            add(a, "~~", b, None, None, None, "S", key[0], key[1], False)

    for v in names:                       # variances
        add_cov(v, v)
    reg_lhs = {t.lhs for t in syntax.terms if t.op == "~"}
    reg_rhs = {t.rhs for t in syntax.terms if t.op == "~"}
    indicators = {t.rhs for t in syntax.terms if t.op == "=~"}
    lv_x = [f for f in latent if f not in reg_lhs and f not in indicators]
    for a, b in combinations(lv_x, 2):
        add_cov(a, b)
    pure_y = [v for v in names if v in reg_lhs and v not in reg_rhs and v not in indicators]
    # lavaan: auto.cov.y correlates residuals of purely dependent variables
    for a, b in combinations(pure_y, 2):
        add_cov(a, b)
    ov_x = [v for v in observed if v in reg_rhs and v not in reg_lhs and v not in indicators]
    for a, b in combinations(ov_x, 2):
        add_cov(a, b)

    entries.sort(key=lambda e: (_OP_ORDER[e.op], 0 if e.user else 1))
    spec = ModelSpec(observed, latent, entries, n_free, DefinedParameters(syntax.definitions),
                     syntax.source, label_index)
    _check_identification(spec, syntax)
    return spec


_OP_ORDER = {"=~": 0, "~": 1, "~~": 2}


def _check_identification(spec: ModelSpec, syntax: ModelSyntax) -> None:
    for f in spec.latent:
        loads = [e for e in spec.entries if e.op == "=~" and e.lhs == f]
        var = [e for e in spec.entries if e.op == "~~" and e.lhs == f and e.rhs == f]
        if not loads:
            raise InputError(f"latent variable {f!r} has no indicators", file=syntax.source,
                             fix=f"add a line `{f} =~ ...`")
        if all(e.free >= 0 for e in loads) and all(e.free >= 0 for e in var):
            raise InputError(f"the scale of factor {f!r} is not set: all its loadings and its variance are free",
                             file=syntax.source,
                             fix=f"fix one loading (remove NA* from the first indicator) or write `{f} ~~ 1*{f}`")
    if spec.df < 0:
        raise InputError(f"the model has more free parameters ({spec.n_free}) than sample moments "
                         f"({spec.p * (spec.p + 1) // 2}): df = {spec.df}", file=syntax.source,
                         fix="fix or remove parameters, or add indicators")
