"""Bad-input battery (issue 9, SPEC §8): every case breaks one input of a fresh copy and runs the
workflow's first stages.  All cases run concurrently in one module fixture (each in its own copy);
the parametrised tests then check, per case:

* a non-zero exit with the culprit named — or, where the input is legitimate, a correct run;
* no ``Traceback`` in the output;
* every CSV/JSON under ``results/`` readable;
* for input-only faults, nothing written beyond validation (only ``results/validated`` and logs).
"""
from __future__ import annotations

import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest
import yaml


pytestmark = pytest.mark.workflow

DATA = "data/raw/survey_raw.csv"
FLOW = "results/clean/flow.json"
MODEL = "config/model.lavaan"
CODEBOOK = "config/codebook.yaml"
HYP = "config/hypotheses.yaml"
ALLOWED_AFTER_INPUT_FAULT = ("results/validated/", "results/logs/", "results/benchmarks/")


# ---- editing helpers ---------------------------------------------------------------------------
def rows(wd):
    with open(wd / DATA, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def put_rows(wd, rs, delimiter=",", encoding="utf-8"):
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rs)
    (wd / DATA).write_bytes(buf.getvalue().encode(encoding))


def config(wd, change):
    p = wd / "config/config.yaml"
    c = yaml.safe_load(p.read_text(encoding="utf-8"))
    change(c)
    p.write_text(yaml.safe_dump(c, allow_unicode=True, sort_keys=False), encoding="utf-8")


def text(wd, rel, change, encoding="utf-8"):
    p = wd / rel
    p.write_bytes(change(p.read_text(encoding="utf-8")).encode(encoding))


def yaml_edit(wd, rel, change):
    p = wd / rel
    d = yaml.safe_load(p.read_text(encoding="utf-8"))
    d = change(d) or d
    p.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")


def col(wd, name, fn):
    rs = rows(wd)
    k = rs[0].index(name)
    for r in rs[1:]:
        r[k] = fn(r[k])
    put_rows(wd, rs)


def rename_header(wd, old, new):
    rs = rows(wd)
    rs[0][rs[0].index(old)] = new
    put_rows(wd, rs)


def cell(wd, row, name, value):
    rs = rows(wd)
    rs[row][rs[0].index(name)] = value
    put_rows(wd, rs)


def residual_covariances(t, per=4):
    items = [f"{c}{k}" for c in ("NSC", "TIE", "POS", "KAC", "KAB", "KCR", "PRC", "PRD", "FUN") for k in range(1, per + 1)
             if f"{c}{k}" != "FUN4"]
    extra = [f"{a} ~~ {b}" for i, a in enumerate(items) for b in items[i + 1:]]
    return t + "\n" + "\n".join(extra) + "\n"


CHINESE = "# 网络结构 → 创新行为 → 集群升级（辽宁省产业集群调查）\n"


@dataclass
class Case:
    id: str
    area: str
    mutate: Callable
    needles: tuple = ()              # expected in the output (failure) ...
    ok: bool = False                 # ... or a correct run
    target: str = FLOW
    input_only: bool = True
    absent: tuple = ()               # must NOT be in the output
    check: Callable | None = None    # extra check on a correct run (wd -> None)
    result: dict = field(default_factory=dict)


def _flow_is(valid):
    def check(wd):
        assert json.loads((wd / FLOW).read_text(encoding="utf-8"))["valid"] == valid
    return check


def _validated_key(key, value):
    def check(wd):
        assert json.loads((wd / "results/validated/config.json").read_text(encoding="utf-8"))[key] == value
    return check


