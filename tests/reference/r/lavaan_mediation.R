# Reference values: latent mediation model on the simulated data
# (tests/reference/data/mediation_sim.csv, written by make_data.R).
#   cd /work/main && Rscript tests/reference/r/lavaan_mediation.R
source("tests/reference/r/helpers.R")

MED <- read_ref("mediation_sim.csv")   # read back from CSV: R and Python see identical numbers

model <- "X =~ x1 + x2 + x3
M =~ m1 + m2 + m3
Y =~ y1 + y2 + y3
M ~ a*X
Y ~ b*M + c*X
ind := a*b
total := c + a*b"

# restricted: no direct effect (c fixed to 0; the := rows are dropped because c no longer exists)
model_c0 <- "X =~ x1 + x2 + x3
M =~ m1 + m2 + m3
Y =~ y1 + y2 + y3
M ~ a*X
Y ~ b*M + 0*X
ind := a*b"

key_labels <- c("a", "b", "c", "ind", "total")
key_rows <- function(pe) {
  out <- lapply(key_labels, function(l) {
    r <- pe[pe$label == l, , drop = FALSE][1, ]
    as.list(r[, intersect(c("est", "se", "z", "pvalue", "ci_lower", "ci_upper", "std_all"), names(r))])
  })
  names(out) <- key_labels
  out
}

res <- list(n = nrow(MED), model = model, model_c0 = model_c0)

res$ml <- lapply(c(normal = "normal", wishart = "wishart"), function(L) {
  fit <- sem(model, data = MED, likelihood = L)
  pe <- pe_records(fit)
  list(r_call = sprintf('fit <- sem(model, data = MED, likelihood = "%s"); parameterEstimates(fit, standardized = TRUE); fitMeasures(fit)', L),
       converged = lavInspect(fit, "converged"),
       parameterEstimates = pe,
       key = key_rows(pe),
       fitMeasures = fit_measures(fit))
})

# ---- bootstrap (wishart likelihood) ----
set.seed(1)
fitb <- sem(model, data = MED, likelihood = "wishart", se = "bootstrap", bootstrap = 2000)
BOOT <- lavInspect(fitb, "boot")
pe_perc <- pe_records(fitb, boot.ci.type = "perc", level = .95)
pe_bcas <- pe_records(fitb, boot.ci.type = "bca.simple", level = .95)
res$bootstrap <- list(
  r_call = paste('set.seed(1); fitb <- sem(model, data = MED, likelihood = "wishart", se = "bootstrap", bootstrap = 2000);',
                 'parameterEstimates(fitb, standardized = TRUE, boot.ci.type = "perc", level = .95);',
                 'parameterEstimates(fitb, standardized = TRUE, boot.ci.type = "bca.simple", level = .95)'),
  seed = 1, R = 2000,
  n_successful = nrow(BOOT) - length(attr(BOOT, "error.idx")),
  note = paste("lavaan's 'perc' and 'bca.simple' intervals interpolate between order statistics",
               "on the normal-quantile scale (boot:::norm.inter), not quantile(type = 7).",
               "bca.simple = bias-corrected percentile (acceleration a = 0).",
               "se is the bootstrap SD; z = est / se."),
  perc = list(parameterEstimates = pe_perc, key = key_rows(pe_perc)),
  bca_simple = list(parameterEstimates = pe_bcas, key = key_rows(pe_bcas))
)

