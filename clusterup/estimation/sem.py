"""Fitting a model: our ML optimiser, and semopy as the independent second solver.

``fit_sem`` is the only place the stateful ``semopy.Model`` lives: it is built, fitted and
discarded inside one function, and only numbers leave it.  Who estimates is chosen per call:

* ``use_semopy=None`` (the default, every fit of the workflow): our optimiser
  (:mod:`clusterup.estimation.ml`) from simple start values, as lavaan fits from its simple starts,
  to a gradient below ``tol``; semopy is imported (about 1.5 s) only if that does not converge;
* ``use_semopy=True``: semopy estimates and our optimiser refines — semopy's SLSQP stops early
  (HS1939 x3 loading 0.7292 vs lavaan's 0.7294) — and the difference is recorded
  (``solver_max_diff``);
* ``use_semopy=False``: our optimiser only.

The fit block's ``solver`` names the path that produced the estimates (:data:`SOLVERS`).  The
chapter's CFA and SEM are checked by :func:`semopy_check`, an independent semopy fit compared with
the estimates the workflow reports (rule ``solver_check``, ``results/solver_check.json``), so the
check runs beside the bootstrap instead of before it.

Likelihood conventions (SPEC §6):

* ``wishart`` — S with divisor N − 1, χ² = (N − 1)·F (AMOS's CMIN; lavaan ``likelihood="wishart"``)
* ``normal``  — S with divisor N,     χ² = N·F     (lavaan's default)

Standard errors come from the expected information, vcov = (2/n)·H⁻¹ (lavaan's default for ML);
z = est / se and two-sided normal p.  Standardized estimates are completely standardized
(lavaan ``std.all``): loadings and regressions scaled by model-implied SDs, variances divided by
the model-implied variance, covariances divided by the square roots of the two (residual)
variances (lavaan's ``cov.std = TRUE``).
"""
from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clusterup import distributions as dist
from clusterup.errors import EstimationError, InputError
from clusterup.estimation.ml import MLFit, MLProblem, standardized, start_values
from clusterup.estimation.spec import ModelSpec, build_spec
from clusterup.estimation.moments import check_moments
from clusterup.estimation.syntax import ModelSyntax

LIKELIHOODS = ("wishart", "normal")
# what produced a fit's estimates (fit block "solver"; translated in the chapter)
SOLVER_SEMOPY = "semopy SLSQP, refined by clusterup ML (BFGS + Newton)"
SOLVER_SIMPLE = "clusterup ML (BFGS + Newton) from simple start values"
SOLVER_GIVEN = "clusterup ML (BFGS + Newton) from the given start values"
SOLVERS = (SOLVER_SEMOPY, SOLVER_SIMPLE, SOLVER_GIVEN)


def sample_moments(data: pd.DataFrame, variables: list[str], likelihood: str) -> tuple[np.ndarray, int]:
    """Sample covariance matrix of ``variables`` under the likelihood convention, and N."""
    if likelihood not in LIKELIHOODS:
        raise InputError(f"unknown likelihood {likelihood!r}", where="estimation.likelihood",
                         fix="use 'wishart' (AMOS, (N-1)·F) or 'normal' (lavaan default, N·F)")
    X = data[variables].to_numpy(dtype=float)
    n = X.shape[0]
    S = np.cov(X, rowvar=False, ddof=1 if likelihood == "wishart" else 0)
    return np.atleast_2d(S), n


def n_multiplier(n_obs: int, likelihood: str) -> int:
    """The n in χ² = n·F: N − 1 for ``wishart``, N for ``normal``."""
    return n_obs - 1 if likelihood == "wishart" else n_obs


