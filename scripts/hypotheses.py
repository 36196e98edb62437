"""hypotheses: verdicts for H1-H11 from the SEM estimates, bootstrap CIs and nested tests."""
import pandas as pd

from clusterup.io.config import load_yaml, parse_hypotheses
from clusterup.structural.hypotheses import evaluate
from clusterup.workflow import read_json, run, write_csv


def main(smk):
    hyps = parse_hypotheses(load_yaml(smk.input.hypotheses, "hypotheses"), smk.input.hypotheses)
    estimates = pd.read_csv(smk.input.estimates, keep_default_na=False, na_values=[""])
    effects = pd.read_csv(smk.input.effects)
    nested = read_json(smk.input.nested)["comparisons"]
    write_csv(evaluate(hyps, estimates, effects, nested), smk.output.table)


run(main, snakemake)  # noqa: F821
