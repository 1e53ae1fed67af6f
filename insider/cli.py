"""Command line: the app, the options and checks its commands share, and `main`.

The commands are in cli_sync (sync, watch), cli_reports (show, company), cli_market
(screen, issuers, owners, status, serve), cli_data (parse, reparse, export,
datasette-metadata) and backfill_cli. They take arguments and call into sync/store/report/
render; option parsing and the wording of errors that name flags belong to them and to this
module, nothing else does. Modules are imported inside the commands so `insider --help`
starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

app = typer.Typer(
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, pwsh)
    no_args_is_help=True,
    help="Track SEC Form 3/4/5 insider trading: sync from EDGAR into SQLite, then report.",
    epilog=(
        "Environment: INSIDER_USER_AGENT or EDGAR_IDENTITY ('Name email', required by the "
        "SEC for sec.gov), INSIDER_DB (database, default ./insider.db), INSIDER_EDGAR (an "
        "EDGAR mirror), INSIDER_PAGER or PAGER (pager for long reports), COLUMNS (width)."
    ),
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from . import __version__

        print(f"insider {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Track SEC Form 3/4/5 insider trading: sync from EDGAR into SQLite, then report."""


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


def err(line: str) -> None:
    """One line on stderr; whatever it quotes (a server, a filing, an argument) is escaped."""
    from .sanitize import terminal_line

    print(terminal_line(line), file=sys.stderr)


def fail(message: str, code: int = 1) -> NoReturn:
    err(f"insider: {message}")
    raise typer.Exit(code)


def _progress(quiet: bool, noun: str = "filings"):
    from .progress import progress_bar

    return progress_bar(quiet, noun)


MAX_ARG = 200  # characters: longer than any name, ticker or CIK; SQL patterns stay small


def check_args(*pairs: tuple[str, object]) -> None:
    """Arguments that reach SQL, a path or a URL: valid UTF-8 text of a sane length. (Bytes
    that are not UTF-8 arrive as lone surrogates, which SQLite and print cannot encode.)"""
    for what, value in pairs:
        for v in value if isinstance(value, list | tuple) else [value]:
            if v is None:
                continue
            text = str(v)
            if any("\udc80" <= c <= "\udcff" for c in text):
                fail(f"{what} {_quoted(text)} is not valid UTF-8 text")
            if len(text) > MAX_ARG and not isinstance(v, Path):
                fail(f"{what} {_quoted(text)} is {len(text):,} characters long; at most {MAX_ARG}")


def _quoted(text: str) -> str:
    return f"'{text[:40]}...'" if len(text) > 40 else f"'{text}'"


def _open_db(path: Path):
    from .store import StoreError, connect

    try:
        return connect(path)
    except StoreError as e:
        fail(str(e))


def _notice(quiet: bool):
    """Long waits EDGAR imposes, told on stderr (above the progress bar, which rich keeps
    at the bottom): from 5 s on, and under --quiet only past a minute."""

    def notice(message: str, seconds: float) -> None:
        if seconds >= (60 if quiet else 5):
            err(f"insider: {message}")

    return notice


def _discard_if_empty(database, path: Path, fresh: bool) -> None:
    """A first sync that stored nothing leaves no database file behind (a typo'd ticker
    must not leave an empty insider.db that later commands take for real)."""
    from .store import has_filings

    if not fresh:
        return
    try:
        if has_filings(database):
            return
        database.conn.close()
    except Exception:  # noqa: BLE001 - best effort: never hide the error being reported
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


SinceOpt = Annotated[
    str | None, typer.Option("--since", help="From this date on (YYYY-MM-DD or YYYY).")
]


UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Up to this date (YYYY-MM-DD or YYYY).")
]


CodeOpt = Annotated[
    str | None, typer.Option("--code", help="Only these transaction codes, e.g. S,P,M.")
]


CsvOpt = Annotated[
    bool,
    typer.Option("--csv", help="Print CSV, one row per transaction or holding (spreadsheets)."),
]


