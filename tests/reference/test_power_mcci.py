"""The Monte-Carlo CI of the power study against semTools::monteCarloCI (tests/reference/r/power_mcci.R)."""
import json
from pathlib import Path

import numpy as np

from clusterup.estimation.spec import build_spec
from clusterup.estimation.syntax import parse_model
from clusterup.structural.power import mc_interval

REF = json.loads((Path(__file__).parent / "values" / "power_mcci.json").read_text())
MODEL = """
M ~ a*X
Y ~ b*M + c*X
ind := a*b
tot := a*b + c
prop := a*b / (a*b + c)
"""


def test_mc_interval_matches_semtools():
    spec = build_spec(parse_model(MODEL), ["X", "M", "Y"])
    names = ["a", "b", "c"]
    idx = [spec.labels[k] for k in names]
    theta = np.full(spec.n_free, 1.0)
    theta[idx] = [REF["coefs"][k] for k in names]
    vcov = np.eye(spec.n_free) * 0.01
    vcov[np.ix_(idx, idx)] = np.asarray(REF["ACM"])
    for name in ("ind", "tot", "prop"):
        lo, hi = mc_interval(theta, vcov, spec, name, 400_000, np.random.default_rng(7), REF["level"])
        # both sides are Monte-Carlo quantiles (4e5 and 2e6 draws): agreement to a few thousandths
        tol = 0.004 if name != "prop" else 0.02
        assert abs(lo - REF[name]["lo"]) < tol, (name, lo, REF[name]["lo"])
        assert abs(hi - REF[name]["hi"]) < tol, (name, hi, REF[name]["hi"])
