"""Maximum-likelihood estimation of covariance structures, vectorised.

Discrepancy (Jöreskog 1967; AMOS's C_ML / n; lavaan's 2·fmin)::

    F_ML(θ) = log|Σ(θ)| + tr(S Σ(θ)⁻¹) − log|S| − p

χ² = n·F_ML at the minimum, with n = N − 1 when S has divisor N − 1 (``likelihood="wishart"``,
AMOS's CMIN) or n = N when S has divisor N (``likelihood="normal"``, lavaan's default).

Derivatives.  With C = (I − A)⁻¹, G = F C (p × m) and K = C S Gᵀ (m × p), every ∂Σ/∂θ_k is a
rank-2 term u vᵀ + v uᵀ:

* loading/regression entry A[i, j]:  u = G[:, i], v = K[j, :]
* covariance entry S[i, j], i ≠ j:  u = G[:, i], v = G[:, j];  variance S[i, i]: v = G[:, i] / 2

so with W = Σ⁻¹ − Σ⁻¹ S Σ⁻¹ the gradient is ∂F/∂θ_k = 2 vᵀ W u, and the expected information
(the expected Hessian of F) is

    H_kl = tr(Σ⁻¹ Σ_k Σ⁻¹ Σ_l) = 2 [(v_kᵀ P u_l)(v_lᵀ P u_k) + (v_kᵀ P v_l)(u_lᵀ P u_k)],  P = Σ⁻¹

— a handful of small matrix products instead of a loop over parameters.  The asymptotic
covariance of θ̂ is (2/n) H⁻¹ (expected information, lavaan's default for ML).

For models in which no variable depends on an observed variable (every CFA, and SEMs among latent
variables) the objective and gradient are evaluated by :class:`_Lisrel` in the equivalent form
Σ = Λ(I − B)⁻¹Ψ(I − B)⁻ᵀΛᵀ + Θ, with k × k instead of m × m products (tested against the RAM path).

The optimiser is BFGS started from the inverse expected information (Fisher scoring's metric),
optionally polished by Newton steps on a finite-difference Hessian of the analytic gradient, until
the gradient's largest element is below ``tol``.  No bounds are imposed (as lavaan and AMOS): a negative variance at the optimum is
reported as a Heywood case, never silently clipped.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg

from clusterup.estimation.spec import ModelSpec


@dataclass
class MLFit:
    """Result of an ML fit."""

    theta: np.ndarray
    fmin: float              # F_ML at the optimum
    grad_max: float          # max |∂F/∂θ| at the optimum
    iterations: int
    converged: bool
    message: str
    method: str = "bfgs"     # "newton" or "bfgs fallback" for :meth:`MLProblem.refit`


class MLProblem:
    """Fast evaluation of Σ(θ), F_ML, its gradient and the expected information for one model."""

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.p, self.m, self.q = spec.p, spec.m, spec.n_free
        m = self.m
        # Internally variables are kept in a causal (topological) order when the model is
        # recursive: I − A is then unit lower triangular and its inverse a triangular solve.
        order = _topological_order(spec)
        self.recursive = order is not None
        self.perm = np.asarray(order if order is not None else range(m), dtype=int)   # internal -> spec
        pos = np.empty(m, dtype=int)
        pos[self.perm] = np.arange(m)                                                # spec -> internal
        self.pos = pos
        self.obs_idx = pos[: self.p]          # internal index of each observed variable (spec order)
        self.A0 = np.zeros((m, m))
        self.S0 = np.zeros((m, m))
        a_rows, a_cols, a_free = [], [], []
        s_rows, s_cols, s_free = [], [], []
        for e in spec.entries:
            r, c = pos[e.row], pos[e.col]
            if e.mat == "A":
                if e.free >= 0:
                    a_rows.append(r); a_cols.append(c); a_free.append(e.free)
                else:
                    self.A0[r, c] = e.value
            else:
                if e.free >= 0:
                    s_rows.append(r); s_cols.append(c); s_free.append(e.free)
                else:
                    self.S0[r, c] = self.S0[c, r] = e.value
        self.a_rows, self.a_cols, self.a_free = (np.array(x, dtype=int) for x in (a_rows, a_cols, a_free))
        self.s_rows, self.s_cols, self.s_free = (np.array(x, dtype=int) for x in (s_rows, s_cols, s_free))
        # entry -> parameter aggregation (equality constraints sum their entries)
        free_of_entry = np.concatenate([self.a_free, self.s_free])
        self.n_entries = len(free_of_entry)
        self.free_of_entry = free_of_entry
        # entries -> parameters (a sparse 0/1 matrix: large extended models in modification indices)
        from scipy import sparse

        self.agg = sparse.csr_matrix((np.ones(self.n_entries), (np.arange(self.n_entries), free_of_entry)),
                                     shape=(self.n_entries, self.q))
        self.simple = self.n_entries == self.q and bool(np.all(np.sort(free_of_entry) == np.arange(self.q)))
        self.order = np.argsort(free_of_entry) if self.simple else None
        # indices into Z = [G, Kᵀ] (p × 2m) for u and v of each entry
        self.u_idx = np.concatenate([self.a_rows, self.s_rows])
        self.v_idx = np.concatenate([m + self.a_cols, self.s_cols])
        self.v_scale = np.concatenate([np.ones(len(self.a_rows)),
                                       np.where(self.s_rows == self.s_cols, 0.5, 1.0)])
        self.eye_m = np.eye(m)
        self._eye_p = np.eye(self.p)
        self._lower_p = np.tril(np.ones((self.p, self.p)))
        self.fast = _Lisrel.build(spec, self.order)
        self._zcols = None                   # gather indices of the Hessian, built on first use
        self._spec_flat = None               # internal -> spec order of m × m matrices, on first use

    def _build_gathers(self) -> None:
        """Flat indices for the Hessian and the information (see :meth:`_sandwich`), built the
        first time either is asked for (their size grows with the square of the number of entries:
        the extended model of the modification indices never needs them).

        Every u_k and v_k is a column of Z = [G, Kᵀ]; the columns any entry uses are kept (``_zcols``,
        c of them), and each product u_kᵀ X v_l the formulas need is an element of the c × c matrix
        Z_cᵀ X Z_c, gathered by one ``take`` of precomputed flat indices (a fancy ``ix_`` gather of
        the same size costs five times as much).
        """
        m, na, ne = self.m, len(self.a_rows), self.n_entries
        cols = np.unique(np.concatenate([self.u_idx, self.v_idx])).astype(int)
        where = np.full(2 * m, -1, dtype=int)
        where[cols] = np.arange(len(cols))
        c = len(cols)
        u, v = where[self.u_idx], where[self.v_idx]
        self._zcols = cols
        self._g_vu = v * c + u
        self._f_vu, self._f_uu, self._f_vv = _flat(v, u, c), _flat(u, u, c), _flat(v, v, c)
        self._ss = np.outer(self.v_scale, self.v_scale)
        # the ∂²Σ term of A entries (i ← j): G column i is Z column u[:na], K row j is Z column v[:na]
        i, j, k, l = self.a_rows, self.a_cols, self.s_rows, self.s_cols
        self._f_Cji = _flat(j, i, m)
        self._f_KjGi = _flat(v[:na], u[:na], c)
        self._f_GiGi = _flat(u[:na], u[:na], c)
        causes, jpos = np.unique(j, return_inverse=True)
        self._causes = causes
        self._f_Vjj = _flat(jpos, jpos, len(causes))
        self._f_Cjk, self._f_Cjl = _flat(j, k, m), _flat(j, l, m)
        self._f_GiGk, self._f_GiGl = _flat(u[:na], u[na:], c), _flat(u[:na], v[na:], c)
        # entries -> parameters for an unconstrained model: one permutation of the flat matrix
        self._perm_flat = _flat(self.order, self.order, ne) if self.simple else None

    # ---- matrices -----------------------------------------------------------------------------
    def _internal(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        A = self.A0.copy()
        A[self.a_rows, self.a_cols] = theta[self.a_free]
        S = self.S0.copy()
        S[self.s_rows, self.s_cols] = theta[self.s_free]
        S[self.s_cols, self.s_rows] = theta[self.s_free]
        return A, S

    def _C(self, A: np.ndarray) -> np.ndarray:
        if self.recursive:
            return _trsm_unit_lower(self.eye_m - A)
        return np.linalg.inv(self.eye_m - A)

    def _to_spec_order(self, M: np.ndarray) -> np.ndarray:
        """An m × m matrix from the internal (causal) order to the spec's (one flat gather)."""
        if self._spec_flat is None:
            self._spec_flat = _flat(self.pos, self.pos, self.m)
        return M.ravel().take(self._spec_flat).reshape(self.m, self.m)

    def matrices(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """A and S in the spec's variable order (observed, then latent)."""
        A, S = self._internal(theta)
        return self._to_spec_order(A), self._to_spec_order(S)

    def _sigma_parts(self, theta: np.ndarray):
        A, S = self._internal(theta)
        C = self._C(A)
        G = C[self.obs_idx]
        K = (C @ S) @ G.T
        return K[self.obs_idx], G, K, C, S

    def implied(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Σ (p × p), G, K (internal order) and the model-implied covariance of all variables
        C S Cᵀ (m × m, spec order)."""
        Sigma, G, K, C, S = self._sigma_parts(theta)
        V = (C @ S) @ C.T
        return Sigma, G, K, self._to_spec_order(V)

    def sigma(self, theta: np.ndarray) -> np.ndarray:
        return self._sigma_parts(theta)[0]

    # ---- objective ----------------------------------------------------------------------------
    def objective(self, theta: np.ndarray, S: np.ndarray, logdet_S: float) -> float:
        Sigma = self.sigma(theta)
        try:
            L = linalg.cholesky(Sigma, lower=True, check_finite=False)
        except (linalg.LinAlgError, ValueError):
            return np.inf
        logdet = 2.0 * np.log(np.diag(L)).sum()
        Linv_S = linalg.solve_triangular(L, S, lower=True, check_finite=False)
        tr = np.trace(linalg.solve_triangular(L, Linv_S.T, lower=True, check_finite=False))
        return float(logdet + tr - logdet_S - self.p)

    def _pieces(self, theta: np.ndarray, S: np.ndarray):
        Sigma, G, K, _, _ = self._sigma_parts(theta)
        inv = _inverse_logdet(Sigma, np.tril(np.ones_like(Sigma)))
        if inv is None:
            return None
        P, logdet = inv
        Z = np.concatenate([G, K.T], axis=1)
        U = Z[:, self.u_idx]
        V = Z[:, self.v_idx] * self.v_scale
        return Sigma, P, logdet, U, V

    @property
    def eye_p(self) -> np.ndarray:
        return self._eye_p

    def _to_params(self, g_entries: np.ndarray) -> np.ndarray:
        if self.simple:
            return g_entries[self.order]
        return np.asarray(self.agg.T @ g_entries).ravel()

    def _info_to_params(self, H_entries: np.ndarray) -> np.ndarray:
        if self.simple:
            return H_entries.ravel().take(self._perm_flat).reshape(self.q, self.q)
        return np.asarray((self.agg.T @ (self.agg.T @ H_entries).T).T)

    def value_grad_info(self, theta: np.ndarray, S: np.ndarray, logdet_S: float,
                        want_info: bool = True):
        """F, ∂F/∂θ and (optionally) the expected information H at θ; None if Σ is not PD."""
        if not want_info and self.fast is not None:
            out = self.fast.value_grad(theta, S, logdet_S)
            if out is None:
                return None
            f, g = out
            return f, (g if self.fast.in_param_order else self._to_params(g)), None
        return self._value_grad_info_ram(theta, S, logdet_S, want_info)

    def _value_grad_info_ram(self, theta: np.ndarray, S: np.ndarray, logdet_S: float, want_info: bool):
        """The general RAM computation (any model, including the information matrix)."""
        if want_info:
            parts = self._sandwich(theta, S, logdet_S)
            if parts is None:
                return None
            f, ZP, ZW, _ = parts
            return f, self._to_params(self._grad_from(ZW)), self._info_to_params(self._expected_from(ZP))
        pieces = self._pieces(theta, S)
        if pieces is None:
            return None
        Sigma, P, logdet, U, V = pieces
        PS = P @ S
        f = float(logdet + np.trace(PS) - logdet_S - self.p)
        W = P - PS @ P
        g = 2.0 * np.einsum("ik,ik->k", V, W @ U)
        return f, self._to_params(g), None

    def _sandwich(self, theta: np.ndarray, S: np.ndarray, logdet_S: float):
        """F and the c × c matrices Z_cᵀ P Z_c, Z_cᵀ W Z_c (flattened) at θ; None if Σ is not PD
        (``S=None``: Z_cᵀ P Z_c only, for the expected information).

        With Y = P Z_c:  Z_cᵀ P Z_c = Z_cᵀ Y  and  Z_cᵀ M Z_c = Yᵀ S Y  (M = P S P, W = P − M).
        Also returns the pieces the ∂²Σ term needs (C, C·S in internal order).
        """
        if self._zcols is None:
            self._build_gathers()
        A, Smat = self._internal(theta)
        C = self._C(A)
        G = C[self.obs_idx]
        CS = C @ Smat
        K = CS @ G.T
        inv = _inverse_logdet(K[self.obs_idx], self._lower_p)
        if inv is None:
            return None
        P, logdet = inv
        Zc = np.concatenate([G, K.T], axis=1)[:, self._zcols]
        Y = P @ Zc
        ZP = (Zc.T @ Y).ravel()
        if S is None:                          # the information only: S = Σ, W = 0
            return np.nan, ZP, None, (C, CS)
        f = float(logdet + np.vdot(P, S) - logdet_S - self.p)
        ZW = ZP - (Y.T @ (S @ Y)).ravel()
        return f, ZP, ZW, (C, CS)

    def _grad_from(self, ZW: np.ndarray) -> np.ndarray:
        """Entry gradient ∂F/∂θ_k = 2 v_kᵀ W u_k from the flat Z_cᵀ W Z_c."""
        return 2.0 * self.v_scale * ZW.take(self._g_vu)

    def _products(self, ZX: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """From the flat Z_cᵀ X Z_c: the entry matrices v_kᵀXu_l, v_kᵀXv_l and u_kᵀXu_l."""
        ne = self.n_entries
        return (ZX.take(self._f_vu).reshape(ne, ne) * self.v_scale[:, None],
                ZX.take(self._f_vv).reshape(ne, ne) * self._ss,
                ZX.take(self._f_uu).reshape(ne, ne))

    def _expected_from(self, ZP: np.ndarray) -> np.ndarray:
        """Entry expected information 2[(v_kᵀPu_l)(v_lᵀPu_k) + (v_kᵀPv_l)(u_lᵀPu_k)] (module docstring)."""
        XP, VVP, UUP = self._products(ZP)
        return 2.0 * (XP * XP.T + VVP * UUP)

    def gradient(self, theta: np.ndarray, S: np.ndarray, logdet_S: float) -> np.ndarray:
        out = self.value_grad_info(theta, S, logdet_S, want_info=False)
        if out is None:
            return np.full(self.q, np.nan)
        return out[1]

    def information(self, theta: np.ndarray) -> np.ndarray:
        """Expected information of F per unit n: H_kl = tr(Σ⁻¹Σ_kΣ⁻¹Σ_l) (so vcov = (2/n)·H⁻¹)."""
        parts = self._sandwich(theta, None, 0.0)
        if parts is None:
            raise np.linalg.LinAlgError("model-implied covariance is not positive definite")
        return self._info_to_params(self._expected_from(parts[1]))

    def delta(self, theta: np.ndarray) -> np.ndarray:
        """Jacobian ∂vech(Σ)/∂θᵀ (p* × q), rows in lavaan's vech order (column-wise lower triangle)."""
        pieces = self._pieces(theta, self.sigma(theta))
        _, _, _, U, V = pieces
        rows, cols = np.tril_indices(self.p)
        order = np.lexsort((rows, cols))            # column-major lower triangle
        rows, cols = rows[order], cols[order]
        D_entries = U[rows] * V[cols] + V[rows] * U[cols]   # (p*, entries)
        return np.asarray((self.agg.T @ D_entries.T).T) if not self.simple else D_entries[:, self.order]

    # ---- optimiser ----------------------------------------------------------------------------
    def fit(self, S: np.ndarray, start: np.ndarray, *, tol: float = 1e-9, max_iter: int = 500,
            info: np.ndarray | None = None, info_inv: np.ndarray | None = None,
            polish: bool = False, logdet_S: float | None = None) -> MLFit:
        """Minimise F_ML from ``start``.

        Quasi-Newton (BFGS) whose initial inverse Hessian is the inverse expected information
        (Fisher scoring's metric), with Armijo backtracking; when a step fails the metric is reset
        to the current expected information (a Fisher-scoring step).  With ``polish=True`` the
        result is refined by Newton steps on a central-difference Hessian of the analytic
        gradient (quadratic convergence; used for the main fits, not for bootstrap draws).

        Parameters
        ----------
        S : ndarray (p × p)
            Sample covariance matrix (its divisor decides the likelihood convention).
        start : ndarray (q,)
            Starting values.
        tol : float
            Convergence when max |∂F/∂θ| < tol.
        info : ndarray, optional
            Expected information to start the metric from (e.g. the full-sample one in a
            bootstrap); by default computed at ``start``.
        info_inv : ndarray, optional
            Its inverse, when already known (saves one inversion per bootstrap draw).
        polish : bool
            Finish with Newton steps.
        logdet_S : float, optional
            log|S| when the caller has it (S is then taken to be positive definite).
        """
        logdet_S = _logdet_pd(S) if logdet_S is None else logdet_S
        theta = np.array(start, dtype=float)
        given = info is not None or info_inv is not None
        out = self.value_grad_info(theta, S, logdet_S, want_info=not given)
        if out is None:
            return MLFit(theta, np.inf, np.inf, 0, False, "start values give a non-positive-definite Σ")
        f, g, H = out
        if info_inv is not None:
            Binv = np.array(info_inv, dtype=float, order="F")
        else:
            Binv = np.asfortranarray(_inv_pd(info if info is not None else H))
        # Binv is kept symmetric through BLAS symmetric routines that read and update only its
        # lower triangle (dsymv, dsyr, dsyr2): a few microseconds per iteration
        gmax = float(np.max(np.abs(g))) if len(g) else 0.0
        it = 0
        resets = 0
        while gmax > tol and it < max_iter:
            it += 1
            step = _symv(-1.0, Binv, g, lower=1)
            slope = float(g @ step)
            if slope >= 0:                       # not a descent direction: Fisher step instead
                Binv = np.asfortranarray(_inv_pd(self._info_at(theta)))
                step = _symv(-1.0, Binv, g, lower=1)
                slope = float(g @ step)
            t, new = 1.0, None
            for _ in range(40):
                cand = theta + t * step
                out = self.value_grad_info(cand, S, logdet_S, want_info=False)
                if out is not None and (out[0] <= f + 1e-4 * t * slope
                                        or (gmax < 1e-5 and out[0] <= f + 1e-12 * max(1.0, abs(f)))):
                    new = cand
                    fc, g_new = out[0], out[1]
                    break
                t *= 0.5
            if new is None:
                resets += 1
                if resets > 3:
                    break
                Binv = np.asfortranarray(_inv_pd(self._info_at(theta)))
                continue
            s_vec = new - theta
            y_vec = g_new - g
            sy = float(s_vec @ y_vec)
            if sy > 1e-12 * float(np.sqrt((s_vec @ s_vec) * (y_vec @ y_vec))):
                # BFGS: H+ = H + (1/sy + yᵀHy/sy²)·ssᵀ − (Hy·sᵀ + s·(Hy)ᵀ)/sy
                rho = 1.0 / sy
                By = _symv(1.0, Binv, y_vec, lower=1)
                Binv = _syr(rho + rho * rho * float(y_vec @ By), s_vec, a=Binv, lower=1, overwrite_a=1)
                Binv = _syr2(-rho, By, s_vec, a=Binv, lower=1, overwrite_a=1)
            theta, f, g = new, fc, g_new
            gmax = float(np.max(np.abs(g)))
        if polish and np.isfinite(f):
            theta, f, g, extra = self._newton_polish(theta, S, logdet_S, f, g, tol)
            it += extra
            gmax = float(np.max(np.abs(g))) if len(g) else 0.0
        converged = bool(gmax <= tol and np.isfinite(f))
        msg = "converged" if converged else f"stopped at max |gradient| = {gmax:.2e} after {it} iterations"
        return MLFit(theta, f, gmax, it, converged, msg)

    # ---- exact Hessian and the Newton refit (bootstrap, jackknife, power) ------------------------
    def value_grad_hessian(self, theta: np.ndarray, S: np.ndarray, logdet_S: float):
        """F, ∂F/∂θ and the exact (observed) Hessian ∂²F/∂θ∂θᵀ at θ; None if Σ is not PD.

        With Σ_k = u_k v_kᵀ + v_k u_kᵀ, P = Σ⁻¹, M = P S P and W = P − M (module docstring),

            ∂²F/∂θ_k∂θ_l = 2 tr(P Σ_l M Σ_k) − tr(P Σ_l P Σ_k) + tr(W ∂²Σ/∂θ_k∂θ_l).

        Every u and v is a column of Z = [G, Kᵀ], so the first two terms are elements of the two
        small matrices Z_cᵀ P Z_c and Z_cᵀ M Z_c of :meth:`_sandwich`, gathered by flat indices.
        ∂²Σ is non-zero only when one of the two entries is in A (a loading or regression).  With
        C = (I − A)⁻¹, G = F C, K = C S Gᵀ, V = C S Cᵀ, GWG = Gᵀ W G and KWG = K W G (both blocks
        of Z_cᵀ W Z_c) the last term is, for A entries (i ← j), (k ← l),
        2[C_li KWG_jk + C_jk KWG_li + V_jl GWG_ki], and for an A entry (i ← j) with an S entry
        (k, l), 2 s [C_jk GWG_li + C_jl GWG_ki] (s = ½ on the diagonal).  At S = Σ it is the
        expected information.  Tested against central differences of the analytic gradient.
        """
        parts = self._sandwich(theta, S, logdet_S)
        if parts is None:
            return None
        f, ZP, ZW, (C, CS) = parts
        ZM = ZP - ZW
        ne, na, sc = self.n_entries, len(self.a_rows), self.v_scale
        g = self._grad_from(ZW)
        XP, VVP, UUP = self._products(ZP)
        XM, VVM, UUM = self._products(ZM)
        XPt = XP.T
        H = 2.0 * (XM.T * XP + XM * XPt + VVM * UUP + UUM * VVP - XP * XPt - VVP * UUP)
        if na:
            ns = ne - na
            Cf = C.ravel()
            Cji = Cf.take(self._f_Cji).reshape(na, na)
            KWG = ZW.take(self._f_KjGi).reshape(na, na)
            Vjj = (CS[self._causes] @ C[self._causes].T).ravel().take(self._f_Vjj).reshape(na, na)
            H[:na, :na] += 2.0 * (Cji.T * KWG + Cji * KWG.T + Vjj * ZW.take(self._f_GiGi).reshape(na, na))
            Has = (2.0 * sc[na:]) * (Cf.take(self._f_Cjk).reshape(na, ns) * ZW.take(self._f_GiGl).reshape(na, ns)
                                     + Cf.take(self._f_Cjl).reshape(na, ns) * ZW.take(self._f_GiGk).reshape(na, ns))
            H[:na, na:] += Has
            H[na:, :na] += Has.T
        return f, self._to_params(g), self._info_to_params(H)

    def refit(self, S: np.ndarray, start: np.ndarray, *, tol: float = 1e-8, max_iter: int = 50,
              info_inv: np.ndarray | None = None, switch: float = 1e-2, reuse_below: float = 1.0,
              hessian: np.ndarray | None = None, logdet_S: float | None = None) -> MLFit:
        """Minimise F_ML from a warm start (a bootstrap, jackknife or power refit): BFGS, then Newton.

        Measured on bootstrap resamples at N = 218, a pure Newton start from the full-sample
        estimate overshoots (the Hessian there is often indefinite for the resample), while BFGS
        (:meth:`fit`, metric = inverse expected information) needs ~20 iterations for the last
        digits.  So the refit runs BFGS only until max |g| < ``switch`` (~6 iterations), then
        Newton's method with the exact Hessian of :meth:`value_grad_hessian`: each step solves
        H δ = −g through a Cholesky factorisation (no inverse), halving δ until F does not
        increase.  Below ``reuse_below`` the factorisation is reused (a chord step costs one
        gradient) and refreshed when a chord step fails to halve the gradient.  Convergence is
        max |∂F/∂θ| < ``tol``, the criterion of :meth:`fit`.  When the Hessian is not positive
        definite or a fresh Newton step fails, the refit falls back to :meth:`fit` from the current
        point and says so in ``MLFit.method`` ("newton" or "bfgs fallback"); ``iterations``
        counts every step of both phases.

        ``hessian``: a Hessian known near the solution (the jackknife passes the full-sample one,
        computed once): the BFGS phase is skipped and chord steps with it start at once.
        ``logdet_S``: log|S| when the caller has it.
        """
        logdet_S = _logdet_pd(S) if logdet_S is None else logdet_S
        if hessian is not None:
            pre = MLFit(np.array(start, dtype=float), 0.0, np.inf, 0, False, "", "newton")
        else:
            pre = self.fit(S, start, tol=max(tol, switch), info_inv=info_inv, max_iter=200, logdet_S=logdet_S)
            if not np.isfinite(pre.fmin):
                return pre
            if pre.grad_max <= tol:
                pre.method = "newton"
                return pre
        theta = pre.theta
        factor, fresh = None, True
        if hessian is None:
            out = self.value_grad_hessian(theta, S, logdet_S)
        else:
            out = self.value_grad_info(theta, S, logdet_S, want_info=False)
            c, info = _potrf(hessian, lower=1, clean=0, overwrite_a=0)
            if info == 0:
                factor, fresh = c, False
        if out is None:
            return MLFit(theta, np.inf, np.inf, 0, False, "start values give a non-positive-definite Σ")
        f, g, H = out
        if H is None:
            H = hessian
        gmax = float(np.max(np.abs(g))) if len(g) else 0.0
        it = pre.iterations
        while gmax > tol and it < pre.iterations + max_iter:
            it += 1
            if factor is None:
                c, info = _potrf(H, lower=1, clean=0, overwrite_a=0)
                if info != 0:
                    break                                    # not positive definite: fall back
                factor = c
            step = -_potrs(factor, g, lower=1)[0]
            t, accepted = 1.0, False
            for _ in range(12):
                cand = theta + t * step
                o = self.value_grad_info(cand, S, logdet_S, want_info=False)
                if o is not None and o[0] <= f + 1e-12 * max(1.0, abs(f)):
                    accepted = True
                    break
                t *= 0.5
            if not accepted:
                if fresh:
                    break                                    # a fresh Newton step failed: fall back
                factor, fresh = None, True                   # a stale factor failed: refresh it
                o2 = self.value_grad_hessian(theta, S, logdet_S)
                if o2 is None:
                    break
                H = o2[2]
                continue
            g_new = o[1]
            gmax_new = float(np.max(np.abs(g_new)))
            stale_slow = (not fresh) and gmax_new > 0.5 * gmax
            theta, f, g, gmax = cand, o[0], g_new, gmax_new
            if gmax <= tol:
                break
            if gmax >= reuse_below or stale_slow:
                o2 = self.value_grad_hessian(theta, S, logdet_S)
                if o2 is None:
                    break
                f, g, H = o2
                factor, fresh = None, True
            else:
                fresh = False
        if gmax <= tol and np.isfinite(f):
            return MLFit(theta, f, gmax, it, True, "converged", "newton")
        fb = self.fit(S, theta, tol=tol, info_inv=info_inv, max_iter=200)
        fb.iterations += it
        fb.method = "bfgs fallback"
        return fb

    def _info_at(self, theta: np.ndarray) -> np.ndarray:
        try:
            return self.information(theta)
        except np.linalg.LinAlgError:
            return np.eye(self.q)

    def hessian(self, theta: np.ndarray, S: np.ndarray, h: float = 1e-6) -> np.ndarray:
        """Observed Hessian of F: central differences of the analytic gradient (symmetrised)."""
        logdet_S = np.linalg.slogdet(S)[1]
        q = self.q
        Hs = np.empty((q, q))
        for k in range(q):
            e = np.zeros(q)
            e[k] = h * max(1.0, abs(theta[k]))
            Hs[:, k] = (self.gradient(theta + e, S, logdet_S) - self.gradient(theta - e, S, logdet_S)) / (2 * e[k])
        return 0.5 * (Hs + Hs.T)

    def _newton_polish(self, theta, S, logdet_S, f, g, tol, max_steps: int = 8):
        steps = 0
        gmax = float(np.max(np.abs(g))) if len(g) else 0.0
        while steps < max_steps and gmax > 1e-13:
            Hs = self.hessian(theta, S)
            try:
                step = -linalg.solve(Hs, g, assume_a="sym", check_finite=False)
            except (linalg.LinAlgError, ValueError):
                break
            cand = theta + step
            out = self.value_grad_info(cand, S, logdet_S, want_info=False)
            if out is None:
                break
            fc, gc, _ = out
            gcmax = float(np.max(np.abs(gc)))
            if not (gcmax < gmax and fc <= f + 1e-10 * max(1.0, abs(f))):
                break
            theta, f, g, gmax = cand, fc, gc, gcmax
            steps += 1
        return theta, f, g, steps


class _Lisrel:
    """Objective and gradient for the common structure Σ = Λ(I − B)⁻¹Ψ(I − B)⁻ᵀΛᵀ + Θ.

    Applies when no variable depends on an observed variable and no observed variable covaries
    with a latent one (every CFA, and SEMs among latent variables such as the thesis's model).
    The same quantities as the RAM formulas, with k × k and p × k products instead of m × m ones
    (m = p + k).  With C = (I − B)⁻¹, L = ΛC, Kₗ = CΨLᵀ (so Σ = LΨLᵀ + Θ), W = Σ⁻¹ − Σ⁻¹SΣ⁻¹ and
    K̃ = [Kₗᵀ, L] (p × 2k) the entry gradients are
    loading (i ← j): 2(WKₗᵀ)ᵢⱼ;  B (i ← j): 2(KₗWL)ⱼᵢ;  Θᵢⱼ: 2Wᵢⱼ (Wᵢᵢ);  Ψᵢⱼ: 2(LᵀWL)ᵢⱼ ((LᵀWL)ᵢᵢ),
    i.e. elements of WK̃, K̃ᵀWK̃ and W, gathered by one ``take`` of precomputed flat indices.  The
    parameters are scattered into one buffer holding Λ, B, Ψ and Θ, and the latent variables are
    kept in a causal order, so that I − B is unit lower triangular and C one LAPACK call: an
    evaluation is about two dozen array operations, which is what it costs at these sizes.
    Tested against the RAM path to rounding error.
    """

    @classmethod
    def build(cls, spec, order: np.ndarray | None = None) -> "_Lisrel | None":
        """The fast evaluator for ``spec``, or None when the model does not have this structure.

        ``order``: when given (an unconstrained model), the gradient is returned in parameter
        order, entry ``order[t]`` at position t; otherwise in the RAM path's entry order (A entries,
        then S entries)."""
        p, k = spec.p, spec.m - spec.p
        if k == 0:
            return None
        edges = []                                    # latent regressions (effect, cause)
        for e in spec.entries:
            if e.mat == "A" and e.col < p:
                return None                           # an observed variable is a cause
            if e.mat == "S" and (e.row < p) != (e.col < p):
                return None                           # observed–latent covariance
            if e.mat == "A" and e.row >= p and (e.free >= 0 or e.value != 0):
                edges.append((e.row - p, e.col - p))
        self = cls()
        self.p, self.k = p, k
        lat = _causal_order(k, edges)
        self.cyclic = lat is None
        lat = list(range(k)) if lat is None else lat
        ipos = np.empty(k, dtype=int)
        ipos[lat] = np.arange(k)                      # spec latent -> internal position
        self.has_b = bool(edges)
        # one buffer: Λ (p × k), B (k × k), Ψ (k × k), Θ (p × p)
        o_b, o_ps, o_th = p * k, p * k + k * k, p * k + 2 * k * k
        self.offsets = (o_b, o_ps, o_th, o_th + p * p)
        self.base = np.zeros(o_th + p * p)
        # gradient buffer: WK̃ (p × 2k), K̃ᵀWK̃ (2k × 2k), W (p × p)
        k2 = 2 * k
        g_kwk, g_w = p * k2, p * k2 + k2 * k2
        pos, par, gidx, gscale = [], [], [], []
        a_entries = [e for e in spec.entries if e.mat == "A" and e.free >= 0]
        s_entries = [e for e in spec.entries if e.mat == "S" and e.free >= 0]
        for e in spec.entries:
            if e.free >= 0:
                continue
            r, c = e.row, e.col
            if e.mat == "A":
                if r < p:
                    self.base[r * k + ipos[c - p]] = e.value
                else:
                    self.base[o_b + ipos[r - p] * k + ipos[c - p]] = e.value
            elif r < p:
                self.base[o_th + r * p + c] = self.base[o_th + c * p + r] = e.value
            else:
                i, j = ipos[r - p], ipos[c - p]
                self.base[o_ps + i * k + j] = self.base[o_ps + j * k + i] = e.value
        for e in a_entries:
            r, c = e.row, e.col
            j = ipos[c - p]
            if r < p:                                 # loading r <- j: (W Kₗᵀ)[r, j]
                pos.append(r * k + j); par.append(e.free)
                gidx.append(r * k2 + j); gscale.append(2.0)
            else:                                     # regression i <- j: (Kₗ W L)[j, i]
                i = ipos[r - p]
                pos.append(o_b + i * k + j); par.append(e.free)
                gidx.append(g_kwk + j * k2 + k + i); gscale.append(2.0)
        for e in s_entries:
            r, c = e.row, e.col
            if r < p:                                 # Θ[r, c]: W[r, c]
                pos += [o_th + r * p + c, o_th + c * p + r]; par += [e.free, e.free]
                gidx.append(g_w + r * p + c)
            else:                                     # Ψ[i, j]: (Lᵀ W L)[i, j]
                i, j = ipos[r - p], ipos[c - p]
                pos += [o_ps + i * k + j, o_ps + j * k + i]; par += [e.free, e.free]
                gidx.append(g_kwk + (k + i) * k2 + k + j)
            gscale.append(1.0 if r == c else 2.0)
        self.pos, self.par = np.asarray(pos, dtype=int), np.asarray(par, dtype=int)
        gidx, gscale = np.asarray(gidx, dtype=int), np.asarray(gscale)
        if order is not None:
            gidx, gscale = gidx[order], gscale[order]
        self.gidx, self.gscale = gidx, gscale
        self.in_param_order = order is not None
        self.eye_k = np.eye(k)
        self.lower_p = np.tril(np.ones((p, p)))
        return self

    def value_grad(self, theta: np.ndarray, S: np.ndarray, logdet_S: float):
        p, k = self.p, self.k
        o_b, o_ps, o_th, o_end = self.offsets
        buf = self.base.copy()
        buf[self.pos] = theta[self.par]
        Lam = buf[:o_b].reshape(p, k)
        Psi = buf[o_ps:o_th].reshape(k, k)
        Kt = np.empty((p, 2 * k))                     # K̃ = [Kₗᵀ, L]
        if not self.has_b:                            # no latent regression: C = I, L = Λ
            L = Lam
            Kt[:, k:] = Lam
            LPsi = np.matmul(Lam, Psi, out=Kt[:, :k])
        else:
            IB = self.eye_k - buf[o_b:o_ps].reshape(k, k)
            if self.cyclic:
                C = np.linalg.inv(IB)
            else:
                C, info = _trtri(IB, lower=1, unitdiag=1, overwrite_c=1)
                if info != 0:
                    return None
            L = np.matmul(Lam, C, out=Kt[:, k:])
            LPsi = L @ Psi
            np.matmul(LPsi, C.T, out=Kt[:, :k])
        Sigma = LPsi @ L.T
        Sigma += buf[o_th:o_end].reshape(p, p)
        inv = _inverse_logdet(Sigma, self.lower_p)
        if inv is None:
            return None
        P, logdet = inv
        PS = P @ S
        f = float(logdet + np.trace(PS) - logdet_S - p)
        W = P - PS @ P
        WK = W @ Kt
        grads = np.concatenate((WK.ravel(), (Kt.T @ WK).ravel(), W.ravel()))
        return f, self.gscale * grads.take(self.gidx)


def _causal_order(k: int, edges: list[tuple[int, int]]) -> list[int] | None:
    """Nodes 0..k−1 causes-first for edges (effect, cause), or None if the graph is cyclic."""
    parents: list[set[int]] = [set() for _ in range(k)]
    for r, c in edges:
        if r == c:
            return None
        parents[r].add(c)
    order: list[int] = []
    placed = [False] * k
    while len(order) < k:
        ready = [v for v in range(k) if not placed[v] and all(placed[u] for u in parents[v])]
        if not ready:
            return None
        for v in ready:
            placed[v] = True
        order += ready
    return order


_potrf = linalg.lapack.get_lapack_funcs("potrf", dtype=np.float64)
_symv = linalg.blas.get_blas_funcs("symv", dtype=np.float64)
_syr = linalg.blas.get_blas_funcs("syr", dtype=np.float64)
_syr2 = linalg.blas.get_blas_funcs("syr2", dtype=np.float64)
_potrs = linalg.lapack.get_lapack_funcs("potrs", dtype=np.float64)
_potri = linalg.lapack.get_lapack_funcs("potri", dtype=np.float64)
_trtri = linalg.lapack.get_lapack_funcs("trtri", dtype=np.float64)


def _inverse_logdet(Sigma: np.ndarray, lower_mask: np.ndarray) -> tuple[np.ndarray, float] | None:
    """Σ⁻¹ and log|Σ| through the Cholesky factor (None if Σ is not positive definite).

    ``lower_mask`` is a lower-triangular matrix of ones: potrf/trtri leave the upper triangle of
    their output untouched, so it is zeroed by one multiplication.
    """
    c, info = _potrf(Sigma, lower=1, clean=0, overwrite_a=0)
    if info != 0:
        return None
    logdet = 2.0 * np.log(np.diagonal(c)).sum()
    Linv, info = _trtri(c, lower=1, unitdiag=0, overwrite_c=1)
    if info != 0:
        return None
    Linv *= lower_mask
    return Linv.T @ Linv, logdet


def _trsm_unit_lower(L: np.ndarray) -> np.ndarray:
    """Inverse of a unit lower-triangular matrix (LAPACK trtri)."""
    inv, info = _trtri(L, lower=1, unitdiag=1, overwrite_c=0)
    if info != 0:
        return np.linalg.inv(L)
    return inv


def _topological_order(spec: ModelSpec) -> list[int] | None:
    """Variables ordered causes-first (so A is strictly lower triangular), or None if cyclic."""
    return _causal_order(spec.m, [(e.row, e.col) for e in spec.entries if e.mat == "A"])


def _logdet_pd(S: np.ndarray) -> float:
    """log|S| of a sample covariance matrix; LinAlgError when it is not positive definite."""
    sign, logdet = np.linalg.slogdet(S)
    if sign <= 0:
        raise np.linalg.LinAlgError("sample covariance matrix is not positive definite")
    return float(logdet)


def logdet_cholesky(S: np.ndarray) -> float | None:
    """log|S| from the Cholesky factor, or None when S is not positive definite (a resample's
    check and its log-determinant in one factorisation)."""
    c, info = _potrf(S, lower=1, clean=0, overwrite_a=0)
    if info != 0:
        return None
    return 2.0 * float(np.log(np.diagonal(c)).sum())


def _flat(rows, cols, ncol: int) -> np.ndarray:
    """Flat (C-order) indices of the submatrix rows × cols of a matrix with ``ncol`` columns."""
    return (np.asarray(rows, dtype=int)[:, None] * ncol + np.asarray(cols, dtype=int)[None, :]).ravel()


def _inv_pd(H: np.ndarray) -> np.ndarray:
    """Inverse of a symmetric positive-definite matrix, regularised if needed."""
    try:
        c = linalg.cho_factor(H, lower=True, check_finite=False)
        return linalg.cho_solve(c, np.eye(len(H)), check_finite=False)
    except (linalg.LinAlgError, ValueError):
        w, v = np.linalg.eigh(0.5 * (H + H.T))
        w = np.maximum(w, max(1e-8, 1e-8 * float(np.max(np.abs(w))) if len(w) else 1e-8))
        return (v / w) @ v.T


def standardized(entry, value: float, V: np.ndarray, S: np.ndarray) -> float:
    """Completely standardized value of one matrix entry (lavaan ``std.all``, ``cov.std = TRUE``).

    Paths are scaled by the model-implied SDs, sd(cause)/sd(effect); variances are divided by the
    model-implied variance; covariances by the square roots of the two (residual) variances in S.
    ``V`` is the model-implied covariance of all variables, ``S`` the symmetric parameter matrix,
    both in the spec's variable order.
    """
    if entry.mat == "A":
        return value * np.sqrt(V[entry.col, entry.col] / V[entry.row, entry.row])
    if entry.row == entry.col:
        return value / V[entry.row, entry.row]
    denom = np.sqrt(abs(S[entry.row, entry.row] * S[entry.col, entry.col]))
    return value / denom if denom > 0 else float("nan")


def start_values(spec: ModelSpec, S: np.ndarray) -> np.ndarray:
    """Simple starting values in the spirit of lavaan's ``start="simple"``.

    Loadings from the covariance with the factor's marker indicator, assuming the factor carries
    half the marker's variance (λ_i = s_i,marker / (s_marker / 2)); regressions and covariances 0;
    residual variances half the observed variance; factor variances half the marker's variance.
    """
    theta = np.zeros(spec.n_free)
    set_ = np.zeros(spec.n_free, dtype=bool)
    obs = {v: i for i, v in enumerate(spec.observed)}
    marker: dict[str, str] = {}
    for e in spec.entries:
        if e.op == "=~" and e.free < 0 and e.value != 0 and e.rhs in obs:
            marker.setdefault(e.lhs, e.rhs)
    for e in spec.entries:
        if e.free < 0 or set_[e.free]:
            continue
        if not np.isnan(e.value):
            theta[e.free] = e.value
        elif e.op == "=~":
            mk = marker.get(e.lhs)
            if mk is not None and e.rhs in obs:
                i, j = obs[e.rhs], obs[mk]
                theta[e.free] = S[i, j] / S[j, j] / 0.5 if S[j, j] > 0 else 1.0
                theta[e.free] = float(np.clip(theta[e.free], -3, 3)) or 1.0
            else:
                theta[e.free] = 1.0
        elif e.op == "~":
            theta[e.free] = 0.0
        elif e.lhs == e.rhs:
            if e.lhs in obs:
                theta[e.free] = 0.5 * S[obs[e.lhs], obs[e.lhs]]
            else:
                mk = marker.get(e.lhs)
                theta[e.free] = 0.5 * S[obs[mk], obs[mk]] if mk else 0.5
        else:
            theta[e.free] = 0.0
        set_[e.free] = True
    return theta
