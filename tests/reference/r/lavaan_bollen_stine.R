# Reference values: the Bollen-Stine bootstrap p of the model chi-square (Bollen & Stine 1992),
# lavaan 0.6.14, B = 1000, on PoliticalDemocracy (the tutorial SEM, labelled) and HS1939 (3-factor
# CFA). lavaan's default normal likelihood (chisq = N * F_ML); the product's `likelihood: normal`
# is compared with it.
#   * p_bollen_stine: lavaan's own test, sem(..., test = "bollen.stine", bootstrap = 1000):
#     p = #{T_b > T} / #{successful draws} (failed draws removed; lav_test.R).
#   * draws: the first 100 draws of bootstrapLavaan(type = "bollen.stine", keep.idx = TRUE) with
#     their row indices (1-based) and T_b, so the transform + refit can be compared draw by draw.
#   cd <repo> && Rscript tests/reference/r/lavaan_bollen_stine.R
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
y6 ~~ y8"

B <- 1000L
N_DRAWS_KEPT <- 100L

one_case <- function(model, data, seed, fitfun) {
  fit <- fitfun(model, data = data)
  set.seed(seed)
  fit_bs <- fitfun(model, data = data, test = "bollen.stine", bootstrap = B)
  bs <- fit_bs@test[["bollen.stine"]]
  draws <- bootstrapLavaan(fit, R = N_DRAWS_KEPT, type = "bollen.stine",
                           FUN = function(x) fitMeasures(x, "chisq"), keep.idx = TRUE, iseed = seed + 1L)
  idx <- attr(draws, "boot.idx")[[1]]
  list(model = model, n = nrow(data), likelihood = "normal", seed = seed, samples = B,
       chisq = fitMeasures(fit, "chisq")[[1]], df = fitMeasures(fit, "df")[[1]],
       pvalue = fitMeasures(fit, "pvalue")[[1]],
       p_bollen_stine = bs$pvalue, boot_larger = bs$boot.larger, boot_length = bs$boot.length,
       boot_T = I(as.numeric(bs$boot.T)),
       draws = list(chisq = I(as.numeric(draws[, 1])),
                    idx = lapply(seq_len(nrow(idx)), function(i) I(as.integer(idx[i, ])))))
}

res <- list(
  r_call_main = 'sem(model, data, test = "bollen.stine", bootstrap = 1000); bootstrapLavaan(fit, R = 100, type = "bollen.stine", keep.idx = TRUE)',
  polidem = one_case(pd_model, PD, 1992L, sem),
  hs1939 = one_case(hs_model, HS, 1939L, cfa))
write_ref(res, "lavaan_bollen_stine.R")
