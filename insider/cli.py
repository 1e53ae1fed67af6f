"""Command line: arguments -> calls into sync/store/report/render. Nothing else lives here.

Modules are imported inside the commands so `insider --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Track SEC Form 3/4/5 insider trading: sync from EDGAR into SQLite, then report.",
    pretty_exceptions_enable=False,
)

DbOpt = Annotated[
    Path,
    typer.Option("--db", envvar="INSIDER_DB", help="SQLite database file."),
]
EdgarOpt = Annotated[
    str | None,
    typer.Option(
        "--edgar",
        envvar="INSIDER_EDGAR",
        help="EDGAR mirror: a folder or http(s) base URL with EDGAR's paths (default: sec.gov).",
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def fail(message: str, code: int = 1) -> NoReturn:
    print(f"insider: {message}", file=sys.stderr)
    raise typer.Exit(code)


def _open_db(path: Path):
    from .store import StoreError, connect

    try:
        return connect(path)
    except StoreError as e:
        fail(str(e))


@app.command()
def sync(
    targets: Annotated[list[str] | None, typer.Argument(help="Tickers or CIKs.")] = None,
    db: DbOpt = Path("insider.db"),
    edgar: EdgarOpt = None,
    owner: Annotated[
        list[str] | None,
        typer.Option("--owner", help="Sync every filing of this reporting owner CIK."),
    ] = None,
    user_agent: Annotated[
        str | None, typer.Option("--user-agent", help="'Name email' sent to EDGAR.")
    ] = None,
    rate: Annotated[float, typer.Option("--rate", help="Requests per second (at most 10).")] = 10.0,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Try filings that failed before again.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress; print only failures (for cron).")
    ] = False,
) -> None:
    """Fetch new Form 3/4/5 filings of issuers (or --owner insiders) into the database."""
    import signal
    import sqlite3

    from .edgar import Edgar, EdgarError, user_agent_from_env
    from .sync import Interrupted, SyncError
    from .sync import sync as run_sync

    if not targets and not owner and not retry_failed:
        fail("give a ticker or CIK (e.g. insider sync AIV) or --owner CIK")
    if not rate > 0:
        fail("--rate must be above 0")
    if rate > 10:
        fail("--rate cannot exceed 10 requests per second (SEC fair-access limit)")
    try:
        client = Edgar(edgar, user_agent_from_env(user_agent), rate)
    except EdgarError as e:
        fail(str(e))
    database = _open_db(db)

    def _term(signum, frame):  # SIGTERM (kill, systemd, cron timeouts) stops like Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _term)
    progress, stop = _progress(quiet)
    try:
        result = run_sync(
            database,
            client,
            targets or [],
            owners=owner or [],
            retry_failed=retry_failed,
            progress=progress,
        )
    except (Interrupted, KeyboardInterrupt) as e:
        stop()
        new = e.result.new if isinstance(e, Interrupted) else 0
        fail(
            f"interrupted; {new} new filings stored this run are kept, run the same sync to resume",
            130,
        )
    except (SyncError, EdgarError) as e:
        stop()
        fail(str(e))
    except sqlite3.Error as e:
        stop()
        fail(f"database {db}: {e}")
    finally:
        client.close()
    stop()
    if not quiet or result.failed:
        print(result.summary(), file=sys.stderr if quiet else sys.stdout)
    for acc, reason in result.failures[:20]:
        print(f"  failed {acc}: {reason}", file=sys.stderr)
    if len(result.failures) > 20:
        print(f"  ... and {len(result.failures) - 20} more (table sync_failures)", file=sys.stderr)
    if result.failed:
        raise typer.Exit(1)


def _progress(quiet: bool):
    """A rich progress bar on stderr, only when stderr is a terminal."""
    if quiet or not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("filings"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    bar.start()
    task = bar.add_task("sync", total=None, rate="")
    import time

    start = time.monotonic()

    def update(done: int, total: int) -> None:
        elapsed = time.monotonic() - start
        rate = f"{done / elapsed:.1f}/s" if elapsed > 0 and done else ""
        bar.update(task, completed=done, total=total, rate=rate)

    return update, bar.stop


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="Owner name fragment (HERZOG) or CIK.")],
    db: DbOpt = Path("insider.db"),
    json_out: JsonOpt = False,
    since: Annotated[str | None, typer.Option("--since", help="From date YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option("--until", help="To date YYYY-MM-DD.")] = None,
    code: Annotated[str | None, typer.Option("--code", help="Codes, e.g. S,P,M.")] = None,
    issuer: Annotated[str | None, typer.Option("--issuer", help="Ticker or CIK.")] = None,
    no_footnotes: Annotated[bool, typer.Option("--no-footnotes")] = False,
) -> None:
    """An insider's transactions, summaries and holdings, with footnotes."""
    from .report import Filters, ReportError, owner_report

    if not db.exists():
        fail(f"database {db} does not exist; run 'insider sync TICKER' first")
    database = _open_db(db)
    codes = frozenset(c.strip().upper() for c in code.split(",")) if code else None
    try:
        rep = owner_report(database, name, Filters(since, until, codes, issuer))
    except ReportError as e:
        print(f"insider: {e}", file=sys.stderr)
        for c in e.candidates:
            print(f"  {c['cik']}  {c['name']}  ({', '.join(c['issuers'])})", file=sys.stderr)
        raise typer.Exit(e.exit_code) from None
    from .render import dumps, render_owner

    if json_out:
        print(dumps(rep))
        return
    from rich.console import Console

    render_owner(rep, Console(width=_width(), highlight=False), footnotes=not no_footnotes)


def _width() -> int | None:
    # Numbers are never truncated: when piped, draw wide rather than wrap or cut.
    if sys.stdout.isatty():
        return None
    return int(os.environ.get("COLUMNS", "200"))


@app.command()
def parse(
    file: Annotated[Path, typer.Argument(help="Ownership XML or full EDGAR .txt submission.")],
    json_out: JsonOpt = False,
) -> None:
    """Parse one local ownership document and print it."""
    from .parse import ParseError, parse_ownership

    try:
        data = file.read_bytes()
    except OSError as e:
        fail(f"{file}: {e.strerror or e}")
    try:
        filing = parse_ownership(data, source=str(file))
    except ParseError as e:
        fail(str(e))
    from .models import filing_to_dict
    from .render import dumps

    d = filing_to_dict(filing)
    if json_out:
        print(dumps(d))
        return
    from .render import render_filing

    render_filing(d)


def main() -> None:
    try:
        app()
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)


if __name__ == "__main__":
    main()
