"""mediation: gather the bootstrap shards; SE, percentile, BC and BCa intervals, BC p."""
import logging

import pandas as pd

from clusterup.structural.bootstrap import (BootstrapSetup, Statistics, heywood_variances, jackknife, read_shards,
                                            screens_admissibility)
from clusterup.structural.mediation import summarize
from clusterup.estimation.ml import MLProblem
from clusterup.workflow import run, write_csv, write_json


def main(smk):
    setup = BootstrapSetup.load(smk.input.setup, smk.input.setup_data)
    stats = Statistics(setup.spec, MLProblem(setup.spec))
    B = smk.params.samples
    # integrity of every shard (row count, draw indices); a damaged one is named and removed
    shards = read_shards(list(smk.input.shards), B, stats.columns)
    shards = shards.sort_values(["draw", "attempt"]).reset_index(drop=True)
    ok = shards[shards["ok"]]
    n_failed = int((~shards["ok"]).sum())
    for reason, k in shards.loc[~shards["ok"], "reason"].value_counts().items():
        logging.warning("%d failed resample(s): %s", k, reason)
    full = dict(zip(stats.columns, stats.compute(setup.theta)))
    kinds = {n: ("path" if "~" in n else "defined") for n in stats.names}
    jack, jack_method = jackknife(setup)
    effects = summarize(ok, {n: full[n] for n in stats.names}, {n: full[f"std:{n}"] for n in stats.names},
                        kinds, smk.params.ci_level, n_ok=len(ok), n_failed=n_failed, jackknife=jack)
    order = {"defined": 0, "path": 1}
    effects = effects.sort_values("kind", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    write_csv(effects, smk.output.effects, float_format="%.12g")
    write_csv(ok.drop(columns=["ok", "reason", "refit"], errors="ignore"), smk.output.draws)
    failed = shards[~shards["ok"]]
    write_json({"samples": B, "n_ok": int(len(ok)), "n_failed": n_failed, "attempts": int(len(shards)),
                "shards": len(smk.input.shards), "seed": setup.seed, "ci_level": smk.params.ci_level,
                "failure_reasons": {str(k): int(v) for k, v in failed["reason"].value_counts().items()},
                "failed_draws": failed[["draw", "attempt", "reason"]].to_dict(orient="records"),
                "iterations_median": float(ok["iterations"].median()), "iterations_max": int(ok["iterations"].max()),
                "gradient_max": float(ok["grad_max"].max()), "tolerance": setup.tol,
                "refit": "BFGS to max |g| < 1e-2, then Newton steps with the exact Hessian",
                "admissibility_screened": screens_admissibility(setup),
                "heywood": [{"variable": v, "variance": x} for v, x in heywood_variances(setup)],
                "refit_fallbacks": int((shards.get("refit", pd.Series(dtype=str)) == "bfgs fallback").sum()),
                "jackknife_n": int(len(jack)), "jackknife_method": jack_method, "jackknife_failed": int(jack.isna().any(axis=1).sum()),
                "stream": "numpy default_rng(SeedSequence([seed, draw])) for the first attempt, "
                          "SeedSequence([seed, draw, attempt]) for replacements"},
               smk.output.summary)


run(main, snakemake)  # noqa: F821
