"""The glyph check (issue 13): characters no font of the chapter's stack can draw are found and named."""
import pytest

from clusterup.errors import InputError
from clusterup.report.glyphs import check_glyphs, covered, css_families, font_file, missing_glyphs, visible_text

needs_fonts = pytest.mark.skipif(not (font_file("DejaVu Serif") and font_file("Noto Serif CJK SC")),
                                 reason="fonts-dejavu-core and fonts-noto-cjk (tools/install.sh) are not installed")


def test_css_families_and_visible_text():
    css = 'html { font-family: "DejaVu Serif", "Noto Serif CJK SC", serif; } pre { font-family: monospace; }'
    assert css_families(css) == ["DejaVu Serif", "Noto Serif CJK SC"]
    assert visible_text("<style>p{}</style><p>α &lt; .05</p>").split() == ["α", "<", ".05"]


@needs_fonts
def test_latin_and_greek_are_covered_by_dejavu():
    assert missing_glyphs("Cronbach's α = .931, χ² → β", [font_file("DejaVu Serif")]) == []


@needs_fonts
def test_chinese_needs_the_cjk_font():
    text = "第四章 实证分析：信度与效度"
    dejavu = font_file("DejaVu Serif")
    assert set(missing_glyphs(text, [dejavu])) == set("第四章实证分析：信度与效度")
    assert missing_glyphs(text, [dejavu, font_file("Noto Serif CJK SC")]) == []
    assert ord("信") in covered(font_file("Noto Serif CJK SC"))


@needs_fonts
def test_a_character_no_font_has_fails_with_its_code_point():
    # U+E000 is a private-use code point: no installed font maps it
    with pytest.raises(InputError, match=r"U\+E000"):
        check_glyphs("信度 \ue000", ["DejaVu Serif", "Noto Serif CJK SC"])
    assert check_glyphs("信度 α", ["DejaVu Serif", "Noto Serif CJK SC"])


def test_no_installed_font_is_a_clear_error():
    with pytest.raises(InputError, match="none of the fonts"):
        check_glyphs("x", ["No Such Font Family 12345"])
