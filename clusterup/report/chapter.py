"""The chapter: results files -> Jinja2 context -> HTML -> PDF (WeasyPrint).

Every number the chapter prints is read from a file under ``results/``; this module only
rearranges them into rows and writes the narrative sentences (so a changed data set changes the
text honestly).  Formatting is done in the templates by the filters of
:mod:`clusterup.report.formatting`; templates do no arithmetic.  Tables and figures are numbered
"Table 4-1", "Figure 4-1" in order of appearance (two rendering passes, so text can refer to a
table before or after it).
"""
from __future__ import annotations

import base64
import json
import math
import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from clusterup.report import formatting as fmt
from clusterup.report.criteria import FIT_CRITERIA, OTHER_CRITERIA, REFERENCES, judge_fit

# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------


def _records(df: pd.DataFrame) -> list[dict]:
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in df.to_dict(orient="records")]


MATRIX_COLUMNS = 11     # wider matrices are split into several tables (no clipped columns)
LOADING_COLUMNS = 10


def column_groups(n: int, size: int, what: str = "columns", _=None) -> list[dict]:
    """Split n columns into tables of at most ``size``: [{"cols": [...], "label": "(columns 1–11 of 30)"}]
    (``what``: "columns" or "components"; the label through the translator ``_``)."""
    groups = [list(range(i, min(n, i + size))) for i in range(0, n, size)] or [[]]
    if len(groups) == 1:
        return [{"cols": groups[0], "label": "", "first": 0}]
    _ = _ or (lambda text: text)
    labels = {"columns": _("(columns {first}–{last} of {n})"), "components": _("(components {first}–{last} of {n})")}
    return [{"cols": g, "label": labels[what].format(first=g[0] + 1, last=g[-1] + 1, n=n), "first": g[0]}
            for g in groups]


def load_results(paths: dict[str, str]) -> dict:
    """Read every results file named in ``paths`` (CSV -> DataFrame, JSON -> dict, SVG -> text)."""
    out = {}
    for key, path in paths.items():
        if path.endswith(".csv"):
            out[key] = pd.read_csv(path, keep_default_na=False, na_values=[""],
                                   dtype={"resp_id": str, "label": str, "printed": str, "recomputed": str})
        elif path.endswith(".json"):
            with open(path, encoding="utf-8") as fh:
                out[key] = json.load(fh)
        elif path.endswith(".svg"):
            with open(path, encoding="utf-8") as fh:
                out[key] = fh.read()
    return out


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


# ---------------------------------------------------------------------------------------------
# numbering
# ---------------------------------------------------------------------------------------------
@dataclass
class Numbering:
    """Table/figure numbers "4-1", "4-2" … assigned in order of the captions."""

    chapter: int
    frozen: dict[str, str] = field(default_factory=dict)
    assigned: dict[str, str] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=lambda: {"table": 0, "figure": 0})
    language: str = "en"

    # the label of a table/figure number as each language writes it ("Table 4-1"; Chinese theses: "表4-1")
    LABELS = {"en": {"table": "Table {c}-{n}", "figure": "Figure {c}-{n}", "later": "(see below)"},
              "zh": {"table": "表{c}-{n}", "figure": "图{c}-{n}", "later": "(见下文)"}}

    def caption(self, kind: str, key: str) -> str:
        if key not in self.assigned:
            self.counters[kind] += 1
            self.assigned[key] = self.LABELS[self.language][kind].format(c=self.chapter, n=self.counters[kind])
        return self.assigned[key]

    def ref(self, key: str) -> str:
        return self.frozen.get(key) or self.assigned.get(key) or self.LABELS[self.language]["later"]


def resolve_refs(text: str, numbering: Numbering) -> str:
    """Replace ``{ref:key}`` placeholders in narrative text by table/figure numbers."""
    import re

    return re.sub(r"\{ref:([\w.-]+)\}", lambda m: numbering.ref(m.group(1)), text)


# ---------------------------------------------------------------------------------------------
# tables (rows only; formatting happens in the templates)
# ---------------------------------------------------------------------------------------------
def _group(df: pd.DataFrame, key: str) -> list[dict]:
    return [{"key": k, "rows": _records(g)} for k, g in df.groupby(key, sort=False)]


