"""Reliability, KMO / Bartlett and principal components against psych 2.2.9
(values/psych_reliability_efa.json).

Tolerances: α, standardized α, CITC (``r.drop``), α-if-deleted 1e-6; KMO and Bartlett 1e-4;
eigenvalues 1e-6; loadings 1e-3 after matching columns by congruence and sign; communalities 1e-3.

psych::principal(rotate = "varimax") rotates with stats::varimax(eps = 1e-5), which stops earlier
than clusterup's rotation (tol 1e-10): the rotated loadings therefore differ by up to ~1e-3
(0.00097 on PoliticalDemocracy), and the rotated sums of squares by up to 3e-3.  The test
``test_varimax_criterion_at_least_psych`` pins that ours is the better-converged solution.
"""
import numpy as np
import pandas as pd
import pytest

from clusterup.measurement import efa as E
from clusterup.measurement import reliability as rel

ALPHA_SETS = ["x1_x3", "x4_x6", "x7_x9", "x1_x9"]
BLOCKS = {"hs": "holzinger1939", "politicaldemocracy": "politicaldemocracy"}
TOL_REL = 1e-6
TOL_KMO = 1e-4


def _items(ref, block):
    b = ref.values("psych_reliability_efa")[block]
    return b, ref.data(BLOCKS[block])[b["variables"]]


def _match_columns(ours: np.ndarray, theirs: np.ndarray) -> np.ndarray:
    """Our columns permuted and signed to line up with ``theirs`` (Tucker congruence)."""
    k = theirs.shape[1]
    cong = (ours.T @ theirs) / np.outer(np.linalg.norm(ours, axis=0), np.linalg.norm(theirs, axis=0))
    perm = [int(np.argmax(np.abs(cong[:, j]))) for j in range(k)]
    assert sorted(perm) == list(range(k)), f"columns do not pair up one-to-one: congruence\n{cong}"
    for j, i in enumerate(perm):
        assert abs(cong[i, j]) > 0.99, f"column {j}: best congruence {cong[i, j]:.4f}"
    return ours[:, perm] * np.sign([cong[i, j] for j, i in enumerate(perm)])


# ---- reliability -----------------------------------------------------------------------------
@pytest.mark.parametrize("which", ALPHA_SETS)
def test_alpha(ref, which):
    a = ref.values("psych_reliability_efa")["alpha"][which]
    X = ref.data("holzinger1939")[a["items"]].to_numpy()
    assert rel.cronbach_alpha(X) == pytest.approx(a["raw_alpha"], abs=TOL_REL)
    assert rel.standardized_alpha(X) == pytest.approx(a["std_alpha"], abs=TOL_REL)


@pytest.mark.parametrize("which", ALPHA_SETS)
def test_item_total(ref, which):
    """Corrected item-total correlation = psych r.drop; α if deleted = alpha.drop raw_alpha."""
    a = ref.values("psych_reliability_efa")["alpha"][which]
    X = ref.data("holzinger1939")[a["items"]].to_numpy()
    citc, aid = rel.item_total(X)
    np.testing.assert_allclose(citc, [a["r_drop"][i] for i in a["items"]], rtol=0, atol=TOL_REL)
    np.testing.assert_allclose(aid, [a["alpha_drop_raw_alpha"][i] for i in a["items"]], rtol=0, atol=TOL_REL)


# ---- sampling adequacy -----------------------------------------------------------------------
@pytest.mark.parametrize("block", list(BLOCKS))
def test_kmo_bartlett(ref, block):
    b, X = _items(ref, block)
    out, per_item = E.adequacy(X)
    assert out["kmo"] == pytest.approx(b["KMO"]["MSA"], abs=TOL_KMO)
    assert list(per_item["item"]) == b["variables"]
    np.testing.assert_allclose(per_item["kmo"], [b["KMO"]["MSAi"][v] for v in b["variables"]], rtol=0, atol=TOL_KMO)
    assert out["bartlett_chi2"] == pytest.approx(b["bartlett"]["chisq"], abs=TOL_KMO)
    assert out["bartlett_df"] == b["bartlett"]["df"]
    assert out["bartlett_p"] == pytest.approx(b["bartlett"]["p_value"], rel=TOL_KMO, abs=1e-300)


@pytest.mark.parametrize("block", list(BLOCKS))
def test_bartlett_from_correlation_matrix(ref, block):
    """efa.bartlett on psych's stored correlation matrix."""
    b, X = _items(ref, block)
    R = ref.matrix(b["correlation"]).to_numpy()
    chi2, df, p = E.bartlett(R, b["n"])
    assert chi2 == pytest.approx(b["bartlett"]["chisq"], abs=TOL_KMO)
    assert df == b["bartlett"]["df"]
    assert p == pytest.approx(b["bartlett"]["p_value"], rel=TOL_KMO, abs=1e-300)


