"""Nonparametric bootstrap of the structural paths and ``:=`` effects, shard-invariant by design.

Draw b (0 ≤ b < B) resamples N rows with replacement using its own random stream
``numpy.random.default_rng(SeedSequence([seed, b]))``.  If the refit of that resample fails —
no convergence, a non-positive-definite resample covariance, or an inadmissible solution (a
negative variance estimate; estimation is unbounded as in lavaan and AMOS, so such a solution is a
Heywood case, not a boundary value) — draw b is replaced by attempt r = 1, 2, … with stream
``SeedSequence([seed, b, r])`` until one succeeds.  Every attempt is recorded, so ``n_failed`` is
reported and nothing is silently dropped.  Because a draw's resample depends only on
(seed, b, r), the B accepted resamples — and every statistic computed from them — are identical
for any number of shards and any ``--cores``.

Each refit starts at the full-sample estimates θ̂ and runs the quasi-Newton optimiser of
:mod:`clusterup.estimation.ml` with the full-sample expected information as its initial metric, to
max |∂F/∂θ| < ``tol``.  The module imports only numpy/scipy (a shard never imports semopy).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from clusterup.estimation.ml import MLProblem, standardized
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
              fail_hook=None) -> tuple[list[dict], list[str]]:
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

    Returns
    -------
    records, columns
        Each record: draw, attempt, ok, reason, iterations, grad_max, seconds and the statistics.
    """
    problem = MLProblem(setup.spec)
    stats = Statistics(setup.spec, problem)
    X = setup.X
    n = X.shape[0]
    ddof = 1 if setup.likelihood == "wishart" else 0
    info_inv = np.linalg.inv(setup.info)
    records = []
    nan_stats = np.full(len(stats.columns), np.nan)
    for b in draws:
        for attempt in range(max_attempts):
            t0 = time.perf_counter()
            idx = draw_indices(setup.seed, b, attempt, n)
            Xb = X[idx]
            Xc = Xb - Xb.mean(axis=0)
            S = Xc.T @ Xc / (n - ddof)
            rec = {"draw": b, "attempt": attempt}
            reason = ""
            values = nan_stats
            it = 0
            gmax = np.nan
            if fail_hook is not None and fail_hook(b, attempt):
                reason = "injected failure (test)"
            else:
                try:
                    np.linalg.cholesky(S)
                except np.linalg.LinAlgError:
                    reason = "resample covariance not positive definite"
                if not reason:
                    fit = problem.fit(S, setup.theta, tol=setup.tol, info_inv=info_inv, max_iter=200)
                    it, gmax = fit.iterations, fit.grad_max
                    if not fit.converged:
                        reason = f"no convergence ({fit.message})"
                    elif len(stats.variances) and np.any(fit.theta[stats.variances] < 0):
                        reason = "inadmissible: negative variance estimate"
                    else:
                        values = stats.compute(fit.theta)
            rec.update(ok=not reason, reason=reason, iterations=it, grad_max=gmax,
                       seconds=time.perf_counter() - t0)
            rec.update(dict(zip(stats.columns, values)))
            records.append(rec)
            if not reason:
                break
    return records, stats.columns


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
    rows = []
    for g in range(groups):
        Zg = Z[member == g]
        m = n - len(Zg)
        mean = (tot_sum - Zg.sum(axis=0)) / m
        S = (tot_cross - Zg.T @ Zg - m * np.outer(mean, mean)) / (m - ddof)
        fit = problem.fit(S, setup.theta, tol=setup.tol, info_inv=info_inv, max_iter=200)
        rows.append(stats.compute(fit.theta) if fit.converged else np.full(len(stats.columns), np.nan))
    return pd.DataFrame(rows, columns=stats.columns), label
