"""nested: chi-square difference tests of the nested hypotheses (paths fixed to 0)."""
from clusterup.io.clean import read_clean
from clusterup.io.config import study_from
from clusterup.structural.mediation import nested_test
from clusterup.estimation.sem import fit_sem
from clusterup.structural.controls import apply_controls
from clusterup.estimation.syntax import fix_paths_to_zero
from clusterup.workflow import read_json, run, write_json


def main(smk):
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    data = read_clean(smk.input.clean, study.codebook)
    model, data, _ = apply_controls(study.analysis_model, data, smk.params.controls, study.codebook)
    free = read_json(smk.input.sem_fit)
    comparisons = {}
    for h in [h for h in study.hypotheses if h.kind == "nested"]:
        restricted = fit_sem(fix_paths_to_zero(model, list(h.fix_zero), smk.input.hypotheses),
                             data=data, likelihood=smk.params.likelihood, tol=smk.params.tolerance,
                             data_source=smk.input.clean)
        rfit = restricted.fit_block()
        test = nested_test(rfit["chi2"], rfit["df"], free["chi2"], free["df"])
        comparisons[h.id] = {**test, "hypothesis": h.id, "fix_zero": list(h.fix_zero), "expect": h.expect,
                             "restricted_fit": rfit, "free_fit": {k: v for k, v in free.items() if k != "model"}}
    first = next(iter(comparisons.values()), {"chi2_diff": None, "df_diff": None, "p": None})
    write_json({"chi2_diff": first["chi2_diff"], "df_diff": first["df_diff"], "p": first["p"],
                "likelihood": smk.params.likelihood, "comparisons": comparisons}, smk.output.nested)


run(main, snakemake)  # noqa: F821
