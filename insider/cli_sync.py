"""`insider sync` and `insider watch`: from EDGAR into the database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .cli import (
    DbOpt,
    EdgarOpt,
    _discard_if_empty,
    _notice,
    _open_db,
    _progress,
    app,
    check_args,
    err,
    fail,
)


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

    from .edgar import Edgar, EdgarError, UserAgentMissing, user_agent_from_env
    from .sync import Interrupted, SyncError
    from .sync import sync as run_sync

    since_d, until_d, form_set = _checked_sync_options(
        targets, owner, db, edgar, rate, retry_failed, all_filers, since, until, forms, refine
    )
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
    _report_sync(result, quiet, lambda: _discard_if_empty(database, db, fresh))


def _checked_sync_options(
    targets, owner, db, edgar, rate, retry_failed, all_filers, since, until, forms, refine
):
    """`insider sync`'s options checked together (one line and exit 1 for anything that
    cannot work): -> (since, until) as dates and the set of forms --all keeps."""
    from .cik import parse_cik
    from .sync import SyncError

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
    return since_d, until_d, form_set


def _report_sync(result, quiet: bool, discard_if_empty) -> None:
    """The summary line and every failure of a finished sync; exit 1 if any."""
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
        discard_if_empty()
    missing = getattr(result, "missing_days", [])
    for day, reason in missing:
        err(f"  no daily index for business day {day}: {reason}")
    if bad or result.unknown or missing:
        raise typer.Exit(1)


def _day_option(value: str | None, option: str):
    """A YYYY-MM-DD option as a date (None when not given); a bad one is a one-line error."""
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        fail(f"{option} {value!r}: give a date as YYYY-MM-DD")


# Long only in its signature: typer declares each option there (3-5 lines each); the help
# text is the docstring, so the reason is said here.
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
