"""efa: KMO/Bartlett, principal components + varimax, parallel analysis, Harman's test."""
from clusterup.io.clean import read_clean
from clusterup.io.config import study_from
from clusterup.measurement.efa import efa
from clusterup.workflow import run, write_csv, write_json


def main(smk):
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    data = read_clean(smk.input.clean, study.codebook)
    item_construct = {i: c for c, its in study.constructs_measured().items() for i in its}
    cfg = smk.params.efa
    out = efa(data[list(item_construct)], item_construct, n_components=cfg["n_components"],
              iterations=cfg["parallel_iterations"], percentile=cfg["parallel_percentile"], seed=cfg["seed"])
    write_json(out["adequacy"], smk.output.adequacy)
    write_csv(out["kmo_items"], smk.output.kmo_items)
    write_csv(out["loadings"], smk.output.loadings)
    write_csv(out["variance"], smk.output.variance)
    write_csv(out["parallel"], smk.output.parallel)
    write_json(out["harman"], smk.output.harman)


run(main, snakemake)  # noqa: F821
