"""Faults (issue 9): a SIGKILLed run resumes with the same command and gives byte-identical
results; a damaged shard is named, removed and redone; a stale Snakemake lock does not block."""
import hashlib
import os
import signal
import subprocess
import sys
import time

import pytest
import yaml

from conftest import _no_slurm_path

pytestmark = pytest.mark.workflow

TARGET = "results/mediation/effects.csv"
COMPARED = ("results/mediation/effects.csv", "results/mediation/draws.csv",
            "results/bootstrap/shard_1.csv", "results/bootstrap/shard_2.csv", "results/sem/estimates.csv")


def _small(wd, samples=400, shards=2):
    p = wd / "config/config.yaml"
    c = yaml.safe_load(p.read_text(encoding="utf-8"))
    c["bootstrap"].update(samples=samples, shards=shards)
    p.write_text(yaml.safe_dump(c, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _sha(p):
    return hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def reference(tmp_path_factory, wf):
    wd = wf.copy(tmp_path_factory.mktemp("ref") / "wf")
    _small(wd)
    proc = wf.run(wd, TARGET, local=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {f: _sha(wd / f) for f in COMPARED}


def test_sigkill_during_bootstrap_resumes_with_same_command(tmp_path, wf, reference):
    wd = wf.copy(tmp_path / "wf")
    _small(wd)
    cmd = [sys.executable, "-m", "snakemake", TARGET, "--cores", "2"]
    env = dict(os.environ, PATH=_no_slurm_path() + os.pathsep + os.environ.get("PATH", ""))
    proc = subprocess.Popen(cmd, cwd=wd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, env=env)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if any((wd / ".snakemake/incomplete").glob("*")) and (wd / "results/.work/bootstrap/setup.json").exists():
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before the bootstrap started"
    os.killpg(proc.pid, signal.SIGKILL)                      # the whole run, like kill -9 of the session
    proc.wait()
    assert any((wd / ".snakemake/locks").glob("*.lock")), "expected a stale Snakemake lock"
    again = wf.run(wd, TARGET, local=True)                               # the same command, nothing else
    out = again.stdout + again.stderr
    assert again.returncode == 0, out[-3000:]
    assert "LockException" not in out and "Traceback" not in out
    assert {f: _sha(wd / f) for f in COMPARED} == reference


def test_truncated_shard_is_named_and_redone(tmp_path, wf, reference):
    wd = wf.copy(tmp_path / "wf")
    _small(wd)
    assert wf.run(wd, "results/bootstrap/shard_1.csv", "results/bootstrap/shard_2.csv", local=True).returncode == 0
    shard = wd / "results/bootstrap/shard_2.csv"
    lines = shard.read_text().splitlines(keepends=True)
    shard.write_text("".join(lines[: len(lines) // 2]))      # damaged after the job finished
    failed = wf.run(wd, TARGET, extra=["--forcerun", "mediation"], local=True)
    out = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "results/bootstrap/shard_2.csv" in out and "damaged" in out and "Traceback" not in out
    assert not shard.exists()
    again = wf.run(wd, TARGET, local=True)
    assert again.returncode == 0, (again.stdout + again.stderr)[-3000:]
    assert {f: _sha(wd / f) for f in COMPARED} == reference