# ---- principal components --------------------------------------------------------------------
@pytest.mark.parametrize("block", list(BLOCKS))
def test_correlation_matrix(ref, block):
    b, X = _items(ref, block)
    np.testing.assert_allclose(np.corrcoef(X.to_numpy(), rowvar=False), ref.matrix(b["correlation"]).to_numpy(),
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("block", list(BLOCKS))
def test_eigenvalues_and_unrotated_loadings(ref, block):
    b, X = _items(ref, block)
    w, L = E.principal_components(np.corrcoef(X.to_numpy(), rowvar=False))
    np.testing.assert_allclose(w, b["principal_varimax"]["values"], rtol=0, atol=1e-6)
    np.testing.assert_allclose(w, b["principal_none"]["values"], rtol=0, atol=1e-6)
    ref_L = ref.matrix(b["principal_none"]["loadings"]).to_numpy()
    np.testing.assert_allclose(_match_columns(L[:, :3], ref_L), ref_L, rtol=0, atol=1e-3)
    comm = (L[:, :3] ** 2).sum(axis=1)
    np.testing.assert_allclose(comm, [b["principal_none"]["communality"][v] for v in b["variables"]], atol=1e-3)


@pytest.mark.parametrize("block", list(BLOCKS))
def test_varimax_loadings(ref, block):
    """Rotated loadings 1e-3 (psych columns RC1, RC3, RC2 ... matched by congruence and sign)."""
    b, X = _items(ref, block)
    _, L = E.principal_components(np.corrcoef(X.to_numpy(), rowvar=False))
    Lr = E.varimax(L[:, :3])
    ref_L = ref.matrix(b["principal_varimax"]["loadings"]).to_numpy()
    np.testing.assert_allclose(_match_columns(Lr, ref_L), ref_L, rtol=0, atol=1e-3)
    comm = (Lr ** 2).sum(axis=1)
    np.testing.assert_allclose(comm, [b["principal_varimax"]["communality"][v] for v in b["variables"]],
                               rtol=0, atol=1e-3)


@pytest.mark.parametrize("block", list(BLOCKS))
def test_varimax_criterion_at_least_psych(ref, block):
    """Raw-varimax criterion (Kaiser-normalized rows) of ours ≥ psych's: ours is converged further."""
    b, X = _items(ref, block)
    _, L = E.principal_components(np.corrcoef(X.to_numpy(), rowvar=False))

    def criterion(A):
        A = A / np.sqrt((A ** 2).sum(axis=1, keepdims=True))   # Kaiser normalization
        return float(((A ** 4).sum(axis=0) - (A ** 2).sum(axis=0) ** 2 / A.shape[0]).sum())

    ours = criterion(E.varimax(L[:, :3]))
    theirs = criterion(ref.matrix(b["principal_varimax"]["loadings"]).to_numpy())
    assert ours >= theirs - 1e-12
    assert ours - theirs < 1e-4          # and only marginally (same optimum)


@pytest.mark.parametrize("block", list(BLOCKS))
def test_efa_block(ref, block):
    """efa(): variance table, loading table and Harman % against psych (3 components)."""
    b, X = _items(ref, block)
    if block == "hs":
        ic = {**{f"x{i}": "visual" for i in (1, 2, 3)}, **{f"x{i}": "textual" for i in (4, 5, 6)},
              **{f"x{i}": "speed" for i in (7, 8, 9)}}
    else:
        ic = {**{f"y{i}": "dem60" for i in (1, 2, 3, 4)}, **{f"y{i}": "dem65" for i in (5, 6, 7, 8)},
              **{f"x{i}": "ind60" for i in (1, 2, 3)}}
    out = E.efa(X, ic, n_components=3, iterations=20, seed=1)
    assert out["n_components"] == 3
    var = out["variance"]
    np.testing.assert_allclose(var["initial_eigenvalue"], b["principal_none"]["values"], rtol=0, atol=1e-6)
    # rotation redistributes but preserves the total: cumulative % after rotation = psych's
    cum_psych = ref.matrix(b["principal_varimax"]["Vaccounted"]).loc["Cumulative Var"].to_numpy()
    assert var["rotation_cum_prop"].iloc[2] == pytest.approx(cum_psych[-1], abs=1e-8)
    assert var["extraction_cum_prop"].iloc[2] == pytest.approx(cum_psych[-1], abs=1e-8)
    load = out["loadings"]
    assert list(load["item"]) == b["variables"]
    ref_L = ref.matrix(b["principal_varimax"]["loadings"]).to_numpy()
    ours = load[["RC1", "RC2", "RC3"]].to_numpy()
    np.testing.assert_allclose(_match_columns(ours, ref_L), ref_L, rtol=0, atol=1e-3)
    np.testing.assert_allclose(load["communality"], [b["principal_varimax"]["h2"][v] for v in b["variables"]],
                               rtol=0, atol=1e-3)
    assert out["harman"]["first_factor_pct"] == pytest.approx(b["principal_none"]["first_eigenvalue_percent_variance"],
                                                             abs=1e-6)
    assert out["adequacy"]["kmo"] == pytest.approx(b["KMO"]["MSA"], abs=TOL_KMO)
