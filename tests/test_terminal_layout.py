"""Reports fit the terminal: `show` and `company` for the seed and every owner
and issuer of the fixtures (the offline mirror plus every corpus and hand-made filing), at
80, 120 and 200 columns: no line wider than the terminal, every figure whole on one line.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CORPUS, FIXTURES
from rich.cells import cell_len
from rich.console import Console
from storehelp import mirror_db
from test_cli_skeleton import run_in_process as run

from insider.cells import fmt_cents, fmt_money, fmt_num
from insider.company import company_report
from insider.render import render_company, render_owner
from insider.report import owner_report
from insider.store import connect

WIDTHS = (80, 120, 200)


@pytest.fixture(scope="module")
def every_db(tmp_path_factory) -> Path:
    """The mirror's issuers synced, then every other fixture filing stored directly."""
    from insider.parse import ParseError, parse_ownership
    from insider.store import FilingMeta, save_filing

    db_path = tmp_path_factory.mktemp("layout") / "insider.db"
    mirror_db(db_path, ("AIV", "AAPL", "TSLA", "LRCX", "SNOW"))
    db = connect(db_path)
    known = {row[0] for row in db.execute("SELECT accession FROM filings")}
    files = sorted(CORPUS.glob("*.xml")) + sorted(CORPUS.glob("*.txt"))
    files += sorted((FIXTURES / "handmade").glob("*.xml"))
    n = 0
    for k, f in enumerate(files):
        raw = f.read_bytes()
        try:
            filing = parse_ownership(raw, source=f.name)
        except ParseError:
            continue
        acc = f"0009999996-26-{k:06d}"
        if acc in known:
            continue
        date = filing.period_of_report or "2024-01-02"
        save_filing(db, filing, FilingMeta(acc, date), raw)
        n += 1
    assert n > 20
    db.conn.close()
    return db_path


def _render(fn, rep, width: int) -> str:
    buf = io.StringIO()
    fn(rep, Console(file=buf, width=width, color_system=None, highlight=False, markup=False))
    return buf.getvalue()


def _check(out: str, width: int, figures: set[str], what: str) -> None:
    lines = out.splitlines()
    wide = [ln for ln in lines if cell_len(ln) > width]
    assert not wide, f"{what} at {width}: {len(wide)} lines too wide, e.g. {wide[0]!r}"
    assert "…" not in out
    # One layout per report: ruled tables (wide) or a rule under each header (compact).
    wide, compact = "┏" in out, any(ln.startswith("─") for ln in lines)
    assert not (wide and compact), f"{what} at {width}: wide and compact tables mixed"
    for fig in figures:
        assert any(fig in ln for ln in lines), f"{what} at {width}: {fig} not whole on a line"
    # No number broken at a line end ("59," then "361").
    broken = [
        (a, b)
        for a, b in zip(lines, lines[1:], strict=False)
        if re.search(r"\d,$", a.rstrip()) and re.match(r"\s*\d{3}\b", b)
    ]
    assert not broken, f"{what} at {width}: {broken[0]!r}"


def _row_figures(r: dict) -> set[str]:
    out = {fmt_num(r["shares"]), fmt_money(r["price_per_share"]), fmt_cents(r["value"])}
    return {f for f in out if f}


def test_show_fits_every_width(every_db: Path):
    db = connect(every_db)
    owners = [row[0] for row in db.execute("SELECT cik FROM owners ORDER BY cik")]
    assert len(owners) > 25
    for cik in owners:
        rep = owner_report(db, cik)
        figures: set[str] = set()
        for iss in rep["issuers"]:
            for sec in iss["securities"]:
                for r in sec["rows"]:
                    figures |= _row_figures(r)
                    figures.add(fmt_num(r["shares_owned_following"]))
                for p in sec["positions"]:
                    figures.add(fmt_num(p["shares_owned_following"]))
                if sec["sales"]:
                    figures.add(fmt_cents(sec["sales"]["value"]))
        figures.discard("")
        for width in WIDTHS:
            _check(_render(render_owner, rep, width), width, figures, f"show {cik}")


def test_company_fits_every_width(every_db: Path):
    db = connect(every_db)
    issuers = [row[0] for row in db.execute("SELECT cik FROM issuers ORDER BY cik")]
    assert len(issuers) > 15
    for cik in issuers:
        rep = company_report(db, cik)
        figures: set[str] = set()
        for r in rep["last_transactions"]:
            figures |= _row_figures(r)
        for p in rep["insiders"]:
            if p["purchases"] or p["sales"]:
                figures |= {fmt_num(p["sold_shares"]), fmt_cents(p["net_value"])}
        figures.discard("")
        for width in WIDTHS:
            _check(_render(render_company, rep, width), width, figures, f"company {cik}")


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("seed") / "insider.db"
    return mirror_db(db, ("AIV", "TSLA"))


def test_seed_at_80_columns_piped(seed_db: Path):
    """Piped output honours COLUMNS: the seed at 80 is the compact layout, whole numbers."""
    r = run("show", "HERZOG", "--db", str(seed_db), env={"COLUMNS": "80"})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert max(cell_len(ln) for ln in lines) <= 80
    # The accession heads its rows; the code is a letter and the shares are signed.
    assert "  0009999901-07-000001  Form 4 filed 2007-05-14" in lines
    row = next(ln for ln in lines if ln.startswith("2007-05-10  S"))
    assert row.split() == ["2007-05-10", "S", "-5,500", "$54.00", "$297,000.00", "59,361", "D"]
    assert any(ln.split()[:3] == ["2007-05-11", "M", "+7,547"] for ln in lines)
    assert "  Sales: 9 rows, 14,804 shares for $806,651.81, weighted average $54.4888," in lines


def test_money_to_the_cent_in_tables_exact_in_json(seed_db: Path):
    """Musk's 3,107,623 shares at $191.467 are $595,007,252.941: the table shows
    $595,007,252.94, the JSON keeps every digit."""
    import json

    out = run("show", "musk", "--db", str(seed_db), env={"COLUMNS": "200"}).stdout
    assert "$595,007,252.94 " in out and "$595,007,252.941" not in out
    data = json.loads(run("show", "musk", "--json", "--db", str(seed_db)).stdout)
    values = [r["value"] for r in data["issuers"][0]["securities"][0]["rows"]]
    assert "595007252.941" in values
    assert Decimal("595007252.941") == Decimal(3107623) * Decimal("191.467")
