"""Provenance: what went into the results (checksums, versions, seeds, config hash, timings)."""
from __future__ import annotations

import importlib.metadata
import os
import platform
import subprocess
import sys

import pandas as pd

from clusterup.io.config import config_hash, sha256_file

PACKAGES = ["clusterup", "snakemake", "pandas", "numpy", "scipy", "semopy", "factor_analyzer",
            "scikit-learn", "jinja2", "weasyprint", "matplotlib", "pyreadstat", "openpyxl", "pyyaml",
            "jsonschema"]


def package_versions(names: list[str] = PACKAGES) -> dict[str, str | None]:
    out = {}
    for n in names:
        try:
            out[n] = importlib.metadata.version(n)
        except importlib.metadata.PackageNotFoundError:
            out[n] = None
    return out


def git_commit(path: str = ".") -> dict:
    """Commit hash and whether the work tree has uncommitted changes (None outside git)."""
    try:
        head = subprocess.run(["git", "-C", path, "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10)
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        dirty = subprocess.run(["git", "-C", path, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10)
        return {"commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def rule_timings(benchmark_files: list[str]) -> pd.DataFrame:
    """Wall time and peak memory per job from Snakemake ``benchmark:`` files."""
    rows = []
    for f in benchmark_files:
        if not os.path.exists(f):
            continue
        b = pd.read_csv(f, sep="\t")
        name = os.path.splitext(os.path.basename(f))[0]
        rows.append({"job": name, "seconds": float(b["s"].iloc[-1]),
                     "max_rss_mb": float(b["max_rss"].iloc[-1]) if "max_rss" in b and b["max_rss"].iloc[-1] != "-" else None})
    return pd.DataFrame(rows, columns=["job", "seconds", "max_rss_mb"])


def provenance(*, inputs: dict[str, str], config: dict, seeds: dict, benchmark_files: list[str],
               execution: dict | None = None, data_reading: dict | None = None) -> dict:
    """Assemble the provenance record; ``execution`` says how the run was split into jobs (e.g. the
    resolved number of bootstrap shards), which the results do not depend on; ``data_reading`` is how
    the data file was read (``encoding``, ``delimiter``: detected or configured; null for Excel/SPSS)."""
    timings = rule_timings(benchmark_files)
    return {
        "inputs": {k: {"path": v, "sha256": sha256_file(v), "bytes": os.path.getsize(v)} for k, v in inputs.items()},
        "config_sha256": config_hash(config),
        "data_reading": data_reading or {},
        "seeds": seeds,
        "execution": dict(execution or {}),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "packages": package_versions(),
        "git": git_commit(),
        "rule_timings": timings.to_dict(orient="records"),
        "total_rule_seconds": float(timings["seconds"].sum()) if len(timings) else 0.0,
    }
