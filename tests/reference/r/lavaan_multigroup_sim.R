# Reference values: multi-group analysis of a simulated thesis-like data set (issue 12).
# Two groups of 300 from a second-order model like the thesis's (two exogenous factors, a
# second-order mediator IB =~ KAC + KAB + KCR, an outcome UPG), identical except for one path:
# IB ~ NSC is 0.55 in group "State-owned" and 0.10 in "Non-state". The data are written to
# tests/reference/data/multigroup_sim.csv; lavaan then gives the invariance ladder of the
# first-order CFA, the measurement-weights SEM (all first- and second-order loadings equal) with
# the := effects per group, and the Δχ² of constraining each structural path equal.
#   cd /work/wt-12 && Rscript tests/reference/r/lavaan_multigroup_sim.R
source("tests/reference/r/helpers.R")
set.seed(20261202)

pop <- function(a1) sprintf("
NSC =~ 0.8*NSC1 + 0.7*NSC2 + 0.75*NSC3
TIE =~ 0.7*TIE1 + 0.8*TIE2 + 0.65*TIE3
KAC =~ 0.7*KAC1 + 0.65*KAC2 + 0.7*KAC3
KAB =~ 0.75*KAB1 + 0.8*KAB2 + 0.7*KAB3
KCR =~ 0.7*KCR1 + 0.75*KCR2 + 0.8*KCR3
UPG =~ 0.8*UPG1 + 0.75*UPG2 + 0.7*UPG3
IB =~ 0.8*KAC + 0.75*KAB + 0.7*KCR
IB ~ %s*NSC + 0.35*TIE
UPG ~ 0.45*IB + 0.2*NSC
NSC ~~ 0.3*TIE
", a1)
n <- 300
g1 <- simulateData(pop(0.55), sample.nobs = n, standardized = TRUE)
g2 <- simulateData(pop(0.10), sample.nobs = n, standardized = TRUE)
# answers on a 1-7 like metric (linear: the model is unchanged), three decimals
to_scale <- function(d) round(4 + 1.2 * d, 3)
dat <- rbind(data.frame(resp_id = sprintf("s%03d", 1:n), ownership = 1L, to_scale(g1)),
             data.frame(resp_id = sprintf("s%03d", n + 1:n), ownership = 2L, to_scale(g2)))
write.csv(dat, file.path(DATA_DIR, "multigroup_sim.csv"), row.names = FALSE)
dat$grp <- factor(ifelse(dat$ownership == 1, "State-owned", "Non-state"), levels = c("State-owned", "Non-state"))

cfa_model <- "NSC =~ NSC1 + NSC2 + NSC3
TIE =~ TIE1 + TIE2 + TIE3
KAC =~ KAC1 + KAC2 + KAC3
KAB =~ KAB1 + KAB2 + KAB3
KCR =~ KCR1 + KCR2 + KCR3
UPG =~ UPG1 + UPG2 + UPG3"
sem_model <- paste0(cfa_model, "
IB =~ KAC + KAB + KCR
IB ~ c(a1, a1g2)*NSC + c(a2, a2g2)*TIE
UPG ~ c(b, bg2)*IB + c(c1, c1g2)*NSC
ind_nsc1 := a1*b
ind_nsc2 := a1g2*bg2
ind_tie1 := a2*b
ind_tie2 := a2g2*bg2")

pe_group <- function(fit) {
  pe <- parameterEstimates(fit, standardized = TRUE)
  if (is.null(pe$label)) pe$label <- ""
  pe <- pe[, c("lhs", "op", "rhs", "group", "label", "est", "se", "z", "pvalue", "std.all")]
  names(pe) <- gsub(".", "_", names(pe), fixed = TRUE)
  rownames(pe) <- NULL
  pe
}
one_fit <- function(fit, call) list(r_call = call, converged = lavInspect(fit, "converged"),
                                    fitMeasures = fit_measures(fit), parameterEstimates = pe_group(fit))
GL <- c("State-owned", "Non-state")
steps <- list(configural = "", metric = c("loadings"), scalar = c("loadings", "intercepts"),
              strict = c("loadings", "intercepts", "residuals"))
res <- list(cfa_model = cfa_model, sem_model = sem_model, group_labels = I(GL))
ladder <- list()
for (s in names(steps)) {
  fit <- cfa(cfa_model, data = dat, group = "grp", group.label = GL, likelihood = "wishart", group.equal = steps[[s]])
  ladder[[s]] <- one_fit(fit, sprintf('cfa(cfa_model, data = dat, group = "grp", likelihood = "wishart", group.equal = c(%s))',
                                      paste0('"', steps[[s]], '"', collapse = ", ")))
}
res$ladder <- ladder
fit_mw <- sem(sem_model, data = dat, group = "grp", group.label = GL, likelihood = "wishart", group.equal = "loadings")
res$weights <- one_fit(fit_mw, 'sem(sem_model, data = dat, group = "grp", likelihood = "wishart", group.equal = "loadings")')
eq <- list("IB~NSC" = "IB ~ c(a1, a1)*NSC + TIE\nUPG ~ IB + NSC", "IB~TIE" = "IB ~ NSC + c(a2, a2)*TIE\nUPG ~ IB + NSC",
           "UPG~IB" = "IB ~ NSC + TIE\nUPG ~ c(b, b)*IB + NSC", "UPG~NSC" = "IB ~ NSC + TIE\nUPG ~ IB + c(c1, c1)*NSC")
res$path_lrt <- list()
for (k in names(eq)) {
  f0 <- sem(paste0(cfa_model, "\nIB =~ KAC + KAB + KCR\n", eq[[k]]), data = dat, group = "grp", group.label = GL,
            likelihood = "wishart", group.equal = "loadings")
  res$path_lrt[[k]] <- lrt_json(f0, fit_mw)
}
write_ref(res, "lavaan_multigroup_sim.R")
