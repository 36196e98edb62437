# Reference values: robust ML (MLM = Satorra-Bentler, MLR = Huber-White sandwich + Yuan-Bentler
# Mplus-variant scaled test) on HS1939 (3-factor CFA) and PoliticalDemocracy (tutorial SEM).
# lavaan's default normal likelihood (N·F); the product's `likelihood: normal` is compared with it.
#   cd <repo> && Rscript tests/reference/r/lavaan_robust.R
source("tests/reference/r/helpers.R")

HS <- read_ref("holzinger1939.csv")
PD <- read_ref("politicaldemocracy.csv")

hs_model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"

pd_model <- "ind60 =~ x1 + x2 + x3
dem60 =~ y1 + a*y2 + b*y3 + c*y4
dem65 =~ y5 + a*y6 + b*y7 + c*y8
dem60 ~ ind60
dem65 ~ ind60 + dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8
ind := a*b"

FM <- c("chisq", "df", "pvalue", "chisq.scaled", "df.scaled", "pvalue.scaled",
        "chisq.scaling.factor", "baseline.chisq", "baseline.chisq.scaled",
        "baseline.chisq.scaling.factor", "cfi", "tli", "rmsea", "srmr",
        "cfi.scaled", "tli.scaled", "rmsea.scaled", "cfi.robust", "tli.robust", "rmsea.robust")

one <- function(model, data, est) {
  fit <- sem(model, data = data, estimator = est)
  list(r_call = sprintf('fit <- sem(model, data = data, estimator = "%s")', est),
       converged = lavInspect(fit, "converged"),
       options = list(information = lavInspect(fit, "options")$information,
                      se = lavInspect(fit, "options")$se,
                      test = lavInspect(fit, "options")$test),
       fitMeasures = named_num(fitMeasures(fit, FM)),
       parameterEstimates = pe_records(fit))
}

res <- list(models = list(hs = hs_model, polidem = pd_model))
for (est in c("MLM", "MLR")) {
  res[[paste0("hs_", tolower(est))]] <- one(hs_model, HS, est)
  res[[paste0("polidem_", tolower(est))]] <- one(pd_model, PD, est)
}
# scaled chi-square difference (Satorra & Bentler 2001): dem65 ~ ind60 fixed to 0 vs free
pd_model_0 <- sub("dem65 ~ ind60 + dem60", "dem65 ~ 0*ind60 + dem60", pd_model, fixed = TRUE)
res$models$polidem_0 <- pd_model_0
for (est in c("MLM", "MLR")) {
  fit1 <- sem(pd_model, data = PD, estimator = est)
  fit0 <- sem(pd_model_0, data = PD, estimator = est)
  tab <- lavTestLRT(fit1, fit0, method = "satorra.bentler.2001")
  res[[paste0("polidem_sb2001_", tolower(est))]] <- list(
    r_call = sprintf('lavTestLRT(sem(pd_model, PD, estimator = "%s"), sem(pd_model_0, PD, estimator = "%s"), method = "satorra.bentler.2001")', est, est),
    chisq_diff = tab[["Chisq diff"]][2], df_diff = tab[["Df diff"]][2], p = tab[["Pr(>Chisq)"]][2])
}
write_ref(res, "lavaan_robust.R")
