"""sensitivity: the CFA and SEM refitted under robust ML, WLSMV and FIML; fit, estimates and verdicts per method."""
import logging

import pandas as pd

from clusterup.io.clean import read_clean
from clusterup.io.config import study_from
from clusterup.structural.sensitivity import sensitivity_panel, unimpute
from clusterup.workflow import run, write_csv, write_json


def main(smk):
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    data = read_clean(smk.input.clean, study.codebook)
    main_verdicts = pd.read_csv(smk.input.main_verdicts, keep_default_na=False, na_values=[""])
    imputed = pd.read_csv(smk.input.imputed, dtype={"resp_id": str})
    out = sensitivity_panel(study, data, main_verdicts, methods=list(smk.params.methods),
                            fiml_data=unimpute(data, imputed),
                            likelihood=smk.params.likelihood, tol=smk.params.tolerance,
                            ci_level=smk.params.ci_level, data_source=smk.input.clean)
    for r in out["skipped"].itertuples():
        logging.warning("%s skipped for %s: %s", r.method, r.model, r.reason)
    if out["wlsmv"]:
        logging.info("wlsmv: %(n_complete)d of %(n_rows)d valid rows complete (original responses, "
                     "%(n_dropped)d with a missing cell dropped listwise)", out["wlsmv"])
    for name in ("fit", "estimates", "verdicts", "skipped", "polychoric"):
        write_csv(out[name], getattr(smk.output, name))
    write_json(out["wlsmv"], smk.output.wlsmv)


run(main, snakemake)  # noqa: F821
