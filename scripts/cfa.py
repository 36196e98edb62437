"""cfa: first-order measurement model, AMOS fit block, estimates, validity, HTMT, modification indices."""
import logging

from clusterup.io.clean import read_clean
from clusterup.io.config import study_from
from clusterup.estimation.modindices import modification_indices
from clusterup.estimation.sem import fit_sem
from clusterup.estimation.syntax import measurement_model
from clusterup.measurement.validity import convergent, fornell_larcker, htmt, latent_corr_table
from clusterup.workflow import run, write_csv, write_json


def main(smk):
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    data = read_clean(smk.input.clean, study.codebook)
    model = measurement_model(study.analysis_model)
    res = fit_sem(model, data=data, likelihood=smk.params.likelihood, tol=smk.params.tolerance,
                  data_source=smk.input.clean)
    for w in res.warnings:
        logging.warning(w)
    constructs = study.constructs_measured()
    validity = convergent(res, constructs)
    fit = res.fit_block()
    fit["model"] = model.to_text()
    write_json(fit, smk.output.fit)
    write_csv(res.estimates(), smk.output.estimates)
    write_csv(validity, smk.output.validity)
    write_csv(fornell_larcker(res, validity), smk.output.fornell_larcker)
    write_csv(htmt(data, constructs), smk.output.htmt)
    write_csv(latent_corr_table(res, list(constructs)), smk.output.latent_corr)
    write_csv(modification_indices(res), smk.output.modindices)


run(main, snakemake)  # noqa: F821
