"""bootstrap_shard: refit this shard's block of resamples (numpy/scipy only, no semopy)."""
import logging
import time

from clusterup.structural.bootstrap import (BootstrapSetup, FailurePolicy, heywood_variances, records_csv, run_draws,
                                            shard_draws)
from clusterup.workflow import run, write_text


def main(smk):
    t0 = time.perf_counter()
    setup = BootstrapSetup.load(smk.input.setup, smk.input.setup_data)
    draws = shard_draws(smk.params.samples, smk.params.shards, int(smk.wildcards.i))
    t1 = time.perf_counter()
    for var, value in heywood_variances(setup):   # reported in the chapter; draws are then not screened
        logging.warning("Heywood case in the SEM: variance of %s = %.4g; resamples are accepted when they "
                        "converge (as lavaan's bootstrap), the chapter warns", var, value)
    records, columns = run_draws(setup, draws, policy=FailurePolicy())
    t2 = time.perf_counter()
    fields = ["draw", "attempt", "ok", "reason", "iterations", "grad_max", "refit"] + columns
    write_text(records_csv(records, fields), smk.output.shard)
    n_ok = sum(r["ok"] for r in records)
    fallbacks = sum(r["refit"] == "bfgs fallback" for r in records)
    logging.info("shard %s: draws %d-%d, %d attempts, %d failed, %d refit(s) fell back to BFGS; setup %.2f s, "
                 "fitting %.2f s (%.2f ms per attempt)", smk.wildcards.i, draws.start, draws.stop - 1,
                 len(records), len(records) - n_ok, fallbacks, t1 - t0, t2 - t1,
                 1000 * (t2 - t1) / max(1, len(records)))


run(main, snakemake)  # noqa: F821
