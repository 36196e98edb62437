"""Published numbers: parsing the transcription file, the quantity selectors, and the comparison.

A quantity is ``path[col=value,...]#column`` for a CSV under ``results/`` or ``path#key.subkey``
for a JSON file. The field ``@rows`` counts instead of reading a value: ``hypotheses.csv#@rows`` is the
number of rows (after the selector, if any, so ``[verdict=supported]#@rows`` counts the supported
hypotheses; no match is a count of 0), ``file.json#key.@rows`` the length of a list or mapping. A printed number is kept as a string so that its precision is known: it *matches*
when ``|reproduced - printed| <= 0.5`` unit of its last printed digit, is *close* within one unit,
and *differs* otherwise (AEA data-editor practice: a difference in the last digit is a minor
difference, anything larger is not reproduced).
"""
from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass

import pandas as pd

from clusterup.errors import InputError

STATUSES = ("match", "close", "differs", "missing")
VERDICTS = ("reproduced", "reproduced with minor differences", "not reproduced")

COUNT = "@rows"                     # the field that counts rows (CSV) or entries (JSON)
_QUANTITY = re.compile(r"^(?P<path>[^\[#]+?)(?:\[(?P<sel>[^\]]*)\])?#(?P<field>.+)$")


@dataclass(frozen=True)
class Quantity:
    path: str                       # relative to results/
    selector: tuple[tuple[str, str], ...]
    field: str                      # CSV column, or dotted JSON key


def parse_quantity(text: str) -> Quantity:
    """``"sem/estimates.csv[label=a1]#std_all"`` -> Quantity; ValueError with the expected form."""
    m = _QUANTITY.match(str(text).strip())
    if not m:
        raise ValueError(f"quantity {text!r} is not of the form path[col=value,...]#column or file.json#key.subkey")
    path, sel, field = m.group("path").strip(), m.group("sel"), m.group("field").strip()
    if path.startswith("results/"):
        path = path[len("results/"):]
    pairs = []
    if sel is not None:
        if not path.endswith(".csv"):
            raise ValueError(f"quantity {text!r}: a row selector [...] applies to CSV files only")
        for part in sel.split(","):
            if "=" not in part:
                raise ValueError(f"quantity {text!r}: selector part {part!r} is not col=value")
            k, v = part.split("=", 1)
            pairs.append((k.strip(), v.strip()))
    if not (path.endswith(".csv") or path.endswith(".json")):
        raise ValueError(f"quantity {text!r}: the file must be a .csv or .json under results/")
    return Quantity(path, tuple(pairs), field)


class LookupFailure(Exception):
    """The quantity is not produced (file, row or column absent, or an ambiguous selector)."""


def lookup(q: Quantity, read) -> object:
    """The reproduced value of ``q``; ``read(path)`` returns a DataFrame (CSV, all columns as
    strings) or a dict (JSON), or None when the file does not exist."""
    data = read(q.path)
    if data is None:
        raise LookupFailure(f"results/{q.path} does not exist")
    if isinstance(data, pd.DataFrame) and q.field == COUNT:
        rows = data
        for col, val in q.selector:
            if col not in rows.columns:
                raise LookupFailure(f"results/{q.path} has no column {col!r} for the selector")
            rows = rows[rows[col].astype(str).str.strip() == val]
        return len(rows)
    if isinstance(data, pd.DataFrame):
        if q.field not in data.columns:
            raise LookupFailure(f"results/{q.path} has no column {q.field!r} (columns: {', '.join(data.columns)})")
        rows = data
        for col, val in q.selector:
            if col not in rows.columns:
                raise LookupFailure(f"results/{q.path} has no column {col!r} for the selector")
            rows = rows[rows[col].astype(str).str.strip() == val]
        if len(rows) != 1:
            cols = [c for c, _ in q.selector] or list(data.columns[:1])
            cand = data[cols].astype(str).agg(",".join, axis=1).tolist()
            what = "no row" if len(rows) == 0 else f"{len(rows)} rows"
            raise LookupFailure(f"selector [{','.join(f'{c}={v}' for c, v in q.selector)}] matches {what} of "
                                f"results/{q.path}; candidates ({','.join(cols)}): {', '.join(cand[:20])}"
                                + (" …" if len(cand) > 20 else ""))
        return rows.iloc[0][q.field]
    node = data
    keys = q.field.split(".")
    count = keys[-1] == COUNT
    for key in keys[:-1] if count else keys:
        if not isinstance(node, dict) or key not in node:
            keys = ", ".join(node.keys()) if isinstance(node, dict) else "none"
            raise LookupFailure(f"results/{q.path} has no key {q.field!r} (keys here: {keys})")
        node = node[key]
    if count:
        if not isinstance(node, (list, dict)):
            raise LookupFailure(f"results/{q.path}: {'.'.join(keys[:-1]) or 'the file'} is not a list or mapping to count")
        return len(node)
    return node


