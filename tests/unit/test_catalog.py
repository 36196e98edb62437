"""The Chinese message catalog (issue 13): complete and consistent with the code.

Every message Babel extracts from the templates and the report package (plus the words that reach the
templates as values, i18n.dynamic_messages) must have a non-empty, non-fuzzy zh translation, and a
translation must carry exactly the placeholders of its message id (``{name}`` for the Python
narrative, ``%(name)s`` for the templates), or the Chinese chapter would lose or invent numbers.
A failure lists the messages to translate: run ``.venv/bin/python tools/update_catalog.py``, fill
the empty msgstr of clusterup/report/locale/zh/LC_MESSAGES/messages.po.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

PLACEHOLDER = re.compile(r"%\([A-Za-z_]\w*\)[sd]|%%|\{\{ref:[\w.-]+\}\}|\{ref:[\w.-]+\}|\{[A-Za-z_]\w*(?::[^{}]*)?\}")


def _translated(string) -> bool:
    """A non-empty msgstr (every form of a plural message)."""
    return all(string) if isinstance(string, (tuple, list)) else bool(string)


@pytest.fixture(scope="module")
def catalogs():
    from babel.messages.pofile import read_po

    from update_catalog import extract

    from clusterup.report.i18n import po_path

    with open(po_path("zh"), "rb") as fh:
        po = read_po(fh, locale="zh")
    return extract(), po


def test_every_extracted_message_has_a_chinese_translation(catalogs):
    pot, po = catalogs
    ids = [m.id for m in pot if m.id]
    assert len(ids) > 200          # the templates and the narrative are really extracted
    missing = [i for i in ids if i not in po or not _translated(po[i].string) or po[i].fuzzy]
    assert not missing, "messages without a zh translation (run tools/update_catalog.py):\n" + "\n".join(
        repr(m) for m in missing)


def test_placeholders_of_translations_equal_those_of_the_ids(catalogs):
    _, po = catalogs
    bad = []
    for m in po:
        if not (m.id and _translated(m.string)):
            continue
        # a plural message (ngettext, {% pluralize %}): every form carries the placeholders of the ids
        ids = m.id if isinstance(m.id, (tuple, list)) else (m.id,)
        forms = m.string if isinstance(m.string, (tuple, list)) else (m.string,)
        want = {frozenset(Counter(PLACEHOLDER.findall(i)).items()) for i in ids}
        assert len(want) == 1, ids
        if any(frozenset(Counter(PLACEHOLDER.findall(f)).items()) not in want for f in forms):
            bad.append((m.id, m.string))
    assert not bad, "\n".join(f"{i!r}\n  -> {s!r}" for i, s in bad)


def test_thesis_terms_are_used(catalogs):
    _, po = catalogs
    assert po["Summary of the hypothesis tests"].string == "假设检验结果汇总"
    assert po["supported"].string == "支持" and po["not supported"].string == "不支持"
    assert po["partially supported"].string == "部分支持"
    assert "比较拟合指数 (CFI)" == po["CFI"].string
    assert "校正项总计相关性 (CITC)" in po["Corrected item-total correlation"].string
    assert po["α if deleted"].string == "项已删除的α"


def test_loaded_translation_and_numbering():
    from clusterup.report.chapter import Numbering, cn_numeral
    from clusterup.report.i18n import translations

    tr = translations("zh")
    assert tr.gettext("supported") == "支持"
    assert translations("en").gettext("supported") == "supported"
    n = Numbering(4, language="zh")
    assert n.caption("table", "a") == "表4-1" and n.caption("figure", "f") == "图4-1" and n.caption("table", "b") == "表4-2"
    assert Numbering(4).caption("table", "a") == "Table 4-1"
    assert [cn_numeral(k) for k in (1, 4, 10, 12, 20, 21)] == ["一", "四", "十", "十二", "二十", "二十一"]
