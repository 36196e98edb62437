rule sem:
    input:
        code=pkg("sem", "ml", "spec", "syntax", "fitindices", "modindices", "bootstrap", "config", "clean", "controls"),
        clean="results/clean/survey_clean.csv",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
    output:
        fit="results/sem/fit.json",
        estimates="results/sem/estimates.csv",
        r2="results/sem/r2.csv",
        effects="results/sem/effects.csv",
        modindices="results/sem/modindices.csv",
        controls="results/sem/controls.json",
        setup="results/.work/bootstrap/setup.json",
        setup_data="results/.work/bootstrap/data.npy",
    params:
        items_dropped=config["items_dropped"],
        likelihood=config["estimation"]["likelihood"],
        tolerance=config["estimation"]["tolerance"],
        seed=config["bootstrap"]["seed"],
        controls=config["controls"],
    priority: 10
    log:
        "results/logs/sem.log",
    benchmark:
        "results/benchmarks/sem.tsv"
    script:
        "../scripts/sem.py"



# the second solver: semopy fits the CFA and the SEM independently and is compared with the
# estimates above; it runs beside the bootstrap (the fits themselves need no semopy import)
rule solver_check:
    input:
        code=pkg("sem", "ml", "spec", "syntax", "config", "clean", "controls"),
        clean="results/clean/survey_clean.csv",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
        cfa_estimates="results/cfa/estimates.csv",
        sem_estimates="results/sem/estimates.csv",
    output:
        check="results/solver_check.json",
    params:
        items_dropped=config["items_dropped"],
        likelihood=config["estimation"]["likelihood"],
        controls=config["controls"],
    log:
        "results/logs/solver_check.log",
    benchmark:
        "results/benchmarks/solver_check.tsv"
    script:
        "../scripts/solver_check.py"

rule nested:
    input:
        code=pkg("sem", "ml", "spec", "syntax", "fitindices", "mediation", "config", "clean", "controls"),
        clean="results/clean/survey_clean.csv",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
        sem_fit="results/sem/fit.json",
    output:
        nested="results/mediation/nested.json",
    params:
        controls=config["controls"],
        items_dropped=config["items_dropped"],
        likelihood=config["estimation"]["likelihood"],
        tolerance=config["estimation"]["tolerance"],
    log:
        "results/logs/nested.log",
    benchmark:
        "results/benchmarks/nested.tsv"
    script:
        "../scripts/nested.py"
