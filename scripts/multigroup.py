"""multigroup: measurement-invariance ladder of the first-order CFA and group comparison of paths."""
import logging

from clusterup.io.clean import read_clean
from clusterup.io.config import study_from
from clusterup.structural.multigroup import multigroup_analysis
from clusterup.workflow import run, write_csv, write_json


def main(smk):
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    data = read_clean(smk.input.clean, study.codebook)
    out = multigroup_analysis(data, study.analysis_model, by=smk.params.by, groups=dict(smk.params.groups),
                              likelihood=smk.params.likelihood, source=smk.input.clean,
                              categories=study.codebook.demographics.get(smk.params.by, {}).get("categories"))
    for note in out["summary"]["notes"]:
        logging.warning(note)
    write_csv(out["invariance"], smk.output.invariance)
    write_csv(out["paths"], smk.output.paths)
    write_csv(out["differences"], smk.output.differences)
    write_json(out["summary"], smk.output.summary)


run(main, snakemake)  # noqa: F821
