"""`insider backfill`: the command (arguments in, backfill/refine calls out, one-line
errors). Registered on the app in cli.py."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .cli import DbOpt, EdgarOpt, _discard_if_empty, _open_db, _progress, fail


def backfill(
    quarters: Annotated[
        list[str] | None,
        typer.Argument(
            help="Quarters (2024q3) or ranges (2023q1..2024q2); default: every "
            "quarter on the SEC's page not imported yet."
        ),  # fmt: skip
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Quarters from this one on (2024 or 2024q2); with "
            "--refine, filings filed from this date (YYYY-MM-DD or YYYY).",
        ),  # fmt: skip
    ] = None,
    zip_files: Annotated[
        list[Path] | None,
        typer.Option("--zip", help="Import this quarter ZIP you already have (no network)."),
    ] = None,
    db: DbOpt = Path("insider.db"),
    edgar: EdgarOpt = None,
    keep_zips: Annotated[
        Path | None, typer.Option("--keep-zips", help="Keep the downloaded ZIPs in this folder.")
    ] = None,
    refine: Annotated[
        bool,
        typer.Option(
            "--refine",
            help="Replace data-set filings with their exact XML "
            "(one request each; select with --issuer, --owner, --since).",
        ),  # fmt: skip
    ] = False,
    issuer: Annotated[
        str | None, typer.Option("--issuer", help="--refine: this issuer (ticker or CIK).")
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="--refine: this reporting owner (CIK).")
    ] = None,
    user_agent: Annotated[
        str | None, typer.Option("--user-agent", help="'Name email' sent to EDGAR.")
    ] = None,
    rate: Annotated[float, typer.Option("--rate", help="Requests per second (at most 10).")] = 10.0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary line.")] = False,
) -> None:
    """Load whole quarters of the SEC's Insider Transactions Data Sets (one request per
    quarter), or --refine data-set filings into exact XML ones."""
    import signal

    from . import backfill as bf
    from . import datasets
    from .datasets import DatasetError
    from .edgar import Edgar, EdgarError, user_agent_from_env
    from .sync import SyncError

    def _term(signum, frame):  # SIGTERM stops like Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _term)
    try:
        wanted = datasets.parse_quarters(quarters or [])
        first = datasets.parse_since(since) if since and not refine else None
    except DatasetError as e:
        fail(str(e))
    if refine and (quarters or zip_files):
        fail("--refine takes --issuer, --owner and --since, not quarters or --zip")
    if not refine and (issuer or owner):
        fail("--issuer and --owner select filings for --refine")
    if zip_files and (quarters or since):
        fail("--zip imports the files given; quarters and --since are for downloads")
    client = None
    if not zip_files:
        if not rate > 0 or rate > 10:
            fail("--rate must be above 0 and at most 10 requests per second")
        try:
            client = Edgar(edgar, user_agent_from_env(user_agent), rate)
        except EdgarError as e:
            fail(str(e))
    fresh = not db.exists()
    database = _open_db(db)
    try:
        if refine:
            assert client is not None
            _refine(database, client, issuer, owner, since, quiet)
            return
        work = keep_zips or db.parent / f".{db.name}.zips"
        progress, stop = _quarter_progress(quiet)
        try:
            result = bf.run(
                database,
                client,
                wanted,
                since=first,
                zips=list(zip_files or []),
                keep_zips=keep_zips,
                work_dir=work,
                progress=progress,
            )
        except KeyboardInterrupt:
            stop()
            _discard_if_empty(database, db, fresh)
            fail(
                "interrupted; quarters imported before are kept, the one in progress was not "
                "imported (run the same backfill to finish it)",
                130,
            )
        except (DatasetError, EdgarError, SyncError) as e:
            stop()
            _discard_if_empty(database, db, fresh)  # a failed first run leaves no empty file
            fail(str(e))
        finally:
            if keep_zips is None and work.is_dir() and not any(work.iterdir()):
                work.rmdir()
        stop()
    finally:
        if client is not None:
            client.close()
    for o in result.outcomes:
        if o.action == "imported" and o.result and not quiet:
            print(o.result.summary())
        elif o.action == "unchanged" and not quiet:
            print(f"{o.quarter}: unchanged (already imported)")
    for o in result.failed:
        print(f"insider: {o.quarter}: {o.message}", file=sys.stderr)
    print(result.summary(), file=sys.stderr if quiet else sys.stdout)
    if result.failed:
        _discard_if_empty(database, db, fresh)
        raise typer.Exit(1)


def _refine(database, client, issuer, owner, since, quiet) -> None:
    from . import refine as rf
    from .cik import parse_cik
    from .cli import check_date
    from .edgar import EdgarError
    from .errors import ReportError
    from .sync import Interrupted, SyncError

    if owner is not None and parse_cik(owner) is None:
        fail(f"--owner takes a reporting owner's CIK (digits), not {owner!r}")
    try:
        date = check_date(since, "--since")
        refs = rf.select(database, issuer=issuer, owner=owner, since=date)
    except (SyncError, ReportError) as e:
        fail(str(e))
    progress, stop = _progress(quiet)
    try:
        result = rf.refine(database, client, refs, progress=progress)
    except (Interrupted, KeyboardInterrupt) as e:
        stop()
        new = e.result.new if isinstance(e, Interrupted) else 0
        fail(f"interrupted; {new} filings refined this run are kept", 130)
    except EdgarError as e:
        stop()
        fail(str(e))
    stop()
    print(
        f"{result.new} data-set filings replaced by their XML, {result.failed} failed; "
        f"{result.requests} requests in {result.seconds:.1f} s",
        file=sys.stderr if quiet else sys.stdout,
    )
    for acc, reason in result.failures[:20]:
        print(f"  failed {acc}: {reason}", file=sys.stderr)
    if result.failed:
        raise typer.Exit(1)


def _quarter_progress(quiet: bool):
    """One rich bar on stderr (a terminal only): a quarter's bytes, then its filings."""
    if quiet or not sys.stderr.isatty():
        return None, lambda: None
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[what]}"),
        console=Console(stderr=True),
        transient=True,
    )
    bar.start()
    task = bar.add_task("", total=None, what="")

    def update(event: str, quarter: str, done: int, total: int | None) -> None:
        if event == "download":
            bar.update(task, description=f"{quarter} download", completed=done, total=total,
                       what="")  # fmt: skip
        else:
            bar.update(task, description=f"{quarter} import", completed=0, total=None,
                       what=f"{done:,} filings")  # fmt: skip

    return update, bar.stop
