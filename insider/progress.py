"""The progress bar of long commands (sync, reparse): rich, on stderr, only on a terminal."""

from __future__ import annotations

import sys


def progress_bar(quiet: bool, noun: str = "filings"):
    """A rich progress bar on stderr, only when stderr is a terminal. It names the phase
    and the issuer ("listing filings of AIV", "fetching new filings of AIV") and shows a
    count only once the total is known (never "0/?")."""
    if quiet or not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
        TimeElapsedColumn(),
        TextColumn("{task.fields[eta]}"),
        console=Console(stderr=True),
        transient=True,
    )
    bar.start()
    task = bar.add_task("starting", total=None, count="", eta="")
    import time

    start = time.monotonic()
    state = {"phase": noun, "since": start}

    def update(done: int, total: int, phase: str | None = None) -> None:
        from .sanitize import terminal_line

        now = time.monotonic()
        if phase is not None:
            state["phase"], state["since"] = terminal_line(phase), now
        count = eta = ""
        if total:
            count = f"{done}/{total} {noun}"
            elapsed = now - state["since"]
            if done and elapsed > 0:
                rate = done / elapsed
                eta = f"{rate:.1f}/s, ETA {int((total - done) / rate)} s"
        bar.update(
            task,
            description=str(state["phase"]),
            completed=done,
            total=total or None,
            count=count,
            eta=eta,
        )

    return update, bar.stop
