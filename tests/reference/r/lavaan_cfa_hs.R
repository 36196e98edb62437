# Reference values: 3-factor CFA on HolzingerSwineford1939 (lavaan + semTools).
#   cd /work/main && Rscript tests/reference/r/lavaan_cfa_hs.R
source("tests/reference/r/helpers.R")

HS <- read_ref("holzinger1939.csv")
X9 <- HS[, paste0("x", 1:9)]

model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"

one_cfa <- function(L) {
  fit <- cfa(model, data = HS, likelihood = L)
  list(
    r_call = sprintf('fit <- cfa(model, data = HS, likelihood = "%s")', L),
    converged = lavInspect(fit, "converged"),
    fitMeasures = fit_measures(fit),
    parameterEstimates = pe_records(fit),
    modindices = mi_records(fit),
    sampstat_cov = mat_json(lavInspect(fit, "sampstat")$cov),
    implied_cov = mat_json(lavInspect(fit, "implied")$cov),
    rsquare = named_num(lavInspect(fit, "rsquare")),
    compRelSEM_omega = named_num(compRelSEM(fit, tau.eq = FALSE, obs.var = FALSE)),
    AVE = named_num(AVE(fit))
  )
}

res <- list(model = model, n = nrow(HS))
res$cfa <- list(normal = one_cfa("normal"), wishart = one_cfa("wishart"))

# HTMT (semTools) on the item data
res$htmt <- list(
  r_call = 'semTools::htmt(model, data = HS[, paste0("x", 1:9)], htmt2 = FALSE)  # Henseler et al. (2015) arithmetic-mean HTMT',
  matrix = mat_json(semTools::htmt(model, data = X9, htmt2 = FALSE)),
  r_call_htmt2 = 'semTools::htmt(model, data = HS[, paste0("x", 1:9)])  # semTools 0.5.6 default: HTMT2 (geometric means)',
  matrix_htmt2 = mat_json(semTools::htmt(model, data = X9))
)

# one-factor models (normal likelihood)
one_factor <- list(visual = "visual =~ x1 + x2 + x3",
                   textual = "textual =~ x4 + x5 + x6",
                   speed = "speed =~ x7 + x8 + x9")
res$one_factor <- lapply(one_factor, function(m1) {
  fit1 <- cfa(m1, data = HS, likelihood = "normal")
  list(model = m1,
       r_call = 'fit1 <- cfa(m1, data = HS, likelihood = "normal"); compRelSEM(fit1, tau.eq = FALSE, obs.var = FALSE)',
       compRelSEM_omega = named_num(compRelSEM(fit1, tau.eq = FALSE, obs.var = FALSE)),
       parameterEstimates = pe_records(fit1))
})

# variant: residual covariance x7 ~~ x8 and equality-labelled loadings x5, x6
model_var <- "visual =~ x1 + x2 + x3
textual =~ x4 + a*x5 + a*x6
speed =~ x7 + x8 + x9
x7 ~~ x8"
fitv <- cfa(model_var, data = HS, likelihood = "normal")
res$variant_rescov_equality <- list(
  model = model_var,
  r_call = 'fitv <- cfa(model_var, data = HS, likelihood = "normal")',
  converged = lavInspect(fitv, "converged"),
  parameterEstimates = pe_records(fitv),
  fitMeasures = fit_measures(fitv)
)

write_ref(res, "lavaan_cfa_hs.R")
