"""Consistency of the printed numbers on their own: what follows from other printed numbers is
recomputed, with every input taken over its whole rounding interval (a printed ``550.83`` stands
for any value in [550.825, 550.835]). A printed result is ``consistent`` when its own rounding
interval meets the range of values the printed inputs allow, ``inconsistent`` when it cannot, and
``not checkable`` when an input is missing.

Checks (entries are grouped by the results file they name, e.g. ``cfa/fit.json``):

* RMSEA = sqrt(max(χ² − df, 0) / (df·(N − 1))), and with N in place of N − 1 (both conventions;
  the row says which matched). Steiger (1990); lavaan ``fitMeasures(fit, "rmsea")``.
* χ²/df; p = P(χ²_df > χ²) (R ``pchisq(chi2, df, lower.tail = FALSE)``).
* CFI = 1 − max(χ² − df, 0)/max(χ² − df, χ²_b − df_b, 0); TLI = (χ²_b/df_b − χ²/df)/(χ²_b/df_b − 1)
  from the printed baseline χ²_b, df_b (Bentler 1990; Tucker & Lewis 1973).
* CR = (Σλ)²/((Σλ)² + Σ(1 − λ²)) and AVE = Σλ²/k from printed standardized loadings
  (Fornell & Larcker 1981; semTools ``compRelSEM`` on standardized loadings).
* df = p(p + 1)/2 − q from the printed number of observed variables p and free parameters q.
* df from the model: p(p + 1)/2 − q with p and q counted from the study's model file by our lavaan-syntax
  parser (``sem/fit.json`` against the full model, ``cfa/fit.json`` against its measurement part;
  lavaan ``fitMeasures(fit, "df")`` with the ``sem()`` defaults).
* GRIM (Brown & Heathers 2017): a mean of an integer item over N answers is a multiple of 1/N,
  so a printed mean is possible only if some integer sum S has S/N within its rounding interval.
"""
from __future__ import annotations

import itertools
import math

import pandas as pd

from clusterup import distributions as dist
from clusterup.audit.published import parse_printed, parse_quantity

COLUMNS = ["check", "table", "inputs", "printed", "recomputed", "status"]


def interval(raw: str) -> tuple[float, float] | None:
    """The values a printed number stands for (half a unit of its last digit either side)."""
    p = parse_printed(raw)
    if p.value is None or p.bound:
        return None
    h = 0.5 * 10.0 ** (-p.decimals)
    v = p.value / 100.0 if p.percent else p.value
    h = h / 100.0 if p.percent else h
    return (v - h, v + h)


def _range(f, *intervals) -> tuple[float, float]:
    """Range of f over the corners of the input intervals (f monotone in each input)."""
    vals = [f(*c) for c in itertools.product(*intervals)]
    vals = [v for v in vals if v is not None and not math.isnan(v)]
    return (min(vals), max(vals))


def _verdict(target: tuple[float, float], got: tuple[float, float]) -> str:
    eps = 1e-12
    return "consistent" if got[0] <= target[1] + eps and got[1] >= target[0] - eps else "inconsistent"


def _fmt(r: tuple[float, float], d: int) -> str:
    a, b = (f"{x:.{d + 1}f}" for x in r)
    return a if a == b else f"{a} to {b}"


def rmsea(chi2: float, df: float, n: float, n_minus_one: bool = True) -> float:
    return math.sqrt(max(chi2 - df, 0.0) / (df * ((n - 1) if n_minus_one else n)))


def cfi(chi2, df, chi2_b, df_b) -> float:
    den = max(chi2 - df, chi2_b - df_b, 0.0)
    return 1.0 if den == 0 else 1.0 - max(chi2 - df, 0.0) / den


def tli(chi2, df, chi2_b, df_b) -> float:
    return (chi2_b / df_b - chi2 / df) / (chi2_b / df_b - 1.0)


def composite_reliability(loadings) -> float:
    s = sum(loadings)
    return s * s / (s * s + sum(1 - x * x for x in loadings))


def ave(loadings) -> float:
    return sum(x * x for x in loadings) / len(loadings)


def grim(mean_raw: str, n: int) -> tuple[str, str]:
    """(status, recomputed) for a printed mean of an integer item over n answers."""
    p = parse_printed(mean_raw)
    d = p.decimals
    if 10 ** d <= n:
        return "not checkable", f"with N = {n} every mean at {d} decimals is possible"
    lo, hi = p.value - 0.5 * 10 ** -d, p.value + 0.5 * 10 ** -d
    sums = [s for s in range(math.floor(lo * n), math.ceil(hi * n) + 1) if lo - 1e-12 <= s / n <= hi + 1e-12]
    if sums:
        return "consistent", f"{sums[0]}/{n} = {sums[0] / n:.{d + 2}f}"
    near = round(p.value * n)
    return "inconsistent", f"no integer sum over {n} answers; nearest {near}/{n} = {near / n:.{d + 2}f}"


