#!/bin/sh
# Quick start, part 2 (and CI): set up, lint, run the whole test suite.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
.venv/bin/ruff check .
# Every test, slow ones included (pyproject's default run leaves them out); a later -m in
# "$@" overrides this one.
.venv/bin/python -m pytest -m "slow or not slow" "$@"
