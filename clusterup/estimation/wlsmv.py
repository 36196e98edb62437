"""WLSMV: ordinal items, diagonally weighted least squares with robust SEs, as lavaan 0.6.

lavaan ``sem(model, data, ordered = <all items>, estimator = "WLSMV")`` with its defaults:
``parameterization = "delta"``, ``missing = "listwise"``, ``se = "robust.sem"``,
``test = "scaled.shifted"`` (Muthén, du Toit & Spisic 1997; Asparouhov & Muthén 2010).

Sample statistics (:func:`clusterup.estimation.polychoric.ordinal_moments`): the thresholds τ̂ of
every item and the polychoric correlations r (two-step), s = (τ̂, r), and Γ = NACOV, the
Muthén (1984) asymptotic covariance of √N·s (N = number of complete rows; lavaan's ``gamma``).

Model (delta parameterization, scale factors Δ = 1).  The latent responses y* have unit variance:
Σ*(θ) = Λ(I − B)⁻¹Ψ(I − B)⁻ᵀΛᵀ + Θ with the residual variances of the items *not free*,
Θ_ii = 1 − [Λ(I − B)⁻¹Ψ(I − B)⁻ᵀΛᵀ]_ii (second-order factors enter through B and Ψ as in the ML
layer, :class:`clusterup.estimation.ml.MLProblem`, whose RAM matrices are reused: the item
residual variances are set to 0 to get the common part).  The model thresholds are free and equal
τ̂ at the optimum (no mean structure); the correlation part is σ(θ) = off-diagonal of Σ*(θ).

Estimation.  With W = diag(Γ)⁻¹ (lavaan's DWLS WLS.V) and Δ = ∂σ/∂θᵀ,

    F(θ) = (s − σ(θ))ᵀ W (s − σ(θ)),   minimised by Gauss–Newton from the ML solution on r;
    T = N·F (lavaan's ``chisq`` = 2·N·fmin), df = p(p − 1)/2 − q.

Robust SEs (``robust.sem``): E = ΔᵀWΔ, Var(θ̂) = E⁻¹ΔᵀWΓWΔE⁻¹ / N (threshold SEs √(Γ_ττ/N)).

Scaled-and-shifted test: U = W − WΔE⁻¹ΔᵀW, a = √(df / tr((UΓ)²)), shift b = df − a·tr(UΓ),
T_ss = a·T + b on df; the scaling factor is 1/a (lavaan ``chisq.scaling.factor``,
``chisq.shift.parameter``).  The baseline (independence) model has free thresholds and zero
correlations: T_b = N·rᵀW r, U_b = W.  ``cfi``/``tli``/``rmsea`` are lavaan's ``.scaled`` versions
(the ordinary formulas on T_ss and T_b,ss): CFI = 1 − max(T_ss − df, 0)/max(T_ss − df, T_b,ss − df_b, 0),
TLI = (T_b,ss/df_b − T_ss/df)/(T_b,ss/df_b − 1), RMSEA = √max((T_ss/df − 1)/(N − 1), 0) (lavaan's
RMSEA for this test uses N − 1).  SRMR is lavaan's ``srmr`` for categorical data: the root mean
square of the residual correlations over the p(p − 1)/2 off-diagonal elements and of the
residual thresholds (0 here) — see :func:`_srmr`.

std_all is on the latent-response scale (var y* = 1): loadings λ·sd(η), item residual variances
Θ_ii, thresholds τ.  ``:=`` parameters by the delta method on the robust covariance matrix.

The nested-model test (``difftest``) is lavaan's ``lavTestLRT`` default for WLSMV, Satorra (2000)
with the scaled-and-shifted correction: see :func:`difftest`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from clusterup import distributions as dist
from clusterup.errors import EstimationError
from clusterup.estimation.ml import MLFit, MLProblem
from clusterup.estimation.polychoric import OrdinalMoments, cor_index, ordinal_moments
from clusterup.estimation.sem import SemResult, fit_sem
from clusterup.estimation.spec import ModelSpec, build_spec

MIN_ROWS = 10     # below this, or below the number of free parameters, WLSMV is not attempted


@dataclass
class WlsmvResult:
    """A WLSMV fit: estimates (SemResult on the latent-response scale), thresholds, test."""

    method: str
    sem: SemResult               # θ (item residual variances derived), vcov robust.sem, S = polychoric R
    moments: OrdinalMoments
    th_se: np.ndarray
    test: dict

    def estimates(self) -> pd.DataFrame:
        """Free parameters (item residual variances derived, ``free`` False), thresholds and ``:=``."""
        table = self.sem.estimates()
        derived = set(_item_residual_params(self.sem.spec))
        table.loc[[e.free in derived for e in self.sem.spec.entries] + [False] * (len(table) - len(self.sem.spec.entries)),
                  ["se", "z", "p", "free"]] = [np.nan, np.nan, np.nan, False]
        rows = []
        for item in self.moments.items:
            for k, t in enumerate(self.moments.thresholds[item]):
                rows.append({"lhs": item, "op": "|", "rhs": f"t{k + 1}", "label": "", "est": float(t)})
        th = pd.DataFrame(rows)
        th["se"] = self.th_se
        th["z"] = th.est / th.se
        th["p"] = 2 * dist.norm_sf(np.abs(th.z))
        th["std_all"] = th.est
        th["free"] = True
        n_entries = len(self.sem.spec.entries)
        return pd.concat([table.iloc[:n_entries], th, table.iloc[n_entries:]], ignore_index=True)


def _item_residual_params(spec: ModelSpec) -> list[int]:
    """Free indices of the items' residual variances (derived under the delta parameterization)."""
    return sorted({e.free for e in spec.entries
                   if e.mat == "S" and e.row == e.col and e.row < spec.p and e.free >= 0})