CASES = [
    # ---- config ------------------------------------------------------------------------------
    Case("shards_gt_samples", "config", lambda w: config(w, lambda c: c["bootstrap"].update(samples=100, shards=200)),
         ("bootstrap.shards", "at most 100")),
    Case("use_yte", "config", lambda w: (w / "config/config.yaml").write_text(
        "__use_yte__: true\n" + (w / "config/config.yaml").read_text(encoding="utf-8"), encoding="utf-8"),
         ("__use_yte__", "config/config.yaml, line 1")),
    Case("misspelled_key", "config", lambda w: config(w, lambda c: c.update(bootstap=c.pop("bootstrap"))),
         ("'bootstap'", "did you mean 'bootstrap'")),
    Case("wrong_type", "config", lambda w: config(w, lambda c: c["bootstrap"].update(samples="many")),
         ("'bootstrap.samples'", "integer")),
    Case("ci_level_out_of_range", "config", lambda w: config(w, lambda c: c["bootstrap"].update(ci_level=1.5)),
         ("bootstrap.ci_level",)),
    Case("bad_encoding_value", "config", lambda w: config(w, lambda c: c["data"].update(encoding="latin9")),
         ("data.encoding",)),
    Case("data_path_missing", "config", lambda w: config(w, lambda c: c["data"].update(path="data/raw/nope.csv")),
         ("data/raw/nope.csv", "data.path")),
    Case("codebook_path_missing", "config", lambda w: config(w, lambda c: c.update(codebook="config/cb.yaml")),
         ("config/cb.yaml",)),
    Case("hypotheses_path_missing", "config", lambda w: config(w, lambda c: c.update(hypotheses="config/h.yaml")),
         ("config/h.yaml",)),
    Case("model_outside_workdir", "config", lambda w: config(w, lambda c: c.update(model="/etc/passwd")),
         ("outside the working directory", "model"), absent=("root:",)),
    Case("model_relative_escape", "config", lambda w: config(w, lambda c: c.update(model="../../../../etc/passwd")),
         ("'model'", "does not exist"), absent=("root:",)),
    Case("items_dropped_unknown", "config", lambda w: config(w, lambda c: c.update(
        items_dropped=[{"item": "FUN9", "reason": "x"}])), ("items_dropped", "'FUN9'")),
    Case("items_dropped_too_many", "config", lambda w: config(w, lambda c: c.update(
        items_dropped=[{"item": f"NSC{k}", "reason": "x"} for k in (1, 2, 3)])), ("'NSC'", "items_dropped")),
    Case("id_column_wrong", "config", lambda w: config(w, lambda c: c["data"].update(id_column="respid")),
         ("'respid'", "data.id_column")),
    # ---- data ----------------------------------------------------------------------------------
    Case("misspelled_header", "data", lambda w: rename_header(w, "NSC2", "NCS2"), ("'NSC2'", "did you mean 'NCS2'")),
    Case("non_numeric_code", "data", lambda w: cell(w, 10, "KAB3", "abc"), ("row 11", "column KAB3", "'abc'")),
    Case("duplicate_id", "data", lambda w: cell(w, 20, "resp_id", rows(w)[5][0]), ("rows 6, 21", "resp_id")),
    Case("semicolon_csv", "data", lambda w: put_rows(w, rows(w), delimiter=";"), ok=True, check=_flow_is(218)),
    Case("tab_csv", "data", lambda w: put_rows(w, rows(w), delimiter="\t"), ok=True,
         check=_validated_key("data_delimiter", "\t")),
    Case("semicolon_csv_configured", "data", lambda w: (put_rows(w, rows(w), delimiter=";"),
                                                        config(w, lambda c: c["data"].update(delimiter=";"))),
         ok=True, target="results/validated/config.json", check=_validated_key("data_delimiter", ";")),
    Case("delimiter_not_allowed", "config", lambda w: config(w, lambda c: c["data"].update(delimiter="::")),
         ("data.delimiter",)),
    Case("gb18030_data_forced_utf8", "data", lambda w: (put_rows(w, [r + ["沈阳"] for r in rows(w)], encoding="gb18030"),
                                                         config(w, lambda c: c["data"].update(encoding="utf-8"))),
         ("gb18030", "line 1")),
    Case("empty_data", "data", lambda w: (w / DATA).write_bytes(b""), (DATA, "empty")),
    Case("header_only", "data", lambda w: put_rows(w, rows(w)[:1]), (DATA, "valid rows")),
    Case("all_rows_invalid", "data", lambda w: col(w, "NSC1", lambda v: "55"), ("only 0 valid rows", "out_of_range: ")),
    Case("fewer_rows_than_parameters", "data", lambda w: put_rows(w, rows(w)[:96]),
         ("free parameters", "valid rows are needed", "excluded by rule")),
    Case("duplicate_header", "data", lambda w: rename_header(w, "firm_age", "NSC1"), ("'NSC1'", "twice")),
    Case("blank_id", "data", lambda w: cell(w, 3, "resp_id", ""), ("row 4", "no respondent id")),
    Case("unsupported_extension", "data", lambda w: ((w / DATA).rename(w / "data/raw/survey_raw.txt"),
                                                     config(w, lambda c: c["data"].update(path="data/raw/survey_raw.txt"))),
         ("data.path", "survey_raw.txt")),
    Case("zero_variance_item", "data", lambda w: col(w, "KAB2", lambda v: v if v in ("", "9", "0", "6", "7", "55") else "4"),
         ("KAB2", "zero variance"), input_only=False),
    Case("undecodable_bytes", "data", lambda w: (w / DATA).write_bytes((w / DATA).read_bytes()[:300] + b"\xff\xfe\x80\x81\n"),
         (DATA, "neither UTF-8 nor GB18030")),
    # ---- codebook ------------------------------------------------------------------------------
    Case("codebook_gb18030", "codebook", lambda w: text(w, CODEBOOK, lambda t: CHINESE + t, "gb18030"), ok=True,
         target="results/validated/config.json"),
    Case("codebook_min_gt_max", "codebook", lambda w: yaml_edit(w, CODEBOOK, lambda d: d.update(scale={"min": 5, "max": 1})),
         (CODEBOOK, "scale", "below max")),
    Case("codebook_missing_in_scale", "codebook", lambda w: yaml_edit(w, CODEBOOK, lambda d: d.update(missing_codes=[3])),
         (CODEBOOK, "missing_codes")),
    Case("codebook_unknown_construct", "codebook", lambda w: yaml_edit(
        w, CODEBOOK, lambda d: d["items"]["NSC1"].update(construct="NXC")), (CODEBOOK, "items.NSC1.construct", "'NXC'")),
    Case("codebook_bad_yaml", "codebook", lambda w: text(w, CODEBOOK, lambda t: t + "\nitems: [unclosed\n"),
         (CODEBOOK, "not valid YAML")),
    Case("codebook_unknown_key", "codebook", lambda w: yaml_edit(w, CODEBOOK, lambda d: d.update(scales=1)),
         (CODEBOOK, "'scales'")),
    Case("codebook_binary", "codebook", lambda w: (w / CODEBOOK).write_bytes(b"\xff\xfe\x00\x81" * 20),
         (CODEBOOK, "binary")),
    Case("codebook_reverse_not_bool", "codebook", lambda w: yaml_edit(
        w, CODEBOOK, lambda d: d["items"]["TIE4"].update(reverse="yes")), (CODEBOOK, "items.TIE4.reverse")),
    # ---- model ---------------------------------------------------------------------------------
    Case("model_gb18030", "model", lambda w: text(w, MODEL, lambda t: CHINESE + t, "gb18030"), ok=True,
         target="results/validated/config.json"),
    Case("model_unknown_variable", "model", lambda w: text(w, MODEL, lambda t: t.replace("KAB4", "KAB5", 1)),
         (MODEL, "'KAB5'")),
    Case("model_parse_error", "model", lambda w: text(w, MODEL, lambda t: t.replace("IB  ~ a1*NSC", "IB  ~ a1**NSC")),
         (MODEL, "line")),
    Case("model_no_scale", "model", lambda w: text(w, MODEL, lambda t: t.replace("NSC =~ NSC1", "NSC =~ NA*NSC1")),
         (MODEL, "scale of factor 'NSC'")),
    Case("model_df_negative", "model", lambda w: text(w, MODEL, residual_covariances), (MODEL, "df = -")),
    Case("model_rank_deficient", "model", lambda w: text(w, MODEL, lambda t: residual_covariances(t, 3)),
         (MODEL, "not identified", "Jacobian")),
    Case("model_define_unknown_label", "model", lambda w: text(w, MODEL, lambda t: t + "\nbad := a1*zz\n"),
         (MODEL, "unknown label", "zz")),
    Case("model_operator_unsupported", "model", lambda w: text(w, MODEL, lambda t: t + "\nUPG | t1\n"), (MODEL, "line")),
    Case("model_empty", "model", lambda w: (w / MODEL).write_text("# nothing\n", encoding="utf-8"), (MODEL,)),
    # ---- hypotheses ----------------------------------------------------------------------------
    Case("hyp_gb18030", "hypotheses", lambda w: text(w, HYP, lambda t: CHINESE + t, "gb18030"), ok=True,
         target="results/validated/config.json"),
    Case("hyp_target_not_path", "hypotheses", lambda w: text(w, HYP, lambda t: t.replace('"IB ~ NSC"', '"IB ~ NXC"')),
         (HYP, "hypothesis H1.target")),
    Case("hyp_indirect_undefined", "hypotheses", lambda w: text(w, HYP, lambda t: t.replace("target: ind_nsc", "target: ind_nnn")),
         (HYP, "'ind_nnn'")),
    Case("hyp_unknown_kind", "hypotheses", lambda w: text(w, HYP, lambda t: t.replace("kind: path, target", "kind: paht, target", 1)),
         (HYP, "'paht'")),
    Case("hyp_duplicate_id", "hypotheses", lambda w: text(w, HYP, lambda t: t.replace("id: H2,", "id: H1,")),
         (HYP, "'H1'", "twice")),
    Case("hyp_fix_zero_bad", "hypotheses", lambda w: text(w, HYP, lambda t: t.replace('"UPG ~ POS"]', '"UPG ~ PPP"]')),
         (HYP, "fix_zero")),
    Case("hyp_not_list", "hypotheses", lambda w: (w / HYP).write_text("H1: x\n", encoding="utf-8"), (HYP, "list")),
    Case("hyp_bad_sign", "hypotheses", lambda w: text(w, HYP, lambda t: t.replace('sign: "+"', 'sign: "up"', 1)),
         (HYP, "sign")),
]


