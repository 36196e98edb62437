"""describe: sample profile, item table (SPSS G1/G2), normality incl. Mardia (clusterup.measurement.describe)."""
from clusterup.io.clean import read_clean
from clusterup.io.config import load_yaml, parse_codebook
from clusterup.measurement.describe import item_table, normality, sample_profile
from clusterup.workflow import run, write_csv, write_json


def main(smk):
    codebook = parse_codebook(load_yaml(smk.input.codebook, "codebook"), smk.input.codebook)
    data = read_clean(smk.input.clean, codebook)
    dropped = [d["item"] for d in smk.params.items_dropped]
    items = item_table(data, codebook, dropped)
    analysed = [i for i in codebook.items if i not in dropped]
    write_csv(sample_profile(data, codebook), smk.output.profile)
    write_csv(items, smk.output.item_table)
    write_json(normality(data, analysed, items), smk.output.normality)


run(main, snakemake)  # noqa: F821
