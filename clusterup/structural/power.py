"""Monte-Carlo power of every hypothesis (Muthén & Muthén 2002), shard-invariant by design.

Population.  Σ_pop is the model-implied covariance of a population model: by default the fitted
SEM at its estimates θ̂ (``results/sem``), or a lavaan model file whose fixed values (``0.3*x``)
are the population values (its free parameters take the fitted model's estimate of the same
parameter).  The analysis model fitted to Σ_pop gives θ_pop, the warm start of every replication.

Replication r at sample size N draws N rows from N(0, Σ_pop) with its own stream
``numpy.random.default_rng(SeedSequence([seed, N, r]))``, so every result is identical for any
number of shards and any executor.  The SEM is refitted from θ_pop with the quasi-Newton ML path of
:mod:`clusterup.estimation.ml` (the bootstrap's refit), and each hypothesis is tested as the chapter
tests it (:mod:`clusterup.structural.hypotheses`):

* ``path`` Y ~ X: supported when the estimate has the expected sign and the Wald test
  z = θ̂/se (se from the expected information, vcov = (2/n)·H⁻¹) has p < α;
* ``indirect`` (a ``:=`` parameter): the Monte-Carlo confidence interval (Preacher & Selig 2012) —
  ``mc_draws`` draws θ* ~ N(θ̂, vcov), the percentile (α/2, 1 − α/2) interval of the ``:=``
  function — excludes 0 and the estimate has the expected sign;
* ``nested`` (paths fixed to 0): Δχ² = n·(F_restricted − F_free) on Δdf; the recorded event is
  p < α (the power of the test to detect the loss of fit that the population's paths imply).

A replication whose free model does not converge, or is inadmissible (a negative variance), fails
for every hypothesis; one whose restricted model fails fails for that nested hypothesis only.
Failures are counted (``n_failed``) and power is the share of successes among the ``n_ok``
admissible replications; nothing is dropped silently.

Power power = k/n_ok with Monte-Carlo standard error √(power(1 − power)/n_ok).

The analytic check for single paths (Satorra & Saris 1985): with se_N from the expected
information of the population model at N,  power ≈ Φ(|θ|/se_N − z_{1−α/2}) + Φ(−|θ|/se_N − z_{1−α/2})
(two-sided), of which the first term is the probability of a significant estimate of the
population's sign (:func:`analytic_path_power`).

References
----------
Satorra, A. & Saris, W. E. (1985). Power of the likelihood ratio test in covariance structure
analysis. Psychometrika 50, 83–90.  Muthén, L. K. & Muthén, B. O. (2002). How to use a Monte Carlo
study to decide on sample size and determine power. SEM 9, 599–620.  Preacher, K. J. & Selig, J. P.
(2012). Advantages of Monte Carlo confidence intervals for indirect effects. CMM 6, 77–98.
R: ``lavaan::simulateData`` + ``sem``; ``semTools::monteCarloCI``.
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field, replace

import numpy as np
from scipy import special

from clusterup import distributions as dist
from clusterup.errors import InputError
from clusterup.estimation.ml import MLProblem
from clusterup.estimation.spec import ModelSpec
from clusterup.estimation.syntax import BinOp, Name, Neg, Num

# power/summary.json "population" when the population model is the fitted structural model (the
# default, ``power.population: fitted``); the chapter translates this text, not a model file's path
FITTED_POPULATION = "fitted model (results/sem estimates)"

_PATH = re.compile(r"\s*([A-Za-z_.][A-Za-z0-9_.]*)\s*~\s*([A-Za-z_.][A-Za-z0-9_.]*)\s*")
RECORD_COLUMNS = ["n", "replication", "id", "ok", "success", "reason"]


# ---- model helpers ----------------------------------------------------------------------------
def _entry_value(e, theta: np.ndarray) -> float:
    return float(theta[e.free]) if e.free >= 0 else float(e.value)


def restrict_spec(spec: ModelSpec, paths: list[str], source: str = "hypotheses") -> ModelSpec:
    """The model with the regression paths ``"Y ~ X"`` fixed to 0, free parameters renumbered
    (the nested model of a ``nested`` hypothesis, as :func:`clusterup.estimation.syntax.fix_paths_to_zero`)."""
    wanted = {}
    for p in paths:
        m = _PATH.fullmatch(p)
        if not m:
            raise InputError(f"{p!r} is not a regression path of the form 'Y ~ X'", file=source,
                             fix="write paths as they appear in the model, e.g. 'UPG ~ NSC'")
        wanted[(m.group(1), m.group(2))] = p
    found = {(e.lhs, e.rhs) for e in spec.entries if e.op == "~"}
    missing = [p for k, p in wanted.items() if k not in found]
    if missing:
        raise InputError(f"path(s) {', '.join(missing)} are not in the model", file=source,
                         fix="list regression paths that the model file contains")
    fixed = [replace(e, free=-1, value=0.0) if e.op == "~" and (e.lhs, e.rhs) in wanted else e
             for e in spec.entries]
    kept = sorted({e.free for e in fixed if e.free >= 0})
    renum = {old: new for new, old in enumerate(kept)}
    entries = [replace(e, free=renum[e.free]) if e.free >= 0 else e for e in fixed]
    labels = {k: renum[v] for k, v in spec.labels.items() if v in renum}
    return replace(spec, entries=entries, n_free=len(kept), labels=labels)


def map_restricted_start(spec: ModelSpec, restricted: ModelSpec, theta: np.ndarray) -> np.ndarray:
    """Start values of the restricted model: the free model's values of the parameters kept."""
    out = np.zeros(restricted.n_free)
    for e_full, e_r in zip(spec.entries, restricted.entries):
        if e_r.free >= 0 and e_full.free >= 0:
            out[e_r.free] = theta[e_full.free]
    return out