SUMMARY = "clusterup: the run stopped. What went wrong and how to fix it:"


def _summary_messages(out: str) -> list[str]:
    """The first line of each message in the end-of-run summary (clusterup.io.guard.report_failures)."""
    lines = out[out.index(SUMMARY):].splitlines()[1:]
    return [lines[k + 1] for k, line in enumerate(lines[:-1]) if line.startswith("[") and line.endswith("]")]


def readable_results(wd: Path) -> list[str]:
    """Names of CSV/JSON files under results/ that cannot be parsed."""
    bad = []
    for p in (wd / "results").rglob("*") if (wd / "results").exists() else []:
        try:
            if p.suffix == ".json":
                json.loads(p.read_text(encoding="utf-8"))
            elif p.suffix == ".csv":
                pd.read_csv(p)
        except Exception as exc:  # noqa: BLE001 - any failure is a finding
            bad.append(f"{p.relative_to(wd)}: {exc}")
    return bad


def _run(case: Case, root: Path, wf) -> Case:
    wd = wf.copy(root / case.id)
    case.mutate(wd)
    proc = wf.run(wd, case.target, extra=["--cores", "1"], timeout=300, local=True)
    case.result = {"wd": wd, "rc": proc.returncode, "out": proc.stdout + "\n" + proc.stderr}
    return case


