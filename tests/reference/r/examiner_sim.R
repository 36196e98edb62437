# A simulated thesis-like survey (issue 10) and its reference values: three correlated exogenous
# factors, a mediator, a second-order outcome, 5-point items made by cutting, demographics with 2
# and 3 levels, a few blank demographic cells. Run from the repository root:
#   Rscript tests/reference/r/examiner_sim.R
# Writes tests/reference/data/examiner_sim.csv and tests/reference/values/examiner_sim.json.
source("tests/reference/r/helpers.R")
set.seed(20121)
pop <- '
A =~ 0.8*a1 + 0.7*a2 + 0.75*a3 + 0.7*a4
B =~ 0.8*b1 + 0.7*b2 + 0.7*b3 + 0.65*b4
C =~ 0.8*c1 + 0.75*c2 + 0.7*c3
M =~ 0.8*m1 + 0.75*m2 + 0.7*m3 + 0.7*m4
Y1 =~ 0.8*y1 + 0.7*y2 + 0.75*y3
Y2 =~ 0.8*y4 + 0.7*y5 + 0.7*y6
Y3 =~ 0.75*y7 + 0.8*y8 + 0.7*y9
Y =~ 0.8*Y1 + 0.75*Y2 + 0.7*Y3
A ~~ 0.4*B + 0.3*C
B ~~ 0.35*C
M ~ 0.35*A + 0.25*B + 0.2*C
Y ~ 0.5*M + 0.1*A
METH =~ 0.35*a1 + 0.35*a2 + 0.35*a3 + 0.35*a4 + 0.35*b1 + 0.35*b2 + 0.35*b3 + 0.35*b4 + 0.35*c1 + 0.35*c2 + 0.35*c3 + 0.35*m1 + 0.35*m2 + 0.35*m3 + 0.35*m4 + 0.35*y1 + 0.35*y2 + 0.35*y3 + 0.35*y4 + 0.35*y5 + 0.35*y6 + 0.35*y7 + 0.35*y8 + 0.35*y9
'
n <- 300
raw <- simulateData(pop, sample.nobs = n)   # residual variances 1
raw$METH <- NULL
cut5 <- function(x) { z <- (x - mean(x)) / sd(x); as.integer(cut(z, c(-Inf, -1.5, -0.5, 0.5, 1.5, Inf))) }
items <- names(raw)
sim <- as.data.frame(lapply(raw, cut5))
sim <- cbind(resp_id = sprintf("R%03d", seq_len(n)), sim)
# demographics related to the factors through observed item means (so group tests have effects)
am <- rowMeans(sim[, c("a1", "a2", "a3", "a4")]); mm <- rowMeans(sim[, c("m1", "m2", "m3", "m4")])
sim$gender <- ifelse(am + rnorm(n, 0, 1) > mean(am), "1", "2")
sim$size <- as.character(cut(mm + rnorm(n, 0, 0.8), quantile(mm + rnorm(n, 0, 0.8), c(0, .35, .7, 1)) + c(-10, 0, 0, 10),
                             labels = c("1", "2", "3")))
sim$size[c(7, 50, 211)] <- NA          # blank cells
sim$gender[c(19)] <- NA
write.csv(sim, file.path(DATA_DIR, "examiner_sim.csv"), row.names = FALSE, na = "")

fm <- function(fit) named_num(fitMeasures(fit, c("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr")))
first <- 'A =~ a1 + a2 + a3 + a4
B =~ b1 + b2 + b3 + b4
C =~ c1 + c2 + c3
M =~ m1 + m2 + m3 + m4
Y1 =~ y1 + y2 + y3
Y2 =~ y4 + y5 + y6
Y3 =~ y7 + y8 + y9'
second <- paste(first, 'Y =~ Y1 + Y2 + Y3', sep = "\n")
one <- paste("G =~", paste(items, collapse = " + "))
ulmc <- paste(first, paste0("METHOD =~ NA*a1 + ", paste0("l*", items, collapse = " + ")),
              "METHOD ~~ 1*METHOD", "METHOD ~~ 0*A + 0*B + 0*C + 0*M + 0*Y1 + 0*Y2 + 0*Y3", sep = "\n")
