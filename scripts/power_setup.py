"""power_setup: the population covariance, the analysis model at it (warm start) and the tests."""
import logging

import numpy as np

from clusterup.estimation.spec import ModelSpec, build_spec
from clusterup.estimation.syntax import parse_model
from clusterup.io.config import study_from
from clusterup.structural.power import FITTED_POPULATION, make_setup
from clusterup.workflow import read_json, run


def main(smk):
    fitted = read_json(smk.input.setup)
    spec = ModelSpec.from_dict(fitted["spec"])
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    population, source = None, FITTED_POPULATION
    if smk.params.population != "fitted":
        source = smk.params.population
        with open(source, encoding="utf-8") as fh:
            population = build_spec(parse_model(fh.read(), source), spec.observed, source)
    setup = make_setup(spec, np.asarray(fitted["theta"], float), study.hypotheses,
                       likelihood=fitted["likelihood"], seed=smk.params.seed, alpha=smk.params.alpha,
                       mc_draws=smk.params.mc_draws, population=population, population_source=source,
                       hypotheses_source=smk.input.hypotheses)
    setup.save(smk.output.setup)
    logging.info("population: %s; %d tests (%s)", source, len(setup.tests),
                 ", ".join(f"{t.id}:{t.kind}" for t in setup.tests))


run(main, snakemake)  # noqa: F821
