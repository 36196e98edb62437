"""End to end: the default chapter from a fresh copy, its verdicts, the PDF's numbers, reruns.

One full run with the default configuration (B = 5000, as the reproduction), shared by the tests
of this module.
"""
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.workflow

EXPECTED = {"H1": "supported", "H2": "supported", "H3": "supported", "H4": "supported",
            "H5": "not supported", "H6": "not supported", "H7": "not supported",
            "H8": "supported", "H9": "supported", "H10": "supported", "H11": "supported"}


@pytest.fixture(scope="module")
def chapter(default_run):
    return default_run        # the session's default run (conftest.py), shared with test_chinese.py


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
    return re.sub(r"\s+", " ", text)


def test_outputs_exist(chapter):
    for f in ["results/report/chapter.pdf", "results/report/chapter.html", "results/provenance.json",
              "results/hypotheses.csv", "results/mediation/effects.csv", "results/mediation/nested.json",
              "results/cfa/fit.json", "results/sem/fit.json", "results/efa/adequacy.json",
              "results/reliability/constructs.csv", "results/describe/normality.json"]:
        assert (chapter / f).stat().st_size > 0, f


def test_flow_of_the_default_data(chapter):
    flow = json.loads((chapter / "results/clean/flow.json").read_text())
    assert flow["returned"] == 251 and flow["valid"] == 218 and flow["distributed"] == 300
    assert flow["excluded"] == {"out_of_range": 7, "excess_missing": 11, "straightlining": 9, "duplicate": 6}


def test_workflow_verdicts_match_the_population_truth(chapter):
    """The seed was chosen (independent quick fit) to show this pattern; the workflow must agree."""
    hyp = pd.read_csv(chapter / "results/hypotheses.csv")
    assert dict(zip(hyp["id"], hyp["verdict"])) == EXPECTED
    eff = pd.read_csv(chapter / "results/mediation/effects.csv")
    assert set(eff["n_ok"]) == {5000}


def _apa(x: float, d: int = 3) -> str:
    s = f"{x:.{d}f}"
    return s.replace("0.", ".", 1) if s.startswith("0.") else s


def test_pdf_numbers_come_from_results(chapter):
    """Every hypothesis with its verdict, and the key fit numbers of CFA and SEM at printed precision."""
    text = _pdf_text(chapter / "results/report/chapter.pdf")
    hyp = pd.read_csv(chapter / "results/hypotheses.csv")
    table = text[text.rfind("Summary of the hypothesis tests"):]
    for row in hyp.itertuples():
        # in the summary table each id is followed (after its statement) by its verdict
        m = re.search(rf"\b{row.id}\b (.*?)\b(not supported|supported)\b", table)
        assert m and m.group(2) == row.verdict, row.id
    for stage in ("cfa", "sem"):
        fit = json.loads((chapter / f"results/{stage}/fit.json").read_text())
        assert f"χ²({fit['df']}) = {fit['chi2']:.2f}" in text
        for key in ("cfi", "tli", "rmsea", "srmr"):
            assert f"{key.upper()} = {_apa(fit[key])}" in text, (stage, key)


def test_second_run_has_nothing_to_do(chapter, wf):
    proc = wf.run(chapter, extra=["-n"])
    assert proc.returncode == 0
    assert "Nothing to be done" in proc.stdout + proc.stderr


def test_template_edit_plans_only_the_report(chapter, wf):
    tpl = chapter / "templates" / "partials" / "s8_hypotheses.html.j2"
    tpl.write_text(tpl.read_text() + "\n{# edited #}\n")
    proc = wf.run(chapter, extra=["-n", "--quiet", "rules"])
    assert proc.returncode == 0, proc.stderr
    jobs = re.findall(r"^(\w+)\s+(\d+)\s*$", proc.stdout + proc.stderr, flags=re.M)
    planned = {name for name, _ in jobs if name not in ("total", "all")}
    # one report rule per language of report.languages (the thesis config: en and zh)
    assert planned == {"report", "report_zh"}, proc.stdout + proc.stderr


