"""Nonparametric bootstrap of the structural paths and ``:=`` effects, shard-invariant by design.

Draw b (0 ≤ b < B) resamples N rows with replacement using its own random stream
``numpy.random.default_rng(SeedSequence([seed, b]))``.  If the refit of that resample fails —
no convergence, a non-positive-definite resample covariance, or an inadmissible solution (a
negative variance estimate; estimation is unbounded as in lavaan and AMOS, so such a solution is a
Heywood case, not a boundary value; screened only when the full-sample solution is admissible,
see :func:`screens_admissibility`) — draw b is replaced by attempt r = 1, 2, … with stream
``SeedSequence([seed, b, r])`` until one succeeds.  Every attempt is recorded, so ``n_failed`` is
reported and nothing is silently dropped.  Because a draw's resample depends only on
(seed, b, r), the B accepted resamples — and every statistic computed from them — are identical
for any number of shards and any ``--cores``.

Each refit starts at the full-sample estimates θ̂ and runs :meth:`MLProblem.refit`: a few BFGS
iterations with the full-sample expected information as the initial metric, then Newton steps with
the exact Hessian, to max |∂F/∂θ| < ``tol``; a refit whose Newton phase fails falls back to BFGS
and is counted (``refit`` column of the shard, ``refit_fallbacks`` in the summary).  The module imports only numpy/scipy (a shard never imports semopy).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from clusterup.estimation.ml import MLProblem, logdet_cholesky, standardized
from clusterup.estimation.spec import ModelSpec


@dataclass
class BootstrapSetup:
    """What a shard needs: the model, full-sample estimates, data and what to record."""

    spec: ModelSpec
    theta: np.ndarray
    info: np.ndarray
    X: np.ndarray
    likelihood: str
    seed: int
    tol: float = 1e-8

    def to_dict(self) -> dict:
        """The model part (JSON); the data matrix is stored separately (:meth:`save`)."""
        return {"spec": self.spec.to_dict(), "theta": self.theta.tolist(), "info": self.info.tolist(),
                "likelihood": self.likelihood, "seed": int(self.seed), "tol": self.tol,
                "n": int(self.X.shape[0]), "observed": list(self.spec.observed)}

    def save(self, json_path: str, data_path: str) -> None:
        """Write the model as JSON and the data as a .npy matrix (columns = observed variables)."""
        import json
        import os

        with open(json_path + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(self.to_dict(), fh)
        os.replace(json_path + ".tmp", json_path)
        with open(data_path + ".tmp", "wb") as fh:
            np.save(fh, self.X)
        os.replace(data_path + ".tmp", data_path)

    @classmethod
    def load(cls, json_path: str, data_path: str) -> "BootstrapSetup":
        import json

        with open(json_path, encoding="utf-8") as fh:
            d = json.load(fh)
        X = np.load(data_path)
        return cls(ModelSpec.from_dict(d["spec"]), np.asarray(d["theta"], float), np.asarray(d["info"], float),
                   X, d["likelihood"], int(d["seed"]), float(d.get("tol", 1e-8)))


class Statistics:
    """Computes the recorded quantities from θ: regression paths, ``:=`` parameters, standardized."""

    def __init__(self, spec: ModelSpec, problem: MLProblem) -> None:
        self.spec = spec
        self.problem = problem
        self.paths = [e for e in spec.entries if e.op == "~"]
        self.variances = np.array([e.free for e in spec.entries
                                   if e.op == "~~" and e.lhs == e.rhs and e.free >= 0], dtype=int)
        self.defs = spec.definitions
        self.label_entries: dict[str, object] = {}
        for e in spec.entries:
            if e.label and e.label not in self.label_entries:
                self.label_entries[e.label] = e
        # the parameter matrix S is only needed to standardize labelled covariances
        self.needs_S = any(e.mat == "S" and e.row != e.col for e in self.label_entries.values())
        self.names = ([f"{e.lhs}~{e.rhs}" for e in self.paths] + list(self.defs.names))
        self.columns = self.names + [f"std:{n}" for n in self.names]

    def _value(self, e, theta) -> float:
        return float(theta[e.free]) if e.free >= 0 else float(e.value)

    def compute(self, theta: np.ndarray) -> np.ndarray:
        _, _, _, V = self.problem.implied(theta)
        S = self.problem.matrices(theta)[1] if self.needs_S else None
        raw = [self._value(e, theta) for e in self.paths]
        std = [standardized(e, v, V, S) for v, e in zip(raw, self.paths)]
        if self.defs.definitions:
            lab = {k: self._value(e, theta) for k, e in self.label_entries.items()}
            lab_std = {k: standardized(e, lab[k], V, S) for k, e in self.label_entries.items()}
            d_raw = self.defs.values(lab)
            d_std = self.defs.values(lab_std)
        else:
            d_raw = d_std = np.zeros(0)
        return np.concatenate([raw, d_raw, std, d_std])


def draw_indices(seed: int, b: int, attempt: int, n: int) -> np.ndarray:
    """Row indices of resample (b, attempt): its own stream, independent of sharding."""
    key = [int(seed), int(b)] if attempt == 0 else [int(seed), int(b), int(attempt)]
    return np.random.default_rng(np.random.SeedSequence(key)).integers(0, n, size=n)


def run_draws(setup: BootstrapSetup, draws: range | list[int], *, max_attempts: int = 100,
              fail_hook=None, policy: "FailurePolicy | None" = None) -> tuple[list[dict], list[str]]:
    """Fit the resamples of the given draw indices; one record per attempt.

    Parameters
    ----------
    setup : BootstrapSetup
    draws : iterable of int
        Draw indices b handled by this shard.
    max_attempts : int
        Attempts per draw before giving up (a draw that never succeeds is recorded as failed).
    fail_hook : callable(b, attempt) -> bool, optional
        Test hook: when it returns True the attempt is treated as failed (injected failure).
    policy : FailurePolicy, optional
        Stops the shard with an explained error when draws keep failing (see :class:`FailurePolicy`).

    Returns
    -------
    records, columns
        Each record: draw, attempt, ok, reason, iterations, grad_max, refit ("newton", "bfgs
        fallback", or empty when no refit ran), seconds and the statistics.
    """
    problem = MLProblem(setup.spec)
    stats = Statistics(setup.spec, problem)
    X = setup.X
    n = X.shape[0]
    ddof = 1 if setup.likelihood == "wishart" else 0
    info_inv = np.linalg.inv(setup.info)
    screen = screens_admissibility(setup)
    records = []
    nan_stats = np.full(len(stats.columns), np.nan)
    for b in draws:
        for attempt in range(max_attempts):
            t0 = time.perf_counter()
            rec = {"draw": b, "attempt": attempt, "refit": ""}
            values = nan_stats
            it = 0
            gmax = np.nan
            if fail_hook is not None and fail_hook(b, attempt):
                reason = "injected failure (test)"
            else:
                fit, reason = refit_resample(
                    X[draw_indices(setup.seed, b, attempt, n)], ddof,
                    lambda S, ld: problem.refit(S, setup.theta, tol=setup.tol, info_inv=info_inv, logdet_S=ld))
                if fit is not None:
                    it, gmax = fit.iterations, fit.grad_max
                    rec["refit"] = fit.method
                if not reason and screen and len(stats.variances) and np.any(fit.theta[stats.variances] < 0):
                    reason = "inadmissible: negative variance estimate"
                elif not reason:
                    values = stats.compute(fit.theta)
            rec.update(ok=not reason, reason=reason, iterations=it, grad_max=gmax,
                       seconds=time.perf_counter() - t0)
            rec.update(dict(zip(stats.columns, values)))
            records.append(rec)
            if policy is not None:
                policy.record(b, attempt, reason)
            if not reason:
                break
    return records, stats.columns


def refit_resample(rows: np.ndarray, ddof: int, refit) -> tuple[object, str]:
    """Refit one resample: the covariance of ``rows`` (divisor N − ``ddof``), then ``refit(S, log|S|)``.

    Returns ``(fit, reason)``: ``reason`` is empty when the resample covariance is positive definite
    and the refit converged; ``fit`` is None when the covariance already failed.  Shared by the
    nonparametric and the Bollen–Stine bootstrap, which differ only in the rows and the refit.
    """
    Xc = rows - rows.mean(axis=0)
    S = Xc.T @ Xc / (rows.shape[0] - ddof)
    logdet_S = logdet_cholesky(S)
    if logdet_S is None:
        return None, "resample covariance not positive definite"
    fit = refit(S, logdet_S)
    return fit, "" if fit.converged else f"no convergence ({fit.message})"


def records_csv(records: list[dict], fields: list[str]) -> str:
    """A shard's attempt records as CSV text: floats by ``repr`` (they round-trip exactly, so the
    gather sees the refit's own numbers), one line per attempt.  Shared by the nonparametric and
    the Bollen–Stine shards."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in records:
        w.writerow({k: (repr(float(v)) if isinstance(v, float) else v) for k, v in r.items()})
    return buf.getvalue()


def shard_draws(n_draws: int, n_shards: int, shard: int) -> range:
    """Contiguous block of draw indices for shard ``shard`` (1-based) of ``n_shards``."""
    if not 1 <= shard <= n_shards:
        raise ValueError(f"shard {shard} not in 1..{n_shards}")
    per = -(-n_draws // n_shards)
    start = (shard - 1) * per
    return range(min(start, n_draws), min(start + per, n_draws))


def jackknife(setup: BootstrapSetup, max_fits: int = 1000) -> tuple["pd.DataFrame", str]:
    """Jackknife refits for the BCa acceleration: one row per omitted respondent (or group).

    Up to ``max_fits`` respondents this is the leave-one-out jackknife.  Beyond that it is the
    delete-a-group jackknife with ``max_fits`` groups (respondent i in group i mod G), which keeps
    the cost bounded for very large samples; the method used is returned and reported.
    """
    import pandas as pd

    problem = MLProblem(setup.spec)
    stats = Statistics(setup.spec, problem)
    X = setup.X
    n = X.shape[0]
    ddof = 1 if setup.likelihood == "wishart" else 0
    groups = n if n <= max_fits else max_fits
    label = "leave-one-out" if groups == n else f"delete-a-group ({groups} groups of about {n // groups})"
    member = np.arange(n) % groups
    # the covariance without group g by downdating the full cross-products (O(n_g p²) per group)
    Z = X - X.mean(axis=0)
    tot_sum, tot_cross = Z.sum(axis=0), Z.T @ Z
    info_inv = np.linalg.inv(setup.info)
    # a jackknife sample is within O(1/n) of the full one: chord steps with the full-sample Hessian
    # (computed once) converge in a few gradient evaluations
    S_full = tot_cross / (n - ddof)
    full = problem.value_grad_hessian(setup.theta, S_full, np.linalg.slogdet(S_full)[1])
    H_full = full[2] if full is not None else None
    rows = []
    for g in range(groups):
        Zg = Z[member == g]
        m = n - len(Zg)
        mean = (tot_sum - Zg.sum(axis=0)) / m
        S = (tot_cross - Zg.T @ Zg - m * np.outer(mean, mean)) / (m - ddof)
        fit = problem.refit(S, setup.theta, tol=setup.tol, info_inv=info_inv, hessian=H_full)
        rows.append(stats.compute(fit.theta) if fit.converged else np.full(len(stats.columns), np.nan))
    return pd.DataFrame(rows, columns=stats.columns), label


# ---- failure policy and shard integrity (issue 9) ----------------------------------------------
class BootstrapFailure(RuntimeError):
    """Draws keep failing, or a shard file is damaged: the message says why and what to do."""


def heywood_variances(setup: BootstrapSetup) -> list[tuple[str, float]]:
    """(variable, value) of every negative variance in the full-sample solution (a Heywood case)."""
    out = []
    for e in setup.spec.entries:
        if e.op == "~~" and e.lhs == e.rhs and e.free >= 0 and setup.theta[e.free] < 0:
            out.append((e.lhs, float(setup.theta[e.free])))
    return out


def screens_admissibility(setup: BootstrapSetup) -> bool:
    """Whether resamples with a negative variance estimate count as failed draws.

    They do when the full-sample solution is admissible.  When the full-sample solution is itself a
    Heywood case, (nearly) every resample refitted from it is inadmissible too, and replacing them
    would only burn the failure budget: the draws are then accepted whenever they converge, as
    lavaan's ``bootstrapLavaan`` does, and the chapter reports the Heywood case as a warning next to
    the intervals (SPEC §8: reported, not hidden).
    """
    return not heywood_variances(setup)


class FailurePolicy:
    """A bounded, explained failure budget for the resamples of one shard.

    A failed attempt (no convergence, non-positive-definite resample covariance, negative variance)
    is replaced by a further attempt (SPEC §6).  That is honest while failures are rare; when they
    are not, the bootstrap is answering a different question and burning time.  The shard stops
    with :class:`BootstrapFailure`, counting the reasons, when

    * one draw has failed ``max_per_draw`` attempts in a row (default 20), or
    * after at least ``min_attempts`` attempts (default 50) more than ``max_share`` (default .5) failed.
    """

    def __init__(self, max_per_draw: int = 20, min_attempts: int = 50, max_share: float = 0.5) -> None:
        self.max_per_draw, self.min_attempts, self.max_share = max_per_draw, min_attempts, max_share
        self.attempts = 0
        self.failed = 0
        self.reasons: dict[str, int] = {}

    def record(self, draw: int, attempt: int, reason: str) -> None:
        self.attempts += 1
        if not reason:
            return
        self.failed += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1
        if attempt + 1 >= self.max_per_draw:
            self._stop(f"draw {draw} failed {attempt + 1} attempts in a row")
        if self.attempts >= self.min_attempts and self.failed > self.max_share * self.attempts:
            self._stop(f"{self.failed} of {self.attempts} attempts failed (more than {self.max_share:.0%})")

    def _stop(self, what: str) -> None:
        why = "; ".join(f"{k} ({v})" for k, v in sorted(self.reasons.items(), key=lambda kv: -kv[1]))
        hint = ("negative variance estimates mean the model is close to a Heywood case: check "
                "results/sem/estimates.csv for variances near zero and respecify" if any(
                    "negative variance" in r for r in self.reasons) else
                "the model does not converge on resamples of these data: simplify it or check the data")
        raise BootstrapFailure(f"the bootstrap stopped: {what}; reasons: {why}\n  fix: {hint}")


SHARD_FIXED = ("draw", "attempt", "ok", "reason", "iterations", "grad_max")


def read_shard(path: str, expected: range, columns: list[str]) -> "pd.DataFrame":
    """Read one shard file and check its integrity: readable, the expected columns, exactly one
    successful attempt for every draw of its block and none outside it.  A damaged shard raises
    :class:`BootstrapFailure` naming it (the caller removes it so the next run redoes it)."""
    import pandas as pd

    def damaged(why: str):
        return BootstrapFailure(f"{path}: the bootstrap shard is damaged ({why})")

    try:
        frame = pd.read_csv(path)
    except pd.errors.EmptyDataError:
        raise damaged("the file is empty") from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise damaged(f"not a readable CSV: {str(exc).splitlines()[0][:120]}") from None
    missing = [c for c in list(SHARD_FIXED) + list(columns) if c not in frame.columns]
    if missing:
        raise damaged(f"columns missing: {', '.join(missing[:5])}")
    try:
        frame["draw"] = frame["draw"].astype(int)
        frame["attempt"] = frame["attempt"].astype(int)
        ok = frame["ok"].map({True: True, False: False, "True": True, "False": False})
        if ok.isna().any():
            raise ValueError("ok column")
        frame["ok"] = ok.astype(bool)
    except (ValueError, TypeError):
        raise damaged("a row has a non-numeric draw/attempt or an ok flag that is not True/False") from None
    good = frame.loc[frame["ok"], "draw"]
    want = set(expected)
    outside = sorted(set(frame["draw"]) - want)
    if outside:
        raise damaged(f"draw {outside[0]} does not belong to this shard (draws {expected.start}-{expected.stop - 1})")
    dup = good[good.duplicated()]
    if len(dup):
        raise damaged(f"draw {int(dup.iloc[0])} has two successful attempts")
    lacking = sorted(want - set(good))
    if lacking:
        raise damaged(f"{len(want) - len(lacking)} of {len(want)} successful draws; the first missing is "
                      f"draw {lacking[0]} (a truncated file)")
    return frame


def read_shards(paths: list[str], samples: int, columns: list[str]) -> "pd.DataFrame":
    """All shards, each checked by :func:`read_shard`; a damaged one is removed (so the same
    command redoes exactly that shard) and named in the error."""
    import os

    import pandas as pd

    frames, bad = [], []
    for i, path in enumerate(paths, start=1):
        try:
            frames.append(read_shard(path, shard_draws(samples, len(paths), i), columns))
        except BootstrapFailure as exc:
            bad.append(str(exc))
            try:
                os.remove(path)
            except OSError:
                pass
    if bad:
        raise BootstrapFailure("\n".join(bad) + "\n  the damaged shard file(s) were removed\n  fix: run the "
                               "same command again: only the removed shard(s) and the gather are redone")
    return pd.concat(frames, ignore_index=True)
