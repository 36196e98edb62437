"""The chapter shows every WLSMV/FIML skip reason through the catalog: each reason the estimation
code writes must match one of the section's patterns (else it would print in English in zh)."""
import numpy as np
import pandas as pd

from clusterup.estimation.wlsmv import wlsmv_unavailable
from clusterup.report.sections.sensitivity import UNKNOWN, _reason, _skip_row


def test_every_wlsmv_reason_has_a_catalog_message():
    rng = np.random.default_rng(1)
    data = pd.DataFrame(rng.integers(1, 6, size=(40, 3)), columns=["a", "b", "c"])
    reasons = [wlsmv_unavailable(data.assign(a=data.a + 0.5), list(data)),
               wlsmv_unavailable(data.assign(b=2), list(data)),
               wlsmv_unavailable(data, list(data), n_free=50),
               wlsmv_unavailable(data, ["a", "zz"])]
    assert all(reasons) and wlsmv_unavailable(data, list(data), n_free=6) is None
    for text in reasons:
        r = _reason(text)
        assert r["msg"] != UNKNOWN, text
        assert r["msg"] % r["args"] == text


def test_skip_rows_name_the_model_and_fall_back_to_the_text():
    row = _skip_row({"method": "wlsmv", "model": "nested H11", "reason": "something new"})
    assert row["method"] == "WLSMV" and row["where"]["args"] == {"id": "H11"}
    assert row["reason"] == {"msg": UNKNOWN, "args": {"text": "something new"}}
