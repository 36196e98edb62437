"""Modification indices and expected parameter changes (Sörbom 1989), as lavaan's ``modindices()``.

Each candidate parameter j (fixed at 0 in the fitted model) is a score test of freeing it, with
all free parameters θ re-estimated.  With g the gradient of F_ML and H the expected information
of F (see :mod:`clusterup.estimation.ml`) of the model extended by all candidates, evaluated at (θ̂, 0):

    V_j  = H_jj − H_jθ H_θθ⁻¹ H_θj
    MI_j = (n/2)·g_j² / V_j          (a 1-df χ² statistic; n as in χ² = n·F)
    EPC_j = −g_j / V_j

Candidates (lavaan's default set): loadings of every latent variable on every observed variable
it does not already measure (``=~``), residual covariances between observed variables (``~~``),
covariances between latent variables that are free to covary (disturbances of endogenous factors
not linked by a path, exogenous factors) when not already in the model, and every parameter the
model fixes (e.g. a marker loading fixed to 1, a path fixed to 0): freeing it is tested at its
fixed value.  Candidates whose V_j vanishes (not identified, e.g. a marker loading in a model
without equality constraints) are dropped, as lavaan's ``na.remove``.  ``sepc_all`` is the EPC completely
standardized: loadings by sd(factor)/sd(item), covariances by the two residual SDs.
"""
from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from clusterup import distributions as dist
from clusterup.estimation.ml import MLProblem, standardized
from clusterup.estimation.sem import SemResult
from clusterup.estimation.spec import Entry, ModelSpec


def _candidates(spec: ModelSpec) -> list[Entry]:
    idx = {v: i for i, v in enumerate(spec.names)}
    have_a = {(e.row, e.col) for e in spec.entries if e.mat == "A"}
    have_s = {(e.row, e.col) for e in spec.entries if e.mat == "S"}
    out: list[Entry] = []
    for f in spec.latent:
        for x in spec.observed:
            if (idx[x], idx[f]) not in have_a:
                out.append(Entry(f, "=~", x, None, -2, 0.0, "A", idx[x], idx[f], False))
    obs_ind = spec.observed
    for a, b in combinations(obs_ind, 2):
        i, j = idx[a], idx[b]
        key = (max(i, j), min(i, j))
        if key not in have_s:
            out.append(Entry(a, "~~", b, None, -2, 0.0, "S", key[0], key[1], False))
    # latent covariances: only between variables not connected by a directed path
    A = np.zeros((spec.m, spec.m))
    for e in spec.entries:
        if e.mat == "A":
            A[e.row, e.col] = 1.0
    reach = np.linalg.matrix_power(np.eye(spec.m) + A, spec.m) > 0
    for a, b in combinations(spec.latent, 2):
        i, j = idx[a], idx[b]
        key = (max(i, j), min(i, j))
        if key in have_s or reach[i, j] or reach[j, i]:
            continue
        out.append(Entry(a, "~~", b, None, -2, 0.0, "S", key[0], key[1], False))
    return out


