"""The audit: selector language, rounding rules, table verdicts and every consistency check,
against hand computations."""
import math

import pandas as pd
import pytest

from clusterup.audit import consistency as C
from clusterup.audit.published import (LookupFailure, compare, compare_all, lookup, parse_printed,
                                       parse_published, parse_quantity, table_verdicts)
from clusterup.errors import InputError

EST = pd.DataFrame({"lhs": ["IB", "IB", "UPG", "IB"], "op": ["~", "~", "~", "=~"],
                    "rhs": ["NSC", "TIE", "IB", "KAC"], "label": ["a1", "a2", "b", ""],
                    "std_all": ["0.19", "0.3", "0.61", "0.8"]})
FILES = {"sem/estimates.csv": EST, "sem/fit.json": {"chi2": 550.83, "cfi": 0.93149, "rmsea": {"ci": {"lo": 0.04}}}}


def read(path):
    return FILES.get(path)


# --- selector language -----------------------------------------------------------------------

def test_parse_quantity_forms():
    q = parse_quantity("sem/estimates.csv[lhs=IB, rhs=NSC]#std_all")
    assert (q.path, q.selector, q.field) == ("sem/estimates.csv", (("lhs", "IB"), ("rhs", "NSC")), "std_all")
    q = parse_quantity("results/sem/fit.json#rmsea.ci.lo")
    assert (q.path, q.selector, q.field) == ("sem/fit.json", (), "rmsea.ci.lo")
    q = parse_quantity("sem/estimates.csv[op==~,lhs=IB]#std_all")        # a value may contain '='
    assert q.selector == (("op", "=~"), ("lhs", "IB"))


@pytest.mark.parametrize("bad", ["sem/fit.json", "sem/fit.json[a=b]#chi2", "sem/estimates.csv[label]#est",
                                 "sem/fit.txt#chi2"])
def test_parse_quantity_rejects(bad):
    with pytest.raises(ValueError):
        parse_quantity(bad)


def test_lookup_csv_json_and_failures():
    assert lookup(parse_quantity("sem/estimates.csv[label=a1]#std_all"), read) == "0.19"
    assert lookup(parse_quantity("sem/estimates.csv[lhs=UPG,rhs=IB]#std_all"), read) == "0.61"
    assert lookup(parse_quantity("sem/fit.json#rmsea.ci.lo"), read) == 0.04
    with pytest.raises(LookupFailure, match=r"matches 3 rows.*IB"):
        lookup(parse_quantity("sem/estimates.csv[lhs=IB]#std_all"), read)
    with pytest.raises(LookupFailure, match=r"matches no row.*candidates.*a1, a2, b"):
        lookup(parse_quantity("sem/estimates.csv[label=a9]#std_all"), read)
    with pytest.raises(LookupFailure, match="no column 'beta'"):
        lookup(parse_quantity("sem/estimates.csv[label=a1]#beta"), read)
    with pytest.raises(LookupFailure, match="no key 'gfi'"):
        lookup(parse_quantity("sem/fit.json#gfi"), read)
    with pytest.raises(LookupFailure, match="does not exist"):
        lookup(parse_quantity("cfa/fit.json#chi2"), read)


# --- rounding rules --------------------------------------------------------------------------

@pytest.mark.parametrize("printed, reproduced, status", [
    (".931", 0.93149, "match"),          # |diff| = .00049 <= .0005
    (".931", 0.9316, "close"),           # .0006: within one unit (.001), not half
    (".931", 0.9330, "differs"),
    ("< .001", 0.0004, "match"), ("< .001", 0.0012, "differs"), ("<.05", 0.049, "match"),
    ("-.19", -0.194, "match"), ("−0.19", -0.1845, "close"), ("-.19", 0.19, "differs"),
    ("1,234.5", 1234.46, "match"), ("1,234.5", 1234.58, "close"),
    ("45.6%", 0.4563, "match"), ("45.6%", 0.457, "close"), ("45.6%", 45.6, "differs"),
    ("218", 218, "match"), ("218", 219, "close"), ("218", 220, "differs"),
    ("550.83", 550.8349, "match"),
    ("not supported", "not supported", "match"), ("Not  Supported", "not_supported", "match"),
    ("supported", "not supported", "differs"),
    ("***", 0.0002, "match"), ("**", 0.0002, "differs"), ("*", 0.03, "match"),
    (".19", None, "missing"), (".19", float("nan"), "missing"),
])
def test_rounding_rules(printed, reproduced, status):
    assert compare(printed, reproduced)["status"] == status


