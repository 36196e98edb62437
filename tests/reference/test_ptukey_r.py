"""The vectorised Tukey HSD p-value against base R's ptukey(q, k, df, lower.tail = FALSE)."""
import json
from pathlib import Path

import numpy as np
import pytest

from clusterup.measurement.ptukey import ptukey_upper

REF = json.loads((Path(__file__).parent / "values" / "ptukey.json").read_text())


@pytest.mark.parametrize("g", REF["grid"], ids=lambda g: f"k{g['k']}-df{g['df']}")
def test_ptukey_upper_matches_r(g):
    np.testing.assert_allclose(ptukey_upper(g["q"], g["k"], g["df"]), g["p"], rtol=0, atol=1e-8)


def test_ptukey_upper_edges():
    p = ptukey_upper(np.array([0.0, np.nan, 50.0]), 3, 40)
    assert p[0] == pytest.approx(1.0) and np.isnan(p[1]) and p[2] == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError):
        ptukey_upper([1.0], 1, 40)
