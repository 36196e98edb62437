# Monte-Carlo power of every hypothesis (issue 15): power_setup fixes the population and the tests,
# shard i of N simulates its block of replications at every sample size, `power` gathers. Replication
# r at size N uses the stream SeedSequence([seed, N, r]), so results do not depend on N or --cores;
# shards are ordinary jobs (a cluster executor submits them, profiles/slurm gives them resources).
POWER = config["power"]
POWER_SHARDS = min(resolve_shards(POWER["shards"]), POWER["replications"])
POWER_POPULATION = [] if POWER["population"] == "fitted" else [POWER["population"]]
if POWER["enabled"]:
    REPORT_INPUTS["power"] = "results/power/power.csv"
    REPORT_INPUTS["power_n_required"] = "results/power/n_required.csv"
    REPORT_INPUTS["power_analytic"] = "results/power/analytic.csv"
    REPORT_INPUTS["power_summary"] = "results/power/summary.json"
    REPORT_INPUTS["power_figure"] = "results/figures/power.svg"
    FINAL_TARGETS += ["results/power/power.csv", "results/power/n_required.csv", "results/figures/power.svg"]
    TIMED_JOBS += ["power_setup", "power"] + [f"power_shard_{i}" for i in range(1, POWER_SHARDS + 1)]


rule power_setup:
    input:
        code=pkg("structural/power", "ml", "spec", "syntax", "config"),
        setup="results/.work/bootstrap/setup.json",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
        population=POWER_POPULATION,
    output:
        setup="results/.work/power/setup.json",
    params:
        items_dropped=config["items_dropped"],
        alpha=POWER["alpha"],
        seed=POWER["seed"],
        mc_draws=POWER["mc_draws"],
        population=POWER["population"],
    priority: 10
    log:
        "results/logs/power_setup.log",
    benchmark:
        "results/benchmarks/power_setup.tsv"
    script:
        "../scripts/power_setup.py"

rule power_shard:
    input:
        code=pkg("structural/power", "ml", "spec", "syntax"),
        setup="results/.work/power/setup.json",
    output:
        shard="results/power/shard_{i}.csv",
    wildcard_constraints:
        i=r"\d+",
    params:
        replications=POWER["replications"],
        n=sorted(POWER["n"]),
        shards=POWER_SHARDS,
    threads: 1
    resources:
        mem_mb=500,
    priority: 10
    log:
        "results/logs/power/shard_{i}.log",
    benchmark:
        "results/benchmarks/power_shard_{i}.tsv"
    script:
        "../scripts/power_shard.py"

rule power:
    input:
        code=pkg("structural/power", "ml", "spec", "syntax", "power_figure", "figures", "config"),
        shards=expand("results/power/shard_{i}.csv", i=range(1, POWER_SHARDS + 1)),
        setup="results/.work/power/setup.json",
        sem_setup="results/.work/bootstrap/setup.json",
        codebook=CODEBOOK,
        model=MODEL,
        hypotheses=HYPOTHESES,
    output:
        power="results/power/power.csv",
        n_required="results/power/n_required.csv",
        analytic="results/power/analytic.csv",
        summary="results/power/summary.json",
        figure=report("results/figures/power.svg", caption="../templates/snakemake/power.rst", category="Figures"),
    params:
        replications=POWER["replications"],
        n=sorted(POWER["n"]),
        items_dropped=config["items_dropped"],
    priority: 10
    log:
        "results/logs/power.log",
    benchmark:
        "results/benchmarks/power.tsv"
    script:
        "../scripts/power.py"
