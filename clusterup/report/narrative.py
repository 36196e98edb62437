"""The chapter's sentences, generated from the study (model, codebook, hypotheses) and its results.

Nothing here knows which study it describes: constructs, mediators, outcomes and effects are named
from the model and the codebook's labels, and a paragraph appears only when the model has what it
talks about (no second-order sentence without second-order factors).  Every sentence is a message
with named placeholders passed through the translator ``_`` (gettext; the English text is the
message id), so a catalog can translate the chapter without touching this code.  Study-specific
framing belongs in the study's config (``report.sections``), not here.

Fit sentences use the one cut-off registry of :mod:`clusterup.report.criteria`, which also fills the
verdict column of the fit tables: a word such as "good" or "acceptable" in a sentence is always the
verdict printed in the table beside the threshold that produced it.
"""
from __future__ import annotations

import gettext
from collections.abc import Callable

import numpy as np
import pandas as pd

from clusterup.report import formatting as fmt
from clusterup.report.criteria import CORE_FIT, FAMILIES, FIT_CRITERIA, judge_fit
from clusterup.structural.labels import between, path_label, roles

Translator = Callable[[str], str]
NULL = gettext.NullTranslations().gettext


def join_names(names: list[str], _: Translator = NULL) -> str:
    """"A", "A and B", "A, B and C" (the conjunction is a message too)."""
    names = [str(n) for n in names]
    if len(names) <= 1:
        return "".join(names)
    return _("{items} and {last}").format(items=", ".join(names[:-1]), last=names[-1])


def _range_text(values: pd.Series, names: pd.Series, _: Translator, f=fmt.apa, d=2) -> str:
    i, j = int(np.nanargmin(values.to_numpy(dtype=float))), int(np.nanargmax(values.to_numpy(dtype=float)))
    return _("{low} ({low_name}) to {high} ({high_name})").format(
        low=f(values.iloc[i], d), low_name=names.iloc[i], high=f(values.iloc[j], d), high_name=names.iloc[j])


def fit_sentence(block: dict) -> str:
    """The compact APA fit report (symbols only, no words to translate)."""
    return (f"χ²({block['df']}) = {fmt.num(block['chi2'], 2)}, {fmt.p_eq(block['p'])}, "
            f"χ²/df = {fmt.num(block['chi2_df'], 2)}, CFI = {fmt.apa(block['cfi'], 3)}, "
            f"TLI = {fmt.apa(block['tli'], 3)}, RMSEA = {fmt.apa(block['rmsea'], 3)} "
            f"90% CI {fmt.ci(block['rmsea_lo90'], block['rmsea_hi90'], 3, bounded=True)}, "
            f"SRMR = {fmt.apa(block['srmr'], 3)}")


def fit_judgement(rows: list[dict], _: Translator = NULL) -> str:
    """What the fit table's verdict column says, in words: the core indices by verdict, then the
    other indices that are not met, grouped by their family (absolute, incremental, parsimony…)."""
    core = [r for r in rows if r["key"] in CORE_FIT]
    by_verdict: dict[str, list[str]] = {}
    for r in core:
        by_verdict.setdefault(r["verdict"], []).append(r["label"])
    if not by_verdict.get("not met"):
        if by_verdict.get("acceptable"):
            s = _("The core indices meet their cut-offs ({good} good; {acceptable} only acceptable)").format(
                good=join_names(by_verdict.get("good", []) + by_verdict.get("met", []), _) or _("none"),
                acceptable=join_names(by_verdict["acceptable"], _))
        else:
            s = _("All core indices ({indices}) meet their cut-offs").format(
                indices=join_names([r["label"] for r in core], _))
    else:
        s = _("Core indices not meeting their cut-offs: {indices}").format(
            indices=join_names(by_verdict["not met"], _))
    others = [r for r in rows if r["verdict"] == "not met" and r["key"] not in CORE_FIT]
    if others:
        families: dict[str, list[str]] = {}
        for r in others:
            families.setdefault(r["family"], []).append(r["label"])
        parts = [_("{indices} ({family})").format(indices=join_names(v, _), family=_(FAMILIES[k]))
                 for k, v in families.items()]
        s += _("; below their conventional thresholds: {parts}").format(parts="; ".join(parts))
        if any(r["key"] in ("gfi", "agfi", "nfi", "rfi", "pgfi") for r in others):
            s += _(" — indices known to fall with many indicators and moderate samples (Hu & Bentler 1999)")
    return s + "."


