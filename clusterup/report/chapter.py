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


def column_groups(n: int, size: int, what: str = "columns") -> list[dict]:
    """Split n columns into tables of at most ``size``: [{"cols": [...], "label": "columns 1–11 of 30"}]."""
    groups = [list(range(i, min(n, i + size))) for i in range(0, n, size)] or [[]]
    if len(groups) == 1:
        return [{"cols": groups[0], "label": "", "first": 0}]
    return [{"cols": g, "label": f"({what} {g[0] + 1}–{g[-1] + 1} of {n})", "first": g[0]} for g in groups]


def load_results(paths: dict[str, str]) -> dict:
    """Read every results file named in ``paths`` (CSV -> DataFrame, JSON -> dict, SVG -> text)."""
    out = {}
    for key, path in paths.items():
        if path.endswith(".csv"):
            out[key] = pd.read_csv(path, keep_default_na=False, na_values=[""],
                                   dtype={"resp_id": str, "label": str})
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

    def caption(self, kind: str, key: str) -> str:
        if key not in self.assigned:
            self.counters[kind] += 1
            self.assigned[key] = f"{'Table' if kind == 'table' else 'Figure'} {self.chapter}-{self.counters[kind]}"
        return self.assigned[key]

    def ref(self, key: str) -> str:
        return self.frozen.get(key) or self.assigned.get(key) or "(see below)"


def resolve_refs(text: str, numbering: Numbering) -> str:
    """Replace ``{ref:key}`` placeholders in narrative text by table/figure numbers."""
    import re

    return re.sub(r"\{ref:([\w.-]+)\}", lambda m: numbering.ref(m.group(1)), text)


# ---------------------------------------------------------------------------------------------
# narrative
# ---------------------------------------------------------------------------------------------
def _range_text(values: pd.Series, names: pd.Series, f=fmt.apa, d=2) -> str:
    i, j = int(np.argmin(values.to_numpy())), int(np.argmax(values.to_numpy()))
    return f"{f(values.iloc[i], d)} ({names.iloc[i]}) to {f(values.iloc[j], d)} ({names.iloc[j]})"


def _fit_sentence(block: dict) -> str:
    return (f"χ²({block['df']}) = {fmt.num(block['chi2'], 2)}, {fmt.p_eq(block['p'])}, "
            f"χ²/df = {fmt.num(block['chi2_df'], 2)}, CFI = {fmt.apa(block['cfi'], 3)}, "
            f"TLI = {fmt.apa(block['tli'], 3)}, RMSEA = {fmt.apa(block['rmsea'], 3)} "
            f"90% CI {fmt.ci(block['rmsea_lo90'], block['rmsea_hi90'], 3, bounded=True)}, "
            f"SRMR = {fmt.apa(block['srmr'], 3)}")


def _fit_judgement(rows: list[dict]) -> str:
    core = [r for r in rows if r["key"] in ("chi2_df", "cfi", "tli", "rmsea", "srmr")]
    failed_core = [r["label"] for r in core if r["verdict"] == "not met"]
    others = [r["label"] for r in rows if r["verdict"] == "not met" and r["key"] not in
              ("chi2_df", "cfi", "tli", "rmsea", "srmr")]
    if not failed_core:
        s = "All core indices (χ²/df, CFI, TLI, RMSEA, SRMR) meet their cut-offs"
    else:
        s = f"Core indices not meeting their cut-offs: {', '.join(failed_core)}"
    if others:
        s += (f"; {', '.join(others)} fall short of the conventional thresholds, as is common for "
              "absolute and parsimony-adjusted indices with many indicators and a moderate sample")
    return s + "."


