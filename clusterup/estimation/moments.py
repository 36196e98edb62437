"""Checks on the sample moments every covariance-structure analysis needs."""
from __future__ import annotations

import numpy as np

from clusterup.errors import InputError


def check_moments(S: np.ndarray, names: list[str], n_obs: int, n_free: int, source: str) -> None:
    """Fail clearly on zero variances, a non-positive-definite S or too few observations.

    Parameters
    ----------
    S : ndarray
        Sample covariance matrix of ``names``.
    n_obs, n_free : int
        Respondents and free parameters (use 0 when no model is involved yet).
    source : str
        The data file, for the message.
    """
    var = np.diag(S)
    for v, s in zip(names, var):
        if not s > 1e-12:
            raise InputError(f"variable {v!r} has zero variance (every respondent gave the same answer)",
                             file=source, where=f"column {v}",
                             fix=f"drop {v} under items_dropped with a reason, or check the data")
    eig = np.linalg.eigvalsh(S / np.sqrt(np.outer(var, var)))
    if eig.min() <= 1e-10:
        R = S / np.sqrt(np.outer(var, var))
        pairs = [(names[i], names[j]) for i in range(len(names)) for j in range(i)
                 if abs(R[i, j]) > 0.9999]
        hint = f"; {pairs[0][0]} and {pairs[0][1]} are perfectly correlated" if pairs else ""
        raise InputError(f"the sample covariance matrix is not positive definite (smallest eigenvalue of "
                         f"the correlation matrix {eig.min():.2e}){hint}", file=source,
                         fix="remove duplicated or linearly dependent items (items_dropped) or collect more data")
    p = len(names)
    if n_obs <= p:
        raise InputError(f"only {n_obs} observations for {p} observed variables", file=source,
                         fix="the covariance matrix needs more respondents than items")
    if n_obs < n_free:
        raise InputError(f"only {n_obs} observations for {n_free} free parameters", file=source,
                         fix="collect more data or simplify the model")