@dataclass
class SemResult:
    """A fitted covariance-structure model; numbers only (no semopy objects)."""

    spec: ModelSpec
    theta: np.ndarray
    S: np.ndarray
    n_obs: int
    likelihood: str
    ml: MLFit
    vcov: np.ndarray
    solver_max_diff: float | None = None
    semopy_message: str = ""
    warnings: list[str] = field(default_factory=list)
    solver: str = ""           # what produced the estimates (fit_sem: one of SOLVERS)

    # ---- basic quantities --------------------------------------------------------------------
    @property
    def n_mult(self) -> int:
        return n_multiplier(self.n_obs, self.likelihood)

    @property
    def fmin(self) -> float:
        return self.ml.fmin

    @property
    def chi2(self) -> float:
        return self.n_mult * self.ml.fmin

    @property
    def df(self) -> int:
        return self.spec.df

    @property
    def problem(self) -> MLProblem:
        pr = getattr(self, "_problem", None)
        if pr is None:
            pr = self._problem = MLProblem(self.spec)
        return pr

    @property
    def Sigma(self) -> np.ndarray:
        return self.problem.sigma(self.theta)

    def implied_all(self) -> np.ndarray:
        """Model-implied covariance of all variables (observed then latent)."""
        return self.problem.implied(self.theta)[3]

    def matrices(self) -> tuple[np.ndarray, np.ndarray]:
        return self.problem.matrices(self.theta)

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.clip(np.diag(self.vcov), 0, None))

    # ---- tables ------------------------------------------------------------------------------
    def entry_values(self) -> np.ndarray:
        return np.array([self.theta[e.free] if e.free >= 0 else e.value for e in self.spec.entries])

    def std_values(self) -> np.ndarray:
        """Completely standardized value of every entry (lavaan std.all)."""
        V = self.implied_all()
        _, S = self.matrices()
        return np.array([standardized(e, est, V, S) for e, est in zip(self.spec.entries, self.entry_values())])

    def estimates(self) -> pd.DataFrame:
        """Appendix B estimates table: lhs, op, rhs, label, est, se, z, p, std_all (+ free)."""
        se_free = self.se
        rows = []
        std = self.std_values()
        for e, est, s in zip(self.spec.entries, self.entry_values(), std):
            if e.free >= 0:
                se = float(se_free[e.free])
                z = est / se if se > 0 else np.nan
                p = float(2 * dist.norm_sf(abs(z))) if np.isfinite(z) else np.nan
            else:
                se = z = p = np.nan
            rows.append({"lhs": e.lhs, "op": e.op, "rhs": e.rhs, "label": e.label or "",
                         "est": float(est), "se": se, "z": z, "p": p, "std_all": float(s),
                         "free": e.free >= 0})
        table = pd.DataFrame(rows)
        defined = self.defined()
        if len(defined):
            table = pd.concat([table, defined.assign(free=False)], ignore_index=True)
        return table

    def label_values(self, standardized: bool = False) -> dict[str, float]:
        vals = self.std_values() if standardized else self.entry_values()
        out: dict[str, float] = {}
        for e, v in zip(self.spec.entries, vals):
            if e.label and e.label not in out:
                out[e.label] = float(v)
        return out

    def defined(self) -> pd.DataFrame:
        """``:=`` parameters: estimate, delta-method SE, z, p and the standardized value."""
        defs = self.spec.definitions
        if not defs.definitions:
            return pd.DataFrame(columns=["lhs", "op", "rhs", "label", "est", "se", "z", "p", "std_all"])
        q = self.spec.n_free
        vals = self.label_values()
        grads = {}
        for e in self.spec.entries:
            if e.label and e.label not in grads:
                g = np.zeros(q)
                if e.free >= 0:
                    g[e.free] = 1.0
                grads[e.label] = g
        defs.check(vals)                  # a := without a real value: NaN, with a warning naming it
        est, jac = defs.evaluate(vals, grads, q)
        std_est, _ = defs.evaluate(self.label_values(standardized=True))
        var = np.einsum("ij,jk,ik->i", jac, self.vcov, jac)
        se = np.sqrt(np.clip(var, 0, None))
        z = np.divide(est, se, out=np.full_like(est, np.nan), where=se > 0)
        p = 2 * dist.norm_sf(np.abs(z))
        return pd.DataFrame({"lhs": defs.names, "op": ":=",
                             "rhs": [d.text for d in defs.definitions], "label": defs.names,
                             "est": est, "se": se, "z": z, "p": p, "std_all": std_est})

    def r_squared(self) -> pd.DataFrame:
        """R² of every endogenous variable: 1 − residual variance / model-implied variance."""
        V = self.implied_all()
        _, S = self.matrices()
        idx = {v: i for i, v in enumerate(self.spec.names)}
        lat = set(self.spec.latent)
        rows = []
        for v in self.spec.endogenous():
            i = idx[v]
            rows.append({"variable": v, "kind": "latent" if v in lat else "observed",
                         "r2": float(1 - S[i, i] / V[i, i])})
        return pd.DataFrame(rows)

    def effects(self) -> pd.DataFrame:
        """Direct, indirect and total effects among structural variables, raw and standardized.

        Total effects T = (I − A)⁻¹ − I, indirect = T − A (Bollen 1987); standardized by the
        model-implied SDs, T*_ij = T_ij · sd_j / sd_i.
        """
        A, _ = self.matrices()
        m = self.spec.m
        T = np.linalg.inv(np.eye(m) - A) - np.eye(m)
        V = self.implied_all()
        sd = np.sqrt(np.diag(V))
        structural = _unique([x for e in self.spec.entries if e.op == "~" for x in (e.rhs, e.lhs)])
        idx = {v: i for i, v in enumerate(self.spec.names)}
        rows = []
        for to in structural:
            for frm in structural:
                i, j = idx[to], idx[frm]
                if i == j or abs(T[i, j]) < 1e-15 and abs(A[i, j]) < 1e-15:
                    continue
                scale = sd[j] / sd[i]
                rows.append({"from": frm, "to": to,
                             "direct": A[i, j], "indirect": T[i, j] - A[i, j], "total": T[i, j],
                             "direct_std": A[i, j] * scale, "indirect_std": (T[i, j] - A[i, j]) * scale,
                             "total_std": T[i, j] * scale})
        return pd.DataFrame(rows, columns=["from", "to", "direct", "indirect", "total",
                                           "direct_std", "indirect_std", "total_std"])

    def latent_correlations(self) -> pd.DataFrame:
        V = self.implied_all()
        p = self.spec.p
        L = V[p:, p:]
        d = np.sqrt(np.diag(L))
        R = L / np.outer(d, d)
        return pd.DataFrame(R, index=self.spec.latent, columns=self.spec.latent)

    def fit_block(self) -> dict:
        """Appendix B fit block plus solver diagnostics and admissibility warnings."""
        from clusterup.estimation.fitindices import fit_block

        block = fit_block(S=self.S, Sigma=self.Sigma, fmin=self.fmin, n_obs=self.n_obs,
                          n_free=self.spec.n_free, likelihood=self.likelihood, converged=self.ml.converged)
        block.update(gradient_max=self.ml.grad_max, iterations=self.ml.iterations,
                     solver=self.solver,
                     solver_max_diff=self.solver_max_diff, semopy_message=self.semopy_message,
                     warnings=list(self.warnings), admissible=not any("Heywood" in w or "positive definite" in w
                                                                     for w in self.warnings))
        return block

    def admissibility(self) -> list[str]:
        """Heywood cases and non-positive-definite latent covariance, as readable warnings."""
        out = []
        est = self.estimates()
        var = est[(est.op == "~~") & (est.lhs == est.rhs)]
        for _, r in var[var.est < 0].iterrows():
            out.append(f"Heywood case: negative variance {r.lhs} ~~ {r.rhs} = {r.est:.4f}")
        load = est[est.op.isin(["=~", "~"])]
        for _, r in load[load.std_all.abs() > 1].iterrows():
            out.append(f"Heywood case: standardized {r.lhs} {r.op} {r.rhs} = {r.std_all:.3f} exceeds 1 in absolute value")
        V = self.implied_all()[self.spec.p:, self.spec.p:]
        if V.size and np.min(np.linalg.eigvalsh(V)) <= 0:
            out.append("the model-implied covariance matrix of the latent variables is not positive definite")
        return out


