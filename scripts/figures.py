"""figures: CFA and SEM path diagrams (AMOS style, pure SVG), item distributions, correlation heatmap, bootstrap histograms."""
import pandas as pd

from clusterup.io.clean import read_clean
from clusterup.io.config import study_from
from clusterup.report.diagrams import cfa_diagram, sem_diagram
from clusterup.report.i18n import localize_effects, translations
from clusterup.report.figures import bootstrap_histograms, correlation_heatmap, item_distributions
from clusterup.structural.labels import effect_labels
from clusterup.workflow import run, write_text


def main(smk):
    """Draws the figures this rule names as outputs: the path diagrams, the item and correlation
    figures (rules figures, figures_<lang>) or the bootstrap histograms (rules bootstrap_figure*)."""
    study = study_from(codebook=smk.input.codebook, model=smk.input.model, hypotheses=smk.input.hypotheses,
                       items_dropped=smk.params.items_dropped)
    language = smk.params.get("language", "en")
    cjk = language != "en"
    _ = translations(language).gettext
    cb = study.codebook
    outputs = smk.output.keys()
    if "cfa_diagram" in outputs:      # the path diagrams show codes only: one pair for every language
        est = pd.read_csv(smk.input.estimates, keep_default_na=False, na_values=[""])
        cfa_est = pd.read_csv(smk.input.cfa_estimates, keep_default_na=False, na_values=[""])
        write_text(cfa_diagram(cfa_est).svg, smk.output.cfa_diagram)
        write_text(sem_diagram(est, pd.read_csv(smk.input.r2)).svg, smk.output.sem_diagram)
    if "item_plot" in outputs:
        data = read_clean(smk.input.clean, study.codebook)
        item_distributions(data, list(cb.items), cb.scale_min, cb.scale_max, smk.output.item_plot,
                           continuous=cb.continuous, _=_, cjk=cjk)
        correlation_heatmap(pd.read_csv(smk.input.correlations), smk.output.heatmap, _=_, cjk=cjk)
    if "bootstrap" in outputs:
        labels = {f: (cb.constructs.get(f, {}).get("label_zh") or cb.label(f)) if cjk else cb.label(f)
                  for f in study.model.latent}
        effects = pd.read_csv(smk.input.effects)
        names = effects.loc[effects["kind"] == "defined", "effect"].tolist()
        titles = effect_labels(study.analysis_model, labels, None if cjk else smk.params.effect_labels)
        if cjk:
            titles = localize_effects(titles, _)
        bootstrap_histograms(pd.read_csv(smk.input.draws), effects, names, smk.output.bootstrap, titles=titles,
                             _=_, cjk=cjk)


run(main, snakemake)  # noqa: F821
