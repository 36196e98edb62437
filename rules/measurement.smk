rule reliability:
    input:
        code=pkg("reliability", "sem", "ml", "spec", "syntax", "config", "clean"),
        clean="results/clean/survey_clean.csv",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
    output:
        constructs="results/reliability/constructs.csv",
        item_stats="results/reliability/items.csv",
        purification="results/reliability/purification.csv",
    params:
        items_dropped=config["items_dropped"],
    log:
        "results/logs/reliability.log",
    benchmark:
        "results/benchmarks/reliability.tsv"
    script:
        "../scripts/reliability.py"


rule efa:
    input:
        code=pkg("efa", "config", "clean", "syntax"),
        clean="results/clean/survey_clean.csv",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
    output:
        adequacy="results/efa/adequacy.json",
        kmo_items="results/efa/kmo_items.csv",
        loadings="results/efa/loadings.csv",
        variance="results/efa/variance.csv",
        parallel="results/efa/parallel.csv",
        harman="results/efa/harman.json",
    params:
        items_dropped=config["items_dropped"],
        efa=config["efa"],
    log:
        "results/logs/efa.log",
    benchmark:
        "results/benchmarks/efa.tsv"
    script:
        "../scripts/efa.py"


rule cfa:
    input:
        code=pkg("sem", "ml", "spec", "syntax", "fitindices", "validity", "modindices", "config", "clean"),
        clean="results/clean/survey_clean.csv",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
    output:
        fit="results/cfa/fit.json",
        estimates="results/cfa/estimates.csv",
        validity="results/cfa/validity.csv",
        fornell_larcker="results/cfa/fornell_larcker.csv",
        htmt="results/cfa/htmt.csv",
        latent_corr="results/cfa/latent_corr.csv",
        modindices="results/cfa/modindices.csv",
    params:
        items_dropped=config["items_dropped"],
        likelihood=config["estimation"]["likelihood"],
        tolerance=config["estimation"]["tolerance"],
    log:
        "results/logs/cfa.log",
    benchmark:
        "results/benchmarks/cfa.tsv"
    script:
        "../scripts/cfa.py"


rule correlations:
    input:
        code=pkg("correlations", "config", "clean", "syntax"),
        clean="results/clean/survey_clean.csv",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
    output:
        table="results/correlations/constructs.csv",
    params:
        items_dropped=config["items_dropped"],
    log:
        "results/logs/correlations.log",
    benchmark:
        "results/benchmarks/correlations.tsv"
    script:
        "../scripts/correlations.py"
