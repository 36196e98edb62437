"""Power through the workflow is shard-invariant (issue 15): replication r at size N draws from
SeedSequence([seed, N, r]) whatever shard runs it, so the gathered results/power/power.csv is
byte-identical for 1 and 3 shard jobs.  The package-level check (tests/unit/test_power.py) covers
run_replications; this one covers the rules, the shard files and the gather."""
import hashlib
import shutil

import pytest
import yaml

pytestmark = pytest.mark.workflow


def _run(default_run, tmp_path, wf, shards):
    wd = tmp_path / f"shards{shards}"
    # the default run's results and Snakemake metadata: only the power jobs are redone
    shutil.copytree(default_run, wd, symlinks=True, ignore=shutil.ignore_patterns("locks", "incomplete"))
    cfg = yaml.safe_load((wd / "config/config.yaml").read_text())
    cfg["power"].update(enabled=True, replications=40, n=[100, 218], shards=shards)
    path = wd / "config" / f"power_{shards}.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True))
    proc = wf.run(wd, "results/power/power.csv", configfile=path, local=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return wd / "results/power/power.csv"


def test_power_csv_identical_for_one_and_three_shards(default_run, tmp_path, wf):
    one = _run(default_run, tmp_path, wf, 1)
    three = _run(default_run, tmp_path, wf, 3)
    assert hashlib.sha256(one.read_bytes()).digest() == hashlib.sha256(three.read_bytes()).digest()
    text = one.read_text()
    assert text.startswith("id,n,power,mc_se,n_ok,n_failed") and ",218," in text and ",100," in text
    # 40 replications: every row accounts for all of them
    import pandas as pd
    table = pd.read_csv(one)
    assert ((table.n_ok + table.n_failed) == 40).all()
