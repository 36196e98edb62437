# Reference values: univariate descriptives and multivariate normality (Mardia).
#   cd /work/main && Rscript tests/reference/r/descriptives.R
source("tests/reference/r/helpers.R")

HS <- read_ref("holzinger1939.csv")
X <- HS[, paste0("x", 1:9)]
PD <- read_ref("politicaldemocracy.csv")
XPD <- PD[, c(paste0("y", 1:8), paste0("x", 1:3))]

univariate <- function(D) {
  out <- lapply(D, function(x) list(
    n = sum(!is.na(x)),
    mean = mean(x), sd = sd(x), min = min(x), max = max(x),
    skew_type2 = psych::skew(x, type = 2),       # SPSS / SAS G1
    kurtosis_type2 = psych::kurtosi(x, type = 2), # SPSS / SAS G2 (excess)
    skew_type1 = psych::skew(x, type = 1),       # g1
    kurtosis_type1 = psych::kurtosi(x, type = 1)  # g2 (excess)
  ))
  names(out) <- colnames(D)
  out
}

mardia_block <- function(D) {
  m <- psych::mardia(D, plot = FALSE)
  # hand computation with the ML covariance (divisor N), as in AMOS
  Z <- as.matrix(D)
  N <- nrow(Z); p <- ncol(Z)
  Zc <- sweep(Z, 2, colMeans(Z))
  S_ml <- crossprod(Zc) / N
  Dm <- Zc %*% solve(S_ml) %*% t(Zc)
  b1p_n <- sum(Dm^3) / N^2
  b2p_n <- sum(diag(Dm)^2) / N
  skew_stat <- N * b1p_n / 6
  skew_df <- p * (p + 1) * (p + 2) / 6
  kurt_excess <- b2p_n - p * (p + 2)
  kurt_cr <- kurt_excess / sqrt(8 * p * (p + 2) / N)
  list(
    psych_mardia = list(
      r_call = "psych::mardia(X, plot = FALSE)",
      note = "psych::mardia uses cov(X) with divisor N-1",
      n = m$n.obs, p = m$n.var,
      b1p = m$b1p, b2p = m$b2p, skew = m$skew, small_skew = m$small.skew,
      p_skew = m$p.skew, p_small = m$p.small, kurtosis = m$kurtosis, p_kurt = m$p.kurt),
    ml_hand = list(
      note = "covariance with divisor N; AMOS 'Assessment of normality' multivariate row = kurtosis_excess and kurtosis_cr",
      n = N, p = p,
      b1p_n = b1p_n, b2p_n = b2p_n,
      skew_stat = skew_stat, skew_df = skew_df,
      skew_p = pchisq(skew_stat, skew_df, lower.tail = FALSE),
      kurtosis_expected = p * (p + 2),
      kurtosis_excess = kurt_excess, kurtosis_cr = kurt_cr,
      kurtosis_p_two_sided = 2 * pnorm(-abs(kurt_cr)))
  )
}

res <- list(
  hs = list(variables = I(colnames(X)), univariate = univariate(X), mardia = mardia_block(X)),
  politicaldemocracy = list(variables = I(colnames(XPD)), univariate = univariate(XPD),
                            mardia = mardia_block(XPD))
)

write_ref(res, "descriptives.R")
