"""Multi-group maximum likelihood with a mean structure (lavaan ``group=``, AMOS multiple-group).

Each group g has its own sample moments (ȳ_g, S_g; S_g with the divisor of the likelihood
convention) and the same model; the discrepancy is the sum of the group discrepancies

    T(θ) = Σ_g n_g · F_g,   F_g = log|Σ_g| + tr(S_g Σ_g⁻¹) − log|S_g| − p + (ȳ_g − μ_g)ᵀ Σ_g⁻¹ (ȳ_g − μ_g)

with n_g = N_g − 1 (``wishart``, AMOS) or N_g (``normal``, lavaan's default); χ² = T(θ̂).
Σ_g(θ) comes from the RAM form of :class:`clusterup.estimation.ml.MLProblem` and
μ_g = F (I − A_g)⁻¹ m_g with m_g = (ν_g, α_g): observed intercepts ν and latent means α.

Parameters of each group map to a global θ.  A parameter type listed in ``equal`` (lavaan's
``group.equal``: ``loadings``, ``intercepts``, ``residuals``, ``residual.covariances``,
``regressions``, ``lv.variances``, ``lv.covariances``) is shared by all groups; single paths can be
constrained equal by ``equal_paths``.  Identification follows lavaan: the marker loading of each
factor is 1 in every group; intercepts are free in every group; latent means are 0 in every
group, except that once intercepts are equal they are free in groups 2, 3, …

Standard errors: expected information, vcov = 2 · (Σ_g n_g H_g)⁻¹ with H_g the expected
information of F_g (lavaan's default for ML).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clusterup import distributions as dist
from clusterup.errors import EstimationError, InputError
from clusterup.estimation.fitindices import rmsea_ci
from clusterup.estimation.moments import check_moments
from clusterup.estimation.ml import MLProblem, standardized, start_values
from clusterup.estimation.spec import ModelSpec

EQUAL_TYPES = ("loadings", "intercepts", "residuals", "residual.covariances", "regressions",
               "lv.variances", "lv.covariances")


def parameter_type(spec: ModelSpec, entry) -> str:
    """lavaan's ``group.equal`` type of one matrix entry."""
    obs = set(spec.observed)
    if entry.op == "=~":
        return "loadings"
    if entry.op == "~":
        return "regressions"
    both_obs = entry.lhs in obs and entry.rhs in obs
    if entry.lhs == entry.rhs:
        return "residuals" if both_obs else "lv.variances"
    return "residual.covariances" if both_obs else "lv.covariances"


@dataclass
class GroupData:
    name: str
    n_obs: int
    mean: np.ndarray
    cov: np.ndarray

    @property
    def logdet(self) -> float:
        return float(np.linalg.slogdet(self.cov)[1])


def group_moments(data: pd.DataFrame, variables: list[str], likelihood: str) -> tuple[np.ndarray, np.ndarray, int]:
    X = data[variables].to_numpy(dtype=float)
    n = X.shape[0]
    S = np.atleast_2d(np.cov(X, rowvar=False, ddof=1 if likelihood == "wishart" else 0))
    return X.mean(axis=0), S, n


