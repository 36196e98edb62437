"""Group differences on construct scores: the SPSS "difference analysis" (差异分析).

Construct score = mean of the construct's analysed items (after reverse coding, which the clean
data already carry, and without the dropped items); a respondent's score uses the items answered.
For every demographic of the codebook — its categories, or for a numeric demographic without
categories the bands the codebook gives it (``bins``/``bin_labels``, as in the sample profile) or
the ``bins`` given in config (which take precedence; a numeric demographic with neither is not tested) — levels with at least ``min_n`` respondents are compared:

* two levels: Student's t (pooled variance) and Welch's t (``scipy.stats.ttest_ind``);
* more levels: one-way ANOVA (``scipy.stats.f_oneway``) and Welch's ANOVA
  (``statsmodels.stats.oneway.anova_oneway(use_var="unequal")``), and Tukey's HSD (Tukey–Kramer for
  unequal n, as R's ``TukeyHSD``) for every pair, all pairs' p-values in one vectorised
  :func:`clusterup.measurement.ptukey.ptukey_upper` call;
* Levene's test centred on the mean, as SPSS prints it (``scipy.stats.levene(center="mean")``):
  the ANOVA of |x − group mean|.

R equivalents: ``t.test(var.equal = TRUE / FALSE)``, ``aov``, ``oneway.test``, ``TukeyHSD``,
``anova(lm(abs(x - ave(x, g)) ~ g))``.  With many demographics × constructs, some p < .05 arise by
chance (k tests at α = .05 give about .05·k false positives); the chapter says so and gives the
Bonferroni threshold .05/k.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from clusterup.io.config import Codebook
from clusterup.measurement.describe import bands as codebook_bands

MEANS_COLUMNS = ["demographic", "level", "construct", "n", "mean", "sd"]
TESTS_COLUMNS = ["demographic", "construct", "test", "statistic", "df1", "df2", "p", "levene_f", "levene_p"]
POSTHOC_COLUMNS = ["demographic", "construct", "level_a", "level_b", "mean_diff", "p_tukey"]


def construct_scores(data: pd.DataFrame, constructs: dict[str, list[str]]) -> pd.DataFrame:
    """Mean of each construct's items per respondent (NaN-skipping)."""
    return pd.DataFrame({c: data[items].mean(axis=1, skipna=True) for c, items in constructs.items()},
                        index=data.index)


def group_levels(data: pd.DataFrame, codebook: Codebook, bins: dict[str, list[float]] | None = None
                 ) -> dict[str, pd.Series]:
    """The grouping of every demographic: a Series of level labels (NaN = missing), in level order
    (an ordered Categorical).  Categorical demographics use the codebook's labels; numeric ones
    without categories are binned (config ``bins`` edges, else the codebook's bands)."""
    bins = bins or {}
    out = {}
    for var, spec in codebook.demographics.items():
        if var not in data.columns:
            continue
        col = data[var].astype(str).str.strip().replace({"nan": "", "None": ""})
        cats = spec.get("categories") or {}
        numeric = pd.to_numeric(col[col != ""], errors="coerce")
        if not cats and len(numeric) and numeric.notna().all() and not (var in bins or spec.get("bins")):
            continue                        # numeric, no bands given: no groups to compare
        if not cats and len(numeric) and numeric.notna().all():
            x = pd.to_numeric(col, errors="coerce")
            if var in bins:
                edges = [float(e) for e in bins[var]]
                bands = ([(-np.inf, edges[0], f"< {edges[0]:g}")]
                         + [(lo, hi, f"{lo:g} to < {hi:g}") for lo, hi in zip(edges[:-1], edges[1:])]
                         + [(edges[-1], np.inf, f">= {edges[-1]:g}")])
            else:
                bands = codebook_bands(spec["bins"], spec.get("bin_labels") or [])
            lab = pd.Series(np.nan, index=data.index, dtype=object)
            for lo, hi, name in bands:
                lab[(x >= lo) & (x < hi)] = name
            order = [b[2] for b in bands]
        else:
            lab = col.map(lambda c: cats.get(c, c) if c != "" else np.nan)
            order = list(cats.values()) + sorted(set(lab.dropna()) - set(cats.values()))
        out[var] = pd.Series(pd.Categorical(lab, categories=order, ordered=True), index=data.index)
    return out


