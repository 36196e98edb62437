"""correlations: construct composite scores, means, SDs and Pearson r with p."""
from clusterup.io.clean import read_clean
from clusterup.io.config import study_from
from clusterup.measurement.correlations import composite_scores, correlation_table
from clusterup.workflow import run, write_csv


def main(smk):
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    data = read_clean(smk.input.clean, study.codebook)
    second = study.second_order()
    scores = composite_scores(data, study.constructs_measured(), second)
    levels = {c: ("second-order" if c in second else "first-order") for c in scores.columns}
    write_csv(correlation_table(scores, study.labels(), levels), smk.output.table)


run(main, snakemake)  # noqa: F821
