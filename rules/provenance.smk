rule provenance:
    input:
        code=pkg("provenance", "config", "syntax"),
        data=DATA,
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
        config_schema="config/schema.yaml",
        # how the data file was read (encoding and delimiter detected or configured)
        validated="results/validated/config.json",
        benchmarks=lambda wc: expand("results/benchmarks/{job}.tsv", job=TIMED_JOBS),
    output:
        provenance="results/provenance.json",
    params:
        config=config,
        seeds={"bootstrap": config["bootstrap"]["seed"], "parallel_analysis": config["efa"]["seed"]},
        # how this run was split into jobs (results and chapter do not depend on it)
        execution={"bootstrap_shards": BOOTSTRAP_SHARDS, "bootstrap_shards_config": config["bootstrap"]["shards"]},
    log:
        "results/logs/provenance.log",
    script:
        "../scripts/provenance.py"
