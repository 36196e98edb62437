# Reference values: more than two groups and group-specific defined (:=) parameters.
# HolzingerSwineford1939 split into three age groups (ageyr 11-12, 13, 14-16), the three-factor
# model with a structural part (textual ~ visual; speed ~ visual + textual; the indirect effect
# visual -> textual -> speed defined per group), all loadings equal across groups (AMOS
# "measurement weights"), and each structural path constrained equal in all three groups.
#   cd /work/wt-12 && Rscript tests/reference/r/lavaan_multigroup3.R
source("tests/reference/r/helpers.R")

HS <- read_ref("holzinger1939.csv")
HS$agegrp <- factor(ifelse(HS$ageyr <= 12, "11-12", ifelse(HS$ageyr == 13, "13", "14-16")),
                    levels = c("11-12", "13", "14-16"))

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

meas <- "visual =~ x1 + x2 + x3
textual =~ x4 + x5 + x6
speed =~ x7 + x8 + x9
"
# lavaan labels per group: c(a1, a2, a3)*; one := per group
free_model <- paste0(meas, "textual ~ c(a1, a2, a3)*visual
speed ~ c(b1, b2, b3)*textual + c(c1, c2, c3)*visual
ind1 := a1*b1
ind2 := a2*b2
ind3 := a3*b3
total1 := c1 + a1*b1
total2 := c2 + a2*b2
total3 := c3 + a3*b3")
res <- list(groups = list(`11-12` = I(c(11, 12)), `13` = I(13), `14-16` = I(c(14, 15, 16))),
            sizes = as.list(table(HS$agegrp)), model = free_model)
fit_mw <- sem(free_model, data = HS, group = "agegrp", group.label = levels(HS$agegrp), likelihood = "wishart", group.equal = "loadings")
res$weights <- one_fit(fit_mw, 'sem(free_model, data = HS, group = "agegrp", group.label = levels(HS$agegrp), likelihood = "wishart", group.equal = "loadings")')

# each structural path equal in all three groups (omnibus Δχ²)
constrained <- list(
  "textual~visual" = paste0(meas, "textual ~ c(a, a, a)*visual\nspeed ~ textual + visual"),
  "speed~textual" = paste0(meas, "textual ~ visual\nspeed ~ c(b, b, b)*textual + visual"),
  "speed~visual" = paste0(meas, "textual ~ visual\nspeed ~ textual + c(c, c, c)*visual"))
res$omnibus <- list()
for (k in names(constrained)) {
  f0 <- sem(constrained[[k]], data = HS, group = "agegrp", group.label = levels(HS$agegrp), likelihood = "wishart", group.equal = "loadings")
  res$omnibus[[k]] <- lrt_json(f0, fit_mw)
}
res$group_labels <- I(lavInspect(fit_mw, "group.label"))  # lavaan group 1, 2, 3
write_ref(res, "lavaan_multigroup3.R")
