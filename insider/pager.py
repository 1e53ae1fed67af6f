"""Where terminal reports go: the output width, and a pager on a terminal, the way git does.

- Width: `COLUMNS` when set (piped output too), else the terminal's (stdout, or stderr /
  stdin when stdout is piped: `insider show X | grep` reads like the terminal), else 80.
- On a terminal, output longer than the screen goes through `INSIDER_PAGER`, else `PAGER`,
  else `less` with `LESS=FRSX` unless set (quit if one screen, colours and links, long
  lines scrolled sideways, never wrapped); `--no-pager` or a pager of `cat` or "" writes
  straight to the terminal. Piped output never goes through a pager.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console


def output_width() -> int:
    env = os.environ.get("COLUMNS", "").strip()
    if env.isdigit() and 0 < int(env) <= 10_000:
        return int(env)
    for stream in (sys.stdout, sys.stderr, sys.stdin):
        try:
            if stream is not None and stream.isatty():
                return os.get_terminal_size(stream.fileno()).columns
        except (OSError, ValueError, AttributeError):
            continue
    return 80


def _height() -> int:
    env = os.environ.get("LINES", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return os.get_terminal_size(sys.stdout.fileno()).lines
    except (OSError, ValueError):
        return 24


def pager_command() -> str | None:
    """The pager to run, or None to write straight to the terminal."""
    cmd = os.environ.get("INSIDER_PAGER")
    if cmd is None:
        cmd = os.environ.get("PAGER")
    if cmd is None:
        return "less" if shutil.which("less") else None
    cmd = cmd.strip()
    return None if cmd in ("", "cat") else cmd


@contextmanager
def paged(enabled: bool = True) -> Iterator[Console]:
    """A console for one report; on exit its text is shown (paged on a terminal)."""
    width = output_width()
    if not sys.stdout.isatty():
        yield Console(width=width, highlight=False, markup=False)
        return
    colors = Console().color_system
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        force_terminal=True,
        color_system=colors,  # type: ignore[arg-type]
        highlight=False,
        markup=False,
    )
    yield console
    text = buf.getvalue()
    cmd = pager_command() if enabled else None
    if cmd is None or text.count("\n") < _height():
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRSX")
    env.setdefault("LV", "-c")
    sys.stdout.flush()
    try:
        proc = subprocess.Popen(cmd, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        sys.stdout.write(text)
        return
    try:
        assert proc.stdin is not None
        proc.stdin.write(text.encode("utf-8", "replace"))
        proc.stdin.close()
    except (BrokenPipeError, OSError):  # the user quit the pager before the end
        pass
    while True:
        try:
            proc.wait()
            break
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager (less ignores it), as in git
            continue
