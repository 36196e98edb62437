"""AMOS-style diagrams (clusterup.report.diagrams): no label meets another label, an arrow head or a
shape; text >= 7 pt at the printed size; every part of the model is drawn.

Models: the thesis model (config/model.lavaan, second-order factors, mediator), lavaan's own estimates
of the HS1939 three-factor CFA and the Political Democracy SEM (tests/reference/values), a model
without second-order factors and two parallel mediators, and a model with many items per factor.
The expected counts (arrow heads, dashed lines, error terms) are counted from the model by hand
rules, not from the drawing.
"""
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterup.estimation.syntax import parse_model
from clusterup.report.diagrams import Box, Diagram, cfa_diagram, overlaps, printed_font_pt, sem_diagram, text_width

ROOT = Path(__file__).resolve().parents[2]
VALUES = ROOT / "tests" / "reference" / "values"


def synthetic(model_text: str, seed: int, cfa: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """An estimates table with the structure of the model and wide labels (negative, three stars)."""
    rng = np.random.default_rng(seed)
    terms = parse_model(model_text).terms
    rows, seen = [], set()
    for t in terms:
        if t.op == "=~":
            first = t.lhs not in seen
            seen.add(t.lhs)
            rows.append(dict(lhs=t.lhs, op="=~", rhs=t.rhs, std_all=rng.uniform(0.4, 0.95),
                             p=np.nan if first else rng.choice([1e-5, 0.003, 0.2])))
        elif t.op == "~" and not cfa:
            rows.append(dict(lhs=t.lhs, op="~", rhs=t.rhs, std_all=rng.uniform(-0.45, 0.9),
                             p=rng.choice([1e-5, 0.004, 0.03, 0.4])))
    est = pd.DataFrame(rows)
    factors = list(dict.fromkeys(est.loc[est.op == "=~", "lhs"]))
    inds = set(est.loc[est.op == "=~", "rhs"])
    outcomes = set(est.loc[est.op == "~", "lhs"])
    roots = [f for f in factors if f not in inds]
    exo = roots if cfa else [f for f in roots if f not in outcomes]
    if cfa:     # first-order CFA: every first-order factor correlated
        exo = [f for f in factors if not any(f == r.lhs and r.rhs in factors for r in est.itertuples())]
    cov = [dict(lhs=a, op="~~", rhs=b, std_all=-rng.uniform(0.05, 0.7), p=rng.choice([1e-5, 0.02, 0.5]))
           for i, a in enumerate(exo) for b in exo[i + 1:]]
    est = pd.concat([est, pd.DataFrame(cov)], ignore_index=True)
    endo = sorted(outcomes | {r.rhs for r in est[est.op == "=~"].itertuples() if r.rhs in factors})
    r2 = pd.DataFrame({"variable": endo, "kind": "latent", "r2": rng.uniform(0.1, 0.9, len(endo))})
    return est, r2


def lavaan(file: str, *keys) -> pd.DataFrame:
    d = json.loads((VALUES / file).read_text())
    for k in keys:
        d = d[k]
    est = pd.DataFrame(d["parameterEstimates"]).rename(columns={"pvalue": "p"})
    r2 = pd.DataFrame({"variable": list(d["rsquare"]), "r2": list(d["rsquare"].values())}) \
        if isinstance(d.get("rsquare"), dict) else pd.DataFrame(columns=["variable", "r2"])
    return est[est.op.isin(["=~", "~", "~~"])], r2


THESIS = (ROOT / "config" / "model.lavaan").read_text()
NO_SECOND_ORDER = """
X1 =~ a1 + a2 + a3
X2 =~ b1 + b2 + b3 + b4
M1 =~ m1 + m2 + m3
M2 =~ n1 + n2 + n3
Y =~ y1 + y2 + y3
M1 ~ X1 + X2
M2 ~ X1 + X2
Y ~ M1 + M2 + X1
"""
MANY_ITEMS = ("F =~ " + " + ".join(f"f{i}" for i in range(1, 15)) + "\n"
              "G =~ " + " + ".join(f"g{i}" for i in range(1, 13)) + "\nG ~ F\n")


def cases():
    out = []
    est, r2 = synthetic(THESIS, 1)
    out.append(("thesis-sem", sem_diagram(est, r2), est, "landscape"))
    est, _ = synthetic(THESIS, 2, cfa=True)
    est = est[~((est.op == "=~") & est.lhs.isin(["IB", "UPG"]))]
    out.append(("thesis-cfa", cfa_diagram(est), est, "portrait"))
    est, _ = lavaan("lavaan_cfa_hs.json", "cfa", "normal")
    out.append(("hs1939-cfa", cfa_diagram(est), est, "portrait"))
    est, r2 = lavaan("lavaan_sem_polidem.json", "labelled", "normal")
    out.append(("polidem-sem", sem_diagram(est, r2), est, "landscape"))
    est, r2 = synthetic(NO_SECOND_ORDER, 3)
    out.append(("parallel-mediators-sem", sem_diagram(est, r2), est, "landscape"))
    est, _ = synthetic(MANY_ITEMS, 4, cfa=True)
    est = est[est.op != "~"]
    out.append(("many-items-cfa", cfa_diagram(est), est, "portrait"))
    est, r2 = synthetic(MANY_ITEMS, 5)
    out.append(("many-items-sem", sem_diagram(est, r2), est, "landscape"))
    return out


CASES = cases()
IDS = [c[0] for c in CASES]
CASE_R2 = {"thesis-sem": synthetic(THESIS, 1)[1], "polidem-sem": lavaan("lavaan_sem_polidem.json", "labelled", "normal")[1],
           "parallel-mediators-sem": synthetic(NO_SECOND_ORDER, 3)[1], "many-items-sem": synthetic(MANY_ITEMS, 5)[1]}


@pytest.mark.parametrize("name,d,est,page", CASES, ids=IDS)
def test_no_label_meets_a_label_head_or_shape(name, d, est, page):
    bad = overlaps(d)
    assert not bad, f"{name}: {len(bad)} overlaps, first {bad[:3]}"


@pytest.mark.parametrize("name,d,est,page", CASES, ids=IDS)
def test_text_at_least_7pt_when_printed(name, d, est, page):
    assert printed_font_pt(d, page) >= 7.0
    root = ET.fromstring(d.svg)
    w = float(root.get("width").removesuffix("pt"))
    vb = [float(v) for v in root.get("viewBox").split()]
    sizes = {float(t.get("font-size")) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert min(sizes) * w / vb[2] >= 7.0      # the size the SVG itself will print at


@pytest.mark.parametrize("name,d,est,page", CASES, ids=IDS)
def test_every_part_of_the_model_is_drawn(name, d, est, page):
    """Heads: one per loading, per error term, per regression, per disturbance, two per covariance."""
    root = ET.fromstring(d.svg)
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(ns + "text")]
    load = est[est.op == "=~"]
    factors = set(load.lhs)
    items = [i for i in dict.fromkeys(load.rhs) if i not in factors]
    is_sem = "sem" in name
    reg = est[est.op == "~"] if is_sem else est.iloc[0:0]
    roots = [f for f in dict.fromkeys(load.lhs) if f not in set(load.rhs)]
    layer0 = [f for f in roots if f not in set(reg.lhs)]
    cov = est[(est.op == "~~") & (est.lhs != est.rhs) & est.lhs.isin(layer0) & est.rhs.isin(layer0)]
    endo = set(reg.lhs) | {c for c in load.rhs if c in factors}
    heads = len(load) + len(items) + len(reg) + len(endo) + 2 * len(cov)
    assert len(list(root.iter(ns + "polygon"))) == heads
    assert sorted(t for t in texts if re.fullmatch(r"e\d+", t or "")) == sorted(f"e{k}" for k in range(1, len(items) + 1))
    assert sorted(t for t in texts if re.fullmatch(r"z\d+", t or "")) == sorted(f"z{k}" for k in range(1, len(endo) + 1))
    for v in items + sorted(factors):
        assert v in texts
    nonsig_reg = int((reg.p >= 0.05).sum())
    nonsig_cov = int((cov.p >= 0.05).sum())
    dashed = [e for e in root.iter() if e.get("stroke-dasharray")]
    assert len(dashed) == nonsig_reg + nonsig_cov
    if is_sem:
        with_r2 = endo & set(CASE_R2[name].variable)
        assert sum(1 for t in texts if (t or "").startswith("R² = ")) == len(with_r2)


def test_text_width_is_the_font_advance():
    # DejaVu Sans digits advance 1303 of 2048 units per em; "R" 1423 (the font's hmtx table)
    assert text_width("00", 10) == pytest.approx(2 * 1303 * 10 / 2048)
    assert text_width("R", 2048) == pytest.approx(1423)


def test_overlaps_finds_a_label_on_a_shape():
    d = Diagram("", [Box(0, 0, 10, 10, "shape"), Box(5, 5, 20, 12, "label"), Box(30, 0, 40, 5, "label")], 1, 1)
    assert len(overlaps(d)) == 1
