"""ω, HTMT and convergent validity against semTools 0.5.6 / lavaan (values/lavaan_cfa_hs.json).

* ω of the one-factor models vs ``compRelSEM(fit1, tau.eq = FALSE, obs.var = FALSE)`` (1e-3).
* HTMT vs ``semTools::htmt(model, data, htmt2 = FALSE)`` (1e-3): Henseler et al.'s (2015)
  arithmetic-mean HTMT, which the package computes.  semTools 0.5.6 defaults to HTMT2
  (geometric means); that matrix is stored too (``matrix_htmt2``) and checked against a hand
  computation, so the two definitions cannot be confused.
* convergent(): CR / AVE / MSV are Fornell–Larcker quantities of the *standardized* loadings, which
  semTools does not report in that form (its AVE uses observed variances, its compRelSEM raw
  parameters), so they are recomputed here by hand from lavaan's std_all.
"""
import numpy as np
import pandas as pd
import pytest

from clusterup.measurement import reliability as rel
from clusterup.measurement import validity as V

CONSTRUCTS = {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"], "speed": ["x7", "x8", "x9"]}


@pytest.mark.parametrize("factor", list(CONSTRUCTS))
def test_omega_one_factor_vs_compRelSEM(ref, factor):
    blk = ref.values("lavaan_cfa_hs")["one_factor"][factor]
    om = rel.omega_total(ref.data("holzinger1939"), CONSTRUCTS[factor])
    assert abs(om - blk["compRelSEM_omega"][factor]) <= 1e-3


def test_omega_two_items_is_missing(ref):
    assert np.isnan(rel.omega_total(ref.data("holzinger1939"), ["x1", "x2"]))


def test_htmt_vs_semtools(ref):
    """Package HTMT vs the stored semTools::htmt matrix (1e-3)."""
    ref_M = ref.matrix(ref.values("lavaan_cfa_hs")["htmt"]["matrix"])
    out = V.htmt(ref.data("holzinger1939"), CONSTRUCTS).set_index("construct")
    ours = out.loc[ref_M.index, list(ref_M.columns)].to_numpy()
    diff = np.abs(ours - ref_M.to_numpy())
    assert diff.max() <= 1e-3, (f"HTMT differs from semTools by up to {diff.max():.4f}\n"
                                f"ours:\n{pd.DataFrame(ours, ref_M.index, ref_M.columns)}\nsemTools:\n{ref_M}")


def _hand_htmt(C: np.ndarray, idx: dict, a: str, b: str, geometric: bool) -> float:
    """HTMT of constructs a, b from the absolute item correlations C (arithmetic or geometric means)."""
    mean = (lambda v: float(np.exp(np.mean(np.log(v))))) if geometric else (lambda v: float(np.mean(v)))

    def mono(c):
        ii = idx[c]
        return mean([C[i, j] for k, i in enumerate(ii) for j in ii[k + 1:]])

    hetero = mean([C[i, j] for i in idx[a] for j in idx[b]])
    return hetero / np.sqrt(mono(a) * mono(b))


def test_reference_htmt2_is_geometric(ref):
    """The stored semTools default matrix is HTMT2 (geometric means); the package does not use it."""
    X = ref.data("holzinger1939")[[i for its in CONSTRUCTS.values() for i in its]]
    C = np.abs(np.corrcoef(X.to_numpy(), rowvar=False))
    idx = {c: [X.columns.get_loc(i) for i in its] for c, its in CONSTRUCTS.items()}
    ref_M = ref.matrix(ref.values("lavaan_cfa_hs")["htmt"]["matrix_htmt2"])
    for a in CONSTRUCTS:
        for b in CONSTRUCTS:
            if a != b:
                assert _hand_htmt(C, idx, a, b, geometric=True) == pytest.approx(ref_M.loc[a, b], abs=1e-12)


def test_package_htmt_is_arithmetic_henseler(ref):
    """clusterup's HTMT equals the arithmetic-mean HTMT (Henseler et al. 2015; semTools htmt2 = FALSE)."""
    X = ref.data("holzinger1939")[[i for its in CONSTRUCTS.values() for i in its]]
    C = np.abs(np.corrcoef(X.to_numpy(), rowvar=False))
    idx = {c: [X.columns.get_loc(i) for i in its] for c, its in CONSTRUCTS.items()}
    out = V.htmt(ref.data("holzinger1939"), CONSTRUCTS).set_index("construct")
    for a in CONSTRUCTS:
        for b in CONSTRUCTS:
            if a != b:
                assert out.loc[a, b] == pytest.approx(_hand_htmt(C, idx, a, b, geometric=False), abs=1e-12)


@pytest.mark.parametrize("likelihood", ["normal", "wishart"])
def test_convergent_by_hand_from_lavaan_std_all(ref, likelihood):
    """CR = (Σλ)²/((Σλ)² + Σ(1 − λ²)), AVE = mean λ², MSV = max r², from lavaan's std_all (1e-3)."""
    c = ref.case(f"hs_cfa-{likelihood}")
    pe = c.ref["parameterEstimates"]
    out = V.convergent(ref.fit_case(c.id), CONSTRUCTS).set_index("construct")
    r = {frozenset((x["lhs"], x["rhs"])): x["std_all"] for x in pe
         if x["op"] == "~~" and x["lhs"] in CONSTRUCTS and x["rhs"] in CONSTRUCTS and x["lhs"] != x["rhs"]}
    for f, items in CONSTRUCTS.items():
        lam = np.array([x["std_all"] for x in pe if x["op"] == "=~" and x["lhs"] == f and x["rhs"] in items])
        assert len(lam) == 3
        cr = lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam ** 2).sum())
        ave = (lam ** 2).mean()
        others = [abs(r[frozenset((f, g))]) for g in CONSTRUCTS if g != f]
        assert out.loc[f, "cr"] == pytest.approx(cr, abs=1e-3)
        assert out.loc[f, "ave"] == pytest.approx(ave, abs=1e-3)
        assert out.loc[f, "sqrt_ave"] == pytest.approx(np.sqrt(ave), abs=1e-3)
        assert out.loc[f, "max_r"] == pytest.approx(max(others), abs=1e-3)
        assert out.loc[f, "msv"] == pytest.approx(max(others) ** 2, abs=1e-3)
        assert out.loc[f, "min_loading"] == pytest.approx(lam.min(), abs=1e-3)
        assert bool(out.loc[f, "discriminant_ok"]) == bool(np.sqrt(ave) > max(others))


