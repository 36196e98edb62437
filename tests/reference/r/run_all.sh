#!/usr/bin/env bash
# Regenerate all R reference data and values. Run from anywhere; needs R with
# lavaan, semTools, psych, jsonlite (Debian: r-cran-lavaan r-cran-semtools r-cran-psych r-cran-jsonlite).
set -euo pipefail
cd "$(dirname "$0")/../../.."
for s in make_data $(cd tests/reference/r && ls *.R | sed "s/\.R$//" | grep -v -x -e make_data -e helpers); do
  echo "== $s"
  Rscript "tests/reference/r/$s.R"
done