def model_df(text: str, source: str = "model", measurement: bool = False,
             items_dropped=()) -> tuple[int, int, int]:
    """(p observed variables, q free parameters, df = p(p + 1)/2 − q) of a lavaan model text, counted
    by our parser with the ``sem()`` defaults (first loading fixed, variances and exogenous
    covariances free), after removing ``items_dropped`` (the study's purified items, as the analysis
    model); ``measurement`` takes the model's CFA part (every factor correlated)."""
    from clusterup.estimation.spec import build_spec
    from clusterup.estimation.syntax import drop_variables, measurement_model, parse_model

    syntax = drop_variables(parse_model(text, source), list(items_dropped))
    spec = build_spec(measurement_model(syntax) if measurement else syntax)
    return spec.p, spec.n_free, spec.df


MODEL_DF_FILES = {"sem/fit.json": False, "cfa/fit.json": True}   # results file -> measurement part only


def _row(check, table, inputs, printed, recomputed, status):
    return {"check": check, "table": table, "inputs": inputs, "printed": printed,
            "recomputed": recomputed, "status": status}


def check_all(entries: list[dict], n: int | None = None, model: str | None = None,
              model_source: str = "model", items_dropped=()) -> pd.DataFrame:
    """Every check the printed entries allow. ``n`` is the sample size printed in the file's
    ``n:`` key (else a printed ``#n`` of the same file, else ``clean/flow.json#valid``); ``model``
    the text of the study's lavaan model (file ``model_source``; ``items_dropped`` removed), for the
    df-from-the-model check."""
    files: dict[str, dict[str, dict]] = {}
    rows_by_sel: dict[str, list] = {}
    n_valid = None
    for e in entries:
        try:
            q = parse_quantity(e["quantity"])
        except ValueError:
            continue
        if not q.selector:
            files.setdefault(q.path, {})[q.field] = e
            if q.path == "clean/flow.json" and q.field == "valid":
                n_valid = e
        else:
            rows_by_sel.setdefault(q.path, []).append((dict(q.selector), q.field, e))
    out = []
    for path, f in files.items():
        if not {"chi2", "rmsea", "df"} & set(f):
            continue
        table = next(iter(f.values()))["table"]
        n_e = f.get("n") or n_valid
        n_val = parse_printed(n_e["printed"]).value if n_e else n
        have = lambda *ks: all(k in f for k in ks)  # noqa: E731
        iv = {k: interval(e["printed"]) for k, e in f.items()}
        df_exact = lambda: (parse_printed(f["df"]["printed"]).value,) * 2  # noqa: E731
        if "rmsea" in f:
            if have("chi2", "df") and n_val:
                d = parse_printed(f["rmsea"]["printed"]).decimals
                r1 = _range(lambda c, k: rmsea(c, k, n_val, True), iv["chi2"], df_exact())
                r0 = _range(lambda c, k: rmsea(c, k, n_val, False), iv["chi2"], df_exact())
                s1, s0 = _verdict(iv["rmsea"], r1), _verdict(iv["rmsea"], r0)
                which = ("N−1 and N" if s1 == s0 == "consistent" else "N−1" if s1 == "consistent"
                         else "N" if s0 == "consistent" else "neither N−1 nor N")
                out.append(_row("rmsea", f["rmsea"]["table"],
                                f"χ² = {f['chi2']['printed']}, df = {f['df']['printed']}, N = {n_val:g}; matches with {which}",
                                f["rmsea"]["printed"], f"N−1: {_fmt(r1, d)}; N: {_fmt(r0, d)}",
                                "consistent" if "consistent" in (s1, s0) else "inconsistent"))
            else:
                out.append(_row("rmsea", table, "needs χ², df and N printed", f["rmsea"]["printed"], "",
                                "not checkable"))
        if "chi2_df" in f and have("chi2", "df"):
            d = parse_printed(f["chi2_df"]["printed"]).decimals
            r = _range(lambda c, k: c / k, iv["chi2"], df_exact())
            out.append(_row("chi2_df", f["chi2_df"]["table"], f"χ² = {f['chi2']['printed']}, df = {f['df']['printed']}",
                            f["chi2_df"]["printed"], _fmt(r, d), _verdict(iv["chi2_df"], r)))
        if "p" in f and have("chi2", "df"):
            pp = parse_printed(f["p"]["printed"])
            r = _range(lambda c, k: float(dist.chi2_sf(c, k)), iv["chi2"], df_exact())
            if pp.bound:
                ok = r[0] < pp.value if pp.bound.startswith("<") else r[1] > pp.value
                status = "consistent" if ok else "inconsistent"
                d = pp.decimals
            else:
                status, d = _verdict(iv["p"], r), pp.decimals
            out.append(_row("p_chi2", f["p"]["table"], f"χ² = {f['chi2']['printed']}, df = {f['df']['printed']}",
                            f["p"]["printed"], _fmt(r, d), status))
        for key, fun in (("cfi", cfi), ("tli", tli)):
            if key not in f:
                continue
            if have("chi2", "df", "baseline_chi2", "baseline_df"):
                d = parse_printed(f[key]["printed"]).decimals
                dfb = (parse_printed(f["baseline_df"]["printed"]).value,) * 2
                r = _range(lambda c, k, cb, kb: min(fun(c, k, cb, kb), 1.0) if key == "cfi" else fun(c, k, cb, kb),
                           iv["chi2"], df_exact(), iv["baseline_chi2"], dfb)
                out.append(_row(key, f[key]["table"],
                                f"χ² = {f['chi2']['printed']}, df = {f['df']['printed']}, baseline χ² = "
                                f"{f['baseline_chi2']['printed']}, df = {f['baseline_df']['printed']}",
                                f[key]["printed"], _fmt(r, d), _verdict(iv[key], r)))
            else:
                out.append(_row(key, f[key]["table"], "needs the baseline χ² and df printed", f[key]["printed"], "",
                                "not checkable"))
        if have("df", "npar", "n_observed"):
            pobs = parse_printed(f["n_observed"]["printed"]).value
            q = parse_printed(f["npar"]["printed"]).value
            want = pobs * (pobs + 1) / 2 - q
            out.append(_row("df", f["df"]["table"], f"p = {pobs:g} observed variables, q = {q:g} free parameters",
                            f["df"]["printed"], f"{want:g}",
                            "consistent" if want == parse_printed(f["df"]["printed"]).value else "inconsistent"))
        if model is not None and "df" in f and path in MODEL_DF_FILES:
            pobs, q, want = model_df(model, model_source, MODEL_DF_FILES[path], items_dropped)
            part = "measurement part of " if MODEL_DF_FILES[path] else ""
            if items_dropped:
                part += f"{len(items_dropped)} dropped item(s) removed from "
            out.append(_row("df_model", f["df"]["table"],
                            f"{part}{model_source}: p = {pobs} observed variables, {pobs * (pobs + 1) // 2} moments, "
                            f"q = {q} free parameters", f["df"]["printed"], f"{want}",
                            "consistent" if want == parse_printed(f["df"]["printed"]).value else "inconsistent"))
    out += _loading_checks(files, rows_by_sel)
    out += _grim_checks(rows_by_sel, n_valid, n)
    return pd.DataFrame(out, columns=COLUMNS)


