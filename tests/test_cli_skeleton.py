"""The walking skeleton end to end, through the real console script."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest
from clirun import insider, insider_process
from conftest import MIRROR


def run(*args: str, env: dict | None = None, cwd: Path | None = None):
    """`insider ARGS` through the real console script, in a new process (the founding
    example end to end); the other tests run in process (tests/clirun.py)."""
    return insider_process(*args, env={"COLUMNS": "250", **(env or {})}, cwd=cwd)


def run_in_process(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`insider ARGS` in this process, at the same 250 columns as `run`."""
    return insider(*args, env={"COLUMNS": "250", **(env or {})})


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
    r = run_in_process("sync", "AIV", "--edgar", str(MIRROR), "--db", str(synced))
    assert r.returncode == 0, r.stderr
    assert "0 new filings, 1 already stored" in r.stdout


def test_sync_over_local_http(tmp_path: Path, mirror_server: str):
    db = tmp_path / "x.db"
    r = run_in_process("sync", "AIV", "AAPL", "--edgar", mirror_server, "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "4 new filings" in r.stdout
    r = run_in_process("show", "COOK", "--db", str(db), "--json")
    assert r.returncode == 0, r.stderr


def test_unknown_ticker(tmp_path: Path):
    r = run_in_process("sync", "NOPE", "--edgar", str(MIRROR), "--db", str(tmp_path / "d.db"))
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0
    assert "unknown ticker 'NOPE'" in r.stderr
    assert "Traceback" not in r.stderr


def test_no_user_agent_for_real_host(tmp_path: Path):
    r = run_in_process("sync", "AIV", "--db", str(tmp_path / "d.db"))
    assert r.returncode == 1
    assert "User-Agent" in r.stderr and "INSIDER_USER_AGENT" in r.stderr
    assert r.stderr.strip().count("\n") == 0


def test_ambiguous_name_lists_and_exits_2(tmp_path: Path):
    db = tmp_path / "d.db"
    assert run_in_process("sync", "SNOW", "--edgar", str(MIRROR), "--db", str(db)).returncode == 0
    # Two Berkshire-related owners and others: "B" alone matches several names.
    r = run_in_process("show", "A", "--db", str(db))
    assert r.returncode == 2
    assert "reporting owners match 'A'" in r.stderr
    assert len(r.stderr.strip().splitlines()) >= 3


def test_parse_bad_file_one_line(tmp_path: Path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<ownershipDocument><documentType>4</documentType>")
    r = run_in_process("parse", str(bad))
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
    r = run_in_process("parse", str(doc))
    assert r.returncode == 0, r.stderr
    assert "[i] The option [/s/ counsel] vests 20%" in r.stdout
    assert "Signed: [bold]Thomas M. Herzog 2007-05-14" in r.stdout


def test_bracketed_user_input_is_not_markup(synced: Path):
    r = run_in_process("show", "HERZOG", "--db", str(synced), "--issuer", "[/x]")
    assert "Traceback" not in r.stderr
    assert r.returncode in (0, 1)
    r = run_in_process("company", "AIV", "--db", str(synced), "--code", "[/x]")
    assert "Traceback" not in r.stderr