# standardized bootstrap CI: semTools 0.5.6 / lavaan 0.6.14 have no
# standardizedSolution_boot_ci() (it lives in the 'semhelpinghands' package,
# not installed). Store it if it exists, else compute the same thing by hand:
# std.all of every bootstrap draw (lavaan internals), percentile CIs.
if (exists("standardizedSolution_boot_ci", asNamespace("semTools"))) {
  ssb <- semTools::standardizedSolution_boot_ci(fitb)
  res$bootstrap$standardizedSolution_boot_ci <- ssb
} else {
  res$bootstrap$standardizedSolution_boot_ci <- NULL
  ok <- setdiff(seq_len(nrow(BOOT)), attr(BOOT, "error.idx"))
  ss0 <- standardizedSolution(fitb, se = FALSE, zstat = FALSE, pvalue = FALSE, ci = FALSE)
  std_draws <- t(sapply(ok, function(i) {
    GLIST <- lavaan:::lav_model_x2GLIST(fitb@Model, x = BOOT[i, ])
    est <- lavaan:::lav_model_get_parameters(fitb@Model, GLIST = GLIST, type = "user", extra = TRUE)
    standardizedSolution(fitb, se = FALSE, zstat = FALSE, pvalue = FALSE, ci = FALSE,
                         GLIST = GLIST, est = est)$est.std
  }))
  # same interpolation lavaan uses for "perc" (copied from parameterEstimates)
  norm_inter <- function(t, alpha) {
    t <- t[is.finite(t)]; R <- length(t); rk <- (R + 1) * alpha
    k <- trunc(rk); inds <- seq_along(k); out <- inds
    kvs <- k[k > 0 & k < R]
    tstar <- sort(t, partial = sort(union(c(1, R), c(kvs, kvs + 1))))
    ints <- (k == rk)
    if (any(ints)) out[inds[ints]] <- tstar[k[inds[ints]]]
    out[k == 0] <- tstar[1L]; out[k == R] <- tstar[R]
    temp <- inds[!ints & k != 0 & k != R]
    temp1 <- qnorm(alpha[temp]); temp2 <- qnorm(k[temp] / (R + 1)); temp3 <- qnorm((k[temp] + 1) / (R + 1))
    tk <- tstar[k[temp]]; tk1 <- tstar[k[temp] + 1L]
    out[temp] <- tk + (temp1 - temp2) / (temp3 - temp2) * (tk1 - tk)
    out
  }
  std_key <- lapply(key_labels, function(l) {
    j <- which(fitb@ParTable$label == l)[1]
    d <- std_draws[, j]
    list(est_std = ss0$est.std[j],
         boot_se = sd(d),
         ci_lower_perc = norm_inter(d, .025)[1], ci_upper_perc = norm_inter(d, .975)[1],
         ci_lower_q7 = unname(quantile(d, .025, type = 7)),
         ci_upper_q7 = unname(quantile(d, .975, type = 7)))
  })
  names(std_key) <- key_labels
  res$bootstrap$standardized_boot_manual <- list(
    note = paste("standardizedSolution_boot_ci() not available in semTools",
                 as.character(packageVersion("semTools")),
                 "- computed by hand: std.all of each of the same bootstrap draws",
                 "(lav_model_x2GLIST + standardizedSolution(GLIST=, est=)); percentile CI with",
                 "lavaan's norm.inter interpolation (_perc) and with quantile(type = 7) (_q7)."),
    key = std_key)
}

# raw bootstrap draws of the key quantities (for testing CI code on identical draws)
free_lab <- fitb@ParTable$label[fitb@ParTable$free > 0 & !duplicated(fitb@ParTable$free)]
ok <- setdiff(seq_len(nrow(BOOT)), attr(BOOT, "error.idx"))
draws <- list(a = BOOT[ok, which(free_lab == "a")],
              b = BOOT[ok, which(free_lab == "b")],
              c = BOOT[ok, which(free_lab == "c")])
draws$ind <- draws$a * draws$b
draws$total <- draws$c + draws$a * draws$b
res$bootstrap$draws_file <- "tests/reference/values/lavaan_mediation_boot_draws.json"
write_json(list(r_call = 'BOOT <- lavInspect(fitb, "boot") (see lavaan_mediation.json r_call)',
                versions = versions(), seed = 1, R = 2000,
                est = lapply(res$bootstrap$perc$key, `[[`, "est"),
                draws = lapply(draws, I)),
           "tests/reference/values/lavaan_mediation_boot_draws.json",
           digits = NA, auto_unbox = TRUE, pretty = FALSE, na = "null")

# ---- nested LRT: Y ~ 0*X versus free model ----
res$lrt_direct_zero <- lapply(c(normal = "normal", wishart = "wishart"), function(L) {
  fit1 <- sem(model, data = MED, likelihood = L)
  fit0 <- sem(model_c0, data = MED, likelihood = L)
  c(list(r_call = sprintf('fit1 <- sem(model, data = MED, likelihood = "%s"); fit0 <- sem(model_c0, data = MED, likelihood = "%s"); lavTestLRT(fit0, fit1)', L, L)),
    lrt_json(fit0, fit1))
})

write_ref(res, "lavaan_mediation.R")
