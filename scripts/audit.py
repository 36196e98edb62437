"""audit: the published numbers against the reproduced results, and their internal consistency."""
import logging

from clusterup.audit.review import audit
from clusterup.io.config import load_yaml
from clusterup.workflow import run, write_csv


def main(smk):
    with open(smk.input.model, encoding="utf-8") as fh:
        model = fh.read()
    comparison, tables, consistency = audit(load_yaml(smk.input.published, "published numbers"),
                                            smk.input.published, results_dir="results", model=model,
                                            model_source=smk.input.model,
                                            items_dropped=[d["item"] for d in smk.params.items_dropped])
    for entry, note in zip(comparison.itertuples(), comparison.attrs.get("notes", [])):
        if note:
            logging.warning("%s %s: %s", entry.table, entry.quantity, note)
    write_csv(comparison, smk.output.comparison)
    write_csv(tables, smk.output.tables)
    write_csv(consistency, smk.output.consistency)


run(main, snakemake)  # noqa: F821