def build_context(paths: dict[str, str], *, report_cfg: dict, items_dropped: list[dict],
                  likelihood: str, data_path: str, codebook, study, impute: str = "construct_mean",
                  translate=None, language: str = "en") -> dict:
    """Everything the templates show, from the results files.

    ``translate`` is the gettext function of the chapter's language (English when None).  For
    ``language="zh"`` the study's texts (construct labels, items, demographics, categories,
    hypotheses) come from the codebook's ``*_zh`` fields; a missing one falls back to English and is
    listed in ``ctx["fallback"]`` (the report script logs them in one warning)."""
    from clusterup.report.narrative import NULL, narrative
    from clusterup.structural.labels import effect_labels, path_label

    _ = translate or NULL
    r = load_results(paths)
    fallback: list[str] = []

    def zh(english, chinese, what: str):
        if language != "zh":
            return english
        if chinese:
            return chinese
        fallback.append(what)
        return english

    labels = {f: zh(codebook.label(f), codebook.constructs.get(f, {}).get("label_zh"), f"construct {f}")
              for f in study.model.latent}
    # (the configured effect_labels are English display names: the Chinese chapter names effects from label_zh)
    effect_names = effect_labels(study.analysis_model, labels, None if language == "zh" else report_cfg.get("effect_labels"))
    if language != "en":
        from clusterup.report.i18n import localize_effects

        effect_names = localize_effects(effect_names, _)
    hyps = r["hypotheses"]
    ctx: dict = {"lang": language, "fallback": fallback, "cfg": report_cfg, "likelihood": likelihood, "data_path": data_path, "labels": labels,
                 "effect_names": effect_names, "study_sections": report_cfg.get("sections") or {},
                 "has_second_order": bool(study.second_order())}
    if language == "zh" and len(r["purification"]):
        # the dropped items' reasons (config items_dropped[].reason_zh), for the narrative and the table
        reasons_zh = {d["item"]: d.get("reason_zh") for d in items_dropped}
        pur = r["purification"]
        r["purification"] = pur.assign(reason=[zh(x, reasons_zh.get(i), f"items_dropped {i} reason")
                                               for i, x in zip(pur["item"], pur["reason"])])
    ctx["heading"], ctx["subtitle"], ctx["data_note"] = chapter_heading(report_cfg, language, zh)
    sections_zh = report_cfg.get("sections_zh") or {}
    ctx["study_sections"] = {k: zh(v, sections_zh.get(k), f"report.sections.{k}")
                             for k, v in (report_cfg.get("sections") or {}).items() if v}
    ctx["narrative"] = narrative(r, study=study, labels=labels, effect_names=effect_names, hyps=hyps,
                                 impute=impute, _=_)
    ctx["flow"] = r["flow"]
    flow = r["flow"]
    ret = flow["returned"]
    ctx["flow_rows"] = ([{"step": "Returned", "n": ret, "pct_of_returned": 100.0, "excluded": False}]
                        + [{"step": rule.replace("_", " "), "n": k, "pct_of_returned": 100.0 * k / ret, "excluded": True}
                           for rule, k in flow["excluded"].items()]
                        + [{"step": "Valid", "n": flow["valid"], "pct_of_returned": 100.0 * flow["valid"] / ret,
                            "excluded": False}])
    ctx["exclusions"] = _records(r["exclusions"])
    prof = r["profile"].copy()
    if language != "en" and len(prof):
        prof = _profile_zh(prof, codebook, zh, _)
    ctx["profile"] = _group(prof, "label")
    item_text = {i.name: zh(i.text, i.text_zh, f"item {i.name}") for i in codebook.items.values()}
    it = r["item_table"].copy()
    it["text"] = [item_text[i] for i in it["item"]]
    it["construct_label"] = [labels.get(c, c) for c in it["construct"]]
    ctx["item_table"] = _records(it)
    ctx["normality"] = r["normality"]
    rc = r["rel_constructs"]
    ctx["rel_constructs"] = _records(rc)
    ri = r["rel_items"].copy()
    ri["flag"] = ri["flag"].fillna("")
    ctx["rel_items"] = _group(ri, "construct")
    ctx["purification"] = _records(r["purification"])
    items_dropped = [dict(d, reason=zh(d["reason"], d.get("reason_zh"), f"items_dropped {d['item']} reason"))
                     for d in items_dropped] if language == "zh" else items_dropped
    ctx["adequacy"] = r["adequacy"]
    var = r["variance"]
    k = r["adequacy"]["n_components_retained"]
    var = var.assign(parallel=r["parallel"]["random_percentile"].to_numpy()[: len(var)])
    ctx["variance"] = _records(var.head(max(k + 2, min(len(var), 10))))
    ld = r["loadings"]
    comp = [c for c in ld.columns if c.startswith("RC")]
    ld = ld.assign(_order=ld["primary_component"].map({c: i for i, c in enumerate(comp)}))
    ld = ld.sort_values(["_order", "primary_loading"], ascending=[True, False], kind="stable")
    ctx["loadings"] = _records(ld.drop(columns="_order"))
    ctx["components"] = comp
    ctx["component_groups"] = [{"names": [comp[i] for i in g["cols"]], "label": g["label"]}
                               for g in column_groups(len(comp), LOADING_COLUMNS, "components", _)]
    ctx["harman"] = r["harman"]
    ctx["cfa_fit"] = r["cfa_fit"]
    # the independent semopy fit of the CFA and the SEM (rule solver_check), shown under each fit table
    ctx["solver_check"] = r["solver_check"]
    ctx["cfa_fit_rows"] = judge_fit(r["cfa_fit"])
    ce = r["cfa_estimates"]
    lam = ce[ce["op"] == "=~"].copy()
    val = r["validity"].set_index("construct")
    from clusterup.measurement.alternatives import item_smc
    smc = {(r.construct, r.item): r.smc for r in item_smc(ce).itertuples()}
    lam["smc"] = [smc.get((a, b), float("nan")) for a, b in zip(lam["lhs"], lam["rhs"])]
    ctx["cfa_smc_low"] = list(dict.fromkeys(b for (a, b), v in smc.items() if v < 0.30))
    ctx["cfa_loadings"] = [{"key": f, "label": labels.get(f, f), "rows": _records(g),
                            "cr": val.at[f, "cr"], "ave": val.at[f, "ave"]} for f, g in lam.groupby("lhs", sort=False)]
    ctx["validity"] = _records(r["validity"])
    for key in ("fornell_larcker", "htmt"):
        df = r[key]
        names = list(df["construct"])
        ctx[key] = {"names": names, "groups": column_groups(len(names), MATRIX_COLUMNS, _=_),
                    "rows": [{"construct": c, "values": [df.at[i, n] for n in names]} for i, c in enumerate(names)]}
    cor = r["correlations"]
    cnames = list(cor["construct"])
    ctx["correlations"] = {"names": cnames, "groups": column_groups(len(cnames), MATRIX_COLUMNS, _=_), "rows": [
        {"construct": row["construct"], "label": row["label"], "level": row["level"], "mean": row["mean"],
         "sd": row["sd"], "r": [row[f"r_{c}"] for c in cnames], "p": [row[f"p_{c}"] for c in cnames]}
        for row in _records(cor)]}
    ctx["sem_fit"] = r["sem_fit"]
    ctx["sem_fit_rows"] = judge_fit(r["sem_fit"])
    se = r["sem_estimates"]
    ctx["regressions"] = _records(se[se["op"] == "~"])
    ctx["second_order_loadings"] = _records(se[(se["op"] == "=~") & se["rhs"].isin(study.analysis_model.latent)])
    ctx["defined"] = _records(se[se["op"] == ":="])
    ctx["r2"] = _records(r["r2"][r["r2"]["kind"] == "latent"])
    ctx["sem_effects"] = _records(r["sem_effects"])
    mi = r["sem_modindices"]
    ctx["sem_modindices"] = _records(mi[mi["mi"] >= 4].head(10))
    ctx["n_mi_over_4"] = int((mi["mi"] >= 4).sum())
    eff = r["effects"]
    ctx["indirect"] = [dict(row, name=effect_names.get(row["effect"], row["effect"]))
                       for row in _records(eff[eff["kind"] == "defined"])]
    ctx["boot_paths"] = _records(eff[eff["kind"] == "path"])
    ctx["bootstrap"] = r["bootstrap_summary"]
    ctx["ci_pct"] = 100.0 * r["bootstrap_summary"]["ci_level"]
    ctx["nested"] = r["nested"]
    hyp_rows = _records(hyps)
    statements_zh = {h.id: h.statement_zh for h in study.hypotheses} if language == "zh" else {}
    for h in hyp_rows:
        if language == "zh":
            h["statement"] = zh(h["statement"], statements_zh.get(h["id"]), f"hypothesis {h['id']}")
        if h["kind"] == "indirect":
            h["test"] = effect_names.get(h["target"], h["target"])
        elif h["kind"] == "path":
            lhs, rhs = (x.strip() for x in h["target"].split("~"))
            h["test"] = path_label(lhs, rhs)
        else:
            h["test"] = "; ".join(path_label(*(x.strip() for x in t.split("~"))) + " = 0"
                                  for t in h["target"].split(";"))
    ctx["hypotheses"] = hyp_rows
    ctx["codebook_items"] = [{"item": i.name, "construct": i.construct, "label": labels.get(i.construct, i.construct),
                              "text": item_text[i.name], "reverse": i.reverse,
                              "dropped": i.name in {d["item"] for d in items_dropped}}
                             for i in codebook.items.values()]
    ctx["constructs"] = codebook.constructs
    ctx["criteria_fit"] = list(FIT_CRITERIA.values())
    ctx["criteria_other"] = list(OTHER_CRITERIA.values())
    ctx["references"] = REFERENCES
    prov = r["provenance"]
    ctx["provenance"] = prov
    # machine facts (platform, CPUs, Python patch level) stay in provenance.json: the chapter must be
    # byte-identical on another computer with the same lock file
    ctx["python_series"] = ".".join(str(prov.get("python", "")).split(".")[:2])
    ctx["figures"] = {k: svg_data_uri(r[k]) for k in ("cfa_diagram", "sem_diagram", "item_plot", "heatmap",
                                                                 "bootstrap_plot")}
    ctx["warnings"] = collect_warnings(r, _)
    ctx["items_dropped"] = items_dropped
    ctx["model_text"] = r["sem_fit"].get("model", "")
    ctx["cfa_model_text"] = r["cfa_fit"].get("model", "")
    from clusterup.report.sections import build_sections

    ctx["sections"], ctx["extra_sections"] = build_sections(r, study, labels, first_number=9)
    if language == "zh" and "group_differences" in ctx["sections"]:
        _group_differences_zh(ctx["sections"]["group_differences"], codebook, zh)
    return ctx