def population_sigma(spec: ModelSpec, theta: np.ndarray, population: ModelSpec | None = None,
                     source: str = "population model") -> np.ndarray:
    """Σ_pop: the fitted model's implied covariance, or that of a population model whose fixed
    values are the population values and whose free parameters take the fitted estimate of the
    same (lhs, op, rhs) parameter (the observed variables must be those of the analysis model)."""
    if population is None:
        return MLProblem(spec).sigma(theta)
    if set(population.observed) != set(spec.observed):
        extra = sorted(set(population.observed) ^ set(spec.observed))
        raise InputError(f"the population model's observed variables differ from the analysis model's "
                         f"({', '.join(extra[:5])})", file=source,
                         fix="name exactly the observed variables of the analysis model (including controls)")
    fitted = {}
    for e in spec.entries:
        fitted.setdefault((e.lhs, e.op, e.rhs), _entry_value(e, theta))
        if e.op == "~~":
            fitted.setdefault((e.rhs, e.op, e.lhs), _entry_value(e, theta))
    values = np.zeros(population.n_free)
    for e in population.entries:
        if e.free < 0:
            continue
        key = (e.lhs, e.op, e.rhs)
        if key not in fitted:
            raise InputError(f"the population model's parameter `{e.lhs} {e.op} {e.rhs}` has no value: it is "
                             f"free and not in the fitted model", file=source, where=f"{e.lhs} {e.op} {e.rhs}",
                             fix=f"give it a population value, e.g. `{e.lhs} {e.op} 0.3*{e.rhs}`")
        values[e.free] = fitted[key]
    pop = MLProblem(population)
    Sigma = pop.sigma(values)
    order = [population.observed.index(v) for v in spec.observed]
    Sigma = Sigma[np.ix_(order, order)]
    try:
        np.linalg.cholesky(Sigma)
    except np.linalg.LinAlgError:
        raise InputError("the population model's implied covariance matrix is not positive definite",
                         file=source, fix="check the population values (a residual variance too small for "
                                          "the paths into that variable)") from None
    return Sigma


def _vector_eval(expr, env: dict[str, np.ndarray]) -> np.ndarray:
    """An expression of the ``:=`` grammar evaluated on arrays (NaN where undefined)."""
    if isinstance(expr, Num):
        return np.asarray(expr.value, dtype=float)
    if isinstance(expr, Name):
        return env[expr.name]
    if isinstance(expr, Neg):
        return -_vector_eval(expr.arg, env)
    assert isinstance(expr, BinOp)
    a, b = _vector_eval(expr.left, env), _vector_eval(expr.right, env)
    with np.errstate(all="ignore"):
        if expr.op == "+":
            return a + b
        if expr.op == "-":
            return a - b
        if expr.op == "*":
            return a * b
        if expr.op == "/":
            return np.where(b == 0, np.nan, a / np.where(b == 0, 1.0, b))
        out = np.power(np.asarray(a, dtype=float), b)
        return np.where(np.isfinite(out), out, np.nan)


