# The figures that do not depend on the bootstrap are drawn while it runs; only the bootstrap
# histograms wait for the gather (rule bootstrap_figure), so they alone lie on the path to the PDF.
rule figures:
    input:
        code=pkg("figures", "diagrams", "labels", "formatting", "config", "clean", "syntax"),
        clean="results/clean/survey_clean.csv",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
        estimates="results/sem/estimates.csv",
        cfa_estimates="results/cfa/estimates.csv",
        r2="results/sem/r2.csv",
        correlations="results/correlations/constructs.csv",
    output:
        cfa_diagram=report("results/figures/cfa_diagram.svg", caption="../templates/snakemake/cfa_diagram.rst",
                           category="Figures"),
        sem_diagram=report("results/figures/sem_diagram.svg", caption="../templates/snakemake/sem_diagram.rst",
                           category="Figures"),
        item_plot=report("results/figures/item_distributions.svg", caption="../templates/snakemake/item_distributions.rst",
                      category="Figures"),
        heatmap=report("results/figures/correlation_heatmap.svg", caption="../templates/snakemake/correlation_heatmap.rst",
                       category="Figures"),
    params:
        items_dropped=config["items_dropped"],
    log:
        "results/logs/figures.log",
    benchmark:
        "results/benchmarks/figures.tsv"
    script:
        "../scripts/figures.py"


# The chapter in each language of report.languages (or the one report.language): the first is
# results/report/chapter.{html,pdf} (rule "report"), each further one chapter_<lang>.{html,pdf}
# (rule "report_<lang>"); one set of templates, translated through clusterup/report/locale.
REPORT_LANGUAGES = list(dict.fromkeys(config["report"].get("languages") or [config["report"].get("language", "en")]))
CATALOGS = sorted(str(p) for p in Path("clusterup/report/locale").rglob("*.po"))
FINAL_TARGETS += [f"results/report/chapter_{lang}.{ext}" for lang in REPORT_LANGUAGES[1:] for ext in ("html", "pdf")]
TIMED_JOBS += ["bootstrap_figure"]

# the figures with words (axis titles, legends, effect names) once per further language; the path
# diagrams show codes only and serve every language
for _lang in REPORT_LANGUAGES:
    _dir = "results/figures" if _lang == "en" else f"results/figures/{_lang}"
    _suffix = "" if _lang == "en" else f"_{_lang}"

    rule:
        name:
            f"bootstrap_figure{_suffix}"
        input:
            code=pkg("figures", "labels", "formatting", "config", "syntax", *(["i18n"] if _lang != "en" else [])),
            catalog=CATALOGS if _lang != "en" else [],
            codebook=CODEBOOK,
            model=MODEL,
            hypotheses=HYPOTHESES,
            effects="results/mediation/effects.csv",
            draws="results/mediation/draws.csv",
        output:
            bootstrap=report(f"{_dir}/bootstrap_distributions.svg",
                             caption="../templates/snakemake/bootstrap_distributions.rst", category="Figures")
            if _lang == "en" else f"{_dir}/bootstrap_distributions.svg",
        params:
            items_dropped=config["items_dropped"],
            effect_labels=config["report"]["effect_labels"],
            language=_lang,
        priority: 10
        log:
            f"results/logs/bootstrap_figure{_suffix}.log",
        benchmark:
            f"results/benchmarks/bootstrap_figure{_suffix}.tsv"
        script:
            "../scripts/figures.py"

    if _lang == "en":
        continue

    rule:
        name:
            f"figures_{_lang}"
        input:
            code=pkg("figures", "labels", "formatting", "config", "clean", "syntax", "i18n"),
            catalog=CATALOGS,
            clean="results/clean/survey_clean.csv",
            codebook=CODEBOOK,
            model=MODEL,
            hypotheses=HYPOTHESES,
            correlations="results/correlations/constructs.csv",
        output:
            item_plot=f"results/figures/{_lang}/item_distributions.svg",
            heatmap=f"results/figures/{_lang}/correlation_heatmap.svg",
        params:
            items_dropped=config["items_dropped"],
            language=_lang,
        log:
            f"results/logs/figures_{_lang}.log",
        benchmark:
            f"results/benchmarks/figures_{_lang}.tsv"
        script:
            "../scripts/figures.py"


