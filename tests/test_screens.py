"""`insider screen`: the market screens on a DB of seven issuers (tests/markethelp.py says
what each invented filing holds; Herzog's sales are the real AIV Form 4)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from markethelp import market_db
from storehelp import copy_db
from test_cli_skeleton import run

from insider import screen_sql, screens


@pytest.fixture(scope="module")
def mdb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("market") / "insider.db"
    market_db(path).conn.close()
    return path


def screen(db: Path, *args: str) -> dict:
    r = run("screen", *args, "--db", str(db), "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_ceo_cfo_purchases_over_100000(mdb: Path):
    data = screen(mdb, "ceo-cfo-purchases", "--min-value", "100000")
    got = [
        (r["transaction_date"], r["issuer_ticker"], r["owner_name"], r["value"])
        for r in data["rows"]
    ]
    # Not ALPHA (10,000), not EPSILON (assistant to the CEO), not ETA (former CEO); BETA
    # once, at the amended 12,000 shares.
    assert got == [
        ("2021-06-01", "BCO", "ZETA ZOE", "200000"),
        ("2020-03-04", "ACME", "BETA BOB", "126000"),
    ]
    zeta, beta = data["rows"]
    assert zeta["late"] is True and zeta["plan_10b5_1"] is False
    assert zeta["filing_date"] == "2021-06-10"
    assert zeta["acceptance_datetime"] == "2021-06-10T14:05:09.000Z"
    assert zeta["delta_own_pct"] == "100.0" and zeta["owned_before"] == "50000"
    assert zeta["code_meaning"].lower().startswith("open-market or private purchase")
    assert zeta["filing_url"] == (
        "https://www.sec.gov/Archives/edgar/data/200/000000200121000001/"
        "0000002001-21-000001-index.htm"
    )
    assert beta["accession"] == "0000001002-20-000002" and beta["form"] == "4/A"
    assert beta["new_position"] is True and beta["delta_own_pct"] is None


def test_cluster_buys_since_2020(mdb: Path):
    data = screen(mdb, "cluster-buys", "--since", "2020-01-01")
    bco, acme = data["clusters"]
    assert (acme["issuer_ticker"], acme["first_date"], acme["last_date"]) == (
        "ACME", "2020-03-02", "2020-03-09",
    )  # fmt: skip
    assert acme["distinct_buyers"] == 5 and acme["rows"] == 5
    assert acme["shares"] == "36000" and acme["value"] == "373550"
    names = {p["name"] for p in acme["insiders"]}
    assert names == {"ALPHA ANN", "BETA BOB", "EPSILON EVE", "GAMMA GUS", "GAMMA FAMILY LLC",
                     "DELTA DI"}  # fmt: skip
    assert "0000001002-20-000001" not in acme["accessions"]  # the amended original
    assert acme["last_filing_date"] == "2020-03-20"  # the 4/A
    assert (bco["issuer_ticker"], bco["distinct_buyers"], bco["value"]) == ("BCO", 3, "704100")
    assert screen(mdb, "cluster-buys", "--since", "2022-01-01")["clusters"] == []
    only = screen(mdb, "cluster-buys", "--since", "2020-01-01", "--min-value", "400000")
    assert [c["issuer_ticker"] for c in only["clusters"]] == ["BCO"]


def test_cluster_buys_text(mdb: Path):
    r = run("screen", "cluster-buys", "--since", "2020", "--db", str(mdb))
    assert r.returncode == 0, r.stderr
    assert "2020-03-02 to 2020-03-09" in r.stdout and "$373,550.00" in r.stdout


def test_sales_with_10b5_1_share_and_big_sales(mdb: Path):
    data = screen(mdb, "sales", "--issuer", "AIV")
    assert len(data["rows"]) == 9
    assert sum(float(r["value"]) for r in data["rows"]) == pytest.approx(806651.81)
    assert data["plan_10b5_1"]["plan_rows"] == 0 and data["plan_10b5_1"]["value"] == "806651.81"
    big = screen(mdb, "big-sales", "--since", "2000-01-01", "--limit", "3")
    values = [float(r["value"]) for r in big["rows"]]
    assert values == sorted(values, reverse=True) and len(values) == 3


def test_latest_and_codes(mdb: Path):
    rows = screen(mdb, "latest", "--limit", "5")["rows"]
    assert rows[0]["filing_date"] == max(r["filing_date"] for r in rows)
    assert {r["code"] for r in rows} <= {"P", "S"} and all(r["table"] == "I" for r in rows)
    m = screen(mdb, "latest", "--code", "M", "--limit", "50")["rows"]
    assert m and {r["code"] for r in m} == {"M"}
    r = run("screen", "purchases", "--code", "S", "--db", str(mdb))
    assert r.returncode == 1 and "--code works with latest and late" in r.stderr


def test_late_and_role_and_issuer_filters(mdb: Path):
    late = screen(mdb, "late")["rows"]
    assert ("ZETA ZOE", "2021-06-01") in {(r["owner_name"], r["transaction_date"]) for r in late}
    assert all(r["late"] is True for r in late)
    dirs = screen(mdb, "purchases", "--role", "director", "--issuer", "ACME,0000000200")["rows"]
    assert [r["owner_name"] for r in dirs] == [
        "THETA TOM",
        "DELTA DI",
        "GAMMA GUS; GAMMA FAMILY LLC",
    ]
    officers = screen(mdb, "officer-purchases", "--issuer", "ACME")["rows"]
    assert [r["owner_name"] for r in officers] == ["EPSILON EVE", "BETA BOB", "ALPHA ANN"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch"], "no screen 'nosuch'"),
        (["sales", "--min-value", "lots"], "--min-value 'lots'"),
        (["sales", "--role", "janitor"], "--role: unknown role 'janitor'"),
        (["sales", "--issuer", "ZZZZ"], "--issuer 'ZZZZ'"),
        (["sales", "--since", "2020-13-01"], "not a calendar date"),
        (["sales", "--limit", "0"], "--limit 0"),
    ],
)
def test_bad_arguments_one_line(mdb: Path, args, message):
    r = run("screen", *args, "--db", str(mdb))
    assert r.returncode == 1 and message in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_csv(mdb: Path):
    r = run("screen", "ceo-cfo-purchases", "--min-value", "100000", "--csv", "--db", str(mdb))
    assert r.returncode == 0, r.stderr
    recs = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [(x["owner_name"], x["value"], x["late"]) for x in recs] == [
        ("ZETA ZOE", "200000", "1"),
        ("BETA BOB", "126000", "0"),
    ]


def test_views_answer_the_same_in_sql(mdb: Path):
    con = sqlite3.connect(mdb)
    rows = con.execute(
        "SELECT owner_name, value FROM screen_ceo_cfo_purchases WHERE value >= 100000 "
        "ORDER BY transaction_date DESC"
    ).fetchall()
    assert rows == [("ZETA ZOE", 200000.0), ("BETA BOB", 126000.0)]
    n = con.execute("SELECT count(*) FROM screen_officer_purchases WHERE issuer_ticker = 'ACME'")
    assert n.fetchone()[0] == 3
    assert (
        con.execute("SELECT count(*) FROM screen_sales WHERE issuer_ticker = 'AIV'").fetchone()[0]
        == 9
    )


def test_canned_queries_run_with_parameters(mdb: Path):
    con = sqlite3.connect(mdb)
    for name, q in screen_sql.canned_queries().items():
        params = {p: None for p in q["params"]}
        cur = con.execute(q["sql"], params)
        assert cur.description, name
    q = screen_sql.canned_queries()["ceo-cfo-purchases"]
    got = con.execute(q["sql"], {"since": "2020-01-01", "min_value": 100000, "ticker": None})
    assert [r[0] for r in got.fetchall()] == ["2021-06-10", "2020-03-20"]
    q = screen_sql.canned_queries()["cluster-buys"]
    got = con.execute(q["sql"], {"since": "2020-01-01", "min_value": None, "ticker": None})
    rows = got.fetchall()
    assert [(r[0], r[1], r[2]) for r in rows][:1] == [("BCO", "2021-06-01", "2021-06-03")]


def test_filed_text_is_escaped(mdb: Path, tmp_path: Path):
    """A title with an escape sequence and a name starting with '=' reach neither the
    terminal nor a spreadsheet as written."""

    from markethelp import ACME, _buy, _file, _owner

    from insider.store import connect

    path = tmp_path / "h.db"
    copy_db(mdb, path)
    db = connect(path)
    evil = _owner("0000003001", '=HYPERLINK("x")', "CEO\x1b[31m")
    _file(db, "0000003001-22-000001", ACME, [evil], _buy("2022-01-03", "1", "1", "1"),
          "2022-01-04")  # fmt: skip
    db.conn.close()
    out = run("screen", "purchases", "--limit", "1", "--db", str(path)).stdout
    assert "\x1b" not in out and "CEO\\x1b[31m" in out
    r = run("screen", "purchases", "--limit", "1", "--csv", "--db", str(path))
    (rec,) = csv.DictReader(io.StringIO(r.stdout))
    assert rec["owner_name"] == '\'=HYPERLINK("x")'


def test_docs_screens_section_is_generated_and_runs(mdb: Path):
    from conftest import ROOT

    from insider import docgen

    text = (ROOT / "docs" / "schema.md").read_text()
    start = text.index("\n", text.index("<!-- screens: generated")) + 1
    end = text.index("<!-- screens: end -->")
    assert text[start:end].strip() == docgen.screens_markdown().strip()
    import re

    blocks = re.findall(r"```sql parameterised\n(.*?)```", text, re.S)
    assert len(blocks) == len(screens.SCREENS)
    con = sqlite3.connect(mdb)
    for sql in blocks:
        rows = con.execute(sql, {"since": "2020-01-01", "min_value": "", "ticker": ""})
        assert rows.fetchall(), sql[:60]


# ------------------------------------------------------------- show/company filters


def test_show_min_value(mdb: Path):
    """Herzog's Form 4 (fixtures/README): of 9 sales only 5,500 @ $54.00 = $297,000 and
    6,400 @ $54.95 = $351,680 reach $100,000; the M of 7,547 @ $33.95 = $256,220.65 too."""
    r = run("show", "HERZOG", "--min-value", "100000", "--json", "--db", str(mdb))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["filters"]["min_value"] == "100000"
    (sec,) = [s for s in data["issuers"][0]["securities"] if s["table"] == "I"]
    assert [(x["code"], x["value"]) for x in sec["rows"]] == [
        ("S", "297000"),
        ("M", "256220.65"),
        ("S", "351680"),
    ]
    assert sec["sales"]["rows"] == 2 and sec["sales"]["value"] == "648680"


def test_show_role(mdb: Path):
    r = run("show", "HERZOG", "--role", "cfo", "--json", "--db", str(mdb))
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["issuers"][0]["securities"]
    r = run("show", "HERZOG", "--role", "ceo", "--json", "--db", str(mdb))
    assert r.returncode == 0, r.stderr
    assert all(not s["rows"] for i in json.loads(r.stdout)["issuers"] for s in i["securities"])


def test_company_min_value_and_role(mdb: Path):
    r = run("company", "ACME", "--min-value", "100000", "--json", "--db", str(mdb))
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert [(t["owners"][0]["name"], t["value"]) for t in data["last_transactions"]] == [
        ("EPSILON EVE", "156000"),
        ("BETA BOB", "126000"),
    ]
    alpha = next(p for p in data["insiders"] if p["owner_name"] == "ALPHA ANN")
    assert alpha["purchases"] == 0  # her $10,000 buy is under the floor
    r = run("company", "ACME", "--role", "director", "--json", "--db", str(mdb))
    names = {p["owner_name"] for p in json.loads(r.stdout)["insiders"]}
    assert names == {"GAMMA GUS", "DELTA DI"}


# ------------------------------------------------------------- discovery


def test_issuers_owners_status(mdb: Path):
    r = run("issuers", "--json", "--db", str(mdb))
    rows = {x["ticker"]: x for x in json.loads(r.stdout)["rows"]}
    assert set(rows) == {"AAPL", "ACME", "AIV", "BCO", "LRCX", "SNOW", "TSLA"}
    assert (rows["ACME"]["filings"], rows["ACME"]["first_filing"]) == (6, "2020-03-03")
    r = run("owners", "gamma", "--json", "--db", str(mdb))
    assert [x["name"] for x in json.loads(r.stdout)["rows"]] == ["GAMMA FAMILY LLC", "GAMMA GUS"]
    r = run("owners", "--db", str(mdb), "--limit", "3")
    assert r.returncode == 0 and "owners; the 3 with the most filings" in r.stdout
    st = json.loads(run("status", "--json", "--db", str(mdb)).stdout)
    # Mirror: AIV 1 + hand-made 4/A, AAPL 3, TSLA 3, SNOW 4 (two Forms 3, a 4, a 5), LRCX 4/A
    # + reconstructed original; ACME 5 + a 4/A; BCO 3.
    forms = {x["form"]: x["filings"] for x in st["filings_by_source_and_form"]}
    assert forms == {"3": 2, "4": 17, "4/A": 3, "5": 1}
    assert st["filings"] == 23 and st["issuers"] == 7 and st["failures"] == 0
    assert st["size_bytes"] > 0
    text = run("status", "--db", str(mdb)).stdout
    assert "23 filings of 7 issuers" in text


def test_show_and_company_without_a_name_list_what_is_there(mdb: Path):
    r = run("show", "--db", str(mdb))
    assert r.returncode == 1 and "HERZOG THOMAS M" in r.stdout
    assert (
        r.stderr.strip()
        == "insider: give a name: insider show NAME|CIK (insider owners QUERY finds one)"
    )
    r = run("company", "--db", str(mdb))
    assert r.returncode == 1 and "ACME CORP" in r.stdout and "insider issuers" in r.stderr


@pytest.mark.parametrize(
    ("cik", "acc"),
    [
        ("0000922864", "0009999901-07-000001"),
        ("922864", "0000320193-19-000090"),
        (" 0000000200 ", "0000002001-21-000001"),
        ("0000000000", "0000002001-21-000001"),
        ("12345678901", "0000002001-21-000001"),
        ("unknown:x", "0000002001-21-000001"),
        ("0000922864", "0009999901-07-00000"),
        ("0000922864", "../../x-07-000001"),
        ("0000922864", "0009999901-07-0000012"),
        (None, "0009999901-07-000001"),
        ("CIK0000922864", "0009999901-07-000001"),
        ("cik 922864", "0009999901-07-000001"),
        (" CIK\t922864\n", "0009999901-07-000001"),
        (922864, "0009999901-07-000001"),
        ("CIK", "0009999901-07-000001"),
        ("CIKCIK922864", "0009999901-07-000001"),
        ("9228 64", "0009999901-07-000001"),
        ("+922864", "0009999901-07-000001"),
        ("-922864", "0009999901-07-000001"),
        ("1e5", "0009999901-07-000001"),
    ],
)
def test_filing_url_is_one_rule_in_python_and_sql(cik, acc):
    from insider.links import filing_url, filing_url_sql

    con = sqlite3.connect(":memory:")
    got = con.execute(f"SELECT {filing_url_sql(':c', ':a')}", {"c": cik, "a": acc}).fetchone()[0]
    assert got == filing_url(cik, acc)


def test_data_set_rows_are_marked(mdb: Path, tmp_path: Path):
    """A filing stored from the SEC's quarterly data set (filings.source, issue 10) says so in
    every output of the screens, and status counts it apart."""

    path = tmp_path / "ds.db"
    copy_db(mdb, path)
    con = sqlite3.connect(path)
    con.execute("UPDATE filings SET source = 'dataset:2021q2' WHERE accession = ?",
                ("0000002003-21-000001",))  # fmt: skip
    con.commit()
    con.close()
    rows = screen(path, "purchases", "--issuer", "BCO")["rows"]
    assert {r["owner_name"]: r["source"] for r in rows} == {
        "THETA TOM": "dataset:2021q2",
        "ETA ED": "xml",
        "ZETA ZOE": "xml",
    }
    text = run("screen", "purchases", "--issuer", "BCO", "--db", str(path)).stdout
    (theta,) = [line for line in text.splitlines() if "THETA TOM" in line]
    assert theta.endswith("0000002003-21-000001-index.htm (data set 2021q2)")
    st = json.loads(run("status", "--json", "--db", str(path)).stdout)
    by = {(x["source"], x["form"]): x["filings"] for x in st["filings_by_source_and_form"]}
    assert by[("dataset:2021q2", "4")] == 1 and by[("xml", "4")] == 16
