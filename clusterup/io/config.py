"""Loading and cross-checking the user's inputs: config, codebook, model and hypotheses.

The JSON Schema (``config/schema.yaml``) checks the *shape* of the config; this module checks what
a schema cannot: that the codebook is coherent, that every variable the model names is an item of
the codebook, that dropped items exist, that hypotheses point at paths and ``:=`` parameters of
the model.  Every failure is an :class:`~clusterup.errors.InputError` naming the file and key.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import yaml

from clusterup.errors import InputError, close_matches
from clusterup.estimation.syntax import ModelSyntax, drop_variables, parse_model
from clusterup.io.textfile import read_text

HYPOTHESIS_KINDS = ("path", "indirect", "nested")
# libyaml's loader (in PyYAML's wheels) reads the same documents into the same objects ten times
# faster than the pure-Python one; every job reads the codebook, model and hypotheses
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: str, what: str) -> object:
    """Read a YAML file with a clear message on a missing file or a syntax error."""
    text = read_text(path, what).text          # UTF-8, else GB18030 (clusterup.io.textfile)
    try:
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        raise InputError(f"the {what} is not valid YAML ({getattr(exc, 'problem', exc)})", file=path,
                         where=where, fix="fix the YAML syntax (indentation, colons, quotes)") from None


@dataclass(frozen=True)
class Item:
    name: str
    construct: str
    text: str
    reverse: bool
    text_zh: str = ""               # Chinese wording (optional; the Chinese chapter falls back to ``text``)


@dataclass
class Codebook:
    """Items, constructs, scale and demographics of the questionnaire."""

    scale_min: float
    scale_max: float
    missing_codes: list[float]
    constructs: dict[str, dict]
    items: dict[str, Item]
    demographics: dict[str, dict]
    source: str = "codebook"
    scale_labels: dict[float, str] = field(default_factory=dict)   # anchor labels, e.g. {1: "strongly disagree"}
    continuous: bool = False        # answers are scores (any value in [min, max]), not integer codes
    scale_labels_zh: dict[float, str] = field(default_factory=dict)

    def items_of(self, construct: str, exclude: set[str] | None = None) -> list[str]:
        ex = exclude or set()
        return [i.name for i in self.items.values() if i.construct == construct and i.name not in ex]

    def label(self, construct: str, language: str = "en") -> str:
        """Display label of a construct; ``language="zh"`` uses ``label_zh`` where the codebook gives it."""
        spec = self.constructs.get(construct, {})
        if language == "zh" and spec.get("label_zh"):
            return str(spec["label_zh"])
        return str(spec.get("label", construct))

    def to_dict(self) -> dict:
        return {"scale": {"min": self.scale_min, "max": self.scale_max, "continuous": self.continuous,
                          "labels": {f"{k:g}": v for k, v in self.scale_labels.items()}},
                "missing_codes": self.missing_codes, "constructs": self.constructs,
                "items": {k: {"construct": v.construct, "text": v.text, "reverse": v.reverse, "text_zh": v.text_zh}
                          for k, v in self.items.items()},
                "demographics": self.demographics}


def parse_codebook(raw: object, source: str = "codebook") -> Codebook:
    """Validate and convert a codebook mapping (see SPEC Appendix A)."""
    if not isinstance(raw, dict):
        raise InputError("the codebook must be a mapping with scale, items and constructs", file=source)
    for key in ("scale", "items"):
        if key not in raw:
            raise InputError(f"the codebook has no {key!r} section", file=source, where=key,
                             fix="see config/codebook.yaml for the expected layout")
    unknown = set(raw) - {"scale", "missing_codes", "constructs", "items", "demographics"}
    if unknown:
        k = sorted(unknown)[0]
        raise InputError(f"unknown codebook key {k!r}"
                         f"{close_matches(k, ['scale', 'missing_codes', 'constructs', 'items', 'demographics'])}",
                         file=source, where=k, fix="use scale, missing_codes, constructs, items, demographics")
    scale = raw["scale"]
    if not isinstance(scale, dict) or not {"min", "max"} <= set(scale):
        raise InputError("scale must give min and max", file=source, where="scale",
                         fix="write e.g. `scale: {min: 1, max: 5}`")
    try:
        lo, hi = float(scale["min"]), float(scale["max"])
    except (TypeError, ValueError):
        raise InputError("scale min and max must be numbers", file=source, where="scale") from None
    if not lo < hi:
        raise InputError(f"scale min ({lo:g}) must be below max ({hi:g})", file=source, where="scale",
                         fix="swap the two values or correct the scale")
    bad_scale = set(scale) - {"min", "max", "labels", "labels_zh", "continuous"}
    if bad_scale:
        k = sorted(bad_scale)[0]
        raise InputError(f"unknown scale key {k!r}{close_matches(k, ['min', 'max', 'labels', 'continuous'])}",
                         file=source, where=f"scale.{k}", fix="use min, max and (optionally) labels, continuous")
    continuous = scale.get("continuous", False)
    if not isinstance(continuous, bool):
        raise InputError(f"scale continuous must be true or false, not {continuous!r}", file=source,
                         where="scale.continuous")
    anchors = scale.get("labels") or {}
    if not isinstance(anchors, dict):
        raise InputError("scale labels must map answer codes to their wording", file=source, where="scale.labels",
                         fix='write e.g. labels: {1: "strongly disagree", 5: "strongly agree"}')
    scale_labels = {}
    for k, v in anchors.items():
        try:
            code = float(k)
        except (TypeError, ValueError):
            raise InputError(f"scale label key {k!r} is not an answer code", file=source,
                             where="scale.labels") from None
        if not lo <= code <= hi:
            raise InputError(f"scale label code {code:g} lies outside the scale {lo:g}-{hi:g}", file=source,
                             where="scale.labels")
        scale_labels[code] = str(v)
    miss = raw.get("missing_codes") or []
    if not isinstance(miss, list) or not all(isinstance(m, (int, float)) for m in miss):
        raise InputError("missing_codes must be a list of numbers", file=source, where="missing_codes",
                         fix="write e.g. `missing_codes: [9]`")
    for m in miss:
        if lo <= m <= hi:
            raise InputError(f"missing code {m} lies inside the scale {lo:g}-{hi:g}", file=source,
                             where="missing_codes", fix="use a code outside the answer scale (e.g. 9 or 99)")
    constructs = raw.get("constructs") or {}
    if not isinstance(constructs, dict):
        raise InputError("constructs must be a mapping code -> {label, block}", file=source, where="constructs")
    items_raw = raw["items"]
    if not isinstance(items_raw, dict) or not items_raw:
        raise InputError("items must be a non-empty mapping item -> {construct, text, reverse}",
                         file=source, where="items")
    items: dict[str, Item] = {}
    for name, spec in items_raw.items():
        where = f"items.{name}"
        if not isinstance(spec, dict) or "construct" not in spec:
            raise InputError("each item needs a construct", file=source, where=where,
                             fix=f"write `{name}: {{construct: ..., text: ..., reverse: false}}`")
        bad = set(spec) - {"construct", "text", "reverse", "label", "text_zh"}
        if bad:
            k = sorted(bad)[0]
            raise InputError(f"unknown item key {k!r}{close_matches(k, ['construct', 'text', 'reverse', 'text_zh'])}",
                             file=source, where=f"{where}.{k}", fix="use construct, text, reverse and (optionally) text_zh")
        c = str(spec["construct"])
        if constructs and c not in constructs:
            raise InputError(f"construct {c!r} is not listed under constructs{close_matches(c, constructs)}",
                             file=source, where=f"{where}.construct",
                             fix="add it under constructs or correct the code")
        rev = spec.get("reverse", False)
        if not isinstance(rev, bool):
            raise InputError(f"reverse must be true or false, not {rev!r}", file=source, where=f"{where}.reverse")
        items[str(name)] = Item(str(name), c, str(spec.get("text", spec.get("label", name))), rev,
                                str(spec.get("text_zh") or ""))
    if not constructs:
        constructs = {c: {"label": c} for c in dict.fromkeys(i.construct for i in items.values())}
    constructs = {str(k): (v if isinstance(v, dict) else {"label": str(v)}) for k, v in constructs.items()}
    demo = raw.get("demographics") or {}
    if not isinstance(demo, dict):
        raise InputError("demographics must be a mapping column -> {label, categories}", file=source,
                         where="demographics")
    demographics = {}
    for name, spec in demo.items():
        spec = spec if isinstance(spec, dict) else {"label": str(spec)}
        cats = spec.get("categories") or {}
        if not isinstance(cats, dict):
            raise InputError("categories must map codes to labels", file=source,
                             where=f"demographics.{name}.categories", fix="write e.g. {1: \"State-owned\"}")
        allowed = ["label", "categories", "bins", "bin_labels", "label_zh", "categories_zh", "bin_labels_zh"]
        extra = set(spec) - set(allowed)
        if extra:
            k = sorted(extra)[0]
            raise InputError(f"unknown demographic key {k!r}{close_matches(k, allowed)}",
                             file=source, where=f"demographics.{name}.{k}",
                             fix=f"use {', '.join(allowed)}")
        bins = spec.get("bins") or []
        if bins and (cats or not isinstance(bins, list) or not all(isinstance(b, (int, float)) for b in bins)
                     or any(b >= c for b, c in zip(bins, bins[1:]))):
            raise InputError("bins must be an increasing list of numbers (the lower edges of the bands) and "
                             "cannot be combined with categories", file=source, where=f"demographics.{name}.bins",
                             fix="write e.g. bins: [0, 5, 10, 20, 30] (bands 0 to under 5, …, 30 or more)")
        blabels = spec.get("bin_labels") or []
        if blabels and len(blabels) != len(bins):
            raise InputError(f"bin_labels has {len(blabels)} labels for {len(bins)} bands", file=source,
                             where=f"demographics.{name}.bin_labels", fix="give one label per entry of bins")
        cats_zh = spec.get("categories_zh") or {}
        unknown_codes = [k for k in map(_code_key, cats_zh) if k not in {_code_key(c) for c in cats}]
        if not isinstance(cats_zh, dict) or unknown_codes:
            raise InputError(f"categories_zh names codes that categories does not have: {unknown_codes}",
                             file=source, where=f"demographics.{name}.categories_zh",
                             fix="use the same codes as categories")
        blabels_zh = spec.get("bin_labels_zh") or []
        if blabels_zh and len(blabels_zh) != len(bins):
            raise InputError(f"bin_labels_zh has {len(blabels_zh)} labels for {len(bins)} bands", file=source,
                             where=f"demographics.{name}.bin_labels_zh", fix="give one label per entry of bins")
        demographics[str(name)] = {"label": str(spec.get("label", name)),
                                   "categories": {_code_key(k): str(v) for k, v in cats.items()},
                                   "bins": [float(b) for b in bins], "bin_labels": [str(b) for b in blabels],
                                   "label_zh": str(spec.get("label_zh") or ""),
                                   "categories_zh": {_code_key(k): str(v) for k, v in cats_zh.items()},
                                   "bin_labels_zh": [str(b) for b in blabels_zh]}
    labels_zh = scale.get("labels_zh") or {}
    if not isinstance(labels_zh, dict) or any(_code_key(k) not in {_code_key(c) for c in anchors} for k in labels_zh):
        raise InputError("scale labels_zh must use the same answer codes as scale labels", file=source,
                         where="scale.labels_zh", fix='write e.g. labels_zh: {1: "非常不同意", 5: "非常同意"}')
    return Codebook(lo, hi, [float(m) for m in miss], constructs, items, demographics, source, scale_labels,
                    continuous, {float(k): str(v) for k, v in labels_zh.items()})


def _code_key(k) -> str:
    """Category codes as text ('1', not '1.0'), matching the raw cells."""
    try:
        f = float(k)
        return str(int(f)) if f.is_integer() else str(f)
    except (TypeError, ValueError):
        return str(k)


@dataclass(frozen=True)
class Hypothesis:
    id: str
    statement: str
    kind: str
    target: str
    sign: str = "+"
    fix_zero: tuple[str, ...] = ()
    expect: str = "not_significant"
    statement_zh: str = ""          # Chinese statement (optional)


def parse_hypotheses(raw: object, source: str = "hypotheses") -> list[Hypothesis]:
    """Validate the hypotheses list (SPEC Appendix A)."""
    if not isinstance(raw, list) or not raw:
        raise InputError("hypotheses must be a non-empty list", file=source,
                         fix="see config/hypotheses.yaml for the layout")
    out: list[Hypothesis] = []
    seen = set()
    for k, h in enumerate(raw, start=1):
        where = f"entry {k}"
        if not isinstance(h, dict):
            raise InputError("each hypothesis must be a mapping", file=source, where=where)
        for key in ("id", "statement", "kind"):
            if key not in h:
                raise InputError(f"hypothesis has no {key!r}", file=source, where=where,
                                 fix="give id, statement, kind and target (or fix_zero for nested)")
        hid = str(h["id"])
        where = f"hypothesis {hid}"
        if hid in seen:
            raise InputError(f"hypothesis id {hid!r} is used twice", file=source, where=where)
        seen.add(hid)
        kind = str(h["kind"])
        if kind not in HYPOTHESIS_KINDS:
            raise InputError(f"kind {kind!r} is not one of {', '.join(HYPOTHESIS_KINDS)}{close_matches(kind, HYPOTHESIS_KINDS)}",
                             file=source, where=f"{where}.kind")
        allowed = {"id", "statement", "kind", "target", "sign", "fix_zero", "expect", "statement_zh"}
        extra = set(h) - allowed
        if extra:
            e = sorted(extra)[0]
            raise InputError(f"unknown key {e!r}{close_matches(e, allowed)}", file=source, where=f"{where}.{e}")
        sign = str(h.get("sign", "+"))
        if sign not in ("+", "-"):
            raise InputError(f"sign must be '+' or '-', not {sign!r}", file=source, where=f"{where}.sign")
        if kind == "nested":
            fz = h.get("fix_zero")
            if not isinstance(fz, list) or not fz:
                raise InputError("a nested hypothesis needs fix_zero: a list of paths to fix to 0",
                                 file=source, where=f"{where}.fix_zero",
                                 fix='write e.g. fix_zero: ["UPG ~ NSC", "UPG ~ TIE"]')
            expect = str(h.get("expect", "not_significant"))
            if expect not in ("not_significant", "significant"):
                raise InputError(f"expect must be not_significant or significant, not {expect!r}",
                                 file=source, where=f"{where}.expect")
            out.append(Hypothesis(hid, str(h["statement"]), kind, str(h.get("target", "; ".join(fz))), sign,
                                  tuple(str(x) for x in fz), expect, str(h.get("statement_zh") or "")))
        else:
            if "target" not in h:
                raise InputError("hypothesis has no target", file=source, where=where,
                                 fix="give a path 'Y ~ X' (kind path) or a := name (kind indirect)")
            out.append(Hypothesis(hid, str(h["statement"]), kind, str(h["target"]), sign,
                                  statement_zh=str(h.get("statement_zh") or "")))
    return out


@dataclass
class Study:
    """Everything the analysis steps need, loaded and cross-checked."""

    config: dict
    codebook: Codebook
    model: ModelSyntax              # as written
    hypotheses: list[Hypothesis]
    items_dropped: list[dict] = field(default_factory=list)

    @property
    def dropped(self) -> list[str]:
        return [d["item"] for d in self.items_dropped]

    @property
    def analysis_model(self) -> ModelSyntax:
        """The model with purified items removed."""
        return drop_variables(self.model, self.dropped)

    def analysis_items(self) -> list[str]:
        return [i for i in self.codebook.items if i not in set(self.dropped)]

    def second_order(self) -> dict[str, list[str]]:
        """Higher-order factors and the factors they are measured by."""
        m = self.analysis_model
        lat = set(m.latent)
        return {f: m.indicators(f) for f in m.latent if any(i in lat for i in m.indicators(f))}

    def constructs_full(self) -> dict[str, list[str]]:
        """First-order constructs with all their items as written in the model (before purification)."""
        return {f: self.model.indicators(f) for f in self.model.first_order}

    def labels(self) -> dict[str, str]:
        """Display labels: codebook construct labels, else the factor name."""
        return {f: self.codebook.label(f) for f in self.model.latent}

    def constructs_measured(self) -> dict[str, list[str]]:
        """First-order constructs of the (purified) model and their items, in model order."""
        m = self.analysis_model
        return {f: m.indicators(f) for f in m.first_order}


def study_from(*, codebook: str, model: str, hypotheses: str, items_dropped: list[dict]) -> Study:
    """Load a study from the file paths a rule receives as inputs."""
    return load_study({"codebook": codebook, "model": model, "hypotheses": hypotheses,
                       "items_dropped": list(items_dropped or [])})


def load_study(config: dict) -> Study:
    """Load codebook, model and hypotheses named by a (schema-validated) config and cross-check them."""
    cb = parse_codebook(load_yaml(config["codebook"], "codebook"), config["codebook"])
    text = read_text(config["model"], "model").text   # UTF-8, else GB18030
    model = parse_model(text, config["model"])
    hyps = parse_hypotheses(load_yaml(config["hypotheses"], "hypotheses"), config["hypotheses"])
    study = Study(config, cb, model, hyps, list(config.get("items_dropped") or []))
    _cross_check(study)
    return study


def _cross_check(study: Study) -> None:
    cb, model, cfg = study.codebook, study.model, study.config
    src = cfg["model"]
    items = list(cb.items)
    for d in study.items_dropped:
        if d["item"] not in cb.items:
            raise InputError(f"items_dropped names {d['item']!r}, which is not an item of the codebook"
                             f"{close_matches(d['item'], items)}", file="config", where="items_dropped",
                             fix="use an item name from the codebook")
    for v in model.observed:
        if v not in cb.items:
            line = next((t.line for t in model.terms if v in (t.lhs, t.rhs)), 0)
            raise InputError(f"the model names {v!r}, which is neither a latent variable nor an item of the "
                             f"codebook{close_matches(v, items + model.latent)}", file=src, where=f"line {line}",
                             fix=f"correct the name, or add {v} to the codebook ({cfg['codebook']})")
    analysis = study.analysis_model
    for f, ind in study.constructs_measured().items():
        if len(ind) < 2:
            raise InputError(f"construct {f!r} keeps {len(ind)} item(s) after items_dropped; reliability and "
                             f"a measurement model need at least 2", file="config", where="items_dropped",
                             fix=f"keep at least two items of {f}")
    for f in model.latent:
        if not analysis.indicators(f):
            raise InputError(f"factor {f!r} has no indicators left after items_dropped", file="config",
                             where="items_dropped", fix=f"keep at least one indicator of {f}")
    paths = {(t.lhs, t.rhs) for t in model.terms if t.op == "~"}
    defs = {d.name for d in model.definitions}
    hsrc = cfg["hypotheses"]
    import re
    for h in study.hypotheses:
        if h.kind == "path":
            m = re.fullmatch(r"\s*([\w.]+)\s*~\s*([\w.]+)\s*", h.target)
            if not m or (m.group(1), m.group(2)) not in paths:
                have = [f"{a} ~ {b}" for a, b in sorted(paths)]
                raise InputError(f"target {h.target!r} is not a regression path of the model"
                                 f"{close_matches(h.target, have)}", file=hsrc, where=f"hypothesis {h.id}.target",
                                 fix=f"use one of: {', '.join(have)}")
        elif h.kind == "indirect":
            if h.target not in defs:
                raise InputError(f"target {h.target!r} is not a := parameter of the model"
                                 f"{close_matches(h.target, defs)}", file=hsrc, where=f"hypothesis {h.id}.target",
                                 fix=f"define it in {src} (e.g. `{h.target} := a*b`) or use one of: {', '.join(sorted(defs))}")
        else:
            for p in h.fix_zero:
                m = re.fullmatch(r"\s*([\w.]+)\s*~\s*([\w.]+)\s*", p)
                if not m or (m.group(1), m.group(2)) not in paths:
                    raise InputError(f"fix_zero path {p!r} is not a regression path of the model", file=hsrc,
                                     where=f"hypothesis {h.id}.fix_zero",
                                     fix="list paths exactly as written in the model, e.g. 'UPG ~ NSC'")


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def config_hash(config: dict) -> str:
    """SHA-256 of the resolved config (canonical JSON)."""
    return hashlib.sha256(json.dumps(config, sort_keys=True, default=str).encode()).hexdigest()


def schema_errors(config: dict, schema: dict) -> list[str]:
    """Readable schema violations: the dotted key, what is wrong and what is allowed."""
    import jsonschema

    validator = jsonschema.validators.validator_for(schema)(schema)
    msgs = []
    for err in sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path)):
        key = ".".join(str(p) for p in err.absolute_path) or "(top level)"
        sch = err.schema if isinstance(err.schema, dict) else {}
        if err.validator == "additionalProperties":
            allowed = sorted((sch.get("properties") or {}).keys())
            extra = [k for k in err.instance if k not in allowed] if isinstance(err.instance, dict) else []
            for k in extra:
                full = f"{key}.{k}" if key != "(top level)" else k
                msgs.append(f"key {full!r} is not allowed{close_matches(k, allowed)}; allowed keys here: "
                            f"{', '.join(allowed)}")
            continue
        hint = ""
        if "enum" in sch:
            hint = f"; allowed values: {', '.join(map(str, sch['enum']))}"
        elif "type" in sch:
            hint = f"; expected type: {sch['type']}"
        if "minimum" in sch or "maximum" in sch:
            hint += f" (range {sch.get('minimum', sch.get('exclusiveMinimum', '-inf'))} to "
            hint += f"{sch.get('maximum', sch.get('exclusiveMaximum', 'inf'))})"
        msgs.append(f"key {key!r}: {err.message}{hint}")
    return msgs
