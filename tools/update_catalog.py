"""Re-extract the chapter's messages and merge them into every language's catalog.

    .venv/bin/python tools/update_catalog.py

Extraction (babel.cfg): the templates ({% trans %}…{% endtrans %}, _("…")) with Jinja's extractor
and the report package's Python (_("…")), plus clusterup.report.i18n.dynamic_messages() (words that
reach the templates as values).  Writes clusterup/report/locale/messages.pot and updates
clusterup/report/locale/<lang>/LC_MESSAGES/messages.po: new messages get an empty msgstr (listed by
this script and by tests/unit/test_catalog.py), translations of messages that no longer occur are
dropped.  Translate the empty entries, then re-run the report rules.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.frontend import parse_mapping_cfg  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

from clusterup.report.i18n import LANGUAGES, LOCALE_DIR, dynamic_messages, po_path  # noqa: E402


def extract() -> Catalog:
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    pot = Catalog(project="clusterup", charset="utf-8")
    for fname, lineno, message, comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2)},
            comment_tags=("TRANSLATORS:",)):
        pot.add(message, None, [(fname, lineno)], auto_comments=comments, context=context)
    for msg in dynamic_messages():
        if msg not in pot:
            pot.add(msg, None, [("clusterup/report/i18n.py", 0)])
    return pot


def write(cat: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        write_po(fh, cat, width=110, no_location=True, omit_header=False, sort_output=True, ignore_obsolete=True)


def main() -> int:
    pot = extract()
    write(pot, LOCALE_DIR / "messages.pot")
    empty_total = 0
    for lang in LANGUAGES:
        if lang == "en":
            continue
        path = po_path(lang)
        if path.exists():
            with open(path, "rb") as fh:
                cat = read_po(fh, locale=lang)
        else:
            cat = Catalog(locale=lang, project="clusterup", charset="utf-8")
        cat.update(pot, no_fuzzy_matching=True)
        write(cat, path)
        # (a plural message's msgstr is a tuple of forms: untranslated while any form is empty)
        empty = [m.id for m in cat if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)]
        empty_total += len(empty)
        print(f"{path.relative_to(ROOT)}: {len(cat)} messages, {len(empty)} untranslated")
        for m in empty:
            print(f"  - {m!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