def _figures_of(lang):
    """The word-bearing figures of a language (English: the main figures rule's)."""
    d = "results/figures" if lang == "en" else f"results/figures/{lang}"
    return {"item_plot": f"{d}/item_distributions.svg", "heatmap": f"{d}/correlation_heatmap.svg",
            "bootstrap_plot": f"{d}/bootstrap_distributions.svg"}


for _i, _lang in enumerate(REPORT_LANGUAGES):
    _suffix = "" if _i == 0 else f"_{_lang}"

    rule:
        name:
            "report" if _i == 0 else f"report_{_lang}"
        input:
            unpack(report_inputs),
            code=pkg("chapter", "narrative", "labels", "glyphs", "formatting", "criteria", "config", "syntax", "i18n")
            + sorted(str(p) for p in Path("clusterup/report/sections").glob("*.py")),
            templates=TEMPLATES,
            catalog=CATALOGS,
            codebook=CODEBOOK,
            model=MODEL,
            hypotheses_file=HYPOTHESES,
            flow="results/clean/flow.json",
            exclusions="results/clean/exclusions.csv",
            imputed="results/clean/imputed_cells.csv",
            profile="results/describe/sample_profile.csv",
            item_table="results/describe/items.csv",
            normality="results/describe/normality.json",
            rel_constructs="results/reliability/constructs.csv",
            rel_items="results/reliability/items.csv",
            purification="results/reliability/purification.csv",
            adequacy="results/efa/adequacy.json",
            loadings="results/efa/loadings.csv",
            variance="results/efa/variance.csv",
            parallel="results/efa/parallel.csv",
            harman="results/efa/harman.json",
            cfa_fit="results/cfa/fit.json",
            cfa_estimates="results/cfa/estimates.csv",
            validity="results/cfa/validity.csv",
            fornell_larcker="results/cfa/fornell_larcker.csv",
            htmt="results/cfa/htmt.csv",
            cfa_modindices="results/cfa/modindices.csv",
            correlations="results/correlations/constructs.csv",
            sem_fit="results/sem/fit.json",
            sem_estimates="results/sem/estimates.csv",
            solver_check="results/solver_check.json",
            r2="results/sem/r2.csv",
            sem_effects="results/sem/effects.csv",
            sem_modindices="results/sem/modindices.csv",
            effects="results/mediation/effects.csv",
            bootstrap_summary="results/mediation/bootstrap_summary.json",
            nested="results/mediation/nested.json",
            hypotheses="results/hypotheses.csv",
            provenance="results/provenance.json",
            cfa_diagram="results/figures/cfa_diagram.svg",
            sem_diagram="results/figures/sem_diagram.svg",
            item_plot=_figures_of(_lang)["item_plot"],
            heatmap=_figures_of(_lang)["heatmap"],
            bootstrap_plot=_figures_of(_lang)["bootstrap_plot"],
        output:
            html=report(f"results/report/chapter{_suffix}.html", caption="../templates/snakemake/chapter.rst", category="Chapter"),
            pdf=report(f"results/report/chapter{_suffix}.pdf", caption="../templates/snakemake/chapter.rst", category="Chapter"),
        params:
            report=config["report"],
            language=_lang,
            items_dropped=config["items_dropped"],
            likelihood=config["estimation"]["likelihood"],
            data_path=config["data"]["path"],
            impute=config["cleaning"]["impute"],
        priority: 10
        log:
            f"results/logs/report{_suffix}.log",
        benchmark:
            f"results/benchmarks/report{_suffix}.tsv"
        script:
            "../scripts/report.py"
