"""A parser for the subset of lavaan model syntax the workflow supports.

Supported statements (one per line or separated by ``;``; ``#`` and ``!`` start comments; a line
ending in an operator or ``+``, or a line starting with ``+``, continues the statement)::

    f  =~ x1 + x2 + lab*x3 + 1*x4 + NA*x5   # measurement (first loading fixed to 1 unless NA*)
    y  ~  a*x + z                           # regression, optional label / fixed value
    x1 ~~ x2                                # (residual) covariance or variance
    ind := a*b                              # defined parameter: numbers, labels, + - * / ^ ( )

Labels shared by several terms are equality constraints (as in lavaan).  Defined parameters are
parsed by a small recursive-descent parser of our own and evaluated with forward-mode automatic
differentiation (for delta-method standard errors); Python ``eval`` is never used.

Not supported (a clear error says so): intercepts (``~ 1``), thresholds (``|``), formative
indicators (``<~``), explicit constraints (``==``, ``<``, ``>``), multiple groups (``c(...)``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Union

import numpy as np

from clusterup.errors import InputError

_IDENT = r"[A-Za-z_.][A-Za-z0-9_.]*"
_IDENT_RE = re.compile(rf"^{_IDENT}$")
_NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_START_RE = re.compile(r"^start\(\s*([^)]*)\)$")


@dataclass(frozen=True)
class Term:
    """One parameter statement of the model: ``lhs op rhs`` with an optional label or fixed value."""

    lhs: str
    op: str                     # "=~", "~" or "~~"
    rhs: str
    label: str | None = None
    fixed: float | None = None  # a fixed value (e.g. 1*x), None when free
    free_forced: bool = False   # NA* given explicitly (frees a first loading)
    start: float | None = None
    line: int = 0


@dataclass(frozen=True)
class Definition:
    """A defined parameter ``name := expression``."""

    name: str
    expr: "Expr"
    text: str
    line: int


@dataclass(frozen=True)
class ModelSyntax:
    """A parsed model: parameter statements and defined parameters, in file order."""

    terms: tuple[Term, ...]
    definitions: tuple[Definition, ...] = ()
    source: str = "model"

    # ---- variable roles -------------------------------------------------------------------
    @property
    def latent(self) -> list[str]:
        """Latent variables: every left-hand side of ``=~``, in order of appearance."""
        return _unique(t.lhs for t in self.terms if t.op == "=~")

    @property
    def observed(self) -> list[str]:
        """Observed variables named by the model, in order of first appearance."""
        lat = set(self.latent)
        names: list[str] = []
        for t in self.terms:
            names.extend(v for v in (t.lhs, t.rhs) if v not in lat)
        return _unique(names)

    @property
    def first_order(self) -> list[str]:
        """Latent variables measured by observed indicators only."""
        lat = set(self.latent)
        out = []
        for f in self.latent:
            ind = [t.rhs for t in self.terms if t.op == "=~" and t.lhs == f]
            if ind and not any(i in lat for i in ind):
                out.append(f)
        return out

    def indicators(self, factor: str) -> list[str]:
        """Indicators of ``factor`` in the order written."""
        return [t.rhs for t in self.terms if t.op == "=~" and t.lhs == factor]

    @property
    def labels(self) -> list[str]:
        return _unique(t.label for t in self.terms if t.label)

    def to_text(self) -> str:
        """Render back to lavaan syntax (one statement per line)."""
        lines = []
        for t in self.terms:
            mod = ""
            if t.fixed is not None:
                mod = f"{t.fixed:g}*"
            elif t.free_forced:
                mod = "NA*"
            if t.label:
                mod += f"{t.label}*"
            lines.append(f"{t.lhs} {t.op} {mod}{t.rhs}")
        lines.extend(f"{d.name} := {d.text}" for d in self.definitions)
        return "\n".join(lines) + "\n"


def _unique(items) -> list[str]:
    seen: dict[str, None] = {}
    for i in items:
        if i is not None:
            seen.setdefault(i, None)
    return list(seen)


# ---------------------------------------------------------------------------------------------
# statements
# ---------------------------------------------------------------------------------------------
_UNSUPPORTED = [("<~", "formative indicators (<~) are not supported", "model the construct reflectively (=~)"),
                ("==", "explicit equality constraints (==) are not supported", "give the parameters the same label instead (e.g. a*x1 + a*x2)"),
                ("|", "thresholds (|) are not supported", "the workflow treats items as continuous; remove the threshold lines"),
                ("%", "the % operator is not supported", "remove the statement"),
                ("~*~", "scaling factors (~*~) are not supported", "remove the statement"),
                ("<", "inequality constraints (<) are not supported", "remove the constraint"),
                (">", "inequality constraints (>) are not supported", "remove the constraint")]


def _statements(text: str) -> list[tuple[int, str]]:
    """Split text into (line number, statement), removing comments and joining continuations."""
    raw: list[tuple[int, str]] = []
    for no, line in enumerate(text.splitlines(), start=1):
        line = re.split(r"[#!]", line, maxsplit=1)[0]
        for part in line.split(";"):
            part = part.strip()
            if part:
                raw.append((no, part))
    joined: list[tuple[int, str]] = []
    for no, part in raw:
        if joined and (re.search(r"(\+|-|\*|/|\^|\(|=~|~~|~|:=)$", joined[-1][1])
                       or re.match(r"[+*/^)-]", part)):
            joined[-1] = (joined[-1][0], joined[-1][1] + " " + part)
        else:
            joined.append((no, part))
    return joined


def parse_model(text: str, source: str = "model") -> ModelSyntax:
    """Parse lavaan model syntax.

    Parameters
    ----------
    text : str
        The model in lavaan syntax.
    source : str
        File name used in error messages.

    Returns
    -------
    ModelSyntax

    Raises
    ------
    InputError
        With the line number and text of the offending statement.
    """
    terms: list[Term] = []
    defs: list[Definition] = []
    for no, stmt in _statements(text):
        where = f"line {no}"

        def fail(problem: str, fix: str | None = None) -> InputError:
            return InputError(f"{problem}: `{stmt}`", file=source, where=where, fix=fix)

        if ":=" in stmt:
            name, expr_text = (s.strip() for s in stmt.split(":=", 1))
            if not _IDENT_RE.match(name):
                raise fail(f"defined parameter name {name!r} is not a valid name")
            try:
                expr = parse_expression(expr_text)
            except ValueError as exc:
                raise fail(f"cannot parse the expression ({exc})",
                           "use numbers, labels, + - * / ^ and parentheses") from None
            defs.append(Definition(name, expr, expr_text, no))
            continue
        m = re.search(r"=~|~~|~", stmt)
        for tok, what, fix in _UNSUPPORTED:
            if tok in stmt:
                raise fail(what, fix)
        if not m:
            raise fail("no operator found (expected =~, ~, ~~ or :=)")
        op = m.group(0)
        lhs_text, rhs_text = stmt[:m.start()].strip(), stmt[m.end():].strip()
        if not lhs_text or not rhs_text:
            raise fail("a side of the operator is empty")
        lhss = [s.strip() for s in lhs_text.split("+")]
        for lhs in lhss:
            if not _IDENT_RE.match(lhs):
                raise fail(f"{lhs!r} is not a variable name")
        # a '+' inside a number in scientific notation (1e+2*x) does not separate terms
        protected = re.sub(r"(?<![A-Za-z_.\d])(\d+\.?\d*[eE])\+(\d)", lambda m: m.group(1) + "\x00" + m.group(2),
                           rhs_text)
        for raw_term in (t.replace("\x00", "+") for t in protected.split("+")):
            raw_term = raw_term.strip()
            if not raw_term:
                raise fail("empty term between '+' signs")
            parts = [p.strip() for p in raw_term.split("*")]
            var = parts[-1]
            if var == "1" and op == "~":
                raise fail("intercepts (~ 1) are not supported: the workflow fits covariance structures only",
                           "remove the intercept terms; means are not part of the model")
            if not _IDENT_RE.match(var):
                raise fail(f"{var!r} is not a variable name")
            label = fixed = start = None
            free_forced = False
            for mod in parts[:-1]:
                if mod == "NA":
                    free_forced = True
                elif _NUMBER_RE.match(mod):
                    fixed = float(mod)
                elif (sm := _START_RE.match(mod)) and _NUMBER_RE.match(sm.group(1).strip()):
                    start = float(sm.group(1))
                elif _IDENT_RE.match(mod):
                    label = mod
                else:
                    raise fail(f"modifier {mod!r} is not supported",
                               "use a label (a*x), a fixed value (1*x), NA*x or start(0.5)*x")
            for lhs in lhss:
                terms.append(Term(lhs, op, var, label, fixed, free_forced, start, no))
    if not terms:
        raise InputError("the model has no statements", file=source,
                         fix="write at least one measurement (=~) or regression (~) line")
    _check_duplicates(terms, source)
    syntax = ModelSyntax(tuple(terms), tuple(defs), source)
    check_definitions(syntax)
    return syntax


def _check_duplicates(terms: list[Term], source: str) -> None:
    seen: dict[tuple[str, str, str], int] = {}
    for t in terms:
        key = (t.lhs, t.op, t.rhs) if t.op != "~~" else (min(t.lhs, t.rhs), "~~", max(t.lhs, t.rhs))
        if key in seen:
            raise InputError(f"`{t.lhs} {t.op} {t.rhs}` is specified twice (lines {seen[key]} and {t.line})",
                             file=source, where=f"line {t.line}", fix="keep one of the two statements")
        seen[key] = t.line
    for t in terms:
        if t.op == "~" and t.lhs == t.rhs:
            raise InputError(f"`{t.lhs} ~ {t.rhs}` regresses a variable on itself", file=source,
                             where=f"line {t.line}", fix="remove the statement")
        if t.op == "=~" and t.rhs == t.lhs:
            raise InputError(f"`{t.lhs} =~ {t.rhs}` makes a factor its own indicator", file=source,
                             where=f"line {t.line}", fix="remove the statement")


def check_definitions(syntax: ModelSyntax) -> None:
    """Every name in a ``:=`` expression must be a label or an earlier defined parameter."""
    known = set(syntax.labels)
    for d in syntax.definitions:
        unknown = sorted(expr_names(d.expr) - known)
        if unknown:
            raise InputError(f"`{d.name} := {d.text}` uses unknown label(s) {', '.join(unknown)}",
                             file=syntax.source, where=f"line {d.line}",
                             fix="label the path in the model (e.g. `IB ~ a1*NSC`) or correct the name")
        if d.name in known:
            raise InputError(f"defined parameter {d.name!r} reuses a name already in use",
                             file=syntax.source, where=f"line {d.line}", fix="choose another name")
        known.add(d.name)


def drop_variables(syntax: ModelSyntax, items: list[str]) -> ModelSyntax:
    """Remove observed ``items`` from the model (item purification), keeping everything else."""
    drop = set(items)
    # if a dropped item was a factor's marker, the next indicator becomes the marker: the default
    # rule fixes the first loading written for each factor
    terms = [t for t in syntax.terms if t.rhs not in drop and t.lhs not in drop]
    return replace(syntax, terms=tuple(terms))


def measurement_model(syntax: ModelSyntax) -> ModelSyntax:
    """The first-order CFA implied by a model: its first-order ``=~`` lines, all factors correlated.

    Second-order factors, regressions and defined parameters are removed; residual covariances
    between indicators written in the model are kept.  Factor covariances are added by the
    default rules (all exogenous latent variables correlate).
    """
    fo = set(syntax.first_order)
    obs = {t.rhs for t in syntax.terms if t.op == "=~" and t.lhs in fo}
    keep = [t for t in syntax.terms
            if (t.op == "=~" and t.lhs in fo) or (t.op == "~~" and t.lhs in obs and t.rhs in obs)]
    return ModelSyntax(tuple(keep), (), syntax.source)


def fix_paths_to_zero(syntax: ModelSyntax, paths: list[str], source: str = "hypotheses") -> ModelSyntax:
    """Return the model with the listed regression paths (``"UPG ~ NSC"``) fixed to 0 (nested model)."""
    wanted = {}
    for p in paths:
        m = re.fullmatch(rf"\s*({_IDENT})\s*~\s*({_IDENT})\s*", p)
        if not m:
            raise InputError(f"{p!r} is not a regression path of the form 'Y ~ X'", file=source,
                             fix="write paths as they appear in the model, e.g. 'UPG ~ NSC'")
        wanted[(m.group(1), m.group(2))] = p
    terms = []
    found = set()
    for t in syntax.terms:
        if t.op == "~" and (t.lhs, t.rhs) in wanted:
            found.add((t.lhs, t.rhs))
            terms.append(replace(t, fixed=0.0, free_forced=False))
        else:
            terms.append(t)
    missing = [wanted[k] for k in wanted if k not in found]
    if missing:
        raise InputError(f"path(s) {', '.join(missing)} are not in the model", file=source,
                         fix="list regression paths that the model file contains")
    # a defined parameter using a now-fixed label still evaluates (the label's value is 0)
    return replace(syntax, terms=tuple(terms))


# ---------------------------------------------------------------------------------------------
# expressions for defined parameters
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Neg:
    arg: "Expr"


@dataclass(frozen=True)
class BinOp:
    op: str
    left: "Expr"
    right: "Expr"


Expr = Union[Num, Name, Neg, BinOp]

_TOKEN_RE = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|(" + _IDENT + r")|(\S))")


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m:
            break
        num, ident, sym = m.groups()
        if num is not None:
            tokens.append(("num", num))
        elif ident is not None:
            tokens.append(("name", ident))
        else:
            if sym not in "+-*/^()":
                raise ValueError(f"unexpected character {sym!r}")
            tokens.append(("sym", sym))
        pos = m.end()
    return tokens


def parse_expression(text: str) -> Expr:
    """Parse an arithmetic expression: numbers, names, ``+ - * / ^``, unary minus, parentheses.

    Grammar (usual precedence, ``^`` right-associative)::

        expr   := term (('+'|'-') term)*
        term   := unary (('*'|'/') unary)*
        unary  := '-' unary | '+' unary | power
        power  := atom ('^' unary)?
        atom   := number | name | '(' expr ')'
    """
    tokens = _tokenize(text)
    if not tokens:
        raise ValueError("empty expression")
    pos = 0

    def peek() -> tuple[str, str] | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal pos
        if pos >= len(tokens):
            raise ValueError("unexpected end of expression")
        tok = tokens[pos]
        pos += 1
        return tok

    def expr() -> Expr:
        node = term()
        while (t := peek()) and t in (("sym", "+"), ("sym", "-")):
            take()
            node = BinOp(t[1], node, term())
        return node

    def term() -> Expr:
        node = unary()
        while (t := peek()) and t in (("sym", "*"), ("sym", "/")):
            take()
            node = BinOp(t[1], node, unary())
        return node

    def unary() -> Expr:
        t = peek()
        if t == ("sym", "-"):
            take()
            return Neg(unary())
        if t == ("sym", "+"):
            take()
            return unary()
        return power()

    def power() -> Expr:
        node = atom()
        if peek() == ("sym", "^"):
            take()
            node = BinOp("^", node, unary())
        return node

    def atom() -> Expr:
        kind, val = take()
        if kind == "num":
            return Num(float(val))
        if kind == "name":
            if peek() == ("sym", "("):
                raise ValueError(f"functions such as {val}() are not supported")
            return Name(val)
        if val == "(":
            node = expr()
            if take() != ("sym", ")"):
                raise ValueError("missing ')'")
            return node
        raise ValueError(f"unexpected {val!r}")

    node = expr()
    if pos != len(tokens):
        raise ValueError(f"unexpected {tokens[pos][1]!r}")
    return node


def expr_names(expr: Expr) -> set[str]:
    """Names used in an expression."""
    if isinstance(expr, Name):
        return {expr.name}
    if isinstance(expr, Neg):
        return expr_names(expr.arg)
    if isinstance(expr, BinOp):
        return expr_names(expr.left) | expr_names(expr.right)
    return set()


def evaluate(expr: Expr, values: dict[str, float]) -> float:
    """Value of an expression given values of its names."""
    return evaluate_with_gradient(expr, {k: (v, np.zeros(0)) for k, v in values.items()}, 0)[0]


def evaluate_with_gradient(expr: Expr, values: dict[str, tuple[float, np.ndarray]],
                           n: int) -> tuple[float, np.ndarray]:
    """Forward-mode automatic differentiation.

    ``values`` maps each name to (value, gradient vector of length ``n``); the result is the
    expression's value and its gradient (chain rule), exact up to floating point.
    """
    if isinstance(expr, Num):
        return expr.value, np.zeros(n)
    if isinstance(expr, Name):
        v, g = values[expr.name]
        return float(v), np.asarray(g, dtype=float)
    if isinstance(expr, Neg):
        v, g = evaluate_with_gradient(expr.arg, values, n)
        return -v, -g
    a, ga = evaluate_with_gradient(expr.left, values, n)
    b, gb = evaluate_with_gradient(expr.right, values, n)
    if expr.op == "+":
        return a + b, ga + gb
    if expr.op == "-":
        return a - b, ga - gb
    if expr.op == "*":
        return a * b, ga * b + a * gb
    if expr.op == "/":
        if b == 0:
            return math.nan, np.full(n, math.nan)
        return a / b, ga / b - a * gb / (b * b)
    # power
    val = _pow(a, b)
    if math.isnan(val):
        return val, np.full(n, math.nan)
    grad = b * _pow(a, b - 1) * ga if np.any(ga) else np.zeros(n)
    if np.any(gb):
        grad = grad + (val * math.log(a) if a > 0 else 0.0) * gb
    return val, grad


def _div(a: float, b: float) -> float:
    """a / b, NaN where b = 0 (the defined parameter has no value; the caller warns)."""
    return a / b if b != 0 else math.nan


def _pow(a: float, b: float) -> float:
    """a ** b on the reals: NaN where the result is not a real number (a negative base with a
    non-integer exponent, or 0 to a negative power) or overflows."""
    try:
        v = a ** b
    except (ZeroDivisionError, OverflowError):
        return math.nan
    return math.nan if isinstance(v, complex) else float(v)


class DefinitionWarning(UserWarning):
    """A ``:=`` parameter has no real value at these estimates (reported as NaN)."""


def _warn_undefined(d: "Definition", values: dict[str, float]) -> None:
    import warnings

    names = sorted(expr_names(d.expr))
    shown = ", ".join(f"{k} = {values[k]:.4g}" for k in names if k in values and isinstance(values[k], float))
    warnings.warn(DefinitionWarning(
        f"defined parameter {d.name!r} (line {d.line}: `{d.name} := {d.text}`) has no real value "
        f"({'division by zero or ' if '/' in d.text else ''}a power of a negative number, or overflow)"
        f"{' at ' + shown if shown else ''}; it is reported as NaN"), stacklevel=3)


def compile_expression(expr: Expr):
    """A fast evaluator ``f(values: dict) -> float`` of an expression (closures over the parse tree,
    no ``eval``): used in the bootstrap's inner loop where gradients are not needed."""
    if isinstance(expr, Num):
        v = expr.value
        return lambda env: v
    if isinstance(expr, Name):
        name = expr.name
        return lambda env: env[name]
    if isinstance(expr, Neg):
        a = compile_expression(expr.arg)
        return lambda env: -a(env)
    left, right = compile_expression(expr.left), compile_expression(expr.right)
    if expr.op == "+":
        return lambda env: left(env) + right(env)
    if expr.op == "-":
        return lambda env: left(env) - right(env)
    if expr.op == "*":
        return lambda env: left(env) * right(env)
    if expr.op == "/":
        return lambda env: _div(left(env), right(env))
    return lambda env: _pow(left(env), right(env))


