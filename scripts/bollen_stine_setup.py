"""bollen_stine_setup: the SEM's rows transformed to fit the model exactly (Bollen & Stine 1992)."""
import logging

from clusterup.estimation.bollen_stine import BollenStineSetup
from clusterup.structural.bootstrap import BootstrapSetup
from clusterup.workflow import run


def main(smk):
    setup = BollenStineSetup.from_bootstrap(BootstrapSetup.load(smk.input.setup, smk.input.setup_data))
    setup.save(smk.output.setup, smk.output.setup_data)
    logging.info("chi2 = %.6g on %d df, N = %d, %s likelihood", setup.chi2, setup.df, setup.boot.X.shape[0],
                 setup.boot.likelihood)


run(main, snakemake)  # noqa: F821
