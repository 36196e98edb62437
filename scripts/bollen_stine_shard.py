"""bollen_stine_shard: refit this shard's block of Bollen–Stine resamples (numpy/scipy only)."""
import logging
import time

from clusterup.estimation.bollen_stine import COLUMNS, BollenStineSetup, run_draws
from clusterup.structural.bootstrap import FailurePolicy, records_csv, shard_draws
from clusterup.workflow import run, write_text


def main(smk):
    setup = BollenStineSetup.load(smk.input.setup, smk.input.setup_data)
    draws = shard_draws(smk.params.samples, smk.params.shards, int(smk.wildcards.i))
    t0 = time.perf_counter()
    # a model without degrees of freedom fits every sample exactly: nothing to bootstrap
    records = run_draws(setup, draws, policy=FailurePolicy()) if setup.df > 0 else []
    t1 = time.perf_counter()
    write_text(records_csv(records, COLUMNS), smk.output.shard)
    n_ok = sum(r["ok"] for r in records)
    logging.info("Bollen-Stine shard %s: draws %d-%d, %d attempts, %d failed; %.2f s (%.2f ms per attempt)",
                 smk.wildcards.i, draws.start, draws.stop - 1, len(records), len(records) - n_ok, t1 - t0,
                 1000 * (t1 - t0) / max(1, len(records)))


run(main, snakemake)  # noqa: F821
