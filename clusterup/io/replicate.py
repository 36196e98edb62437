"""The synthetic replicate of the thesis's survey (SPEC §3).

The population model (``config/population.yaml``) is a standardized second-order SEM:

    (NSC, TIE, POS) ~ N(0, Φ)
    IB  = β_IB·(NSC, TIE, POS) + ζ_IB,     UPG = β_UPG·(IB, NSC, TIE, POS) + ζ_UPG
    KAC = γ·IB + δ, ...                    (second-order loadings)
    y*  = λ·F + sqrt(1 − λ²)·ε,            item = 1 + #{thresholds below y*}

with disturbance variances chosen so every latent variable has unit variance.  The raw file then
receives the survey's imperfections: returned-but-invalid questionnaires failing exactly one
screening rule each, isolated missing cells (code 9 or blank) in valid rows, and reverse-worded
items stored reverse-coded.  Everything is drawn from one ``numpy.random.Generator`` seeded by
the population's ``seed``, so the same seed gives the same file byte for byte.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from clusterup.errors import InputError

SCREENING_RULES = ("out_of_range", "excess_missing", "straightlining", "duplicate")


@dataclass(frozen=True)
class Population:
    """The population model, read from ``population.yaml``."""

    raw: dict

    @property
    def items(self) -> list[str]:
        return list(self.raw["items"])

    def construct_of(self, item: str) -> str:
        return item.rstrip("0123456789")

    @property
    def constructs(self) -> list[str]:
        return list(dict.fromkeys(self.construct_of(i) for i in self.items))

    @property
    def exogenous(self) -> list[str]:
        names = list(self.raw["exogenous_correlations"])
        for v in self.raw["exogenous_correlations"].values():
            names.extend(v)
        return list(dict.fromkeys(names))

    def phi(self) -> np.ndarray:
        ex = self.exogenous
        P = np.eye(len(ex))
        for a, row in self.raw["exogenous_correlations"].items():
            for b, r in row.items():
                i, j = ex.index(a), ex.index(b)
                P[i, j] = P[j, i] = float(r)
        return P


def latent_scores(pop: Population, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Draw standardized scores of every latent variable (exogenous, endogenous, first-order).

    Endogenous variables are built in the order of ``structural``; their disturbance variance is
    1 − βᵀCβ, with C the (population) covariance of their predictors, tracked as we go.
    """
    ex = pop.exogenous
    phi = pop.phi()
    X = rng.multivariate_normal(np.zeros(len(ex)), phi, size=n, method="cholesky")
    scores = {v: X[:, i] for i, v in enumerate(ex)}
    cov = {a: {b: float(phi[i, j]) for j, b in enumerate(ex)} for i, a in enumerate(ex)}
    for target, preds in pop.raw["structural"].items():
        names = list(preds)
        beta = np.array([preds[k] for k in names], dtype=float)
        C = np.array([[cov[a][b] for b in names] for a in names])
        explained = float(beta @ C @ beta)
        if explained >= 1:
            raise InputError(f"structural paths of {target} explain {explained:.2f} >= 1 of its variance",
                             file="config/population.yaml", where=f"structural.{target}")
        scores[target] = sum(b * scores[nm] for b, nm in zip(beta, names)) + \
            np.sqrt(1 - explained) * rng.standard_normal(n)
        row = {other: float(sum(b * cov[nm][other] for b, nm in zip(beta, names))) for other in cov}
        for other, c in row.items():
            cov[other][target] = c
        cov[target] = {**row, target: 1.0}
    for higher, firsts in pop.raw["second_order"].items():
        for first, g in firsts.items():
            scores[first] = g * scores[higher] + np.sqrt(1 - g * g) * rng.standard_normal(n)
    return scores