def test_decimals_and_difference():
    r = compare(".931", 0.9316)
    assert r["decimals"] == 3 and r["difference"] == pytest.approx(0.0006)
    p = parse_printed("1,234.50")
    assert (p.value, p.decimals) == (1234.5, 2)


def test_compare_all_and_verdicts():
    entries = [{"table": "T1", "quantity": "sem/fit.json#chi2", "printed": "550.83"},
               {"table": "T1", "quantity": "sem/fit.json#cfi", "printed": ".931"},
               {"table": "T2", "quantity": "sem/estimates.csv[label=a1]#std_all", "printed": ".19"},
               {"table": "T2", "quantity": "sem/estimates.csv[label=b]#std_all", "printed": ".62"},
               {"table": "T3", "quantity": "sem/estimates.csv[lhs=IB]#std_all", "printed": ".19"},
               {"table": "T4", "quantity": "sem/fit.json#chi2", "printed": "550.84"}]
    cmp = compare_all(entries, read)
    assert list(cmp["status"]) == ["match", "match", "match", "close", "missing", "close"]
    assert "3 rows" in cmp.attrs["notes"][4]
    tv = table_verdicts(cmp).set_index("table")
    assert tv.loc["T1", "verdict"] == "reproduced"
    assert tv.loc["T2", "verdict"] == "reproduced with minor differences"
    assert tv.loc["T3", "verdict"] == "not reproduced"
    assert tv.loc["T4", "verdict"] == "reproduced with minor differences"
    assert list(tv.loc["T2", ["n", "match", "close", "differs", "missing"]]) == [2, 1, 1, 0, 0]


def test_published_file_errors():
    with pytest.raises(InputError, match="source"):
        parse_published({"entries": [{"table": "a", "quantity": "b.json#c", "printed": "1"}]}, "p.yaml")
    with pytest.raises(InputError, match="quoted string"):
        parse_published({"source": "s", "entries": [{"table": "a", "quantity": "b.json#c", "printed": 0.93}]}, "p.yaml")
    with pytest.raises(InputError, match="lacks printed"):
        parse_published({"source": "s", "entries": [{"table": "a", "quantity": "b.json#c"}]}, "p.yaml")


# --- consistency checks, by hand ---------------------------------------------------------------

def fit_entries(**printed):
    return [{"table": "Fit", "quantity": f"cfa/fit.json#{k}", "printed": v} for k, v in printed.items()]


def by_check(df):
    return {r.check: r for r in df.itertuples()}


def test_rmsea_both_conventions():
    # chi2 = 100, df = 50, N = 201: sqrt(50/(50*200)) = .070711 (N-1); sqrt(50/(50*201)) = .070535 (N)
    assert C.rmsea(100, 50, 201) == pytest.approx(math.sqrt(1 / 200))
    assert C.rmsea(100, 50, 201, n_minus_one=False) == pytest.approx(math.sqrt(1 / 201))
    r = by_check(C.check_all(fit_entries(chi2="100.00", df="50", rmsea=".0707", n="201")))["rmsea"]
    assert r.status == "consistent" and "matches with N−1" in r.inputs
    r = by_check(C.check_all(fit_entries(chi2="100.00", df="50", rmsea=".0705"), n=201))["rmsea"]
    assert r.status == "consistent" and "matches with N;" not in r.inputs and r.inputs.endswith("with N")
    r = by_check(C.check_all(fit_entries(chi2="100.00", df="50", rmsea=".080"), n=201))["rmsea"]
    assert r.status == "inconsistent"
    assert by_check(C.check_all(fit_entries(rmsea=".05")))["rmsea"].status == "not checkable"


def test_chi2_df_and_p():
    # 550.83/400 = 1.377075 -> "1.38"; "1.40" impossible
    assert by_check(C.check_all(fit_entries(chi2="550.83", df="400", chi2_df="1.38")))["chi2_df"].status == "consistent"
    assert by_check(C.check_all(fit_entries(chi2="550.83", df="400", chi2_df="1.40")))["chi2_df"].status == "inconsistent"
    # chi2 = 3.84, df = 1: p = .0500 (the 95% quantile 3.8415); 38.125 on 35 df: p = .329 (lavaan tutorial)
    assert by_check(C.check_all(fit_entries(chi2="38.125", df="35", p=".329")))["p_chi2"].status == "consistent"
    assert by_check(C.check_all(fit_entries(chi2="38.125", df="35", p=".429")))["p_chi2"].status == "inconsistent"
    assert by_check(C.check_all(fit_entries(chi2="550.83", df="400", p="< .001")))["p_chi2"].status == "consistent"
    assert by_check(C.check_all(fit_entries(chi2="3.84", df="1", p="< .001")))["p_chi2"].status == "inconsistent"


