"""`insider backfill` through the real console script against a real local HTTP server
(tests/edgar_server.py) serving the offline mirror's landing page and quarter ZIPs: one
request per quarter, conditional re-runs, a 503, a body cut short, bad input, --refine,
then show/company/views."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import insider as insider_here
from conftest import MIRROR
from datasethelp import HANDMADE_Q, HERZOG_ACC, make_zip
from edgar_server import load_folder, xml_of
from test_cli_skeleton import run_in_process

BIN = Path(sys.executable).parent / "insider"
UA = "Jane Tester jane.tester@example.com"
LANDING = "data-research/sec-markets-data/insider-transactions-data-sets"
Q2007 = "files/structureddata/data/insider-transactions-data-sets/2007q2_form345.zip"
Q2024 = "files/datastandardsinnovation/data/insider-transactions-data-sets/2024q3_form345.zip"


def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("INSIDER_", "EDGAR_"))}


def insider(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return insider_here(*args, env=env())


def one_line(text: str) -> bool:
    return text.strip().count("\n") == 0 and "Traceback" not in text and text.strip() != ""


def q(db: Path, sql: str, *args):
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


@pytest.fixture
def files() -> dict[str, bytes]:
    return load_folder(MIRROR)


def test_landing_page_then_one_request_per_quarter_then_nothing(tmp_path, edgar_server, files):
    srv = edgar_server(files)
    db = tmp_path / "i.db"
    r = insider("backfill", "--edgar", srv.url, "--db", str(db), "--user-agent", UA)
    assert r.returncode == 0, r.stderr
    assert "2007q2: 5 filings, 17 rows" in r.stdout
    assert "2024q3: 76 filings, 185 rows" in r.stdout
    assert "2 quarters imported (81 filings)" in r.stdout and "3 requests" in r.stdout
    assert srv.paths() == [LANDING, Q2007, Q2024]  # the links as the page gives them
    assert all(rq.headers.get("User-Agent") == UA for rq in srv.requests)
    assert not list(tmp_path.glob(".i.db.zips*"))  # downloads removed once imported
    # views, show and company answer from the data set
    assert q(db, "SELECT count(*), sum(shares) FROM sales WHERE owner_cik = '0009999901'") == [
        (9, 14804)
    ]
    show = json.loads(insider("show", "HERZOG", "--db", str(db), "--json").stdout)
    rows = show["issuers"][0]["securities"][0]["rows"]
    assert {r["source"] for r in rows} == {"dataset:2007q2"}
    assert rows[0]["price_per_share"] == "54"
    text = insider("show", "HERZOG", "--db", str(db)).stdout
    assert "(data set)" in text and "rounded" in " ".join(text.split())
    comp = json.loads(insider("company", "AIV", "--db", str(db), "--json").stdout)
    assert comp["insiders"][0]["sold_value"] == "806651.81"
    # a second run: every quarter on the page is imported, only the page is asked for
    srv.reset_log()
    before = q(db, "SELECT * FROM dataset_quarters")
    r = insider("backfill", "--edgar", srv.url, "--db", str(db), "--user-agent", UA)
    assert r.returncode == 0 and "0 quarters imported" in r.stdout
    assert srv.paths() == [LANDING]
    # named again: a conditional request each, answered 304, nothing downloaded or changed
    srv.reset_log()
    r = insider("backfill", "2007q2", "2024q3", "--edgar", srv.url, "--db", str(db),
                "--user-agent", UA)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "2 unchanged" in r.stdout
    zips = [rq for rq in srv.requests if rq.path.endswith(".zip")]
    assert [rq.status for rq in zips] == [304, 304]
    assert all(rq.headers.get("If-None-Match") for rq in zips)
    assert q(db, "SELECT * FROM dataset_quarters") == before


def test_republished_quarter_is_imported_again(tmp_path, edgar_server, files):
    srv = edgar_server(files)
    db = tmp_path / "i.db"
    assert insider("backfill", "2007q2", "--edgar", srv.url, "--db", str(db)).returncode == 0
    # the SEC republishes 2007q2 with one more footnote
    notes = (HANDMADE_Q / "FOOTNOTES.tsv").read_bytes()
    extra = notes + b"0009999902-07-000012\tF1\tAdded on republication.\n"
    files[Q2007] = make_zip(
        HANDMADE_Q, tmp_path / "re" / "2007q2_form345.zip", replace={"FOOTNOTES.tsv": extra}
    ).read_bytes()
    r = insider("backfill", "2007q2", "--edgar", srv.url, "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "replacing 5 from an earlier copy" in r.stdout
    assert q(db, "SELECT count(*) FROM footnotes") == [(8,)]
    assert q(db, "SELECT count(*) FROM filings") == [(5,)]


def test_503_then_a_body_cut_short_resumes(tmp_path, edgar_server, files):
    srv = edgar_server(files)
    srv.add_fault("503", Q2007, times=1)
    srv.add_fault("half", Q2007, times=1)
    db = tmp_path / "i.db"
    keep = tmp_path / "zips"
    r = insider("backfill", "2007q2", "--edgar", srv.url, "--db", str(db), "--keep-zips",
                str(keep))  # fmt: skip
    assert r.returncode == 0, r.stderr
    got = [(rq.status, rq.fault, rq.headers.get("Range")) for rq in srv.requests[1:]]
    assert got[0] == (503, "503", None)
    assert got[1][1] == "half"
    assert got[2][0] == 206 and got[2][2].startswith("bytes=")  # resumed, not restarted
    assert (keep / "2007q2_form345.zip").read_bytes() == files[Q2007]
    assert q(db, "SELECT filings FROM dataset_quarters") == [(5,)]


def test_truncated_and_reset_bodies_recover(tmp_path, edgar_server, files):
    srv = edgar_server(files)
    srv.add_fault("truncate", Q2024, times=1)  # promises 100 bytes more than it sends
    srv.add_fault("reset", Q2024, times=1)  # half the body, then a TCP reset
    db = tmp_path / "i.db"
    r = insider("backfill", "2024q3", "--edgar", srv.url, "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert q(db, "SELECT filings FROM dataset_quarters") == [(76,)]


def test_landing_page_without_links(tmp_path, edgar_server, files):
    files[LANDING] = b"<html><body><a href='/files/other.zip'>nothing here</a></body></html>"
    srv = edgar_server(files)
    r = insider("backfill", "--edgar", srv.url, "--db", str(tmp_path / "i.db"))
    assert r.returncode == 1 and one_line(r.stderr)
    assert "no links to quarterly *_form345.zip" in r.stderr


def test_corrupt_zip_fails_alone(tmp_path, edgar_server, files):
    files[Q2007] = files[Q2007][:200]
    srv = edgar_server(files)
    db = tmp_path / "i.db"
    r = insider("backfill", "--edgar", srv.url, "--db", str(db))
    assert r.returncode == 1
    assert "insider: 2007q2:" in r.stderr and "not a readable ZIP" in r.stderr
    assert "Traceback" not in r.stderr
    assert q(db, "SELECT quarter FROM dataset_quarters") == [("2024q3",)]
    assert q(db, "SELECT count(*) FROM filings WHERE source = 'dataset:2007q2'") == [(0,)]


@pytest.mark.parametrize(
    "args, message",
    [
        (["2024q5"], "is not a quarter"),
        (["2024q4..2024q1"], "the first quarter is after the last"),
        (["--since", "24"], "is not a quarter"),
        (["--zip", "nothere_2024q1_form345.zip"], "no such file"),
        (["--zip", "data.zip"], "cannot tell the quarter"),
        (["--refine", "2024q3"], "--refine takes"),
        (["--issuer", "AIV"], "select filings for --refine"),
        (["2031q1", "--edgar", str(MIRROR)], "2031q1: not on the SEC's data-set page"),
        (["--refine", "--since", "2024-02-30", "--edgar", str(MIRROR)], "not a calendar date"),
    ],
)
def test_bad_arguments_are_one_line(tmp_path, args, message):
    if "data.zip" in args:
        (tmp_path / "data.zip").write_bytes(b"x")
        args = ["--zip", str(tmp_path / "data.zip")]
    # In process: argument checks need no server and no new interpreter; an exception
    # escaping main() would fail the test outright.
    r = run_in_process("backfill", *args, "--db", str(tmp_path / "i.db"))
    assert r.returncode == 1, r.stdout
    assert one_line(r.stderr) and message in r.stderr, r.stderr


def test_zip_files_then_unchanged(tmp_path):
    z = make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip")
    db = tmp_path / "i.db"
    r = insider("backfill", "--zip", str(z), "--db", str(db))
    assert r.returncode == 0 and "2007q2: 5 filings" in r.stdout
    r = insider("backfill", "--zip", str(z), "--db", str(db))
    assert r.returncode == 0 and "2007q2: unchanged" in r.stdout


def test_refine_replaces_data_set_filings_with_their_xml(tmp_path, edgar_server, files):
    herzog = files["Archives/edgar/data/922864/000999990107000001/form4.xml"]
    txt = (
        b"<SEC-DOCUMENT>0009999901-07-000001.txt : 20070514\n<SEC-HEADER>\n"
        b"ACCESSION NUMBER:\t\t0009999901-07-000001\n</SEC-HEADER>\n<DOCUMENT>\n<TYPE>4\n"
        b"<TEXT>\n<XML>\n" + xml_of(herzog) + b"</XML>\n</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n"
    )
    files["Archives/edgar/data/922864/000999990107000001/0009999901-07-000001.txt"] = txt
    srv = edgar_server(files)
    db = tmp_path / "i.db"
    assert insider("backfill", "2007q2", "--edgar", srv.url, "--db", str(db)).returncode == 0
    srv.reset_log()
    r = insider("backfill", "--refine", "--issuer", "AIV", "--edgar", srv.url, "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert "1 data-set filings replaced by their XML" in r.stdout
    assert srv.paths() == ["Archives/edgar/data/922864/000999990107000001/0009999901-07-000001.txt"]
    assert q(db, "SELECT source, length(raw_xml) > 0 FROM filings WHERE accession = ?",
             HERZOG_ACC) == [("xml", 1)]  # fmt: skip
    assert q(db, "SELECT count(*), sum(shares) FROM sales WHERE owner_cik = '0009999901'") == [
        (9, 14804)
    ]
    # nothing left to refine for AIV: no request at all
    srv.reset_log()
    r = insider("backfill", "--refine", "--issuer", "AIV", "--edgar", srv.url, "--db", str(db))
    assert r.returncode == 0 and "0 data-set filings replaced" in r.stdout
    assert srv.paths() == []


def test_unreachable_edgar_is_one_line_and_leaves_no_database(tmp_path):
    db = tmp_path / "i.db"
    r = insider("backfill", "--edgar", "http://127.0.0.1:9", "--db", str(db))
    assert r.returncode == 1 and one_line(r.stderr)
    assert "cannot connect to 127.0.0.1:9" in r.stderr
    assert not db.exists()
