"""`python -m insider` and `python -m insider.cli` are the console script under another name:
the module run as __main__ must not import a second copy of the CLI (a circular import)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("module", ["insider", "insider.cli"])
def test_python_dash_m_runs_the_cli(module: str):
    r = subprocess.run(
        [sys.executable, "-m", module, "backfill", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert "--zip" in r.stdout and "Traceback" not in r.stderr
