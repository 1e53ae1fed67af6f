"""The walking skeleton end to end, through the real console script."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MIRROR

BIN = Path(sys.executable).parent / "insider"


def run(*args: str, env: dict | None = None, cwd: Path | None = None):
    e = {k: v for k, v in os.environ.items() if not k.startswith(("INSIDER_", "EDGAR_"))}
    e["COLUMNS"] = "250"
    e.update(env or {})
    return subprocess.run(
        [str(BIN), *args], capture_output=True, text=True, env=e, cwd=cwd, timeout=120
    )


def run_in_process(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`insider ARGS` run by insider.cli.main in this process: the same command line,
    environment, stdout and stderr as `run`, without a new interpreter (~0.3 s of CPU
    each). For reports, where a process start adds nothing; an exception that escapes
    main() fails the test instead of becoming a traceback on stderr."""
    import contextlib
    import io
    import signal
    from unittest import mock

    from insider import cli

    e = {k: v for k, v in os.environ.items() if not k.startswith(("INSIDER_", "EDGAR_"))}
    e["COLUMNS"] = "250"
    e.update(env or {})
    out, err = io.StringIO(), io.StringIO()
    code = 0
    term = signal.getsignal(signal.SIGTERM)
    with (
        mock.patch.dict(os.environ, e, clear=True),
        mock.patch.object(sys, "argv", ["insider", *args]),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            cli.main()
        except SystemExit as x:
            code = x.code if isinstance(x.code, int) else (0 if x.code is None else 1)
        finally:
            signal.signal(signal.SIGTERM, term)
    return subprocess.CompletedProcess(["insider", *args], code, out.getvalue(), err.getvalue())


@pytest.fixture
def synced(tmp_path: Path) -> Path:
    db = tmp_path / "insider.db"
    r = run("sync", "AIV", "--edgar", str(MIRROR), "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "1 new filings" in r.stdout
    return db


def test_show_herzog_figures(synced: Path):
    r = run("show", "HERZOG", "--db", str(synced))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "HERZOG THOMAS M" in out
    assert "Executive Vice President - CFO" in out
    assert "Sales: 9 rows, 14,804 shares for $806,651.81" in out
    assert "from $54.00 to $54.99, 2007-05-10 to 2007-05-11" in out
    assert "7,547 Employee Stock Option (Right to Buy) at $33.95, expiring 2014-01-19" in out
    assert "Held directly: 57,604 shares as of 2007-05-11" in out
    # Footnote markers beside the values they annotate, texts below.
    assert "(1) / 2014-01-19" in out
    assert "(1) The option vests 20% on each anniversary" in out
    assert "(2) Option award approved by Compensation" in out


def test_show_json(synced: Path):
    r = run("show", "herzog", "--db", str(synced), "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    (iss,) = data["issuers"]
    common = next(s for s in iss["securities"] if s["table"] == "I")
    assert common["sales"]["shares"] == "14804"
    assert common["sales"]["value"] == "806651.81"
    assert common["sales"]["min_price"] == "54.00" or common["sales"]["min_price"] == "54"
    assert common["positions"][0]["shares_owned_following"] == "57604"


def test_transactions_view(synced: Path):
    con = sqlite3.connect(synced)
    rows = con.execute(
        "SELECT code, shares, price_per_share, shares_owned_following, direct_or_indirect, "
        "issuer_ticker, owner_name FROM transactions ORDER BY form_table, row_num"
    ).fetchall()
    assert len(rows) == 11
    assert rows[0] == ("S", 5500, 54, 59361, "D", "AIV", "HERZOG THOMAS M")
    assert rows[4] == ("S", 557, 54.04, 57604, "D", "AIV", "HERZOG THOMAS M")
    assert rows[10][0] == "M"


def test_second_sync_fetches_no_filing(synced: Path):
    r = run("sync", "AIV", "--edgar", str(MIRROR), "--db", str(synced))
    assert r.returncode == 0, r.stderr
    assert "0 new filings, 1 already stored" in r.stdout


def test_sync_over_local_http(tmp_path: Path, mirror_server: str):
    db = tmp_path / "x.db"
    r = run("sync", "AIV", "AAPL", "--edgar", mirror_server, "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "4 new filings" in r.stdout
    r = run("show", "COOK", "--db", str(db), "--json")
    assert r.returncode == 0, r.stderr


def test_unknown_ticker(tmp_path: Path):
    r = run("sync", "NOPE", "--edgar", str(MIRROR), "--db", str(tmp_path / "d.db"))
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0
    assert "unknown ticker 'NOPE'" in r.stderr
    assert "Traceback" not in r.stderr


def test_no_user_agent_for_real_host(tmp_path: Path):
    r = run("sync", "AIV", "--db", str(tmp_path / "d.db"))
    assert r.returncode == 1
    assert "User-Agent" in r.stderr and "INSIDER_USER_AGENT" in r.stderr
    assert r.stderr.strip().count("\n") == 0


def test_ambiguous_name_lists_and_exits_2(tmp_path: Path):
    db = tmp_path / "d.db"
    assert run("sync", "SNOW", "--edgar", str(MIRROR), "--db", str(db)).returncode == 0
    # Two Berkshire-related owners and others: "B" alone matches several names.
    r = run("show", "A", "--db", str(db))
    assert r.returncode == 2
    assert "reporting owners match 'A'" in r.stderr
    assert len(r.stderr.strip().splitlines()) >= 3


def test_parse_bad_file_one_line(tmp_path: Path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<ownershipDocument><documentType>4</documentType>")
    r = run("parse", str(bad))
    assert r.returncode == 1
    assert "truncated" in r.stderr
    assert r.stderr.strip().count("\n") == 0


def test_filed_text_with_brackets_is_printed_verbatim(tmp_path: Path):
    """Filers write square brackets; they are text, never terminal markup."""
    from conftest import HERZOG_XML

    raw = (
        HERZOG_XML.read_bytes()
        .replace(b"The option vests 20%", b"[i] The option [/s/ counsel] vests 20%")
        .replace(b"<signatureName>Thomas M. Herzog", b"<signatureName>[bold]Thomas M. Herzog")
    )
    doc = tmp_path / "brackets.xml"
    doc.write_bytes(raw)
    r = run("parse", str(doc))
    assert r.returncode == 0, r.stderr
    assert "[i] The option [/s/ counsel] vests 20%" in r.stdout
    assert "Signed: [bold]Thomas M. Herzog 2007-05-14" in r.stdout


def test_bracketed_user_input_is_not_markup(synced: Path):
    r = run("show", "HERZOG", "--db", str(synced), "--issuer", "[/x]")
    assert "Traceback" not in r.stderr
    assert r.returncode in (0, 1)
    r = run("company", "AIV", "--db", str(synced), "--code", "[/x]")
    assert "Traceback" not in r.stderr
