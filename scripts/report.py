"""report: render templates/ with the results into chapter.html and chapter.pdf (WeasyPrint)."""
import logging
import os
import time

from clusterup.io.config import study_from
from clusterup.report.chapter import build_context, render_html, write_pdf
from clusterup.workflow import run, write_text

NOT_RESULTS = {"templates", "codebook", "model", "hypotheses_file", "code"}


def main(smk):
    t0 = time.perf_counter()
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses_file,
                       items_dropped=smk.params.items_dropped)
    paths = {k: v for k, v in smk.input.items() if k not in NOT_RESULTS}
    ctx = build_context(paths, report_cfg=dict(smk.params.report), items_dropped=list(smk.params.items_dropped),
                        likelihood=smk.params.likelihood,
                        data_path=smk.params.data_path, codebook=study.codebook, study=study,
                        impute=smk.params.impute)
    html = render_html("templates", ctx, chapter=smk.params.report["chapter_number"])
    write_text(html, smk.output.html)
    t1 = time.perf_counter()
    pages = write_pdf(html, os.path.dirname(os.path.abspath(smk.output.pdf)), smk.output.pdf)
    logging.info("rendered HTML in %.2f s, PDF (%d pages) in %.2f s", t1 - t0, pages, time.perf_counter() - t1)


run(main, snakemake)  # noqa: F821
