"""Identification of a model, decided from the model alone before any data are fitted.

Three checks, in order (Bollen 1989, ch. 4 and 8):

1. **Scale of every latent variable** — each factor needs a fixed loading or a fixed variance.
2. **t-rule** — q free parameters cannot exceed the p(p+1)/2 distinct sample moments: df ≥ 0.
3. **Local identification by rank** — the Jacobian Δ(θ) = ∂vech Σ(θ)/∂θᵀ has full column rank q at a
   generic point θ₀ (Wiley 1973; Bekker, Merckens & Wansbeek 1994).  A rank deficiency means some
   combination of parameters leaves Σ unchanged: the parameters weighted most in that null direction
   are named.  θ₀ is a fixed, data-free generic point (loadings .6–.9, regressions .2–.4, variances 1,
   covariances .1), so the verdict does not depend on the data.  lavaan runs the same rank check after
   fitting (its "could not compute standard errors … not identified" warning).

Checks 1 and 2 are done by :func:`clusterup.estimation.spec.build_spec`; this module adds 3 and
names which model (full or measurement) failed.
"""
from __future__ import annotations

import numpy as np

from clusterup.errors import InputError
from clusterup.estimation.ml import MLProblem
from clusterup.estimation.spec import ModelSpec, build_spec
from clusterup.estimation.syntax import ModelSyntax


def generic_start(spec: ModelSpec) -> np.ndarray:
    """A data-free generic parameter point θ₀ (deterministic)."""
    rng = np.random.default_rng(20121128)
    theta = np.zeros(spec.n_free)
    for e in spec.entries:
        if e.free < 0:
            continue
        if e.op == "=~":
            v = rng.uniform(0.6, 0.9)
        elif e.op == "~":
            v = rng.uniform(0.2, 0.4)
        elif e.lhs == e.rhs:
            v = rng.uniform(0.8, 1.2)
        else:
            v = rng.uniform(0.05, 0.15)
        theta[e.free] = v
    return theta


def rank_deficiency(spec: ModelSpec, tol: float = 1e-8) -> list[str]:
    """Names of the parameters spanning the null space of Δ(θ₀) (empty if locally identified)."""
    if spec.n_free == 0:
        return []
    problem = MLProblem(spec)
    D = problem.delta(generic_start(spec))
    s = np.linalg.svd(D, compute_uv=False)
    rank = int(np.sum(s > tol * s[0]))
    if rank >= spec.n_free:
        return []
    _, _, vt = np.linalg.svd(D)
    null = vt[rank:]
    weight = np.sqrt((null ** 2).sum(axis=0))
    names = {}
    for e in spec.entries:
        if e.free >= 0 and e.free not in names:
            names[e.free] = e.label or f"{e.lhs} {e.op} {e.rhs}"
    order = np.argsort(-weight)
    return [names[int(k)] for k in order if weight[k] > 1e-6][:6]


def check_identified(syntax: ModelSyntax, what: str = "model") -> ModelSpec:
    """Raise :class:`InputError` unless ``syntax`` is identified (scale, t-rule, rank); return the spec."""
    spec = build_spec(syntax)                         # scale of every latent, df >= 0
    bad = rank_deficiency(spec)
    if bad:
        raise InputError(f"the {what} is not identified: its parameters are not all determined by the "
                         f"covariances (the Jacobian of Σ has rank below {spec.n_free} free parameters); "
                         f"involved: {', '.join(bad)}", file=syntax.source,
                         fix="fix one of the parameters named (e.g. a loading to 1 or a path to 0), add "
                             "indicators, or remove a path/covariance")
    return spec


def min_rows(spec: ModelSpec) -> int:
    """Fewest complete rows with which the model can be estimated: more rows than observed variables
    (a positive-definite S) and at least as many as free parameters."""
    return max(spec.p + 1, spec.n_free)