CN_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 -> 一, 4 -> 四, 10 -> 十, 12 -> 十二, 21 -> 二十一 (chapter numbers as Chinese theses write them)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")
    return str(n)


def chapter_heading(cfg: dict, language: str, zh) -> tuple[str, str, str]:
    """(h1, subtitle, data note).  English: the configured title and author.  Chinese: 第四章 实证分析
    as Chinese theses head the chapter, the configured title_zh/author_zh as the subtitle, and
    data_note_zh (falling back to the English note)."""
    if language != "zh":
        return cfg.get("title", ""), cfg.get("author", ""), cfg.get("data_note", "")
    heading = f"第{cn_numeral(int(cfg.get('chapter_number', 4)))}章 实证分析"
    subtitle = " · ".join(x for x in (cfg.get("title_zh"), cfg.get("author_zh")) if x)
    note = zh(cfg.get("data_note", ""), cfg.get("data_note_zh"), "report.data_note")
    return heading, subtitle, note


def _demographic_zh(codebook, var: str, zh) -> tuple[str, dict[str, str]]:
    """A demographic's Chinese label and its category (and age-band) names: English -> Chinese."""
    spec = codebook.demographics[var]
    label = zh(spec["label"], spec.get("label_zh"), f"demographic {var}")
    names = {}
    for code, name in spec.get("categories", {}).items():
        names[name] = zh(name, spec.get("categories_zh", {}).get(code), f"category {var}={code}")
    for k, name in enumerate(spec.get("bin_labels") or []):
        bz = spec.get("bin_labels_zh") or []
        names[name] = zh(name, bz[k] if k < len(bz) else "", f"band {var}: {name}")
    return label, names


