"""Issue 13, second pass: Chinese typesetting of joined sentences, the audit summary composed in the
partial through the catalog (plural-aware in English), and the competing models' descriptions.

Expected strings are written out by hand (the English ones are the sentences the chapter printed
before the audit summary moved into the catalog)."""
from __future__ import annotations

from pathlib import Path

from clusterup.report.i18n import close_cjk_spacing, join_list

ROOT = Path(__file__).resolve().parents[2]


def test_no_space_after_or_before_fullwidth_punctuation():
    html = "<p>第一句。 第二句， 见<strong>表4-1</strong> 。<em>注：</em> 数据 （N = 218）</p>"
    assert close_cjk_spacing(html, "zh") == "<p>第一句。第二句，见<strong>表4-1</strong>。<em>注：</em>数据（N = 218）</p>"


def test_line_break_between_han_characters_closed_but_headings_and_code_kept():
    html = ("<title>第四章 实证分析</title><h1>第四章 实证分析</h1><p>再现已发表\n判断模式，共 218 份</p>"
            "<pre>甲。 乙</pre><p><code>a。 b</code> 下文</p>")
    out = close_cjk_spacing(html, "zh")
    assert "<h1>第四章 实证分析</h1>" in out and "<title>第四章 实证分析</title>" in out
    assert "<p>再现已发表判断模式，共 218 份</p>" in out          # Han–digit spacing kept
    assert "<pre>甲。 乙</pre>" in out and "<code>a。 b</code>" in out


def test_english_is_returned_unchanged():
    html = "<p>First.  Second, third: fourth。 </p>\n<p>x</p>"
    assert close_cjk_spacing(html, "en") is html


def test_join_helpers_know_the_language():
    assert join_list(["2 reproduced", "1 not reproduced"], "en") == "2 reproduced, 1 not reproduced"
    assert join_list(["2 张已复现", "1 张未能复现"], "zh") == "2 张已复现，1 张未能复现"


def _summary(tmp_path, language: str, **counts) -> str:
    from clusterup.report.chapter import render_html

    (tmp_path / "t.html.j2").write_text('{% import "partials/macros.html.j2" as m with context %}'
                                        "{{ m.audit_summary(a) }}", encoding="utf-8")
    a = dict(n_tables=2, n_reproduced=2, n_minor=0, n_not_reproduced=0, n_match=13, n_entries=13, n_checked=0,
             n_inconsistent=0)
    a.update(counts)
    return render_html([str(tmp_path), str(ROOT / "templates")], {"a": a, "lang": language}, template="t.html.j2",
                       language=language)


def test_audit_summary_english_singular_and_plural(tmp_path):
    assert _summary(tmp_path, "en") == ("Of 2 published tables, 2 reproduced; 13 of 13 printed numbers match "
                                        "the reproduction")
    assert _summary(tmp_path, "en", n_tables=1, n_reproduced=0, n_not_reproduced=1, n_match=3, n_entries=4,
                    n_checked=2, n_inconsistent=1) == (
        "Of 1 published table, 0 reproduced, 1 not reproduced; 3 of 4 printed numbers match the reproduction; "
        "1 of the 2 consistency checks find a printed number at odds with the others")
    assert _summary(tmp_path, "en", n_minor=1, n_checked=3).endswith(
        "2 reproduced, 1 reproduced with minor differences; 13 of 13 printed numbers match the reproduction; "
        "none of the 3 consistency checks finds a printed number at odds with the others")


def test_audit_summary_chinese(tmp_path):
    out = _summary(tmp_path, "zh", n_tables=3, n_reproduced=1, n_minor=1, n_not_reproduced=1, n_match=10,
                   n_entries=12, n_checked=2, n_inconsistent=0)
    assert out == ("在 3 张已发表表格中，1 张已复现，1 张复现但有微小差异，1 张未能复现；12 个已发表数值中有 10 个"
                   "与复现结果一致；2 项一致性检验均未发现与其他已发表数值相矛盾的数值")


def test_descriptions_of_the_standard_candidates():
    from clusterup.estimation.syntax import parse_model
    from clusterup.measurement.alternatives import candidate_parameters, describe, standard_candidates

    model = parse_model("A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3\nC =~ c1 + c2 + c3\nH =~ A + B\nC ~ H\n", "test")
    items = [f"{f}{i}" for f in "abc" for i in (1, 2, 3)]
    params = candidate_parameters(model, items)
    assert params == {"first_order": {"n_factors": 3}, "second_order": {"higher": ["H"]}, "one_factor": {"n_items": 9}}
    assert describe("first_order", params["first_order"]) == "3 first-order factors, all correlated"
    assert describe("second_order", params["second_order"]) == (
        "second-order factor(s) H over their first-order factors; factors correlated, no regressions")
    assert [c.description for c in standard_candidates(model, items)] == [
        "3 first-order factors, all correlated",
        "second-order factor(s) H over their first-order factors; factors correlated, no regressions",
        "all 9 items on one factor"]
    flat = parse_model("A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3\n", "test")
    assert "second_order" not in candidate_parameters(flat, items[:6])