def draw_items(pop: Population, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Complete 5-point responses of ``n`` valid respondents, analysis coding (not reversed)."""
    scores = latent_scores(pop, n, rng)
    base = np.asarray(pop.raw["base_thresholds"], dtype=float)
    out = {}
    for item, spec in pop.raw["items"].items():
        lam = float(spec["loading"])
        ystar = lam * scores[pop.construct_of(item)] + np.sqrt(1 - lam * lam) * rng.standard_normal(n)
        cuts = base + float(spec.get("shift", 0.0))
        out[item] = 1 + np.searchsorted(cuts, ystar).astype(int)
    return pd.DataFrame(out)


def _demographics(pop: Population, n: int, rng: np.random.Generator) -> pd.DataFrame:
    cols = {}
    for name, probs in pop.raw["demographics"].items():
        codes = np.array([int(k) for k in probs])
        p = np.array([float(v) for v in probs.values()])
        cols[name] = rng.choice(codes, size=n, p=p / p.sum())
    fa = pop.raw["firm_age"]
    age = np.exp(fa["log_mean"] + fa["log_sd"] * rng.standard_normal(n))
    cols["firm_age"] = np.clip(np.rint(age), fa["min"], fa["max"]).astype(int)
    return pd.DataFrame(cols)


@dataclass
class Replicate:
    """The raw survey file and the truth about each row (which rows are valid, and why not)."""

    raw: pd.DataFrame           # as written to CSV: resp_id, demographics, items (strings; '' = blank)
    status: pd.DataFrame        # resp_id, rule ('' for valid rows)


def generate(pop: Population) -> Replicate:
    """Generate the raw survey file of SPEC §3 from the population model."""
    r = pop.raw
    rng = np.random.default_rng(int(r["seed"]))
    n_valid = int(r["valid"])
    inv = {k: int(v) for k, v in r["invalid"].items()}
    if sorted(inv) != sorted(SCREENING_RULES):
        raise InputError(f"invalid must list exactly {', '.join(SCREENING_RULES)}",
                         file="config/population.yaml", where="invalid")
    if n_valid + sum(inv.values()) != int(r["returned"]):
        raise InputError("valid + invalid counts must equal returned", file="config/population.yaml",
                         where="returned")
    items = pop.items
    n_fresh = n_valid + inv["out_of_range"] + inv["excess_missing"]
    answers = draw_items(pop, n_fresh, rng)
    demo = _demographics(pop, n_fresh + inv["straightlining"], rng)
    miss_code = str(r["missing_code"])
    blank_share = float(r["missing_blank_share"])

    def missing_token() -> str:
        return "" if rng.random() < blank_share else miss_code

    # stored coding: reverse-worded items hold (min + max - x)
    stored = answers.copy()
    for it in r.get("reverse_stored", []):
        stored[it] = 6 - stored[it]
    cells = stored.astype(str).to_numpy(dtype=object)
    rules = [""] * n_valid + ["out_of_range"] * inv["out_of_range"] + ["excess_missing"] * inv["excess_missing"]

    # isolated missing cells in valid rows: at most one per construct per row
    by_construct = {c: [items.index(i) for i in items if pop.construct_of(i) == c] for c in pop.constructs}
    p_construct = float(r["missing_cell_rate"]) * len(items) / len(by_construct)
    for row in range(n_valid):
        for cols in by_construct.values():
            if rng.random() < p_construct:
                cells[row, rng.choice(cols)] = missing_token()
    # out of range: one or two cells carry an impossible code
    codes = [str(c) for c in r["out_of_range_codes"]]
    for row in range(n_valid, n_valid + inv["out_of_range"]):
        for col in rng.choice(len(items), size=int(rng.integers(1, 3)), replace=False):
            cells[row, col] = codes[int(rng.integers(len(codes)))]
    # excess missing: more than max_missing_share of the items unanswered
    lo, hi = r["excess_missing_cells"]
    for row in range(n_valid + inv["out_of_range"], n_fresh):
        k = int(rng.integers(lo, hi + 1))
        for col in rng.choice(len(items), size=k, replace=False):
            cells[row, col] = missing_token()
    # straight-liners: one box ticked for every item (as stored)
    sl_values = rng.choice([3, 4, 5], size=inv["straightlining"], p=[0.25, 0.45, 0.30])
    sl = np.repeat(sl_values.astype(str)[:, None], len(items), axis=1).astype(object)
    cells = np.vstack([cells, sl])
    rules += ["straightlining"] * inv["straightlining"]
    frame = pd.concat([demo.reset_index(drop=True),
                       pd.DataFrame(cells, columns=items)], axis=1)
    frame["_rule"] = rules
    # file order: a random permutation; duplicates follow their original somewhere later
    order = list(rng.permutation(len(frame)))
    originals = rng.choice(n_valid, size=inv["duplicate"], replace=False)
    for orig in originals:
        pos = order.index(int(orig))
        insert_at = int(rng.integers(pos + 1, len(order) + 1))
        dup = frame.iloc[int(orig)].copy()
        dup["_rule"] = "duplicate"
        frame.loc[len(frame)] = dup
        order.insert(insert_at, len(frame) - 1)
    frame = frame.iloc[order].reset_index(drop=True)
    ids = np.sort(rng.choice(np.arange(1, int(r["distributed"]) + 1), size=len(frame), replace=False))
    frame.insert(0, "resp_id", [f"Q{i:03d}" for i in ids])
    status = frame[["resp_id", "_rule"]].rename(columns={"_rule": "rule"})
    raw = frame.drop(columns="_rule")
    for c in pop.raw["demographics"]:
        raw[c] = raw[c].astype(int)
    raw = raw[["resp_id", "cluster", "ownership", "employees", "firm_age", "respondent_role"] + items]
    return Replicate(raw, status.reset_index(drop=True))


def to_csv_bytes(raw: pd.DataFrame) -> bytes:
    """The committed file's exact bytes (UTF-8, LF line ends, blanks as empty fields)."""
    return raw.to_csv(index=False, lineterminator="\n").encode("utf-8")
