# Reference values: FIML (missing = "ml") on HS1939 with 8% of the x1..x9 cells deleted at random
# (MCAR, seed 11; the data set is written to tests/reference/data/hs1939_missing.csv).
#   cd <repo> && Rscript tests/reference/r/lavaan_fiml.R
source("tests/reference/r/helpers.R")

HS <- read_ref("holzinger1939.csv")
X <- HS[, paste0("x", 1:9)]
set.seed(11)
M <- matrix(runif(nrow(X) * ncol(X)) < 0.08, nrow(X))
M[rowSums(M) == ncol(X), 1] <- FALSE
X[M] <- NA
write.csv(X, file.path(DATA_DIR, "hs1939_missing.csv"), row.names = FALSE, na = "")

hs_model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"
fit <- cfa(hs_model, data = X, missing = "ml")
res <- list(model = hs_model, n = nrow(X), n_missing_cells = sum(M),
            r_call = 'fit <- cfa(hs_model, data = X, missing = "ml")',
            converged = lavInspect(fit, "converged"),
            options = list(information = lavInspect(fit, "options")$information),
            fitMeasures = named_num(fitMeasures(fit, c("chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr",
                                                       "logl", "unrestricted.logl", "baseline.chisq"))),
            parameterEstimates = pe_records(fit))
write_ref(res, "lavaan_fiml.R")
