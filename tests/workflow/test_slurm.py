"""The cluster path for real: a one-node SLURM (tools/slurm-local.sh) runs the bootstrap shards of a
small study through profiles/slurm; sacct must know them as SLURM jobs, and the mediation effects
must be byte-identical to a local run."""
import hashlib
import os
import shutil
import subprocess
import sys
import time

import pytest
import yaml

from conftest import REPO

pytestmark = pytest.mark.workflow

SCRIPT = REPO / "tools" / "slurm-local.sh"


def _why_no_slurm():
    if os.name != "posix" or shutil.which("dpkg") is None:
        return "needs a Debian-like system (slurm-wlm, munge, slurmdbd, mariadb-server from apt)"
    if os.geteuid() != 0:
        return "starting slurmctld/slurmd/slurmdbd/munged needs root (CI runs as root)"
    return None


@pytest.fixture(scope="module")
def slurm():
    why = _why_no_slurm()
    if why:
        pytest.skip(why)
    proc = subprocess.run(["bash", str(SCRIPT), "start"], capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, "tools/slurm-local.sh start failed:\n" + proc.stdout + proc.stderr
    yield
    # the suite started the cluster (.ci/run starts it too and stops it itself): leave it running only
    # if it was already running before; start is idempotent, so stopping here is always safe in CI
    if os.environ.get("CLUSTERUP_SLURM_KEEP") != "1":
        subprocess.run(["bash", str(SCRIPT), "stop"], capture_output=True, text=True, timeout=120)


def _config(wd):
    cfg = yaml.safe_load((wd / "config/config.yaml").read_text())
    cfg["bootstrap"].update(samples=200, shards=3)
    path = wd / "config" / "slurm_small.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return path


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_bootstrap_shards_run_as_slurm_jobs_and_match_local(slurm, tmp_path, wf):
    local = wf.copy(tmp_path / "local")
    proc = wf.run(local, "results/mediation/effects.csv", configfile=_config(local))
    assert proc.returncode == 0, proc.stderr[-3000:]

    cluster = wf.copy(tmp_path / "cluster")
    started = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 5))
    cmd = [sys.executable, "-m", "snakemake", "results/mediation/effects.csv", "--profile", "profiles/slurm",
           "--configfile", str(_config(cluster))]
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    proc = subprocess.run(cmd, cwd=cluster, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    # sacct (accounting through slurmdbd) knows the three shards as completed SLURM jobs
    out = subprocess.run(["sacct", "-X", "-n", "-P", "-S", started, "-o", "jobid,comment,state,workdir"],
                         capture_output=True, text=True, timeout=60).stdout
    rows = [line.split("|") for line in out.splitlines() if line.strip()]
    ours = [r for r in rows if r[3].rstrip("/") == str(cluster)]
    shards = sorted(r[1] for r in ours if r[1].startswith("rule_bootstrap_shard"))
    assert shards == [f"rule_bootstrap_shard_wildcards_{i}" for i in (1, 2, 3)], out
    assert all(r[2] == "COMPLETED" for r in ours), out
    # the light jobs are localrules: nothing else was submitted
    assert len(ours) == 3, out

    assert _sha(cluster / "results/mediation/effects.csv") == _sha(local / "results/mediation/effects.csv")