class _Structure:
    """σ(θ_r) (correlations of the latent responses) and its Jacobian, from the ML layer."""

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        self.pr = MLProblem(spec)
        self.res = np.array(_item_residual_params(spec), dtype=int)
        self.keep = np.setdiff1d(np.arange(spec.n_free), self.res)
        self.ri, self.ci = cor_index(spec.p)
        # diagonal position of each derived residual variance
        diag_of = {e.free: e.row for e in spec.entries if e.free in set(self.res.tolist())}
        self.res_item = np.array([diag_of[k] for k in self.res], dtype=int)

    def full(self, theta_r: np.ndarray) -> np.ndarray:
        """θ with the item residual variances Θ_ii = 1 − (common part)_ii."""
        th = np.zeros(self.spec.n_free)
        th[self.keep] = theta_r
        common = self.pr.sigma(th)
        th[self.res] = 1.0 - np.diag(common)[self.res_item]
        return th

    def sigma(self, theta_r: np.ndarray) -> np.ndarray:
        th = np.zeros(self.spec.n_free)
        th[self.keep] = theta_r
        S = self.pr.sigma(th)
        return S[self.ri, self.ci]

    def jacobian(self, theta_r: np.ndarray) -> np.ndarray:
        th = np.zeros(self.spec.n_free)
        th[self.keep] = theta_r
        pr = self.pr
        _, G, K, _, _ = pr._sigma_parts(th)
        Z = np.concatenate([G, K.T], axis=1)
        U = Z[:, pr.u_idx]
        V = Z[:, pr.v_idx] * pr.v_scale
        D = U[self.ri] * V[self.ci] + V[self.ri] * U[self.ci]          # (p(p−1)/2, entries)
        D = np.asarray((pr.agg.T @ D.T).T) if not pr.simple else D[:, pr.order]
        return D[:, self.keep]


