# Reference values: lavaan tutorial SEM on PoliticalDemocracy.
#   cd /work/main && Rscript tests/reference/r/lavaan_sem_polidem.R
source("tests/reference/r/helpers.R")

PD <- read_ref("politicaldemocracy.csv")

model_labelled <- "ind60 =~ x1 + x2 + x3
dem60 =~ y1 + a*y2 + b*y3 + c*y4
dem65 =~ y5 + a*y6 + b*y7 + c*y8
dem60 ~ ind60
dem65 ~ ind60 + dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8"

model_free <- "ind60 =~ x1 + x2 + x3
dem60 =~ y1 + y2 + y3 + y4
dem65 =~ y5 + y6 + y7 + y8
dem60 ~ ind60
dem65 ~ ind60 + dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8"

# restricted version of "free": direct effect ind60 -> dem65 fixed to zero
model_free_0 <- "ind60 =~ x1 + x2 + x3
dem60 =~ y1 + y2 + y3 + y4
dem65 =~ y5 + y6 + y7 + y8
dem60 ~ ind60
dem65 ~ 0*ind60 + dem60
y1 ~~ y5
y2 ~~ y4 + y6
y3 ~~ y7
y4 ~~ y8
y6 ~~ y8"

one_sem <- function(model, L) {
  fit <- sem(model, data = PD, likelihood = L)
  list(
    r_call = sprintf('fit <- sem(model, data = PD, likelihood = "%s")', L),
    converged = lavInspect(fit, "converged"),
    fitMeasures = fit_measures(fit),
    parameterEstimates = pe_records(fit),
    rsquare = named_num(lavInspect(fit, "rsquare")),
    modindices = mi_records(fit)
  )
}

res <- list(n = nrow(PD),
            models = list(labelled = model_labelled, free = model_free,
                          free_dem65_ind60_zero = model_free_0))
res$labelled <- list(normal = one_sem(model_labelled, "normal"),
                     wishart = one_sem(model_labelled, "wishart"))
res$free <- list(normal = one_sem(model_free, "normal"),
                 wishart = one_sem(model_free, "wishart"))

res$lrt_free_vs_dem65_ind60_zero <- lapply(c(normal = "normal", wishart = "wishart"), function(L) {
  fit1 <- sem(model_free, data = PD, likelihood = L)
  fit0 <- sem(model_free_0, data = PD, likelihood = L)
  c(list(r_call = sprintf('fit1 <- sem(model_free, data = PD, likelihood = "%s"); fit0 <- sem(model_free_0, data = PD, likelihood = "%s"); lavTestLRT(fit0, fit1)', L, L)),
    lrt_json(fit0, fit1))
})

write_ref(res, "lavaan_sem_polidem.R")