def test_sensitivity_panel(chapter):
    """Issue 11: the panel's ML rows reproduce the main analysis (the refit reaches the same optimum
    from simple starts) and `changed` is the comparison with hypotheses.csv."""
    fit = pd.read_csv(chapter / "results/sensitivity/fit.csv")
    assert list(fit.columns) == ["model", "method", "chi2", "df", "p", "chi2_scaled", "scaling_factor",
                                 "df_scaled", "p_scaled", "cfi", "tli", "rmsea", "srmr"]
    import yaml

    methods = yaml.safe_load((chapter / "config/config.yaml").read_text())["sensitivity"]["methods"]
    skipped = pd.read_csv(chapter / "results/sensitivity/skipped.csv")
    refits = [m for m in methods if m != "bollen_stine"]
    for model in ("cfa", "sem"):
        rows = fit[fit.model == model]
        gone = set(skipped.loc[skipped.model == model, "method"])
        assert list(rows.method) == ["ml"] + [m for m in refits if m not in gone]
        main = json.loads((chapter / f"results/{model}/fit.json").read_text())
        ml = rows.iloc[0]
        assert abs(ml.chi2 / main["chi2"] - 1) < 1e-6 and abs(ml.cfi - main["cfi"]) < 1e-6
        robust = rows[rows.method.isin(["mlr", "mlm"])]
        assert (robust.chi2 == ml.chi2).all() and robust.scaling_factor.gt(0).all()
    est = pd.read_csv(chapter / "results/sensitivity/estimates.csv", keep_default_na=False, na_values=[""])
    sem = pd.read_csv(chapter / "results/sem/estimates.csv", keep_default_na=False, na_values=[""])
    m = est[(est.model == "sem") & (est.method == "ml")].merge(sem, on=["lhs", "op", "rhs"], suffixes=("", "_main"))
    assert len(m) and (m.est - m.est_main).abs().max() < 1e-5 and (m.se / m.se_main - 1).abs().max() < 1e-4
    ver = pd.read_csv(chapter / "results/sensitivity/verdicts.csv")
    hyp = dict(zip(*pd.read_csv(chapter / "results/hypotheses.csv")[["id", "verdict"]].T.values))
    judged = set(fit[fit.model == "sem"].method)
    assert set(ver.method) == judged and len(ver) == len(judged) * len(hyp)
    assert all((v != hyp[i]) == c for i, v, c in zip(ver.id, ver.verdict, ver.changed))
    text = _pdf_text(chapter / "results/report/chapter.pdf")
    assert "Robustness of the conclusions" in text
    sem_fit = json.loads((chapter / "results/sem/fit.json").read_text())
    if "fiml" in methods:       # the default data have isolated missing cells: FIML runs, on N rows
        f = fit[(fit.model == "sem") & (fit.method == "fiml")].iloc[0]
        assert f.df == sem_fit["df"] and 0 < f.p < 1 and abs(f.chi2 / sem_fit["chi2"] - 1) < 0.05
    if "wlsmv" in methods:      # ordinal refit on the unimputed complete rows: its own χ², scaled-shifted test
        info = json.loads((chapter / "results/sensitivity/wlsmv.json").read_text())
        clean = pd.read_csv(chapter / "results/clean/survey_clean.csv")
        imputed = pd.read_csv(chapter / "results/clean/imputed_cells.csv")
        holes = imputed.loc[imputed["item"].isin(info["items"]), "resp_id"].nunique()
        assert info["n_rows"] == len(clean) and info["n_complete"] == len(clean) - holes > 0
        for model in ("cfa", "sem"):
            w = fit[(fit.model == model) & (fit.method == "wlsmv")].iloc[0]
            ml = fit[(fit.model == model) & (fit.method == "ml")].iloc[0]
            assert w.df == ml.df and w.chi2 != ml.chi2 and w.scaling_factor > 0 and 0 < w.p_scaled < 1
            assert 0 < w.cfi <= 1 and 0 <= w.rmsea < 0.2 and 0 < w.srmr < 0.2
        wl = est[(est.model == "sem") & (est.method == "wlsmv")]
        assert (wl.op == "|").sum() == info["thresholds"] and wl.se.gt(0).all()
        loadings = wl[wl.op == "=~"]
        assert loadings.std_all.between(0, 1).all()
        poly = pd.read_csv(chapter / "results/sensitivity/polychoric.csv")
        assert list(poly.columns) == ["item"] + list(poly["item"]) == ["item"] + info["items"]
        R = poly.drop(columns="item").to_numpy()
        assert np.allclose(R, R.T) and np.allclose(np.diag(R), 1) and np.abs(R).max() <= 1
        assert set(ver[ver.method == "wlsmv"].id) == set(hyp)
        assert "WLSMV" in text and "Not yet in this panel" not in text
    if "bollen_stine" in methods:
        bs = json.loads((chapter / "results/sensitivity/bollen_stine.json").read_text())
        assert list(bs)[:5] == ["samples", "n_ok", "n_failed", "chi2", "p"]
        assert bs["samples"] == bs["n_ok"] == 1000 and 0 <= bs["p"] <= 1
        assert abs(bs["chi2"] / sem_fit["chi2"] - 1) < 1e-9
        assert bs["n_larger"] == round(bs["p"] * bs["n_ok"])
        html = re.sub(r"\s+", " ", (chapter / "results/report/chapter.html").read_text(encoding="utf-8"))
        html = html.replace("\u2060", "")          # word joiners of the number formatting
        assert "Bollen–Stine" in text and f"p = {_apa(bs['p'])} from 1000 resamples" in html


