"""A second study end to end (issue 8): Political Democracy (Bollen 1989) with its own minimal,
standalone config, run to the PDF.

Asserts that the config stands alone (omitted keys take the schema's defaults, not the thesis's
values), that the chapter speaks of its own study (no thesis wording; its constructs, hypotheses
and effects by their labels), that its numbers equal the committed lavaan 0.6.14 references
(tests/reference/values/lavaan_sem_polidem.json, made by tests/reference/r/lavaan_sem_polidem.R;
the study's model is the reference's "free" model with labels, under likelihood = "normal"), and
that a --forceall rerun gives a byte-identical chapter.
"""
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

pytestmark = pytest.mark.workflow

REPO = Path(__file__).resolve().parents[2]
CONFIG = "studies/political_democracy/config.yaml"
REF = json.loads((REPO / "tests/reference/values/lavaan_sem_polidem.json").read_text())["free"]["normal"]
THESIS_WORDS = ["network", "cluster", "innovative", "innovation", "thesis", "upgrading", "firm", "Liaoning",
                "ind_nsc", "tot_", "NSC", "IB ~", "UPG"]


def _text(path: Path) -> str:
    from pypdf import PdfReader

    return re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(str(path)).pages))


@pytest.fixture(scope="module")
def study(tmp_path_factory, wf):
    wd = wf.copy(tmp_path_factory.mktemp("pd") / "wf")
    proc = wf.run(wd, configfile=CONFIG)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return wd


def test_config_stands_alone(study):
    resolved = json.loads((study / "results/validated/config.json").read_text())["config"]
    schema = yaml.safe_load((REPO / "config/schema.yaml").read_text())["properties"]
    thesis = yaml.safe_load((REPO / "config/config.yaml").read_text())
    # keys the study omits: the schema's defaults, never the thesis's values
    assert resolved["items_dropped"] == [] != thesis["items_dropped"]
    assert resolved["data"]["distributed"] is None and thesis["data"]["distributed"] == 300
    assert resolved["cleaning"] == {k: v["default"] for k, v in schema["cleaning"]["properties"].items()}
    assert resolved["bootstrap"]["seed"] == schema["bootstrap"]["properties"]["seed"]["default"]
    assert resolved["bootstrap"]["ci_level"] == schema["bootstrap"]["properties"]["ci_level"]["default"]
    assert resolved["report"]["chapter_number"] == schema["report"]["properties"]["chapter_number"]["default"]
    # keys it gives: its own
    assert resolved["bootstrap"]["samples"] == 1000 and resolved["estimation"]["likelihood"] == "normal"
    assert resolved["report"]["data_note"].startswith("Public data")
    flow = json.loads((study / "results/clean/flow.json").read_text())
    assert flow["distributed"] is None and flow["valid"] == 75


def test_numbers_equal_lavaan(study):
    fit = json.loads((study / "results/sem/fit.json").read_text())
    fm = REF["fitMeasures"]
    assert fit["df"] == fm["df"]
    assert fit["chi2"] == pytest.approx(fm["chisq"], rel=1e-4)
    for ours, theirs in (("cfi", "cfi"), ("tli", "tli"), ("rmsea", "rmsea"), ("srmr", "srmr")):
        assert fit[ours] == pytest.approx(fm[theirs], abs=1e-3), ours
    est = pd.read_csv(study / "results/sem/estimates.csv")
    ref = pd.DataFrame(REF["parameterEstimates"])
    m = est.merge(ref, on=["lhs", "op", "rhs"], suffixes=("", "_ref"))
    assert len(m) == len(ref)                       # every lavaan parameter is ours too
    assert (m["est"] - m["est_ref"]).abs().max() < 1e-3
    assert ((m["se"] - m["se_ref"]).abs() / m["se_ref"]).max() < 0.01
    assert (m["std_all"] - m["std_all_ref"]).abs().max() < 1e-3
    # the indirect effect a*b = (dem60 ~ ind60) × (dem65 ~ dem60)
    a = ref.query("lhs == 'dem60' and rhs == 'ind60' and op == '~'")["est"].item()
    b = ref.query("lhs == 'dem65' and rhs == 'dem60' and op == '~'")["est"].item()
    hyp = pd.read_csv(study / "results/hypotheses.csv").set_index("id")
    assert hyp.at["H4", "estimate"] == pytest.approx(a * b, abs=1e-3)


def test_chapter_speaks_of_its_own_study(study):
    text = _text(study / "results/report/chapter.pdf")
    html = (study / "results/report/chapter.html").read_text()
    own = text.lower().replace("clusterup", "")     # the product's own name may appear
    # a book title in the references list (Satorra 2000, cited by the WLSMV method note)
    own = own.replace("innovations in multivariate statistical analysis", "")
    for w in THESIS_WORDS:
        assert not re.search(rf"\b{re.escape(w.lower())}", own), w
    assert "Industrialization 1960 → Democracy 1960 → Democracy 1965" in text   # effect by its label
    assert "Industrialization affects democracy in 1965 only through democracy in 1960" in text
    # the model has none: no second-order paragraph, only the sentence saying why the comparison is omitted
    assert "modelled as second-order factors" not in text and "second-order loadings" not in text
    assert "the model has no second-order factors" in text
    assert "continuous scale from 0 to 10" in text
    assert "Sample profile" not in html                                          # no demographics


def test_chapter_is_byte_stable(study, wf):
    before = {f: (study / f"results/report/chapter.{f}").read_bytes() for f in ("html", "pdf")}
    proc = wf.run(study, configfile=CONFIG, extra=["--forceall"])
    assert proc.returncode == 0, proc.stderr[-3000:]
    for f, content in before.items():
        assert (study / f"results/report/chapter.{f}").read_bytes() == content, f


def test_audit_against_printed_lavaan(study):
    """The study's config audits against lavaan 0.6.14's printed output (published.yaml, checked
    by hand against Rscript's summary): every printed number is reproduced; the printed numbers
    agree with each other, and df = 66 moments − 31 free parameters = 35 from the model file."""
    tables = pd.read_csv(study / "results/audit/tables.csv")
    assert dict(zip(tables.table, tables.n)) == {"lavaan tutorial SEM: model test and fit": 14,
                                                 "lavaan tutorial SEM: latent variables": 30,
                                                 "lavaan tutorial SEM: regressions": 9}
    assert set(tables.verdict) == {"reproduced"}
    comp = pd.read_csv(study / "results/audit/published_vs_reproduced.csv", dtype=str)
    assert set(comp.status) == {"match"} and len(comp) == 53
    cons = pd.read_csv(study / "results/audit/consistency.csv", dtype=str).set_index("check")
    assert set(cons.index) == {"rmsea", "p_chi2", "cfi", "tli", "df_model"}
    assert set(cons.status) == {"consistent"}
    assert cons.at["df_model", "recomputed"] == "35" and "q = 31" in cons.at["df_model", "inputs"]
    text = _text(study / "results/report/chapter.pdf")
    assert "Appendix D: Published versus reproduced" in text and "53 of 53 printed numbers match" in text
