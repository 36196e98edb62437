"""Screening returned questionnaires and preparing the analysis file (SPEC §3, §5).

Rules, applied in this order; a row is excluded by the *first* rule it fails, so each excluded
row has exactly one reason:

1. ``out_of_range``   — an item holds a code outside the scale that is not a missing code
   (e.g. 0, 6, 7 or 55 on a 1–5 scale);
2. ``excess_missing`` — more than ``max_missing_share`` of the codebook's items are unanswered
   (blank or a missing code such as 9);
3. ``straightlining`` — the same answer to every answered item (as stored, before reverse coding);
4. ``duplicate``      — item answers *and* demographics identical to an earlier row (the first
   occurrence is kept; ids may differ).

Then reverse-worded items are recoded (x' = min + max − x) and isolated missing cells are imputed
(``construct_mean``: the respondent's mean of the other retained items of that construct).  Rows
that still have a missing item (``impute: none``, or a construct left with no answered item) are
excluded under the added rule ``incomplete`` (listwise deletion, as AMOS requires for the
bootstrap).  The cleaned file keeps every codebook item; items in ``items_dropped`` are flagged in
``item_decisions`` and left out of the analysis by later steps.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from clusterup.io.config import Codebook
from clusterup.errors import InputError, close_matches

RULES = ("out_of_range", "excess_missing", "straightlining", "duplicate")


@dataclass
class CleanResult:
    clean: pd.DataFrame
    exclusions: pd.DataFrame      # resp_id, rule, detail
    flow: dict
    imputed: pd.DataFrame         # resp_id, item, construct, value, n_items_used
    decisions: pd.DataFrame       # item, construct, status, reason
    warnings: list[str]


def _row_label(pos: int, rid: str) -> str:
    return f"row {pos + 2} (resp_id {rid})"   # +2: 1-based and the header line


def check_columns(frame: pd.DataFrame, codebook: Codebook, id_column: str, source: str) -> None:
    """Every column the codebook references must exist (named, with close matches)."""
    cols = list(frame.columns)
    if id_column not in cols:
        raise InputError(f"the id column {id_column!r} is not in the data{close_matches(id_column, cols)}",
                         file=source, where=f"column {id_column}",
                         fix="set data.id_column to the column holding respondent ids")
    # suggestions come first from the columns no codebook entry claims (a misspelled header is
    # one of those), then from all columns
    claimed = set(codebook.items) | set(codebook.demographics) | {id_column}
    spare = [c for c in cols if c not in claimed]
    for name in list(codebook.items) + list(codebook.demographics):
        if name not in cols:
            kind = "item" if name in codebook.items else "demographic"
            raise InputError(f"the codebook {kind} {name!r} is not a column of the data"
                             f"{close_matches(name, spare) or close_matches(name, cols)}", file=source, where=f"column {name}",
                             fix=f"rename the column in the data or correct {name} in {codebook.source}")


def parse_items(frame: pd.DataFrame, codebook: Codebook, id_column: str, source: str) -> pd.DataFrame:
    """Item cells as floats (NaN = blank), failing clearly on text that is not a number."""
    out = {}
    ids = frame[id_column].astype(str).to_numpy()
    for item in codebook.items:
        col = frame[item].astype(str).str.strip()
        num = pd.to_numeric(col.where(col != "", None), errors="coerce")
        bad = col.ne("") & num.isna()
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"non-numeric code {col.iloc[pos]!r} in item {item}", file=source,
                             where=f"{_row_label(pos, ids[pos])}, column {item}",
                             fix=f"recode it to a number from {codebook.scale_min:g} to {codebook.scale_max:g} "
                                 f"or a missing code ({', '.join(f'{m:g}' for m in codebook.missing_codes) or 'blank'})"
                                 f"; {int(bad.sum())} such cell(s) in this column")
        out[item] = num.to_numpy(dtype=float)
    return pd.DataFrame(out, index=frame.index)


def clean_survey(frame: pd.DataFrame, codebook: Codebook, *, id_column: str, source: str,
                 distributed: int | None, max_missing_share: float, drop_straightliners: bool,
                 drop_duplicates: bool, impute: str, items_dropped: list[dict]) -> CleanResult:
    """Apply the screening rules, reverse coding and imputation.

    Parameters
    ----------
    frame : DataFrame
        Raw data as text cells (see :mod:`clusterup.io.readers`).
    codebook : Codebook
    id_column, source : str
        Respondent id column and the data file's name (for messages).
    distributed : int or None
        Questionnaires handed out (for the response rate).
    max_missing_share, drop_straightliners, drop_duplicates, impute, items_dropped
        See ``config/schema.yaml``.
    """
    if impute not in ("construct_mean", "none"):
        raise InputError(f"unknown imputation method {impute!r}", where="cleaning.impute",
                         fix="use construct_mean or none")
    check_columns(frame, codebook, id_column, source)
    frame = frame.reset_index(drop=True)
    ids = frame[id_column].astype(str).str.strip()
    blank = ids.eq("")
    if blank.any():
        pos = int(np.flatnonzero(blank.to_numpy())[0])
        raise InputError("a row has no respondent id", file=source, where=f"row {pos + 2}, column {id_column}",
                         fix="give every questionnaire an id")
    dup = ids.duplicated(keep=False)
    if dup.any():
        rid = ids[dup].iloc[0]
        rows = [str(p + 2) for p in np.flatnonzero((ids == rid).to_numpy())]
        raise InputError(f"resp_id {rid!r} occurs {len(rows)} times (rows {', '.join(rows)})", file=source,
                         where=f"column {id_column}",
                         fix="respondent ids must be unique: renumber the repeated questionnaire(s)")
    items = list(codebook.items)
    X = parse_items(frame, codebook, id_column, source)
    miss_codes = set(codebook.missing_codes)
    is_missing = X.isna() | X.isin(list(miss_codes))
    lo, hi = codebook.scale_min, codebook.scale_max
    answered = X.where(~is_missing)
    invalid = answered.notna() & ((answered < lo) | (answered > hi))
    if not codebook.continuous:             # integer answer codes: 2.5 on a 1-5 scale is not an answer
        invalid |= answered.notna() & (answered % 1 != 0)

    rule = pd.Series("", index=frame.index, dtype=object)
    detail = pd.Series("", index=frame.index, dtype=object)
    # 1 out of range
    oor = invalid.any(axis=1)
    for pos in np.flatnonzero(oor.to_numpy()):
        cells = [f"{c}={answered.iat[pos, items.index(c)]:g}" for c in items if invalid.iat[pos, items.index(c)]]
        rule.iat[pos] = "out_of_range"
        detail.iat[pos] = "code outside " + f"{lo:g}-{hi:g}: " + ", ".join(cells)
    # 2 excess missing
    n_miss = is_missing.sum(axis=1)
    share = n_miss / len(items)
    exc = (rule == "") & (share > max_missing_share + 1e-12)
    for pos in np.flatnonzero(exc.to_numpy()):
        rule.iat[pos] = "excess_missing"
        detail.iat[pos] = (f"{int(n_miss.iat[pos])} of {len(items)} items unanswered ({share.iat[pos]:.1%} > "
                           f"{max_missing_share:.0%})")
    # 3 straightlining (stored answers)
    if drop_straightliners:
        nun = answered.nunique(axis=1)
        sl = (rule == "") & (nun == 1) & (answered.notna().sum(axis=1) >= 2)
        for pos in np.flatnonzero(sl.to_numpy()):
            vals = answered.iloc[pos].dropna()
            rule.iat[pos] = "straightlining"
            detail.iat[pos] = f"the same answer ({vals.iloc[0]:g}) to all {len(vals)} answered items"
    # 4 duplicates: identical items (missing normalised) and demographics
    if drop_duplicates:
        key_cols = pd.concat([answered.fillna(-1.0).round(9).astype(str),
                              frame[list(codebook.demographics)].astype(str).apply(lambda s: s.str.strip())],
                             axis=1)
        keys = key_cols.agg("|".join, axis=1)
        first_of: dict[str, int] = {}
        for pos in range(len(frame)):
            if rule.iat[pos]:
                continue
            k = keys.iat[pos]
            if k in first_of:
                rule.iat[pos] = "duplicate"
                detail.iat[pos] = f"same answers and demographics as resp_id {ids.iat[first_of[k]]}"
            else:
                first_of[k] = pos
    keep = rule == ""
    # reverse coding
    data = answered.copy()
    for it in codebook.items.values():
        if it.reverse:
            data[it.name] = lo + hi - data[it.name]
    # imputation
    dropped = {d["item"] for d in items_dropped}
    imputed_rows = []
    if impute == "construct_mean":
        for item in items:
            c = codebook.items[item].construct
            others = [i for i in codebook.items_of(c) if i != item and i not in dropped]
            need = keep & data[item].isna()
            for pos in np.flatnonzero(need.to_numpy()):
                vals = data.iloc[pos][others].dropna()
                if len(vals):
                    v = float(vals.mean())
                    data.iat[pos, items.index(item)] = v
                    imputed_rows.append({"resp_id": ids.iat[pos], "item": item, "construct": c,
                                         "value": v, "n_items_used": int(len(vals))})
    incomplete = keep & data.isna().any(axis=1)
    for pos in np.flatnonzero(incomplete.to_numpy()):
        rule.iat[pos] = "incomplete"
        gaps = [c for c in items if math.isnan(data.iat[pos, items.index(c)])]
        detail.iat[pos] = f"still missing after imputation ({impute}): {', '.join(gaps)}"
    keep = rule == ""
    imputed = pd.DataFrame(imputed_rows, columns=["resp_id", "item", "construct", "value", "n_items_used"])
    imputed = imputed[imputed.resp_id.isin(set(ids[keep]))].reset_index(drop=True)

    clean = pd.concat([ids.rename("resp_id"),
                       frame[list(codebook.demographics)].apply(lambda s: s.astype(str).str.strip()),
                       data], axis=1)[keep].reset_index(drop=True)
    excl = pd.DataFrame({"resp_id": ids, "rule": rule, "detail": detail})[~keep].reset_index(drop=True)
    counts = {r: int((rule == r).sum()) for r in RULES}
    if (rule == "incomplete").any():
        counts["incomplete"] = int((rule == "incomplete").sum())
    n_valid = int(keep.sum())
    flow = {"distributed": distributed, "returned": int(len(frame)), "excluded": counts, "valid": n_valid,
            "imputed_cells": int(len(imputed)),
            "response_rate": (len(frame) / distributed) if distributed else None,
            "valid_rate": n_valid / len(frame) if len(frame) else None,
            "items_dropped": [d["item"] for d in items_dropped],
            "missing_cells_valid_rows": int(is_missing[keep].to_numpy().sum())}
    decisions = pd.DataFrame([{"item": i, "construct": codebook.items[i].construct,
                               "status": "dropped" if i in dropped else "kept",
                               "reason": next((d["reason"] for d in items_dropped if d["item"] == i), "")}
                              for i in items])
    warnings = []
    n_items = len(items) - len(dropped)
    if n_valid < n_items:
        by_rule = ", ".join(f"{r}: {k}" for r, k in (flow.get("excluded") or {}).items() if k) or "none"
        raise InputError(f"only {n_valid} valid rows for {n_items} analysed items: the covariance matrix "
                         f"cannot be estimated (of {len(frame)} rows, excluded by rule: {by_rule})", file=source,
                         fix="check the screening settings (cleaning.*) and the data; at least as many valid "
                             "rows as items are required, and at least twice as many are advisable")
    if n_valid < 2 * n_items:
        warnings.append(f"only {n_valid} valid rows for {n_items} items (fewer than 2 per item): "
                        "estimates will be unstable")
    return CleanResult(clean, excl, flow, imputed, decisions, warnings)


def read_clean(path: str, codebook: Codebook) -> pd.DataFrame:
    """Read ``survey_clean.csv`` back: ids and demographics as text, items as floats."""
    dtypes = {"resp_id": str, **{d: str for d in codebook.demographics}}
    frame = pd.read_csv(path, dtype=dtypes, keep_default_na=False,
                        na_values={i: [""] for i in codebook.items})
    for i in codebook.items:
        frame[i] = frame[i].astype(float)
    return frame


def check_analysis_items(clean: pd.DataFrame, items: list[str], source: str) -> None:
    """The analysed items of the cleaned sample must have variance and a positive-definite
    covariance matrix: a constant item or a duplicated column stops the workflow here, with the
    item named, instead of inside a later estimation."""
    from clusterup.estimation.moments import check_moments

    X = clean[items].to_numpy(dtype=float)
    check_moments(np.atleast_2d(np.cov(X, rowvar=False)), items, len(X), 0,
                  source + " (valid questionnaires after cleaning)")


def check_sample_size(flow: dict, identification: dict, source: str) -> None:
    """Fewer valid rows than the model's free parameters (or than observed variables + 1): stop now,
    before the CFA and SEM, with the breakdown of excluded rows by rule."""
    n, need = int(flow["valid"]), int(identification["min_rows"])
    if n < need:
        by_rule = ", ".join(f"{r}: {k}" for r, k in (flow.get("excluded") or {}).items() if k) or "none"
        raise InputError(f"only {n} valid rows, but the model has {identification['free_parameters_sem']} free "
                         f"parameters (CFA: {identification['free_parameters_cfa']}); at least {need} valid rows "
                         f"are needed (of {flow['returned']} rows, excluded by rule: {by_rule})", file=source,
                         fix="collect more questionnaires, relax the screening settings (cleaning.*) or simplify "
                             "the model (fewer free parameters)")