def levene_mean(groups: list[np.ndarray]) -> tuple[float, float]:
    """Levene's test centred on the group means (SPSS), F and p."""
    res = stats.levene(*groups, center="mean")
    return float(res.statistic), float(res.pvalue)


def compare_groups(scores: pd.DataFrame, levels: dict[str, pd.Series], min_n: int = 2
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Means, tests and Tukey post-hoc comparisons of every construct score by every demographic.

    Returns ``(means, tests, posthoc)`` with columns :data:`MEANS_COLUMNS`, :data:`TESTS_COLUMNS`,
    :data:`POSTHOC_COLUMNS`.  Levels with fewer than ``min_n`` respondents are listed in ``means``
    but left out of the tests; a demographic with fewer than two such levels gets no test.
    """
    from statsmodels.stats.oneway import anova_oneway

    from clusterup.measurement.ptukey import ptukey_upper

    means, tests, post = [], [], []
    for var, lab in levels.items():
        for c in scores.columns:
            y = scores[c]
            ok = lab.notna() & y.notna()
            groups, names = [], []
            for level in lab.cat.categories:
                x = y[ok & (lab == level)].to_numpy(dtype=float)
                if len(x) == 0:
                    continue
                means.append({"demographic": var, "level": level, "construct": c, "n": len(x),
                              "mean": float(np.mean(x)), "sd": float(np.std(x, ddof=1)) if len(x) > 1 else np.nan})
                if len(x) >= min_n:
                    groups.append(x)
                    names.append(level)
            if len(groups) < 2:
                continue
            lf, lp = levene_mean(groups)
            base = {"demographic": var, "construct": c, "levene_f": lf, "levene_p": lp}
            n = np.array([len(g) for g in groups])
            if len(groups) == 2:
                for test, equal in (("t_student", True), ("t_welch", False)):
                    r = stats.ttest_ind(groups[0], groups[1], equal_var=equal)
                    df = float(n.sum() - 2) if equal else _welch_df(groups[0], groups[1])
                    tests.append({**base, "test": test, "statistic": float(r.statistic), "df1": df,
                                  "df2": np.nan, "p": float(r.pvalue)})
            else:
                r = stats.f_oneway(*groups)
                tests.append({**base, "test": "anova", "statistic": float(r.statistic),
                              "df1": float(len(groups) - 1), "df2": float(n.sum() - len(groups)),
                              "p": float(r.pvalue)})
                w = anova_oneway(groups, use_var="unequal", welch_correction=True)
                tests.append({**base, "test": "welch_anova", "statistic": float(w.statistic),
                              "df1": float(w.df_num), "df2": float(w.df_denom), "p": float(w.pvalue)})
                pv = _tukey_p(groups, ptukey_upper)
                k = 0
                for i in range(len(groups)):
                    for j in range(i + 1, len(groups)):
                        # mean(j) − mean(i), as R's TukeyHSD "j-i"
                        post.append({"demographic": var, "construct": c, "level_a": names[i], "level_b": names[j],
                                     "mean_diff": float(np.mean(groups[j]) - np.mean(groups[i])),
                                     "p_tukey": float(pv[k])})
                        k += 1
    return (pd.DataFrame(means, columns=MEANS_COLUMNS), pd.DataFrame(tests, columns=TESTS_COLUMNS),
            pd.DataFrame(post, columns=POSTHOC_COLUMNS))


def _tukey_p(groups: list[np.ndarray], ptukey_upper) -> np.ndarray:
    """Tukey–Kramer p of every pair (i < j, row-major): q = |m_j − m_i| / √(MSE/2 · (1/n_i + 1/n_j))."""
    n = np.array([len(g) for g in groups], dtype=float)
    m = np.array([np.mean(g) for g in groups])
    df = float(n.sum() - len(groups))
    mse = sum(float(np.sum((g - np.mean(g)) ** 2)) for g in groups) / df
    i, j = np.triu_indices(len(groups), k=1)
    q = np.abs(m[j] - m[i]) / np.sqrt(mse / 2.0 * (1.0 / n[i] + 1.0 / n[j]))
    return ptukey_upper(q, len(groups), df)


def _welch_df(x: np.ndarray, y: np.ndarray) -> float:
    """Welch–Satterthwaite degrees of freedom."""
    vx, vy = np.var(x, ddof=1) / len(x), np.var(y, ddof=1) / len(y)
    return float((vx + vy) ** 2 / (vx ** 2 / (len(x) - 1) + vy ** 2 / (len(y) - 1)))
