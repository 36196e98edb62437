"""alternatives: competing measurement models (first-order, second-order, one-factor, config
alternatives), the target coefficient, one-factor fit per construct and item SMCs."""
from clusterup.estimation.syntax import drop_variables, parse_model
from clusterup.io.clean import read_clean
from clusterup.io.config import study_from
from clusterup.measurement.alternatives import (compare_models, item_smc, per_construct_fit,
                                                second_order_summary, standard_candidates)
from clusterup.workflow import run, write_csv, write_json
import pandas as pd


def main(smk):
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    data = read_clean(smk.input.clean, study.codebook)
    extra = []
    for a in smk.params.alternatives:
        with open(a["model"], encoding="utf-8") as fh:
            syntax = drop_variables(parse_model(fh.read(), a["model"]), study.dropped)
        extra.append((a["name"], a.get("description", a["model"]), syntax, bool(a.get("nested", False))))
    cands = standard_candidates(study.analysis_model, study.analysis_items(), extra)
    table, _ = compare_models(cands, data, likelihood=smk.params.likelihood, tol=smk.params.tolerance,
                              data_source=smk.input.clean)
    write_csv(table, smk.output.table)
    write_json(second_order_summary(table), smk.output.second_order)
    write_csv(per_construct_fit(data, study.constructs_measured(), likelihood=smk.params.likelihood,
                                tol=smk.params.tolerance, data_source=smk.input.clean), smk.output.per_construct)
    write_csv(item_smc(pd.read_csv(smk.input.cfa_estimates, keep_default_na=False, na_values=[""])),
              smk.output.smc)


run(main, snakemake)  # noqa: F821
