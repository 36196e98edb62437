"""The chapter's languages: gettext translations loaded from the Babel catalogs under ``locale/``.

English is the identity translation (the English text is the message id).  For another language
the ``.po`` file is read with :mod:`babel.messages.pofile` at build time and compiled in memory to
a gettext catalog (no compiled ``.mo`` file is kept in the repository, so the ``.po`` is the only
source).  Fuzzy or empty entries are not used: such a message prints in English, and
:func:`missing` names them so the report log can list them.

Updating the catalog after a template or a narrative sentence changed is one command::

    .venv/bin/python tools/update_catalog.py   # extract (babel.cfg) -> messages.pot -> merge into zh/messages.po
"""
from __future__ import annotations

import gettext
import io
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "zh")
DOMAIN = "messages"


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=None)
def _catalog(language: str):
    from babel.messages.pofile import read_po

    with open(po_path(language), "rb") as fh:
        return read_po(fh, locale=language)


def translations(language: str = "en") -> gettext.NullTranslations:
    """gettext translations of ``language`` (NullTranslations for English)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown chapter language {language!r} (known: {', '.join(LANGUAGES)})")
    if language == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, _catalog(language), use_fuzzy=False)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def missing(language: str) -> list[str]:
    """Message ids of the catalog without a (non-fuzzy) translation."""
    if language == "en":
        return []
    return [str(m.id) for m in _catalog(language) if m.id and (not _translated(m.string) or m.fuzzy)]


def _translated(string) -> bool:
    """A non-empty msgstr (every form of a plural message, whose msgstr is a tuple)."""
    return all(string) if isinstance(string, (tuple, list)) else bool(string)


class Recorder:
    """A gettext function that also records the message ids it could not translate."""

    def __init__(self, tr: gettext.NullTranslations, language: str):
        self.tr, self.language, self.untranslated = tr, language, set()
        self.known = set() if language == "en" else {str(m.id) for m in _catalog(language) if m.id and m.string
                                                            and not m.fuzzy}

    def __call__(self, message: str) -> str:
        out = self.tr.gettext(message)
        if self.language != "en" and message not in self.known and any(c.isalpha() for c in message):
            self.untranslated.add(message)
        return out


def dynamic_messages() -> list[str]:
    """Messages that reach the templates as values (``value | t`` or ``_(variable)`` in Python), not
    as literals Babel can extract: verdict words, index labels and families of the cut-off
    registry, KMO adjectives, screening steps, reliability flags, profile statistics, section
    titles.  tools/update_catalog.py adds them to the catalog."""
    from clusterup.report.criteria import FAMILIES, FIT_CRITERIA, OTHER_CRITERIA
    from clusterup.report.sections import load_sections

    words = ["good", "acceptable", "met", "not met", "see note", "n/a", "supported", "not supported",
             "partially supported", "marvelous", "meritorious", "middling", "mediocre", "miserable",
             "unacceptable", "Returned", "Valid", "out of range", "excess missing", "straightlining",
             "duplicate", "incomplete", "low citc", "alpha rises if deleted", "mean", "sd", "median", "min",
             "max", "kaiser", "parallel",
             # bootstrap failure reasons (clusterup/structural/bootstrap.py)
             "inadmissible: negative variance estimate", "resample covariance not positive definite",
             "injected failure (test)",
             # the suffix of total-effect names (clusterup/structural/labels.py), see localize_effects
             " (total)",
             # audit verdicts and statuses (results/audit/*.csv, clusterup/audit/published.py)
             "reproduced", "reproduced with minor differences", "not reproduced", "match", "close", "differs",
             "missing", "consistent", "inconsistent", "not checkable",
             # seeds of provenance.json (rules/provenance.smk), "_" read as a space
             "bootstrap", "parallel analysis",
             # the solver of every fit block (clusterup/estimation/sem.py, SOLVERS)
             "semopy SLSQP, refined by clusterup ML (BFGS + Newton)",
             "clusterup ML (BFGS + Newton) from simple start values",
             "clusterup ML (BFGS + Newton) from the given start values"]
    from clusterup.measurement.alternatives import NO_SECOND_ORDER, NOT_CONVERGED
    from clusterup.structural.power import FITTED_POPULATION

    words += [NO_SECOND_ORDER, NOT_CONVERGED, FITTED_POPULATION]
    words += list(FAMILIES.values())
    words += [c.label for c in FIT_CRITERIA.values()] + [c.label for c in OTHER_CRITERIA.values()]
    words += [m.TITLE for m in load_sections()]
    return list(dict.fromkeys(words))


def localize_effects(names: dict[str, str], _) -> dict[str, str]:
    """Effect display names in the chapter's language: the " (total)" suffix that
    clusterup.structural.labels appends to total effects goes through the catalog."""
    suffix = " (total)"
    return {k: (v[: -len(suffix)] + _(suffix) if v.endswith(suffix) else v) for k, v in names.items()}


# How each language joins a list of clauses ("2 reproduced, 1 not reproduced" / "2 张已复现，1 张未能复现").
# Sentences are joined with " " everywhere (templates and narrative); for Chinese the space after
# 。 is removed once, from the rendered chapter, by close_cjk_spacing.
SEPARATORS = {"en": {"list": ", "}, "zh": {"list": "，"}}


def join_list(items, language: str = "en") -> str:
    """Clauses joined as ``language`` writes a list ("a, b" / "a，b")."""
    return SEPARATORS[language]["list"].join(str(i) for i in items)


_FULLWIDTH = "。，：；、！？）】》」』"
_OPENING = "（【《「『"
_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_INLINE_TAGS = ("a", "em", "strong", "span", "sub", "sup", "i", "b", "cite")
_VERBATIM = ("pre", "code", "style", "script")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6", "title")


def close_cjk_spacing(html: str, language: str) -> str:
    """The rendered chapter with the white space Chinese typesetting does not have: none after or
    before a full-width punctuation mark (the space that joining sentences with " ", or a template
    line break between two sentences, leaves after 。 or ，) and none between two Han characters
    outside headings (a segment break of the template source or of a folded YAML text, which CSS
    Text 3 §4.1.2 removes between Chinese characters but WeasyPrint prints).  Inline tags (<em>,
    <strong>, <span>…) are looked through; <pre>, <code>, <style> and tag attributes are left
    as they are.  Other languages: returned unchanged."""
    if language != "zh":
        return html
    import re

    tokens = re.split(r"(<[^>]*>)", html)
    verbatim = heading = 0
    prev = ""                 # the last visible character before the current text token
    out = []
    for tok in tokens:
        if tok.startswith("<"):
            m = re.match(r"<(/?)([a-zA-Z0-9]+)", tok)
            if m:
                name = m.group(2).lower()
                if name in _VERBATIM and not tok.endswith("/>"):
                    verbatim = max(verbatim + (-1 if m.group(1) else 1), 0)
                if name in _HEADINGS:
                    heading = max(heading + (-1 if m.group(1) else 1), 0)
                if name not in _INLINE_TAGS:
                    prev = ""          # a block boundary: spaces there do not print anyway
            out.append(tok)
            continue
        if verbatim or not tok:
            out.append(tok)
            if tok.strip():
                prev = tok.rstrip()[-1:] if verbatim else prev
            continue
        t = tok
        if prev and prev in _FULLWIDTH + _OPENING:
            t = t.lstrip(" \t\n")
        t = re.sub(rf"([{_FULLWIDTH}{_OPENING}])[ \t\n]+", r"\1", t)
        t = re.sub(rf"[ \t\n]+([{_FULLWIDTH}{_OPENING}])", r"\1", t)
        if not heading:     # a heading's space is deliberate (第四章 实证分析)
            t = re.sub(rf"([{_HAN}])[ \t\n]+(?=[{_HAN}])", r"\1", t)
        if t.strip():
            prev = t.rstrip(" \t\n")[-1:] if not t[-1:].isspace() else ""
        out.append(t)
    return "".join(out)
