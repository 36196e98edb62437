"""Bollen–Stine bootstrap p of the model χ² (Bollen & Stine 1992), shard-invariant.

The sample is first transformed so that the model fits it exactly,

    Z = (X − x̄) S^{-1/2} Σ̂^{1/2},

with symmetric square roots, S the sample covariance with the likelihood's divisor (N − 1 under
``wishart``, N under ``normal``) and Σ̂ = Σ(θ̂); then cov(Z) = Σ̂ with the same divisor, so the
null hypothesis "the model holds" is true in the population the rows of Z are drawn from.
Draw b resamples N rows of Z with replacement from its own stream
``default_rng(SeedSequence([seed, b]))`` — the streams of :mod:`clusterup.structural.bootstrap` —
refits the model and records χ²_b = n·F_ML (n as for the main χ²).  The p value is

    p = #{χ²_b ≥ χ²} / B

over the B successful draws.  A failed draw (non-positive-definite resample covariance or no
convergence: no χ²_b) is replaced by attempt r = 1, 2, … with stream ``SeedSequence([seed, b, r])``
and counted in ``n_failed`` under the main bootstrap's bounded
:class:`~clusterup.structural.bootstrap.FailurePolicy`; so the result depends only on (seed, b)
and is identical for any number of shards.  An *inadmissible* draw (a negative variance
estimate) has a well-defined χ²_b — the unbounded ML minimum — and is kept in the reference
distribution, as lavaan keeps it (``lav_test.R`` removes only the failed runs); such draws are
counted in ``n_inadmissible``, and ``p_admissible`` gives the p over the admissible draws alone.
The main bootstrap replaces them instead, because there the draws' *estimates* are the statistic.
Each refit is the main bootstrap's (:meth:`clusterup.estimation.ml.MLProblem.refit`): it starts at
θ̂ (the exact solution of the transformed sample) with the full-sample expected information as its
quasi-Newton metric, then takes Newton steps with the exact Hessian, to max |∂F/∂θ| < ``tol``.

lavaan equivalent: ``sem(model, data, test = "bollen.stine", bootstrap = B)`` or
``bootstrapLavaan(fit, type = "bollen.stine")`` (lav_bootstrap.R: the same transform, centred
data, ``lav_matrix_symmetric_sqrt``).  lavaan counts χ²_b > χ² and drops failed draws instead of
replacing them; with a continuous statistic ties have probability zero, and with no failure the
two conventions coincide.

References
----------
Bollen, K. A., & Stine, R. A. (1992). Bootstrapping goodness-of-fit measures in structural
equation models. *Sociological Methods & Research*, 21(2), 205–229.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from clusterup.estimation.ml import MLProblem
from clusterup.structural.bootstrap import BootstrapSetup, FailurePolicy, draw_indices, refit_resample

COLUMNS = ["draw", "attempt", "ok", "reason", "iterations", "grad_max", "chi2", "admissible"]


def sym_sqrt(A: np.ndarray, inverse: bool = False) -> np.ndarray:
    """Symmetric square root A^{1/2} (or A^{-1/2}) of a positive-definite matrix by eigendecomposition."""
    w, V = np.linalg.eigh(0.5 * (A + A.T))
    if w.min() <= 0:
        raise np.linalg.LinAlgError("matrix is not positive definite")
    r = w ** (-0.5 if inverse else 0.5)
    return (V * r) @ V.T


def divisor(n: int, likelihood: str) -> int:
    return n - 1 if likelihood == "wishart" else n


def transform(X: np.ndarray, Sigma: np.ndarray, likelihood: str) -> np.ndarray:
    """Z = (X − x̄) S^{-1/2} Σ̂^{1/2}: the rows whose covariance (divisor of ``likelihood``) is Σ̂."""
    Xc = X - X.mean(axis=0)
    S = Xc.T @ Xc / divisor(X.shape[0], likelihood)
    return Xc @ sym_sqrt(S, inverse=True) @ sym_sqrt(Sigma)


@dataclass
class BollenStineSetup:
    """The transformed data and the model a shard refits, with the χ² the draws are compared with."""

    boot: BootstrapSetup          # spec, θ̂, information, transformed data Z, likelihood, seed, tol
    chi2: float
    df: int

    @classmethod
    def from_bootstrap(cls, setup: BootstrapSetup) -> "BollenStineSetup":
        """From the main SEM's bootstrap setup (the model, θ̂ and the analysed rows)."""
        problem = MLProblem(setup.spec)
        X = setup.X
        n = X.shape[0]
        Xc = X - X.mean(axis=0)
        S = Xc.T @ Xc / divisor(n, setup.likelihood)
        sign, logdet_S = np.linalg.slogdet(S)
        if sign <= 0:
            raise np.linalg.LinAlgError("sample covariance matrix is not positive definite")
        fmin = problem.objective(setup.theta, S, logdet_S)
        Sigma = problem.sigma(setup.theta)
        Z = transform(X, Sigma, setup.likelihood)
        boot = BootstrapSetup(setup.spec, setup.theta, setup.info, Z, setup.likelihood, setup.seed, setup.tol)
        return cls(boot, float(divisor(n, setup.likelihood) * fmin), int(setup.spec.df))

    def save(self, json_path: str, data_path: str) -> None:
        import json
        import os

        self.boot.save(json_path, data_path)
        with open(json_path, encoding="utf-8") as fh:
            d = json.load(fh)
        d.update(chi2=self.chi2, df=self.df)
        with open(json_path + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(d, fh)
        os.replace(json_path + ".tmp", json_path)

    @classmethod
    def load(cls, json_path: str, data_path: str) -> "BollenStineSetup":
        import json

        with open(json_path, encoding="utf-8") as fh:
            d = json.load(fh)
        return cls(BootstrapSetup.load(json_path, data_path), float(d["chi2"]), int(d["df"]))


def run_draws(setup: BollenStineSetup, draws, *, max_attempts: int = 100, fail_hook=None,
              policy: FailurePolicy | None = None, indices=None) -> list[dict]:
    """Refit the resamples of the given draw indices; one record per attempt (:data:`COLUMNS`).

    ``indices``, a callable (b, attempt, n) → row indices, replaces the project's streams (used to
    replay lavaan's resamples in the reference tests); ``fail_hook`` and ``policy`` as in
    :func:`clusterup.structural.bootstrap.run_draws`.
    """
    b_setup = setup.boot
    problem = MLProblem(b_setup.spec)
    Z = b_setup.X
    n = Z.shape[0]
    ddof = n - divisor(n, b_setup.likelihood)
    n_chi2 = divisor(n, b_setup.likelihood)
    info_inv = np.linalg.inv(b_setup.info)
    variances = np.array([e.free for e in b_setup.spec.entries
                          if e.op == "~~" and e.lhs == e.rhs and e.free >= 0], dtype=int)
    pick = indices or (lambda b, attempt, n_: draw_indices(b_setup.seed, b, attempt, n_))
    records = []
    for b in draws:
        for attempt in range(max_attempts):
            t0 = time.perf_counter()
            chi2, it, gmax, admissible = np.nan, 0, np.nan, True
            if fail_hook is not None and fail_hook(b, attempt):
                reason = "injected failure (test)"
            else:
                fit, reason = refit_resample(
                    Z[pick(b, attempt, n)], ddof,
                    lambda S, ld: problem.refit(S, b_setup.theta, tol=b_setup.tol, info_inv=info_inv, logdet_S=ld))
                if fit is not None:
                    it, gmax = fit.iterations, fit.grad_max
                if not reason:
                    chi2 = n_chi2 * fit.fmin
                    admissible = not (len(variances) and np.any(fit.theta[variances] < 0))
            records.append({"draw": b, "attempt": attempt, "ok": not reason, "reason": reason,
                            "iterations": it, "grad_max": gmax, "chi2": chi2, "admissible": admissible,
                            "seconds": time.perf_counter() - t0})
            if policy is not None:
                policy.record(b, attempt, reason)
            if not reason:
                break
    return records


def summarize(frame, setup: BollenStineSetup, samples: int, shards: int) -> dict:
    """``sensitivity/bollen_stine.json`` from all shards' attempts (checked by ``read_shards``)."""
    ok = frame[frame["ok"]]
    failed = frame[~frame["ok"]]
    chi2_b = ok["chi2"].to_numpy(dtype=float)
    adm = ok["admissible"].astype(str).str.lower().eq("true").to_numpy()
    larger = int(np.sum(chi2_b >= setup.chi2))
    larger_adm = int(np.sum(chi2_b[adm] >= setup.chi2))
    return {"samples": int(samples), "n_ok": int(len(ok)), "n_failed": int(len(failed)),
            "chi2": setup.chi2, "p": larger / len(chi2_b) if len(chi2_b) else float("nan"),
            "df": setup.df, "n_larger": larger, "n_inadmissible": int((~adm).sum()),
            "p_admissible": larger_adm / int(adm.sum()) if adm.any() else float("nan"),
            "likelihood": setup.boot.likelihood,
            "chi2_boot_mean": float(chi2_b.mean()) if len(chi2_b) else float("nan"),
            "chi2_boot_q95": float(np.quantile(chi2_b, 0.95)) if len(chi2_b) else float("nan"),
            "attempts": int(len(frame)), "shards": int(shards), "seed": int(setup.boot.seed), "skipped": None,
            "failure_reasons": {str(k): int(v) for k, v in failed["reason"].value_counts().items()},
            "stream": "numpy default_rng(SeedSequence([seed, draw])) for the first attempt, "
                      "SeedSequence([seed, draw, attempt]) for replacements (the main bootstrap's streams)"}


def skipped_summary(setup: BollenStineSetup, samples: int, shards: int) -> dict:
    """The JSON of a model with 0 degrees of freedom: it fits every resample exactly, no test."""
    nan = float("nan")
    return {"samples": int(samples), "n_ok": 0, "n_failed": 0, "chi2": setup.chi2, "p": nan, "df": setup.df,
            "n_larger": 0, "n_inadmissible": 0, "p_admissible": nan, "likelihood": setup.boot.likelihood,
            "chi2_boot_mean": nan, "chi2_boot_q95": nan, "attempts": 0, "shards": int(shards),
            "seed": int(setup.boot.seed), "failure_reasons": {},
            "skipped": "the model has 0 degrees of freedom: it reproduces every sample exactly, so there is no "
                       "model chi-square to bootstrap",
            "stream": ""}
