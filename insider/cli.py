"""Command line: arguments -> calls into sync/store/report/render. Nothing else lives here.

Modules are imported inside the commands so `insider --help` starts fast. The file is
long only because typer declares every option in the command's signature (3-5 lines each);
option parsing and the wording of errors that name flags belong here, nothing else does.
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
        str | None,
        typer.Option(
            "--user-agent",
            help="'Name email' sent to EDGAR (else env INSIDER_USER_AGENT or EDGAR_IDENTITY).",
        ),
    ] = None,
    rate: Annotated[float, typer.Option("--rate", help="Requests per second (at most 10).")] = 10.0,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Try filings that failed before again.")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="No progress; print only failures, incl. earlier ones that stay failed (cron).",
        ),
    ] = False,
    all_filers: Annotated[
        bool,
        typer.Option("--all", help="Every filer: all Forms 3/4/5 of each day (daily index)."),
    ] = False,
    since: Annotated[
        str | None, typer.Option("--since", help="Filings filed from this date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Filings filed up to this date (YYYY-MM-DD).")
    ] = None,
    forms: Annotated[
        str | None, typer.Option("--forms", help="With --all: forms to keep, e.g. 3,4,5.")
    ] = None,
    refine: Annotated[
        bool,
        typer.Option("--refine", help="With --all: replace data-set filings by their XML."),
    ] = False,
) -> None:
    """Fetch new Form 3/4/5 filings of issuers (or --owner insiders, or --all) into the
    database."""
    import signal
    import sqlite3

    from .cik import parse_cik
    from .edgar import Edgar, EdgarError, UserAgentMissing, user_agent_from_env
    from .sync import Interrupted, SyncError
    from .sync import sync as run_sync

    check_args(("target", targets), ("--owner", owner), ("--db", db), ("--edgar", edgar))
    since_d, until_d = _day_option(since, "--since"), _day_option(until, "--until")
    if since_d and until_d and since_d > until_d:
        fail(f"--since {since} is after --until {until}")
    if all_filers:
        if targets or owner:
            fail("--all syncs every filer: give no ticker, CIK or --owner with it")
        if since_d is None:
            fail("--all needs --since DATE (e.g. insider sync --all --since 2020-03-18)")
    elif forms is not None or refine:
        fail(f"{'--forms' if forms is not None else '--refine'} goes with --all")
    if not targets and not owner and not retry_failed and not all_filers:
        fail("give a ticker or CIK (e.g. insider sync AIV) or --owner CIK")
    for o in owner or []:
        if parse_cik(o) is None:
            fail(f"--owner takes a reporting owner's CIK (digits), not {o!r}")
    try:
        from .market import parse_forms

        form_set = parse_forms(forms)
    except SyncError:
        fail(f"--forms {forms!r}: give 3, 4 and/or 5 (e.g. --forms 3,4,5)")
    if not rate > 0:
        fail("--rate must be above 0")
    if rate > 10:
        fail("--rate cannot exceed 10 requests per second (SEC fair-access limit)")
    try:
        client = Edgar(edgar, user_agent_from_env(user_agent), rate)
    except UserAgentMissing as e:
        fail(f"{e} or pass --user-agent")
    except EdgarError as e:
        fail(str(e))
    fresh = not db.exists()
    database = _open_db(db)
    client.notice = _notice(quiet)

    def _term(signum, frame):  # SIGTERM (kill, systemd, cron timeouts) stops like Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _term)
    progress, stop = _progress(quiet)
    try:
        if all_filers:
            from .market import sync_days

            assert since_d is not None
            result = sync_days(
                database,
                client,
                since_d,
                until_d,
                forms=form_set,
                retry_failed=retry_failed,
                refine=refine,
                progress=progress,
            )
        else:
            result = run_sync(
                database,
                client,
                targets or [],
                owners=owner or [],
                retry_failed=retry_failed,
                progress=progress,
                since=since_d.isoformat() if since_d else None,
                until=until_d.isoformat() if until_d else None,
            )
    except (Interrupted, KeyboardInterrupt) as e:
        stop()
        _discard_if_empty(database, db, fresh)
        new = e.result.new if isinstance(e, Interrupted) else 0
        fail(
            f"interrupted; {new} new filings stored this run are kept, run the same sync to resume",
            130,
        )
    except (SyncError, EdgarError) as e:
        stop()
        _discard_if_empty(database, db, fresh)
        fail(str(e))
    except sqlite3.Error as e:
        stop()
        _discard_if_empty(database, db, fresh)
        fail(f"database {db}: {e}")
    finally:
        client.close()
    stop()
    # Under --quiet (cron) filings that failed for good earlier are a problem to report
    # too, every run, until --retry-failed stores them: silence would hide them forever.
    bad = result.failed or result.problems or (quiet and result.failed_earlier)
    if not quiet or bad:
        print(result.summary("--retry-failed"), file=sys.stderr if quiet else sys.stdout)
    for acc, reason in result.failures[:20]:
        err(f"  failed {acc}: {reason}")
    if len(result.failures) > 20:
        print(f"  ... and {len(result.failures) - 20} more (table sync_failures)", file=sys.stderr)
    for line in result.problems[:20]:
        err(f"  skipped {line}")
    if len(result.problems) > 20:
        print(f"  ... and {len(result.problems) - 20} more malformed entries", file=sys.stderr)
    for target, close in result.unknown:
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        err(f"insider: unknown ticker {target!r}: not in EDGAR's company_tickers.json{hint}")
    if result.unknown:
        _discard_if_empty(database, db, fresh)
    missing = getattr(result, "missing_days", [])
    for day, reason in missing:
        err(f"  no daily index for business day {day}: {reason}")
    if bad or result.unknown or missing:
        raise typer.Exit(1)


def _notice(quiet: bool):
    """Long waits EDGAR imposes, told on stderr (above the progress bar, which rich keeps
    at the bottom): from 5 s on, and under --quiet only past a minute."""

    def notice(message: str, seconds: float) -> None:
        if seconds >= (60 if quiet else 5):
            err(f"insider: {message}")

    return notice


def _day_option(value: str | None, option: str):
    """A YYYY-MM-DD option as a date (None when not given); a bad one is a one-line error."""
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        fail(f"{option} {value!r}: give a date as YYYY-MM-DD")


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


@app.command()
def watch(
    db: DbOpt = Path("insider.db"),
    edgar: EdgarOpt = None,
    interval: Annotated[
        float, typer.Option("--interval", help="Seconds between polls (at least 10).")
    ] = 60.0,
    since: Annotated[
        str | None,
        typer.Option("--since", help="Also alert on filings since this date (YYYY-MM-DD)."),
    ] = None,
    code: Annotated[
        str | None, typer.Option("--code", help="Only these transaction codes, e.g. P,S.")
    ] = None,
    min_value: Annotated[
        str | None, typer.Option("--min-value", help="Only trades worth at least this ($).")
    ] = None,
    role: Annotated[
        str | None,
        typer.Option("--role", help="director, officer, ceo, cfo or ten-percent (comma list)."),
    ] = None,
    issuer: Annotated[str | None, typer.Option("--issuer", help="Issuer ticker or CIK.")] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", help="Reporting owner CIK or name words.")
    ] = None,
    json_out: Annotated[
        bool, typer.Option("--json", help="One JSON object per alert and line.")
    ] = False,
    exec_cmd: Annotated[
        str | None,
        typer.Option("--exec", help="Run this command per alert, its JSON on stdin."),
    ] = None,
    exec_timeout: Annotated[
        float, typer.Option("--exec-timeout", help="Seconds before --exec is killed.")
    ] = 30.0,
    polls: Annotated[
        int | None, typer.Option("--polls", help="Stop after this many polls (scripts).")
    ] = None,
    user_agent: Annotated[
        str | None, typer.Option("--user-agent", help="'Name email' sent to EDGAR.")
    ] = None,
) -> None:
    """Poll EDGAR's latest filings, store new Forms 3/4/5, print one line per matching
    transaction (Ctrl-C stops between filings)."""
    import signal
    import threading
    from decimal import Decimal, InvalidOperation

    from .alerts import AlertFilter
    from .edgar import Edgar, EdgarError, user_agent_from_env
    from .roles import parse_roles
    from .watch import MIN_INTERVAL, Watch, WatchConfig

    if not interval >= MIN_INTERVAL:
        fail(f"--interval {interval:g}: at least {MIN_INTERVAL:g} seconds (EDGAR fair access)")
    if exec_timeout <= 0:
        fail("--exec-timeout must be above 0")
    if polls is not None and polls < 1:
        fail("--polls must be 1 or more")
    since_d = _day_option(since, "--since")
    value = None
    if min_value is not None:
        try:
            value = Decimal(min_value.replace(",", "").replace("$", "").strip())
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0:
            fail(f"--min-value {min_value!r}: give an amount in dollars, e.g. 100000")
    try:
        roles = parse_roles(role)
    except ValueError as e:
        fail(f"--role: {e}")
    codes = frozenset(c.strip().upper() for c in (code or "").split(",") if c.strip())
    from .codes import CODES

    unknown = sorted(c for c in codes if c not in CODES)
    if unknown:
        fail(f"--code: unknown transaction code {', '.join(unknown)}")
    flt = AlertFilter(codes, value, roles, issuer, owner)
    try:
        client = Edgar(edgar, user_agent_from_env(user_agent))
    except EdgarError as e:
        fail(str(e))
    if client.folder is not None:
        client.close()
        fail("watch polls EDGAR's live feed: --edgar must be sec.gov or an http(s) URL")
    database = _open_db(db)
    stop = threading.Event()

    def _stop(signum, frame):
        if stop.is_set():  # a second Ctrl-C: stop now
            raise KeyboardInterrupt
        stop.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    cfg = WatchConfig(
        interval, since_d, flt, json_out, exec_cmd, exec_timeout, exec_label="--exec", polls=polls
    )
    try:
        w = Watch(database, client, cfg, stop=stop)
        stats = w.run()
    except KeyboardInterrupt:
        fail("interrupted; every filing stored so far is kept", 130)
    except EdgarError as e:
        fail(str(e))
    finally:
        client.close()
    err(
        f"insider: watch stopped after {stats.polls} polls: {stats.new} new filings, "
        f"{stats.alerts} alerts, {stats.requests} requests"
    )
    if stop.is_set():
        raise typer.Exit(0)


SinceOpt = Annotated[
    str | None, typer.Option("--since", help="From this date on (YYYY-MM-DD or YYYY).")
]
UntilOpt = Annotated[
    str | None, typer.Option("--until", help="Up to this date (YYYY-MM-DD or YYYY).")
]
CodeOpt = Annotated[
    str | None, typer.Option("--code", help="Only these transaction codes, e.g. S,P,M.")
]
IssuerOpt = Annotated[str | None, typer.Option("--issuer", help="Only this issuer (ticker/CIK).")]
CsvOpt = Annotated[
    bool,
    typer.Option("--csv", help="Print CSV, one row per transaction or holding (spreadsheets)."),
]
CsvRecordsOpt = Annotated[
    bool,
    typer.Option(
        "--csv-records", help="Print every table row and summary line as CSV records (older --csv)."
    ),
]
NdjsonOpt = Annotated[
    bool, typer.Option("--ndjson", help="Print one JSON object per row (streams, jq).")
]
NoPagerOpt = Annotated[
    bool, typer.Option("--no-pager", help="Never page the output (INSIDER_PAGER, PAGER, less).")
]
Output = dict[str, bool]
NoNotesOpt = Annotated[
    bool, typer.Option("--no-footnotes", help="Hide footnote markers and texts.")
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


@app.command()
def show(
    name: Annotated[
        str | None, typer.Argument(help="Owner name words (HERZOG) or CIK; none: list owners.")
    ] = None,
    db: DbOpt = Path("insider.db"),
    json_out: JsonOpt = False,
    csv_out: CsvOpt = False,
    csv_records: CsvRecordsOpt = False,
    ndjson: NdjsonOpt = False,
    no_pager: NoPagerOpt = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    code: CodeOpt = None,
    issuer: IssuerOpt = None,
    min_value: MinValueOpt = None,
    role: RoleOpt = None,
    no_footnotes: NoNotesOpt = False,
    no_timeline: Annotated[
        bool, typer.Option("--no-timeline", help="Hide the holdings timeline.")
    ] = False,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Also draw the holdings timeline to a PNG (matplotlib)."),
    ] = None,
    plot_derivatives: Annotated[
        bool,
        typer.Option("--plot-derivatives", help="Also draw Table II (options, units) in --plot."),
    ] = False,
) -> None:
    """An insider's transactions, summaries, holdings and timeline, with footnotes."""
    from .errors import ReportError
    from .report import owner_report

    check_args(("name", name), ("--issuer", issuer), ("--db", db), ("--since", since))
    check_args(("--until", until), ("--code", code))
    database = _existing_db(db)
    if name is None:
        _what_is_there(database, "show")
    try:
        rep = owner_report(database, name, _filters(since, until, code, issuer, min_value, role))
    except ReportError as e:
        _report_error(e)
    finally:
        database.close()
    if plot is not None:
        from .render import timeline_lines
        from .timeline import NeedsMatplotlib, NothingToDraw, plot_png

        try:
            plot_png(
                timeline_lines(rep, derivatives=plot_derivatives),
                str(plot),
                f"{rep['owner']['name']} (CIK {rep['owner']['cik']})",
            )
        except NeedsMatplotlib as e:
            fail(f"--plot needs {e}")
        except NothingToDraw as e:
            fail(f"--plot {plot}: {e}" + ("" if plot_derivatives else " (try --plot-derivatives)"))
        except (OSError, ValueError) as e:  # no such folder, unknown image format
            fail(f"--plot {plot}: {getattr(e, 'strerror', None) or e}")
    fmt = {"--json": json_out, "--csv": csv_out, "--csv-records": csv_records, "--ndjson": ndjson}
    _output(rep, fmt, no_footnotes, "show", timeline=not no_timeline, pager=not no_pager)


