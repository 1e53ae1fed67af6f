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
# Every test, slow ones included (pyproject's default run leaves them out); a later -m in
# "$@" overrides this one.
.venv/bin/python -m pytest -m "slow or not slow" "$@"
