# Shared helpers for the reference scripts (sourced by each topic script).
# Every topic script is run from the repository root, e.g.
#   cd /work/main && Rscript tests/reference/r/lavaan_cfa_hs.R
suppressPackageStartupMessages({
  library(jsonlite)
  library(lavaan)
  library(semTools)
  library(psych)
})

DATA_DIR <- "tests/reference/data"
VALUES_DIR <- "tests/reference/values"
R_DIR <- "tests/reference/r"

read_ref <- function(name) read.csv(file.path(DATA_DIR, name), stringsAsFactors = FALSE)

versions <- function() list(
  R = R.version.string,
  lavaan = as.character(packageVersion("lavaan")),
  semTools = as.character(packageVersion("semTools")),
  psych = as.character(packageVersion("psych")),
  jsonlite = as.character(packageVersion("jsonlite"))
)

# Named numeric vector -> named JSON object (NA/NaN/Inf -> null)
named_num <- function(x) {
  x <- unclass(x)
  nm <- names(x)
  out <- as.list(as.numeric(x))
  names(out) <- nm
  out
}

# Matrix -> {"rownames": [...], "colnames": [...], "data": [[row 1], [row 2], ...]}
mat_json <- function(m) {
  m <- unclass(m)
  m <- as.matrix(m)
  storage.mode(m) <- "double"
  list(rownames = I(rownames(m)), colnames = I(colnames(m)),
       data = lapply(seq_len(nrow(m)), function(i) I(unname(m[i, ]))))
}

# parameterEstimates(fit, standardized = TRUE) -> records
pe_records <- function(fit, ...) {
  pe <- parameterEstimates(fit, standardized = TRUE, ...)
  if (is.null(pe$label)) pe$label <- ""   # lavaan omits the column when no labels
  keep <- intersect(c("lhs", "op", "rhs", "label", "est", "se", "z", "pvalue",
                      "ci.lower", "ci.upper", "std.lv", "std.all"), names(pe))
  pe <- pe[, keep]
  names(pe) <- gsub(".", "_", names(pe), fixed = TRUE)
  rownames(pe) <- NULL
  pe
}

# modindices(fit): all rows sorted by mi decreasing (stable)
mi_records <- function(fit) {
  mi <- modindices(fit, sort. = FALSE)
  mi <- mi[order(-mi$mi), c("lhs", "op", "rhs", "mi", "epc", "sepc.all")]
  names(mi) <- gsub(".", "_", names(mi), fixed = TRUE)
  rownames(mi) <- NULL
  mi
}

fit_measures <- function(fit) named_num(fitMeasures(fit))

# lavTestLRT(fit0, fit1) -> the difference row
lrt_json <- function(fit0, fit1) {
  tab <- lavTestLRT(fit0, fit1)
  list(chisq_restricted = fitMeasures(fit0, "chisq")[[1]],
       df_restricted = fitMeasures(fit0, "df")[[1]],
       chisq_free = fitMeasures(fit1, "chisq")[[1]],
       df_free = fitMeasures(fit1, "df")[[1]],
       chisq_diff = tab[["Chisq diff"]][2],
       df_diff = tab[["Df diff"]][2],
       p_value = tab[["Pr(>Chisq)"]][2],
       table = list(model = I(rownames(tab)), Df = I(tab$Df), AIC = I(tab$AIC),
                    BIC = I(tab$BIC), Chisq = I(tab$Chisq),
                    Chisq_diff = I(tab[["Chisq diff"]]), Df_diff = I(tab[["Df diff"]]),
                    p = I(tab[["Pr(>Chisq)"]])))
}

# Exact code of this run: helpers + topic script
script_source <- function(script_name) {
  paste(c("## ---- tests/reference/r/helpers.R ----",
          readLines(file.path(R_DIR, "helpers.R")),
          paste0("## ---- tests/reference/r/", script_name, " ----"),
          readLines(file.path(R_DIR, script_name))), collapse = "\n")
}

write_ref <- function(obj, script_name) {
  out <- c(list(r_call = script_source(script_name), versions = versions()), obj)
  path <- file.path(VALUES_DIR, sub("\\.R$", ".json", script_name))
  dir.create(VALUES_DIR, recursive = TRUE, showWarnings = FALSE)
  write_json(out, path, digits = NA, auto_unbox = TRUE, pretty = TRUE, na = "null")
  cat("wrote", path, "\n")
}