# ---- the setup a shard needs ------------------------------------------------------------------
@dataclass
class Test:
    """One hypothesis reduced to what a replication computes."""

    id: str
    kind: str
    sign: str = "+"
    free: int = -1                 # path: index into θ
    definition: str = ""           # indirect: the := name
    restricted: ModelSpec | None = None
    restricted_start: np.ndarray | None = None
    restricted_info_inv: np.ndarray | None = None

    def to_dict(self) -> dict:
        d = {"id": self.id, "kind": self.kind, "sign": self.sign, "free": self.free, "definition": self.definition}
        if self.restricted is not None:
            d.update(restricted=self.restricted.to_dict(), restricted_start=self.restricted_start.tolist(),
                     restricted_info_inv=self.restricted_info_inv.tolist())
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Test":
        r = d.get("restricted")
        return cls(d["id"], d["kind"], d.get("sign", "+"), int(d.get("free", -1)), d.get("definition", ""),
                   ModelSpec.from_dict(r) if r else None,
                   np.asarray(d["restricted_start"], float) if r else None,
                   np.asarray(d["restricted_info_inv"], float) if r else None)


@dataclass
class PowerSetup:
    """The population, the analysis model at θ_pop, the tests and the simulation settings."""

    spec: ModelSpec
    sigma: np.ndarray              # Σ_pop (p × p, spec.observed order)
    theta: np.ndarray              # θ_pop: the analysis model fitted to Σ_pop (warm start)
    info_inv: np.ndarray           # inverse expected information at θ_pop
    tests: list[Test]
    likelihood: str
    seed: int
    alpha: float = 0.05
    mc_draws: int = 1000
    tol: float = 1e-6
    population: str = "fitted model"

    def to_dict(self) -> dict:
        return {"spec": self.spec.to_dict(), "sigma": self.sigma.tolist(), "theta": self.theta.tolist(),
                "info_inv": self.info_inv.tolist(), "tests": [t.to_dict() for t in self.tests],
                "likelihood": self.likelihood, "seed": int(self.seed), "alpha": self.alpha,
                "mc_draws": int(self.mc_draws), "tol": self.tol, "population": self.population}

    def save(self, path: str) -> None:
        with open(path + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(self.to_dict(), fh)
        os.replace(path + ".tmp", path)

    @classmethod
    def from_dict(cls, d: dict) -> "PowerSetup":
        return cls(ModelSpec.from_dict(d["spec"]), np.asarray(d["sigma"], float), np.asarray(d["theta"], float),
                   np.asarray(d["info_inv"], float), [Test.from_dict(t) for t in d["tests"]], d["likelihood"],
                   int(d["seed"]), float(d["alpha"]), int(d["mc_draws"]), float(d["tol"]), d.get("population", ""))

    @classmethod
    def load(cls, path: str) -> "PowerSetup":
        with open(path, encoding="utf-8") as fh:
            return cls.from_dict(json.load(fh))


def _fit_population(problem: MLProblem, sigma: np.ndarray, start: np.ndarray, what: str) -> np.ndarray:
    fit = problem.fit(sigma, start, tol=1e-10, polish=True)
    if not fit.converged:
        fit = problem.fit(sigma, fit.theta, tol=1e-10, max_iter=2000, polish=True)
    if not fit.converged:
        raise InputError(f"the {what} does not converge on the population covariance matrix ({fit.message})",
                         file="config power.population", fix="check the population model's values")
    return fit.theta


def make_setup(spec: ModelSpec, theta: np.ndarray, hypotheses, *, likelihood: str, seed: int,
               alpha: float = 0.05, mc_draws: int = 1000, population: ModelSpec | None = None,
               population_source: str = "fitted model", hypotheses_source: str = "hypotheses",
               tol: float = 1e-6) -> PowerSetup:
    """Build the :class:`PowerSetup` from the fitted model (spec, θ̂) and the hypotheses."""
    if not 0 < alpha < 1:
        raise ValueError("alpha must lie in (0, 1)")
    sigma = population_sigma(spec, theta, population, population_source)
    problem = MLProblem(spec)
    theta_pop = _fit_population(problem, sigma, theta, "analysis model")
    info_inv = np.linalg.inv(problem.information(theta_pop))
    tests = []
    for h in hypotheses:
        if h.kind == "path":
            m = _PATH.fullmatch(h.target)
            hits = [e for e in spec.entries if m and e.op == "~" and (e.lhs, e.rhs) == (m.group(1), m.group(2))]
            if not hits or hits[0].free < 0:
                raise InputError(f"hypothesis {h.id}: {h.target!r} is not a free path of the model",
                                 file=hypotheses_source, where=h.id, fix="name a free regression of the model")
            tests.append(Test(h.id, "path", h.sign, free=hits[0].free))
        elif h.kind == "indirect":
            if h.target not in spec.definitions.names:
                raise InputError(f"hypothesis {h.id}: {h.target!r} is not a := parameter of the model",
                                 file=hypotheses_source, where=h.id, fix="name a := parameter of the model file")
            tests.append(Test(h.id, "indirect", h.sign, definition=h.target))
        else:
            r = restrict_spec(spec, list(h.fix_zero), hypotheses_source)
            rp = MLProblem(r)
            r_theta = _fit_population(rp, sigma, map_restricted_start(spec, r, theta_pop), f"nested model of {h.id}")
            tests.append(Test(h.id, "nested", h.sign, restricted=r, restricted_start=r_theta,
                              restricted_info_inv=np.linalg.inv(rp.information(r_theta))))
    return PowerSetup(spec, sigma, theta_pop, info_inv, tests, likelihood, int(seed), float(alpha),
                      int(mc_draws), tol, population_source)


# ---- replications -----------------------------------------------------------------------------
def stream(seed: int, n: int, replication: int) -> np.random.Generator:
    """The random stream of replication r at sample size N (independent of sharding)."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(n), int(replication)]))


def n_mult(n: int, likelihood: str) -> int:
    return n - 1 if likelihood == "wishart" else n


def mc_interval(theta: np.ndarray, vcov: np.ndarray, spec: ModelSpec, name: str, draws: int,
                rng: np.random.Generator, level: float) -> tuple[float, float]:
    """Monte-Carlo CI of the ``:=`` parameter ``name`` (Preacher & Selig 2012): ``draws`` vectors of
    the labelled parameters from N(θ̂, vcov), the percentile interval of the function (type 7).
    R: ``semTools::monteCarloCI``."""
    return mc_intervals(theta, vcov, spec, [name], draws, rng, level)[name]


def mc_intervals(theta: np.ndarray, vcov: np.ndarray, spec: ModelSpec, names: list[str], draws: int,
                 rng: np.random.Generator, level: float) -> dict[str, tuple[float, float]]:
    """:func:`mc_interval` of several ``:=`` parameters from one set of parameter draws."""
    label_entries = {}
    for e in spec.entries:
        if e.label and e.label not in label_entries:
            label_entries[e.label] = e
    free = sorted({e.free for e in label_entries.values() if e.free >= 0})
    pos = {f: i for i, f in enumerate(free)}
    sub = vcov[np.ix_(free, free)]
    # eigen factor: also works for a singular sub-covariance (a label shared by two paths)
    w, U = np.linalg.eigh(sub)
    factor = U * np.sqrt(np.clip(w, 0, None))
    z = rng.standard_normal((draws, len(free)))
    sample = theta[free] + z @ factor.T
    env = {k: (sample[:, pos[e.free]] if e.free >= 0 else np.full(draws, e.value)) for k, e in label_entries.items()}
    wanted, out = set(names), {}
    a = 1 - level
    for d in spec.definitions.definitions:
        env[d.name] = np.broadcast_to(_vector_eval(d.expr, env), (draws,))
        if d.name in wanted:
            values = env[d.name][np.isfinite(env[d.name])]
            lo, hi = np.quantile(values, [a / 2, 1 - a / 2])
            out[d.name] = (float(lo), float(hi))
            if len(out) == len(wanted):
                break
    return out


def _sign_ok(value: float, sign: str) -> bool:
    return value > 0 if sign == "+" else value < 0


def run_replications(setup: PowerSetup, ns: list[int], replications: range) -> list[dict]:
    """Simulate and test the given replications at every N; one record per (N, replication, hypothesis).

    Record: n, replication, id, ok (the fit was admissible), success (the hypothesis's event
    occurred; empty when not ok), reason (why not ok)."""
    spec = setup.spec
    problem = MLProblem(spec)
    variances = np.array([e.free for e in spec.entries if e.op == "~~" and e.lhs == e.rhs and e.free >= 0], int)
    L = np.linalg.cholesky(setup.sigma)
    z_crit = dist.norm_ppf(1 - setup.alpha / 2)
    ddof = 1 if setup.likelihood == "wishart" else 0
    nested = [(t, MLProblem(t.restricted),
               np.array([e.free for e in t.restricted.entries if e.op == "~~" and e.lhs == e.rhs and e.free >= 0], int))
              for t in setup.tests if t.kind == "nested"]
    indirect = list(dict.fromkeys(t.definition for t in setup.tests if t.kind == "indirect"))
    records = []
    for n in ns:
        nm = n_mult(n, setup.likelihood)
        for r in replications:
            rng = stream(setup.seed, n, r)
            X = rng.standard_normal((n, spec.p)) @ L.T
            Xc = X - X.mean(axis=0)
            S = Xc.T @ Xc / (n - ddof)
            reason, fit, vcov = "", None, None
            try:
                fit = problem.fit(S, setup.theta, tol=setup.tol, info_inv=setup.info_inv, max_iter=300)
            except np.linalg.LinAlgError:
                reason = "sample covariance not positive definite"
            if not reason and not fit.converged:
                reason = f"no convergence ({fit.message})"
            elif not reason and len(variances) and np.any(fit.theta[variances] < 0):
                reason = "inadmissible: negative variance estimate"
            if not reason:
                try:
                    vcov = (2.0 / nm) * np.linalg.inv(problem.information(fit.theta))
                except np.linalg.LinAlgError:
                    reason = "singular information matrix"
            if not reason and np.any(np.diag(vcov) <= 0):
                reason = "non-positive sampling variance"
            nested_out = {}
            if not reason:
                for t, rp, rvar in nested:
                    rfit = rp.fit(S, t.restricted_start, tol=setup.tol, info_inv=t.restricted_info_inv, max_iter=300)
                    if not rfit.converged:
                        nested_out[t.id] = (None, f"nested model: no convergence ({rfit.message})")
                    elif len(rvar) and np.any(rfit.theta[rvar] < 0):
                        nested_out[t.id] = (None, "nested model inadmissible: negative variance estimate")
                    else:
                        chi2 = nm * (rfit.fmin - fit.fmin)
                        ddf = spec.n_free - t.restricted.n_free
                        nested_out[t.id] = (bool(special.chdtrc(ddf, max(chi2, 0.0)) < setup.alpha), "")
            intervals, estimates = {}, {}
            if not reason and indirect:
                intervals = mc_intervals(fit.theta, vcov, spec, indirect, setup.mc_draws, rng, 1 - setup.alpha)
                lab = {}
                for e in spec.entries:
                    if e.label and e.label not in lab:
                        lab[e.label] = _entry_value(e, fit.theta)
                estimates = dict(zip(spec.definitions.names, spec.definitions.values(lab)))
            for t in setup.tests:
                rec = {"n": n, "replication": r, "id": t.id, "ok": False, "success": "", "reason": reason}
                if not reason:
                    if t.kind == "path":
                        est = fit.theta[t.free]
                        zval = est / math.sqrt(vcov[t.free, t.free])
                        rec.update(ok=True, success=bool(abs(zval) > z_crit and _sign_ok(est, t.sign)))
                    elif t.kind == "indirect":
                        lo, hi = intervals[t.definition]
                        est = estimates[t.definition]
                        rec.update(ok=True, success=bool((lo > 0 or hi < 0) and _sign_ok(est, t.sign)))
                    else:
                        success, why = nested_out[t.id]
                        rec.update(ok=success is not None, success="" if success is None else success, reason=why)
                records.append(rec)
    return records


def shard_replications(replications: int, shards: int, shard: int) -> range:
    """Contiguous block of replication indices of shard ``shard`` (1-based)."""
    if not 1 <= shard <= shards:
        raise ValueError(f"shard {shard} not in 1..{shards}")
    per = -(-replications // shards)
    start = (shard - 1) * per
    return range(min(start, replications), min(start + per, replications))


# ---- summaries --------------------------------------------------------------------------------
def summarize(records, order: list[str]) -> "pd.DataFrame":
    """power.csv: per hypothesis and N, power = successes / n_ok, mc_se = √(p(1 − p)/n_ok)."""
    import pandas as pd

    df = pd.DataFrame(records)
    rows = []
    for (hid, n), g in df.groupby(["id", "n"], sort=False):
        ok = g["ok"].astype(str) == "True"
        succ = g.loc[ok, "success"].astype(str) == "True"
        n_ok = int(ok.sum())
        power = float(succ.mean()) if n_ok else float("nan")
        se = math.sqrt(power * (1 - power) / n_ok) if n_ok else float("nan")
        rows.append({"id": hid, "n": int(n), "power": power, "mc_se": se, "n_ok": n_ok,
                     "n_failed": int(len(g) - n_ok)})
    out = pd.DataFrame(rows, columns=["id", "n", "power", "mc_se", "n_ok", "n_failed"])
    out["_o"] = out["id"].map({h: i for i, h in enumerate(order)})
    return out.sort_values(["_o", "n"]).drop(columns="_o").reset_index(drop=True)


def n_required(power: "pd.DataFrame", targets=(0.8, 0.9)) -> "pd.DataFrame":
    """n_required.csv: the smallest N on the grid's linear interpolation of power(N) reaching each
    target ("> max N" when the largest N falls short; the smallest N when it is already reached)."""
    import pandas as pd

    rows = []
    for hid, g in power.groupby("id", sort=False):
        g = g.sort_values("n")
        ns, ps = g["n"].to_numpy(float), g["power"].to_numpy(float)
        row = {"id": hid}
        for t in targets:
            key = f"n_for_{int(round(t * 100))}"
            hit = np.nonzero(ps >= t)[0]
            if not len(hit):
                row[key] = f"> {int(ns[-1])}"
            elif hit[0] == 0:
                row[key] = str(int(ns[0]))
            else:
                i = hit[0]
                n0, n1, p0, p1 = ns[i - 1], ns[i], ps[i - 1], ps[i]
                row[key] = str(int(math.ceil(n0 + (t - p0) * (n1 - n0) / (p1 - p0) - 1e-9)))
        rows.append(row)
    return pd.DataFrame(rows, columns=["id", "n_for_80", "n_for_90"])


def analytic_path_power(setup: PowerSetup, n: int, free: int, sign: str | None = None) -> float:
    """Satorra–Saris (1985) power of the Wald z of parameter ``free`` at sample size N.

    se_N = √((2/n)·[H(θ_pop)⁻¹]_kk) from the expected information H of the population model;
    two-sided: Φ(|θ|/se_N − z) + Φ(−|θ|/se_N − z), z = z_{1−α/2}.  With ``sign`` ("+"/"−") only the
    term of a significant estimate of that sign (the chapter's criterion)."""
    se = math.sqrt((2.0 / n_mult(n, setup.likelihood)) * setup.info_inv[free, free])
    z = dist.norm_ppf(1 - setup.alpha / 2)
    d = setup.theta[free] / se
    up, down = dist.norm_cdf(d - z), dist.norm_cdf(-d - z)
    if sign is None:
        return float(up + down)
    return float(up if sign == "+" else down)


class PowerFailure(RuntimeError):
    """The shard files do not hold exactly the replications asked for."""


def check_records(records: "pd.DataFrame", ids: list[str], ns: list[int], replications: int) -> "pd.DataFrame":
    """The gathered shard records, checked: exactly one row for every (N, replication, hypothesis)."""
    missing_cols = [c for c in RECORD_COLUMNS if c not in records.columns]
    if missing_cols:
        raise PowerFailure(f"power shard records lack the column(s) {', '.join(missing_cols)}\n"
                           f"  fix: delete results/power/shard_*.csv and run again")
    key = records["n"].astype(str) + "/" + records["replication"].astype(str) + "/" + records["id"].astype(str)
    want = {f"{n}/{r}/{h}" for n in ns for r in range(replications) for h in ids}
    have = set(key)
    dup = key[key.duplicated()]
    lacking = sorted(want - have)
    if len(dup) or lacking or have - want:
        what = (f"duplicate record {dup.iloc[0]}" if len(dup) else
                f"{len(lacking)} record(s) missing, e.g. N/replication/id = {lacking[0]}" if lacking else
                f"unexpected record {sorted(have - want)[0]}")
        raise PowerFailure(f"the power shards do not match the configuration ({what})\n"
                           f"  fix: delete results/power/shard_*.csv and run again")
    return records