class MultiGroupProblem:
    """The global parameter vector of a multi-group model and T(θ), its gradient and information."""

    def __init__(self, spec: ModelSpec, n_groups: int, equal: tuple[str, ...] = (),
                 equal_paths: tuple[tuple[str, str, str], ...] = ()) -> None:
        bad = [t for t in equal if t not in EQUAL_TYPES]
        if bad:
            raise ValueError(f"unknown group.equal type {bad[0]!r}; allowed: {', '.join(EQUAL_TYPES)}")
        self.spec, self.G = spec, n_groups
        self.problem = MLProblem(spec)
        self.p, self.q, self.k = spec.p, spec.n_free, len(spec.latent)
        reps = spec.free_entries()
        self.types = [parameter_type(spec, e) for e in reps]
        self.reps = reps
        eq_paths = {tuple(x) for x in equal_paths}
        shared = [t in equal or (e.lhs, e.op, e.rhs) in eq_paths for e, t in zip(reps, self.types)]
        self.means_free = "intercepts" in equal
        # global index of every local parameter: [θ_local (q), ν (p), α (k)] per group
        n = 0
        idx = np.full((n_groups, self.q + self.p + self.k), -1, dtype=int)
        for g in range(n_groups):
            for j in range(self.q):
                if shared[j] and g > 0:
                    idx[g, j] = idx[0, j]
                else:
                    idx[g, j] = n; n += 1
            for i in range(self.p):
                col = self.q + i
                if "intercepts" in equal and g > 0:
                    idx[g, col] = idx[0, col]
                else:
                    idx[g, col] = n; n += 1
            for j in range(self.k):
                if self.means_free and g > 0:
                    idx[g, self.q + self.p + j] = n; n += 1
        self.idx = idx
        self.n_free = n
        self.a_entries = [e for e in spec.entries if e.mat == "A"]

    # ---- one group ---------------------------------------------------------------------------
    def local(self, theta: np.ndarray, g: int):
        ix = self.idx[g]
        th = theta[ix[: self.q]]
        nu = theta[ix[self.q: self.q + self.p]]
        al = np.where(ix[self.q + self.p:] >= 0, theta[np.maximum(ix[self.q + self.p:], 0)], 0.0)
        return th, nu, al

    def moments(self, theta: np.ndarray, g: int):
        """Σ_g, μ_g and the pieces of their derivatives."""
        th, nu, al = self.local(theta, g)
        A, _ = self.problem.matrices(th)
        C = np.linalg.inv(np.eye(self.spec.m) - A)
        mvec = np.concatenate([nu, al])
        Cm = C @ mvec
        Sigma = self.problem.sigma(th)
        return th, Sigma, Cm[: self.p], C, Cm

    def _dmu(self, C, Cm):
        """Δμ = ∂μ/∂[θ, ν, α] (p × local): G[:, r]·(C m)_c for a path entry A[r, c], G = F(I − A)⁻¹."""
        p, q, k = self.p, self.q, self.k
        Dmu = np.zeros((p, q + p + k))
        G = C[:p]
        for e in self.a_entries:
            if e.free >= 0:
                Dmu[:, e.free] += G[:, e.row] * Cm[e.col]
        Dmu[:, q:q + p] = G[:, :p]
        Dmu[:, q + p:] = G[:, p:]
        return Dmu

    # ---- the total discrepancy ---------------------------------------------------------------
    def evaluate(self, theta: np.ndarray, groups: list[GroupData], n_mult: list[int], want_info: bool = True,
                 want_grad: bool = True):
        """T(θ), ∂T/∂θ and Σ_g n_g H_g (None if some Σ_g is not positive definite).

        With d = ȳ − μ, F_g is the covariance discrepancy of S* = S + d dᵀ, so its value and its
        gradient in the covariance parameters come from :class:`MLProblem` (at S*), plus the
        mean part −2 Δμᵀ Σ⁻¹ d.  The expected information of group g is H_σ(θ) (from
        :meth:`MLProblem.information`) + 2 Δμᵀ Σ⁻¹ Δμ.
        """
        q = self.q
        T = 0.0
        grad = np.zeros(self.n_free) if want_grad else None
        info = np.zeros((self.n_free, self.n_free)) if want_info else None
        for g, gd in enumerate(groups):
            th, nu, al = self.local(theta, g)
            A, _ = self.problem.matrices(th)
            C = np.linalg.inv(np.eye(self.spec.m) - A)
            Cm = C @ np.concatenate([nu, al])
            d = gd.mean - Cm[: self.p]
            out = self.problem.value_grad_info(th, gd.cov + np.outer(d, d), gd.logdet, want_info=False)
            if out is None:
                return None
            F, g_sig, _ = out
            T += n_mult[g] * F
            if not (want_grad or want_info):
                continue
            Dmu = self._dmu(C, Cm)
            Sigma = self.problem.sigma(th)
            ix = self.idx[g]
            used = ix >= 0
            u = ix[used]
            if want_grad:
                Pd = np.linalg.solve(Sigma, d)
                gl = -2.0 * (Dmu.T @ Pd)
                gl[:q] += g_sig
                np.add.at(grad, u, n_mult[g] * gl[used])
            if want_info:
                H = 2.0 * Dmu.T @ np.linalg.solve(Sigma, Dmu)
                H[:q, :q] += self.problem.information(th)
                info[np.ix_(u, u)] += n_mult[g] * H[np.ix_(used, used)]
        return T, grad, info