def narrative(r: dict, labels: dict[str, str], hyps: pd.DataFrame) -> dict[str, str]:
    """Sentences generated from the results (no number is typed by hand)."""
    n = {}
    flow = r["flow"]
    ex = flow["excluded"]
    rules_text = {"out_of_range": "with out-of-range codes", "excess_missing": "with more than the allowed share of items unanswered",
                  "straightlining": "straight-lined (one answer to every item)", "duplicate": "duplicating an earlier questionnaire",
                  "incomplete": "incomplete after imputation"}
    parts = [f"{k} {rules_text.get(rule, rule)}" for rule, k in ex.items() if k]
    excl_total = sum(ex.values())
    dist = flow.get("distributed")
    s = ""
    if dist:
        s = (f"Of the {dist} questionnaires distributed, {flow['returned']} were returned "
             f"(response rate {fmt.pct(100 * flow['returned'] / dist)}). ")
    else:
        s = f"{flow['returned']} questionnaires were returned. "
    s += (f"Screening excluded {excl_total} of them ({'; '.join(parts) if parts else 'none'}), leaving "
          f"{flow['valid']} valid questionnaires ({fmt.pct(100 * flow['valid'] / flow['returned'])} of those returned"
          + (f", {fmt.pct(100 * flow['valid'] / dist)} of those distributed" if dist else "") + "). "
          f"{flow['imputed_cells']} isolated unanswered items in valid questionnaires were filled with the "
          "respondent's mean of the other items of the same construct.")
    n["sample"] = s
    norm = r["normality"]
    u, m = norm["univariate"], norm["mardia"]
    n["normality"] = (
        (f"All {len(norm['items'])} analysed items lie within |skewness| < {u['skew_limit']:g} and |kurtosis| < "
         f"{u['kurtosis_limit']:g} " if u["all_within_limits"] else
         f"{u['n_flagged']} item(s) exceed |skewness| {u['skew_limit']:g} or |kurtosis| {u['kurtosis_limit']:g} "
         f"({', '.join(u['flagged_items'])}) ")
        + f"(largest |skewness| {fmt.num(u['max_abs_skew'], 2)}, largest |kurtosis| {fmt.num(u['max_abs_kurtosis'], 2)}). "
        f"Mardia's multivariate kurtosis is {fmt.num(m['kurtosis_excess'], 2)} with a critical ratio of "
        f"{fmt.num(m['kurtosis_cr'], 2)}, "
        + ("below the value of 5 beyond which Bentler (2005) considers the data non-normal; maximum likelihood "
           "estimation is therefore appropriate, with bootstrap intervals for the indirect effects as a safeguard."
           if abs(m["kurtosis_cr"]) <= 5 else
           "above the value of 5 suggested by Bentler (2005): the data depart from multivariate normality, so "
           "the bootstrap intervals, which do not assume normality, carry the inference on the indirect effects."))
    rel = r["rel_constructs"]
    low = rel[rel["alpha"] < 0.70]
    n["reliability"] = (
        f"Cronbach's α ranges from {_range_text(rel['alpha'], rel['construct'])}"
        + (", all above .70" if not len(low) else f"; {', '.join(low['construct'])} fall(s) below .70")
        + f"; McDonald's ω ranges from {_range_text(rel['omega'].fillna(np.nan), rel['construct'])}.")
    pur = r["purification"]
    pur_s = []
    for p in pur.itertuples():
        pur_s.append(f"{p.item} ({p.construct}) was removed: its corrected item-total correlation is "
                     f"{fmt.apa(p.citc_before, 2)} and the scale's α changes from {fmt.apa(p.alpha_before, 3)} with "
                     f"{p.n_items_before} items to {fmt.apa(p.alpha_after, 3)} without it (reason recorded in the "
                     f"configuration: “{p.reason}”).")
    items = r["rel_items"]
    kept = items[items["flag"] != "dropped"]
    flagged = kept[kept["flag"].fillna("") != ""]
    n["purification"] = " ".join(pur_s) if pur_s else "No item was removed."
    n["item_flags"] = (
        "After purification every retained item has a corrected item-total correlation of at least .40 and no "
        "scale would gain reliability by deleting an item." if not len(flagged) else
        "After purification " + "; ".join(
            f"{f.item} is flagged ({f.flag.replace('_', ' ').replace(';', ', ')}: CITC {fmt.apa(f.citc, 2)}, "
            f"α if deleted {fmt.apa(f.alpha_if_deleted, 3)})" for f in flagged.itertuples())
        + "; these differences are small and the items were kept for content validity.")
    ad = r["adequacy"]
    h = r["harman"]
    n["efa"] = (
        f"The KMO measure of sampling adequacy is {fmt.apa(ad['kmo'], 3)} ({ad['kmo_verdict']} in Kaiser's terms) and "
        f"Bartlett's test of sphericity is significant (χ²({ad['bartlett_df']}) = {fmt.num(ad['bartlett_chi2'], 2)}, "
        f"{fmt.p_eq(ad['bartlett_p'])}), so the correlations are suitable for factor analysis. Principal components "
        f"with eigenvalue above 1 number {ad['n_components_kaiser']} (parallel analysis with "
        f"{ad['parallel_iterations']} random data sets retains {ad['n_components_parallel']}); the "
        f"{ad['n_components_retained']} varimax-rotated components explain {fmt.pct(ad['rotated_cum_pct'])} of the "
        f"variance ({'{ref:efa_variance}'}). {ad['items_on_own_component']} of the {ad['n_items']} items load "
        f"highest on the component shared with the other items of their construct; the largest cross-loading is "
        f"{fmt.apa(ad['max_cross_loading'], 2)} ({'{ref:efa_loadings}'}).")
    n["harman"] = (
        f"In Harman's single-factor test the first unrotated component accounts for {fmt.pct(h['first_factor_pct'])} of "
        f"the variance, {'below' if not h['single_factor_dominates'] else 'above'} the 50% that would indicate a "
        "dominant common-method factor. The test is known to be insensitive (Podsakoff et al. 2003): it detects "
        "only severe common-method bias, so passing it is weak evidence.")
    cfa = r["cfa_fit"]
    cfa_rows = judge_fit(cfa)
    n["cfa_fit"] = (f"The first-order measurement model (all factors correlated) gives {_fit_sentence(cfa)} "
                    f"({'{ref:cfa_fit}'}). " + _fit_judgement(cfa_rows))
    val = r["validity"]
    low_ave = val[val["ave"] < 0.5]
    low_cr = val[val["cr"] < 0.7]
    est = r["cfa_estimates"]
    lam = est[est["op"] == "=~"]["std_all"]
    n["convergent"] = (
        f"Standardized loadings range from {fmt.apa(lam.min(), 2)} to {fmt.apa(lam.max(), 2)}, all significant at "
        f"p < .001. Composite reliability ranges from {_range_text(val['cr'], val['construct'])}"
        + (" (all above .70)" if not len(low_cr) else f"; below .70: {', '.join(low_cr['construct'])}")
        + f". AVE ranges from {_range_text(val['ave'], val['construct'])}"
        + ("; every construct reaches .50, supporting convergent validity." if not len(low_ave) else
           f"; {', '.join(low_ave['construct'])} fall(s) short of .50, so convergent validity is only partly "
           "supported for these constructs (their CR above .60–.70 is usually taken as acceptable in that case; "
           "Fornell & Larcker 1981)."))
    fl_fail = val[~val["discriminant_ok"].astype(bool)]
    ht = r["htmt"]
    names = list(ht["construct"])
    M = ht[names].to_numpy(dtype=float)
    iu = np.triu_indices(len(names), 1)
    hmax = float(M[iu].max()) if len(names) > 1 else float("nan")
    a, b = (names[iu[0][int(M[iu].argmax())]], names[iu[1][int(M[iu].argmax())]]) if len(names) > 1 else ("", "")
    n["discriminant"] = (
        ("The square root of every construct's AVE exceeds its correlations with the other constructs "
         "(Fornell–Larcker criterion, {ref:fornell_larcker})" if not len(fl_fail) else
         f"The Fornell–Larcker criterion ({'{ref:fornell_larcker}'}) is not met for {', '.join(fl_fail['construct'])}: "
         "their √AVE is below their largest latent correlation")
        + f". The largest HTMT ratio is {fmt.apa(hmax, 2)} ({a}–{b}, {'{ref:htmt}'}), "
        + ("below the .85 threshold of Henseler et al. (2015), which supports discriminant validity."
           if hmax < 0.85 else ("below the liberal .90 threshold but above .85" if hmax < 0.9 else
                                "above the .90 threshold: the constructs may not be empirically distinct")
           + "."))
    sem = r["sem_fit"]
    sem_rows = judge_fit(sem)
    n["sem_fit"] = f"The structural model gives {_fit_sentence(sem)} ({'{ref:sem_fit}'}). " + _fit_judgement(sem_rows)
    r2 = r["r2"]
    lat_r2 = r2[r2["kind"] == "latent"]
    n["r2"] = ("The model explains " + ", ".join(
        f"{fmt.pct(100 * x.r2, 1)} of the variance of {labels.get(x.variable, x.variable)} ({x.variable})"
        for x in lat_r2.itertuples()) + ".") if len(lat_r2) else ""
    hyp_sent = []
    for hrow in hyps.itertuples():
        if hrow.kind == "path":
            hyp_sent.append(f"{hrow.id} is {hrow.verdict} (β = {fmt.apa(hrow.std_estimate, 2)}, "
                            f"B = {fmt.num(hrow.estimate, 3)}, {fmt.p_eq(hrow.p)}).")
        elif hrow.kind == "indirect":
            excl = "excludes" if (hrow.ci_lo > 0 or hrow.ci_hi < 0) else "includes"
            hyp_sent.append(f"{hrow.id} is {hrow.verdict}: the indirect effect {hrow.target} is "
                            f"{fmt.num(hrow.estimate, 3)} (standardized {fmt.apa(hrow.std_estimate, 3)}), and its "
                            f"bias-corrected {fmt.pct(100 * r['bootstrap_summary']['ci_level'], 0)} CI "
                            f"{fmt.ci(hrow.ci_lo, hrow.ci_hi, 3)} {excl} zero.")
        else:
            hyp_sent.append(f"{hrow.id} is {hrow.verdict}: fixing {hrow.target} to zero changes χ² by "
                            f"Δχ²({int(hrow.df)}) = {fmt.num(hrow.estimate, 2)}, {fmt.p_eq(hrow.p)}.")
    n["hypotheses"] = " ".join(hyp_sent)
    nested = r["nested"]
    if nested.get("chi2_diff") is not None:
        sig = nested["p"] < 0.05
        n["nested"] = (
            f"Constraining the direct paths to zero {'significantly worsens' if sig else 'does not significantly worsen'} "
            f"the fit (Δχ²({nested['df_diff']}) = {fmt.num(nested['chi2_diff'], 2)}, {fmt.p_eq(nested['p'])}): "
            + ("the direct effects are needed, i.e. innovative behavior mediates only partly."
               if sig else "the more parsimonious full-mediation model is retained, i.e. network structure acts on "
                           "upgrading through innovative behavior."))
    else:
        n["nested"] = "No nested-model hypothesis was specified."
    bs = r["bootstrap_summary"]
    n["bootstrap"] = (
        f"Indirect effects were tested with {bs['n_ok']:,} nonparametric bootstrap resamples "
        f"(seed {bs['seed']}); {bs['n_failed']} resample(s) that did not yield an admissible solution were "
        "replaced by further draws"
        + (f" ({'; '.join(f'{v} {k}' for k, v in bs['failure_reasons'].items())})" if bs["n_failed"] else "")
        + ". Bias-corrected and percentile intervals are reported, as AMOS does.")
    sup = hyps[hyps["verdict"] == "supported"]["id"].tolist()
    nsup = hyps[hyps["verdict"] != "supported"]["id"].tolist()
    n["summary"] = (f"Of the {len(hyps)} hypotheses, {len(sup)} are supported ({', '.join(sup) or 'none'}) and "
                    f"{len(nsup)} are not ({', '.join(nsup) or 'none'}).")
    return n