def _profile_zh(prof: pd.DataFrame, codebook, zh, _) -> pd.DataFrame:
    """The sample profile with the codebook's Chinese demographic labels and category names."""
    out = prof.copy()
    for var in codebook.demographics:
        rows = out["variable"] == var
        if not rows.any():
            continue
        label, names = _demographic_zh(codebook, var, zh)
        out.loc[rows, "label"] = label
        out.loc[rows, "category"] = [names[c] if c in names else _(c) for c in out.loc[rows, "category"]]
    return out


def _group_differences_zh(section: dict, codebook, zh) -> None:
    """The group-difference rows with the codebook's Chinese characteristic and group names."""
    for r in section["rows"]:
        if r["demographic"] not in codebook.demographics:
            continue
        label, names = _demographic_zh(codebook, r["demographic"], zh)
        r["demographic_label"] = label
        r["high"], r["low"] = names.get(r["high"], r["high"]), names.get(r["low"], r["low"])
        r["tukey_pairs"] = [f"{names.get(a, a)} vs {names.get(b, b)}" for a, b in r["tukey_levels"]]


def collect_warnings(r: dict, _=None) -> dict[str, list[str]]:
    """Warnings shown where they matter: estimation problems, failed draws, normality flags
    (sentences through the translator ``_``; the estimation's own messages stay as written)."""
    from clusterup.report.narrative import NULL

    _ = _ or NULL
    w = {"cfa": list(r["cfa_fit"].get("warnings", [])), "sem": list(r["sem_fit"].get("warnings", [])),
         "bootstrap": [], "data": []}
    if not r["cfa_fit"].get("converged", True):
        w["cfa"].append(_("the CFA did not converge"))
    if not r["sem_fit"].get("converged", True):
        w["sem"].append(_("the structural model did not converge"))
    bs = r["bootstrap_summary"]
    if bs["n_failed"]:
        w["bootstrap"].append(_("{failed} of {attempts} bootstrap resamples failed and were replaced: {reasons}").format(
            failed=bs["n_failed"], attempts=bs["attempts"],
            reasons="; ".join(f"{v}× {_(k)}" for k, v in bs["failure_reasons"].items())))
    if not bs.get("admissibility_screened", True):
        w["bootstrap"].append(_("the full-sample solution is a Heywood case ({cases}), so resamples were accepted "
                                "whenever they converged, including those with negative variances (as lavaan's "
                                "bootstrap does); intervals that involve these variables should not be interpreted "
                                "until the model is respecified").format(
            cases=", ".join(f"{h['variable']} = {h['variance']:.3f}" for h in bs.get("heywood", []))))
    for hid, comp in r["nested"].get("comparisons", {}).items():
        for msg in comp["restricted_fit"].get("warnings", []):
            w["sem"].append(_("restricted model of {id}: {message}").format(id=hid, message=msg))
    if r["normality"]["univariate"]["n_flagged"]:
        w["data"].append(_("items beyond the univariate normality limits: {items}").format(
            items=", ".join(r["normality"]["univariate"]["flagged_items"])))
    return w