@app.command()
def company(
    ticker: Annotated[
        str | None, typer.Argument(help="Issuer ticker (AIV) or CIK; none: list issuers.")
    ] = None,
    db: DbOpt = Path("insider.db"),
    json_out: JsonOpt = False,
    csv_out: CsvOpt = False,
    csv_records: CsvRecordsOpt = False,
    ndjson: NdjsonOpt = False,
    no_pager: NoPagerOpt = False,
    since: SinceOpt = None,
    until: UntilOpt = None,
    code: CodeOpt = None,
    last: Annotated[int, typer.Option("--last", help="How many recent transactions.")] = 20,
    min_value: MinValueOpt = None,
    role: RoleOpt = None,
    no_footnotes: NoNotesOpt = False,
) -> None:
    """An issuer's insiders, net open-market buying, last trades, cluster buys, late filers."""
    from .company import company_report
    from .errors import ReportError

    if last < 0:
        fail(f"--last {last}: give 0 or more transactions")
    check_args(("issuer", ticker), ("--db", db), ("--since", since), ("--until", until))
    check_args(("--code", code))
    database = _existing_db(db)
    if ticker is None:
        _what_is_there(database, "company")
    try:
        rep = company_report(
            database, ticker, _filters(since, until, code, None, min_value, role), last=last
        )
    except ReportError as e:
        _report_error(e)
    finally:
        database.close()
    fmt = {"--json": json_out, "--csv": csv_out, "--csv-records": csv_records, "--ndjson": ndjson}
    _output(rep, fmt, no_footnotes, "company", pager=not no_pager)


