"""clusterup.io.clean.clean_survey on small hand-made frames (SPEC §3, §4 cleaning, §8)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusterup.io.clean import clean_survey
from clusterup.io.config import parse_codebook
from clusterup.errors import InputError

ITEMS_A = ["A1", "A2", "A3", "A4", "A5"]
ITEMS_B = ["B1", "B2", "B3", "B4", "B5"]
ITEMS = ITEMS_A + ITEMS_B          # 10 items: one missing cell = exactly 10 %


def make_codebook(scale=(1, 5), missing=(9,)):
    items = {i: {"construct": i[0], "text": f"item {i}", "reverse": i == "B5"} for i in ITEMS}
    return parse_codebook({
        "scale": {"min": scale[0], "max": scale[1]},
        "missing_codes": list(missing),
        "constructs": {"A": {"label": "Construct A"}, "B": {"label": "Construct B"}},
        "items": items,
        "demographics": {"ownership": {"label": "Ownership", "categories": {1: "State-owned", 2: "Private"}},
                         "firm_age": {"label": "Firm age"}},
    }, "codebook.yaml")


CB = make_codebook()


def make_frame(n: int = 24, seed: int = 7, lo: int = 1, hi: int = 5) -> pd.DataFrame:
    """n valid, distinct, non-straight-lined rows as text cells (like the readers return)."""
    rng = np.random.default_rng(seed)
    vals = rng.integers(lo, hi + 1, size=(n, len(ITEMS)))
    vals[:, 0] = lo + 1          # A1 and A2 differ: no row is straight-lined
    vals[:, 1] = hi - 1
    frame = pd.DataFrame(vals.astype(str), columns=ITEMS)
    frame.insert(0, "resp_id", ["007"] + [f"Q{i:03d}" for i in range(2, n + 1)])
    frame.insert(1, "ownership", [str(1 + i % 2) for i in range(n)])
    frame.insert(2, "firm_age", [str(3 + i) for i in range(n)])
    return frame


def run(frame, codebook=CB, **kw):
    args = dict(id_column="resp_id", source="survey.csv", distributed=None, max_missing_share=0.10,
                drop_straightliners=True, drop_duplicates=True, impute="construct_mean", items_dropped=[])
    args.update(kw)
    return clean_survey(frame, codebook, **args)


def rules_of(res) -> dict:
    return dict(zip(res.exclusions["resp_id"], res.exclusions["rule"]))


def detail_of(res, rid) -> str:
    return res.exclusions.set_index("resp_id").loc[rid, "detail"]


# --------------------------------------------------------------------------------------------
def test_clean_frame_passes_untouched():
    f = make_frame()
    res = run(f, distributed=30)
    assert res.flow["returned"] == 24 and res.flow["valid"] == 24
    assert res.flow["excluded"] == {"out_of_range": 0, "excess_missing": 0, "straightlining": 0, "duplicate": 0}
    assert res.flow["distributed"] == 30 and res.flow["response_rate"] == pytest.approx(24 / 30)
    assert res.flow["imputed_cells"] == 0
    assert res.warnings == []
    assert list(res.clean.columns) == ["resp_id", "ownership", "firm_age"] + ITEMS
    assert list(res.clean["resp_id"]) == list(f["resp_id"])
    assert res.clean["resp_id"].iloc[0] == "007"
    assert list(res.exclusions.columns) == ["resp_id", "rule", "detail"] and len(res.exclusions) == 0
    np.testing.assert_array_equal(res.clean["A3"].to_numpy(), f["A3"].astype(float).to_numpy())


# --------------------------------------------------------------------------------------------
# rule 1: out of range (9 is a missing code, not out of range)
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["0", "6", "7", "55", "-1", "2.5"])
def test_out_of_range_codes(code):
    f = make_frame()
    f.loc[3, "B2"] = code
    res = run(f)
    rid = f.loc[3, "resp_id"]
    assert rules_of(res) == {rid: "out_of_range"}
    assert f"B2={float(code):g}" in detail_of(res, rid)
    assert res.flow["excluded"]["out_of_range"] == 1 and res.flow["valid"] == 23
    assert rid not in set(res.clean["resp_id"])


def test_code_9_is_missing_not_out_of_range():
    f = make_frame()
    f.loc[3, "B2"] = "9"
    res = run(f)
    assert rules_of(res) == {}
    assert res.flow["valid"] == 24 and res.flow["imputed_cells"] == 1
    assert res.imputed.loc[0, "item"] == "B2" and res.imputed.loc[0, "resp_id"] == f.loc[3, "resp_id"]


def test_out_of_range_detail_lists_every_bad_cell():
    f = make_frame()
    f.loc[5, ["A1", "B4"]] = ["0", "55"]
    res = run(f)
    d = detail_of(res, f.loc[5, "resp_id"])
    assert "A1=0" in d and "B4=55" in d and "1-5" in d


# --------------------------------------------------------------------------------------------
# rule 2: excess missing (> max_missing_share of the items)
# --------------------------------------------------------------------------------------------
def test_excess_missing_threshold_is_strictly_greater():
    f = make_frame()
    f.loc[2, "A3"] = "9"                    # 1 of 10 = 10 %: kept
    f.loc[4, ["A3", "B3"]] = ["", "9"]      # 2 of 10 = 20 %: excluded (blank and 9 both count)
    res = run(f)
    assert rules_of(res) == {f.loc[4, "resp_id"]: "excess_missing"}
    assert "2 of 10" in detail_of(res, f.loc[4, "resp_id"])
    assert res.flow["excluded"]["excess_missing"] == 1
    assert f.loc[2, "resp_id"] in set(res.clean["resp_id"])


def test_excess_missing_threshold_is_configurable():
    f = make_frame()
    f.loc[4, ["A3", "B3"]] = ["", "9"]
    assert rules_of(run(f, max_missing_share=0.25)) == {}
    f.loc[6, ["A1", "A2", "B1"]] = ["9", "9", "9"]
    assert rules_of(run(f, max_missing_share=0.25)) == {f.loc[6, "resp_id"]: "excess_missing"}


# --------------------------------------------------------------------------------------------
# rule 3: straightlining (stored answers)
# --------------------------------------------------------------------------------------------
def test_straightlining():
    f = make_frame()
    f.loc[8, ITEMS] = "4"
    f.loc[9, ITEMS] = "5"
    f.loc[9, "B3"] = "9"                    # the answered items are all 5: still straight-lined
    res = run(f)
    assert rules_of(res) == {f.loc[8, "resp_id"]: "straightlining", f.loc[9, "resp_id"]: "straightlining"}
    assert "(4)" in detail_of(res, f.loc[8, "resp_id"]) and "10" in detail_of(res, f.loc[8, "resp_id"])
    assert res.flow["excluded"]["straightlining"] == 2
    assert rules_of(run(f, drop_straightliners=False)) == {}


def test_straightlining_uses_stored_coding_before_reversal():
    """All 4s as stored is straight-lining even though the reversed item B5 becomes 2."""
    f = make_frame()
    f.loc[8, ITEMS] = "4"
    assert rules_of(run(f)) == {f.loc[8, "resp_id"]: "straightlining"}


# --------------------------------------------------------------------------------------------
# rule 4: duplicates (items and demographics), first occurrence kept
# --------------------------------------------------------------------------------------------
def test_duplicate_keeps_first_occurrence():
    f = make_frame()
    f.loc[15, ITEMS + ["ownership", "firm_age"]] = f.loc[4, ITEMS + ["ownership", "firm_age"]].to_numpy()
    res = run(f)
    assert rules_of(res) == {f.loc[15, "resp_id"]: "duplicate"}
    assert f.loc[4, "resp_id"] in detail_of(res, f.loc[15, "resp_id"])
    assert f.loc[4, "resp_id"] in set(res.clean["resp_id"])
    assert res.flow["excluded"]["duplicate"] == 1
    assert rules_of(run(f, drop_duplicates=False)) == {}


def test_duplicate_first_in_file_order_is_kept():
    f = make_frame()
    f.loc[2, ITEMS + ["ownership", "firm_age"]] = f.loc[10, ITEMS + ["ownership", "firm_age"]].to_numpy()
    res = run(f)
    assert rules_of(res) == {f.loc[10, "resp_id"]: "duplicate"}
    assert f.loc[2, "resp_id"] in detail_of(res, f.loc[10, "resp_id"])


def test_same_items_different_demographics_is_not_a_duplicate():
    f = make_frame()
    f.loc[15, ITEMS] = f.loc[4, ITEMS].to_numpy()
    f.loc[15, "ownership"] = "1" if f.loc[4, "ownership"] == "2" else "2"
    assert rules_of(run(f)) == {}


# --------------------------------------------------------------------------------------------
# order of the rules: the first rule failed is the reason
# --------------------------------------------------------------------------------------------
def test_rule_order():
    f = make_frame()
    # out of range AND excess missing -> out_of_range
    f.loc[1, ["A1", "A2", "A3", "B1"]] = ["6", "9", "9", ""]
    # excess missing AND straight-lined -> excess_missing
    f.loc[3, ITEMS] = "3"
    f.loc[3, ["A4", "B4"]] = ["9", "9"]
    # straight-lined AND a duplicate of an earlier straight-liner -> straightlining (both)
    f.loc[5, ITEMS] = "2"
    f.loc[12, ITEMS + ["ownership", "firm_age"]] = f.loc[5, ITEMS + ["ownership", "firm_age"]].to_numpy()
    # a duplicate of an out-of-range row fails out_of_range itself
    f.loc[14, ITEMS + ["ownership", "firm_age"]] = f.loc[1, ITEMS + ["ownership", "firm_age"]].to_numpy()
    res = run(f)
    ids = f["resp_id"]
    assert rules_of(res) == {ids[1]: "out_of_range", ids[3]: "excess_missing", ids[5]: "straightlining",
                             ids[12]: "straightlining", ids[14]: "out_of_range"}
    assert res.exclusions["resp_id"].is_unique
    assert res.flow["excluded"] == {"out_of_range": 2, "excess_missing": 1, "straightlining": 2, "duplicate": 0}
    assert res.flow["valid"] == 24 - 5


# --------------------------------------------------------------------------------------------
# reverse coding and imputation
# --------------------------------------------------------------------------------------------
def test_reverse_coding_min_plus_max_minus_x():
    f = make_frame()
    res = run(f)
    np.testing.assert_array_equal(res.clean["B5"].to_numpy(), 6 - f["B5"].astype(float).to_numpy())
    np.testing.assert_array_equal(res.clean["B4"].to_numpy(), f["B4"].astype(float).to_numpy())


def test_reverse_coding_other_scale():
    cb = make_codebook(scale=(0, 10), missing=(99,))
    f = make_frame(lo=0, hi=10)
    res = run(f, codebook=cb)
    np.testing.assert_array_equal(res.clean["B5"].to_numpy(), 10 - f["B5"].astype(float).to_numpy())


def test_construct_mean_imputation():
    f = make_frame()
    f.loc[3, "A3"] = "9"
    f.loc[7, "B1"] = ""
    res = run(f)
    a = f.loc[3, ["A1", "A2", "A4", "A5"]].astype(float)
    row3 = res.clean.set_index("resp_id").loc[f.loc[3, "resp_id"]]
    assert row3["A3"] == pytest.approx(a.mean())
    # construct B: the other items in analysis coding, i.e. B5 reversed
    b = f.loc[7, ["B2", "B3", "B4"]].astype(float).tolist() + [6 - float(f.loc[7, "B5"])]
    row7 = res.clean.set_index("resp_id").loc[f.loc[7, "resp_id"]]
    assert row7["B1"] == pytest.approx(np.mean(b))
    imp = res.imputed.set_index(["resp_id", "item"])
    assert imp.loc[(f.loc[3, "resp_id"], "A3"), "value"] == pytest.approx(a.mean())
    assert imp.loc[(f.loc[3, "resp_id"], "A3"), "n_items_used"] == 4
    assert imp.loc[(f.loc[7, "resp_id"], "B1"), "construct"] == "B"
    assert res.flow["imputed_cells"] == 2
    assert res.flow["missing_cells_valid_rows"] == 2
    assert not res.clean[ITEMS].isna().any().any()


def test_imputation_ignores_dropped_items():
    f = make_frame()
    f.loc[3, "A3"] = "9"
    f.loc[3, "A5"] = "1"
    f.loc[3, ["A1", "A2", "A4"]] = ["4", "4", "5"]
    res = run(f, items_dropped=[{"item": "A5", "reason": "low CITC"}])
    row = res.clean.set_index("resp_id").loc[f.loc[3, "resp_id"]]
    assert row["A3"] == pytest.approx(13 / 3)          # mean of A1, A2, A4 - not A5
    assert res.imputed.loc[0, "n_items_used"] == 3
    assert "A5" in res.clean.columns                     # the cleaned file keeps every codebook item
    dec = res.decisions.set_index("item")
    assert dec.loc["A5", "status"] == "dropped" and dec.loc["A5", "reason"] == "low CITC"
    assert dec.loc["A4", "status"] == "kept"


def test_impute_none_excludes_incomplete_rows():
    f = make_frame()
    f.loc[3, "A3"] = "9"
    f.loc[7, "B1"] = ""
    res = run(f, impute="none")
    assert rules_of(res) == {f.loc[3, "resp_id"]: "incomplete", f.loc[7, "resp_id"]: "incomplete"}
    assert "A3" in detail_of(res, f.loc[3, "resp_id"])
    assert res.flow["excluded"]["incomplete"] == 2
    assert res.flow["valid"] == 22 and res.flow["imputed_cells"] == 0
    assert len(res.imputed) == 0


# --------------------------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------------------------
def test_codebook_item_missing_from_data():
    f = make_frame().rename(columns={"A3": "A_3"})
    with pytest.raises(InputError) as info:
        run(f)
    err = info.value
    assert err.file == "survey.csv" and err.where == "column A3"
    assert "'A3'" in err.problem and "did you mean" in err.problem and "'A_3'" in err.problem
    assert "codebook.yaml" in err.fix


def test_missing_demographic_and_id_column():
    with pytest.raises(InputError, match="demographic 'firm_age'"):
        run(make_frame().drop(columns="firm_age"))
    with pytest.raises(InputError) as info:
        run(make_frame().rename(columns={"resp_id": "Resp_ID"}))
    assert "'resp_id'" in info.value.problem and "Resp_ID" in info.value.problem


def test_non_numeric_code():
    f = make_frame()
    f.loc[5, "B2"] = "four"
    with pytest.raises(InputError) as info:
        run(f)
    err = info.value
    rid = f.loc[5, "resp_id"]
    assert err.where == f"row 7 (resp_id {rid}), column B2"     # row 7: header is line 1
    assert "'four'" in err.problem and "B2" in err.problem
    assert err.file == "survey.csv"
    assert "1 to 5" in err.fix and "9" in err.fix


def test_duplicate_resp_id():
    f = make_frame()
    f.loc[9, "resp_id"] = f.loc[3, "resp_id"]
    with pytest.raises(InputError) as info:
        run(f)
    err = info.value
    assert repr(f.loc[3, "resp_id"]) in err.problem
    assert "rows 5, 11" in err.problem
    assert err.where == "column resp_id"


def test_fewer_valid_rows_than_items_is_an_error():
    f = make_frame(n=12)
    f.loc[0, ITEMS] = "3"          # straight-liner
    f.loc[1, "A1"] = "55"          # out of range -> 10 valid rows
    f.loc[2, "A2"] = "0"           # -> 9 valid rows < 10 items
    with pytest.raises(InputError) as info:
        run(f)
    assert "only 9 valid rows for 10" in info.value.problem


def test_dropped_items_do_not_count_as_items():
    f = make_frame(n=9)
    # 9 rows for 10 items is an error, but for 8 analysed items only a warning
    with pytest.raises(InputError):
        run(f)
    res = run(f, items_dropped=[{"item": "A5", "reason": "x"}, {"item": "B4", "reason": "y"}])
    assert res.flow["valid"] == 9
    assert len(res.warnings) == 1 and "9 valid rows for 8 items" in res.warnings[0]


def test_fewer_than_twice_the_items_is_a_warning():
    res = run(make_frame(n=15))
    assert res.flow["valid"] == 15
    assert len(res.warnings) == 1 and "15 valid rows for 10 items" in res.warnings[0]
    assert run(make_frame(n=20)).warnings == []
