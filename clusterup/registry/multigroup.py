"""Results of the multi-group stage (issue 12): invariance ladder and group comparison of paths."""
from clusterup.registry import F, ResultFile

_FIT = (
    F("npar", "free parameters of the multi-group model (all groups)"),
    F("chi2", "chi-square, the sum over groups of n_g·F_g (n_g = N_g − 1 under wishart, N_g under normal)"),
    F("df", "degrees of freedom, G·(p* + p) − npar"),
    F("p", "p value of chi2"),
    F("cfi", "CFI against the multi-group independence baseline (lavaan)"),
    F("tli", "TLI against the multi-group independence baseline (lavaan)"),
    F("rmsea", "RMSEA with lavaan's multi-group √G factor"),
    F("rmsea_lo90", "lower bound of the 90% RMSEA interval"),
    F("rmsea_hi90", "upper bound of the 90% RMSEA interval"),
    F("srmr", "SRMR (Bentler, with mean residuals) averaged over groups weighted by N_g, as lavaan"),
    F("aic", "AIC, lavaan's log-likelihood form −2logL + 2·npar"),
    F("bic", "BIC, lavaan's log-likelihood form −2logL + npar·ln N"),
)

FILES = [
    ResultFile("multigroup/invariance.csv", "multigroup",
               "Measurement-invariance ladder of the first-order CFA across the configured groups "
               "(lavaan group.equal): configural, metric (loadings), scalar (+ intercepts; latent means "
               "free in groups 2…), strict (+ residual variances); each step tested against the one before.",
               fields=(F("step", "configural | metric | scalar | strict"), *_FIT,
                       F("delta_chi2", "chi-square difference to the previous step"),
                       F("delta_df", "df difference to the previous step"),
                       F("p_delta", "p value of delta_chi2"),
                       F("delta_cfi", "CFI of this step minus CFI of the previous one"),
                       F("delta_rmsea", "RMSEA of this step minus RMSEA of the previous one"),
                       F("decision", "holds / partly / rejected, by Δχ² (p > .05) and by Chen (2007): "
                                     "ΔCFI ≥ −.010 and ΔRMSEA ≤ .015; both criteria named"))),
    ResultFile("multigroup/paths.csv", "multigroup",
               "Structural paths of the full SEM in each group, all loadings (first and second order) "
               "equal across groups (AMOS measurement weights); then every defined (:=) parameter of the "
               "model in each group (group-specific indirect and total effects), its SE by the delta "
               "method from the covariance matrix of the multi-group fit.",
               fields=(F("group", "group name as configured"),
                       F("lhs", "effect (op ~) or the defined parameter's name (op :=)"),
                       F("op", "~ for a structural path, := for a defined parameter"),
                       F("rhs", "cause (op ~) or the defining expression (op :=)"),
                       F("label", "label in the model file (the name for :=)"),
                       F("est", "unstandardized estimate"),
                       F("se", "standard error (expected information; delta method for :=)"),
                       F("z", "est / se"), F("p", "two-tailed p of z"),
                       F("std_all", "completely standardized estimate within the group"))),
    ResultFile("multigroup/differences.csv", "multigroup",
               "Group differences of each structural path: critical ratio of the difference between two "
               "groups (independent samples, se_diff = √(se₁² + se₂²)) and the Δχ² of constraining the "
               "path equal across all groups (omnibus when there are more than two groups).",
               fields=(F("lhs", "effect"), F("op", "~"), F("rhs", "cause"), F("label", "label in the model file")),
               extra="est_<group> per group (in config order). Two groups: exactly lhs, op, rhs, label, "
                     "est_<first>, est_<second>, diff, se_diff, z, p, delta_chi2, delta_df, p_delta; one row "
                     "per structural path. More than two groups: one row per structural path and pair of "
                     "groups (all G·(G−1)/2 pairs, earlier × later in config order), `pair` (\"B - A\") "
                     "after the est_ columns; diff, se_diff, z, p are that pair's critical ratio and "
                     "delta_chi2, delta_df (= G − 1), p_delta the omnibus test of the path equal in all "
                     "groups, repeated on each of the path's rows",
               exact=True),
    ResultFile("multigroup/summary.json", "multigroup",
               "Grouping variable, group sizes, rows excluded because their code is not mapped, notes "
               "on small groups, and the fit of the measurement-weights model.",
               fields=(F("by", "grouping column"), F("likelihood", "wishart | normal"),
                       F("groups", "group name -> respondents"), F("unmapped", "rows whose code is in no group"),
                       F("notes", "warnings (a measurement-weights model that did not converge); a group smaller than "
                                   "the free parameters per group stops the stage instead"),
                       F("measurement_weights_fit", "fit block of the measurement-weights model"))),
]