@dataclass
class DefinedParameters:
    """Evaluate a model's ``:=`` parameters from label values, with their Jacobian."""

    definitions: tuple[Definition, ...]
    names: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.names = [d.name for d in self.definitions]
        self._compiled = [(d.name, compile_expression(d.expr)) for d in self.definitions]

    def values(self, label_values: dict[str, float]) -> np.ndarray:
        """Values of all definitions (in order), without gradients (fast)."""
        env = dict(label_values)
        out = np.empty(len(self._compiled))
        for i, (name, fn) in enumerate(self._compiled):
            env[name] = out[i] = fn(env)
        return out

    def check(self, label_values: dict[str, float]) -> list[str]:
        """Warn (:class:`DefinitionWarning`, naming parameter and line) for every definition that
        has no real value at these label values; return their names."""
        vals = self.values(label_values)
        env = {k: float(v) for k, v in label_values.items()}
        env.update(zip(self.names, map(float, vals)))
        bad = []
        for d, v in zip(self.definitions, vals):
            if not np.isfinite(v):
                _warn_undefined(d, env)
                bad.append(d.name)
        return bad

    def evaluate(self, label_values: dict[str, float],
                 label_grads: dict[str, np.ndarray] | None = None,
                 n: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """Values of all definitions (in order) and, if gradients are given, the Jacobian (d × n)."""
        env = {k: (v, (label_grads or {}).get(k, np.zeros(n))) for k, v in label_values.items()}
        vals = np.empty(len(self.definitions))
        jac = np.zeros((len(self.definitions), n))
        for i, d in enumerate(self.definitions):
            v, g = evaluate_with_gradient(d.expr, env, n)
            env[d.name] = (v, g)
            vals[i] = v
            jac[i] = g
        return vals, jac