def _output(rep, fmt: Output, no_footnotes: bool, kind: str, **kw) -> None:
    chosen = [name for name, on in fmt.items() if on]
    if len(chosen) > 1:
        fail(f"choose one of {', '.join(chosen)}")
    if fmt["--json"]:
        from .export import dumps, strip_footnotes

        print(dumps(strip_footnotes(rep) if no_footnotes else rep))
        return
    if fmt["--csv"] or fmt["--ndjson"]:
        from . import export

        rows = export.show_rows(rep) if kind == "show" else export.company_rows(rep)
        if fmt["--ndjson"]:
            export.write_ndjson(rows, sys.stdout, not no_footnotes)
        else:
            cols = export.SHOW_ROW_COLUMNS if kind == "show" else export.COMPANY_ROW_COLUMNS
            export.write_row_csv(rows, cols, sys.stdout, not no_footnotes)
        return
    if fmt["--csv-records"]:
        from . import export

        if kind == "show":
            records, cols = export.show_csv_records(rep, not no_footnotes), export.SHOW_CSV_COLUMNS
        else:
            records = export.company_csv_records(rep, not no_footnotes)
            cols = export.COMPANY_CSV_COLUMNS
        export.write_csv(records, cols, sys.stdout)
        return
    from .pager import paged
    from .render import render_company, render_owner

    with paged(kw.pop("pager", True)) as console:
        if kind == "show":
            render_owner(rep, console, footnotes=not no_footnotes, **kw)
        else:
            render_company(rep, console, footnotes=not no_footnotes)


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


def _what_is_there(database, kind: str) -> NoReturn:
    """`show`/`company` without a name: list what there is to ask about, then say how."""
    from .discover import issuers as list_issuers
    from .discover import owners as list_owners
    from .screen_render import render_listing

    if kind == "show":
        listing, example = (
            list_owners(database, None, 20),
            "insider show NAME|CIK (insider owners QUERY finds one)",
        )
    else:
        listing, example = (
            list_issuers(database, 50),
            "insider company TICKER|CIK (insider issuers lists all)",
        )
    render_listing(listing, sys.stdout)
    fail(f"give a name: {example}")


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
    from .schemadoc import datasette_metadata_json

    print(datasette_metadata_json(database))


if __name__ == "__main__":
    # `python -m insider.cli`: this file runs as __main__, a second copy of the module that
    # backfill_cli's `from .cli import ...` would not see; hand over to the package's module.
    from insider.cli import main as _main

    _main()
    sys.exit(0)

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
