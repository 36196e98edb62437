"""clusterup.io.readers.read_raw: one survey written as CSV (UTF-8, BOM, GB18030), .xlsx and .sav."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusterup.errors import InputError
from clusterup.io.readers import read_raw, write_sav

# The survey as text cells, exactly as a reader must return them ('' = blank cell).
# Rows 1-2 have ASCII cluster labels so that the first non-ASCII byte lies on file line 4.
TEXT = pd.DataFrame({
    "resp_id": ["Q001", "007", "Q010", "0042", "12"],
    "集群名称": ["Other", "Yingkou", "沈阳装备制造", "大连软件和信息服务", "鞍山钢铁深加工"],
    "ownership": ["1", "2", "3", "1", "4"],
    "firm_age": ["12", "3", "45", "7", "21"],
    "NSC1": ["4", "9", "", "5", "1"],
    "NSC2": ["1", "2", "3", "9", ""],
    "TIE4": ["5", "", "2", "3", "9"],
})
NUMERIC_COLS = ["ownership", "firm_age", "NSC1", "NSC2", "TIE4"]
OWNERSHIP_LABELS = {1: "国有", 2: "民营", 3: "外资", 4: "合资"}


def _numeric_frame() -> pd.DataFrame:
    """The same survey with numeric columns as numbers (blank = NaN), ids and labels as text."""
    out = TEXT.copy()
    for c in NUMERIC_COLS:
        out[c] = pd.to_numeric(TEXT[c].replace("", np.nan)).astype(float)
    return out


def _csv_text() -> str:
    return TEXT.to_csv(index=False, lineterminator="\n")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("readers")
    paths = {}
    paths["utf8"] = d / "survey_utf8.csv"
    paths["utf8"].write_bytes(_csv_text().encode("utf-8"))
    paths["bom"] = d / "survey_bom.csv"
    paths["bom"].write_bytes(_csv_text().encode("utf-8-sig"))
    paths["gb"] = d / "survey_gb.csv"
    paths["gb"].write_bytes(_csv_text().encode("gb18030"))
    paths["xlsx_text"] = d / "survey_text.xlsx"
    TEXT.to_excel(paths["xlsx_text"], index=False, engine="openpyxl")
    paths["xlsx_num"] = d / "survey_num.xlsx"
    _numeric_frame().to_excel(paths["xlsx_num"], index=False, engine="openpyxl")
    paths["sav"] = d / "survey.sav"
    write_sav(_numeric_frame(), str(paths["sav"]),
              {"ownership": OWNERSHIP_LABELS, "NSC1": {9: "无回答"}})
    return {k: str(v) for k, v in paths.items()}


def _as_records(frame: pd.DataFrame) -> dict:
    return {c: list(frame[c]) for c in frame.columns}


@pytest.mark.parametrize("kind", ["utf8", "bom", "gb", "xlsx_text", "xlsx_num", "sav"])
def test_text_cells_identical_across_formats(files, kind):
    raw = read_raw(files[kind])
    assert list(raw.frame.columns) == list(TEXT.columns)
    assert _as_records(raw.frame) == _as_records(TEXT)
    for c in raw.frame.columns:
        assert all(isinstance(v, str) for v in raw.frame[c]), c
    assert raw.source == files[kind]


def test_ids_kept_exactly_as_written(files):
    for kind in ("utf8", "bom", "gb", "xlsx_text", "xlsx_num", "sav"):
        ids = list(read_raw(files[kind]).frame["resp_id"])
        assert ids == ["Q001", "007", "Q010", "0042", "12"], kind


@pytest.mark.parametrize("kind,expected", [("utf8", "utf-8"), ("bom", "utf-8"), ("gb", "gb18030"),
                                           ("xlsx_text", None), ("sav", None)])
def test_encoding_detection(files, kind, expected):
    assert read_raw(files[kind], encoding="auto").encoding == expected


def test_explicit_encodings(files):
    assert read_raw(files["gb"], encoding="gb18030").encoding == "gb18030"
    assert _as_records(read_raw(files["gb"], encoding="gb18030").frame) == _as_records(TEXT)
    bom = read_raw(files["bom"], encoding="utf-8")
    assert bom.encoding == "utf-8"
    assert list(bom.frame.columns)[0] == "resp_id"       # the BOM is not part of the first name


def test_sav_value_labels(files):
    raw = read_raw(files["sav"])
    assert raw.value_labels["ownership"] == {"1": "国有", "2": "民营", "3": "外资", "4": "合资"}
    assert raw.value_labels["NSC1"] == {"9": "无回答"}
    assert "NSC2" not in raw.value_labels
    assert read_raw(files["utf8"]).value_labels == {}


def test_missing_file(tmp_path):
    path = str(tmp_path / "nowhere" / "survey.csv")
    with pytest.raises(InputError) as info:
        read_raw(path)
    assert info.value.file == path
    assert "does not exist" in info.value.problem
    assert "data.path" in info.value.fix


@pytest.mark.parametrize("ext", [".txt", ".xls", ".dta", ""])
def test_unknown_extension(tmp_path, ext):
    path = tmp_path / f"survey{ext}"
    path.write_text(_csv_text(), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_raw(str(path))
    assert info.value.file == str(path)
    assert "unsupported file type" in info.value.problem
    assert ".csv" in info.value.fix and ".xlsx" in info.value.fix and ".sav" in info.value.fix


def test_gb18030_read_as_utf8_is_a_clear_error(files, tmp_path):
    with pytest.raises(InputError) as info:
        read_raw(files["gb"], encoding="utf-8")
    assert info.value.where == "line 1"          # the Chinese header name
    # with an ASCII header: rows Q001/007 are ASCII, the first Chinese label is on file line 4
    path = str(tmp_path / "survey_gb_ascii_header.csv")
    with open(path, "wb") as fh:
        fh.write(TEXT.rename(columns={"集群名称": "cluster_label"})
                 .to_csv(index=False, lineterminator="\n").encode("gb18030"))
    with pytest.raises(InputError) as info:
        read_raw(path, encoding="utf-8")
    err = info.value
    text = str(err)
    assert err.file == path and path in text
    assert err.where == "line 4" and "line 4" in text
    assert "utf-8" in err.problem
    assert "gb18030" in err.fix
    assert "fix:" in text


def test_undecodable_in_both_encodings(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(b"resp_id,NSC1\nQ001,4\nQ002,\x80\xff\n")
    with pytest.raises(InputError) as info:
        read_raw(str(path))
    assert info.value.where == "line 3"
    assert "neither UTF-8 nor GB18030" in info.value.problem


def test_unknown_encoding_name(files):
    with pytest.raises(InputError) as info:
        read_raw(files["utf8"], encoding="latin-9")
    assert info.value.where == "data.encoding"


def test_ragged_csv_and_empty_csv(tmp_path):
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("resp_id,NSC1\nQ001,4\nQ002,3,5,1\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_raw(str(ragged))
    assert info.value.file == str(ragged) and "cannot be parsed" in info.value.problem
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        read_raw(str(empty))


def test_crlf_line_ends(tmp_path):
    path = tmp_path / "windows.csv"
    path.write_bytes(_csv_text().replace("\n", "\r\n").encode("utf-8-sig"))
    raw = read_raw(str(path))
    assert _as_records(raw.frame) == _as_records(TEXT)
