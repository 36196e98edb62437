"""reliability: alpha, standardized alpha, omega, CITC, alpha-if-deleted, purification before/after."""
import pandas as pd

from clusterup.io.clean import read_clean
from clusterup.io.config import study_from
from clusterup.measurement.reliability import purification, reliability
from clusterup.workflow import run, write_csv


def main(smk):
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    data = read_clean(smk.input.clean, study.codebook)
    constructs, items = reliability(data, study.constructs_measured(), study.labels())
    decisions, dropped_rows = purification(data, study.constructs_full(), study.items_dropped)
    write_csv(constructs, smk.output.constructs)
    write_csv(pd.concat([items, dropped_rows], ignore_index=True), smk.output.item_stats)
    write_csv(decisions, smk.output.purification)


run(main, snakemake)  # noqa: F821
