"""`insider show` and `insider company`: the per-owner and per-issuer reports."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

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
    _report_error,
    app,
    check_args,
    fail,
)

IssuerOpt = Annotated[str | None, typer.Option("--issuer", help="Only this issuer (ticker/CIK).")]


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


# Long only in its signature: typer declares each option there (3-5 lines each); the help
# text is the docstring, so the reason is said here.
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
        from . import csv_records
        from .export import write_csv

        if kind == "show":
            records, cols = (
                csv_records.show_csv_records(rep, not no_footnotes),
                csv_records.SHOW_CSV_COLUMNS,
            )
        else:
            records = csv_records.company_csv_records(rep, not no_footnotes)
            cols = csv_records.COMPANY_CSV_COLUMNS
        write_csv(records, cols, sys.stdout)
        return
    from .pager import paged
    from .render import render_company, render_owner

    with paged(kw.pop("pager", True)) as console:
        if kind == "show":
            render_owner(rep, console, footnotes=not no_footnotes, **kw)
        else:
            render_company(rep, console, footnotes=not no_footnotes)


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
