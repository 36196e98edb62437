# The examiner's analyses (issue 10, items 2-7): competing measurement models, common method bias
# beyond Harman, group differences on construct scores, Sobel/Aroian tests.

rule alternatives:
    input:
        code=pkg("alternatives", "sem", "ml", "spec", "syntax", "fitindices", "config", "clean"),
        clean="results/clean/survey_clean.csv",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
        cfa_estimates="results/cfa/estimates.csv",
        extra_models=[a["model"] for a in config["alternatives"]],
    output:
        table="results/cfa/alternatives.csv",
        second_order="results/cfa/second_order.json",
        per_construct="results/cfa/per_construct.csv",
        smc="results/cfa/smc.csv",
    params:
        items_dropped=config["items_dropped"],
        likelihood=config["estimation"]["likelihood"],
        tolerance=config["estimation"]["tolerance"],
        alternatives=config["alternatives"],
    log:
        "results/logs/alternatives.log",
    benchmark:
        "results/benchmarks/alternatives.tsv"
    script:
        "../scripts/alternatives.py"


rule method_bias:
    input:
        code=pkg("method_bias", "alternatives", "sem", "ml", "spec", "syntax", "fitindices", "config", "clean"),
        clean="results/clean/survey_clean.csv",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
        harman="results/efa/harman.json",
    output:
        json="results/cmb/method_bias.json",
    params:
        items_dropped=config["items_dropped"],
        likelihood=config["estimation"]["likelihood"],
        tolerance=config["estimation"]["tolerance"],
    log:
        "results/logs/method_bias.log",
    benchmark:
        "results/benchmarks/method_bias.tsv"
    script:
        "../scripts/method_bias.py"


rule groups:
    input:
        code=pkg("groups", "describe", "config", "clean", "syntax"),
        clean="results/clean/survey_clean.csv",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
    output:
        means="results/groups/means.csv",
        tests="results/groups/tests.csv",
        posthoc="results/groups/posthoc.csv",
    params:
        items_dropped=config["items_dropped"],
        groups=config["groups"],
    log:
        "results/logs/groups.log",
    benchmark:
        "results/benchmarks/groups.tsv"
    script:
        "../scripts/groups.py"


rule sobel:
    input:
        code=pkg("sobel", "config", "syntax"),
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
        estimates="results/sem/estimates.csv",
    output:
        table="results/mediation/sobel.csv",
    params:
        items_dropped=config["items_dropped"],
    log:
        "results/logs/sobel.log",
    script:
        "../scripts/sobel.py"


REPORT_INPUTS["alternatives"] = "results/cfa/alternatives.csv"
REPORT_INPUTS["second_order"] = "results/cfa/second_order.json"
REPORT_INPUTS["per_construct"] = "results/cfa/per_construct.csv"
REPORT_INPUTS["smc"] = "results/cfa/smc.csv"
REPORT_INPUTS["sem_controls"] = "results/sem/controls.json"
REPORT_INPUTS["method_bias"] = "results/cmb/method_bias.json"
REPORT_INPUTS["group_tests"] = "results/groups/tests.csv"
REPORT_INPUTS["group_posthoc"] = "results/groups/posthoc.csv"
REPORT_INPUTS["group_means"] = "results/groups/means.csv"
REPORT_INPUTS["sobel"] = "results/mediation/sobel.csv"
REPORT_INPUTS["effects_boot"] = "results/mediation/effects.csv"
FINAL_TARGETS += list(REPORT_INPUTS.values())
TIMED_JOBS += ["alternatives", "method_bias", "groups"]
