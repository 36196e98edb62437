"""Results of the examiner's analyses (issue 10): competing models, method bias, groups, Sobel."""
from clusterup.registry import F, ResultFile

_FIT = (F("npar", "free parameters q"), F("chi2", "χ² (CMIN) under the configured likelihood"),
        F("df", "degrees of freedom"), F("p", "p of χ²"), F("chi2_df", "χ²/df"), F("cfi", "CFI"),
        F("tli", "TLI"), F("rmsea", "RMSEA"), F("srmr", "SRMR"))

FILES = [
    ResultFile("cfa/alternatives.csv", "examiner",
               "Competing measurement models fitted by the same ML layer; Δχ² against the first-order model "
               "where nested. aic/bic are the fit block's AMOS forms (AIC = χ² + 2q, BIC = χ² + q·ln(N·p)).",
               (F("model", "first_order, second_order, one_factor or a config alternative"),
                F("description", "what the model is"), *_FIT,
                F("aic", "AMOS AIC = χ² + 2q"), F("bic", "AMOS BIC = χ² + q·ln(N·p)"),
                F("delta_chi2", "χ²_model − χ²_first_order (empty if not nested)"),
                F("delta_df", "df_model − df_first_order"), F("p_delta", "p of the Δχ² test"),
                F("converged", "false: the model did not converge (fit values empty), reported not dropped"))),
    ResultFile("cfa/second_order.json", "examiner",
               "Marsh & Hocevar's target coefficient; available = false with a reason when the model has no "
               "second-order factors.",
               (F("available", "whether the comparison exists"), F("chi2_first", "χ² of the first-order model"),
                F("chi2_second", "χ² of the second-order model"),
                F("target_coefficient", "T = chi2_first / chi2_second"),
                F("df_first", "df of the first-order model"), F("df_second", "df of the second-order model"),
                F("delta_chi2", "χ² difference second − first", "χ² units"), F("delta_df", "df difference"),
                F("p_delta", "p of the χ² difference"), F("reason", "explanation"))),
    ResultFile("cfa/per_construct.csv", "examiner", "One-factor CFA of each construct with at least 4 items.",
               (F("construct", "construct"), F("n_items", "items"), F("npar", "free parameters"),
                F("chi2", "χ²"), F("df", "df"), F("p", "p"), F("chi2_df", "χ²/df"), F("gfi", "GFI"),
                F("agfi", "AGFI"), F("cfi", "CFI"), F("tli", "TLI"), F("rmsea", "RMSEA"), F("srmr", "SRMR"),
                F("converged", "converged"))),
    ResultFile("cfa/smc.csv", "examiner", "Squared multiple correlations of the items in the first-order CFA.",
               (F("construct", "factor"), F("item", "item"), F("std_loading", "standardized loading"),
                F("smc", "R² of the item = 1 − standardized residual variance", "proportion"))),
    ResultFile("cmb/method_bias.json", "examiner",
               "Common method bias: Harman's share (percent, as efa/harman.json), one-factor CFA, and the "
               "ULMC model (first-order CFA + method factor with one equal loading, variance 1, uncorrelated "
               "with the traits).",
               (F("harman_first_factor_pct", "first unrotated component's share of variance", "percent (0–100)"),
                F("harman_limit_pct", "the limit Harman's share is compared with", "percent (0–100)"),
                F("likelihood", "likelihood convention of the χ² (wishart or normal)"),
                F("first_order", "fit of the first-order CFA the method models are compared with (chi2, df, cfi, …)"),
                F("one_factor", "chi2, df, cfi, tli, rmsea, srmr of the one-factor CFA"),
                F("ulmc", "chi2, df, cfi, rmsea, delta_chi2, delta_df, p (Δχ² vs first-order), method_loading, "
                          "method_variance_share (mean squared standardized method loading, proportion)"))),
    ResultFile("groups/means.csv", "examiner", "Construct score (item mean) by demographic level.",
               (F("demographic", "codebook demographic"), F("level", "level label (or band)"),
                F("construct", "construct"), F("n", "respondents"), F("mean", "mean score", "scale points"),
                F("sd", "SD (N − 1)", "scale points"))),
    ResultFile("groups/tests.csv", "examiner",
               "Difference tests: t_student / t_welch for two levels, anova / welch_anova for more; Levene "
               "centred on the mean (SPSS).",
               (F("demographic", "demographic"), F("construct", "construct"), F("test", "test"),
                F("statistic", "t or F"), F("df1", "df (t) or numerator df (F)"), F("df2", "denominator df (F)"),
                F("p", "two-sided p"), F("levene_f", "Levene F"), F("levene_p", "Levene p"))),
    ResultFile("groups/posthoc.csv", "examiner", "Tukey HSD pairwise comparisons (demographics with ≥ 3 levels).",
               (F("demographic", "demographic"), F("construct", "construct"), F("level_a", "first level"),
                F("level_b", "second level"), F("mean_diff", "mean(level_b) − mean(level_a)", "scale points"),
                F("p_tukey", "Tukey-adjusted p"))),
    ResultFile("mediation/sobel.csv", "examiner", "Sobel and Aroian tests of every product := parameter.",
               (F("effect", ":= name"), F("label", "the product of labels"), F("a", "first path"),
                F("se_a", "its SE"), F("b", "second path"), F("se_b", "its SE"), F("estimate", "a·b"),
                F("se_sobel", "√(b²s_a² + a²s_b²)"), F("z_sobel", "z"), F("p_sobel", "two-sided p"),
                F("se_aroian", "√(b²s_a² + a²s_b² + s_a²s_b²)"), F("z_aroian", "z"), F("p_aroian", "two-sided p"))),
]
