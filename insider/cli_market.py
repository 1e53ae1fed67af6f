"""Market-wide commands: `insider screen`, `issuers`, `owners`, `status` and `serve`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .cli import (
    CodeOpt,
    CsvOpt,
    DbOpt,
    JsonOpt,
    MinValueOpt,
    RoleOpt,
    SinceOpt,
    UntilOpt,
    _existing_db,
    _filters,
    _min_value,
    _report_error,
    _roles,
    app,
    fail,
)

ScreenName = Annotated[
    str,
    typer.Argument(
        help="latest, purchases, sales, officer-purchases, ceo-cfo-purchases, cluster-buys, "
        "big-sales or late."
    ),
]


@app.command()
def screen(
    name: ScreenName,
    db: DbOpt = Path("insider.db"),
    json_out: JsonOpt = False,
    csv_out: CsvOpt = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    min_value: MinValueOpt = None,
    role: RoleOpt = None,
    code: CodeOpt = None,
    issuer: Annotated[
        str | None, typer.Option("--issuer", help="Only these issuers (tickers or CIKs, a,b).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most N rows (clusters).")] = 100,
) -> None:
    """Market-wide screens: the latest trades, purchases, sales, cluster buys, late filers."""
    from .errors import ReportError
    from .screens import SCREENS, ScreenQuery, resolve_issuers, run_screen

    if name not in SCREENS:
        fail(f"no screen {name!r}; choose one of {', '.join(SCREENS)}")
    if json_out and csv_out:
        fail("choose one of --json and --csv")
    if limit < 1:
        fail(f"--limit {limit}: give 1 or more")
    try:
        flt = _filters(since, until, code, None)
        database = _existing_db(db)
        q = ScreenQuery(
            flt.since,
            flt.until,
            _min_value(min_value),
            _roles(role),
            flt.codes,
            resolve_issuers(database, issuer),
            limit,
        )
        rep = run_screen(database, name, q)
    except ReportError as e:
        _report_error(e)
    if json_out:
        from .export import dumps

        print(dumps(rep))
    elif csv_out:
        from .screen_render import write_screen_csv

        write_screen_csv(rep, sys.stdout)
    else:
        from .screen_render import render_screen

        render_screen(rep, sys.stdout)


ListJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _listing_out(listing, json_out: bool, csv_out: bool) -> None:
    if json_out and csv_out:
        fail("choose one of --json and --csv")
    if json_out:
        from .export import dumps

        print(dumps(listing))
    elif csv_out:
        from .export import write_csv

        write_csv(listing["rows"], listing["columns"], sys.stdout)
    else:
        from .screen_render import render_listing

        render_listing(listing, sys.stdout)


@app.command()
def issuers(
    db: DbOpt = Path("insider.db"), json_out: ListJson = False, csv_out: CsvOpt = False
) -> None:
    """The issuers in the database, with their filings (company TICKER reports one)."""
    from .discover import issuers as list_issuers

    _listing_out(list_issuers(_existing_db(db)), json_out, csv_out)


@app.command()
def owners(
    query: Annotated[
        str | None, typer.Argument(help="Name words or CIK (all when absent).")
    ] = None,
    db: DbOpt = Path("insider.db"),
    json_out: ListJson = False,
    csv_out: CsvOpt = False,
    limit: Annotated[int, typer.Option("--limit", help="At most N owners.")] = 50,
) -> None:
    """Reporting owners matching QUERY, or those with the most filings (show NAME reports one)."""
    from .discover import owners as list_owners

    if limit < 1:
        fail(f"--limit {limit}: give 1 or more")
    _listing_out(list_owners(_existing_db(db), query, limit), json_out, csv_out)


@app.command()
def status(db: DbOpt = Path("insider.db"), json_out: ListJson = False) -> None:
    """What the database holds: filings by source and form, imports, syncs, failures, size."""
    from .discover import status as db_status

    st = db_status(_existing_db(db), db)
    if json_out:
        from .export import dumps

        print(dumps(st))
        return
    from .screen_render import render_status

    render_status(st, sys.stdout)


@app.command()
def serve(
    db: DbOpt = Path("insider.db"),
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8001,
) -> None:
    """Browse the database and the screens in a web browser (Datasette)."""
    if not 0 < port < 65536:
        fail(f"--port {port}: give a port from 1 to 65535")
    _existing_db(db).close()  # one clear line for a missing or foreign file
    try:
        import datasette  # noqa: F401

        from .serve import serve as run_serve
    except ImportError:
        fail("insider serve needs Datasette: pip install 'insider[serve]'")
    import socket

    try:  # a port in use or an address not ours: one line, before Datasette starts
        with socket.create_server((host, port), reuse_port=False) as probe:
            probe.close()
    except OSError as e:
        fail(f"cannot listen on {host}:{port}: {e.strerror or e}")
    print(f"insider: serving {db} on http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr)
    try:
        run_serve(db, host, port)
    except OSError as e:
        fail(f"cannot listen on {host}:{port}: {e.strerror or e}")
    except KeyboardInterrupt:
        pass
