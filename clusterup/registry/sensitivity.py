"""Results files of the sensitivity panel (issue 11): rules/sensitivity.smk."""
from clusterup.registry import F, ResultFile

_MM = (F("model", "cfa (first-order measurement model) or sem (full structural model)"),
       F("method", "ml (the main analysis), mlm (Satorra–Bentler), mlr (Huber–White, Yuan–Bentler), wlsmv "
                   "(ordinal items: DWLS on polychoric correlations, scaled-and-shifted test) or fiml "
                   "(casewise ML, imputed cells left missing)"))

FILES = [
    ResultFile("sensitivity/fit.csv", "sensitivity",
               "Model fit of the CFA and the SEM under each method; ml is the first row of each model.",
               fields=_MM + (
                   F("chi2", "ML chi-square n·F (n = N − 1 under wishart, N under normal); for wlsmv the DWLS statistic "
                                "(lavaan chisq)"),
                   F("df", "degrees of freedom"),
                   F("p", "p of chi2"),
                   F("chi2_scaled", "scaled chi-square chi2 / scaling_factor; for wlsmv the scaled-and-shifted "
                                       "chi2 / scaling_factor + shift (empty for ml)"),
                   F("scaling_factor", "scaling correction factor c = tr(UΓ)/df; for wlsmv √(tr((UΓ)²)/df) "
                                       "(lavaan chisq.scaling.factor) (empty for ml)"),
                   F("df_scaled", "degrees of freedom of the scaled test (empty for ml)"),
                   F("p_scaled", "p of chi2_scaled (empty for ml)"),
                   F("cfi", "CFI: ordinary for ml, robust (lavaan cfi.robust) for mlr, scaled (cfi.scaled) for mlm and "
                           "wlsmv (wlsmv: categorical baseline, thresholds free and correlations 0)"),
                   F("tli", "TLI, as cfi"),
                   F("rmsea", "RMSEA, as cfi"),
                   F("srmr", "SRMR (the same estimates under every method; for wlsmv of the polychoric correlations, "
                            "lavaan's categorical srmr)"))),
    ResultFile("sensitivity/estimates.csv", "sensitivity",
               "Every free parameter and every := parameter under each method (robust SEs; := by the delta method).",
               fields=_MM + (
                   F("lhs", "left-hand side"), F("op", "operator (=~, ~, ~~, :=; | a threshold of an item under wlsmv, "
                                                    "rhs t1, t2, …)"), F("rhs", "right-hand side"),
                   F("label", "parameter label, empty if none"), F("est", "estimate (unstandardized)"),
                   F("se", "standard error of the method"), F("z", "est / se"), F("p", "two-sided normal p"),
                   F("std_all", "completely standardized estimate (lavaan std.all; wlsmv: on the latent-response "
                                       "scale)"))),
    ResultFile("sensitivity/verdicts.csv", "sensitivity",
               "Verdict of every hypothesis under each method; indirect effects use the delta-method z under "
               "mlm/mlr/wlsmv/fiml and the bootstrap under ml; nested ones the Satorra–Bentler (2001) scaled "
               "difference (wlsmv: lavaan's DIFFTEST, Satorra 2000 scaled-and-shifted; fiml: likelihood ratio).",
               fields=(F("id", "hypothesis id"), F("method", "ml, mlm, mlr, wlsmv or fiml"),
                       F("estimate", "path or indirect estimate (unstandardized); chi-square difference for nested"),
                       F("p", "two-sided p (bias-corrected bootstrap p for indirect effects under ml)"),
                       F("ci_lo", "lower CI bound: bootstrap BC under ml, Wald est − z·se otherwise"),
                       F("ci_hi", "upper CI bound, as ci_lo"),
                       F("verdict", "supported / not supported"),
                       F("changed", "true when the verdict differs from the main analysis (ml)"))),
    ResultFile("sensitivity/polychoric.csv", "sensitivity",
               "Polychoric correlation matrix of the model items used by wlsmv (two-step, thresholds from the "
               "marginals; lavaan lavCor); only the column item when wlsmv did not run.",
               fields=(F("item", "item (row)"),),
               extra="one column per model item (e.g. `NSC1`), in model order: its polychoric correlation with the row's item"),
    ResultFile("sensitivity/wlsmv.json", "sensitivity",
               "The rows wlsmv used: the valid rows with their original (unimputed) responses, rows with a "
               "missing cell dropped listwise ({} when wlsmv did not run).",
               fields=(F("n_rows", "valid rows", "count"), F("n_complete", "rows without a missing model item (N of wlsmv)", "count"),
                       F("n_dropped", "rows dropped listwise", "count"), F("items", "the model items, treated as ordered", "list"),
                       F("thresholds", "number of thresholds estimated", "count"))),
    ResultFile("sensitivity/skipped.csv", "sensitivity",
               "Methods that could not run on a model of this study, with the reason (empty when all ran).",
               fields=(F("method", "the method"), F("model", "cfa, sem or 'nested <id>'"),
                       F("reason", "why it was skipped"))),
    ResultFile("sensitivity/bollen_stine.json", "sensitivity",
               "Bollen–Stine bootstrap p of the SEM's model chi-square (Bollen & Stine 1992): the rows "
               "transformed to fit the model exactly, resampled, refitted (method bollen_stine).",
               fields=(F("samples", "bootstrap samples B requested (sensitivity.bollen_stine_samples)", "count"),
                       F("n_ok", "draws with a chi-square (failed ones replaced, so B unless skipped)", "count"),
                       F("n_failed", "failed attempts (no convergence, non-positive-definite resample), each replaced", "count"),
                       F("chi2", "the SEM's chi-square n·F_ML on the original rows (as sem/fit.json)"),
                       F("p", "Bollen–Stine p: share of draws with chi2_b ≥ chi2 (null when skipped)", "proportion (0–1)"),
                       F("df", "degrees of freedom of the model", "count"),
                       F("n_larger", "draws with chi2_b ≥ chi2", "count"),
                       F("n_inadmissible", "draws whose solution has a negative variance (kept, as lavaan keeps them)", "count"),
                       F("p_admissible", "the p over the admissible draws only", "proportion (0–1)"),
                       F("likelihood", "wishart (n = N − 1) or normal (n = N)"),
                       F("chi2_boot_mean", "mean of the bootstrap chi-squares (about df when the model holds)"),
                       F("chi2_boot_q95", "95th percentile of the bootstrap chi-squares (the test's critical value)"),
                       F("attempts", "all attempts", "count"),
                       F("shards", "shard jobs", "count"),
                       F("seed", "bootstrap.seed (draw b uses SeedSequence([seed, b]))", "integer"),
                       F("failure_reasons", "reason → number of failed attempts", "object of counts"),
                       F("skipped", "why no test was run (0 degrees of freedom), else null"),
                       F("stream", "how each draw's random stream is derived"))),
    ResultFile("sensitivity/bollen_stine/shard_{i}.csv", "sensitivity",
               "One shard of the Bollen–Stine bootstrap: a row per attempted resample, failed ones included.",
               fields=(F("draw", "draw number (shared numbering across shards)", "index (0…)"),
                       F("attempt", "attempt of the draw (a failed draw is replaced by a new resample)", "index (0…)"),
                       F("ok", "the refit converged", "boolean"),
                       F("reason", "why the attempt failed (empty when ok)", "text"),
                       F("iterations", "optimizer iterations", "count"),
                       F("grad_max", "largest absolute gradient at the solution", "discrepancy units"),
                       F("chi2", "chi-square of the refit, n·F_ML"),
                       F("admissible", "no negative variance estimate", "boolean"))),
]