def _unique(items):
    return list(dict.fromkeys(items))


def _semopy_description(spec: ModelSpec) -> str:
    """Write the model for semopy with every parameter explicit.

    Free parameters carry their label (or ``_tk``) so shared labels stay equal; fixed ones their
    value.  Every (co)variance is written out, so semopy adds none of its own (cov_diag=True).
    """
    def mod(e):
        return f"{e.value!r}*" if e.free < 0 else f"{e.label or f'_t{e.free}'}*"

    lines: dict[tuple[str, str], list[str]] = {}
    for e in spec.entries:
        if e.op == "=~":
            lines.setdefault((e.lhs, "=~"), []).append(mod(e) + e.rhs)
        elif e.op == "~":
            lines.setdefault((e.lhs, "~"), []).append(mod(e) + e.rhs)
        else:
            lines.setdefault((e.lhs, "~~"), []).append(mod(e) + e.rhs)
    return "\n".join(f"{lhs} {op} {' + '.join(rhs)}" for (lhs, op), rhs in lines.items())


def _semopy_estimates(spec: ModelSpec, S: np.ndarray, n_obs: int) -> tuple[np.ndarray, str]:
    """Fit with semopy (MLW objective on S) and map its estimates onto θ."""
    import semopy  # imported here: 2 s, and never needed by bootstrap shards

    model = semopy.Model(_semopy_description(spec), cov_diag=True)
    cov = pd.DataFrame(S, index=spec.observed, columns=spec.observed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.getLogger("semopy").setLevel(logging.ERROR)
        res = model.fit(cov=cov, n_samples=n_obs, obj="MLW", solver="SLSQP")
        table = model.inspect()
    lookup: dict[tuple[str, str, str], float] = {}
    for _, r in table.iterrows():
        lookup[(r["lval"], r["op"], r["rval"])] = float(r["Estimate"])
    theta = np.full(spec.n_free, np.nan)
    for e in spec.entries:
        if e.free < 0 or not np.isnan(theta[e.free]):
            continue
        if e.op == "=~":
            key = (e.rhs, "~", e.lhs)
        elif e.op == "~":
            key = (e.lhs, "~", e.rhs)
        else:
            key = (e.lhs, "~~", e.rhs) if (e.lhs, "~~", e.rhs) in lookup else (e.rhs, "~~", e.lhs)
        if key in lookup:
            theta[e.free] = lookup[key]
    if np.isnan(theta).any():
        raise EstimationError("semopy did not return every parameter of the model")
    return theta, f"semopy {semopy.__version__} SLSQP: {getattr(res, 'message', '')}".strip()


def fit_sem(syntax: ModelSyntax | ModelSpec, *, data: pd.DataFrame | None = None,
            cov: np.ndarray | None = None, n_obs: int | None = None,
            likelihood: str = "wishart", use_semopy: bool | None = None, tol: float = 1e-9,
            start: np.ndarray | None = None, data_source: str = "data") -> SemResult:
    """Fit a covariance-structure model by maximum likelihood.

    Parameters
    ----------
    syntax : ModelSyntax or ModelSpec
        The model.
    data : DataFrame, optional
        Raw data (complete cases); or give ``cov`` (with the divisor of ``likelihood``) and ``n_obs``.
    likelihood : {"wishart", "normal"}
        See the module docstring.
    use_semopy : bool or None
        True: semopy estimates and our optimiser refines (simple starts if semopy fails); None
        (default): our optimiser from simple starts, semopy only if that does not converge;
        False: our optimiser only (see the module docstring).
    tol : float
        Convergence: max |∂F/∂θ| below ``tol``.
    start : ndarray, optional
        Start values (then neither simple starts nor semopy are used).

    Raises
    ------
    InputError
        Non-positive-definite sample covariance, too few observations.
    EstimationError
        No convergence.

    References
    ----------
    lavaan: ``sem(model, data, likelihood = "wishart")``; AMOS ML estimation.
    """
    if isinstance(syntax, ModelSpec):
        spec = syntax
    else:
        spec = build_spec(syntax, list(data.columns) if data is not None else None, data_source)
    if data is not None:
        S, n_obs = sample_moments(data, spec.observed, likelihood)
    elif cov is None or n_obs is None:
        raise ValueError("give data, or cov and n_obs")
    else:
        S = np.asarray(cov, dtype=float)
    check_moments(S, spec.observed, n_obs, spec.n_free, data_source)
    problem = MLProblem(spec)
    semopy_theta = None
    messages = []

    def from_semopy():
        nonlocal semopy_theta
        try:
            semopy_theta, msg = _semopy_estimates(spec, S, n_obs)
        except Exception as exc:  # semopy failing is not fatal: the other start is tried
            messages.append(f"semopy failed ({type(exc).__name__}: {exc})")
            return None
        messages.append(msg)
        return problem.fit(S, semopy_theta, tol=tol, polish=True)

    def from_simple():
        return problem.fit(S, start_values(spec, S), tol=tol, polish=True)

    if start is not None:
        attempts = [(SOLVER_GIVEN, lambda: problem.fit(S, np.asarray(start, dtype=float), tol=tol, polish=True))]
    elif use_semopy:
        attempts = [(SOLVER_SEMOPY, from_semopy), (SOLVER_SIMPLE, from_simple)]
    elif use_semopy is None:
        attempts = [(SOLVER_SIMPLE, from_simple), (SOLVER_SEMOPY, from_semopy)]
    else:
        attempts = [(SOLVER_SIMPLE, from_simple)]
    fit, solver = None, attempts[0][0]
    for name, attempt in attempts:
        candidate = attempt()
        if candidate is not None and (fit is None or candidate.converged and
                                      (not fit.converged or candidate.fmin < fit.fmin)):
            fit, solver = candidate, name
        if fit is not None and fit.converged:
            break
    if fit is None or not fit.converged:
        detail = fit.message if fit is not None else "; ".join(messages)
        fval = f"; F = {fit.fmin:.6g}" if fit is not None else ""
        raise EstimationError(
            f"the ML estimation did not converge ({detail}{fval}). Try: check the "
            "model for an unidentified part, fix a near-zero variance, drop an item with very low "
            "loading, or give start values with start(value)*x in the model file")
    H = problem.information(fit.theta)
    try:
        vcov = (2.0 / n_multiplier(n_obs, likelihood)) * np.linalg.inv(H)
    except np.linalg.LinAlgError:
        vcov = np.full((spec.n_free, spec.n_free), np.nan)
    diff = (float(np.max(np.abs(semopy_theta - fit.theta)))
            if semopy_theta is not None and solver == SOLVER_SEMOPY else None)
    result = SemResult(spec, fit.theta, S, n_obs, likelihood, fit, vcov, diff, "; ".join(messages), solver=solver)
    if not np.all(np.isfinite(vcov)) or np.any(np.diag(vcov) < 0):
        result.warnings.append("the information matrix is singular: standard errors are not available "
                               "(the model may not be identified)")
    result.warnings.extend(result.admissibility())
    return result


def semopy_check(syntax: ModelSyntax, *, data: pd.DataFrame, estimates: pd.DataFrame, likelihood: str = "wishart",
                 data_source: str = "data") -> dict:
    """An independent semopy fit of ``syntax`` on ``data``, compared with reported ``estimates``.

    ``estimates`` is the estimates table of :meth:`SemResult.estimates` (``cfa/estimates.csv``,
    ``sem/estimates.csv``): its first rows are the model's matrix entries in specification order.
    semopy (SLSQP, its MLW objective on the same covariance matrix) starts from its own values;
    the result is the largest absolute difference between its free parameters and the reported
    ones, and which parameter it is.  semopy stops early (its SLSQP tolerance), so differences
    around 1e-3 are expected; a gross difference means one of the two solvers found another
    optimum.  When semopy fails, ``converged`` is False and ``message`` says why.
    """
    from importlib.metadata import version

    spec = build_spec(syntax, list(data.columns), data_source)
    S, n_obs = sample_moments(data, spec.observed, likelihood)
    theta = _theta_from_estimates(spec, estimates, data_source)
    out = {"semopy_version": version("semopy"), "n_parameters": int(spec.n_free)}
    try:
        semopy_theta, message = _semopy_estimates(spec, S, n_obs)
    except Exception as exc:  # reported, not raised: the check failing does not invalidate the fit
        return {**out, "converged": False, "message": f"semopy failed ({type(exc).__name__}: {exc})",
                "max_abs_diff": None, "parameter": None}
    diff = np.abs(semopy_theta - theta)
    k = int(np.argmax(diff)) if len(diff) else -1
    where = next((f"{e.lhs} {e.op} {e.rhs}" for e in spec.entries if e.free == k), None)
    return {**out, "converged": True, "message": message,
            "max_abs_diff": float(diff[k]) if k >= 0 else 0.0, "parameter": where}


def _theta_from_estimates(spec: ModelSpec, estimates: pd.DataFrame, source: str) -> np.ndarray:
    """θ from an estimates table whose first rows are ``spec.entries`` in order (checked)."""
    rows = estimates.iloc[: len(spec.entries)]
    key = list(zip(rows["lhs"].astype(str), rows["op"].astype(str), rows["rhs"].astype(str)))
    if len(rows) < len(spec.entries) or key != [(e.lhs, e.op, e.rhs) for e in spec.entries]:
        raise InputError("the estimates table does not list the model's parameters in the order of the model",
                         file=source, fix="rerun the cfa and sem rules (the model changed after they ran)")
    theta = np.full(spec.n_free, np.nan)
    for e, est in zip(spec.entries, rows["est"].to_numpy(dtype=float)):
        if e.free >= 0:
            theta[e.free] = est
    return theta
