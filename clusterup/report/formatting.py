"""Number formatting for the chapter (Jinja2 filters) — APA 7 conventions.

Templates never compute; they only place numbers through these filters:

* ``num(x, d)``   — fixed decimals with a leading zero (means, SDs, χ², B, S.E.);
* ``apa(x, d)``   — no leading zero, for statistics bounded by ±1 (r, β, α, CFI, RMSEA, p);
* ``pval(p)``     — ``< .001`` below .001, else three decimals without leading zero;
* ``stars(p)``    — ``***`` p < .001, ``**`` p < .01, ``*`` p < .05;
* ``ci(lo, hi)``  — ``[.12, .34]`` (bounded) via ``apa`` or ``num``;
* ``pct(x, d)``   — a percentage with ``%``;
* ``int_`` — thousands separators.
Missing values (None / NaN) print as an en dash.
"""
from __future__ import annotations

import math

DASH = "–"


def _missing(x) -> bool:
    if x is None:
        return True
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def num(x, d: int = 2) -> str:
    """Fixed decimals, leading zero kept; minus sign as a true minus."""
    if _missing(x):
        return DASH
    s = f"{float(x):.{d}f}"
    if s.startswith("-") and float(s) == 0:
        s = s[1:]
    return s.replace("-", "−")


WORD_JOINER = "\u2060"   # invisible; stops a line break between "." and the digits of ".73"


def apa(x, d: int = 2, nobreak: bool = True) -> str:
    """No leading zero (APA for values that cannot exceed 1 in absolute value).

    In running text a line may otherwise break between the point and the digits (".↵73"); a word
    joiner prevents it (``nobreak=False`` for figures, whose fonts may lack the character).
    """
    if _missing(x):
        return DASH
    s = num(x, d)
    j = WORD_JOINER if nobreak else ""
    if s.startswith("0."):
        return "." + j + s[2:]
    if s.startswith("−0."):
        return "−." + j + s[3:]
    return s


def pval(p, d: int = 3) -> str:
    """APA p-value: '< .001' or '.023' (no leading zero, no 'p =')."""
    if _missing(p):
        return DASH
    p = float(p)
    if p < 10 ** (-d):
        return "< ." + WORD_JOINER + "0" * (d - 1) + "1"
    return apa(p, d)


def p_eq(p, d: int = 3) -> str:
    """'p < .001' or 'p = .023' for running text."""
    s = pval(p, d)
    return f"p {s}" if s.startswith("<") else f"p = {s}"


def stars(p) -> str:
    if _missing(p):
        return ""
    p = float(p)
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def ci(lo, hi, d: int = 3, bounded: bool = False) -> str:
    f = apa if bounded else num
    return f"[{f(lo, d)}, {f(hi, d)}]"


def pct(x, d: int = 1) -> str:
    if _missing(x):
        return DASH
    return f"{float(x):.{d}f}%"


def share_pct(x, d: int = 1, sign: bool = True) -> str:
    """A proportion (0–1, as the results files store shares) printed as a percentage:
    0.2755 -> "27.5%" (``sign=False``: "27.5", for a table column headed %)."""
    if _missing(x):
        return DASH
    return f"{100 * float(x):.{d}f}{'%' if sign else ''}"


def int_(x) -> str:
    if _missing(x):
        return DASH
    return f"{int(round(float(x))):,}"


FILTERS = {"num": num, "apa": apa, "pval": pval, "p_eq": p_eq, "stars": stars, "ci": ci, "pct": pct, "share_pct": share_pct,
           "int": int_}
