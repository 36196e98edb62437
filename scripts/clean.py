"""clean: screening rules, reverse coding, imputation (clusterup.io.clean.clean_survey)."""
import logging

from clusterup.io.clean import check_analysis_items, check_sample_size, clean_survey
from clusterup.io.config import load_yaml, parse_codebook
from clusterup.io.readers import read_raw
from clusterup.workflow import read_json, run, write_csv, write_json


def main(smk):
    p = smk.params
    codebook = parse_codebook(load_yaml(smk.input.codebook, "codebook"), smk.input.codebook)
    raw = read_raw(smk.input.data, encoding=p.encoding, sheet=p.sheet, delimiter=p.delimiter)
    res = clean_survey(raw.frame, codebook, id_column=p.id_column, source=smk.input.data,
                       distributed=p.distributed, items_dropped=list(p.items_dropped), **p.cleaning)
    for w in res.warnings:
        logging.warning(w)
    dropped = {d["item"] for d in p.items_dropped}
    check_analysis_items(res.clean, [i for i in codebook.items if i not in dropped], smk.input.data)
    # N against the model's free parameters, as soon as N is known (before anything is written)
    check_sample_size(res.flow, read_json(smk.input.validated)["identification"], smk.input.data)
    write_csv(res.clean, smk.output.clean)
    write_csv(res.exclusions, smk.output.exclusions)
    write_json(res.flow, smk.output.flow)
    write_csv(res.imputed, smk.output.imputed)
    write_csv(res.decisions, smk.output.decisions)


run(main, snakemake)  # noqa: F821
