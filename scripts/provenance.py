"""provenance: input checksums, package versions, seeds, config hash, per-rule timings."""
from clusterup.io.provenance import provenance
from clusterup.workflow import read_json, run, write_json


def main(smk):
    inputs = {k: v for k, v in smk.input.items() if k not in ("benchmarks", "code", "validated")}
    v = read_json(smk.input.validated)
    reading = {"encoding": v.get("data_encoding"), "delimiter": v.get("data_delimiter")}
    write_json(provenance(inputs=inputs, config=dict(smk.params.config), seeds=dict(smk.params.seeds),
                          benchmark_files=list(smk.input.benchmarks),
                          execution=dict(smk.params.execution), data_reading=reading), smk.output.provenance)


run(main, snakemake)  # noqa: F821
