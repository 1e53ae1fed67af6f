"""Running `insider ARGS` from a test: in this process (the default) or as a real process.

In process, `insider.cli.main` runs with the same command line, environment, working folder,
stdin, stdout and stderr a process would get, without starting an interpreter (~0.3 s of CPU
each, the bulk of the test suite's time when every CLI test paid it). An exception escaping
`main()` fails the test instead of becoming a traceback on stderr: stricter than a process.

A real process (`insider_process`) is for what only a process shows: kill and Ctrl-C,
resource limits, terminals (pty), the console script itself, two processes at once.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
from pathlib import Path
from unittest import mock

BIN = Path(sys.executable).parent / "insider"


def clean_env(env: dict[str, str] | None = None, **extra: str) -> dict[str, str]:
    """This environment without the user's INSIDER_*/EDGAR_* settings (a test names the
    ones it means), keeping the test run's own request-budget folder (conftest)."""
    e = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("INSIDER_", "EDGAR_")) or k == "INSIDER_CACHE_DIR"
    }
    e.update(env or {})
    e.update(extra)
    return e


def insider_process(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | str | None = None,
    timeout: float = 120,
    text: bool = True,
    input: str | bytes | None = None,
    preexec_fn=None,
) -> subprocess.CompletedProcess:
    """`insider ARGS` through the installed console script, in a new process."""
    return subprocess.run(
        [str(BIN), *args],
        capture_output=True,
        text=text,
        env=clean_env(env),
        cwd=cwd,
        timeout=timeout,
        input=input,
        preexec_fn=preexec_fn,
    )


def insider(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | str | None = None,
    text: bool = True,
    input: str | None = None,
    **_ignored,
) -> subprocess.CompletedProcess:
    """`insider ARGS` run by insider.cli.main in this process; same result type as
    `insider_process` (stdout/stderr as text, or UTF-8 bytes with text=False)."""
    from insider import cli

    out, err = io.StringIO(), io.StringIO()
    code = 0
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.dict(os.environ, clean_env(env), clear=True))
        stack.enter_context(mock.patch.object(sys, "argv", ["insider", *map(str, args)]))
        stack.enter_context(mock.patch.object(sys, "stdin", io.StringIO(input or "")))
        stack.enter_context(contextlib.redirect_stdout(out))
        stack.enter_context(contextlib.redirect_stderr(err))
        if cwd is not None:
            stack.enter_context(contextlib.chdir(cwd))
        try:
            cli.main()
        except SystemExit as x:
            code = x.code if isinstance(x.code, int) else (0 if x.code is None else 1)
        finally:
            for s, h in handlers.items():
                signal.signal(s, h)
    o, e = out.getvalue(), err.getvalue()
    if not text:
        return subprocess.CompletedProcess(["insider", *args], code, o.encode(), e.encode())
    return subprocess.CompletedProcess(["insider", *args], code, o, e)
