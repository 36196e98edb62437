"""bollen_stine: gather the Bollen–Stine shards into results/sensitivity/bollen_stine.json."""
import logging

from clusterup.estimation.bollen_stine import COLUMNS, BollenStineSetup, skipped_summary, summarize
from clusterup.structural.bootstrap import read_shards
from clusterup.workflow import run, write_json


def main(smk):
    setup = BollenStineSetup.load(smk.input.setup, smk.input.setup_data)
    B = smk.params.samples
    if setup.df <= 0:
        out = skipped_summary(setup, B, len(smk.input.shards))
        logging.warning("Bollen-Stine bootstrap skipped: %s", out["skipped"])
    else:
        # integrity of every shard (one successful attempt per draw); a damaged one is named and removed
        frame = read_shards(list(smk.input.shards), B, COLUMNS[6:])
        out = summarize(frame, setup, B, len(smk.input.shards))
        for reason, k in out["failure_reasons"].items():
            logging.warning("%d failed Bollen-Stine resample(s): %s", k, reason)
        if out["n_inadmissible"]:
            logging.warning("%d of %d Bollen-Stine draws have a negative variance estimate (kept, as lavaan)",
                            out["n_inadmissible"], out["n_ok"])
        logging.info("chi2 = %.4f, Bollen-Stine p = %.4f (B = %d)", out["chi2"], out["p"], B)
    write_json(out, smk.output.summary)


run(main, snakemake)  # noqa: F821