def scale_phrase(cb, _: Translator = NULL) -> str:
    """The answer scale in words, in the chapter's language: "5-point scale" for integer Likert-type
    items (up to 11 points), else "continuous scale from a to b" (codebook ``scale`` / ``continuous``)."""
    points = cb.scale_max - cb.scale_min + 1
    if not cb.continuous and float(points).is_integer() and points <= 11:
        return _("{points}-point scale").format(points=int(points))
    return _("continuous scale from {min:g} to {max:g}").format(min=cb.scale_min, max=cb.scale_max)


def narrative(r: dict, *, study, labels: dict[str, str], effect_names: dict[str, str],
              hyps: pd.DataFrame, impute: str, _: Translator = NULL) -> dict[str, str]:
    """Every sentence of the chapter's sections, keyed by place (no number is typed by hand)."""
    n: dict[str, str] = {}
    cb = study.codebook
    model = study.analysis_model
    first = study.constructs_measured()
    second = study.second_order()
    n_items = sum(len(v) for v in first.values())

    # 1 questionnaire and sample ---------------------------------------------------------------
    # the answer anchors in the chapter's language (the translator of a Chinese chapter says so)
    anchors = (cb.scale_labels_zh or cb.scale_labels) if getattr(_, "language", "en") == "zh" else cb.scale_labels
    scale = n["scale"] = scale_phrase(cb, _)
    if anchors:
        scale += " (" + " … ".join(f"{fmt.num(k, 0)} = {v}" for k, v in anchors.items()) + ")"
    n["instrument"] = _(
        "The questionnaire measures {k} first-order constructs with {n_items} items on a {scale} "
        "(Appendix A lists every item).").format(k=len(first), n_items=len(cb.items), scale=scale)
    if second:
        n["instrument"] += " " + _("{names} {verb} modelled as second-order factors of their dimensions.").format(
            names=join_names([f"{labels.get(f, f)} ({f})" for f in second], _),
            verb=_("is") if len(second) == 1 else _("are"))
    flow = r["flow"]
    ex = flow["excluded"]
    rules_text = {"out_of_range": _("with out-of-range codes"),
                  "excess_missing": _("with more than the allowed share of items unanswered"),
                  "straightlining": _("straight-lined (one answer to every item)"),
                  "duplicate": _("duplicating an earlier questionnaire"),
                  "incomplete": _("incomplete after imputation")}
    parts = [_("{count} {rule}").format(count=k, rule=rules_text.get(rule, rule)) for rule, k in ex.items() if k]
    dist = flow.get("distributed")
    s = (_("Of the {distributed} questionnaires distributed, {returned} were returned (response rate {rate}). ").format(
        distributed=dist, returned=flow["returned"], rate=fmt.pct(100 * flow["returned"] / dist))
        if dist else _("{returned} questionnaires were returned. ").format(returned=flow["returned"]))
    s += _("Screening excluded {excluded} of them ({reasons}), leaving {valid} valid questionnaires "
           "({share} of those returned").format(excluded=sum(ex.values()), reasons="; ".join(parts) or _("none"),
                                                valid=flow["valid"],
                                                share=fmt.pct(100 * flow["valid"] / flow["returned"]))
    if dist:
        s += _(", {share} of those distributed").format(share=fmt.pct(100 * flow["valid"] / dist))
    s += "). "
    cells = flow["imputed_cells"]
    if impute == "construct_mean" and cells:
        s += _("{cells} isolated unanswered items in valid questionnaires were filled with the respondent's "
               "mean of the other items of the same construct.").format(cells=cells)
    elif impute == "construct_mean":
        s += _("No answer needed imputing.")
    else:
        s += _("Unanswered items were not imputed.")
    n["sample"] = s

    # 2 normality ----------------------------------------------------------------------------
    norm = r["normality"]
    u, m = norm["univariate"], norm["mardia"]
    if u["all_within_limits"]:
        s = _("All {k} analysed items lie within |skewness| < {skew:g} and |kurtosis| < {kurt:g} ").format(
            k=len(norm["items"]), skew=u["skew_limit"], kurt=u["kurtosis_limit"])
    else:
        s = _("{k} item(s) exceed |skewness| {skew:g} or |kurtosis| {kurt:g} ({items}) ").format(
            k=u["n_flagged"], skew=u["skew_limit"], kurt=u["kurtosis_limit"], items=", ".join(u["flagged_items"]))
    s += _("(largest |skewness| {skew}, largest |kurtosis| {kurt}). Mardia's multivariate kurtosis is {mk} with a "
           "critical ratio of {cr}, ").format(skew=fmt.num(u["max_abs_skew"], 2), kurt=fmt.num(u["max_abs_kurtosis"], 2),
                                             mk=fmt.num(m["kurtosis_excess"], 2), cr=fmt.num(m["kurtosis_cr"], 2))
    s += (_("below the value of 5 beyond which Bentler (2005) considers the data non-normal; maximum likelihood "
            "estimation is therefore appropriate, with bootstrap intervals for the indirect effects as a safeguard.")
          if abs(m["kurtosis_cr"]) <= 5 else
          _("above the value of 5 suggested by Bentler (2005): the data depart from multivariate normality, so the "
            "bootstrap intervals, which do not assume normality, carry the inference on the indirect effects."))
    n["normality"] = s

    # 3 reliability -------------------------------------------------------------------------
    rel = r["rel_constructs"]
    low = rel[rel["alpha"] < 0.70]
    s = _("Cronbach's α ranges from {range}").format(range=_range_text(rel["alpha"], rel["construct"], _))
    s += (_(", all above .70") if not len(low) else
          _("; below .70: {names}").format(names=join_names(list(low["construct"]), _)))
    if rel["omega"].notna().any():
        s += _("; McDonald's ω ranges from {range}").format(range=_range_text(rel["omega"], rel["construct"], _))
    n["reliability"] = s + "."
    pur = r["purification"]
    n["purification"] = " ".join(
        _("{item} ({construct}) was removed: its corrected item-total correlation is {citc} and the scale's α "
          "changes from {before} with {k} items to {after} without it (reason recorded in the configuration: "
          "“{reason}”).").format(item=p.item, construct=p.construct, citc=fmt.apa(p.citc_before, 2),
                                  before=fmt.apa(p.alpha_before, 3), k=p.n_items_before,
                                  after=fmt.apa(p.alpha_after, 3), reason=p.reason)
        for p in pur.itertuples()) or _("No item was removed.")
    items = r["rel_items"]
    kept = items[items["flag"] != "dropped"]
    flagged = kept[kept["flag"].fillna("") != ""]
    n["item_flags"] = (
        _("Every retained item has a corrected item-total correlation of at least .40 and no scale would gain "
          "reliability by deleting an item.") if not len(flagged) else
        _("Flagged retained items: {items}; they were kept for content validity.").format(items="; ".join(
            _("{item} ({flags}: CITC {citc}, α if deleted {aid})").format(
                item=f.item, flags=", ".join(_(x.replace("_", " ")) for x in f.flag.split(";") if x), citc=fmt.apa(f.citc, 2),
                aid=fmt.apa(f.alpha_if_deleted, 3)) for f in flagged.itertuples())))

    # 4 validity ----------------------------------------------------------------------------
    ad = r["adequacy"]
    n["efa"] = _(
        "The KMO measure of sampling adequacy is {kmo} ({kmo_verdict} in Kaiser's terms) and Bartlett's test of "
        "sphericity gives χ²({df}) = {chi2}, {p}{suitable}. Principal components with eigenvalue above 1 number "
        "{kaiser} (parallel analysis with {iters} random data sets retains {parallel}); the {k} varimax-rotated "
        "components explain {cum} of the variance ({{ref:efa_variance}}). {own} of the {n} items load highest on "
        "the component shared with the other items of their construct; the largest cross-loading is {cross} "
        "({{ref:efa_loadings}}).").format(
        kmo=fmt.apa(ad["kmo"], 3), kmo_verdict=_(ad["kmo_verdict"]), df=ad["bartlett_df"],
        chi2=fmt.num(ad["bartlett_chi2"], 2), p=fmt.p_eq(ad["bartlett_p"]),
        suitable=_(", so the correlations are suitable for factor analysis") if ad["bartlett_p"] < 0.05 else
        _(": the correlations may not be suitable for factor analysis"),
        kaiser=ad["n_components_kaiser"], iters=ad["parallel_iterations"], parallel=ad["n_components_parallel"],
        k=ad["n_components_retained"], cum=fmt.share_pct(ad["rotated_cum_prop"]), own=ad["items_on_own_component"],
        n=ad["n_items"], cross=fmt.apa(ad["max_cross_loading"], 2))
    h = r["harman"]
    n["harman"] = _(
        "In Harman's single-factor test the first unrotated component accounts for {pct} of the variance, "
        "{side} the 50% that would indicate a dominant common-method factor. The test is known to be insensitive "
        "(Podsakoff et al. 2003): it detects only severe common-method bias, so passing it is weak evidence.").format(
        pct=fmt.pct(h["first_factor_pct"]), side=_("above") if h["single_factor_dominates"] else _("below"))
    cfa = r["cfa_fit"]
    n["cfa_fit"] = (_("The first-order measurement model (all factors correlated) gives {fit} ({{ref:cfa_fit}}). ")
                    .format(fit=fit_sentence(cfa)) + fit_judgement(judge_fit(cfa), _))
    val = r["validity"]
    low_ave = val[val["ave"] < 0.5]
    low_cr = val[val["cr"] < 0.7]
    est = r["cfa_estimates"]
    lam = est[est["op"] == "=~"]
    nonsig = lam[lam["p"].notna() & (lam["p"] >= 0.05)]
    s = _("Standardized loadings range from {lo} to {hi}").format(lo=fmt.apa(lam["std_all"].min(), 2),
                                                                  hi=fmt.apa(lam["std_all"].max(), 2))
    s += (_(", all freely estimated loadings significant at p < .05") if not len(nonsig) else
          _("; not significant at .05: {items}").format(items=join_names(list(nonsig["rhs"]), _)))
    s += _(". Composite reliability ranges from {range}").format(range=_range_text(val["cr"], val["construct"], _))
    s += (_(" (all above .70)") if not len(low_cr) else
          _("; below .70: {names}").format(names=join_names(list(low_cr["construct"]), _)))
    s += _(". AVE ranges from {range}").format(range=_range_text(val["ave"], val["construct"], _))
    s += (_("; every construct reaches .50, supporting convergent validity.") if not len(low_ave) else
          _("; {names} fall(s) short of .50, so convergent validity is only partly supported for these constructs "
            "(a CR above .60–.70 is usually taken as acceptable in that case; Fornell & Larcker 1981).").format(
              names=join_names(list(low_ave["construct"]), _)))
    n["convergent"] = s
    fl_fail = val[~val["discriminant_ok"].astype(bool)]
    ht = r["htmt"]
    names = list(ht["construct"])
    if len(names) > 1:
        M = ht[names].to_numpy(dtype=float)
        iu = np.triu_indices(len(names), 1)
        k = int(np.nanargmax(M[iu]))
        hmax, a, b = float(M[iu][k]), names[iu[0][k]], names[iu[1][k]]
        s = (_("The square root of every construct's AVE exceeds its correlations with the other constructs "
               "(Fornell–Larcker criterion, {ref:fornell_larcker})") if not len(fl_fail) else
             _("The Fornell–Larcker criterion ({{ref:fornell_larcker}}) is not met for {names}: their √AVE is below "
               "their largest latent correlation").format(names=join_names(list(fl_fail["construct"]), _)))
        s += _(". The largest HTMT ratio is {value} ({a}–{b}, {{ref:htmt}}), ").format(value=fmt.apa(hmax, 2), a=a, b=b)
        s += (_("below the .85 threshold of Henseler et al. (2015), which supports discriminant validity.")
              if hmax < 0.85 else
              _("below the liberal .90 threshold but above .85.") if hmax < 0.9 else
              _("above the .90 threshold: the constructs may not be empirically distinct."))
    else:
        s = _("With a single first-order construct, discriminant validity does not arise.")
    n["discriminant"] = s

    # 5 correlations ------------------------------------------------------------------------
    n["correlations_note"] = (_("Second-order scores overlap with their own dimensions by construction.")
                              if second else "")

    # 6 structural model --------------------------------------------------------------------
    ro = roles(model)

    def named(vs: list[str]) -> str:
        return join_names([f"{labels.get(v, v)} ({v})" for v in vs], _)

    parts = []
    if ro["exogenous"]:
        parts.append(_("{names} as exogenous").format(names=named(ro["exogenous"])))
    if ro["mediators"]:
        parts.append(_("{names} as mediating").format(names=named(ro["mediators"])))
    if ro["outcomes"]:
        parts.append(_("{names} as outcome").format(names=named(ro["outcomes"])))
    n["structure"] = _("The structural model (Appendix A gives its full specification) treats {parts} "
                       "variables ({{ref:fig_path}}).").format(parts="; ".join(parts)) if parts else ""
    sem = r["sem_fit"]
    n["sem_fit"] = (_("The structural model gives {fit} ({{ref:sem_fit}}). ").format(fit=fit_sentence(sem))
                    + fit_judgement(judge_fit(sem), _))
    r2 = r["r2"]
    lat_r2 = r2[r2["kind"] == "latent"]
    n["r2"] = (_("The model explains {parts}.").format(parts=join_names([
        _("{pct} of the variance of {name} ({code})").format(pct=fmt.pct(100 * x.r2, 1), name=labels.get(x.variable, x.variable),
                                                             code=x.variable) for x in lat_r2.itertuples()], _))
               if len(lat_r2) else "")

    # 7 mediation ---------------------------------------------------------------------------
    bs = r["bootstrap_summary"]
    s = _("Indirect effects were tested with {n_ok} nonparametric bootstrap resamples (seed {seed})").format(
        n_ok=f"{bs['n_ok']:,}", seed=bs["seed"])
    if bs["n_failed"]:
        s += _("; {n_failed} resample(s) that did not yield an admissible solution were replaced by further draws "
               "({reasons})").format(n_failed=bs["n_failed"],
                                     reasons="; ".join(f"{v} {_(k)}" for k, v in bs["failure_reasons"].items()))
    n["bootstrap"] = s + _(". Bias-corrected and percentile intervals are reported, as AMOS does.")
    nested = r["nested"]
    sent = []
    for hid, comp in (nested.get("comparisons") or {}).items():
        sig = comp["p"] < 0.05
        fixed = [p.split("~") for p in comp["fix_zero"]]
        fixed = [(a.strip(), b.strip()) for a, b in fixed]
        text = join_names([path_label(a, b, labels) for a, b in fixed], _)
        s = _("Fixing {paths} to zero {verb} the fit (Δχ²({df}) = {chi2}, {p})").format(
            paths=text, verb=_("significantly worsens") if sig else _("does not significantly worsen"),
            df=comp["df_diff"], chi2=fmt.num(comp["chi2_diff"], 2), p=fmt.p_eq(comp["p"]))
        mediators = list(dict.fromkeys(m for a, b in fixed for m in between(model, b, a)))
        sources = list(dict.fromkeys(labels.get(b, b) for a, b in fixed))
        targets = list(dict.fromkeys(labels.get(a, a) for a, b in fixed))
        names = dict(sources=join_names(sources, _), targets=join_names(targets, _),
                     mediators=join_names([labels.get(m, m) for m in mediators], _))
        if mediators and not sig:
            s += (_(": the more parsimonious model is retained, in which {sources} affects {targets} only through "
                    "{mediators}.") if len(sources) == 1 else
                  _(": the more parsimonious model is retained, in which {sources} affect {targets} only through "
                    "{mediators}.")).format(**names)
        elif mediators:
            s += (_(": the direct paths are needed, so {mediators} mediates the effects of {sources} on {targets} "
                    "only partly.") if len(mediators) == 1 else
                  _(": the direct paths are needed, so {mediators} mediate the effects of {sources} on {targets} "
                    "only partly.")).format(**names)
        else:
            s += _(": the paths are {needed}.").format(needed=_("needed") if sig else _("not needed"))
        sent.append(s)
    n["nested"] = " ".join(sent)

    # 8 hypotheses --------------------------------------------------------------------------
    ci_pct = fmt.pct(100 * bs["ci_level"], 0)
    out = []
    for h in hyps.itertuples():
        verdict = _(h.verdict)
        if h.kind == "path":
            out.append(_("{id} is {verdict} (β = {beta}, B = {b}, {p}).").format(
                id=h.id, verdict=verdict, beta=fmt.apa(h.std_estimate, 2), b=fmt.num(h.estimate, 3), p=fmt.p_eq(h.p)))
        elif h.kind == "indirect":
            excl = _("excludes") if (h.ci_lo > 0 or h.ci_hi < 0) else _("includes")
            out.append(_("{id} is {verdict}: the indirect effect {effect} is {est} (standardized {std}), and its "
                         "bias-corrected {level} CI {ci} {excl} zero.").format(
                id=h.id, verdict=verdict, effect=effect_names.get(h.target, h.target), est=fmt.num(h.estimate, 3),
                std=fmt.apa(h.std_estimate, 3), level=ci_pct, ci=fmt.ci(h.ci_lo, h.ci_hi, 3), excl=excl))
        else:
            out.append(_("{id} is {verdict}: fixing its paths to zero changes χ² by Δχ²({df}) = {chi2}, {p}.").format(
                id=h.id, verdict=verdict, df=int(h.df), chi2=fmt.num(h.estimate, 2), p=fmt.p_eq(h.p)))
    n["hypotheses"] = " ".join(out)
    sup = hyps[hyps["verdict"] == "supported"]["id"].tolist()
    nsup = hyps[hyps["verdict"] != "supported"]["id"].tolist()
    n["summary"] = _("Of the {n} hypotheses, {k} are supported ({sup}) and {m} are not ({nsup}).").format(
        n=len(hyps), k=len(sup), sup=", ".join(sup) or _("none"), m=len(nsup), nsup=", ".join(nsup) or _("none"))
    return n
