"""validate: load config, codebook, model and hypotheses, cross-check them against the data header."""
import logging

from clusterup.estimation.identification import check_identified, min_rows
from clusterup.estimation.syntax import measurement_model
from clusterup.io.config import config_hash, load_study
from clusterup.io.readers import read_raw
from clusterup.io.clean import check_columns
from clusterup.workflow import run, write_json


def main(smk):
    cfg = dict(smk.params.config)
    study = load_study(cfg)
    # identification (scale, t-rule, Jacobian rank) of the SEM and the CFA, from the model alone
    sem = check_identified(study.analysis_model, "model")
    cfa = check_identified(measurement_model(study.analysis_model), "measurement model (CFA)")
    raw = read_raw(smk.input.data, encoding=cfg["data"]["encoding"], sheet=cfg["data"]["sheet"],
                   delimiter=cfg["data"]["delimiter"])
    if raw.delimiter is not None:
        logging.info("data file %s read as %s with delimiter %r (data.delimiter: %s)", smk.input.data,
                     raw.encoding, raw.delimiter, cfg["data"]["delimiter"])
    check_columns(raw.frame, study.codebook, cfg["data"]["id_column"], smk.input.data)
    write_json({"config": cfg, "config_sha256": config_hash(cfg), "data_encoding": raw.encoding,
                "data_delimiter": raw.delimiter,
                "data_rows": len(raw.frame), "codebook": study.codebook.to_dict(),
                "analysis_model": study.analysis_model.to_text(),
                "constructs": study.constructs_measured(), "items_dropped": study.items_dropped,
                "hypotheses": [h.__dict__ for h in study.hypotheses],
                "identification": {"free_parameters_sem": sem.n_free, "df_sem": sem.df,
                                   "free_parameters_cfa": cfa.n_free, "df_cfa": cfa.df,
                                   "min_rows": max(min_rows(sem), min_rows(cfa))}}, smk.output.config)


run(main, snakemake)  # noqa: F821