@pytest.mark.parametrize("likelihood", ["normal", "wishart"])
def test_semtools_omega_and_ave_from_our_estimates(ref, likelihood):
    """semTools' 3-factor compRelSEM (obs.var = FALSE) and AVE (observed variances) from our raw
    estimates: ω = (Σλ)²φ/((Σλ)²φ + Σθ), AVE = Σλ²φ / Σ s_ii (1e-3)."""
    c = ref.case(f"hs_cfa-{likelihood}")
    res = ref.fit_case(c.id)
    est = res.estimates()
    S = pd.DataFrame(res.S, index=res.spec.observed, columns=res.spec.observed)
    for f, items in CONSTRUCTS.items():
        lam = est[(est.op == "=~") & (est.lhs == f)].set_index("rhs").loc[items, "est"].to_numpy()
        phi = est[(est.op == "~~") & (est.lhs == f) & (est.rhs == f)]["est"].iloc[0]
        theta = np.array([est[(est.op == "~~") & (est.lhs == i) & (est.rhs == i)]["est"].iloc[0] for i in items])
        omega = lam.sum() ** 2 * phi / (lam.sum() ** 2 * phi + theta.sum())
        ave = (lam ** 2 * phi).sum() / np.trace(S.loc[items, items].to_numpy())
        assert omega == pytest.approx(c.ref["compRelSEM_omega"][f], abs=1e-3)
        assert ave == pytest.approx(c.ref["AVE"][f], abs=1e-3)
