#!/usr/bin/env bash
# Regenerate all R reference data and values. Run from anywhere; needs R with
# lavaan, semTools, psych, jsonlite (Debian: r-cran-lavaan r-cran-semtools r-cran-psych r-cran-jsonlite).
set -euo pipefail
cd "$(dirname "$0")/../../.."
for s in make_data lavaan_cfa_hs lavaan_sem_polidem lavaan_mediation lavaan_robust lavaan_fiml psych_reliability_efa descriptives examiner ptukey; do
  echo "== $s"
  Rscript "tests/reference/r/$s.R"
done
