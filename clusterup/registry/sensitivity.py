"""Results files of the sensitivity panel (issue 11): rules/sensitivity.smk."""
from clusterup.registry import F, ResultFile

_MM = (F("model", "cfa (first-order measurement model) or sem (full structural model)"),
       F("method", "ml (the main analysis), mlm (Satorra–Bentler) or mlr (Huber–White, Yuan–Bentler)"))

FILES = [
    ResultFile("sensitivity/fit.csv", "sensitivity",
               "Model fit of the CFA and the SEM under each method; ml is the first row of each model.",
               fields=_MM + (
                   F("chi2", "ML chi-square n·F (n = N − 1 under wishart, N under normal)"),
                   F("df", "degrees of freedom"),
                   F("p", "p of chi2"),
                   F("chi2_scaled", "scaled chi-square chi2 / scaling_factor (empty for ml)"),
                   F("scaling_factor", "scaling correction factor c = tr(UΓ)/df (empty for ml)"),
                   F("df_scaled", "degrees of freedom of the scaled test (empty for ml)"),
                   F("p_scaled", "p of chi2_scaled (empty for ml)"),
                   F("cfi", "CFI: ordinary for ml, robust (lavaan cfi.robust) for mlr, scaled (cfi.scaled) for mlm"),
                   F("tli", "TLI, as cfi"),
                   F("rmsea", "RMSEA, as cfi"),
                   F("srmr", "SRMR (the same estimates under every method)"))),
    ResultFile("sensitivity/estimates.csv", "sensitivity",
               "Every free parameter and every := parameter under each method (robust SEs; := by the delta method).",
               fields=_MM + (
                   F("lhs", "left-hand side"), F("op", "operator (=~, ~, ~~, :=)"), F("rhs", "right-hand side"),
                   F("label", "parameter label, empty if none"), F("est", "estimate (unstandardized)"),
                   F("se", "standard error of the method"), F("z", "est / se"), F("p", "two-sided normal p"),
                   F("std_all", "completely standardized estimate (lavaan std.all)"))),
    ResultFile("sensitivity/verdicts.csv", "sensitivity",
               "Verdict of every hypothesis under each method; indirect effects use the delta-method z under "
               "mlm/mlr and the bootstrap under ml; nested ones the Satorra–Bentler (2001) scaled difference.",
               fields=(F("id", "hypothesis id"), F("method", "ml, mlm or mlr"),
                       F("estimate", "path or indirect estimate (unstandardized); chi-square difference for nested"),
                       F("p", "two-sided p (bias-corrected bootstrap p for indirect effects under ml)"),
                       F("ci_lo", "lower CI bound: bootstrap BC under ml, Wald est − z·se otherwise"),
                       F("ci_hi", "upper CI bound, as ci_lo"),
                       F("verdict", "supported / not supported"),
                       F("changed", "true when the verdict differs from the main analysis (ml)"))),
    ResultFile("sensitivity/skipped.csv", "sensitivity",
               "Methods that could not run on a model of this study, with the reason (empty when all ran).",
               fields=(F("method", "the method"), F("model", "cfa, sem or 'nested <id>'"),
                       F("reason", "why it was skipped"))),
]
