# Reproduces the empirical chapter: validate -> clean -> describe -> reliability -> EFA -> CFA ->
# correlations -> SEM -> bootstrap shards -> mediation -> hypotheses -> figures -> report.
# Wiring only: every rule lives in rules/*.smk, every computation in the clusterup package.
import os

import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from clusterup.io.config import load_study, schema_errors
from clusterup.errors import InputError

# small matrices: one BLAS thread per job is fastest and lets --cores spread the jobs
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

# A study is one config file. Without --configfile the default study (the thesis) is used; a config
# given with --configfile stands alone: keys it omits take the schema's defaults, never the
# thesis's values (Snakemake would otherwise merge it into config/config.yaml).
if not workflow.overwrite_configfiles:
    configfile: "config/config.yaml"

# the config is checked against the schema (and its defaults filled in) before any rule runs
try:
    validate(config, "config/schema.yaml")
except WorkflowError:
    with open(workflow.source_path("config/schema.yaml"), encoding="utf-8") as _fh:
        _problems = schema_errors(config, yaml.safe_load(_fh))
    raise WorkflowError(
        "the configuration does not match config/schema.yaml:\n  - "
        + "\n  - ".join(_problems or ["see the schema error above"])
        + "\n  fix: correct the key(s) above in the config file (config/schema.yaml lists every key, "
        "its allowed values and its default)"
    ) from None

# the files the config points at must exist (a clear message instead of MissingInputException)
for _key, _path in (("data.path", config["data"]["path"]), ("codebook", config["codebook"]),
                    ("model", config["model"]), ("hypotheses", config["hypotheses"])):
    if not os.path.isfile(_path):
        raise WorkflowError(
            f"{_path}: the file named by config key '{_key}' does not exist (paths are relative to the "
            f"working directory {os.getcwd()})\n  fix: correct '{_key}' in the config file or put the file there"
        )

# ---- issue 9: trustworthy failures (safety checks that run before any rule; keep as one block) ----
from clusterup.io.guard import (check_study_config, clear_stale_lock, mark_start, raw_config_texts,
                                refuse_yte, report_failures)

mark_start()

# a config using YTE templating (`__use_yte__: true`) runs code when Snakemake loads it: refused
# (config files are trusted input; see the README's "When something goes wrong")
refuse_yte(raw_config_texts(workflow.overwrite_configfiles or ["config/config.yaml"]))
# a run killed by SIGKILL leaves Snakemake's lock behind: it is cleared only if no other run of this
# working directory is alive (an OS lock held for the life of the run proves it), so the same
# command resumes
_RUN_LOCK = clear_stale_lock(".snakemake")


def _check_study_config():
    try:
        check_study_config(config)
    except InputError as _exc:
        raise WorkflowError(str(_exc)) from None


onerror:
    # every rule's clear message, once, last, easy to find
    report_failures("results/logs")
# ---- end of issue 9 block ----
_check_study_config()

# codebook, model and hypotheses are cross-checked before any rule runs (the validate rule then
# checks the data file's columns and writes the resolved configuration for the record)
try:
    load_study(config)
except InputError as _exc:
    raise WorkflowError(str(_exc)) from None


include: "rules/common.smk"
include: "rules/validate.smk"
include: "rules/prepare.smk"
include: "rules/measurement.smk"
include: "rules/structural.smk"
include: "rules/bootstrap.smk"
include: "rules/sensitivity.smk"
include: "rules/bollen_stine.smk"
include: "rules/multigroup.smk"
include: "rules/report.smk"
include: "rules/provenance.smk"
include: "rules/examiner.smk"
include: "rules/audit.smk"
include: "rules/dictionary.smk"
include: "rules/power.smk"


rule all:
    input:
        "results/validated/config.json",
        "results/clean/survey_clean.csv",
        "results/describe/items.csv",
        "results/reliability/constructs.csv",
        "results/efa/adequacy.json",
        "results/cfa/fit.json",
        "results/correlations/constructs.csv",
        "results/sem/fit.json",
        "results/mediation/effects.csv",
        "results/mediation/nested.json",
        "results/hypotheses.csv",
        "results/provenance.json",
        "results/report/chapter.html",
        "results/report/chapter.pdf",
        FINAL_TARGETS,


# On a cluster executor (profiles/slurm) only the scatter jobs — rules named *_shard — are submitted
# as cluster jobs; every other rule is light and runs locally (declared last, so it covers all rules).
workflow.localrules(*[_r.name for _r in workflow.rules if not _r.name.endswith("_shard")])
