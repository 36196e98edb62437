"""The synthetic replicate (SPEC §3): byte-identical regeneration, screening truth, large-sample recovery."""
from __future__ import annotations

import hashlib
import os
import re

import numpy as np
import pandas as pd
import pytest
import yaml

from clusterup.io.clean import clean_survey
from clusterup.io.config import load_yaml, parse_codebook, study_from
from clusterup.io.readers import read_raw
from clusterup.io.replicate import Population, draw_items, generate, to_csv_bytes
from clusterup.estimation.sem import fit_sem

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RAW = os.path.join(REPO, "data", "raw", "survey_raw.csv")


def _p(*parts):
    return os.path.join(REPO, *parts)


@pytest.fixture(scope="module")
def pop() -> Population:
    with open(_p("config", "population.yaml"), encoding="utf-8") as fh:
        return Population(yaml.safe_load(fh))


@pytest.fixture(scope="module")
def replicate(pop):
    return generate(pop)


@pytest.fixture(scope="module")
def config() -> dict:
    with open(_p("config", "config.yaml"), encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@pytest.fixture(scope="module")
def codebook():
    path = _p("config", "codebook.yaml")
    return parse_codebook(load_yaml(path, "codebook"), path)


@pytest.fixture(scope="module")
def cleaned(config, codebook):
    raw = read_raw(RAW, encoding=config["data"]["encoding"])
    return clean_survey(raw.frame, codebook, id_column=config["data"]["id_column"], source=RAW,
                        distributed=config["data"]["distributed"], items_dropped=config["items_dropped"],
                        **config["cleaning"])


@pytest.fixture(scope="module")
def raw_frame():
    return read_raw(RAW).frame


# --------------------------------------------------------------------------------------------
# (a) regeneration
# --------------------------------------------------------------------------------------------
def test_regeneration_is_byte_identical(replicate):
    with open(RAW, "rb") as fh:
        committed = fh.read()
    assert to_csv_bytes(replicate.raw) == committed


def test_checksum_matches_data_readme(replicate):
    with open(_p("data", "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    m = re.search(r"SHA-256\s*\|\s*`([0-9a-f]{64})`", readme)
    assert m, "data/README.md states no SHA-256"
    with open(RAW, "rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == m.group(1)
    assert hashlib.sha256(to_csv_bytes(replicate.raw)).hexdigest() == m.group(1)


def test_raw_file_shape(raw_frame, pop):
    assert raw_frame.shape == (251, 42)
    assert list(raw_frame.columns) == ["resp_id", "cluster", "ownership", "employees", "firm_age",
                                       "respondent_role"] + pop.items
    assert raw_frame["resp_id"].is_unique
    assert all(re.fullmatch(r"Q\d{3}", r) for r in raw_frame["resp_id"])


# --------------------------------------------------------------------------------------------
# (b) cleaning the committed file reproduces the generator's truth
# --------------------------------------------------------------------------------------------
def test_flow_counts(cleaned):
    f = cleaned.flow
    assert f["distributed"] == 300
    assert f["returned"] == 251
    assert f["excluded"] == {"out_of_range": 7, "excess_missing": 11, "straightlining": 9, "duplicate": 6}
    assert f["valid"] == 218
    assert len(cleaned.clean) == 218
    assert cleaned.warnings == []


def test_exclusions_equal_generator_truth(cleaned, replicate):
    truth = replicate.status
    truth = truth[truth["rule"] != ""]
    expected = sorted(zip(truth["resp_id"].astype(str), truth["rule"].astype(str)))
    got = sorted(zip(cleaned.exclusions["resp_id"].astype(str), cleaned.exclusions["rule"].astype(str)))
    assert len(expected) == 33
    assert got == expected
    valid_truth = set(replicate.status.loc[replicate.status["rule"] == "", "resp_id"])
    assert set(cleaned.clean["resp_id"]) == valid_truth


def test_missing_cells_in_valid_rows(raw_frame, replicate, cleaned, pop):
    valid = set(replicate.status.loc[replicate.status["rule"] == "", "resp_id"])
    rows = raw_frame[raw_frame["resp_id"].isin(valid)]
    miss = rows[pop.items].isin(["", "9"])
    n_cells = miss.size
    share = miss.to_numpy().sum() / n_cells
    assert 0.002 <= share <= 0.004                     # "about 0.3 %"
    assert miss.to_numpy().sum() == cleaned.flow["missing_cells_valid_rows"] == cleaned.flow["imputed_cells"]
    # both kinds of missing occur: blank cells and the code 9
    assert (rows[pop.items] == "").to_numpy().any() and (rows[pop.items] == "9").to_numpy().any()
    for c in pop.constructs:
        cols = [i for i in pop.items if pop.construct_of(i) == c]
        assert miss[cols].sum(axis=1).max() <= 1, c
    assert not cleaned.clean[pop.items].isna().any().any()


def test_tie4_is_stored_reversed(raw_frame, cleaned, replicate, pop):
    valid = set(replicate.status.loc[replicate.status["rule"] == "", "resp_id"])
    rows = raw_frame[raw_frame["resp_id"].isin(valid)]
    num = rows[pop.items].apply(pd.to_numeric, errors="coerce")
    num = num.where((num >= 1) & (num <= 5))
    means = num.mean()
    assert means["TIE4"] < 3.0
    assert means["TIE4"] == means.min()
    assert means.drop("TIE4").min() > 3.2
    both = num[["TIE1", "TIE4"]].dropna()
    assert np.corrcoef(both["TIE1"], both["TIE4"])[0, 1] < -0.2
    clean = cleaned.clean
    assert np.corrcoef(clean["TIE1"], clean["TIE4"])[0, 1] > 0.2
    assert clean["TIE4"].mean() > 3.0


# --------------------------------------------------------------------------------------------
# (c) large-sample recovery of the population truth
# --------------------------------------------------------------------------------------------
STRUCTURAL = {("IB", "NSC"): 0.35, ("IB", "TIE"): 0.30, ("IB", "POS"): 0.35,
              ("UPG", "IB"): 0.65, ("UPG", "NSC"): 0.0, ("UPG", "TIE"): 0.0, ("UPG", "POS"): 0.0}
SECOND_ORDER = {("IB", "KAC"): 0.80, ("IB", "KAB"): 0.85, ("IB", "KCR"): 0.75,
                ("UPG", "PRC"): 0.75, ("UPG", "PRD"): 0.85, ("UPG", "FUN"): 0.70}


@pytest.fixture(scope="module")
def large_fit(pop, config):
    X = draw_items(pop, 20000, np.random.default_rng(20121128))
    study = study_from(codebook=_p("config", "codebook.yaml"), model=_p("config", "model.lavaan"),
                       hypotheses=_p("config", "hypotheses.yaml"), items_dropped=config["items_dropped"])
    assert "FUN4" not in study.analysis_model.observed
    res = fit_sem(study.analysis_model, data=X[study.analysis_model.observed].astype(float),
                  likelihood="normal")
    return X, res


def test_draw_items_are_five_point(large_fit, pop):
    X, _ = large_fit
    assert X.shape == (20000, 36) and list(X.columns) == pop.items
    assert X.min().min() == 1 and X.max().max() == 5
    means = X.drop(columns="FUN4").mean()
    assert means.between(3.2, 4.1).all(), means[~means.between(3.2, 4.1)]


def test_recovers_structural_paths(large_fit):
    _, res = large_fit
    assert res.ml.converged
    est = res.estimates()
    reg = est[est["op"] == "~"].set_index(["lhs", "rhs"])["std_all"]
    got = {k: round(float(reg.loc[k]), 3) for k in STRUCTURAL}
    off = {k: (got[k], v) for k, v in STRUCTURAL.items() if abs(got[k] - v) > 0.05}
    assert not off, f"standardized paths off by more than .05 (got, truth): {off}"


def test_recovers_second_order_loadings(large_fit):
    _, res = large_fit
    est = res.estimates()
    load = est[est["op"] == "=~"].set_index(["lhs", "rhs"])["std_all"]
    got = {k: round(float(load.loc[k]), 3) for k in SECOND_ORDER}
    off = {k: (got[k], v) for k, v in SECOND_ORDER.items() if abs(got[k] - v) > 0.05}
    assert not off, f"second-order loadings off by more than .05 (got, truth): {off}"
