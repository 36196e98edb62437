"""Small helpers shared by the thin Snakemake scripts: logging, clean errors, atomic writes.

A script's work runs inside :func:`run`; an :class:`InputError` (or an estimation failure) is
printed as one clear message on stderr and in the rule's log, and the script exits with status 1
(Snakemake then removes the rule's outputs, so nothing half-written stays in ``results/``).
Outputs are written to a temporary file and renamed, so a killed job never leaves a truncated
file under its final name.
"""
from __future__ import annotations

import json
import logging
import math
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable

import numpy as np
from typing import TYPE_CHECKING

if TYPE_CHECKING:      # pandas is imported where it is used: a bootstrap shard never needs it
    import pandas as pd

from clusterup.errors import EstimationError, InputError

log = logging.getLogger("clusterup")


class _TerminalHandler(logging.StreamHandler):
    """stderr handler that prints a record's ``short`` text instead of its message when it has one:
    a failed rule's full message goes to its log file, and Snakemake's ``onerror`` summary
    (clusterup.io.guard.report_failures) prints it from there once, last — not twice."""

    def format(self, record):
        short = getattr(record, "short", None)
        if short is None:
            return super().format(record)
        return f"{self.formatter.formatTime(record) if self.formatter else ''} ERROR {short}".lstrip()


def run(main: Callable[[object], None], smk: object) -> None:
    """Run ``main(smk)`` with logging to the rule's log file and clean error reporting."""
    log_path = smk.log[0] if len(smk.log) else None
    handlers: list[logging.Handler] = [_TerminalHandler(sys.stderr)]
    if log_path:
        os.makedirs(os.path.dirname(log_path) or ".", exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s",
                        handlers=handlers, force=True)
    logging.captureWarnings(True)         # warnings (e.g. a := without a real value) reach the log
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    rule = getattr(smk, "rule", "?")
    t0 = time.perf_counter()
    # a failure's message is printed once, by the run's summary at the end; here only where it is
    where = f": the message is in {log_path} and at the end of the run" if log_path else ""
    try:
        main(smk)
    except (InputError, EstimationError, _bootstrap_failure()) as exc:
        log.error("rule %s failed:\n%s", rule, exc,
                  extra={"short": f"rule {rule} failed{where}"} if log_path else None)
        sys.exit(1)
    except Exception:  # unexpected: keep the traceback in the log, a short line on stderr
        log.error("rule %s failed unexpectedly:\n%s", rule, traceback.format_exc(),
                  extra={"short": f"rule {rule} failed unexpectedly{where}"} if log_path else None)
        sys.exit(1)
    log.info("rule %s finished in %.2f s", rule, time.perf_counter() - t0)


def _bootstrap_failure():
    try:
        from clusterup.structural.bootstrap import BootstrapFailure
    except ImportError:  # pragma: no cover
        return EstimationError
    return BootstrapFailure


def _atomic(path: str, write: Callable[[str], None]) -> None:
    d = os.path.dirname(path) or "."
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".tmp_", suffix=os.path.basename(path))
    os.close(fd)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)       # mkstemp creates 0600; results are ordinary files
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_csv(frame: pd.DataFrame, path: str, **kw) -> None:
    """Write a tidy CSV atomically (floats in full precision, LF line ends); a file registered in
    :mod:`clusterup.registry` must carry exactly its contracted columns."""
    from clusterup.registry import check_columns

    check_columns(path, list(frame.columns))
    _atomic(path, lambda p: frame.to_csv(p, index=False, lineterminator="\n", **kw))


def _clean_json(obj):
    if isinstance(obj, dict):
        return {str(k): _clean_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean_json(v) for v in obj]
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        f = float(obj)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.ndarray):
        return _clean_json(obj.tolist())
    return obj


def write_json(obj, path: str) -> None:
    """Write JSON atomically; NaN and infinities become null."""
    text = json.dumps(_clean_json(obj), indent=2, ensure_ascii=False)
    _atomic(path, lambda p: open(p, "w", encoding="utf-8").write(text + "\n"))


def write_text(text: str, path: str) -> None:
    _atomic(path, lambda p: open(p, "w", encoding="utf-8").write(text))


def read_json(path: str):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def read_csv(path: str, **kw) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(path, keep_default_na=True, **kw)
