"""Choose the replicate's seed openly (SPEC §3): the first seed from 1 upward whose 218 valid rows
reproduce the thesis's verdict pattern under an independent quick fit.

The quick fit deliberately shares no analysis code with the workflow: its own minimal cleaning
(valid rows as generated, code 9 and blanks -> missing, TIE4 reversed, a missing cell filled by
the respondent's mean of the other items of the construct, FUN4 dropped), one semopy fit of the
full model and one of the model without the direct paths, normal-theory (Sobel) tests of the
indirect effects and a likelihood-ratio test for full mediation.

Pattern (the thesis's published conclusions): H1-H4 positive and p < .05; H5-H7 not (positive
and p < .05); H8-H10 indirect effect positive with Sobel p < .05; H11 chi-square difference
p >= .05 (full mediation).

    python tools/search_seed.py [--max 200] [--write]   # --write puts the seed into population.yaml
"""
import argparse
import json
import re
import sys
import warnings

import numpy as np
import pandas as pd
import semopy
import yaml
from scipy import stats

from clusterup.io.replicate import Population, generate

MEASUREMENT = """
NSC =~ NSC1 + NSC2 + NSC3 + NSC4
TIE =~ TIE1 + TIE2 + TIE3 + TIE4
POS =~ POS1 + POS2 + POS3 + POS4
KAC =~ KAC1 + KAC2 + KAC3 + KAC4
KAB =~ KAB1 + KAB2 + KAB3 + KAB4
KCR =~ KCR1 + KCR2 + KCR3 + KCR4
PRC =~ PRC1 + PRC2 + PRC3 + PRC4
PRD =~ PRD1 + PRD2 + PRD3 + PRD4
FUN =~ FUN1 + FUN2 + FUN3
IB =~ KAC + KAB + KCR
UPG =~ PRC + PRD + FUN
NSC ~~ TIE
NSC ~~ POS
TIE ~~ POS
"""
FULL = MEASUREMENT + "IB ~ NSC + TIE + POS\nUPG ~ IB + NSC + TIE + POS\n"
MEDIATION_ONLY = MEASUREMENT + "IB ~ NSC + TIE + POS\nUPG ~ IB\n"


def quick_data(pop_raw: dict) -> pd.DataFrame:
    rep = generate(Population(pop_raw))
    valid = rep.raw[rep.status["rule"] == ""]
    items = [c for c in valid.columns if re.fullmatch(r"[A-Z]{3}\d", c)]
    X = valid[items].replace({"": np.nan, "9": np.nan}).astype(float)
    X["TIE4"] = 6 - X["TIE4"]
    X = X.drop(columns="FUN4")
    for c in X.columns:
        others = [o for o in X.columns if o[:3] == c[:3] and o != c]
        fill = X[others].mean(axis=1)
        X[c] = X[c].fillna(fill)
    return X


def fit(desc: str, X: pd.DataFrame):
    m = semopy.Model(desc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = m.fit(X, obj="MLW")
    return m, float(res.fun)


def verdicts(X: pd.DataFrame) -> dict:
    m, f_full = fit(FULL, X)
    t = m.inspect()
    t = t[t["op"] == "~"].set_index(["lval", "rval"])
    get = lambda y, x: (float(t.loc[(y, x), "Estimate"]), float(t.loc[(y, x), "Std. Err"]))
    out = {}
    for hid, (y, x) in {"H1": ("IB", "NSC"), "H2": ("IB", "TIE"), "H3": ("IB", "POS"), "H4": ("UPG", "IB"),
                        "H5": ("UPG", "NSC"), "H6": ("UPG", "TIE"), "H7": ("UPG", "POS")}.items():
        est, se = get(y, x)
        p = 2 * stats.norm.sf(abs(est / se))
        out[hid] = {"est": est, "p": p, "supported": bool(est > 0 and p < 0.05)}
    b, se_b = get("UPG", "IB")
    for hid, x in {"H8": "NSC", "H9": "TIE", "H10": "POS"}.items():
        a, se_a = get("IB", x)
        se = np.sqrt(b * b * se_a ** 2 + a * a * se_b ** 2)
        p = 2 * stats.norm.sf(abs(a * b / se))
        out[hid] = {"est": a * b, "p": p, "supported": bool(a * b > 0 and p < 0.05)}
    _, f_med = fit(MEDIATION_ONLY, X)
    n = len(X) - 1
    d = n * (f_med - f_full)
    p = float(stats.chi2.sf(d, 3))
    out["H11"] = {"chi2_diff": d, "p": p, "supported": bool(p >= 0.05)}
    return out


EXPECTED = {h: h in {"H1", "H2", "H3", "H4", "H8", "H9", "H10", "H11"} for h in
            ["H1", "H2", "H3", "H4", "H5", "H6", "H7", "H8", "H9", "H10", "H11"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--population", default="config/population.yaml")
    ap.add_argument("--max", type=int, default=200)
    ap.add_argument("--out", default="data/seed_search.json")
    ap.add_argument("--write", action="store_true", help="write the chosen seed into the population file")
    args = ap.parse_args()
    with open(args.population, encoding="utf-8") as fh:
        pop_raw = yaml.safe_load(fh)
    tried = []
    chosen = None
    for seed in range(1, args.max + 1):
        pop_raw["seed"] = seed
        v = verdicts(quick_data(pop_raw))
        ok = all(v[h]["supported"] == EXPECTED[h] for h in EXPECTED)
        tried.append({"seed": seed, "matches": ok,
                      "mismatched": [h for h in EXPECTED if v[h]["supported"] != EXPECTED[h]], "verdicts": v})
        print(f"seed {seed}: {'match' if ok else 'no match ' + ', '.join(tried[-1]['mismatched'])}", flush=True)
        if ok:
            chosen = seed
            break
    record = {"rule": "first seed from 1 upward whose valid rows reproduce H1-H4, H8-H11 supported and H5-H7 not",
              "quick_fit": f"semopy {semopy.__version__} MLW, Sobel tests, chi-square difference (N-1)·ΔF",
              "seeds_tried": len(tried), "chosen_seed": chosen, "trials": tried}
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(record, fh, indent=2)
        fh.write("\n")
    if chosen is None:
        print(f"no seed up to {args.max} reproduces the pattern", file=sys.stderr)
        return 1
    print(f"chosen seed {chosen} after {len(tried)} seed(s); record in {args.out}")
    if args.write:
        with open(args.population, encoding="utf-8") as fh:
            text = fh.read()
        text = re.sub(r"(?m)^seed: *\d+", f"seed: {chosen}", text, count=1)
        with open(args.population, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote seed {chosen} into {args.population}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