def wlsmv_unavailable(data: pd.DataFrame, items: list[str], n_free: int | None = None) -> str | None:
    """Why WLSMV cannot run on ``data[items]`` (None when it can).

    Reasons: an item with non-integer values (continuous), an item with fewer than two observed
    categories among the complete rows, fewer complete rows than the model's free parameters
    (thresholds excepted; they come from the margins) or than 10.  lavaan itself runs on any
    such data; this is the floor below which the estimates are not worth showing.
    """
    missing = [c for c in items if c not in data.columns]
    if missing:
        return f"the data have no column(s) {', '.join(missing)}"
    X = data[items].apply(pd.to_numeric, errors="coerce")
    for c in items:
        x = X[c].dropna()
        if len(x) and not np.allclose(x, np.round(x)):
            return f"item {c} has non-integer values (a continuous item cannot be treated as ordered categories)"
    complete = X.dropna()
    for c in items:
        k = complete[c].nunique()
        if k < 2:
            return f"item {c} has fewer than 2 observed categories among the complete rows ({k})"
    need = max(n_free or 0, MIN_ROWS)
    if len(complete) < need:
        return (f"only {len(complete)} complete rows for {n_free or 0} free parameters "
                f"(WLSMV needs at least {need} complete rows)")
    return None


def _gauss_newton(st: _Structure, r: np.ndarray, w: np.ndarray, theta: np.ndarray, tol: float,
                  max_iter: int = 200) -> tuple[np.ndarray, float, float, int, bool]:
    def F(t):
        d = r - st.sigma(t)
        return float(np.sum(w * d * d))

    f = F(theta)
    for it in range(1, max_iter + 1):
        J = st.jacobian(theta)
        d = r - st.sigma(theta)
        g = -2.0 * J.T @ (w * d)
        gmax = float(np.max(np.abs(g))) if len(g) else 0.0
        if gmax < tol:
            return theta, f, gmax, it, True
        E = J.T @ (w[:, None] * J)
        step = np.linalg.solve(E, J.T @ (w * d))
        t = 1.0
        while t > 1e-8:
            cand = theta + t * step
            fc = F(cand)
            if fc <= f:
                break
            t *= 0.5
        else:
            return theta, f, gmax, it, False
        theta, f = cand, fc
    return theta, f, gmax, max_iter, False