def modification_indices(result: SemResult, min_mi: float = 0.0) -> pd.DataFrame:
    """Modification indices of a fitted model, sorted by MI (largest first).

    Returns
    -------
    DataFrame with lhs, op, rhs, mi, epc, sepc_all, p (χ²₁ p-value of the MI).
    """
    spec = result.spec
    cands = _candidates(spec)
    cols = ["lhs", "op", "rhs", "mi", "epc", "sepc_all", "p"]
    if not cands:
        return pd.DataFrame(columns=cols)
    q = spec.n_free
    fixed = [e for e in spec.entries if e.free < 0]
    cands = cands + fixed
    extra = [Entry(c.lhs, c.op, c.rhs, None, q + k, float(c.value) if c.free < 0 else 0.0, c.mat, c.row, c.col,
                   False) for k, c in enumerate(cands)]
    freed = {id(e) for e in fixed}
    kept = [e for e in spec.entries if id(e) not in freed]
    ext = ModelSpec(spec.observed, spec.latent, kept + extra, q + len(extra),
                    spec.definitions, spec.source, spec.labels)
    pr = MLProblem(ext)
    theta = np.concatenate([result.theta, np.array([e.value for e in extra])])
    g_c, H_cc, H_ct, H_tt = _score_blocks(pr, theta, result.S, q)
    try:
        sol = np.linalg.solve(H_tt, H_ct.T)
    except np.linalg.LinAlgError:
        sol = np.linalg.lstsq(H_tt, H_ct.T, rcond=None)[0]
    V = H_cc - np.einsum("ij,ji->i", H_ct, sol)
    gj = g_c
    n = result.n_mult
    scale = np.maximum(np.abs(H_cc), 1e-300)
    ok = V > 1e-8 * scale
    mi = np.where(ok, (n / 2.0) * gj ** 2 / np.where(ok, V, 1.0), np.nan)
    epc = np.where(ok, -gj / np.where(ok, V, 1.0), np.nan)
    Vall = result.implied_all()
    _, S = result.matrices()
    rows = [{"lhs": c.lhs, "op": c.op, "rhs": c.rhs, "mi": float(m_), "epc": float(e_),
             "sepc_all": float(standardized(c, e_, Vall, S))}
            for c, m_, e_, good in zip(cands, mi, epc, ok) if good]
    table = pd.DataFrame(rows, columns=cols[:-1])
    table["p"] = dist.chi2_sf(table["mi"], 1)
    table = table[table["mi"] >= min_mi].sort_values("mi", ascending=False, kind="mergesort")
    return table.reset_index(drop=True)


def _score_blocks(pr: MLProblem, theta: np.ndarray, S: np.ndarray, q: int):
    """Gradient of the candidates and the three information blocks the score test needs.

    Only the candidates' diagonal of their own block is formed (never the full information of the
    extended model, which for a 120-item CFA would hold ~10⁸ elements).  Candidates are the
    parameters numbered q, q + 1, … of the extended problem, one matrix entry each.
    """
    _, P, _, U, V = pr._pieces(theta, S)
    W = P - (P @ S) @ P
    g_e = 2.0 * np.einsum("ik,ik->k", V, W @ U)
    free = pr.free_of_entry
    model_pos = np.flatnonzero(free < q)
    cand_pos = np.flatnonzero(free >= q)
    cand_pos = cand_pos[np.argsort(free[cand_pos])]
    Um, Vm, Uc, Vc = U[:, model_pos], V[:, model_pos], U[:, cand_pos], V[:, cand_pos]
    PUm, PVm, PUc, PVc = P @ Um, P @ Vm, P @ Uc, P @ Vc
    # H_kl = 2[(v_kᵀPu_l)(v_lᵀPu_k) + (v_kᵀPv_l)(u_lᵀPu_k)]
    X = Vm.T @ PUm
    H_mm = 2.0 * (X * X.T + (Vm.T @ PVm) * (Um.T @ PUm))
    H_cm = 2.0 * ((Vc.T @ PUm) * (Vm.T @ PUc).T + (Vc.T @ PVm) * (Uc.T @ PUm))
    H_cc = 2.0 * (np.einsum("ik,ik->k", Vc, PUc) ** 2
                  + np.einsum("ik,ik->k", Vc, PVc) * np.einsum("ik,ik->k", Uc, PUc))
    # model entries -> model parameters (equality constraints add up)
    from scipy import sparse

    M = sparse.csr_matrix((np.ones(len(model_pos)), (np.arange(len(model_pos)), free[model_pos])),
                          shape=(len(model_pos), q))
    H_tt = np.asarray((M.T @ (M.T @ H_mm).T).T)
    H_ct = np.asarray((M.T @ H_cm.T).T)
    return g_e[cand_pos], H_cc, H_ct, H_tt