def file_reader(results_dir: str):
    """A ``read`` for :func:`lookup` over the files of ``results_dir`` (cached)."""
    cache: dict = {}

    def read(path):
        if path not in cache:
            full = os.path.join(results_dir, path)
            if not os.path.isfile(full):
                cache[path] = None
            elif path.endswith(".csv"):
                cache[path] = pd.read_csv(full, dtype=str, keep_default_na=False)
            else:
                with open(full, encoding="utf-8") as fh:
                    cache[path] = json.load(fh)
        return cache[path]
    return read


# ---------------------------------------------------------------------------------------------
# printed numbers
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Printed:
    """A printed value: ``value`` (float) with ``decimals``, or a bound ``< .001`` (``bound``),
    or ``text`` (a verdict, stars)."""

    raw: str
    value: float | None = None
    decimals: int | None = None
    bound: str | None = None        # "<", ">", "<=", ">="
    percent: bool = False
    text: str | None = None


_MINUS = str.maketrans({"−": "-", "–": "-", "—": "-", "\u2009": "", "\u00a0": "", " ": "", ",": ""})
_NUM = re.compile(r"^(?P<bound><=|>=|<|>|≤|≥)?(?P<num>[+-]?(\d+\.?\d*|\.\d+))(?P<pct>%)?$")


def parse_printed(raw) -> Printed:
    """``".931"``, ``"-0.19"``, ``"−.19"``, ``"1,234.5"``, ``"45.6%"``, ``"< .001"`` or text."""
    s = str(raw).strip()
    m = _NUM.match(s.translate(_MINUS))
    if not m:
        return Printed(raw=s, text=" ".join(s.lower().split()))
    num = m.group("num")
    decimals = len(num.split(".", 1)[1]) if "." in num else 0
    bound = {"≤": "<=", "≥": ">="}.get(m.group("bound"), m.group("bound"))
    return Printed(raw=s, value=float(num), decimals=decimals, bound=bound, percent=bool(m.group("pct")))


def _as_float(x) -> float | None:
    if isinstance(x, bool):
        return float(x)
    try:
        f = float(str(x).strip())
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _stars(p: float) -> str:
    return "***" if p < .001 else "**" if p < .01 else "*" if p < .05 else ""


def compare(printed_raw, reproduced) -> dict:
    """Status of one entry: ``{"status", "decimals", "difference"}`` (difference reproduced − printed,
    in the printed unit; None for text)."""
    p = parse_printed(printed_raw)
    if reproduced is None or (isinstance(reproduced, float) and math.isnan(reproduced)) or str(reproduced) == "":
        return {"status": "missing", "decimals": p.decimals, "difference": None}
    r = _as_float(reproduced)
    if p.text is not None:
        if set(p.text) <= {"*"} and r is not None:        # stars printed, p reproduced
            return {"status": "match" if _stars(r) == p.text else "differs", "decimals": None, "difference": None}
        rt = " ".join(str(reproduced).lower().replace("_", " ").split())
        return {"status": "match" if rt == p.text else "differs", "decimals": None, "difference": None}
    if r is None:
        return {"status": "differs", "decimals": p.decimals, "difference": None}
    if p.percent:
        r = 100.0 * r                                      # proportions in files, percent printed
    unit = 10.0 ** (-p.decimals)
    if p.bound:
        ok = {"<": r < p.value, ">": r > p.value, "<=": r <= p.value, ">=": r >= p.value}[p.bound]
        return {"status": "match" if ok else "differs", "decimals": p.decimals, "difference": None}
    diff = r - p.value
    eps = 1e-9 * max(1.0, abs(p.value))
    status = "match" if abs(diff) <= 0.5 * unit + eps else "close" if abs(diff) <= unit + eps else "differs"
    return {"status": status, "decimals": p.decimals, "difference": diff}


