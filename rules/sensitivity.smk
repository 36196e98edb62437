# Sensitivity panel (issue 11): the CFA and the SEM under robust ML (MLM, MLR), WLSMV and FIML, verdicts per method.
if config["sensitivity"]["methods"]:
    REPORT_INPUTS["sensitivity_fit"] = "results/sensitivity/fit.csv"
    REPORT_INPUTS["sensitivity_verdicts"] = "results/sensitivity/verdicts.csv"
    REPORT_INPUTS["sensitivity_skipped"] = "results/sensitivity/skipped.csv"
    REPORT_INPUTS["sensitivity_wlsmv"] = "results/sensitivity/wlsmv.json"
    FINAL_TARGETS += ["results/sensitivity/fit.csv", "results/sensitivity/estimates.csv",
                      "results/sensitivity/verdicts.csv", "results/sensitivity/polychoric.csv"]
    TIMED_JOBS += ["sensitivity"]


rule sensitivity:
    input:
        code=pkg("structural/sensitivity", "robust", "wlsmv", "polychoric", "fiml", "sem", "ml", "spec", "syntax", "fitindices", "hypotheses", "config", "clean"),
        clean="results/clean/survey_clean.csv",
        imputed="results/clean/imputed_cells.csv",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
        main_verdicts="results/hypotheses.csv",
    output:
        fit="results/sensitivity/fit.csv",
        estimates="results/sensitivity/estimates.csv",
        verdicts="results/sensitivity/verdicts.csv",
        skipped="results/sensitivity/skipped.csv",
        polychoric="results/sensitivity/polychoric.csv",
        wlsmv="results/sensitivity/wlsmv.json",
    params:
        methods=config["sensitivity"]["methods"],
        items_dropped=config["items_dropped"],
        likelihood=config["estimation"]["likelihood"],
        tolerance=config["estimation"]["tolerance"],
        ci_level=config["bootstrap"]["ci_level"],
    priority: 10
    log:
        "results/logs/sensitivity.log",
    benchmark:
        "results/benchmarks/sensitivity.tsv"
    script:
        "../scripts/sensitivity.py"
