# Reference for tests/reference/test_power_mcci.py: the Monte-Carlo CI (Preacher & Selig 2012) of
# an indirect effect a*b and of a ratio-type function, by semTools::monteCarloCI with 2e6 draws.
# Run from the repository root: Rscript tests/reference/r/power_mcci.R
suppressMessages(library(semTools))
set.seed(20121128)
coefs <- c(a = 0.35, b = 0.42, c = 0.10)
ACM <- matrix(c(0.0081, 0.0012, -0.0004,
                0.0012, 0.0100, 0.0020,
                -0.0004, 0.0020, 0.0064), 3, 3, dimnames = list(names(coefs), names(coefs)))
out <- monteCarloCI(expr = c(ind = "a*b", tot = "a*b + c", prop = "a*b / (a*b + c)"),
                    coefs = coefs, ACM = ACM, nRep = 2e6, level = 0.95)
res <- list(semTools = as.character(packageVersion("semTools")), nRep = 2e6, level = 0.95,
            coefs = as.list(coefs), ACM = unname(ACM),
            ind = list(lo = out["ind", "ci.lower"], hi = out["ind", "ci.upper"]),
            tot = list(lo = out["tot", "ci.lower"], hi = out["tot", "ci.upper"]),
            prop = list(lo = out["prop", "ci.lower"], hi = out["prop", "ci.upper"]))
dir.create("tests/reference/values", showWarnings = FALSE)
jsonlite::write_json(res, "tests/reference/values/power_mcci.json", auto_unbox = TRUE, digits = 12, pretty = TRUE)
print(out)
