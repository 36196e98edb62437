"""Checks and housekeeping the Snakefile runs before any rule (issue 9: trustworthy failures).

* :func:`refuse_yte` — a config file with ``__use_yte__`` is a YTE template: Snakemake evaluates its
  Python expressions while loading it.  Config files are trusted input, but a study config has no
  reason to be a template, so the workflow refuses to go on and says so.
* :func:`check_study_config` — what the JSON Schema cannot express: ``bootstrap.shards`` at most
  ``bootstrap.samples``; the codebook, model and hypotheses inside the working directory (data may
  live elsewhere: authors keep data apart).
* :func:`clear_stale_lock` — an OS-level lock (``flock``) held for the life of the run.  If it can be
  taken, no other run of this working directory is alive, so a Snakemake lock left by a killed run
  is stale and is removed: the same command resumes.  If it cannot be taken, nothing is touched and
  Snakemake reports the concurrent run as usual.
* :func:`report_failures` — Snakemake's ``onerror`` hook: each failed rule's message, once, last.
"""
from __future__ import annotations

import glob
import os
import re
import sys

from clusterup.errors import InputError

_YTE_RE = re.compile(r"^\s*['\"]?__use_yte__['\"]?\s*:", re.M)


def raw_config_texts(paths) -> dict[str, str]:
    """The config files as written (before any loader), by path; unreadable files are skipped."""
    out = {}
    for p in paths:
        try:
            with open(str(p), "rb") as fh:
                out[str(p)] = fh.read().decode("utf-8", errors="replace")
        except OSError:
            continue
    return out


def refuse_yte(texts: dict[str, str]) -> None:
    """Stop with a clear error if a config file carries ``__use_yte__``."""
    from snakemake.exceptions import WorkflowError

    for path, text in texts.items():
        m = _YTE_RE.search(text)
        if m:
            line = text[: m.start()].count("\n") + 1
            raise WorkflowError(
                f"{path}, line {line}: the config carries `__use_yte__`, i.e. it is a YTE template whose "
                "expressions Snakemake has already evaluated as Python code while loading it; the workflow "
                "refuses such a config\n  fix: remove `__use_yte__` and write plain YAML values (a config "
                "file is trusted input: only run configs you wrote or checked)")


def _inside(path: str, root: str) -> bool:
    full = os.path.realpath(os.path.join(root, path))
    root = os.path.realpath(root)
    return full == root or full.startswith(root + os.sep)


def check_study_config(config: dict, root: str | None = None) -> None:
    """Cross-key checks of a schema-validated config (raise :class:`InputError`)."""
    root = root or os.getcwd()
    boot = config.get("bootstrap") or {}
    # "auto" resolves to at most 1000 shards (rules/common.smk) and is capped there by the samples
    if isinstance(boot.get("shards"), int) and boot["shards"] > boot.get("samples", 1):
        raise InputError(f"bootstrap.shards ({boot['shards']}) is larger than bootstrap.samples "
                         f"({boot['samples']}): some shards would have no resample to fit",
                         file="config", where="bootstrap.shards",
                         fix=f"set bootstrap.shards to at most {boot['samples']} (8 is plenty on one machine)")
    power = config.get("power") or {}
    if power.get("enabled"):
        if isinstance(power.get("shards"), int) and power["shards"] > power.get("replications", 1):
            raise InputError(f"power.shards ({power['shards']}) is larger than power.replications "
                             f"({power['replications']}): some shards would have nothing to simulate",
                             file="config", where="power.shards",
                             fix=f"set power.shards to at most {power['replications']} (or auto)")
        pop = str(power.get("population", "fitted"))
        if pop != "fitted" and not os.path.isfile(os.path.join(root, pop)):
            raise InputError(f"the power population model {pop!r} does not exist", file="config",
                             where="power.population",
                             fix="give the path of a lavaan model file with the population values, "
                                 "or 'fitted' for the fitted model's estimates")
    for key in ("codebook", "model", "hypotheses"):
        path = str(config.get(key, ""))
        if path and not _inside(path, root):
            raise InputError(f"the {key} file lies outside the working directory", file="config", where=key,
                             fix=f"copy the {key} into the working directory (e.g. config/) and give its "
                                 "relative path; only data.path may point elsewhere")


class _RunLock:
    """An open file with an exclusive ``flock``: released by the OS when the process ends."""

    def __init__(self, fh) -> None:
        self.fh = fh


def clear_stale_lock(snakemake_dir: str = ".snakemake") -> _RunLock | None:
    """Take the run lock; if taken, remove Snakemake's (then stale) locks.  Return the lock to keep.

    The lock must be kept referenced for the life of the run (the Snakefile stores it in a global)."""
    try:
        import fcntl
    except ImportError:                                   # not POSIX: leave Snakemake's locks alone
        return None
    os.makedirs(snakemake_dir, exist_ok=True)
    fh = open(os.path.join(snakemake_dir, "clusterup.run.lock"), "a+")
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()                                        # another run of this directory is alive
        return None
    stale = glob.glob(os.path.join(snakemake_dir, "locks", "*.lock"))
    for path in stale:
        try:
            os.remove(path)
        except OSError:
            pass
    if stale:
        print("clusterup: removed the lock of an earlier run that was killed (no other run of this "
              "directory is alive); resuming", file=sys.stderr)
    return _RunLock(fh)


_MESSAGE_RE = re.compile(r"^\S+ \S+ ERROR rule (\S+) failed( unexpectedly)?:\s*$")


def failure_messages(log_dir: str, since: float = 0.0) -> list[tuple[str, str]]:
    """(rule, message) of every rule log written after ``since`` that records a failure."""
    out = []
    for path in sorted(glob.glob(os.path.join(log_dir, "**", "*.log"), recursive=True)):
        try:
            if os.path.getmtime(path) < since:
                continue
            with open(path, encoding="utf-8", errors="replace") as fh:
                lines = fh.read().splitlines()
        except OSError:
            continue
        for k, line in enumerate(lines):
            m = _MESSAGE_RE.match(line)
            if m:
                body = []
                for nxt in lines[k + 1:]:
                    if re.match(r"^\d{4}-\d\d-\d\d ", nxt):
                        break
                    body.append(nxt)
                if m.group(2):            # unexpected: the traceback stays in the log, one line here
                    last = next((b for b in reversed(body) if b.strip()), "unexpected error")
                    body = [last.strip(), f"  (details: {path})"]
                out.append((m.group(1), "\n".join(body).rstrip()))
    return out


_START = [0.0]


def mark_start() -> None:
    import time

    _START[0] = time.time()


def report_failures(log_dir: str = "results/logs") -> None:
    """Print each failed rule's message once, at the end of the run (Snakemake's ``onerror``)."""
    msgs = failure_messages(log_dir, _START[0])
    if not msgs:
        return
    bar = "=" * 78
    lines = [bar, "clusterup: the run stopped. What went wrong and how to fix it:"]
    seen = set()
    for rule, text in msgs:
        if text in seen:
            continue
        seen.add(text)
        lines += [f"[{rule}]", text]
    lines += ["Nothing a failed rule started is kept under results/; after the fix, run the same command again.",
              bar]
    print("\n".join(lines), file=sys.stderr)