@pytest.fixture(scope="module")
def battery(tmp_path_factory, wf):
    root = tmp_path_factory.mktemp("battery")
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(lambda c: _run(c, root, wf), CASES))
    n_ok = sum(c.ok for c in done)
    print(f"\nbattery: {len(done)} cases, {len(done) - n_ok} clear failures expected, {n_ok} correct runs expected")
    return {c.id: c for c in done}


def test_battery_size():
    assert len(CASES) >= 45
    assert len({c.id for c in CASES}) == len(CASES)
    assert {c.area for c in CASES} >= {"config", "data", "codebook", "model", "hypotheses"}


KNOWN_OPEN: dict[str, str] = {}   # case id -> reason, for cases known not to pass yet


@pytest.mark.parametrize("case_id", [pytest.param(c.id, marks=pytest.mark.xfail(reason=KNOWN_OPEN[c.id], strict=False))
                                     if c.id in KNOWN_OPEN else c.id for c in CASES])
def test_bad_input_case(battery, case_id):
    case = battery[case_id]
    wd, rc, out = case.result["wd"], case.result["rc"], case.result["out"]
    tail = out[-3000:]
    assert "Traceback (most recent call last)" not in out, tail
    assert readable_results(wd) == [], readable_results(wd)
    for a in case.absent:
        assert a not in out, f"{a!r} leaked into the output:\n{tail}"
    if case.ok:
        assert rc == 0, tail
        if case.check:
            case.check(wd)
        return
    assert rc != 0, tail
    for n in case.needles:
        assert n in out, f"{n!r} not in the output:\n{tail}"
    if SUMMARY in out:                      # a rule failed: its message is printed once, in the summary
        for line in _summary_messages(out):
            assert out.count(line) == 1, f"{line!r} printed {out.count(line)} times:\n{tail}"
    if case.input_only:
        written = [str(p.relative_to(wd)) for p in (wd / "results").rglob("*") if p.is_file()] \
            if (wd / "results").exists() else []
        beyond = [p for p in written if not p.startswith(ALLOWED_AFTER_INPUT_FAULT)]
        assert beyond == [], f"stages beyond validation wrote {beyond}"
