# The results dictionary results/README.md, rendered from the registry (clusterup/registry/), the
# same source the writers check their columns against. Every registry module is an input: adding or
# editing an entry re-renders the dictionary and nothing else.
REGISTRY_MODULES = sorted(f"registry/{p.stem}" for p in Path("clusterup/registry").glob("*.py") if p.stem != "__init__")

FINAL_TARGETS += ["results/README.md"]


rule dictionary:
    input:
        code=pkg(*REGISTRY_MODULES),
    output:
        readme="results/README.md",
    log:
        "results/logs/dictionary.log",
    benchmark:
        "results/benchmarks/dictionary.tsv"
    script:
        "../scripts/dictionary.py"
