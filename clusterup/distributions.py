"""The distribution functions the package uses (χ², noncentral χ², normal, t, χ), from scipy.special.

Importing ``scipy.stats`` takes 1.2–1.5 s on the 2-core machine; every Snakemake job that imported it
(through the SEM engine, the fit indices, ...) paid that before doing any work. ``scipy.special``
takes 0.07 s. scipy.stats computes these very functions with the special functions used here (its
``chi2.sf`` is ``chdtrc``, ``norm.cdf`` is ``ndtr``, ``ncx2.cdf`` is ``chndtr``, ``t.sf`` is
``stdtr(df, −x)``, ``chi.ppf`` is √(2·gammaincinv(df/2, q)), scipy 1.17.1 of the lock file), so the
results are equal to scipy.stats' bit for bit; ``tests/unit/test_distributions.py`` asserts that,
including the edge cases handled like rv_continuous does: a shape outside its domain gives NaN, x at
or below the lower end of the support gives cdf 0 / sf 1, ppf(0) and ppf(1) the ends of the support.

Tests of hypotheses on data (Levene, t, ANOVA, skewness) stay in scipy.stats, imported where used.
"""
from __future__ import annotations

import numpy as np
from scipy import special as sc
from scipy.special import _ufuncs


def _result(value):
    """A 0-d array as a numpy scalar (as scipy.stats returns it), an array unchanged."""
    value = np.asarray(value, dtype=float)
    return value[()]


def _positive_support(x, shapes, ok, inside, below, above):
    """rv_continuous's rules for a distribution on (0, ∞): ``inside(x, *shapes)`` for 0 < x < ∞,
    ``below`` at or under 0, ``above`` at ∞, NaN for a NaN x or where ``ok`` (the shapes' domain) is
    false; like scipy.stats, the function is evaluated only inside both domains."""
    x = np.asarray(x, dtype=float)
    shapes = [np.asarray(s, dtype=float) for s in shapes]
    valid = ok & ~np.isnan(x)
    safe = [np.where(ok, s, 1.0) for s in shapes]
    with np.errstate(invalid="ignore", over="ignore"):     # as scipy.stats (gh-17432)
        out = np.where(x <= 0, below, np.where(np.isposinf(x), above,
                                               inside(np.where(valid & (x > 0), x, 1.0), *safe)))
    return _result(np.where(valid, out, np.nan))


def _df_ok(df):
    df = np.asarray(df, dtype=float)
    return (df > 0) & ~np.isnan(df)


def chi2_sf(x, df):
    """P(χ²_df > x)."""
    return _positive_support(x, [df], _df_ok(df), lambda v, d: sc.chdtrc(d, v), 1.0, 0.0)


def chi2_cdf(x, df):
    """P(χ²_df ≤ x)."""
    return _positive_support(x, [df], _df_ok(df), lambda v, d: sc.chdtr(d, v), 0.0, 1.0)


def _ppf(q, df, inside):
    """rv_continuous's quantile rules on (0, ∞): ppf(0) = 0, ppf(1) = ∞, NaN outside [0, 1]."""
    q = np.asarray(q, dtype=float)
    ok = _df_ok(df)
    d = np.where(ok, np.asarray(df, dtype=float), 1.0)
    with np.errstate(invalid="ignore"):
        out = np.where(q == 0, 0.0, np.where(q == 1, np.inf, inside(np.where((q > 0) & (q < 1), q, 0.5), d)))
        valid = ok & (q >= 0) & (q <= 1)
    return _result(np.where(valid, out, np.nan))


def chi2_ppf(q, df):
    """The q quantile of χ²_df."""
    return _ppf(q, df, lambda v, d: 2 * sc.gammaincinv(d / 2, v))


def chi_ppf(q, df):
    """The q quantile of χ_df = √χ²_df."""
    return _ppf(q, df, lambda v, d: np.sqrt(2 * sc.gammaincinv(.5 * d, v)))


def _ncx2_ok(df, nc):
    df, nc = np.asarray(df, dtype=float), np.asarray(nc, dtype=float)
    return (df > 0) & np.isfinite(df) & (nc >= 0)


def ncx2_cdf(x, df, nc):
    """P(χ²_df(nc) ≤ x), noncentrality nc (the central χ² where nc = 0)."""
    return _positive_support(x, [df, nc], _ncx2_ok(df, nc),
                             lambda v, d, c: np.where(c != 0, sc.chndtr(v, d, np.where(c != 0, c, 1.0)),
                                                      sc.chdtr(d, v)), 0.0, 1.0)


def ncx2_sf(x, df, nc):
    """P(χ²_df(nc) > x). scipy.stats' ``ncx2.sf`` calls the Boost survival function that
    ``scipy.special`` exposes only as the private ufunc ``_ncx2_sf`` (pinned by the lock file)."""
    return _positive_support(x, [df, nc], _ncx2_ok(df, nc),
                             lambda v, d, c: np.where(c != 0, _ufuncs._ncx2_sf(v, d, np.where(c != 0, c, 1.0)),
                                                      sc.chdtrc(d, v)), 1.0, 0.0)


def norm_cdf(x):
    """Φ(x)."""
    return _result(sc.ndtr(np.asarray(x, dtype=float)))


def norm_sf(x):
    """1 − Φ(x), computed as Φ(−x)."""
    return _result(sc.ndtr(-np.asarray(x, dtype=float)))


def norm_ppf(q):
    """Φ⁻¹(q) (NaN outside [0, 1])."""
    return _result(sc.ndtri(np.asarray(q, dtype=float)))


def t_sf(x, df):
    """P(t_df > x)."""
    x = np.asarray(x, dtype=float)
    return _result(np.where(_df_ok(df) & ~np.isnan(x), sc.stdtr(df, -x), np.nan))
