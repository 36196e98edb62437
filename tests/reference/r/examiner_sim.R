# A simulated thesis-like survey (issue 10): 3 correlated exogenous factors, a mediator and an
# outcome; a second-order factor over the three exogenous factors; 5-point items by cutting;
# demographics with 2 and 3 levels, a few blank demographic cells. Writes the data
# (tests/reference/data/thesis_like_sim.csv) and reference values from lavaan and base R
# (tests/reference/values/examiner_sim.json). Run from the repository root:
#   Rscript tests/reference/r/examiner_sim.R
source("tests/reference/r/helpers.R")
set.seed(20121)
pop <- '
A =~ 0.75*a1 + 0.7*a2 + 0.8*a3 + 0.65*a4
B =~ 0.7*b1 + 0.75*b2 + 0.7*b3 + 0.6*b4
C =~ 0.8*c1 + 0.7*c2 + 0.75*c3
M =~ 0.7*m1 + 0.8*m2 + 0.75*m3
Y =~ 0.75*y1 + 0.7*y2 + 0.8*y3
A ~~ 0.5*B
A ~~ 0.3*C
B ~~ 0.35*C
M ~ 0.35*A + 0.25*B + 0.2*C
Y ~ 0.5*M + 0.1*A
'
n <- 260
raw <- simulateData(pop, sample.nobs = n, standardized = TRUE)
cut5 <- function(x) as.integer(cut(x, breaks = c(-Inf, -1.3, -0.45, 0.45, 1.3, Inf)))
sim <- as.data.frame(lapply(raw, cut5))
sim$gender <- sample(c(1L, 2L), n, replace = TRUE)
sim$size <- sample(c(1L, 2L, 3L), n, replace = TRUE, prob = c(.4, .35, .25))
# group effects on the scores so that the tests have something to find
sim$m1 <- pmin(5L, sim$m1 + as.integer(sim$size == 3 & runif(n) < .4))
sim$gender[c(7, 50, 133)] <- NA
sim$size[c(21, 99)] <- NA
write.csv(sim, file.path(DATA_DIR, "thesis_like_sim.csv"), row.names = FALSE, na = "")

fm <- function(fit) named_num(fitMeasures(fit, c("npar", "chisq", "df", "pvalue", "cfi", "tli", "rmsea", "srmr")))
first <- 'A =~ a1 + a2 + a3 + a4
B =~ b1 + b2 + b3 + b4
C =~ c1 + c2 + c3
M =~ m1 + m2 + m3
Y =~ y1 + y2 + y3'
items <- c(paste0("a", 1:4), paste0("b", 1:4), paste0("c", 1:3), paste0("m", 1:3), paste0("y", 1:3))
one <- paste("G =~", paste(items, collapse = " + "))
second <- paste(first, 'H =~ A + B + C', sep = "\n")
ulmc <- paste(first, paste0("METHOD =~ NA*a1 + ", paste0("l*", items, collapse = " + ")),
              'METHOD ~~ 1*METHOD', 'METHOD ~~ 0*A + 0*B + 0*C + 0*M + 0*Y', sep = "\n")