def fit_wlsmv(syntax, data: pd.DataFrame, *, tol: float = 1e-9, data_source: str = "data",
              moments: OrdinalMoments | None = None) -> WlsmvResult:
    """WLSMV fit of ``syntax`` on the complete rows of ``data`` (all model items ordered).

    Parameters
    ----------
    syntax : ModelSyntax or ModelSpec
    data : DataFrame
        Integer category codes; rows with a missing model item are dropped (listwise).
    moments : OrdinalMoments, optional
        Precomputed :func:`ordinal_moments` of the same rows and items (shared by several models).

    References
    ----------
    Muthén, B., du Toit, S. H. C., & Spisic, D. (1997); Muthén (1984); lavaan
    ``sem(model, data, ordered = TRUE, estimator = "WLSMV")``.
    """
    spec = syntax if isinstance(syntax, ModelSpec) else build_spec(syntax, list(data.columns), data_source)
    items = spec.observed
    fixed = [e.lhs for e in spec.entries if e.mat == "S" and e.row == e.col and e.row < spec.p and e.free < 0]
    if fixed:
        raise ValueError(f"the model fixes the residual variance of {', '.join(fixed)}; under the delta "
                         "parameterization item residual variances are derived (1 − common variance)")
    reason = wlsmv_unavailable(data, items, spec.n_free)
    if reason:
        raise ValueError(reason)
    complete = data[items].apply(pd.to_numeric).dropna()
    if moments is None:
        moments = ordinal_moments(complete)
    elif moments.items != items:
        idx = [moments.items.index(c) for c in items]
        moments = _reorder(moments, idx)
    N = moments.n
    st = _Structure(spec)
    R = moments.R
    n_th = moments.n_th
    G = moments.nacov * (N / (N - 1))            # lavaan's Γ for categorical data: n/(n − 1) correction
    Gc = G[n_th:, n_th:]
    r = R[st.ri, st.ci]
    w = 1.0 / np.diag(Gc)
    # start: the ML solution on the polychoric matrix
    try:
        ml = fit_sem(spec, cov=R, n_obs=N, likelihood="normal", use_semopy=False, tol=1e-6)
        start = ml.theta[st.keep]
    except (EstimationError, np.linalg.LinAlgError, ValueError) as exc:
        raise EstimationError(f"no start values for WLSMV: {exc}") from exc
    theta_r, f, gmax, it, ok = _gauss_newton(st, r, w, start, tol)
    if not ok:
        raise EstimationError(f"WLSMV did not converge (max |gradient| {gmax:.2e} after {it} iterations)")
    J = st.jacobian(theta_r)
    WJ = w[:, None] * J
    E = J.T @ WJ
    Einv = np.linalg.inv(E)
    meat = WJ.T @ Gc @ WJ
    vcov_r = Einv @ meat @ Einv / N
    q = spec.n_free
    vcov = np.zeros((q, q))
    vcov[np.ix_(st.keep, st.keep)] = 0.5 * (vcov_r + vcov_r.T)
    theta = st.full(theta_r)
    fit = MLFit(theta, f, gmax, it, True, "converged", "gauss-newton (DWLS)")
    sem = SemResult(spec=spec, theta=theta, S=R, n_obs=N, likelihood="normal", ml=fit, vcov=vcov)
    sem.warnings = [f"Heywood case: latent-response residual variance {items[i]} = {theta[k]:.4f}"
                    for k, i in zip(st.res, st.res_item) if theta[k] < 0]
    th_se = np.sqrt(np.diag(G[:n_th, :n_th]) / N)
    # test
    T = N * f
    df = len(r) - len(theta_r)
    UG = Gc * w[:, None] - WJ @ (Einv @ (WJ.T @ Gc))        # U Γ, U = W − WΔE⁻¹ΔᵀW
    resid = r - st.sigma(theta_r)
    test = _scaled_shifted(T, df, UG, N)
    UGb = Gc * w[:, None]
    Tb = N * float(np.sum(w * r * r))
    base = _scaled_shifted(Tb, len(r), UGb, N)
    test.update(_indices(test, base, N))
    test.update(baseline_chi2=Tb, baseline_df=len(r), baseline_chi2_scaled=base["chi2_scaled"],
                baseline_scaling_factor=base["scaling_factor"], srmr=_srmr(resid, spec.p))
    test["_meat"], test["_E"], test["_J"] = meat, E, J
    return WlsmvResult("wlsmv", sem, moments, th_se, test)


def difftest(free: WlsmvResult, restricted: WlsmvResult) -> dict:
    """Scaled-and-shifted χ² difference of nested WLSMV models (Satorra 2000; lavaan ``DIFFTEST``).

    lavaan's ``lavTestLRT(restricted, free)`` default for WLSMV (``method = "satorra.2000"``,
    ``A.method = "delta"``, ``scaled.shifted = TRUE``, evaluated at the free model, H1).  The
    restrictions' Jacobian A (m × q) is lavaan's "delta" approximation: the orthogonal complement
    of H = Δ₁⁺Δ₀ (Δ₁, Δ₀ the Jacobians of the free and the restricted model at their own
    estimates).  With E = ΔᵀWΔ and K = ΔᵀWΓWΔ of the free model,

        M = E⁻¹Aᵀ(AE⁻¹Aᵀ)⁻¹AE⁻¹,  a = √(m / tr((MK)²)),  b = m − a·tr(MK),
        T_d = a·(T₀ − T₁) + b  on m = df₀ − df₁ degrees of freedom.

    (The threshold block of both models is the identity and drops out of A.)
    """
    t, t0 = free.test, restricted.test
    m = t0["df"] - t["df"]
    if m <= 0:
        raise ValueError(f"the restricted model has {t0['df']} df, not more than the free model's {t['df']}")
    H = np.linalg.pinv(t["_J"]) @ t0["_J"]
    Q, _ = np.linalg.qr(H, mode="complete")
    A = Q[:, H.shape[1]:].T                     # basis of the complement of H's column space
    if A.shape[0] != m:
        raise ValueError(f"the models differ by {m} df but by {A.shape[0]} restrictions")
    Einv = np.linalg.inv(t["_E"])
    EA = Einv @ A.T
    M = EA @ np.linalg.pinv(A @ EA) @ EA.T
    MK = M @ t["_meat"]
    tr1, tr2 = float(np.trace(MK)), float(np.sum(MK * MK.T))
    a = math.sqrt(m / tr2)
    b = m - a * tr1
    td = a * (t0["chi2"] - t["chi2"]) + b
    return {"chi2_diff": td, "df_diff": m, "scaling": 1 / a, "shift": b,
            "p": float(dist.chi2_sf(td, m)) if td >= 0 else 1.0}
