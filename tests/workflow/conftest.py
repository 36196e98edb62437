"""Fixtures for end-to-end runs of the Snakemake workflow in a throw-away copy of the repository."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# clusterup/ too: the rules list the package modules they use as inputs (``pkg(...)`` in
# rules/common.smk), relative to the working directory
COPIED = ("Snakefile", "rules", "scripts", "config", "data", "templates", "profiles", "clusterup", "studies")


def copy_workflow(dest: Path) -> Path:
    """Copy the workflow's inputs (never results/, .snakemake/ or caches) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        src = REPO / name
        if not src.exists():
            continue
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", ".snakemake"))
        else:
            shutil.copy2(src, dest / name)
    return dest


@pytest.fixture
def workdir(tmp_path) -> Path:
    """A fresh copy of the workflow in a temporary directory."""
    return copy_workflow(tmp_path / "wf")


@pytest.fixture
def make_workdir(tmp_path):
    """Factory for several independent copies within one test."""
    def make(name: str) -> Path:
        return copy_workflow(tmp_path / name)
    return make


_NO_SLURM = None


def _no_slurm_path() -> str:
    """A directory with an ``scontrol`` that fails at once.  The SLURM executor plugin runs
    ``scontrol show config`` when Snakemake starts, whatever the executor; on a machine with SLURM
    installed but no controller reachable that call waits for its 10 s timeout — the largest part of
    a local test run's start-up.  Local runs need no answer from it."""
    global _NO_SLURM
    if _NO_SLURM is None:
        import tempfile
        d = Path(tempfile.mkdtemp(prefix="no-slurm-"))
        (d / "scontrol").write_text("#!/bin/sh\nexit 1\n")
        (d / "scontrol").chmod(0o755)
        _NO_SLURM = str(d)
    return _NO_SLURM


def run_snakemake(workdir, *targets, configfile=None, extra=(), timeout=600,
                  local=False) -> subprocess.CompletedProcess:
    """Run ``python -m snakemake --cores 2 [targets]`` in ``workdir``; output captured as text.

    ``local=True``: a local run that never asks SLURM anything (see :func:`_no_slurm_path`)."""
    # targets right after the command: options such as --configfile or --forcerun take several
    # values and would swallow targets written after them
    cmd = [sys.executable, "-m", "snakemake", *[str(t) for t in targets], "--cores", "2"]
    if configfile is not None:
        cmd += ["--configfile", str(configfile)]
    cmd += list(extra)
    env = dict(os.environ)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.setdefault("OMP_NUM_THREADS", "1")
    if local:
        env["PATH"] = _no_slurm_path() + os.pathsep + env.get("PATH", "")
    return subprocess.run(cmd, cwd=str(workdir), capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture
def snakemake():
    """The :func:`run_snakemake` helper, as a fixture."""
    return run_snakemake


class WorkflowTools:
    """copy_workflow and run_snakemake, for module-scoped fixtures."""

    copy = staticmethod(copy_workflow)
    run = staticmethod(run_snakemake)


@pytest.fixture(scope="session")
def wf():
    return WorkflowTools


@pytest.fixture(scope="session")
def default_run(tmp_path_factory, wf):
    """One full run of the default (thesis) configuration in a fresh copy, shared by every module
    that reads its outputs (the end-to-end checks, the Chinese chapter)."""
    wd = wf.copy(tmp_path_factory.mktemp("e2e") / "wf")
    proc = wf.run(wd, extra=["--cores", "2"])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return wd
