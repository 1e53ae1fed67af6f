"""Exports and links: tidy --csv, --ndjson, sec.gov links, price ranges, less noise in
tables.

Expected values read from the filings: the Herzog Form 4 (10 Table I rows, 1 Table II row;
first row S 5,500 at $54.00 on 2007-05-10); Musk's TSLA Form 4 0000899243-22-035394, F1 on
the first sale's price: "prices ranging from $188.970 to $189.960".
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from storehelp import mirror_db
from test_cli_skeleton import run_in_process

from insider.cells import Notes, cell
from insider.links import filing_url
from insider.pricerange import range_in

HERZOG_URL = (
    "https://www.sec.gov/Archives/edgar/data/922864/000999990107000001/"
    "0009999901-07-000001-index.htm"
)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("exports") / "insider.db"
    return mirror_db(path, ("AIV", "TSLA", "SNOW"))


def ok(*args: str, env: dict | None = None) -> str:
    r = run_in_process(*args, env=env)  # reports: a process start adds nothing
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_csv_is_one_row_per_transaction(db: Path):
    rows = list(csv.DictReader(io.StringIO(ok("show", "HERZOG", "--csv", "--db", str(db)))))
    assert len(rows) == 11  # 10 Table I rows and the option row, nothing else
    assert [r["table"] for r in rows] == ["I"] * 10 + ["II"]
    first = rows[0]
    assert (first["owner_name"], first["issuer_ticker"], first["security_title"]) == (
        "HERZOG THOMAS M",
        "AIV",
        "Class A Common Stock",
    )
    assert (first["transaction_date"], first["code"], first["shares"]) == (
        "2007-05-10",
        "S",
        "5500",
    )
    assert (first["price_per_share"], first["value"], first["late"]) == ("54", "297000", "0")
    assert first["filing_url"] == HERZOG_URL
    assert rows[10]["conversion_or_exercise_price"] == "33.95"
    assert "price_per_share[F2]: Option award approved" in rows[10]["footnotes"]
    # Every row has the same columns filled the same way: no record-type column.
    assert "record" not in rows[0]
    company = list(csv.DictReader(io.StringIO(ok("company", "AIV", "--csv", "--db", str(db)))))
    assert len(company) == 11 and {r["owner_name"] for r in company} == {"HERZOG THOMAS M"}


def test_csv_records_header_is_documented(db: Path):
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for cmd, arg in (("show", "HERZOG"), ("company", "AIV")):
        header = ok(cmd, arg, "--csv-records", "--db", str(db)).splitlines()[0]
        key = f"`insider {cmd} --csv-records` columns: `"
        start = readme.index(key) + len(key)
        documented = readme[start : readme.index("`", start)]
        assert header == ",".join(c.strip() for c in documented.split(","))


def test_ndjson_rows(db: Path):
    lines = ok("show", "musk", "--ndjson", "--db", str(db)).splitlines()
    rows = [json.loads(x) for x in lines]
    assert len(rows) == 13  # 9 sales, 2 exercises into Table I, 2 option rows
    first = rows[0]
    assert first["owner_cik"] == "0001494730" and first["shares"] == "192320"
    assert (first["price_range_low"], first["price_range_high"]) == ("188.970", "189.960")
    assert first["footnotes"]["price_per_share"][0]["id"] == "F1"
    bare = [
        json.loads(x)
        for x in ok("show", "musk", "--ndjson", "--no-footnotes", "--db", str(db)).splitlines()
    ]
    assert "footnotes" not in bare[0]


def test_price_range_column_and_one_shared_note(db: Path):
    wide = ok("show", "musk", "--db", str(db), env={"COLUMNS": "200"})
    line = next(x for x in wide.splitlines() if "192,320" in x)
    assert "188.97–189.96" in line
    # Nine weighted-average paragraphs become one line naming their markers.
    assert wide.count("undertakes to provide") == 0
    assert "(1)(3)(4)(5)(6)(7)(8)(9)(10) The price is the weighted average" in wide
    narrow = ok("show", "musk", "--db", str(db), env={"COLUMNS": "80"})
    assert "(1) 188.97–189.96, (3) 189.97–190.96," in narrow
    assert "Range" not in narrow.split("Footnotes")[0]


def test_pricerange_and_links_units():
    assert range_in(
        "The price reported in Column 4 is a weighted average price. These shares were sold "
        "in multiple transactions at prices ranging from $188.970 to $189.960, inclusive."
    ) == (Decimal("188.970"), Decimal("189.960"))
    assert range_in("prices ranging from $1 to $2 (not an average)") is None
    assert filing_url("0000922864", "0009999901-07-000001") == HERZOG_URL
    bad = [
        ("0", "0009999901-07-000001"),
        ("92x", "0009999901-07-000001"),
        ("922864", "0009999901-07-1"),
        ("922864", "../../x"),
        (None, None),
    ]
    for cik, acc in bad:
        assert filing_url(cik, acc) is None


def test_one_marker_per_footnote_per_cell():
    row = {
        "accession": "0000000001-24-000001",
        "footnotes": {
            "shares_owned_following": [{"id": "F11", "text": "Held in trust."}],
            "value_owned_following": [{"id": "F11", "text": "Held in trust."}],
        },
    }
    t = cell("1,000", row, ("shares_owned_following", "value_owned_following"), Notes())
    assert t.plain == "1,000(11)"


def test_json_rows_have_filing_url(db: Path):
    data = json.loads(ok("show", "HERZOG", "--json", "--db", str(db)))
    rows = [r for s in data["issuers"][0]["securities"] for r in s["rows"]]
    assert {r["filing_url"] for r in rows} == {HERZOG_URL}
    c = json.loads(ok("company", "AIV", "--json", "--db", str(db)))
    assert c["last_transactions"][0]["filing_url"] == HERZOG_URL


def test_company_lists_insiders_without_trades_below(db: Path):
    out = ok("company", "SNOW", "--db", str(db), env={"COLUMNS": "200"})
    table, _, rest = out.partition("Without open-market trades in these dates:")
    assert "Scarpelli Michael" in table
    assert "BUFFETT WARREN E" not in table and "BERKSHIRE HATHAWAY INC" not in table
    assert "BUFFETT WARREN E" in rest.split("\n\n")[0]


def test_empty_filter_result_says_so(db: Path):
    out = ok("show", "HERZOG", "--code", "P", "--since", "2007-01-01", "--until", "2007-12-31",
             "--db", str(db))  # fmt: skip
    assert "No P transactions between 2007-01-01 and 2007-12-31." in out
    out = ok("company", "AIV", "--code", "P", "--db", str(db))
    assert "Transactions: no P transactions." in out


def test_plot_leaves_table_ii_out_unless_asked(db: Path, tmp_path: Path):
    from insider.render import timeline_lines
    from insider.report import owner_report
    from insider.store import connect

    rep = owner_report(connect(db), "scarpelli")
    plain = timeline_lines(rep)
    assert {ln["security"] for ln in plain} == {"SNOW Class A Common Stock (Table I)"}
    # Eight "Trust" lines named by what tells them apart: their footnotes, less the words
    # all of them begin with ("The shares are held by the").
    labels = [ln["label"] for ln in plain if "Trust" in ln["label"]]
    assert len(labels) == 8
    assert any(x.startswith("indirectly (Trust): Scarpelli Family Trust") for x in labels)
    assert len(timeline_lines(rep, derivatives=True)) == len(plain) + 1
    png = tmp_path / "s.png"
    ok("show", "scarpelli", "--plot", str(png), "--plot-derivatives", "--db", str(db))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