def test_power_study(chapter):
    """Issue 15: power of every hypothesis at every N, each replication accounted for (ok or
    failed), the analytic Satorra–Saris power of the paths within Monte-Carlo error of the
    simulated one where the two are comparable, and the section in the PDF."""
    power = pd.read_csv(chapter / "results/power/power.csv")
    hyp = pd.read_csv(chapter / "results/hypotheses.csv")
    assert list(power.columns) == ["id", "n", "power", "mc_se", "n_ok", "n_failed"]
    assert set(power.id) == set(hyp.id) and sorted(power.n.unique()) == [100, 150, 218, 300, 500]
    assert ((power.n_ok + power.n_failed) == 1000).all()
    need = pd.read_csv(chapter / "results/power/n_required.csv", dtype=str)
    assert list(need.columns) == ["id", "n_for_80", "n_for_90"] and set(need.id) == set(hyp.id)
    ana = pd.read_csv(chapter / "results/power/analytic.csv").merge(power, on=["id", "n"], suffixes=("_a", ""))
    # asymptotic vs finite-sample: compared where the normal approximation is good (N ≥ 218)
    big = ana[ana.n >= 218]
    assert len(big) and ((big.power - big.power_a).abs() < 3 * big.mc_se.clip(lower=0.01) + 0.02).all()
    text = _pdf_text(chapter / "results/report/chapter.pdf")
    assert "Statistical power of the hypothesis tests" in text and "N for 80%" in text


def test_every_results_file_is_in_the_dictionary(chapter):
    """Every CSV/JSON deliverable is registered; every CSV's header is its contract (plus the
    declared study-dependent columns); every JSON's top-level keys are documented."""
    from clusterup.registry import lookup

    results = chapter / "results"
    seen = 0
    for path in sorted(results.rglob("*")):
        rel = path.relative_to(results).as_posix()
        if not path.is_file() or rel.split("/")[0] in ("logs", "benchmarks", ".work"):
            continue
        entry = lookup(rel)
        assert entry is not None, f"results/{rel} is not in clusterup/registry/"
        if path.suffix == ".csv":
            header = list(pd.read_csv(path, nrows=0).columns)
            want = entry.columns
            if entry.extra:
                assert header[: len(want)] == want and len(header) > len(want), (rel, header)
            else:
                assert header == want, (rel, header)
            seen += 1
        elif path.suffix == ".json":
            keys = list(json.loads(path.read_text()))
            assert set(keys) <= set(entry.columns), (rel, sorted(set(keys) - set(entry.columns)))
            seen += 1
    assert seen >= 30
    readme = (results / "README.md").read_text()
    assert "### `hypotheses.csv`" in readme and "| `first_factor_pct` |" in readme
