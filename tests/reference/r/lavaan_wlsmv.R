# Reference values: WLSMV (ordinal items, delta parameterization, DWLS with the diagonal of the
# Muthén (1984) NACOV, robust.sem SEs, scaled-and-shifted test) on a simulated thesis-like data set:
# five-category skewed items, three first-order exogenous factors, a second-order mediator (IB over
# three first-order factors), an outcome factor, a := indirect effect, N = 300.
#   cd <repo> && Rscript tests/reference/r/lavaan_wlsmv.R
source("tests/reference/r/helpers.R")
set.seed(20261202)
n <- 300
nsc <- rnorm(n); tie <- 0.3 * nsc + sqrt(1 - 0.09) * rnorm(n); pos <- 0.2 * nsc + 0.2 * tie + rnorm(n, sd = 0.9)
ib <- 0.4 * nsc + 0.3 * tie + 0.1 * pos + rnorm(n, sd = 0.8)
upg <- 0.5 * ib + 0.15 * nsc + 0.0 * tie + 0.05 * pos + rnorm(n, sd = 0.8)
kac <- 0.8 * ib + rnorm(n, sd = 0.6); kab <- 0.7 * ib + rnorm(n, sd = 0.7); kcr <- 0.75 * ib + rnorm(n, sd = 0.65)
meth <- rnorm(n)
fac <- list(NSC = nsc, TIE = tie, POS = pos, KAC = kac, KAB = kab, KCR = kcr, UPG = upg)
lam <- c(0.8, 0.7, 0.65)
# skewed five-category cut points (most answers in the upper categories, as Likert agreement items)
cuts <- list(c(-2.0, -1.3, -0.4, 0.7), c(-1.8, -1.0, -0.2, 0.9), c(-2.2, -1.5, -0.6, 0.5))
d <- list()
for (f in names(fac)) {
  z <- fac[[f]] / sd(fac[[f]])
  for (j in 1:3) {
    ystar <- lam[j] * z + sqrt(1 - lam[j]^2) * rnorm(n)
    # misfit the analysis model leaves out: cross-loadings and a shared method factor
    if (j == 2 && f %in% c("POS", "KCR", "UPG")) ystar <- ystar + 0.35 * tie
    if (j == 3 && f %in% c("KAC", "KAB", "UPG")) ystar <- ystar + 0.35 * meth
    d[[paste0(f, j)]] <- findInterval(ystar, cuts[[j]]) + 1
  }
}
d <- as.data.frame(d)
write.csv(d, file.path(DATA_DIR, "wlsmv_sim.csv"), row.names = FALSE)

models <- list(
  sem = "NSC =~ NSC1 + NSC2 + NSC3
TIE =~ TIE1 + TIE2 + TIE3
POS =~ POS1 + POS2 + POS3
KAC =~ KAC1 + KAC2 + KAC3
KAB =~ KAB1 + KAB2 + KAB3
KCR =~ KCR1 + KCR2 + KCR3
UPG =~ UPG1 + UPG2 + UPG3
IB =~ KAC + KAB + KCR
IB ~ a1*NSC + a2*TIE + a3*POS
UPG ~ b*IB + c1*NSC + c2*TIE + c3*POS
ind_nsc := a1*b
ind_tie := a2*b
tot_nsc := c1 + a1*b",
  cfa = "NSC =~ NSC1 + NSC2 + NSC3
TIE =~ TIE1 + TIE2 + TIE3
POS =~ POS1 + POS2 + POS3
KAC =~ KAC1 + KAC2 + KAC3
KAB =~ KAB1 + KAB2 + KAB3
KCR =~ KCR1 + KCR2 + KCR3
UPG =~ UPG1 + UPG2 + UPG3",
  nested = "NSC =~ NSC1 + NSC2 + NSC3
TIE =~ TIE1 + TIE2 + TIE3
POS =~ POS1 + POS2 + POS3
KAC =~ KAC1 + KAC2 + KAC3
KAB =~ KAB1 + KAB2 + KAB3
KCR =~ KCR1 + KCR2 + KCR3
UPG =~ UPG1 + UPG2 + UPG3
IB =~ KAC + KAB + KCR
IB ~ a1*NSC + a2*TIE + a3*POS
UPG ~ b*IB + 0*NSC + 0*TIE + 0*POS")

FM <- c("chisq", "df", "pvalue", "chisq.scaled", "df.scaled", "pvalue.scaled",
        "chisq.scaling.factor", "chisq.shift.parameter", "baseline.chisq", "baseline.df",
        "baseline.chisq.scaled", "baseline.chisq.scaling.factor", "baseline.chisq.shift.parameter",
        "cfi", "tli", "rmsea", "cfi.scaled", "tli.scaled", "rmsea.scaled", "srmr", "srmr_bentler",
        "crmr", "fmin", "ntotal")

one <- function(model) {
  fit <- sem(model, data = d, ordered = names(d), estimator = "WLSMV")
  ss <- lavInspect(fit, "sampstat")
  list(r_call = 'fit <- sem(model, data = d, ordered = names(d), estimator = "WLSMV")',
       converged = lavInspect(fit, "converged"),
       options = list(parameterization = lavInspect(fit, "options")$parameterization,
                      se = lavInspect(fit, "options")$se, test = lavInspect(fit, "options")$test,
                      missing = lavInspect(fit, "options")$missing),
       fitMeasures = named_num(fitMeasures(fit, FM)),
       parameterEstimates = pe_records(fit),
       th = unname(ss$th), th_names = names(ss$th),
       polychoric = mat_json(ss$cov),
       nacov_diag = unname(diag(lavInspect(fit, "gamma"))),
       fit = fit)
}
res <- lapply(models, one)
diff <- lavTestLRT(res$nested$fit, res$sem$fit)
difftest <- list(r_call = "lavTestLRT(fit_nested, fit_sem)  # WLSMV default: method = 'satorra.2000', scaled.shifted",
                 chisq_diff = diff[["Chisq diff"]][2], df_diff = diff[["Df diff"]][2],
                 p_value = diff[["Pr(>Chisq)"]][2])
for (k in names(res)) res[[k]]$fit <- NULL
write_ref(list(models = models, items = names(d), n = n, sem = res$sem, cfa = res$cfa,
               nested = res$nested, difftest = difftest), "lavaan_wlsmv.R")
