#!/bin/sh
# Quick start, part 1: set up, sync AIV from the bundled offline EDGAR mirror into
# ./insider.db, then show HERZOG. Safe to run again: a second sync fetches nothing.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
.venv/bin/insider sync AIV --edgar fixtures/edgar
.venv/bin/insider show HERZOG
