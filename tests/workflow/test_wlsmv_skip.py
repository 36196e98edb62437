"""Issue 11: WLSMV on a study whose items are continuous is skipped with a stated reason, not an error.

Political Democracy (studies/political_democracy: expert ratings with decimals, e.g. 2.78) with
``sensitivity.methods: [wlsmv, mlr]``: the sensitivity rule succeeds, skipped.csv names WLSMV for
both models with the first non-integer item, the log warns, fit.csv has no wlsmv row while MLR still
runs, polychoric.csv has only its ``item`` column and wlsmv.json is empty.
"""
import json

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.workflow


def test_wlsmv_skipped_for_continuous_items(workdir, snakemake):
    cfg = yaml.safe_load((workdir / "studies/political_democracy/config.yaml").read_text())
    cfg["sensitivity"] = {"methods": ["wlsmv", "mlr"]}
    cfg["bootstrap"] = {"samples": 100, "shards": 1}
    cfg.pop("audit", None)
    path = workdir / "wlsmv_skip.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    outs = ["results/sensitivity/fit.csv", "results/sensitivity/polychoric.csv", "results/sensitivity/wlsmv.json"]
    proc = snakemake(workdir, *outs, configfile=path, local=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = pd.read_csv(workdir / "studies/political_democracy/data/politicaldemocracy.csv")
    skipped = pd.read_csv(workdir / "results/sensitivity/skipped.csv")
    w = skipped[skipped.method == "wlsmv"]
    assert sorted(w.model) == ["cfa", "sem"]
    items = w.reason.str.extract(r"^item (\w+) has non-integer values \(a continuous item")[0]
    assert items.notna().all(), w.reason.tolist()
    assert all((data[c] != data[c].round()).any() for c in items)
    fit = pd.read_csv(workdir / "results/sensitivity/fit.csv")
    assert "wlsmv" not in set(fit.method) and {"ml", "mlr"} <= set(fit.method)
    assert list(pd.read_csv(workdir / "results/sensitivity/polychoric.csv").columns) == ["item"]
    assert json.loads((workdir / "results/sensitivity/wlsmv.json").read_text()) == {}
    log = (workdir / "results/logs/sensitivity.log").read_text()
    assert "WARNING" in log and "wlsmv skipped for sem" in log
