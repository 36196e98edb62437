"""The audit end to end: without a published file nothing about an audit; with one whose entries
are partly wrong on purpose, exactly those are flagged (small bootstrap, as test_shards)."""
import json
import math

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.workflow


def _config(wd, published):
    cfg = yaml.safe_load((wd / "config/config.yaml").read_text())
    cfg["bootstrap"].update(samples=200, shards=2)
    cfg["power"]["enabled"] = False           # not what this test is about (the power study: test_power)
    cfg["audit"] = {"published": published}
    path = wd / "config" / "audit_test.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return path


def _close_printed(x: float) -> str:
    """A 3-decimal string within one unit but more than half a unit of x (a 'close' entry)."""
    r = round(x, 3)
    y = r + 0.001 if x >= r else r - 0.001
    return f"{y:.3f}"


def test_audit_flags_exactly_the_wrong_entries(tmp_path, wf):
    wd = wf.copy(tmp_path / "wf")
    proc = wf.run(wd, configfile=_config(wd, None))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert not (wd / "results/audit").exists()
    html = (wd / "results/report/chapter.html").read_text(encoding="utf-8")
    assert "Published versus reproduced" not in html and "audit" not in html.lower().replace("auditable", "")

    sem = json.loads((wd / "results/sem/fit.json").read_text())
    n = json.loads((wd / "results/clean/flow.json").read_text())["valid"]
    # lavaan-style RMSEA of our (wishart) chi2 with N - 1, printed at 3 decimals: consistent
    rmsea = math.sqrt(max(sem["chi2"] - sem["df"], 0) / (sem["df"] * (n - 1)))
    entries = [
        {"table": "T1", "quantity": "clean/flow.json#valid", "printed": "218"},                      # match
        {"table": "T1", "quantity": "sem/fit.json#df", "printed": str(sem["df"])},                   # match
        {"table": "T1", "quantity": "sem/fit.json#chi2", "printed": f"{sem['chi2']:.2f}"},           # match
        {"table": "T1", "quantity": "sem/fit.json#rmsea", "printed": f"{rmsea:.3f}"},                # match
        {"table": "T2", "quantity": "sem/fit.json#cfi", "printed": _close_printed(sem["cfi"])},      # close
        {"table": "T3", "quantity": "hypotheses.csv[id=H1]#verdict", "printed": "not supported"},    # differs
        {"table": "T3", "quantity": "hypotheses.csv[id=H5]#verdict", "printed": "not supported"},    # match
        {"table": "T3", "quantity": "sem/estimates.csv[lhs=IB]#est", "printed": ".35"},              # missing: ambiguous
        {"table": "T3", "quantity": "nosuch/file.csv[id=1]#x", "printed": "1.00"},                   # missing
        {"table": "T4", "quantity": "cfa/fit.json#chi2", "printed": "10.00"},                        # differs
        {"table": "T4", "quantity": "cfa/fit.json#df", "printed": "20"},                             # (exact df of cfa?)
        {"table": "T4", "quantity": "cfa/fit.json#chi2_df", "printed": "9.99"},                      # inconsistent
    ]
    cfa = json.loads((wd / "results/cfa/fit.json").read_text())
    entries[10]["printed"] = str(cfa["df"])                                                          # match
    (wd / "config/test_published.yaml").write_text(yaml.safe_dump(
        {"source": "deliberately partly wrong transcription (test)", "n": n, "entries": entries}, sort_keys=False))
    proc = wf.run(wd, configfile=_config(wd, "config/test_published.yaml"), extra=["--quiet", "rules"])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    cmp = pd.read_csv(wd / "results/audit/published_vs_reproduced.csv", keep_default_na=False)
    assert list(cmp.columns) == ["table", "quantity", "printed", "reproduced", "decimals", "difference", "status"]
    assert list(cmp["status"]) == ["match", "match", "match", "match", "close", "differs", "match", "missing",
                                   "missing", "differs", "match", "differs"]
    tables = pd.read_csv(wd / "results/audit/tables.csv").set_index("table")
    assert list(tables.columns) == ["n", "match", "close", "differs", "missing", "verdict"]
    assert dict(tables["verdict"]) == {"T1": "reproduced", "T2": "reproduced with minor differences",
                                       "T3": "not reproduced", "T4": "not reproduced"}
    cons = pd.read_csv(wd / "results/audit/consistency.csv", keep_default_na=False)
    assert list(cons.columns) == ["check", "table", "inputs", "printed", "recomputed", "status"]
    got = {(r.check, r.table): r.status for r in cons.itertuples()}
    assert got == {("rmsea", "T1"): "consistent", ("cfi", "T2"): "not checkable",  # no baseline printed
                   ("chi2_df", "T4"): "inconsistent",
                   # df counted from the model file minus the dropped items equals the df the workflow's
                   # SEM and CFA report (both printed from the fits above)
                   ("df_model", "T1"): "consistent", ("df_model", "T4"): "consistent"}
    assert "N−1" in cons.loc[cons["check"] == "rmsea", "inputs"].item()
    log = (wd / "results/logs/audit.log").read_text()
    assert "matches 2 rows" in log or "rows of results/sem/estimates.csv" in log
    html = (wd / "results/report/chapter.html").read_text(encoding="utf-8")
    assert "Appendix D: Published versus reproduced" in html and "not reproduced" in html
    assert "nosuch/file.csv" in html and "hypotheses.csv[id=H1]#verdict" in html
    assert "hypotheses.csv[id=H5]#verdict" not in html          # matching entries are not listed
