# Reference values for the examiner's analyses (issue 10): competing models, ULMC method factor,
# group-difference tests and Sobel/Aroian, on public data (Holzinger-Swineford 1939) and the
# simulated mediation data. Run from the repository root:
#   Rscript tests/reference/r/examiner.R
source("tests/reference/r/helpers.R")
hs <- read_ref("holzinger1939.csv")
fm <- function(fit) {
  f <- fitMeasures(fit, c("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr"))
  named_num(f)
}
first <- 'visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9'
one <- 'G =~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9'
second <- paste(first, 'g =~ visual + textual + speed', sep = "\n")
ulmc <- paste(first, 'METHOD =~ NA*x1 + l*x1 + l*x2 + l*x3 + l*x4 + l*x5 + l*x6 + l*x7 + l*x8 + l*x9
METHOD ~~ 1*METHOD
METHOD ~~ 0*visual + 0*textual + 0*speed', sep = "\n")
f1 <- cfa(first, hs, likelihood = "wishart")
f0 <- cfa(one, hs, likelihood = "wishart")
f2 <- cfa(second, hs, likelihood = "wishart")
fu <- cfa(ulmc, hs, likelihood = "wishart", start = "simple")
fu2 <- cfa(ulmc, hs, likelihood = "wishart")
if (fitMeasures(fu2, "chisq") < fitMeasures(fu, "chisq")) fu <- fu2
pe <- parameterEstimates(fu, standardized = TRUE)
ml <- pe[pe$lhs == "METHOD" & pe$op == "=~", ]
d_one <- anova(f1, f0)
d_ulmc <- anova(fu, f1)
out <- list(versions = versions(),
  first_order = fm(f1), one_factor = fm(f0), second_order = fm(f2), ulmc = fm(fu),
  one_factor_delta = list(chi2 = d_one[2, "Chisq diff"], df = d_one[2, "Df diff"], p = d_one[2, "Pr(>Chisq)"]),
  ulmc_delta = list(chi2 = d_ulmc[2, "Chisq diff"], df = d_ulmc[2, "Df diff"], p = d_ulmc[2, "Pr(>Chisq)"]),
  ulmc_method_loading = ml$est[1], ulmc_method_share = mean(ml$std.all^2),
  target_coefficient = unname(fitMeasures(f1, "chisq") / fitMeasures(f2, "chisq")))
# per-construct one-factor fit of a 4-item construct (x1..x4 on one factor)
out$per_construct <- fm(cfa('F =~ x1 + x2 + x3 + x4', hs, likelihood = "wishart"))
# SMC of the first-order items: lavaan's R-square
out$smc <- named_num(inspect(f1, "rsquare"))

# group differences on scores
hs$visual <- rowMeans(hs[, c("x1", "x2", "x3")])
hs$textual <- rowMeans(hs[, c("x4", "x5", "x6")])
levene <- function(x, g) { g <- factor(g); a <- anova(lm(abs(x - ave(x, g)) ~ g)); list(F = a[1, "F value"], p = a[1, "Pr(>F)"]) }
groups <- list()
for (sc in c("visual", "textual")) {
  x <- hs[[sc]]
  ts <- t.test(x ~ hs$school, var.equal = TRUE); tw <- t.test(x ~ hs$school, var.equal = FALSE)
  groups[[paste0("school_", sc)]] <- list(t_student = unname(ts$statistic), df_student = unname(ts$parameter), p_student = ts$p.value,
    t_welch = unname(tw$statistic), df_welch = unname(tw$parameter), p_welch = tw$p.value, levene = levene(x, hs$school))
  g <- factor(hs$ageyr)
  a <- summary(aov(x ~ g))[[1]]; w <- oneway.test(x ~ g, var.equal = FALSE)
  tk <- TukeyHSD(aov(x ~ g))$g
  groups[[paste0("ageyr_", sc)]] <- list(F = a[1, "F value"], df1 = a[1, "Df"], df2 = a[2, "Df"], p = a[1, "Pr(>F)"],
    welch_F = unname(w$statistic), welch_df1 = unname(w$parameter[1]), welch_df2 = unname(w$parameter[2]), welch_p = w$p.value,
    levene = levene(x, g), tukey = list(pairs = I(rownames(tk)), diff = I(unname(tk[, "diff"])), p = I(unname(tk[, "p adj"]))))
}
out$groups <- groups

# Sobel / Aroian on the simulated mediation data
sim <- read_ref("mediation_sim.csv")
med <- 'X =~ x1 + x2 + x3
M =~ m1 + m2 + m3
Y =~ y1 + y2 + y3
M ~ a*X
Y ~ b*M + c*X
ind := a*b'
fm_ <- sem(med, sim, likelihood = "wishart")
p <- parameterEstimates(fm_)
a <- p$est[p$label == "a"][1]; sa <- p$se[p$label == "a"][1]
b <- p$est[p$label == "b"][1]; sb <- p$se[p$label == "b"][1]
se_s <- sqrt(b^2 * sa^2 + a^2 * sb^2); se_a <- sqrt(b^2 * sa^2 + a^2 * sb^2 + sa^2 * sb^2)
out$sobel <- list(a = a, se_a = sa, b = b, se_b = sb, estimate = a * b, se_sobel = se_s,
  z_sobel = a * b / se_s, p_sobel = 2 * pnorm(-abs(a * b / se_s)), se_aroian = se_a,
  z_aroian = a * b / se_a, p_aroian = 2 * pnorm(-abs(a * b / se_a)))
write_json(out, file.path(VALUES_DIR, "examiner.json"), auto_unbox = TRUE, digits = NA, pretty = TRUE)
cat("examiner.json written\n")

# control variables: school dummy-coded against Grant-White, age in years as given; controls
# covary with the exogenous factor and with each other (as clusterup.structural.controls and its
# default rules write it; lavaan adds no covariance between covariates that also covary with a factor)
hs2 <- read_ref("holzinger1939.csv")
hs2$school_Pasteur <- as.numeric(hs2$school == "Pasteur")
ctrl <- 'visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
textual ~ visual + school_Pasteur + ageyr
school_Pasteur ~~ visual
ageyr ~~ visual
school_Pasteur ~~ ageyr'
fc <- sem(ctrl, hs2, likelihood = "wishart", fixed.x = FALSE)
pc <- parameterEstimates(fc)
reg <- pc[pc$op == "~", ]
out2 <- list(chisq = unname(fitMeasures(fc, "chisq")), df = unname(fitMeasures(fc, "df")),
             rhs = I(reg$rhs), est = I(reg$est), se = I(reg$se))
write_json(out2, file.path(VALUES_DIR, "examiner_controls.json"), auto_unbox = TRUE, digits = NA, pretty = TRUE)
