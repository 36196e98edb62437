"""Bad input (SPEC §8): each case breaks a copy of the inputs and runs only the first rules.

Every case must end with a non-zero exit, one clear message naming the file and the
row/column/key with a ``fix:`` hint, and nothing half-written under ``results/clean/``.
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.workflow

DATA = "data/raw/survey_raw.csv"
FLOW = "results/clean/flow.json"
VALIDATED = "results/validated/config.json"


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def read_rows(wd: Path) -> list[list[str]]:
    with open(wd / DATA, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(wd: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (wd / DATA).write_bytes(buf.getvalue().encode(encoding))


def edit_config(wd: Path, change) -> None:
    path = wd / "config" / "config.yaml"
    cfg = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(cfg)
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")


def output_of(proc) -> str:
    return (proc.stdout or "") + "\n" + (proc.stderr or "")


def files_under(wd: Path, sub: str) -> list[str]:
    d = wd / sub
    return sorted(str(p.relative_to(wd)) for p in d.rglob("*") if p.is_file()) if d.exists() else []


def assert_clear_failure(proc, wd: Path, *needles: str) -> str:
    out = output_of(proc)
    assert proc.returncode != 0, out[-3000:]
    for n in needles:
        assert n in out, f"{n!r} not in the output:\n{out[-3000:]}"
    assert "fix:" in out, f"no 'fix:' hint in the output:\n{out[-3000:]}"
    assert "Traceback (most recent call last)" not in out, out[-3000:]
    assert files_under(wd, "results/clean") == [], "partial files left under results/clean/"
    return out


def with_chinese_remarks(rows: list[list[str]]) -> list[list[str]]:
    """Add a free-text column with Chinese remarks (as a Chinese survey file would have)."""
    remarks = ["沈阳装备制造", "大连软件和信息服务", "鞍山钢铁深加工", "大连石化", "营口及其他"]
    out = [rows[0] + ["remark"]]
    out += [r + [remarks[i % len(remarks)]] for i, r in enumerate(rows[1:])]
    return out


# --------------------------------------------------------------------------------------------
# data problems
# --------------------------------------------------------------------------------------------
def test_data_file_missing(workdir, snakemake):
    edit_config(workdir, lambda c: c["data"].update(path="data/raw/survey_2012.csv"))
    proc = snakemake(workdir, FLOW)
    assert_clear_failure(proc, workdir, "data/raw/survey_2012.csv")


def test_codebook_item_absent_from_data(workdir, snakemake):
    rows = read_rows(workdir)
    rows[0][rows[0].index("NSC2")] = "NSC_2"
    write_rows(workdir, rows)
    proc = snakemake(workdir, FLOW)
    out = assert_clear_failure(proc, workdir, DATA, "column NSC2", "'NSC2'", "did you mean 'NSC_2'")
    assert "codebook" in out


def test_non_numeric_code(workdir, snakemake):
    rows = read_rows(workdir)
    col = rows[0].index("KAB3")
    rows[10][col] = "abc"                      # file line 11
    rid = rows[10][0]
    write_rows(workdir, rows)
    proc = snakemake(workdir, FLOW)
    assert_clear_failure(proc, workdir, DATA, f"row 11 (resp_id {rid}), column KAB3", "'abc'")


def test_duplicate_resp_id(workdir, snakemake):
    rows = read_rows(workdir)
    rid = rows[5][0]
    rows[20][0] = rid                           # file lines 6 and 21
    write_rows(workdir, rows)
    proc = snakemake(workdir, FLOW)
    assert_clear_failure(proc, workdir, DATA, f"'{rid}'", "rows 6, 21", "column resp_id")


def test_gb18030_data_read_as_utf8(workdir, snakemake):
    write_rows(workdir, with_chinese_remarks(read_rows(workdir)), encoding="gb18030")
    edit_config(workdir, lambda c: c["data"].update(encoding="utf-8"))
    proc = snakemake(workdir, FLOW)
    out = assert_clear_failure(proc, workdir, DATA, "line 2", "gb18030")
    assert re.search(r"fix:.*gb18030", out), out[-2000:]


def test_auto_encoding_reads_gb18030(make_workdir, snakemake):
    utf, gb = make_workdir("utf8"), make_workdir("gb18030")
    rows = with_chinese_remarks(read_rows(utf))
    write_rows(utf, rows, encoding="utf-8")
    write_rows(gb, rows, encoding="gb18030")
    assert (gb / DATA).read_bytes() != (utf / DATA).read_bytes()
    p_utf = snakemake(utf, FLOW, VALIDATED)
    p_gb = snakemake(gb, FLOW, VALIDATED)
    assert p_utf.returncode == 0, output_of(p_utf)[-3000:]
    assert p_gb.returncode == 0, output_of(p_gb)[-3000:]
    flow_utf = json.loads((utf / FLOW).read_text(encoding="utf-8"))
    flow_gb = json.loads((gb / FLOW).read_text(encoding="utf-8"))
    assert flow_gb == flow_utf
    assert flow_gb["returned"] == 251 and flow_gb["valid"] == 218
    for name in ("survey_clean.csv", "exclusions.csv", "imputed_cells.csv"):
        assert (gb / "results/clean" / name).read_bytes() == (utf / "results/clean" / name).read_bytes(), name
    assert json.loads((gb / VALIDATED).read_text(encoding="utf-8"))["data_encoding"] == "gb18030"
    assert json.loads((utf / VALIDATED).read_text(encoding="utf-8"))["data_encoding"] == "utf-8"


def test_fewer_valid_rows_than_items(workdir, snakemake):
    rows = read_rows(workdir)
    write_rows(workdir, rows[:31])              # header + 30 returned questionnaires
    proc = snakemake(workdir, FLOW)
    out = assert_clear_failure(proc, workdir, DATA, "cleaning.")
    assert re.search(r"only \d+ valid rows for 35 analysed items", out), out[-2000:]


# --------------------------------------------------------------------------------------------
# config problems: caught by the schema before any rule runs
# --------------------------------------------------------------------------------------------
def test_misspelled_config_key(workdir, snakemake):
    edit_config(workdir, lambda c: c.update(bootstap=c.pop("bootstrap")))
    proc = snakemake(workdir, FLOW)
    assert_clear_failure(proc, workdir, "config/schema.yaml", "'bootstap'", "did you mean 'bootstrap'")
    assert not (workdir / "results").exists()


def test_wrong_config_type(workdir, snakemake):
    edit_config(workdir, lambda c: c.update(bootstrap={"samples": "many"}))
    proc = snakemake(workdir, FLOW)
    assert_clear_failure(proc, workdir, "config/schema.yaml", "'bootstrap.samples'", "'many'", "integer")
    assert not (workdir / "results").exists()


# --------------------------------------------------------------------------------------------
# model problems: caught by the validate rule
# --------------------------------------------------------------------------------------------
def test_model_names_unknown_variable(workdir, snakemake):
    path = workdir / "config" / "model.lavaan"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    no = next(i for i, ln in enumerate(lines, start=1) if ln.startswith("KAB =~"))
    lines[no - 1] = lines[no - 1].replace("KAB4", "KAB5")
    path.write_text("".join(lines), encoding="utf-8")
    proc = snakemake(workdir, VALIDATED)
    assert_clear_failure(proc, workdir, "config/model.lavaan", f"line {no}", "'KAB5'")
    assert not (workdir / VALIDATED).exists()


def test_item_without_variance_stops_at_clean(workdir, snakemake):
    """Every valid respondent gives the same answer to KAB2: the cleaning step names the item."""
    rows = read_rows(workdir)
    col = rows[0].index("KAB2")
    for r in rows[1:]:
        if r[col] not in ("", "9", "0", "6", "7", "55"):
            r[col] = "4"
    write_rows(workdir, rows)
    proc = snakemake(workdir, FLOW)
    out = assert_clear_failure(proc, workdir, "KAB2", "zero variance", "items_dropped")
    assert DATA in out


def test_duplicated_item_column_is_not_positive_definite(workdir, snakemake):
    rows = read_rows(workdir)
    a, b = rows[0].index("PRC2"), rows[0].index("PRC3")
    for r in rows[1:]:
        r[b] = r[a]
    write_rows(workdir, rows)
    proc = snakemake(workdir, FLOW)
    assert_clear_failure(proc, workdir, "not positive definite", "PRC3 and PRC2")
