"""Sobel and Aroian tests of indirect effects, reported beside the bootstrap intervals.

For every defined parameter that is the product of two labelled paths (``ind := a*b``), with
estimates a, b and standard errors s_a, s_b of the fitted SEM:

    Sobel (1982, first-order delta method):   SE = √(b²·s_a² + a²·s_b²)
    Aroian (1947, second-order, exact for the product of independent normals):
                                              SE = √(b²·s_a² + a²·s_b² + s_a²·s_b²)
    z = a·b / SE,   p = 2·(1 − Φ(|z|))

Both assume a normal sampling distribution of a·b, which is skewed in samples of the usual size;
that is why the chapter's verdicts rest on the bootstrap intervals and these tests are shown
beside them, as the tradition of such chapters expects (MacKinnon et al. 2002; Preacher & Hayes
2004).  The Sobel SE equals lavaan's delta-method SE of ``:=`` when cov(a, b) = 0 is ignored.

References
----------
Sobel, M. E. (1982). Asymptotic confidence intervals for indirect effects in structural equation
models. *Sociological Methodology*, 13, 290–312.
Aroian, L. A. (1947). The probability function of the product of two normally distributed
variables. *Annals of Mathematical Statistics*, 18, 265–271.
R: ``bda::mediation.test``; by hand from ``parameterEstimates(fit)``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from clusterup import distributions as dist
from clusterup.estimation.syntax import BinOp, Name, ModelSyntax

COLUMNS = ["effect", "label", "a", "se_a", "b", "se_b", "estimate", "se_sobel", "z_sobel", "p_sobel",
           "se_aroian", "z_aroian", "p_aroian"]


def product_terms(syntax: ModelSyntax) -> list[tuple[str, str, str]]:
    """The ``:=`` parameters that are exactly the product of two labels: (name, label a, label b)."""
    out = []
    for d in syntax.definitions:
        e = d.expr
        if isinstance(e, BinOp) and e.op == "*" and isinstance(e.left, Name) and isinstance(e.right, Name):
            out.append((d.name, e.left.name, e.right.name))
    return out


def sobel_aroian(a: float, se_a: float, b: float, se_b: float) -> dict:
    """Sobel and Aroian standard errors, z and two-sided normal p of the product a·b."""
    est = a * b
    v1 = b * b * se_a * se_a + a * a * se_b * se_b
    out = {"estimate": est}
    for name, var in (("sobel", v1), ("aroian", v1 + se_a * se_a * se_b * se_b)):
        se = float(np.sqrt(var))
        z = est / se if se > 0 else np.nan
        out[f"se_{name}"] = se
        out[f"z_{name}"] = z
        out[f"p_{name}"] = float(2 * dist.norm_sf(abs(z))) if np.isfinite(z) else np.nan
    return out


def sobel_table(syntax: ModelSyntax, estimates: pd.DataFrame) -> pd.DataFrame:
    """``mediation/sobel.csv``: one row per product ``:=`` parameter of the model.

    Parameters
    ----------
    syntax : ModelSyntax
        The analysed model (its defined parameters).
    estimates : DataFrame
        ``sem/estimates.csv`` (label, est, se, free).
    """
    free = estimates[estimates["label"].fillna("").astype(str) != ""]
    free = free[free["op"] != ":="]
    by_label = {r.label: (float(r.est), float(r.se)) for r in free.itertuples()}
    rows = []
    for name, la, lb in product_terms(syntax):
        if la not in by_label or lb not in by_label:
            continue
        (a, sa), (b, sb) = by_label[la], by_label[lb]
        rows.append({"effect": name, "label": f"{la}*{lb}", "a": a, "se_a": sa, "b": b, "se_b": sb,
                     **sobel_aroian(a, sa, b, sb)})
    return pd.DataFrame(rows, columns=COLUMNS)