def _reorder(m: OrdinalMoments, idx: list[int]) -> OrdinalMoments:
    """The moments of a subset/reordering of the items (indices into ``m.items``)."""
    items = [m.items[i] for i in idx]
    start = np.concatenate([[0], np.cumsum([len(m.thresholds[c]) for c in m.items])])
    th_pos = np.concatenate([np.arange(start[i], start[i + 1]) for i in idx]).astype(int)
    ri, ci = cor_index(len(m.items))
    pos = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(ri, ci))}
    nri, nci = cor_index(len(idx))
    cor_pos = [m.n_th + pos[(max(idx[a], idx[b]), min(idx[a], idx[b]))] for a, b in zip(nri, nci)]
    sel = np.concatenate([th_pos, np.array(cor_pos, dtype=int)])
    th_item = np.repeat(np.arange(len(idx)), [len(m.thresholds[c]) for c in items])
    return OrdinalMoments(items, {c: m.thresholds[c] for c in items}, m.R[np.ix_(idx, idx)],
                          m.nacov[np.ix_(sel, sel)], m.n, th_item)


def _scaled_shifted(T: float, df: int, UG: np.ndarray, N: int) -> dict:
    tr1 = float(np.trace(UG))
    tr2 = float(np.sum(UG * UG.T))
    out = {"chi2": T, "df": df, "p": float(dist.chi2_sf(T, df)) if df > 0 else float("nan")}
    if df > 0 and tr2 > 0:
        a = math.sqrt(df / tr2)
        b = df - a * tr1
        Ts = a * T + b
        out.update(chi2_scaled=Ts, scaling_factor=1 / a, shift=b, df_scaled=df,
                   p_scaled=float(dist.chi2_sf(Ts, df)))
    else:
        out.update(chi2_scaled=float("nan"), scaling_factor=float("nan"), shift=float("nan"),
                   df_scaled=df, p_scaled=float("nan"))
    return out


def _indices(t: dict, b: dict, N: int) -> dict:
    Ts, df, Tbs, dfb = t["chi2_scaled"], t["df"], b["chi2_scaled"], b["df"]
    if not df > 0:
        return {"cfi": float("nan"), "tli": float("nan"), "rmsea": float("nan")}
    t1 = max(Ts - df, 0.0)
    t2 = max(Ts - df, Tbs - dfb, 0.0)
    return {"cfi": 1.0 if t2 == 0 else 1 - t1 / t2,
            "tli": (Tbs / dfb - Ts / df) / (Tbs / dfb - 1),
            "rmsea": math.sqrt(max((Ts / df - 1) / (N - 1), 0.0))}


def _srmr(resid_cor: np.ndarray, p: int) -> float:
    return math.sqrt(float(np.sum(resid_cor ** 2)) / (p * (p + 1) / 2))
