# Multi-group analysis (issue 12): runs only when the config has `multigroup:`.
if (config.get("multigroup") or {}).get("groups"):

    rule multigroup:
        input:
            code=pkg("estimation/multigroup", "structural/multigroup", "ml", "spec", "syntax", "fitindices", "config", "clean"),
            clean="results/clean/survey_clean.csv",
            codebook=CODEBOOK,
            model=MODEL,
            hypotheses=HYPOTHESES,
        output:
            invariance="results/multigroup/invariance.csv",
            paths="results/multigroup/paths.csv",
            differences="results/multigroup/differences.csv",
            summary="results/multigroup/summary.json",
        params:
            items_dropped=config["items_dropped"],
            likelihood=config["estimation"]["likelihood"],
            by=config["multigroup"]["by"],
            groups=config["multigroup"]["groups"],
        log:
            "results/logs/multigroup.log",
        benchmark:
            "results/benchmarks/multigroup.tsv"
        script:
            "../scripts/multigroup.py"

    REPORT_INPUTS["multigroup_invariance"] = "results/multigroup/invariance.csv"
    REPORT_INPUTS["multigroup_paths"] = "results/multigroup/paths.csv"
    REPORT_INPUTS["multigroup_differences"] = "results/multigroup/differences.csv"
    REPORT_INPUTS["multigroup_summary"] = "results/multigroup/summary.json"
    FINAL_TARGETS += ["results/multigroup/invariance.csv", "results/multigroup/paths.csv",
                      "results/multigroup/differences.csv", "results/multigroup/summary.json"]
    TIMED_JOBS += ["multigroup"]
