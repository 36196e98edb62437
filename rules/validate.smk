rule validate:
    input:
        code=pkg("config", "syntax", "spec", "readers", "clean", "textfile", "identification", "ml"),
        data=DATA,
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
        schema="config/schema.yaml",
    output:
        config="results/validated/config.json",
    params:
        config=config,
    log:
        "results/logs/validate.log",
    script:
        "../scripts/validate.py"
