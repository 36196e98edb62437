# Writes the reference CSV data sets used by the other R scripts and by the
# Python test-suite. Run from the repository root:
#   cd /work/main && Rscript tests/reference/r/make_data.R
suppressPackageStartupMessages(library(lavaan))
dir.create("tests/reference/data", recursive = TRUE, showWarnings = FALSE)

# 1. lavaan example data
write.csv(lavaan::HolzingerSwineford1939, "tests/reference/data/holzinger1939.csv",
          row.names = FALSE)
pd <- lavaan::PoliticalDemocracy[, c(paste0("y", 1:8), paste0("x", 1:3))]
write.csv(pd, "tests/reference/data/politicaldemocracy.csv", row.names = FALSE)

# 2. simulated mediation data: X -> M -> Y (+ direct X -> Y)
set.seed(20121128)
N <- 300
X <- rnorm(N, 0, 1)                          # var(X) = 1
M <- 0.5 * X + rnorm(N, 0, sqrt(1 - 0.25))    # var(M) = 1
# var(.4M + .1X) = .16 + .01 + 2*.4*.1*.5 = .21
Y <- 0.4 * M + 0.1 * X + rnorm(N, 0, sqrt(1 - 0.21))  # var(Y) = 1
lam <- c(0.80, 0.75, 0.70)
ind <- function(eta, prefix) {
  out <- sapply(seq_along(lam), function(j)
    lam[j] * eta + rnorm(N, 0, sqrt(1 - lam[j]^2)))   # indicator var = 1
  colnames(out) <- paste0(prefix, seq_along(lam))
  out
}
sim <- data.frame(ind(X, "x"), ind(M, "m"), ind(Y, "y"))
sim <- round(sim, 4)
write.csv(sim, "tests/reference/data/mediation_sim.csv", row.names = FALSE)
cat("data written\n")
