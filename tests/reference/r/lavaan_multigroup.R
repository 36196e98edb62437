# Reference values: multi-group CFA invariance ladder and structural comparison on
# HolzingerSwineford1939 by school (lavaan's own invariance example).
#   cd /work/main && Rscript tests/reference/r/lavaan_multigroup.R
source("tests/reference/r/helpers.R")

HS <- read_ref("holzinger1939.csv")
# group order as our config lists it: Pasteur first
HS$school <- factor(HS$school, levels = c("Pasteur", "Grant-White"))

cfa_model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9"

steps <- list(configural = "", metric = c("loadings"),
              scalar = c("loadings", "intercepts"),
              strict = c("loadings", "intercepts", "residuals"))

# parameterEstimates with the group column (helpers.R's pe_records drops it)
pe_group <- function(fit) {
  pe <- parameterEstimates(fit, standardized = TRUE)
  if (is.null(pe$label)) pe$label <- ""
  pe <- pe[, c("lhs", "op", "rhs", "group", "label", "est", "se", "z", "pvalue", "std.all")]
  names(pe) <- gsub(".", "_", names(pe), fixed = TRUE)
  rownames(pe) <- NULL
  pe
}

one_fit <- function(fit, call) list(
  r_call = call,
  converged = lavInspect(fit, "converged"),
  fitMeasures = fit_measures(fit),
  parameterEstimates = pe_group(fit)
)

res <- list(cfa_model = cfa_model)
for (L in c("wishart", "normal")) {
  ladder <- list()
  for (s in names(steps)) {
    fit <- cfa(cfa_model, data = HS, group = "school", likelihood = L, group.equal = steps[[s]])
    ladder[[s]] <- one_fit(fit, sprintf('cfa(cfa_model, data = HS, group = "school", likelihood = "%s", group.equal = c(%s))',
                                        L, paste0('"', steps[[s]], '"', collapse = ", ")))
  }
  res[[paste0("ladder_", L)]] <- ladder
}

sem_model <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9
textual ~ visual
speed ~ visual + textual"
fit_mw <- sem(sem_model, data = HS, group = "school", likelihood = "wishart", group.equal = "loadings")
res$sem_weights <- one_fit(fit_mw, 'sem(sem_model, data = HS, group = "school", likelihood = "wishart", group.equal = "loadings")')
# one structural path constrained equal across groups (label shared by both groups)
sem_eq <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9
textual ~ visual
speed ~ c(b, b)*visual + textual"
fit_eq <- sem(sem_eq, data = HS, group = "school", likelihood = "wishart", group.equal = "loadings")
res$sem_weights_speed_visual_equal <- one_fit(fit_eq, 'sem(sem_eq, data = HS, group = "school", likelihood = "wishart", group.equal = "loadings")')
res$sem_path_lrt <- lrt_json(fit_eq, fit_mw)

write_ref(res, "lavaan_multigroup.R")
