"""solver_check: an independent semopy fit of the chapter's CFA and SEM, compared with their reported estimates."""
import pandas as pd

from clusterup.estimation.sem import semopy_check
from clusterup.estimation.syntax import measurement_model
from clusterup.io.clean import read_clean
from clusterup.io.config import study_from
from clusterup.structural.controls import apply_controls
from clusterup.workflow import run, write_json


def main(smk):
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    data = read_clean(smk.input.clean, study.codebook)
    sem_model, sem_data, _ = apply_controls(study.analysis_model, data, smk.params.controls, study.codebook)
    out = {}
    for name, model, rows, estimates in (("cfa", measurement_model(study.analysis_model), data, smk.input.cfa_estimates),
                                         ("sem", sem_model, sem_data, smk.input.sem_estimates)):
        out[name] = semopy_check(model, data=rows, estimates=pd.read_csv(estimates, keep_default_na=False,
                                                                        na_values=[""]),
                                 likelihood=smk.params.likelihood, data_source=smk.input.clean)
    write_json(out, smk.output.check)


run(main, snakemake)  # noqa: F821
