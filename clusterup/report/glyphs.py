"""Glyph check: will every character of the chapter print, or would some come out as empty boxes?

The chapter's CSS names a font stack (e.g. "DejaVu Serif", "Noto Serif CJK SC"); fontconfig
resolves each family to a font file, and fontTools reads the character map (``cmap``) of each file
(TrueType collections such as NotoSerifCJK-Regular.ttc included).  A character covered by none of
them would be drawn as a .notdef box, so the report stops before writing the PDF and names those
characters.  Whitespace and control characters are not drawn and are ignored.
"""
from __future__ import annotations

import functools
import subprocess
import unicodedata

from clusterup.errors import InputError


@functools.lru_cache(maxsize=None)
def font_file(family: str) -> str | None:
    """The file fontconfig uses for ``family`` — only when it is that family, not a substitute."""
    try:
        out = subprocess.run(["fc-match", "-f", "%{family}\t%{file}", family], capture_output=True, text=True,
                             timeout=20, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names, _, path = out.partition("\t")
    if family.lower() not in [n.strip().lower() for n in names.split(",")]:
        return None
    return path or None


@functools.lru_cache(maxsize=None)
def _fonts(path: str) -> tuple:
    """The fonts of a file, opened lazily (a collection such as NotoSerifCJK-Regular.ttc holds several)."""
    from fontTools.ttLib import TTCollection, TTFont

    if path.lower().endswith((".ttc", ".otc")):
        return tuple(TTCollection(path, lazy=True).fonts)
    return (TTFont(path, lazy=True),)


@functools.lru_cache(maxsize=None)
def _cmap(path: str, index: int) -> frozenset[int]:
    return frozenset(_fonts(path)[index].getBestCmap() or {})


def covered(path: str) -> frozenset[int]:
    """Code points with a glyph in the font file (every font of a collection)."""
    cps: set[int] = set()
    for i in range(len(_fonts(path))):
        cps |= _cmap(path, i)
    return frozenset(cps)


def missing_glyphs(text: str, font_paths: list[str]) -> list[str]:
    """Characters of ``text`` (in first-seen order) that none of the fonts can draw.

    A font's character map is read only while some character is still unaccounted for: decoding the
    cmaps of every font of the CJK collections took 3 s of each report job, and the English chapter
    needs none of them."""
    wanted = [ch for ch in dict.fromkeys(text)
              if not (ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zs", "Zl", "Zp"))]
    remaining = {ord(ch) for ch in wanted}
    for p in font_paths:
        for i in range(len(_fonts(p))):
            if not remaining:
                break
            remaining -= _cmap(p, i)
    return [ch for ch in wanted if ord(ch) in remaining]


def check_glyphs(text: str, families: list[str], where: str = "the chapter") -> list[str]:
    """Raise InputError listing the characters no font of ``families`` has; return the font files."""
    paths = [p for p in (font_file(f) for f in families) if p]
    if not paths:
        raise InputError(f"none of the fonts {', '.join(families)} is installed", where=where,
                         fix="run tools/install.sh (it installs fonts-dejavu-core and fonts-noto-cjk)")
    missing = missing_glyphs(text, paths)
    if missing:
        shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:20])
        raise InputError(f"{len(missing)} character(s) would print as empty boxes: {shown}"
                         + (" …" if len(missing) > 20 else ""), where=where,
                         fix=f"install a font that has them and add it to the chapter's font list "
                             f"({', '.join(families)}), or replace the characters in the codebook/config text")
    return paths


GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}


def css_families(css: str) -> list[str]:
    """Every font family the stylesheet names (in order of first use; generic names left out)."""
    import re

    out: list[str] = []
    for decl in re.findall(r"font-family\s*:\s*([^;}]+)", css):
        for fam in decl.split(","):
            fam = fam.strip().strip("'\"")
            if fam and fam.lower() not in GENERIC and fam not in out:
                out.append(fam)
    return out


def visible_text(html: str) -> str:
    """The text a reader sees: tags, <style> and embedded images removed, entities decoded."""
    import html as _html
    import re

    text = re.sub(r"<style.*?</style>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return _html.unescape(text)
