from pathlib import Path

# Names shared by the rule files. The config has been validated by the Snakefile.
DATA = config["data"]["path"]
CODEBOOK = config["codebook"]
MODEL = config["model"]
HYPOTHESES = config["hypotheses"]

# jobs whose benchmark files feed provenance.json (extended by later stages)
TIMED_JOBS = ["clean", "describe", "reliability", "efa", "cfa", "correlations", "sem", "nested",
              "mediation", "figures"] + [f"bootstrap_shard_{i}" for i in range(1, config["bootstrap"]["shards"] + 1)]

# every template file is an input of the report rule: editing one re-renders only the report
TEMPLATES = sorted(str(p) for p in Path("templates").rglob("*") if p.is_file())


def pkg(*modules):
    """The clusterup modules a rule's computation uses: editing one reruns exactly its dependants."""
    return [f"clusterup/{m}.py" for m in ("__init__", "errors", "workflow", "moments") + modules]
