"""End to end: the examiner's analyses on a study without second-order factors and with controls."""
import json

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.workflow

MODEL = """NSC =~ NSC1 + NSC2 + NSC3 + NSC4
TIE =~ TIE1 + TIE2 + TIE3 + TIE4
KAC =~ KAC1 + KAC2 + KAC3 + KAC4
PRC =~ PRC1 + PRC2 + PRC3 + PRC4
KAC ~ a1*NSC + a2*TIE
PRC ~ b*KAC + NSC
ind_nsc := a1*b
ind_tie := a2*b
"""
HYP = [{"id": "H1", "statement": "NSC raises KAC", "kind": "path", "target": "KAC ~ NSC", "sign": "+"},
       {"id": "H2", "statement": "KAC mediates", "kind": "indirect", "target": "ind_nsc", "sign": "+"}]


def test_no_second_order_and_controls(tmp_path, wf):
    wd = wf.copy(tmp_path / "wf")
    (wd / "config/small.lavaan").write_text(MODEL)
    (wd / "config/small_h.yaml").write_text(yaml.safe_dump(HYP))
    cfg = yaml.safe_load((wd / "config/config.yaml").read_text())
    cfg.update(model="config/small.lavaan", hypotheses="config/small_h.yaml", items_dropped=[],
               controls=[{"variable": "ownership", "reference": "State-owned"}, {"variable": "firm_age"}])
    cfg["bootstrap"].update(samples=100, shards=2)
    (wd / "small.yaml").write_text(yaml.safe_dump(cfg))
    proc = wf.run(wd, "results/cfa/second_order.json", "results/mediation/sobel.csv", "results/hypotheses.csv",
                  "results/cmb/method_bias.json", configfile="small.yaml")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    so = json.loads((wd / "results/cfa/second_order.json").read_text())
    assert so["available"] is False and "no second-order" in so["reason"]
    alt = pd.read_csv(wd / "results/cfa/alternatives.csv")
    assert list(alt.model) == ["first_order", "one_factor"]
    est = pd.read_csv(wd / "results/sem/estimates.csv", keep_default_na=False, na_values=[""])
    reg = est[est.op == "~"]
    # ownership dummies (3 non-reference levels) and firm_age enter both endogenous equations
    for y in ("KAC", "PRC"):
        assert {"ownership_2", "ownership_3", "ownership_4", "firm_age"} <= set(reg[reg.lhs == y].rhs)
    sob = pd.read_csv(wd / "results/mediation/sobel.csv")
    assert list(sob.effect) == ["ind_nsc", "ind_tie"]
    a = est[est.label == "a1"].iloc[0]
    assert sob.iloc[0]["a"] == pytest.approx(a["est"]) and sob.iloc[0]["se_a"] == pytest.approx(a["se"])
    # the coding the chapter lists, and the bootstrap refits the same model with the controls
    ctl = json.loads((wd / "results/sem/controls.json").read_text())
    assert ctl["columns"] == {"ownership": ["ownership_2", "ownership_3", "ownership_4"], "firm_age": ["firm_age"]}
    assert ctl["reference"] == {"ownership": "State-owned", "firm_age": None}
    assert ctl["endogenous"] == ["KAC", "PRC"]
    setup = json.loads((wd / "results/.work/bootstrap/setup.json").read_text())
    assert {"ownership_2", "firm_age"} <= set(json.dumps(setup).replace('"', " ").split())
