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
    return [str(m.id) for m in _catalog(language) if m.id and (not m.string or m.fuzzy)]


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
             " (total)"]
    words += list(FAMILIES.values())
    words += [c.label for c in FIT_CRITERIA.values()] + [c.label for c in OTHER_CRITERIA.values()]
    words += [m.TITLE for m in load_sections()]
    return list(dict.fromkeys(words))


def localize_effects(names: dict[str, str], _) -> dict[str, str]:
    """Effect display names in the chapter's language: the " (total)" suffix that
    clusterup.structural.labels appends to total effects goes through the catalog."""
    suffix = " (total)"
    return {k: (v[: -len(suffix)] + _(suffix) if v.endswith(suffix) else v) for k, v in names.items()}
