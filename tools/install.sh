#!/usr/bin/env bash
# Installs everything the workflow and its tests need, from this repository's own files:
#  - Debian libraries WeasyPrint needs to render the PDF (Pango, HarfBuzz subsetting, fonts) and
#    poppler-utils (pdftoppm/pdftotext, used by the tests to look at the PDF);
#  - a virtual environment .venv with the exact versions of requirements.lock, and this package.
# Idempotent: a second run only checks.  R is NOT needed (reference numbers are committed).
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation2 fonts-noto-cjk poppler-utils"
if command -v dpkg >/dev/null 2>&1; then
  missing=""
  for p in $DEB_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
      echo "installing Debian packages:$missing"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    else
      echo "warning: missing Debian packages:$missing (run as root or: sudo apt-get install$missing)" >&2
    fi
  fi
fi

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for c in python3.11 python3; do
    if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import sys; sys.exit(0 if sys.version_info[:2]==(3,11) else 1)'; then PY="$c"; break; fi
  done
fi
if [ -z "$PY" ]; then echo "error: Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2; exit 1; fi

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.lock
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
echo "environment ready: .venv ($(.venv/bin/python --version))"
