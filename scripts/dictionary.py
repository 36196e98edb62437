"""dictionary: results/README.md, every results file with its columns or keys, meaning and unit."""
from clusterup.registry import dictionary_markdown
from clusterup.workflow import run, write_text


def main(smk):
    write_text(dictionary_markdown(), smk.output.readme)


run(main, snakemake)  # noqa: F821