def _loading_checks(files, rows_by_sel) -> list[dict]:
    """CR and AVE of each construct whose printed validity row and standardized loadings are given."""
    out = []
    loadings: dict[str, list] = {}
    for path, rows in rows_by_sel.items():
        if not path.endswith("estimates.csv"):
            continue
        for sel, field, e in rows:
            if field == "std_all" and sel.get("op") == "=~" and "lhs" in sel:
                loadings.setdefault(sel["lhs"], []).append(e)
    for path, rows in rows_by_sel.items():
        if not path.endswith("validity.csv"):
            continue
        for sel, field, e in rows:
            if field not in ("cr", "ave") or "construct" not in sel:
                continue
            lam = loadings.get(sel["construct"], [])
            if not lam:
                out.append(_row(field, e["table"], f"needs the standardized loadings of {sel['construct']} printed",
                                e["printed"], "", "not checkable"))
                continue
            ivs = [interval(x["printed"]) for x in lam]
            fun = composite_reliability if field == "cr" else ave
            # both are increasing in every loading on (0, 1): the extremes are at the interval ends
            r = (fun([a for a, _ in ivs]), fun([b for _, b in ivs]))
            r = (min(r), max(r))
            d = parse_printed(e["printed"]).decimals
            out.append(_row(field, e["table"], f"{len(lam)} standardized loadings of {sel['construct']}: "
                            + ", ".join(x["printed"] for x in lam), e["printed"], _fmt(r, d),
                            _verdict(interval(e["printed"]), r)))
    return out


def _grim_checks(rows_by_sel, n_valid, n) -> list[dict]:
    out = []
    counts = {}
    for path, rows in rows_by_sel.items():
        if path.endswith("describe/items.csv"):
            for sel, field, e in rows:
                if field == "n" and "item" in sel:
                    counts[sel["item"]] = int(parse_printed(e["printed"]).value)
    for path, rows in rows_by_sel.items():
        if not path.endswith("describe/items.csv"):
            continue
        for sel, field, e in rows:
            if field != "mean" or "item" not in sel:
                continue
            n_item = counts.get(sel["item"]) or (int(parse_printed(n_valid["printed"]).value) if n_valid else n)
            if not n_item:
                out.append(_row("grim", e["table"], f"mean of {sel['item']}; needs N printed", e["printed"], "",
                                "not checkable"))
                continue
            status, rec = grim(e["printed"], int(n_item))
            out.append(_row("grim", e["table"], f"mean of integer item {sel['item']} over N = {n_item}",
                            e["printed"], rec, status))
    return out