# ---------------------------------------------------------------------------------------------
# the transcription file
# ---------------------------------------------------------------------------------------------

def parse_published(doc, path: str) -> dict:
    """Check the published-numbers YAML (``source``, ``entries`` of table/quantity/printed)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list) or not doc["entries"]:
        raise InputError("the file must be a mapping with 'source' and a non-empty list 'entries'",
                         file=path, fix="see config/published.yaml for the format")
    if not str(doc.get("source", "")).strip():
        raise InputError("'source' is missing: say where the printed numbers come from", file=path,
                         where="source", fix="add source: \"Table … of …, page …\"")
    out = []
    for i, e in enumerate(doc["entries"], start=1):
        where = f"entries[{i}]"
        if not isinstance(e, dict):
            raise InputError("an entry must be a mapping {table, quantity, printed}", file=path, where=where,
                             fix="write the entry as {table: ..., quantity: ..., printed: ...}")
        missing = [k for k in ("table", "quantity", "printed") if e.get(k) in (None, "")]
        if missing:
            raise InputError(f"entry lacks {', '.join(missing)}", file=path, where=where,
                             fix="every entry needs table, quantity and printed (printed as a quoted string)")
        if not isinstance(e["printed"], str):
            raise InputError(f"printed {e['printed']!r} is not a quoted string, so its printed precision is lost",
                             file=path, where=where, fix=f"write printed: \"{e['printed']}\" as printed")
        out.append({"table": str(e["table"]), "quantity": str(e["quantity"]).strip(), "printed": e["printed"],
                    "source": str(e.get("source", doc["source"])), "check": e.get("check")})
    return {"source": str(doc["source"]), "entries": out, "n": doc.get("n"), "checks": doc.get("checks", [])}


def published_files(entries: list[dict]) -> list[str]:
    """The results files the entries name (for the audit rule's inputs); malformed quantities skipped."""
    files = []
    for e in entries:
        try:
            p = parse_quantity(e["quantity"]).path
        except ValueError:
            continue
        if p not in files:
            files.append(p)
    return files


def _fmt_reproduced(v) -> str:
    f = _as_float(v)
    if f is None or isinstance(v, str) and not re.match(r"^\s*[-+.\d eE]+\s*$", v):
        return "" if v is None else str(v)
    return repr(float(f)) if not float(f).is_integer() else str(int(f)) if abs(f) < 1e15 else repr(f)


def compare_all(entries: list[dict], read) -> pd.DataFrame:
    """``published_vs_reproduced.csv``: one row per entry. A quantity that is malformed, names an
    absent file/column or an ambiguous selector is ``missing`` with the reason in ``note``... (the
    reason goes to the log; the file keeps its contracted columns)."""
    rows, notes = [], []
    for e in entries:
        note = ""
        try:
            value = lookup(parse_quantity(e["quantity"]), read)
        except (ValueError, LookupFailure) as exc:
            value, note = None, str(exc)
        res = compare(e["printed"], value)
        rows.append({"table": e["table"], "quantity": e["quantity"], "printed": e["printed"],
                     "reproduced": _fmt_reproduced(value), "decimals": res["decimals"],
                     "difference": res["difference"], "status": res["status"]})
        notes.append(note)
    df = pd.DataFrame(rows, columns=["table", "quantity", "printed", "reproduced", "decimals", "difference", "status"])
    df["decimals"] = df["decimals"].astype("Int64")
    df.attrs["notes"] = notes
    return df


def table_verdicts(comparison: pd.DataFrame) -> pd.DataFrame:
    """``tables.csv``: counts per table and the AEA-style verdict — ``reproduced`` when every entry
    matches, ``reproduced with minor differences`` when the rest are ``close``, else ``not reproduced``."""
    rows = []
    for table, g in comparison.groupby("table", sort=False):
        c = {s: int((g["status"] == s).sum()) for s in STATUSES}
        verdict = ("reproduced" if c["match"] == len(g) else
                   "reproduced with minor differences" if c["differs"] == 0 and c["missing"] == 0 else
                   "not reproduced")
        rows.append({"table": table, "n": len(g), **c, "verdict": verdict})
    return pd.DataFrame(rows, columns=["table", "n", *STATUSES, "verdict"])