# ---------------------------------------------------------------------------------------------
# tables (rows only; formatting happens in the templates)
# ---------------------------------------------------------------------------------------------
def _group(df: pd.DataFrame, key: str) -> list[dict]:
    return [{"key": k, "rows": _records(g)} for k, g in df.groupby(key, sort=False)]


def build_context(paths: dict[str, str], *, report_cfg: dict, items_dropped: list[dict],
                  likelihood: str, data_path: str, codebook, study) -> dict:
    """Everything the templates show, from the results files."""
    r = load_results(paths)
    labels = study.labels()
    hyps = r["hypotheses"]
    ctx: dict = {"cfg": report_cfg, "likelihood": likelihood, "data_path": data_path, "labels": labels}
    ctx["narrative"] = narrative(r, labels, hyps)
    ctx["flow"] = r["flow"]
    flow = r["flow"]
    ret = flow["returned"]
    ctx["flow_rows"] = ([{"step": "Returned", "n": ret, "pct_of_returned": 100.0, "excluded": False}]
                        + [{"step": rule.replace("_", " "), "n": k, "pct_of_returned": 100.0 * k / ret, "excluded": True}
                           for rule, k in flow["excluded"].items()]
                        + [{"step": "Valid", "n": flow["valid"], "pct_of_returned": 100.0 * flow["valid"] / ret,
                            "excluded": False}])
    ctx["exclusions"] = _records(r["exclusions"])
    ctx["profile"] = _group(r["profile"], "label")
    it = r["item_table"].copy()
    it["text"] = [codebook.items[i].text for i in it["item"]]
    it["construct_label"] = [labels.get(c, c) for c in it["construct"]]
    ctx["item_table"] = _records(it)
    ctx["normality"] = r["normality"]
    rc = r["rel_constructs"]
    ctx["rel_constructs"] = _records(rc)
    ri = r["rel_items"].copy()
    ri["flag"] = ri["flag"].fillna("")
    ctx["rel_items"] = _group(ri, "construct")
    ctx["purification"] = _records(r["purification"])
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
                               for g in column_groups(len(comp), LOADING_COLUMNS, "components")]
    ctx["harman"] = r["harman"]
    ctx["cfa_fit"] = r["cfa_fit"]
    ctx["cfa_fit_rows"] = judge_fit(r["cfa_fit"])
    ce = r["cfa_estimates"]
    lam = ce[ce["op"] == "=~"].copy()
    val = r["validity"].set_index("construct")
    ctx["cfa_loadings"] = [{"key": f, "label": labels.get(f, f), "rows": _records(g),
                            "cr": val.at[f, "cr"], "ave": val.at[f, "ave"]} for f, g in lam.groupby("lhs", sort=False)]
    ctx["validity"] = _records(r["validity"])
    for key in ("fornell_larcker", "htmt"):
        df = r[key]
        names = list(df["construct"])
        ctx[key] = {"names": names, "groups": column_groups(len(names), MATRIX_COLUMNS),
                    "rows": [{"construct": c, "values": [df.at[i, n] for n in names]} for i, c in enumerate(names)]}
    cor = r["correlations"]
    cnames = list(cor["construct"])
    ctx["correlations"] = {"names": cnames, "groups": column_groups(len(cnames), MATRIX_COLUMNS), "rows": [
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
    ctx["indirect"] = _records(eff[eff["kind"] == "defined"])
    ctx["boot_paths"] = _records(eff[eff["kind"] == "path"])
    ctx["bootstrap"] = r["bootstrap_summary"]
    ctx["ci_pct"] = 100.0 * r["bootstrap_summary"]["ci_level"]
    ctx["nested"] = r["nested"]
    ctx["hypotheses"] = _records(hyps)
    ctx["codebook_items"] = [{"item": i.name, "construct": i.construct, "label": labels.get(i.construct, i.construct),
                              "text": i.text, "reverse": i.reverse,
                              "dropped": i.name in {d["item"] for d in items_dropped}}
                             for i in codebook.items.values()]
    ctx["constructs"] = codebook.constructs
    ctx["criteria_fit"] = list(FIT_CRITERIA.values())
    ctx["criteria_other"] = list(OTHER_CRITERIA.values())
    ctx["references"] = REFERENCES
    prov = r["provenance"]
    ctx["provenance"] = prov
    ctx["figures"] = {k: svg_data_uri(r[k]) for k in ("cfa_diagram", "sem_diagram", "item_plot", "heatmap",
                                                                 "bootstrap_plot")}
    ctx["warnings"] = collect_warnings(r)
    ctx["items_dropped"] = items_dropped
    ctx["model_text"] = r["sem_fit"].get("model", "")
    ctx["cfa_model_text"] = r["cfa_fit"].get("model", "")
    from clusterup.report.sections import build_sections

    ctx["sections"], ctx["extra_sections"] = build_sections(r, study, labels, first_number=9)
    return ctx


def collect_warnings(r: dict) -> dict[str, list[str]]:
    """Warnings shown where they matter: estimation problems, failed draws, normality flags."""
    w = {"cfa": list(r["cfa_fit"].get("warnings", [])), "sem": list(r["sem_fit"].get("warnings", [])),
         "bootstrap": [], "data": []}
    if not r["cfa_fit"].get("converged", True):
        w["cfa"].append("the CFA did not converge")
    if not r["sem_fit"].get("converged", True):
        w["sem"].append("the structural model did not converge")
    bs = r["bootstrap_summary"]
    if bs["n_failed"]:
        w["bootstrap"].append(f"{bs['n_failed']} of {bs['attempts']} bootstrap resamples failed and were replaced: "
                              + "; ".join(f"{v}× {k}" for k, v in bs["failure_reasons"].items()))
    for hid, comp in r["nested"].get("comparisons", {}).items():
        for msg in comp["restricted_fit"].get("warnings", []):
            w["sem"].append(f"restricted model of {hid}: {msg}")
    if r["normality"]["univariate"]["n_flagged"]:
        w["data"].append("items beyond the univariate normality limits: "
                         + ", ".join(r["normality"]["univariate"]["flagged_items"]))
    return w


# ---------------------------------------------------------------------------------------------
# rendering
# ---------------------------------------------------------------------------------------------
def render_html(template_dir: str, context: dict, template: str = "chapter.html.j2",
                chapter: int = 4) -> str:
    """Render with StrictUndefined, twice, so table/figure references resolve in both directions."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(template_dir), undefined=jinja2.StrictUndefined,
                             autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True,
                             lstrip_blocks=True)
    env.filters.update(fmt.FILTERS)
    first = Numbering(chapter)
    env.globals.update(caption=first.caption, ref=first.ref,
                       refs=lambda t: resolve_refs(t, first))
    env.get_template(template).render(**context)
    second = Numbering(chapter, frozen=dict(first.assigned))
    env.globals.update(caption=second.caption, ref=second.ref, refs=lambda t: resolve_refs(t, second))
    html = env.get_template(template).render(**context)
    if second.assigned != first.assigned:
        raise RuntimeError("table/figure numbering differs between rendering passes")
    return html


def write_pdf(html: str, base_url: str, path: str) -> int:
    """Render HTML to PDF with WeasyPrint; returns the number of pages."""
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from weasyprint import HTML

    doc = HTML(string=html, base_url=base_url).render()
    tmp = path + ".tmp"
    doc.write_pdf(tmp)
    os.replace(tmp, path)
    return len(doc.pages)
