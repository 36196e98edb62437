"""Convergent and discriminant validity from a fitted CFA and the item correlations.

* Composite reliability (Fornell & Larcker 1981; Hair et al. 2019) from completely standardized
  loadings λ and standardized residual variances θ = 1 − λ²::

      CR = (Σλ)² / ((Σλ)² + Σθ),     AVE = Σλ² / k,     √AVE

* MSV, maximum shared variance: the largest squared latent correlation with another construct.
* Fornell–Larcker: √AVE on the diagonal, latent correlations below it; a construct passes when
  its √AVE exceeds its correlations with every other construct.
* HTMT (Henseler, Ringle & Sarstedt 2015): the *arithmetic* mean heterotrait-heteromethod item
  correlation over the geometric mean of the two constructs' mean monotrait-heteromethod
  correlations, with absolute correlations — R ``semTools::htmt(model, data, htmt2 = FALSE)``.
  (semTools ≥ 0.5.6 defaults to HTMT2 of Roemer, Schuberth & Henseler 2021, which uses geometric
  means; the thesis convention and SPEC §6 follow the 2015 definition.)  Cut-offs .85 / .90.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from clusterup.estimation.sem import SemResult

AVE_MIN, CR_MIN, HTMT_MAX = 0.50, 0.70, 0.85


def convergent(result: SemResult, constructs: dict[str, list[str]]) -> pd.DataFrame:
    """construct, n_items, cr, ave, sqrt_ave, msv, max_r (largest |latent correlation|) per factor."""
    est = result.estimates()
    R = result.latent_correlations()
    rows = []
    for f, items in constructs.items():
        lam = est[(est.op == "=~") & (est.lhs == f) & (est.rhs.isin(items))]["std_all"].to_numpy()
        theta = 1 - lam ** 2
        cr = lam.sum() ** 2 / (lam.sum() ** 2 + theta.sum())
        ave = float(np.mean(lam ** 2))
        others = [g for g in constructs if g != f and g in R.index]
        r = R.loc[f, others].to_numpy() if others else np.array([np.nan])
        rows.append({"construct": f, "n_items": len(lam), "cr": float(cr), "ave": ave,
                     "sqrt_ave": float(np.sqrt(ave)), "msv": float(np.nanmax(r ** 2)),
                     "max_r": float(np.nanmax(np.abs(r))),
                     "min_loading": float(lam.min()), "max_loading": float(lam.max())})
    out = pd.DataFrame(rows)
    out["convergent_ok"] = (out["cr"] >= CR_MIN) & (out["ave"] >= AVE_MIN)
    out["discriminant_ok"] = out["sqrt_ave"] > out["max_r"]
    return out


def fornell_larcker(result: SemResult, validity: pd.DataFrame) -> pd.DataFrame:
    """Square matrix: √AVE on the diagonal, latent correlations off it; first column ``construct``."""
    names = list(validity["construct"])
    R = result.latent_correlations().loc[names, names].to_numpy().copy()
    np.fill_diagonal(R, validity["sqrt_ave"].to_numpy())
    out = pd.DataFrame(R, columns=names)
    out.insert(0, "construct", names)
    return out


def htmt(data: pd.DataFrame, constructs: dict[str, list[str]], absolute: bool = True) -> pd.DataFrame:
    """HTMT matrix (Henseler et al. 2015), first column ``construct``, 1 on the diagonal."""
    items = [i for its in constructs.values() for i in its]
    C = data[items].corr().to_numpy()
    if absolute:
        C = np.abs(C)
    pos = {i: k for k, i in enumerate(items)}
    names = list(constructs)

    def mono(c: str) -> float:
        idx = [pos[i] for i in constructs[c]]
        sub = C[np.ix_(idx, idx)]
        k = len(idx)
        return float((sub.sum() - np.trace(sub)) / (k * (k - 1)))

    M = np.eye(len(names))
    for a in range(len(names)):
        for b in range(a):
            ia = [pos[i] for i in constructs[names[a]]]
            ib = [pos[i] for i in constructs[names[b]]]
            hetero = float(C[np.ix_(ia, ib)].mean())
            M[a, b] = M[b, a] = hetero / np.sqrt(mono(names[a]) * mono(names[b]))
    out = pd.DataFrame(M, columns=names)
    out.insert(0, "construct", names)
    return out


def latent_corr_table(result: SemResult, names: list[str]) -> pd.DataFrame:
    R = result.latent_correlations().loc[names, names]
    out = R.reset_index(drop=True)
    out.insert(0, "construct", names)
    return out
