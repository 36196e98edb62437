# Bollen–Stine bootstrap of the SEM's χ² (issue 11; sensitivity method `bollen_stine`). Scatter/gather
# as the main bootstrap: the SEM's rows are transformed to fit the model exactly (setup), shard i of N
# refits its block of the B resamples, the gather writes the p value. Draw b uses the stream
# SeedSequence([bootstrap.seed, b]), so the result does not depend on N or --cores. N is
# bootstrap.shards ("auto" = one per core locally), capped at B.
if "bollen_stine" in config["sensitivity"]["methods"]:
    BS_SAMPLES = config["sensitivity"]["bollen_stine_samples"]
    BS_SHARDS = list(range(1, min(resolve_shards(config["bootstrap"]["shards"]), BS_SAMPLES) + 1))
    REPORT_INPUTS["sensitivity_bollen_stine"] = "results/sensitivity/bollen_stine.json"
    FINAL_TARGETS += ["results/sensitivity/bollen_stine.json"]
    TIMED_JOBS += ["bollen_stine"] + [f"bollen_stine_shard_{i}" for i in BS_SHARDS]

    rule bollen_stine_setup:
        input:
            code=pkg("bollen_stine", "bootstrap", "ml", "spec", "syntax"),
            setup="results/.work/bootstrap/setup.json",
            setup_data="results/.work/bootstrap/data.npy",
        output:
            setup="results/.work/bollen_stine/setup.json",
            setup_data="results/.work/bollen_stine/data.npy",
        priority: 10
        log:
            "results/logs/bollen_stine/setup.log",
        benchmark:
            "results/benchmarks/bollen_stine_setup.tsv"
        script:
            "../scripts/bollen_stine_setup.py"

    rule bollen_stine_shard:
        input:
            code=pkg("bollen_stine", "bootstrap", "ml", "spec", "syntax"),
            setup="results/.work/bollen_stine/setup.json",
            setup_data="results/.work/bollen_stine/data.npy",
        output:
            shard="results/sensitivity/bollen_stine/shard_{i}.csv",
        wildcard_constraints:
            i=r"\d+",
        params:
            samples=BS_SAMPLES,
            shards=len(BS_SHARDS),
        threads: 1
        resources:
            mem_mb=500,
        priority: 10
        log:
            "results/logs/bollen_stine/shard_{i}.log",
        benchmark:
            "results/benchmarks/bollen_stine_shard_{i}.tsv"
        script:
            "../scripts/bollen_stine_shard.py"

    rule bollen_stine:
        input:
            code=pkg("bollen_stine", "bootstrap", "ml", "spec", "syntax"),
            shards=expand("results/sensitivity/bollen_stine/shard_{i}.csv", i=BS_SHARDS),
            setup="results/.work/bollen_stine/setup.json",
            setup_data="results/.work/bollen_stine/data.npy",
        output:
            summary="results/sensitivity/bollen_stine.json",
        params:
            samples=BS_SAMPLES,
        priority: 10
        log:
            "results/logs/bollen_stine/gather.log",
        benchmark:
            "results/benchmarks/bollen_stine.tsv"
        script:
            "../scripts/bollen_stine.py"