MinValueOpt = Annotated[
    str | None, typer.Option("--min-value", help="Only trades worth at least N dollars.")
]


RoleOpt = Annotated[
    str | None,
    typer.Option(
        "--role",
        help="Only filings whose owners hold one of these roles: ceo, cfo, coo, president, "
        "chair, officer, director, ten-percent, other (a,b).",
    ),
]


def _filters(since, until, code, issuer, min_value=None, role=None):
    """Filters from the command line; anything that can match nothing is an error."""
    from .codes import CODES
    from .errors import ReportError
    from .report import Filters

    codes = frozenset(c.strip().upper() for c in code.split(",") if c.strip()) if code else None
    unknown = sorted(codes - CODES.keys()) if codes else []
    if unknown:
        raise ReportError(
            f"--code {','.join(unknown)}: not a transaction code (known: {''.join(sorted(CODES))})"
        )
    flt = Filters(
        check_date(since, "--since"),
        check_date(until, "--until"),
        codes,
        issuer,
        _min_value(min_value),
        _roles(role),
    )
    if flt.since and flt.until and flt.since > flt.until:
        raise ReportError(f"--since {flt.since} is after --until {flt.until}")
    return flt


def check_date(value: str | None, option: str) -> str | None:
    """A --since/--until value as YYYY-MM-DD; a year alone is its first or last day."""
    import re
    from datetime import date

    from .errors import ReportError

    if value is None:
        return None
    v = value.strip()
    if len(v) == 4 and v.isdigit():
        v = f"{v}-01-01" if option == "--since" else f"{v}-12-31"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        raise ReportError(f"{option} {value!r}: give a date as YYYY-MM-DD (or a year YYYY)")
    try:
        date.fromisoformat(v)
    except ValueError:
        raise ReportError(f"{option} {value!r} is not a calendar date") from None
    return v


def _report_error(e) -> NoReturn:
    err(f"insider: {e}")
    for c in e.candidates:
        err(f"  {c['cik']}  {c['name']}  ({', '.join(c['issuers'])})")
    raise typer.Exit(e.exit_code) from None


def _existing_db(db: Path):
    from .db import NoDatabase, NotInsiderDatabase, connect_readonly
    from .errors import StoreError

    try:
        return connect_readonly(db)
    except NoDatabase:
        fail(f"database {db} does not exist; run 'insider sync TICKER' first")
    except NotInsiderDatabase as e:
        fail(f"{e}; run 'insider sync TICKER' first")
    except StoreError as e:
        fail(str(e))


def _min_value(text: str | None):
    from decimal import Decimal, InvalidOperation

    if text is None:
        return None
    try:
        v = Decimal(text.replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        fail(f"--min-value {text!r}: give a number of dollars, e.g. 100000")
    if not v.is_finite() or v < 0:
        fail(f"--min-value {text!r}: give a number of dollars, 0 or more")
    return v


def _roles(text: str | None):
    from .roles import RoleError, parse_role_option

    try:
        return parse_role_option(text)
    except RoleError as e:
        fail(f"--role: {e}")


if __name__ == "__main__":
    # `python -m insider.cli`: this file runs as __main__, a second copy of the module that
    # backfill_cli's `from .cli import ...` would not see; hand over to the package's module.
    from insider.cli import main as _main

    _main()
    sys.exit(0)


# The commands live in modules by job; importing them registers them on `app`, in
# the order `insider --help` lists them.
from . import cli_sync, cli_reports, cli_market, cli_data  # noqa: E402,F401,I001

# `insider backfill` lives in its own module (the data-set bulk path).
from .backfill_cli import backfill as _backfill  # noqa: E402


app.command("backfill")(_backfill)


def main() -> None:
    from .errors import StoreError

    try:
        app()
    except StoreError as e:  # a locked or foreign database mid-command: one line
        err(f"insider: {e}")
        sys.exit(1)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(1)


if __name__ == "__main__":
    main()
