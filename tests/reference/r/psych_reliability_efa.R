# Reference values: reliability (alpha), KMO, Bartlett, PCA (psych).
#   cd /work/main && Rscript tests/reference/r/psych_reliability_efa.R
source("tests/reference/r/helpers.R")

HS <- read_ref("holzinger1939.csv")
X <- HS[, paste0("x", 1:9)]
PD <- read_ref("politicaldemocracy.csv")
XPD <- PD[, c(paste0("y", 1:8), paste0("x", 1:3))]

alpha_json <- function(items) {
  a <- psych::alpha(items)   # no key reversal (check.keys = FALSE default)
  list(items = I(colnames(items)),
       raw_alpha = a$total$raw_alpha,
       std_alpha = a$total$std.alpha,
       average_r = a$total$average_r,
       r_drop = named_num(setNames(a$item.stats$r.drop, rownames(a$item.stats))),
       r_cor = named_num(setNames(a$item.stats$r.cor, rownames(a$item.stats))),
       alpha_drop_raw_alpha = named_num(setNames(a$alpha.drop$raw_alpha, rownames(a$alpha.drop))),
       alpha_drop_std_alpha = named_num(setNames(a$alpha.drop$std.alpha, rownames(a$alpha.drop))))
}

pca_block <- function(D) {
  R <- cor(D)
  kmo <- psych::KMO(D)
  bart <- psych::cortest.bartlett(R, n = nrow(D))
  pv <- psych::principal(D, nfactors = 3, rotate = "varimax")
  pn <- psych::principal(D, nfactors = 3, rotate = "none")
  list(
    n = nrow(D), variables = I(colnames(D)),
    correlation = mat_json(R),
    KMO = list(r_call = "psych::KMO(X)", MSA = kmo$MSA, MSAi = named_num(kmo$MSAi)),
    bartlett = list(r_call = "psych::cortest.bartlett(cor(X), n = nrow(X))",
                    chisq = bart$chisq, p_value = bart$p.value, df = bart$df),
    principal_varimax = list(
      r_call = 'psych::principal(X, nfactors = 3, rotate = "varimax")',
      values = I(as.numeric(pv$values)),
      loadings = mat_json(unclass(pv$loadings)),
      communality = named_num(pv$communality),
      h2 = named_num(pv$communality),
      Vaccounted = mat_json(pv$Vaccounted)),
    principal_none = list(
      r_call = 'psych::principal(X, nfactors = 3, rotate = "none")',
      values = I(as.numeric(pn$values)),
      loadings = mat_json(unclass(pn$loadings)),
      communality = named_num(pn$communality),
      Vaccounted = mat_json(pn$Vaccounted),
      first_eigenvalue_percent_variance = 100 * pn$values[1] / ncol(D))
  )
}

res <- list()
res$alpha <- list(
  r_call = "psych::alpha(X[, items])$total / $item.stats / $alpha.drop",
  x1_x3 = alpha_json(X[, c("x1", "x2", "x3")]),
  x4_x6 = alpha_json(X[, c("x4", "x5", "x6")]),
  x7_x9 = alpha_json(X[, c("x7", "x8", "x9")]),
  x1_x9 = alpha_json(X)
)
res$hs <- pca_block(X)
res$politicaldemocracy <- pca_block(XPD)

write_ref(res, "psych_reliability_efa.R")
