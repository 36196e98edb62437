from pathlib import Path

# Names shared by the rule files. The config has been validated by the Snakefile.
DATA = config["data"]["path"]
CODEBOOK = config["codebook"]
MODEL = config["model"]
HYPOTHESES = config["hypotheses"]

# Extension points for the stage files (rules/*.smk). An optional stage adds
#   - the results files the chapter shows: REPORT_INPUTS["name"] = "results/..." (the report rule
#     receives them as named inputs; a section module of clusterup/report/sections reads them by name);
#   - its deliverables for `rule all`: FINAL_TARGETS += [...];
#   - its timed jobs: TIMED_JOBS += [...].
REPORT_INPUTS: dict[str, str] = {}
FINAL_TARGETS: list[str] = []

def resolve_shards(value, cluster_default=8):
    """A ``shards`` config value as a number of shard jobs: "auto" is one shard per core of a local
    run (fewest interpreter starts that still keep every core busy) and ``cluster_default`` under a
    cluster executor, where the job's own Snakemake re-reads the workflow with other --cores and
    must see the same count. Results do not depend on the count."""
    if value != "auto":
        return int(value)
    def value(name):
        res = workflow.global_resources.get(name)
        return getattr(res, "value", res)
    # the executor is not known yet while the Snakefile is read; a cluster run sets --jobs (nodes),
    # and a cluster job's own Snakemake runs in another exec mode: both take cluster_default
    cores = value("_cores")
    if workflow.is_main_process and value("_nodes") is None and isinstance(cores, int) and cores > 0:
        return min(1000, cores)
    return cluster_default


BOOTSTRAP_SHARDS = min(resolve_shards(config["bootstrap"]["shards"]), config["bootstrap"]["samples"])

# jobs whose benchmark files feed provenance.json (extended by later stages)
TIMED_JOBS = ["clean", "describe", "reliability", "efa", "cfa", "correlations", "sem", "solver_check",
              "nested", "mediation", "figures"] + [f"bootstrap_shard_{i}" for i in range(1, BOOTSTRAP_SHARDS + 1)]

# every template file is an input of the report rule: editing one re-renders only the report
TEMPLATES = sorted(str(p) for p in Path("templates").rglob("*") if p.is_file())


# every module of the package by its (unique) name: "sem" -> clusterup/estimation/sem.py
# every module of the package by its name: "sem" -> clusterup/estimation/sem.py, and by its path
# inside the package ("estimation/multigroup"), which is required where a file name occurs twice
_FILES = [p for p in sorted(Path("clusterup").rglob("*.py")) if p.stem != "__init__"]
_STEMS = [p.stem for p in _FILES]
AMBIGUOUS = {s for s in _STEMS if _STEMS.count(s) > 1}
MODULES = {p.stem: str(p) for p in _FILES if p.stem not in AMBIGUOUS}
MODULES.update({str(p.relative_to("clusterup").with_suffix("")): str(p) for p in _FILES})


def pkg(*modules):
    """The clusterup modules a rule's computation uses: editing one reruns exactly its dependants.

    Modules are named by their file name, or by their path inside the package ("structural/
    multigroup") where the file name is not unique; the package's and the subpackages'
    ``__init__.py`` and the shared helpers are always included."""
    ambiguous = [m for m in modules if m in AMBIGUOUS]
    if ambiguous:
        raise ValueError(f"pkg(): module name(s) {ambiguous} occur in several subpackages; name them by path, "
                         f"e.g. 'structural/{ambiguous[0]}'")
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        raise ValueError(f"pkg(): no clusterup module named {unknown}")
    subpackages = sorted({str(Path(MODULES[m]).parent / "__init__.py") for m in modules})
    return (["clusterup/__init__.py", MODULES["errors"], MODULES["workflow"], MODULES["moments"]]
            + subpackages + [MODULES[m] for m in modules])


def report_inputs(wildcards):
    """The optional stages' results files, as named inputs of the report rule (evaluated lazily, so
    the order of the include lines does not matter)."""
    return dict(REPORT_INPUTS)
