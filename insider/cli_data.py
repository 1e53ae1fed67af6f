"""Commands on documents and files: `insider parse`, `reparse`, `export`,
`datasette-metadata`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .cli import DbOpt, JsonOpt, SinceOpt, UntilOpt, _open_db, _progress, app, check_date, err, fail


@app.command()
def parse(
    file: Annotated[
        Path, typer.Argument(help="Ownership XML, EDGAR .txt submission or .nc filing.")
    ],
    json_out: JsonOpt = False,
) -> None:
    """Parse one local ownership document and print it."""
    from .edgar.body import TooLarge, read_file
    from .parse import MAX_BYTES, ParseError, parse_ownership

    try:
        # At most the parser's limit is read: a stray multi-GB file, /dev/zero, a pipe.
        data = read_file(file, MAX_BYTES)
    except OSError as e:
        fail(f"{file}: {e.strerror or e}")
    except TooLarge as e:
        fail(f"{file}: {e}")
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


@app.command()
def reparse(
    db: DbOpt = Path("insider.db"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary line.")] = False,
) -> None:
    """Rebuild every table from the raw XML stored in the database (no network)."""
    from .errors import StoreError
    from .reparse import reparse as run_reparse

    if not db.exists():
        fail(f"database {db} does not exist; run 'insider sync TICKER' first")
    database = _open_db(db)
    progress, stop = _progress(quiet)
    try:
        result = run_reparse(database, progress=progress)
    except StoreError as e:
        stop()
        fail(str(e))
    except KeyboardInterrupt:
        stop()
        fail("interrupted; the database is unchanged", 130)
    finally:
        database.conn.close()
    stop()
    print(result.summary(), file=sys.stderr if quiet else sys.stdout)
    for acc, reason in result.failures[:20]:
        err(f"  failed {acc}: {reason}")
    if result.failed:
        raise typer.Exit(1)


@app.command("export")
def export_lake(
    folder: Annotated[Path, typer.Argument(help="Folder of the datasets (created if needed).")],
    fmt: Annotated[
        str, typer.Option("--format", help="parquet (needs pyarrow), csv or ndjson.")
    ] = "parquet",
    since: SinceOpt = None,
    until: UntilOpt = None,
    tables: Annotated[
        str | None,
        typer.Option("--tables", help="Only these tables/views, e.g. transactions,filings."),
    ] = None,
    db: DbOpt = Path("insider.db"),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary line.")] = False,
) -> None:
    """Write the tables and views as Hive-partitioned Parquet (or CSV/NDJSON) datasets for
    DuckDB, Spark or Trino; a second run rewrites only the partitions that changed."""
    import signal
    import sqlite3

    from .errors import ReportError
    from .lake import FORMATS, LakeError, export
    from .lake.datasets import parse_names
    from .sanitize import terminal_line

    if fmt not in FORMATS:
        fail(f"--format {fmt!r}: give one of {', '.join(FORMATS)}")
    try:
        names = parse_names(tables)
        since, until = check_date(since, "--since"), check_date(until, "--until")
    except ValueError as e:
        fail(f"--tables {e}")
    except ReportError as e:
        fail(str(e))
    if since and until and since > until:
        fail(f"--since {since} is after --until {until}")

    def _term(signum, frame):  # SIGTERM stops like Ctrl-C: the previous export stays
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _term)
    log = None if quiet else (lambda line: err(f"  {line}"))
    try:
        result = export(db, folder, fmt, since, until, names, log=log)
    except LakeError as e:
        fail(str(e))
    except KeyboardInterrupt:
        fail(f"interrupted; the previous export in {folder} is unchanged", 130)
    except OSError as e:
        fail(f"cannot write the export to {folder}: {e.strerror or e}")
    except sqlite3.Error as e:
        fail(f"database {db}: {e}")
    print(terminal_line(result.summary()))
    if result.untyped:
        err(
            f"insider: {result.untyped} value(s) did not fit their column type and are kept "
            "exactly as text in exact_text (see _schema.md)"
        )


@app.command("datasette-metadata")
def datasette_metadata(
    database: Annotated[
        str, typer.Option("--database", help="Database name in Datasette (file name stem).")
    ] = "insider",
) -> None:
    """Print Datasette metadata JSON describing every table, view and column."""
    from .docgen import datasette_metadata_json

    print(datasette_metadata_json(database))
