"""clusterup.distributions against scipy.stats, the reference it replaces at import time: equal bit
for bit over random arguments and at the edges of the support and of the shape parameters."""
import numpy as np
import pytest
from scipy import stats

from clusterup import distributions as dist

RNG = np.random.default_rng(20261202)
DF = np.concatenate([[0.5, 1, 2, 3], RNG.integers(1, 900, 60), RNG.uniform(0.1, 50, 20)])
X = np.concatenate([[0.0, -1.0, 1e-300, np.inf, np.nan], RNG.uniform(0, 3, 40) * 300, RNG.uniform(0, 5, 20)])
Q = np.concatenate([[0.0, 1.0, -0.1, 1.1, np.nan, 1e-15, 1 - 1e-15], RNG.uniform(0, 1, 40)])
BAD_DF = [0.0, -2.0, np.nan]


def same(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    assert np.array_equal(a, b, equal_nan=True), np.max(np.abs(a - b))


@pytest.mark.parametrize("ours, ref", [(dist.chi2_sf, stats.chi2.sf), (dist.chi2_cdf, stats.chi2.cdf),
                                       (dist.t_sf, stats.t.sf)])
def test_two_argument_functions(ours, ref):
    x, df = np.meshgrid(np.concatenate([X, -X[5:15]]), np.concatenate([DF, BAD_DF]))
    same(ours(x, df), ref(x, df))
    for xi, di in [(3.2, 4), (0.0, 1), (np.inf, 2), (5.0, 0)]:
        assert np.isscalar(ours(xi, di)) or np.ndim(ours(xi, di)) == 0
        same(ours(xi, di), ref(xi, di))


@pytest.mark.parametrize("ours, ref", [(dist.chi2_ppf, stats.chi2.ppf), (dist.chi_ppf, stats.chi.ppf)])
def test_quantiles(ours, ref):
    q, df = np.meshgrid(Q, np.concatenate([DF, BAD_DF]))
    same(ours(q, df), ref(q, df))
    same(ours([1e-15, 1 - 1e-15], 7.0), ref([1e-15, 1 - 1e-15], 7.0))


@pytest.mark.parametrize("ours, ref", [(dist.ncx2_cdf, stats.ncx2.cdf), (dist.ncx2_sf, stats.ncx2.sf)])
def test_noncentral(ours, ref):
    x = np.concatenate([X[X != 1e-300], [-3.0]])   # Boost overflows at 1e-300 with a large nc, as scipy.stats
    nc = np.concatenate([[0.0, -1.0, np.nan], RNG.uniform(0, 400, 15)])
    df = np.concatenate([DF[:30], BAD_DF, [np.inf]])
    xx, dd, nn = np.meshgrid(x, df, nc, indexing="ij")
    same(ours(xx, dd, nn), ref(xx, dd, nn))
    same(ours(512.3, 488, 0.05 ** 2 * 217 * 488), ref(512.3, 488, 0.05 ** 2 * 217 * 488))


@pytest.mark.parametrize("ours, ref", [(dist.norm_cdf, stats.norm.cdf), (dist.norm_sf, stats.norm.sf),
                                       (dist.norm_ppf, stats.norm.ppf)])
def test_normal(ours, ref):
    args = Q if ours is dist.norm_ppf else np.concatenate([[0.0, -np.inf, np.inf, np.nan, 40.0, -40.0],
                                                              RNG.normal(0, 4, 50)])
    same(ours(args), ref(args))
    same(ours(args[7]), ref(args[7]))


def test_no_scipy_stats_at_import():
    import subprocess
    import sys

    code = ("import sys, clusterup.distributions, clusterup.estimation.sem, clusterup.estimation.fitindices; "
            "print('scipy.stats' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