def test_cfi_tli_from_baseline():
    # chi2 = 100, df = 50, baseline 1000 on 66: CFI = 1 - 50/934 = .946467; TLI = (15.1515 - 2)/(14.1515) = .929336
    assert C.cfi(100, 50, 1000, 66) == pytest.approx(1 - 50 / 934)
    assert C.tli(100, 50, 1000, 66) == pytest.approx((1000 / 66 - 2) / (1000 / 66 - 1))
    e = fit_entries(chi2="100.00", df="50", baseline_chi2="1000.00", baseline_df="66", cfi=".946", tli=".929")
    got = by_check(C.check_all(e))
    assert got["cfi"].status == got["tli"].status == "consistent"
    e = fit_entries(chi2="100.00", df="50", baseline_chi2="1000.00", baseline_df="66", cfi=".956", tli=".939")
    got = by_check(C.check_all(e))
    assert got["cfi"].status == got["tli"].status == "inconsistent"
    assert by_check(C.check_all(fit_entries(chi2="1", df="1", cfi=".99")))["cfi"].status == "not checkable"


def test_cr_ave_from_loadings():
    lam = [0.7, 0.8, 0.6]
    # CR = 2.1^2/(4.41 + (.51 + .36 + .64)) = 4.41/5.92 = .744932; AVE = (.49+.64+.36)/3 = .496667
    assert C.composite_reliability(lam) == pytest.approx(4.41 / 5.92)
    assert C.ave(lam) == pytest.approx(1.49 / 3)
    e = [{"table": "T4-7", "quantity": f"cfa/estimates.csv[lhs=F,op==~,rhs=x{i}]#std_all", "printed": f"{v:.2f}"}
         for i, v in enumerate(lam)]
    ok = e + [{"table": "T4-8", "quantity": "cfa/validity.csv[construct=F]#cr", "printed": ".745"},
              {"table": "T4-8", "quantity": "cfa/validity.csv[construct=F]#ave", "printed": ".497"}]
    got = by_check(C.check_all(ok))
    assert got["cr"].status == got["ave"].status == "consistent"
    bad = e + [{"table": "T4-8", "quantity": "cfa/validity.csv[construct=F]#cr", "printed": ".80"},
               {"table": "T4-8", "quantity": "cfa/validity.csv[construct=G]#ave", "printed": ".50"}]
    got = C.check_all(bad)
    assert list(got["status"]) == ["inconsistent", "not checkable"]


def test_df_from_model():
    # 9 observed variables: 45 moments; 21 free parameters -> df = 24
    e = fit_entries(df="24", npar="21", n_observed="9")
    assert by_check(C.check_all(e))["df"].status == "consistent"
    assert by_check(C.check_all(fit_entries(df="25", npar="21", n_observed="9")))["df"].status == "inconsistent"


def test_grim():
    # N = 20: means are multiples of .05; 3.45 = 69/20 possible, 3.47 not (69.4/20)
    assert C.grim("3.45", 20)[0] == "consistent"
    assert C.grim("3.47", 20)[0] == "inconsistent"
    assert C.grim("3.47", 218)[0] == "not checkable"         # 218 > 100: every 2-decimal mean possible
    assert C.grim("3.472", 218)[0] == "consistent"           # 757/218 = 3.47248
    assert C.grim("3.470", 218)[0] == "inconsistent"         # 756/218 = 3.4679, 757/218 = 3.4725
    e = [{"table": "T4-2", "quantity": "describe/items.csv[item=X1]#mean", "printed": "3.47"},
         {"table": "T4-2", "quantity": "describe/items.csv[item=X1]#n", "printed": "20"}]
    assert by_check(C.check_all(e))["grim"].status == "inconsistent"


