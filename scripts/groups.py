"""groups: construct scores compared across the demographics (t / Welch, ANOVA / Welch, Tukey, Levene)."""
from clusterup.io.clean import read_clean
from clusterup.io.config import study_from
from clusterup.measurement.groups import compare_groups, construct_scores, group_levels
from clusterup.workflow import run, write_csv


def main(smk):
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    data = read_clean(smk.input.clean, study.codebook)
    scores = construct_scores(data, study.constructs_measured())
    levels = group_levels(data, study.codebook, smk.params.groups.get("bins") or {})
    means, tests, posthoc = compare_groups(scores, levels, min_n=smk.params.groups.get("min_n", 2))
    write_csv(means, smk.output.means)
    write_csv(tests, smk.output.tests)
    write_csv(posthoc, smk.output.posthoc)


run(main, snakemake)  # noqa: F821
