"""Results files of the Monte-Carlo power study (issue 15): rules/power.smk."""
from clusterup.registry import F, ResultFile

STAGE = "power"

FILES = [
    ResultFile("power/shard_{i}.csv", STAGE,
               "One shard of the power simulation: a row per replication, sample size and hypothesis, "
               "failed replications included.",
               fields=(F("n", "sample size N of the replication", "count"),
                       F("replication", "replication number r (stream SeedSequence([seed, N, r]))", "index (0…)"),
                       F("id", "hypothesis id"),
                       F("ok", "True when the fit was admissible (converged, no negative variance)"),
                       F("success", "True when the hypothesis's event occurred (empty when not ok): significant "
                                    "path of the expected sign, Monte-Carlo CI excluding 0 with the expected "
                                    "sign, or significant chi-square difference"),
                       F("reason", "why the replication failed (empty when ok)"))),
    ResultFile("power/power.csv", STAGE,
               "Monte-Carlo power of every hypothesis at each sample size.",
               fields=(F("id", "hypothesis id"), F("n", "sample size N", "count"),
                       F("power", "share of the admissible replications in which the event occurred "
                                  "(for nested hypotheses: a significant chi-square difference)", "proportion"),
                       F("mc_se", "Monte-Carlo standard error sqrt(power(1 - power)/n_ok)", "proportion"),
                       F("n_ok", "admissible replications", "count"),
                       F("n_failed", "replications that did not converge or were inadmissible", "count"))),
    ResultFile("power/n_required.csv", STAGE,
               "Sample size needed for 80% and 90% power, linearly interpolated on the N grid.",
               fields=(F("id", "hypothesis id"),
                       F("n_for_80", "smallest N with power >= .80 (interpolated; \"> max N\" when not reached)"),
                       F("n_for_90", "as n_for_80, for power >= .90"))),
    ResultFile("power/analytic.csv", STAGE,
               "Satorra–Saris (1985) analytic power of the Wald z of each path hypothesis, for comparison.",
               fields=(F("id", "hypothesis id (paths only)"), F("n", "sample size N", "count"),
                       F("power", "Φ(θ/se_N − z) for an expected positive sign (Φ(−θ/se_N − z) for a negative "
                                  "one), se_N from the expected information of the population model at N",
                         "proportion"))),
    ResultFile("power/summary.json", STAGE, "Settings and bookkeeping of the power study.",
               fields=(F("replications", "replications per N", "count"), F("n", "the N grid"),
                       F("alpha", "significance level"), F("seed", "master seed"),
                       F("mc_draws", "Monte-Carlo CI draws per replication", "count"),
                       F("population", "the population: fitted model or the population model file"),
                       F("study_n", "the study's own N", "count"), F("shards", "shard jobs", "count"),
                       F("failure_reasons", "failed replications by reason (count)"))),
    ResultFile("figures/power.svg", STAGE, "Power curves of every hypothesis against N."),
]