f1 <- cfa(first, sim, likelihood = "wishart")
f0 <- cfa(one, sim, likelihood = "wishart")
f2 <- cfa(second, sim, likelihood = "wishart")
fu <- cfa(ulmc, sim, likelihood = "wishart")
fu2 <- cfa(ulmc, sim, likelihood = "wishart", start = "simple")
if (fitMeasures(fu2, "chisq") < fitMeasures(fu, "chisq")) fu <- fu2
pe <- parameterEstimates(fu, standardized = TRUE)
ml <- pe[pe$lhs == "METHOD" & pe$op == "=~", ]
d_one <- anova(f1, f0); d_two <- anova(f1, f2); d_ulmc <- anova(fu, f1)
delta <- function(d) list(chi2 = d[2, "Chisq diff"], df = d[2, "Df diff"], p = d[2, "Pr(>Chisq)"])
out <- list(versions = versions(), n = n,
  first_order = fm(f1), one_factor = fm(f0), second_order = fm(f2), ulmc = fm(fu),
  one_factor_delta = delta(d_one), second_order_delta = delta(d_two), ulmc_delta = delta(d_ulmc),
  ulmc_method_loading = ml$est[1], ulmc_method_share = mean(ml$std.all^2),
  target_coefficient = unname(fitMeasures(f1, "chisq") / fitMeasures(f2, "chisq")),
  per_construct = list(A = fm(cfa('A =~ a1 + a2 + a3 + a4', sim, likelihood = "wishart")),
                       B = fm(cfa('B =~ b1 + b2 + b3 + b4', sim, likelihood = "wishart"))),
  smc = named_num(inspect(f1, "rsquare")))

levene <- function(x, g) { a <- anova(lm(abs(x - ave(x, g)) ~ g)); list(F = a[1, "F value"], p = a[1, "Pr(>F)"]) }
groups <- list()
for (sc in c("A", "M")) {
  x0 <- rowMeans(sim[, grep(paste0("^", tolower(sc)), names(sim))])
  ok <- !is.na(sim$gender); x <- x0[ok]; g <- factor(sim$gender[ok])
  ts <- t.test(x ~ g, var.equal = TRUE); tw <- t.test(x ~ g, var.equal = FALSE)
  groups[[paste0("gender_", sc)]] <- list(t_student = unname(ts$statistic), df_student = unname(ts$parameter),
    p_student = ts$p.value, t_welch = unname(tw$statistic), df_welch = unname(tw$parameter), p_welch = tw$p.value,
    levene = levene(x, g))
  ok <- !is.na(sim$size); x <- x0[ok]; g <- factor(sim$size[ok])
  a <- summary(aov(x ~ g))[[1]]; w <- oneway.test(x ~ g, var.equal = FALSE)
  tk <- TukeyHSD(aov(x ~ g))$g
  groups[[paste0("size_", sc)]] <- list(F = a[1, "F value"], df1 = a[1, "Df"], df2 = a[2, "Df"], p = a[1, "Pr(>F)"],
    welch_F = unname(w$statistic), welch_df1 = unname(w$parameter[1]), welch_df2 = unname(w$parameter[2]),
    welch_p = w$p.value, levene = levene(x, g),
    tukey = list(pairs = I(rownames(tk)), diff = I(unname(tk[, "diff"])), p = I(unname(tk[, "p adj"]))))
}
out$groups <- groups

med <- paste(first, 'M ~ a1*A + a2*B + a3*C', 'Y ~ b*M + A', 'ind_a := a1*b', 'ind_b := a2*b', sep = "\n")
fs <- sem(med, sim, likelihood = "wishart")
p <- parameterEstimates(fs)
sob <- list()
for (k in c("a1", "a2")) {
  a <- p$est[p$label == k][1]; sa <- p$se[p$label == k][1]
  b <- p$est[p$label == "b"][1]; sb <- p$se[p$label == "b"][1]
  se_s <- sqrt(b^2 * sa^2 + a^2 * sb^2); se_r <- sqrt(b^2 * sa^2 + a^2 * sb^2 + sa^2 * sb^2)
  sob[[k]] <- list(a = a, se_a = sa, b = b, se_b = sb, estimate = a * b, se_sobel = se_s,
    z_sobel = a * b / se_s, p_sobel = 2 * pnorm(-abs(a * b / se_s)), se_aroian = se_r,
    z_aroian = a * b / se_r, p_aroian = 2 * pnorm(-abs(a * b / se_r)))
}
out$sobel <- sob
write_json(out, file.path(VALUES_DIR, "examiner_sim.json"), auto_unbox = TRUE, digits = NA, pretty = TRUE)
cat("examiner_sim.json written\n")
