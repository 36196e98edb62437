"""method_bias: Harman's share, the one-factor CFA and the ULMC method-factor model."""
from clusterup.estimation.syntax import measurement_model
from clusterup.io.clean import read_clean
from clusterup.io.config import study_from
from clusterup.measurement.alternatives import one_factor_model, unique_name
from clusterup.measurement.method_bias import method_bias
from clusterup.workflow import read_json, run, write_json


def main(smk):
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    data = read_clean(smk.input.clean, study.codebook)
    items = study.analysis_items()
    one = one_factor_model(items, unique_name("G", list(study.model.latent) + items))
    result = method_bias(data, measurement_model(study.analysis_model), one,
                         harman_first_factor_pct=read_json(smk.input.harman)["first_factor_pct"],
                         likelihood=smk.params.likelihood, tol=smk.params.tolerance, data_source=smk.input.clean)
    write_json(result, smk.output.json)


run(main, snakemake)  # noqa: F821
