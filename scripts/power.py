"""power: gather the power shards; power per hypothesis and N, the N needed, the analytic check, the figure."""
import logging

import pandas as pd

from clusterup.io.config import study_from
from clusterup.report.power_figure import power_curves
from clusterup.structural.power import PowerSetup, analytic_path_power, check_records, n_required, summarize
from clusterup.workflow import read_json, run, write_csv, write_json


def main(smk):
    setup = PowerSetup.load(smk.input.setup)
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    ns = list(smk.params.n)
    records = pd.concat([pd.read_csv(p, keep_default_na=False, dtype=str) for p in smk.input.shards],
                        ignore_index=True)
    records = check_records(records, [t.id for t in setup.tests], ns, smk.params.replications)
    order = [t.id for t in setup.tests]
    power = summarize(records, order)
    failed = records[records["ok"] != "True"]
    # replications (not hypothesis records) per reason: a failed free fit fails every hypothesis of it
    per_rep = failed.drop_duplicates(["n", "replication", "reason"])
    reasons = {str(k): int(v) for k, v in per_rep["reason"].value_counts().items()}
    for reason, k in reasons.items():
        logging.warning("%d failed replication test(s): %s", k, reason)
    write_csv(power, smk.output.power, float_format="%.12g")
    write_csv(n_required(power), smk.output.n_required)
    analytic = pd.DataFrame([{"id": t.id, "n": n, "power": analytic_path_power(setup, n, t.free, t.sign)}
                             for t in setup.tests if t.kind == "path" for n in ns], columns=["id", "n", "power"])
    write_csv(analytic, smk.output.analytic, float_format="%.12g")
    study_n = int(read_json(smk.input.sem_setup)["n"])
    write_json({"replications": smk.params.replications, "n": ns, "alpha": setup.alpha, "seed": setup.seed,
                "mc_draws": setup.mc_draws, "population": setup.population, "study_n": study_n,
                "shards": len(smk.input.shards), "failure_reasons": reasons}, smk.output.summary)
    power_curves(power, smk.output.figure, study_n=study_n)
    logging.info("power of %d hypotheses at N = %s from %d records", len(order), ns, len(records))


run(main, snakemake)  # noqa: F821
