"""report: render templates/ with the results into chapter.html and chapter.pdf (WeasyPrint)."""
import logging
import os
import time

from clusterup.io.config import study_from
from clusterup.report.chapter import build_context, render_html, write_pdf
from clusterup.report.i18n import Recorder, translations
from clusterup.workflow import run, write_text

NOT_RESULTS = {"templates", "codebook", "model", "hypotheses_file", "code", "catalog"}


def main(smk):
    t0 = time.perf_counter()
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses_file,
                       items_dropped=smk.params.items_dropped)
    paths = {k: v for k, v in smk.input.items() if k not in NOT_RESULTS}
    language = smk.params.language
    translate = Recorder(translations(language), language)
    ctx = build_context(paths, report_cfg=dict(smk.params.report), items_dropped=list(smk.params.items_dropped),
                        likelihood=smk.params.likelihood,
                        data_path=smk.params.data_path, codebook=study.codebook, study=study,
                        impute=smk.params.impute, translate=translate, language=language)
    html = render_html("templates", ctx, chapter=smk.params.report["chapter_number"], language=language,
                       translate=translate)
    if ctx["fallback"]:
        logging.warning("%d study text(s) have no Chinese wording in the codebook and print in English: %s",
                        len(set(ctx["fallback"])), "; ".join(dict.fromkeys(ctx["fallback"])))
    if translate.untranslated:
        logging.warning("%d message(s) have no %s translation in the catalog and print in English "
                        "(run tools/update_catalog.py and translate them): %s", len(translate.untranslated),
                        language, " | ".join(sorted(translate.untranslated)))
    write_text(html, smk.output.html)
    t1 = time.perf_counter()
    pages = write_pdf(html, os.path.dirname(os.path.abspath(smk.output.pdf)), smk.output.pdf)
    logging.info("rendered HTML in %.2f s, PDF (%d pages) in %.2f s", t1 - t0, pages, time.perf_counter() - t1)


run(main, snakemake)  # noqa: F821
