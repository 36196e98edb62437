# Scatter/gather: shard i of N refits its block of the B resamples; `mediation` gathers. Each
# resample's random stream depends only on (seed, draw), so results do not depend on N or --cores,
# and a crashed shard is rerun alone. Shards are ordinary jobs, so an executor plugin (e.g. SLURM)
# spreads them over a cluster without code changes.
# priority 10 marks the long paths to the PDF — the scatter/gather stages (bootstrap, and power,
# Bollen–Stine and the sensitivity panel where present) and sem -> mediation -> hypotheses / bootstrap
# figure -> report: among the jobs ready at a moment Snakemake starts these first, and the light
# jobs fill the gaps.
SHARDS = list(range(1, BOOTSTRAP_SHARDS + 1))


rule bootstrap_shard:
    input:
        code=pkg("bootstrap", "ml", "spec", "syntax"),
        setup="results/.work/bootstrap/setup.json",
        setup_data="results/.work/bootstrap/data.npy",
    output:
        shard="results/bootstrap/shard_{i}.csv",
    wildcard_constraints:
        i=r"\d+",
    params:
        samples=config["bootstrap"]["samples"],
        shards=BOOTSTRAP_SHARDS,
    threads: 1
    resources:
        mem_mb=500,
    priority: 10
    log:
        "results/logs/bootstrap/shard_{i}.log",
    benchmark:
        "results/benchmarks/bootstrap_shard_{i}.tsv"
    script:
        "../scripts/bootstrap_shard.py"


rule mediation:
    input:
        code=pkg("bootstrap", "ml", "spec", "syntax", "mediation"),
        shards=expand("results/bootstrap/shard_{i}.csv", i=SHARDS),
        setup="results/.work/bootstrap/setup.json",
        setup_data="results/.work/bootstrap/data.npy",
    output:
        effects="results/mediation/effects.csv",
        draws="results/mediation/draws.csv",
        summary="results/mediation/bootstrap_summary.json",
    params:
        samples=config["bootstrap"]["samples"],
        ci_level=config["bootstrap"]["ci_level"],
    priority: 10
    log:
        "results/logs/mediation.log",
    benchmark:
        "results/benchmarks/mediation.tsv"
    script:
        "../scripts/mediation.py"


rule hypotheses:
    input:
        code=pkg("hypotheses", "config", "syntax"),
        hypotheses=HYPOTHESES,
        codebook=CODEBOOK,
        model=MODEL,
        estimates="results/sem/estimates.csv",
        effects="results/mediation/effects.csv",
        nested="results/mediation/nested.json",
    output:
        table="results/hypotheses.csv",
    params:
        items_dropped=config["items_dropped"],
    priority: 10
    log:
        "results/logs/hypotheses.log",
    script:
        "../scripts/hypotheses.py"
