"""power_shard: simulate this shard's block of replications at every sample size (numpy/scipy only)."""
import csv
import io
import logging
import time

from clusterup.structural.power import RECORD_COLUMNS, PowerSetup, run_replications, shard_replications
from clusterup.workflow import run, write_text


def main(smk):
    t0 = time.perf_counter()
    setup = PowerSetup.load(smk.input.setup)
    reps = shard_replications(smk.params.replications, smk.params.shards, int(smk.wildcards.i))
    records = run_replications(setup, list(smk.params.n), reps)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=RECORD_COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(records)
    write_text(buf.getvalue(), smk.output.shard)
    dt = time.perf_counter() - t0
    logging.info("shard %s: replications %d-%d at N = %s, %.2f s (%.2f ms per replication)", smk.wildcards.i,
                 reps.start, reps.stop - 1, list(smk.params.n), dt,
                 1000 * dt / max(1, len(reps) * len(smk.params.n)))


run(main, snakemake)  # noqa: F821
