# Reference values for clusterup.estimation.polychoric: thresholds and polychoric correlations of
# simulated 5-category items (one-factor model, N = 500), from lavaan 0.6.14 lavCor(ordered = TRUE).
# Run from the repository root: Rscript tests/reference/r/lavaan_polychoric.R
suppressPackageStartupMessages({library(lavaan); library(jsonlite)})
set.seed(20261202)
n <- 500; lam <- c(.8, .7, .75, .6)
f <- rnorm(n)
ystar <- sapply(lam, function(l) l * f + sqrt(1 - l^2) * rnorm(n))
cuts <- list(c(-1.5, -.6, .3, 1.2), c(-1.2, -.4, .5, 1.4), c(-1.8, -.8, .1, 1.0), c(-1.0, -.2, .6, 1.6))
y <- sapply(1:4, function(j) findInterval(ystar[, j], cuts[[j]]) + 1)
colnames(y) <- paste0("y", 1:4)
d <- as.data.frame(y)
write.csv(d, "tests/reference/data/ordinal_sim.csv", row.names = FALSE)
fit <- lavCor(d, ordered = names(d), output = "fit")
r <- lavInspect(fit, "sampstat")
out <- list(cor = unname(r$cov[names(d), names(d)]), items = names(d),
            th = unname(r$th), th_names = names(r$th))
write_json(out, "tests/reference/values/lavaan_polychoric.json", digits = 12, pretty = TRUE)