d <- sim[, items]
f1 <- cfa(first, d, likelihood = "wishart")
f2 <- cfa(second, d, likelihood = "wishart")
f0 <- cfa(one, d, likelihood = "wishart")
fu <- cfa(ulmc, d, likelihood = "wishart")
d_one <- anova(f1, f0); d_two <- anova(f1, f2); d_ulmc <- anova(fu, f1)
pe <- parameterEstimates(fu, standardized = TRUE)
ml <- pe[pe$lhs == "METHOD" & pe$op == "=~", ]
out <- list(versions = versions(), n = n,
  first_order = fm(f1), second_order = fm(f2), one_factor = fm(f0), ulmc = fm(fu),
  one_factor_delta = list(chi2 = d_one[2, "Chisq diff"], df = d_one[2, "Df diff"], p = d_one[2, "Pr(>Chisq)"]),
  second_order_delta = list(chi2 = d_two[2, "Chisq diff"], df = d_two[2, "Df diff"], p = d_two[2, "Pr(>Chisq)"]),
  ulmc_delta = list(chi2 = d_ulmc[2, "Chisq diff"], df = d_ulmc[2, "Df diff"], p = d_ulmc[2, "Pr(>Chisq)"]),
  ulmc_method_loading = ml$est[1], ulmc_method_share = mean(ml$std.all^2),
  target_coefficient = unname(fitMeasures(f1, "chisq") / fitMeasures(f2, "chisq")))
out$per_construct <- list()
for (f in c("A", "B", "M")) {
  its <- grep(paste0("^", tolower(f), "[0-9]$"), items, value = TRUE)
  out$per_construct[[f]] <- fm(cfa(paste(f, "=~", paste(its, collapse = " + ")), d, likelihood = "wishart"))
}
# group tests on the construct means (rows with a blank demographic left out, as R does)
sc <- data.frame(A = am, M = mm)
levene <- function(x, g) { ok <- !is.na(g); x <- x[ok]; g <- factor(g[ok]); a <- anova(lm(abs(x - ave(x, g)) ~ g)); list(F = a[1, "F value"], p = a[1, "Pr(>F)"]) }
groups <- list()
for (s in names(sc)) {
  x <- sc[[s]]
  ts <- t.test(x ~ sim$gender, var.equal = TRUE); tw <- t.test(x ~ sim$gender, var.equal = FALSE)
  groups[[paste0("gender_", s)]] <- list(t_student = unname(ts$statistic), df_student = unname(ts$parameter), p_student = ts$p.value,
    t_welch = unname(tw$statistic), df_welch = unname(tw$parameter), p_welch = tw$p.value, levene = levene(x, sim$gender))
  g <- factor(sim$size)
  a <- summary(aov(x ~ g))[[1]]; w <- oneway.test(x ~ g, var.equal = FALSE)
  tk <- TukeyHSD(aov(x ~ g))$g
  groups[[paste0("size_", s)]] <- list(F = a[1, "F value"], df1 = a[1, "Df"], df2 = a[2, "Df"], p = a[1, "Pr(>F)"],
    welch_F = unname(w$statistic), welch_df1 = unname(w$parameter[1]), welch_df2 = unname(w$parameter[2]), welch_p = w$p.value,
    levene = levene(x, sim$size), tukey = list(pairs = I(rownames(tk)), diff = I(unname(tk[, "diff"])), p = I(unname(tk[, "p adj"]))))
}
out$groups <- groups
# Sobel / Aroian in the structural model (second-order outcome)
sem_model <- paste(second, 'M ~ a*A + B + C', 'Y ~ b*M + A', 'ind := a*b', sep = "\n")
fs <- sem(sem_model, d, likelihood = "wishart")
p <- parameterEstimates(fs)
a <- p$est[p$label == "a"][1]; sa <- p$se[p$label == "a"][1]
b <- p$est[p$label == "b"][1]; sb <- p$se[p$label == "b"][1]
se_s <- sqrt(b^2 * sa^2 + a^2 * sb^2); se_a <- sqrt(b^2 * sa^2 + a^2 * sb^2 + sa^2 * sb^2)
out$sobel <- list(a = a, se_a = sa, b = b, se_b = sb, estimate = a * b, se_sobel = se_s,
  z_sobel = a * b / se_s, p_sobel = 2 * pnorm(-abs(a * b / se_s)), se_aroian = se_a,
  z_aroian = a * b / se_a, p_aroian = 2 * pnorm(-abs(a * b / se_a)))
write_json(out, file.path(VALUES_DIR, "examiner_sim.json"), auto_unbox = TRUE, digits = NA, pretty = TRUE)
cat("examiner_sim.csv and examiner_sim.json written\n")