# ---------------------------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------------------------
def render_html(template_dir: str, context: dict, template: str = "chapter.html.j2",
                chapter: int = 4, language: str = "en", translate=None) -> str:
    """Render with StrictUndefined, twice, so table/figure references resolve in both directions."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(template_dir), undefined=jinja2.StrictUndefined,
                             autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True,
                             lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    # every sentence of a template goes through the message catalog: {% trans %}…{% endtrans %} or
    # _("… %(name)s …", name=value) (new-style gettext); English is the identity translation
    # (English is the identity translation; other languages from clusterup/report/locale, see i18n.py)
    gt = translate
    if language == "en" and translate is None:
        env.install_null_translations(newstyle=True)
    else:
        from clusterup.report.i18n import translations

        tr = translations(language)
        gt = translate or tr.gettext
        env.install_gettext_callables(gt, lambda s, p, n: tr.ngettext(s, p, n), newstyle=True)
    env.filters.update(fmt.FILTERS)
    # `value | t`: a word that comes from a results file or a registry (verdicts, index labels,
    # section titles) translated as plain text (escaped, no %-formatting); msgids in i18n.DYNAMIC
    env.filters["t"] = (lambda v: v) if gt is None else (lambda v: gt(v) if isinstance(v, str) and v else v)
    from clusterup.report.i18n import close_cjk_spacing, join_list

    # `items | join_list`: clauses joined as the language writes a list ("a, b" / "a，b")
    env.filters["join_list"] = lambda items: join_list(items, language)
    # `text | lcfirst`: a sentence used inside another one (no effect on Chinese)
    env.filters["lcfirst"] = lambda s: s[:1].lower() + s[1:]
    # the globals call through a holder, so templates imported without context (which Jinja caches
    # across renders) number with the current pass too
    current: list[Numbering] = []
    env.globals.update(caption=lambda kind, key: current[-1].caption(kind, key),
                       ref=lambda key: current[-1].ref(key),
                       refs=lambda t: resolve_refs(t, current[-1]))
    first = Numbering(chapter, language=language)
    current.append(first)
    env.get_template(template).render(**context)
    second = Numbering(chapter, frozen=dict(first.assigned), language=language)
    current.append(second)
    html = env.get_template(template).render(**context)
    if second.assigned != first.assigned:
        raise RuntimeError("table/figure numbering differs between rendering passes")
    # one place for the spacing of joined Chinese sentences (no space after 。，：, none between the
    # Han characters of a template's line break); English is returned unchanged
    return close_cjk_spacing(html, language)


def write_pdf(html: str, base_url: str, path: str) -> int:
    """Render HTML to PDF with WeasyPrint; returns the number of pages."""
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from weasyprint import HTML

    import re

    from clusterup.report.glyphs import check_glyphs, css_families, visible_text

    css = "\n".join(re.findall(r"<style>(.*?)</style>", html, flags=re.S))
    check_glyphs(visible_text(html), css_families(css))      # no character may print as an empty box
    doc = HTML(string=html, base_url=base_url).render()
    tmp = path + ".tmp"
    doc.write_pdf(tmp)
    os.replace(tmp, path)
    return len(doc.pages)
