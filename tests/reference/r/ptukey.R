# Reference values for the vectorised Tukey HSD p-value (clusterup/measurement/ptukey.py):
# base R's ptukey(q, k, df, lower.tail = FALSE) on a grid of q, k 2-10, df 20-300. Run from the repository root:
#   Rscript tests/reference/r/ptukey.R
suppressPackageStartupMessages(library(jsonlite))
q <- c(0.1, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7)
rows <- list()
for (k in c(2, 3, 4, 5, 6, 10)) for (df in c(20, 30, 60, 120, 300)) {
  rows[[length(rows) + 1]] <- list(k = k, df = df, q = q, p = ptukey(q, k, df, lower.tail = FALSE))
}
out <- list(versions = list(R = R.version.string), grid = rows)
write(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE), "tests/reference/values/ptukey.json")
