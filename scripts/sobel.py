"""sobel: Sobel and Aroian tests of every product := parameter, from the SEM estimates."""
import pandas as pd

from clusterup.io.config import study_from
from clusterup.structural.sobel import sobel_table
from clusterup.workflow import run, write_csv


def main(smk):
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    est = pd.read_csv(smk.input.estimates, keep_default_na=False, na_values=[""])
    write_csv(sobel_table(study.analysis_model, est), smk.output.table)


run(main, snakemake)  # noqa: F821
