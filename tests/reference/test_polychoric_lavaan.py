"""Thresholds and polychoric correlations against lavaan 0.6.14 lavCor(ordered = TRUE).

Data and values: tests/reference/r/lavaan_polychoric.R (simulated 5-category items, N = 500).
"""
import json
from pathlib import Path

import numpy as np
import pandas as pd

from clusterup.estimation.polychoric import polychoric

HERE = Path(__file__).parent
REF = json.loads((HERE / "values" / "lavaan_polychoric.json").read_text())
DATA = pd.read_csv(HERE / "data" / "ordinal_sim.csv")


def test_thresholds_and_polychoric_match_lavaan():
    R, th = polychoric(DATA)
    ours_th = np.concatenate([th[c] for c in REF["items"]])
    np.testing.assert_allclose(ours_th, REF["th"], atol=1e-6)
    np.testing.assert_allclose(R.loc[REF["items"], REF["items"]].to_numpy(), np.array(REF["cor"]),
                               atol=1e-6)


def test_vectorised_moments_match_lavaan_and_the_pairwise_path():
    from clusterup.estimation.polychoric import ordinal_moments

    m = ordinal_moments(DATA[REF["items"]])
    np.testing.assert_allclose(m.th, REF["th"], atol=1e-8)
    np.testing.assert_allclose(m.R, np.array(REF["cor"]), atol=1e-6)