def test_political_democracy_transcription_is_self_consistent():
    """lavaan's printed numbers agree with each other (RMSEA, p, CFI, TLI recomputed by hand formulas)."""
    from pathlib import Path

    import yaml

    path = Path(__file__).resolve().parents[2] / "studies/political_democracy/published.yaml"
    pub = parse_published(yaml.safe_load(path.read_text()), str(path))
    got = C.check_all(pub["entries"], n=pub["n"])
    assert set(got["check"]) == {"rmsea", "p_chi2", "cfi", "tli"}
    assert set(got["status"]) == {"consistent"}


def test_thesis_published_file_parses():
    from pathlib import Path

    import yaml

    path = Path(__file__).resolve().parents[2] / "config/published.yaml"
    pub = parse_published(yaml.safe_load(path.read_text()), str(path))
    assert len(pub["entries"]) == 13 and all(e["source"] for e in pub["entries"])


# --- counts and df from the model (issue 14 items 5, 6) ----------------------------------------

def test_rows_counts_rows_and_entries():
    hyp = pd.DataFrame({"id": [f"H{i}" for i in range(1, 12)],
                        "verdict": ["supported"] * 4 + ["not supported"] * 3 + ["supported"] * 4})
    files = {"hypotheses.csv": hyp, "x.json": {"a": {"b": [1, 2, 3]}, "c": 4}}
    r = files.get
    assert lookup(parse_quantity("hypotheses.csv#@rows"), r) == 11
    assert lookup(parse_quantity("hypotheses.csv[verdict=supported]#@rows"), r) == 8
    assert lookup(parse_quantity("hypotheses.csv[verdict=rejected]#@rows"), r) == 0   # a count may be 0
    assert lookup(parse_quantity("x.json#a.b.@rows"), r) == 3
    assert lookup(parse_quantity("x.json#@rows"), r) == 2
    with pytest.raises(LookupFailure, match="not a list or mapping"):
        lookup(parse_quantity("x.json#c.@rows"), r)
    with pytest.raises(LookupFailure, match="no column 'kind'"):
        lookup(parse_quantity("hypotheses.csv[kind=x]#@rows"), r)
    got = compare_all([{"table": "Abstract", "quantity": "hypotheses.csv#@rows", "printed": "11"},
                       {"table": "Abstract", "quantity": "hypotheses.csv#@rows", "printed": "13"}], r)
    assert list(got["status"]) == ["match", "differs"]


PD_MODEL = """ind60 =~ x1 + x2 + x3
dem60 =~ y1 + y2 + y3 + y4
dem65 =~ y5 + y6 + y7 + y8
dem60 ~ ind60
dem65 ~ ind60 + dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8
"""
HS_MODEL = "visual =~ x1 + x2 + x3\ntextual =~ x4 + x5 + x6\nspeed =~ x7 + x8 + x9\n"


def test_model_df_by_hand():
    # PD: 11 observed -> 66 moments; q = 8 loadings + 11 residual variances + 1 exogenous variance
    # + 2 disturbances + 3 regressions + 6 residual covariances = 31 -> df 35 (lavaan prints 35)
    assert C.model_df(PD_MODEL) == (11, 31, 35)
    # its measurement part: the 3 regressions become 3 factor covariances -> q = 31 again
    assert C.model_df(PD_MODEL, measurement=True) == (11, 31, 35)
    # HS 3-factor CFA: 9 observed -> 45 moments; 6 loadings + 9 residuals + 3 variances + 3 covariances
    assert C.model_df(HS_MODEL) == (9, 21, 24)


def test_df_from_model_check():
    e = [{"table": "T", "quantity": "cfa/fit.json#df", "printed": "24"},
         {"table": "T", "quantity": "cfa/fit.json#chi2", "printed": "85.306"}]
    got = by_check(C.check_all(e, model=HS_MODEL, model_source="hs.lavaan"))["df_model"]
    assert got.status == "consistent" and got.recomputed == "24" and "45 moments" in got.inputs
    e[0]["printed"] = "25"
    assert by_check(C.check_all(e, model=HS_MODEL))["df_model"].status == "inconsistent"
    assert "df_model" not in set(C.check_all(e)["check"])          # no model given: no check
    # the analysis model: x3 purified -> 8 observed, 36 moments; 5 + 8 + 3 + 3 = 19 free -> df 17
    assert C.model_df(HS_MODEL, items_dropped=["x3"]) == (8, 19, 17)
    e[0]["printed"] = "17"
    assert by_check(C.check_all(e, model=HS_MODEL, items_dropped=["x3"]))["df_model"].status == "consistent"
