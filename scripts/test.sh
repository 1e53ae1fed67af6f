#!/bin/sh
# Quick start, part 2 (and CI): set up, lint, run the whole test suite.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
# The browser test drives Debian's headless Chromium; CI is a fresh Debian machine (root).
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        echo "test.sh: installing chromium for the browser test" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "test.sh: chromium is missing; the browser test will fail (sudo apt-get install chromium)" >&2
    fi
fi
.venv/bin/ruff check .
# Every test: first the default run (pyproject: not slow, 4 workers), then the slow ones
# (kill/interrupt, real-clock rate, full fuzz, browser) one at a time in one process, as
# their timings and kills want a quiet machine. Extra arguments go to both runs; a run that
# they leave with no test (pytest's exit 5) is not a failure.
run() { .venv/bin/python -m pytest "$@" || { s=$?; [ "$s" -eq 5 ] || exit "$s"; }; }
run "$@"
run -m slow -n 0 "$@"