@dataclass
class MultiGroupResult:
    """A fitted multi-group model (numbers only)."""

    mg: MultiGroupProblem
    groups: list[GroupData]
    likelihood: str
    theta: np.ndarray
    chi2: float
    vcov: np.ndarray
    converged: bool
    iterations: int
    grad_max: float
    notes: list[str] = field(default_factory=list)

    @property
    def n_mult(self) -> list[int]:
        return [g.n_obs - 1 if self.likelihood == "wishart" else g.n_obs for g in self.groups]

    @property
    def npar(self) -> int:
        return self.mg.n_free

    @property
    def df(self) -> int:
        p = self.mg.p
        return len(self.groups) * (p * (p + 1) // 2 + p) - self.npar

    def locals(self) -> list[np.ndarray]:
        """Each group's local parameter vector [θ (q), ν (p), α (k)] (start values for a related model)."""
        return [np.concatenate(self.mg.local(self.theta, g)) for g in range(len(self.groups))]

    def estimates(self) -> pd.DataFrame:
        """group, lhs, op, rhs, label, est, se, z, p, std_all, free for every entry and mean."""
        se = np.sqrt(np.clip(np.diag(self.vcov), 0, None))
        spec, mg = self.mg.spec, self.mg
        rows = []
        for g, gd in enumerate(self.groups):
            th, nu, al = mg.local(self.theta, g)
            V = mg.problem.implied(th)[3]
            _, Smat = mg.problem.matrices(th)
            for e in spec.entries:
                est = th[e.free] if e.free >= 0 else e.value
                gi = mg.idx[g, e.free] if e.free >= 0 else -1
                rows.append(_row(gd.name, e.lhs, e.op, e.rhs, e.label or "", est, se, gi,
                                 standardized(e, est, V, Smat)))
            sd = np.sqrt(np.diag(V))
            for i, v in enumerate(spec.observed):
                gi = mg.idx[g, mg.q + i]
                rows.append(_row(gd.name, v, "~1", "", "", nu[i], se, gi, nu[i] / sd[i]))
            for j, v in enumerate(spec.latent):
                gi = mg.idx[g, mg.q + mg.p + j]
                rows.append(_row(gd.name, v, "~1", "", "", al[j], se, gi, al[j] / sd[spec.p + j]))
        return pd.DataFrame(rows)

    def defined(self) -> pd.DataFrame:
        """``:=`` parameters in every group (group, lhs, op ":=", rhs = expression, label, est, se,
        z, p, std_all): the expression evaluated at the group's own values of the labels, its
        delta-method SE from the gradient in the global θ (so a label whose parameter is shared
        across groups is one parameter) and the covariance matrix of the whole multi-group fit."""
        defs = self.mg.spec.definitions
        cols = ["group", "lhs", "op", "rhs", "label", "est", "se", "z", "p", "std_all"]
        if not defs.definitions:
            return pd.DataFrame(columns=cols)
        est_all = self.estimates()
        frames = []
        for g, gd in enumerate(self.groups):
            th = self.mg.local(self.theta, g)[0]
            std = est_all[est_all.group == gd.name]
            vals, svals, grads = {}, {}, {}
            for e, (_, r) in zip(self.mg.spec.entries, std.iloc[:len(self.mg.spec.entries)].iterrows()):
                if not e.label or e.label in vals:
                    continue
                vals[e.label] = float(th[e.free]) if e.free >= 0 else float(e.value)
                svals[e.label] = float(r.std_all)
                grad = np.zeros(self.npar)
                if e.free >= 0:
                    grad[self.mg.idx[g, e.free]] = 1.0
                grads[e.label] = grad
            defs.check(vals)
            est, jac = defs.evaluate(vals, grads, self.npar)
            std_est, _ = defs.evaluate(svals)
            se = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", jac, self.vcov, jac), 0, None))
            z = np.divide(est, se, out=np.full_like(est, np.nan), where=se > 0)
            frames.append(pd.DataFrame({"group": gd.name, "lhs": defs.names, "op": ":=",
                                        "rhs": [d.text for d in defs.definitions], "label": defs.names,
                                        "est": est, "se": se, "z": z, "p": 2 * dist.norm_sf(np.abs(z)),
                                        "std_all": std_est}))
        return pd.concat(frames, ignore_index=True)[cols]

    def fit_block(self) -> dict:
        """χ², df, p, CFI, TLI, RMSEA (90% CI), SRMR, AIC, BIC with lavaan's multi-group conventions.

        Baseline: the independence model in every group (free means and variances), χ²_b = Σ_g
        n_g(Σ log s_ii − log|S_g|), df_b = G(p* − p).  RMSEA = √G·√(max(χ²/N/df − 1/N, 0)) with
        N = Σ n_g (lavaan ``lav_fit_rmsea``), its CI the same scaling of Steiger's interval.
        SRMR: lavaan's Bentler form with the mean residuals, averaged over groups weighted by N_g.
        AIC/BIC: lavaan's log-likelihood forms (−2 logL + 2q, −2 logL + q ln N).
        """
        p, G = self.mg.p, len(self.groups)
        pstar = p * (p + 1) // 2
        C, d, q = self.chi2, self.df, self.npar
        nm = self.n_mult
        Ntot = sum(g.n_obs for g in self.groups)
        Cb = sum(n * (np.sum(np.log(np.diag(g.cov))) - np.linalg.slogdet(g.cov)[1])
                 for n, g in zip(nm, self.groups))
        db = G * (pstar - p)
        out = {"npar": q, "chi2": C, "df": d,
               "p": float(dist.chi2_sf(C, d)) if d > 0 else float("nan"),
               "baseline_chi2": float(Cb), "baseline_df": db}
        denom = max(C - d, Cb - db, 0.0)
        out["cfi"] = 1 - max(C - d, 0.0) / denom if denom > 0 else 1.0
        out["tli"] = ((Cb / db) - (C / d)) / ((Cb / db) - 1) if d > 0 else float("nan")
        n = float(sum(nm))
        if d > 0:
            out["rmsea"] = math.sqrt(max(C / n / d - 1.0 / n, 0.0)) * math.sqrt(G)
            lo, hi = rmsea_ci(C, d, n)
            out["rmsea_lo90"], out["rmsea_hi90"] = lo * math.sqrt(G), hi * math.sqrt(G)
        else:
            out["rmsea"] = out["rmsea_lo90"] = out["rmsea_hi90"] = float("nan")
        srmr, logl = 0.0, 0.0
        rows, cols = np.tril_indices(p)
        for g, gd in enumerate(self.groups):
            _, Sigma, mu, _, _ = self.mg.moments(self.theta, g)
            sd = np.sqrt(np.diag(gd.cov))
            rc = ((gd.cov - Sigma) / np.outer(sd, sd))[rows, cols]
            rm = (gd.mean - mu) / sd
            srmr += gd.n_obs / Ntot * math.sqrt((np.sum(rc ** 2) + np.sum(rm ** 2)) / (pstar + p))
            dvec = gd.mean - mu
            P = np.linalg.inv(Sigma)
            logl += -gd.n_obs / 2 * (p * math.log(2 * math.pi) + np.linalg.slogdet(Sigma)[1]
                                     + np.trace(P @ gd.cov) + dvec @ P @ dvec)
        out["srmr"] = float(srmr)
        out["logl"] = float(logl)
        out["aic"] = float(-2 * logl + 2 * q)
        out["bic"] = float(-2 * logl + q * math.log(Ntot))
        out["converged"] = bool(self.converged)
        return {k: (float(v) if isinstance(v, (np.floating, np.integer)) else v) for k, v in out.items()}


def _row(group, lhs, op, rhs, label, est, se, gi, std):
    if gi >= 0:
        s = float(se[gi])
        z = est / s if s > 0 else float("nan")
        pv = float(2 * dist.norm_sf(abs(z))) if np.isfinite(z) else float("nan")
    else:
        s = z = pv = float("nan")
    return {"group": group, "lhs": lhs, "op": op, "rhs": rhs, "label": label, "est": float(est),
            "se": s, "z": z, "p": pv, "std_all": float(std), "free": gi >= 0, "par": int(gi)}


def split_groups(data: pd.DataFrame, by: str, groups: dict[str, list], *, source: str = "data"
                 ) -> tuple[list[tuple[str, pd.DataFrame]], int]:
    """Rows of each configured group (in config order) and the number of unmapped rows."""
    if by not in data.columns:
        raise InputError(f"multigroup.by names {by!r}, which is not a column of the data", file=source,
                         where="multigroup.by", fix="name a demographic column of the data")
    if len(groups) < 2:
        raise InputError("multigroup.groups needs at least two groups", where="multigroup.groups",
                         fix='map codes to two or more groups, e.g. {"A": [1], "B": [2, 3]}')
    seen: dict = {}
    out = []
    col = data[by]
    for name, codes in groups.items():
        for c in codes:
            if c in seen:
                raise InputError(f"code {c!r} of {by} is mapped to both {seen[c]!r} and {name!r}",
                                 where=f"multigroup.groups.{name}", fix="map each code to one group")
            seen[c] = name
        mask = col.isin(codes) | col.astype(str).isin([str(c) for c in codes])
        out.append((str(name), data[mask]))
    used = sum(len(d) for _, d in out)
    return out, len(data) - used


def fit_multigroup(spec: ModelSpec, groups: list[tuple[str, pd.DataFrame]], *, likelihood: str = "wishart",
                   equal: tuple[str, ...] = (), equal_paths: tuple = (), start: np.ndarray | None = None,
                   tol: float = 1e-7, max_iter: int = 300, by_name: str = "multigroup",
                   start_locals: list[np.ndarray] | None = None) -> MultiGroupResult:
    """Fit one multi-group model by ML (Fisher scoring with backtracking).

    Starts: ``start_locals`` (each group's local vector [θ, ν, α], e.g. :meth:`MultiGroupResult.locals`
    of a neighbouring model), else each group's own ML fit of the covariance structure (our optimiser from simple
    starts), intercepts at the group means, latent means 0; a shared parameter starts at the
    mean of the groups' values.  A group with no more rows than observed variables fails (its
    covariance matrix is singular); one with fewer rows than free parameters per group gets a note.
    """
    mg = MultiGroupProblem(spec, len(groups), tuple(equal), tuple(equal_paths))
    per_group = spec.n_free + spec.p
    gdata, notes = [], []
    for name, df in groups:
        if len(df) <= spec.p:
            raise InputError(f"group {name!r} has only {len(df)} respondents, not more than the {spec.p} "
                             "observed variables of the model: its covariance matrix cannot be estimated",
                             where=f"multigroup.groups.{name}",
                             fix="merge this group with another one in multigroup.groups or use a smaller model")
        m, S, n = group_moments(df, spec.observed, likelihood)
        check_moments(S, spec.observed, n, 0, f"group {name!r} ({by_name})")
        if n < per_group:
            notes.append(f"group {name!r} has {n} respondents, fewer than the {per_group} free parameters "
                         "per group of the configural model: its estimates are imprecise")
        gdata.append(GroupData(name, n, m, S))
    n_mult = [g.n_obs - 1 if likelihood == "wishart" else g.n_obs for g in gdata]
    if start is None:
        theta = np.zeros(mg.n_free)
        count = np.zeros(mg.n_free)
        for g, gd in enumerate(gdata):
            if start_locals is not None:
                loc = np.asarray(start_locals[g], dtype=float)
            else:
                f = mg.problem.fit(gd.cov, start_values(spec, gd.cov), tol=1e-6)
                loc = np.concatenate([f.theta, gd.mean, np.zeros(mg.k)])
            ix = mg.idx[g]
            np.add.at(theta, ix[ix >= 0], loc[ix >= 0])
            np.add.at(count, ix[ix >= 0], 1)
        theta = theta / np.maximum(count, 1)
    else:
        theta = np.asarray(start, dtype=float)
    total_n = float(sum(n_mult))
    out = mg.evaluate(theta, gdata, n_mult)
    if out is None:
        raise EstimationError("multi-group start values give a non-positive-definite Σ")
    T, grad, info = out
    it = 0
    gmax = float(np.max(np.abs(grad))) / total_n
    while gmax > tol and it < max_iter:
        it += 1
        try:
            step = -np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            step = -np.linalg.lstsq(info, grad, rcond=None)[0]
        t, new = 1.0, None
        for _ in range(30):
            cand = theta + t * step
            o = mg.evaluate(cand, gdata, n_mult, want_info=False, want_grad=False)
            if o is not None and o[0] <= T + 1e-4 * t * float(grad @ step) + 1e-12 * abs(T):
                new = mg.evaluate(cand, gdata, n_mult)
                break
            t *= 0.5
        if new is None:
            break
        theta = cand
        T, grad, info = new
        gmax = float(np.max(np.abs(grad))) / total_n
    converged = gmax <= tol
    try:
        vcov = 2.0 * np.linalg.inv(info)
    except np.linalg.LinAlgError:
        vcov = np.full_like(info, np.nan)
    return MultiGroupResult(mg, gdata, likelihood, theta, float(T), vcov, bool(converged), it, gmax, notes)
