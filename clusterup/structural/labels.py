"""Human names of model quantities, derived from the model and the construct labels.

A defined parameter (``ind := a1*b``) is named by the chain of paths its labels stand for
("Network scale → Innovative behavior → Cluster upgrading"); a sum of chains with the same ends is a
total effect ("Network scale → Cluster upgrading (total)"); anything else keeps its expression with
each label replaced by its path.  A path ``Y ~ X`` is named "X → Y".  A study may override any name
with ``report.effect_labels: {name: "text"}`` in its config; nothing here knows about a particular
study.
"""
from __future__ import annotations

from clusterup.estimation.syntax import BinOp, Definition, ModelSyntax, Name, Neg, Num

ARROW = " → "


def label_paths(model: ModelSyntax) -> dict[str, tuple[str, str]]:
    """Label -> (from, to) of every labelled regression ``to ~ label*from``."""
    return {t.label: (t.rhs, t.lhs) for t in model.terms if t.op == "~" and t.label}


def _sum_of_products(expr) -> list[list[str]] | None:
    """``a*b + c`` -> [["a", "b"], ["c"]]; None when the expression is not a sum of label products."""
    if isinstance(expr, Name):
        return [[expr.name]]
    if isinstance(expr, BinOp) and expr.op == "+":
        left, right = _sum_of_products(expr.left), _sum_of_products(expr.right)
        return None if left is None or right is None else left + right
    if isinstance(expr, BinOp) and expr.op == "*":
        left, right = _sum_of_products(expr.left), _sum_of_products(expr.right)
        if left is None or right is None or len(left) != 1 or len(right) != 1:
            return None
        return [left[0] + right[0]]
    return None


def _chain(labels: list[str], paths: dict[str, tuple[str, str]]) -> list[str] | None:
    """Order the paths of a product into one chain X → M → … → Y, or None if they do not link."""
    if not labels or any(lab not in paths for lab in labels):
        return None
    edges = [paths[lab] for lab in labels]
    heads = {e[1] for e in edges}
    starts = [e for e in edges if e[0] not in heads]
    if len(starts) != 1:
        return None
    chain = [starts[0][0], starts[0][1]]
    rest = [e for e in edges if e is not starts[0]]
    while rest:
        nxt = [e for e in rest if e[0] == chain[-1]]
        if len(nxt) != 1:
            return None
        chain.append(nxt[0][1])
        rest.remove(nxt[0])
    return chain


_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "^": 3}


def _expr_text(expr, paths: dict[str, tuple[str, str]], name, parent: int = 0, right: bool = False) -> str:
    """The expression with each label replaced by its path, parenthesised only where precedence needs it."""
    if isinstance(expr, Num):
        return f"{expr.value:g}"
    if isinstance(expr, Name):
        p = paths.get(expr.name)
        return f"({name(p[0])}{ARROW}{name(p[1])})" if p else expr.name
    if isinstance(expr, Neg):
        return f"−{_expr_text(expr.arg, paths, name, 3)}"
    prec = _PREC[expr.op]
    op = {"*": " × ", "/": " / ", "+": " + ", "-": " − ", "^": "^"}[expr.op]
    text = (_expr_text(expr.left, paths, name, prec) + op
            + _expr_text(expr.right, paths, name, prec, right=expr.op in "-/^"))
    return f"[{text}]" if prec < parent or (right and prec == parent) else text


def definition_kind(defn: Definition, model: ModelSyntax) -> str:
    """"indirect" (one chain of ≥ 2 paths), "total" (several chains with the same ends), "direct"
    (one labelled path) or "other"."""
    paths = label_paths(model)
    terms = _sum_of_products(defn.expr)
    chains = [_chain(t, paths) for t in terms] if terms else None
    if not chains or any(c is None for c in chains):
        return "other"
    if len(chains) == 1:
        return "indirect" if len(chains[0]) > 2 else "direct"
    ends = {(c[0], c[-1]) for c in chains}
    return "total" if len(ends) == 1 else "other"


def definition_chain(defn: Definition, model: ModelSyntax) -> list[str] | None:
    """The variables of an indirect effect's chain (X, M…, Y), or (X, Y) of a total effect."""
    paths = label_paths(model)
    terms = _sum_of_products(defn.expr)
    chains = [_chain(t, paths) for t in terms] if terms else None
    if not chains or any(c is None for c in chains):
        return None
    if len(chains) == 1:
        return chains[0]
    ends = {(c[0], c[-1]) for c in chains}
    return list(next(iter(ends))) if len(ends) == 1 else None


def effect_labels(model: ModelSyntax, names: dict[str, str],
                  overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Display name of every ``:=`` parameter (see the module docstring).

    ``names`` maps variables to display labels (construct labels; unknown variables keep their name).
    """
    def name(v: str) -> str:
        return names.get(v, v)

    paths = label_paths(model)
    out: dict[str, str] = {}
    for d in model.definitions:
        kind = definition_kind(d, model)
        chain = definition_chain(d, model)
        if kind in ("indirect", "direct") and chain:
            out[d.name] = ARROW.join(name(v) for v in chain)
        elif kind == "total" and chain:
            out[d.name] = f"{name(chain[0])}{ARROW}{name(chain[-1])} (total)"
        else:
            out[d.name] = _expr_text(d.expr, paths, name)
    out.update({k: str(v) for k, v in (overrides or {}).items() if k in out})
    return out


def path_label(lhs: str, rhs: str, names: dict[str, str] | None = None) -> str:
    """``lhs ~ rhs`` as "rhs → lhs" (with display names when given)."""
    n = names or {}
    return f"{n.get(rhs, rhs)}{ARROW}{n.get(lhs, lhs)}"


def roles(model: ModelSyntax) -> dict[str, list[str]]:
    """Structural roles of the variables in the regressions: exogenous (only predictors), mediators
    (predicted and predicting) and outcomes (only predicted), each in model order."""
    reg = [t for t in model.terms if t.op == "~"]
    preds = list(dict.fromkeys(t.rhs for t in reg))
    outs = list(dict.fromkeys(t.lhs for t in reg))
    return {"exogenous": [v for v in preds if v not in outs],
            "mediators": [v for v in outs if v in preds],
            "outcomes": [v for v in outs if v not in preds]}


def between(model: ModelSyntax, source: str, target: str) -> list[str]:
    """Variables on directed regression paths from ``source`` to ``target`` (excluding both ends)."""
    succ: dict[str, set[str]] = {}
    for t in model.terms:
        if t.op == "~":
            succ.setdefault(t.rhs, set()).add(t.lhs)

    def reach(a: str, seen: set[str]) -> set[str]:
        for b in succ.get(a, ()):
            if b not in seen:
                seen.add(b)
                reach(b, seen)
        return seen

    down = reach(source, set())
    pred: dict[str, set[str]] = {}
    for a, bs in succ.items():
        for b in bs:
            pred.setdefault(b, set()).add(a)

    def reach_up(a: str, seen: set[str]) -> set[str]:
        for b in pred.get(a, ()):
            if b not in seen:
                seen.add(b)
                reach_up(b, seen)
        return seen

    up = reach_up(target, set())
    order = list(dict.fromkeys([t.lhs for t in model.terms if t.op == "~"] + [t.rhs for t in model.terms if t.op == "~"]))
    return [v for v in order if v in down and v in up and v not in (source, target)]
