"""Issue 9 mechanisms: text reader, delimiter detection, := without a real value, identification,
failure policy and shard integrity (hand-computed expectations)."""
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from clusterup.errors import InputError
from clusterup.estimation.identification import check_identified, rank_deficiency
from clusterup.estimation.spec import build_spec
from clusterup.estimation.syntax import DefinedParameters, DefinitionWarning, parse_model
from clusterup.io.readers import detect_delimiter, read_raw
from clusterup.io.textfile import read_text
from clusterup.structural.bootstrap import BootstrapFailure, FailurePolicy, read_shard


def test_text_reader_utf8_then_gb18030(tmp_path):
    p = tmp_path / "m.lavaan"
    p.write_bytes("# 创新行为\nF =~ a + b\n".encode("gb18030"))
    t = read_text(str(p), "model")
    assert t.encoding == "gb18030" and "创新行为" in t.text
    p.write_bytes("# 创新行为\n".encode("utf-8"))
    assert read_text(str(p), "model").encoding == "utf-8"
    p.write_bytes(b"ok\n\x81\x20\x81\x20")       # invalid in both (0x81 0x20 is no GB18030 pair)
    with pytest.raises(InputError, match="line 2"):
        read_text(str(p), "model")


@pytest.mark.parametrize("line,sep", [("a,b,c", ","), ("a;b;c", ";"), ("a\tb", "\t"), ("a|b", "|"),
                                      ("a", ","), ('"x;y",b,c', ",")])
def test_detect_delimiter(line, sep):
    assert detect_delimiter(line) == sep


def test_configured_delimiter_overrides_detection(tmp_path):
    # a semicolon file whose header has more commas than semicolons: detection picks ',', the
    # configured ';' reads the three columns as written
    p = tmp_path / "s.csv"
    p.write_text('id;"a,b,c,d";x\n1;2;3\n', encoding="utf-8")
    assert read_raw(str(p)).delimiter == ","
    raw = read_raw(str(p), delimiter=";")
    assert raw.delimiter == ";" and list(raw.frame.columns) == ["id", "a,b,c,d", "x"]
    assert list(raw.frame.iloc[0]) == ["1", "2", "3"]
    with pytest.raises(InputError, match="data.delimiter"):
        read_raw(str(p), delimiter=":")


def test_definition_without_real_value_is_nan_with_warning():
    m = parse_model("y ~ a1*x + b*z\nr := a1/(b - b)\ns := a1^0.5\n", "t.lavaan")
    defs = DefinedParameters(m.definitions)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        bad = defs.check({"a1": -0.25, "b": 0.3})
    assert bad == ["r", "s"]
    msgs = [str(w.message) for w in rec if issubclass(w.category, DefinitionWarning)]
    assert "'r' (line 2" in msgs[0] and "'s' (line 3" in msgs[1]
    vals = defs.values({"a1": -0.25, "b": 0.3})
    assert math.isnan(vals[0]) and math.isnan(vals[1])
    assert defs.values({"a1": 0.25, "b": 0.3})[1] == pytest.approx(0.5)      # 0.25^0.5 by hand


def test_identification_rank_and_t_rule():
    # 2 factors × 2 indicators with an extra residual covariance: 10 moments, 10 parameters (df 0),
    # yet not identified (Bollen 1989: the two-indicator rule needs uncorrelated errors)
    m = parse_model("F =~ x1 + x2\nG =~ y1 + y2\nF ~~ G\nx1 ~~ x2\n", "t")
    assert build_spec(m).df == 0
    with pytest.raises(InputError, match="not identified"):
        check_identified(m)
    ok = parse_model("F =~ x1 + x2 + x3\n", "t")     # 6 moments, 6 parameters: just identified
    assert rank_deficiency(build_spec(ok)) == []
    with pytest.raises(InputError, match="df = -3"):
        check_identified(parse_model("F =~ x1 + x2 + x3\nx1 ~~ x2\nx1 ~~ x3\nx2 ~~ x3\n", "t"))


def test_failure_policy_stops_with_reasons():
    pol = FailurePolicy(max_per_draw=5)
    with pytest.raises(BootstrapFailure, match="draw 3 failed 5 attempts.*negative variance"):
        for a in range(10):
            pol.record(3, a, "inadmissible: negative variance estimate")
    pol = FailurePolicy(min_attempts=10, max_share=0.5)
    for b in range(5):
        pol.record(b, 0, "")
    with pytest.raises(BootstrapFailure, match="6 of 11"):
        for b in range(5, 11):
            pol.record(b, 0, "no convergence")


def _shard(path, draws, cols):
    rows = [{"draw": d, "attempt": 0, "ok": True, "reason": "", "iterations": 3, "grad_max": 1e-9,
             **{c: 0.1 for c in cols}} for d in draws]
    pd.DataFrame(rows).to_csv(path, index=False)


def test_read_shard_integrity(tmp_path):
    p = tmp_path / "shard_1.csv"
    _shard(p, range(0, 5), ["x"])
    assert len(read_shard(str(p), range(0, 5), ["x"])) == 5
    _shard(p, range(0, 4), ["x"])
    with pytest.raises(BootstrapFailure, match="shard_1.csv.*first missing is draw 4"):
        read_shard(str(p), range(0, 5), ["x"])
    _shard(p, range(0, 6), ["x"])
    with pytest.raises(BootstrapFailure, match="draw 5 does not belong"):
        read_shard(str(p), range(0, 5), ["x"])
    p.write_text("")
    with pytest.raises(BootstrapFailure, match="empty"):
        read_shard(str(p), range(0, 5), ["x"])
