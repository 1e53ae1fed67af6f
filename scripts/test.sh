#!/bin/sh
# Quick start, part 2 (and CI): set up, lint, run the whole test suite.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
