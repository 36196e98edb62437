"""sem: the full structural model: fit block, estimates, R², effects, modification indices,
and the serialised model the bootstrap shards refit."""
import logging

from clusterup.structural.bootstrap import BootstrapSetup
from clusterup.io.clean import read_clean
from clusterup.io.config import study_from
from clusterup.estimation.modindices import modification_indices
from clusterup.estimation.sem import fit_sem
from clusterup.structural.controls import apply_controls
from clusterup.workflow import run, write_csv, write_json


def main(smk):
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    data = read_clean(smk.input.clean, study.codebook)
    model, data, controls = apply_controls(study.analysis_model, data, smk.params.controls, study.codebook)
    write_json(controls.to_dict(), smk.output.controls)
    res = fit_sem(model, data=data, likelihood=smk.params.likelihood, tol=smk.params.tolerance,
                  data_source=smk.input.clean)
    for w in res.warnings:
        logging.warning(w)
    fit = res.fit_block()
    fit["model"] = model.to_text()
    write_json(fit, smk.output.fit)
    write_csv(res.estimates(), smk.output.estimates)
    write_csv(res.r_squared(), smk.output.r2)
    write_csv(res.effects(), smk.output.effects)
    write_csv(modification_indices(res), smk.output.modindices)
    setup = BootstrapSetup(res.spec, res.theta, res.problem.information(res.theta),
                           data[res.spec.observed].to_numpy(dtype=float), res.likelihood, smk.params.seed)
    setup.save(smk.output.setup, smk.output.setup_data)


run(main, snakemake)  # noqa: F821
