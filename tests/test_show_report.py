"""`insider show` and `insider company`: text, JSON and CSV against values read from the
filings by a person (fixtures/edgar mirror, fixtures/corpus originals).

Herzog (AIV, seed Form 4 2007-05-14): 10 Table I rows, 9 sales 14,804 shares, $806,651.81,
M of 7,547 at $33.95 on 2007-05-11, then 6,400 + 100 + 900 + 147 = 7,547 sold that day.
Scarpelli (SNOW Form 4 2022-12-13): M 200,000 at $8.88, five sales of 73,170 + 74,907 +
41,986 + 5,496 + 4,441 = 200,000 shares, 101,097 held directly after, eight "Trust" holding
lines told apart only by footnotes F8-F15 (577,218; 178,947; 9,686; 2,755 x3 pairs).
Berkshire/Buffett (SNOW Form 3 2020-09-18): one joint holding of 6,125,376 shares, I, "See
footnote". Cook (AAPL Form 4 2019-08-24): RSU M 560,000, F 294,840 at $202.64 the same day.
Ahmed (LRCX 4/A): G 3,690 out of the direct line (0 after) into the trust line (30,630).
Musk (TSLA): by Trust line 445,617,432 after the 2022-11-08 sales, then 411,056,826 after
+5,250 on 2023-03-08: a break in the chain (filings in between are not in the mirror).
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from storehelp import copy_db, mirror_db
from test_cli_skeleton import run_in_process as run

HERZOG_ACC = "0009999901-07-000001"


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("corpus") / "insider.db"
    return mirror_db(db, ("AIV", "AAPL", "TSLA", "LRCX", "SNOW"))


def show(db: Path, *args: str) -> str:
    r = run("show", *args, "--db", str(db))
    assert r.returncode == 0, r.stderr
    return r.stdout


# ----------------------------------------------------------------------------- Herzog


def test_herzog_text(corpus_db: Path):
    out = show(corpus_db, "HERZOG")
    assert out.startswith("HERZOG THOMAS M  (CIK 0009999901)\n")
    assert (
        "APARTMENT INVESTMENT & MANAGEMENT CO [AIV]: Officer (Executive Vice President - CFO)"
        "  (1 filing, 2007-05-14 to 2007-05-14)"
    ) in out
    assert (
        "  Sales: 9 rows, 14,804 shares for $806,651.81, weighted average $54.4888, "
        "from $54.00 to $54.99, 2007-05-10 to 2007-05-11\n"
    ) in out
    assert (
        "  Exercise (M) on 2007-05-11: 7,547 Employee Stock Option (Right to Buy) at $33.95, "
        "expiring 2014-01-19, into 7,547 Class A Common Stock; same day: 7,547 shares received, "
        "7,547 sold for $414,732.53, 0 withheld for tax, 0 held\n"
    ) in out
    assert "  Held directly: 57,604 shares as of 2007-05-11\n" in out
    assert "Chain check: each amount owned after follows from the previous one." in out
    assert "Purchases:" not in out
    # The option row's price has only footnote (2); the exercise price is its own column,
    # never shown as a price.
    opt = next(line for line in out.splitlines() if "│2007-05-11 │ M" in line and "(2)" in line)
    cells = [c.strip() for c in opt.split("│")]
    assert cells[4] == "(2)" and cells[5] == "" and "$33.95" in cells[12]
    assert "(1) / 2014-01-19" in out
    # Timeline of the direct line: 10 points from 59,361 to 57,604, high 65,151.
    assert "59,361 (2007-05-10) -> 57,604 (2007-05-11), low 57,604, high 65,151, 10 points" in out
    # Every sale row once, numbers whole.
    for n in ("5,500", "800", "557", "6,400", "147"):
        assert f"│ {n.rjust(6)} │" in out


def test_herzog_no_footnotes(corpus_db: Path):
    out = show(corpus_db, "HERZOG", "--no-footnotes")
    assert "(1)" not in out and "(2)" not in out and "Footnotes" not in out
    assert "Sales: 9 rows, 14,804 shares for $806,651.81" in out


def test_herzog_json(corpus_db: Path):
    data = json.loads(show(corpus_db, "HERZOG", "--json"))
    assert set(data) == {
        "owner",
        "filters",
        "roles",
        "joint_filings",
        "issuers",
        "consistency_breaks",
        "filings_without_rows",
    }
    assert data["owner"] == {
        "cik": "0009999901",
        "name": "HERZOG THOMAS M",
        "type": "person",
        "issuers": ["AIV"],
    }
    (iss,) = data["issuers"]
    common, option = iss["securities"]
    assert (common["table"], option["table"]) == ("I", "II")
    assert common["sales"] == {
        "rows": 9,
        "shares": "14804",
        "value": "806651.81",
        "weighted_average_price": "54.488774",
        "min_price": "54",
        "max_price": "54.99",
        "first_date": "2007-05-10",
        "last_date": "2007-05-11",
        "unpriced_rows": 0,
    }
    assert len(common["rows"]) == 10
    first = common["rows"][0]
    assert (first["code"], first["shares"], first["price_per_share"], first["value"]) == (
        "S",
        "5500",
        "54",
        "297000",
    )
    # Filed Monday 2007-05-14 for a Thursday 2007-05-10 sale: on time (two business days);
    # a 2007 filing has no 10b5-1 box and no footnote mentions a plan.
    assert first["plan_10b5_1"] is False and first["late"] is False
    assert first["joint_filing"] is False
    (ex,) = option["exercises"]
    assert ex["exercise_price"] == "33.95" and ex["expiration_date"] == "2014-01-19"
    assert ex["same_day"] == {
        "exercises_that_day": 1,
        "shares_received": "7547",
        "sold": "7547",
        "sold_value": "414732.53",
        "withheld_for_tax": "0",
        "disposed_to_issuer": "0",
        "held": "0",
    }
    assert option["rows"][0]["price_per_share"] is None
    assert option["rows"][0]["footnotes"]["price_per_share"][0]["id"] == "F2"
    assert common["positions"] == [
        {
            "conversion_or_exercise_price": None,
            "expiration_date": None,
            "direct_or_indirect": "D",
            "nature_of_ownership": None,
            "nature_footnotes": [],
            "shares_owned_following": "57604",
            "value_owned_following": None,
            "as_of": "2007-05-11",
            "accession": HERZOG_ACC,
        }
    ]
    assert [p["shares_owned_following"] for p in common["timeline"][0]["points"]] == [
        "59361",
        "58561",
        "58461",
        "58161",
        "57604",
        "65151",
        "58751",
        "58651",
        "57751",
        "57604",
    ]
    assert data["consistency_breaks"] == 0


def test_herzog_csv(corpus_db: Path):
    text = show(corpus_db, "HERZOG", "--csv-records")
    recs = list(csv.DictReader(io.StringIO(text)))
    # Per security: its rows, then its summaries in the order shown.
    role = recs.pop(0)
    assert (role["record"], role["issuer_ticker"], role["rows"], role["first_date"]) == (
        "role",
        "AIV",
        "1",
        "2007-05-14",
    )
    assert role["roles"] == "Officer (Executive Vice President - CFO)"
    assert [r["record"] for r in recs] == ["row"] * 10 + [
        "sales",
        "exercise_shares_received",
        "position",
        "row",
        "exercise",
    ]
    sales = next(r for r in recs if r["record"] == "sales")
    assert (sales["rows"], sales["shares"], sales["value"]) == ("9", "14804", "806651.81")
    assert (sales["min_price"], sales["max_price"]) == ("54", "54.99")
    ex = next(r for r in recs if r["record"] == "exercise")
    assert ex["conversion_or_exercise_price"] == "33.95"
    assert ex["expiration_date"] == "2014-01-19"
    assert (ex["same_day_received"], ex["same_day_sold"], ex["same_day_held"]) == (
        "7547",
        "7547",
        "0",
    )
    pos = [r for r in recs if r["record"] == "position" and r["table"] == "I"]
    assert pos[0]["shares_owned_following"] == "57604"
    row0 = recs[0]
    assert (row0["date"], row0["code"], row0["shares"], row0["price_per_share"]) == (
        "2007-05-10",
        "S",
        "5500",
        "54",
    )
    assert row0["value"] == "297000"
    assert text.splitlines()[0].startswith("record,owner_cik,owner_name,issuer_cik")


def test_filters(corpus_db: Path):
    out = show(corpus_db, "HERZOG", "--since", "2007-05-11", "--code", "S")
    assert "Sales: 4 rows, 7,547 shares for $414,732.53" in out
    assert "Filters: since 2007-05-11; codes S" in out
    assert "2007-05-10 │" not in out
    out = show(corpus_db, "HERZOG", "--until", "2007-05-10")
    assert "Sales: 5 rows, 7,257 shares" in out
    assert "Exercise" not in out
    r = run("show", "HERZOG", "--db", str(corpus_db), "--since", "May 2007")
    assert r.returncode == 1 and "YYYY-MM-DD" in r.stderr
    out = show(corpus_db, "COOK", "--issuer", "AIV")
    assert "No transactions or holdings match." in out


# ----------------------------------------------------------------------------- corpus


def test_scarpelli_trust_lines_and_exercise(corpus_db: Path):
    data = json.loads(show(corpus_db, "scarpelli", "--json"))
    (iss,) = data["issuers"]
    common = next(s for s in iss["securities"] if s["table"] == "I")
    held = [(p["direct_or_indirect"], p["shares_owned_following"]) for p in common["positions"]]
    assert held == [
        ("D", "101097"),
        ("I", "577218"),
        ("I", "178947"),
        ("I", "9686"),
        ("I", "2755"),
        ("I", "9686"),
        ("I", "2755"),
        ("I", "9686"),
        ("I", "2755"),
    ]
    assert [p["nature_footnotes"][0]["id"] for p in common["positions"][1:]] == [
        f"F{i}" for i in range(8, 16)
    ]
    assert common["position_total_shares"] == "894585"
    assert common["sales"]["shares"] == "200000"
    assert common["sales"]["value"] == "30351309.77"
    # Holdings are never trades: they are rows of kind holding, outside every summary.
    assert sum(1 for r in common["rows"] if r["kind"] == "holding") == 8
    assert all(r["value"] is None for r in common["rows"] if r["kind"] == "holding")
    option = next(s for s in iss["securities"] if s["table"] == "II")
    (ex,) = option["exercises"]
    assert ex["same_day"]["sold"] == "200000" and ex["same_day"]["held"] == "0"
    out = show(corpus_db, "scarpelli")
    assert "  Held indirectly (Trust(9)): 178,947 shares as of 2022-12-13" in out
    assert "(9) The shares are held by the Scarpelli Family Trust" in out
    assert "│           │ holding " in out


def test_cook_rsu_withheld_for_tax(corpus_db: Path):
    data = json.loads(show(corpus_db, "cook timothy", "--json"))
    (iss,) = data["issuers"]
    rsu = next(s for s in iss["securities"] if s["table"] == "II")
    (ex,) = rsu["exercises"]
    assert ex["exercise_price"] is None
    assert ex["same_day"]["shares_received"] == "560000"
    assert ex["same_day"]["withheld_for_tax"] == "294840"
    assert ex["same_day"]["sold"] == "0"
    assert ex["same_day"]["held"] == "265160"
    common = next(s for s in iss["securities"] if s["table"] == "I")
    assert common["tax_withholdings"]["shares"] == "294840"
    assert common["sales"]["shares"] == str(129555 + 132113 + 3492)
    out = show(corpus_db, "cook timothy")
    assert "no exercise price" in out
    assert "294,840 withheld for tax, 265,160 held" in out


def test_joint_filing_company_owner(corpus_db: Path):
    for name, cik, kind in (
        ("berkshire", "0001067983", "company"),
        ("buffett", "0000315090", "person"),
    ):
        data = json.loads(show(corpus_db, name, "--json"))
        assert data["owner"]["cik"] == cik and data["owner"]["type"] == kind
        assert data["joint_filings"] == [
            {
                "accession": "0009999999-20-000002",
                "owners": [
                    {"cik": "0001067983", "name": "BERKSHIRE HATHAWAY INC"},
                    {"cik": "0000315090", "name": "BUFFETT WARREN E"},
                ],
            }
        ]
        (iss,) = data["issuers"]
        (sec,) = iss["securities"]
        (row,) = sec["rows"]
        assert row["kind"] == "holding" and row["joint_filing"] is True
        assert row["shares_owned_following"] == "6125376" and row["code"] is None
        assert sec["sales"] is None and sec["other_codes"] == {}
    out = show(corpus_db, "berkshire")
    assert "a company or other entity, not a natural person" in out
    assert "Joint filing 0009999999-20-000002 by BERKSHIRE HATHAWAY INC (0001067983)" in out
    assert "Held indirectly (See footnote(1)): 6,125,376 shares as of 2020-09-18" in out


def test_amendment_gift_lines(corpus_db: Path):
    data = json.loads(show(corpus_db, "ahmed", "--json"))
    (iss,) = data["issuers"]
    (sec,) = iss["securities"]
    assert [(r["form"], r["code"], r["acquired_disposed"]) for r in sec["rows"]] == [
        ("4/A", "G", "D"),
        ("4/A", "G", "A"),
    ]
    assert sec["gifts"]["rows"] == 2
    assert sec["gifts"]["shares_acquired"] == "3690"
    assert sec["gifts"]["shares_disposed"] == "3690"
    assert [(p["direct_or_indirect"], p["shares_owned_following"]) for p in sec["positions"]] == [
        ("D", "0"),
        ("I", "30630"),
    ]


def test_superseded_filing_rows_are_not_read(corpus_db: Path, tmp_path: Path):
    """An original replaced by its 4/A must not count twice (amendments are the trap): the
    hand-made LRCX original, linked to the real 4/A by the store itself."""

    from storehelp import LRCX_ORIG_META, save

    from insider.store import connect

    db_path = tmp_path / "amend.db"
    copy_db(corpus_db, db_path)
    db = connect(db_path)
    save(db, LRCX_ORIG_META)
    db.conn.close()
    data = json.loads(show(db_path, "ahmed", "--json"))
    sec = data["issuers"][0]["securities"][0]
    assert [r["accession"] for r in sec["rows"]] == ["0000707549-25-000004"] * 2
    assert sec["gifts"]["rows"] == 2


def test_holdings_only_amendment_keeps_original_trades(tmp_path: Path):
    """A 4/A that restates only holdings replaces the holdings part, never the trades:
    Herzog's 9 sales and his exercise stay in show and company."""
    from storehelp import HERZOG_4A_META, HERZOG_META, save

    from insider.store import connect

    db_path = tmp_path / "h.db"
    db = connect(db_path)
    save(db, HERZOG_META)
    save(db, HERZOG_4A_META)
    db.conn.close()
    out = show(db_path, "herzog")
    assert "Sales: 9 rows, 14,804 shares for $806,651.81" in out
    assert "7,547 Employee Stock Option (Right to Buy) at $33.95" in out
    assert "Held directly: 57,604 shares" in out
    data = json.loads(run("company", "AIV", "--db", str(db_path), "--json").stdout)
    (p,) = data["insiders"]
    assert (p["sold_shares"], p["sold_value"]) == ("14804", "806651.81")


def test_chain_break_shows_both_filings(corpus_db: Path):
    data = json.loads(show(corpus_db, "musk", "--json"))
    assert data["consistency_breaks"] == 1
    common = next(s for s in data["issuers"][0]["securities"] if s["table"] == "I")
    (b,) = common["consistency_breaks"]
    assert b["previous_accession"] == "0000899243-22-035394"
    assert b["accession"] == "0009999999-23-000001"
    assert (b["previous_owned"], b["shares"], b["expected_owned"], b["reported_owned"]) == (
        "445617432",
        "5250",
        "445622682",
        "411056826",
    )
    # One "by Trust" line although the two filings word the trust's footnote differently.
    assert len(common["positions"]) == 1
    assert common["positions"][0]["shares_owned_following"] == "411062076"
    out = show(corpus_db, "musk")
    assert (
        "Chain check: indirect (by Trust) line: 445,617,432 after 0000899243-22-035394 "
        "(2022-11-08) + 5,250 (M) = 445,622,682 expected, but 0009999999-23-000001 "
        "(2023-03-08) reports 411,056,826 (difference -34,565,856)"
    ) in out
    csv_recs = list(csv.DictReader(io.StringIO(show(corpus_db, "musk", "--csv-records"))))
    (brk,) = [r for r in csv_recs if r["record"] == "chain_break"]
    assert brk["expected_owned"] == "445622682" and brk["shares_owned_following"] == "411056826"


def test_no_match_and_several_matches(corpus_db: Path):
    r = run("show", "NOBODY", "--db", str(corpus_db))
    assert r.returncode == 1
    assert r.stderr.strip() == "insider: no reporting owner matches 'NOBODY' in this database"
    r = run("show", "E", "--db", str(corpus_db))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert "reporting owners match 'E'" in lines[0]
    assert "  0000315090  BUFFETT WARREN E  (SNOW)" in lines
    assert "  0001494730  Musk Elon  (TSLA)" in lines
    # A CIK always resolves.
    assert "BUFFETT WARREN E" in show(corpus_db, "315090")


def test_narrow_terminal_never_cuts_numbers(corpus_db: Path):
    from rich.console import Console

    from insider.render import render_owner
    from insider.report import owner_report
    from insider.store import connect

    rep = owner_report(connect(corpus_db), "musk")
    buf = io.StringIO()
    render_owner(rep, Console(file=buf, width=80, highlight=False, color_system=None))
    flat = buf.getvalue().replace("│", "").replace("\n", "").replace(" ", "")
    assert "…" not in buf.getvalue()
    for n in ("3,107,623", "$595,007,252.94", "445,617,432"):
        assert n.replace(" ", "") in flat


# ----------------------------------------------------------------------------- company


def test_company_aiv(corpus_db: Path):
    r = run("company", "AIV", "--db", str(corpus_db))
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("APARTMENT INVESTMENT & MANAGEMENT CO [AIV]  (CIK 0000922864)")
    line = next(x for x in out.splitlines() if x.startswith("│HERZOG THOMAS M"))
    cells = [c.strip() for c in line.split("│")]
    assert cells[1:12] == [
        "HERZOG THOMAS M",
        "0009999901",
        "Officer (Executive Vice President - CFO)",
        "1: 2007-05-14 to 2007-05-14",
        "0",
        "$0.00",
        "14,804",
        "$806,651.81",
        "-14,804",
        "-$806,651.81",
        "0",
    ]
    assert "Last 11 transactions (newest first)" in out
    assert "Cluster buys: none" in out
    # Every AIV row is now checked: the Herzog Form 4 was filed on time.
    assert "Late filers: none flagged\n" in out
    data = json.loads(run("company", "aiv", "--db", str(corpus_db), "--json").stdout)
    assert set(data) == {
        "issuer",
        "filters",
        "insiders",
        "last_transactions",
        "cluster_buys",
        "late_filings",
        "unknown_lateness_rows",
    }
    (p,) = data["insiders"]
    assert (p["sold_shares"], p["sold_value"], p["net_value"]) == (
        "14804",
        "806651.81",
        "-806651.81",
    )
    assert len(data["last_transactions"]) == 11
    assert data["last_transactions"][0]["owners"] == [
        {"cik": "0009999901", "name": "HERZOG THOMAS M"}
    ]
    recs = list(
        csv.DictReader(
            io.StringIO(run("company", "AIV", "--csv-records", "--db", str(corpus_db)).stdout)
        )
    )
    assert [r["record"] for r in recs].count("transaction") == 11
    assert recs[0]["record"] == "insider" and recs[0]["net_shares"] == "-14804"


def test_company_snow_joint_and_since(corpus_db: Path):
    data = json.loads(run("company", "SNOW", "--db", str(corpus_db), "--json").stdout)
    names = {p["owner_name"]: p for p in data["insiders"]}
    assert set(names) >= {"BERKSHIRE HATHAWAY INC", "BUFFETT WARREN E", "Scarpelli Michael"}
    assert names["BERKSHIRE HATHAWAY INC"]["owner_type"] == "company"
    assert names["Scarpelli Michael"]["net_shares"] == "-200000"
    data = json.loads(
        run("company", "SNOW", "--since", "2022-01-01", "--db", str(corpus_db), "--json").stdout
    )
    # McMahon's Form 5 (period 2022-01-31) reports holdings inside the window; his gift of
    # 2021-12-23 is outside it, so his net open-market figure stays zero.
    insiders = {p["owner_name"]: p for p in data["insiders"]}
    assert sorted(insiders) == ["McMahon John Dennis", "Scarpelli Michael"]
    assert insiders["McMahon John Dennis"]["net_shares"] == "0"
    r = run("company", "NOPE", "--db", str(corpus_db))
    assert r.returncode == 1 and "no issuer 'NOPE'" in r.stderr


def _add_buy(db, acc: str, owner: tuple[str, str], day: str, shares: int, late: int | None):
    from decimal import Decimal

    from insider.models import Filing, Issuer, ReportingOwner, Row
    from insider.store import FilingMeta, save_filing

    row = Row(
        table="non_derivative",
        kind="transaction",
        security_title="Class A Common Stock",
        transaction_date=day,
        code="P",
        shares=Decimal(shares),
        price_per_share=Decimal("50.25"),
        acquired_disposed="A",
        shares_owned_following=Decimal(shares),
        direct_or_indirect="D",
    )
    f = Filing(
        "4", "X0508", day, None, None, False, None, None, None, None,
        Issuer("0000922864", "APARTMENT INVESTMENT & MANAGEMENT CO", "AIV"),
        (ReportingOwner(owner[0], owner[1], is_director=True),),
        (row,), (), (), (), {}, (),
    )  # fmt: skip
    save_filing(db, f, FilingMeta(acc, day), b"<synthetic/>")
    if late is not None:
        db.execute("UPDATE ownership_rows SET late = ? WHERE accession = ?", (late, acc))


def test_company_cluster_buys_and_late(corpus_db: Path, tmp_path: Path):

    from insider.store import connect

    path = tmp_path / "c.db"
    copy_db(corpus_db, path)
    db = connect(path)
    _add_buy(db, "0000000001-20-000001", ("0000000001", "ALPHA ANN"), "2020-03-02", 100, 0)
    _add_buy(db, "0000000002-20-000001", ("0000000002", "BETA BOB"), "2020-03-05", 200, 1)
    _add_buy(db, "0000000003-20-000001", ("0000000003", "GAMMA GUS"), "2020-03-11", 300, None)
    # Outside the 10 days of the first buy, and only two buyers in any later window.
    _add_buy(db, "0000000004-20-000001", ("0000000004", "DELTA DI"), "2020-03-25", 400, None)
    db.conn.close()
    data = json.loads(run("company", "AIV", "--db", str(path), "--json").stdout)
    (c,) = data["cluster_buys"]
    assert (c["first_date"], c["last_date"], c["distinct_buyers"]) == (
        "2020-03-02",
        "2020-03-11",
        3,
    )
    assert c["shares"] == "600" and c["value"] == "30150"
    (late,) = data["late_filings"]
    assert late["owners"][0]["name"] == "BETA BOB" and late["late"] is True
    out = run("company", "AIV", "--db", str(path)).stdout
    assert "2020-03-02 to 2020-03-11: 3 buyers, 3 rows, 600 shares for $30,150.00" in out
    assert "Late filers (rows flagged late)" in out
    con = sqlite3.connect(path)
    assert con.execute("SELECT count(*) FROM ownership_rows WHERE late = 1").fetchone()[0] == 1


def test_cluster_counts_a_person_once_across_solo_and_joint_filings():
    """Alice alone and Alice with her LLC are one insider: with Bob that is two buyers,
    not a three-insider cluster. A buy dated as filed with no real date is left out."""
    from insider.company import cluster_buys

    def buy(acc: str, day: str) -> dict:
        return {
            "kind": "transaction", "form_table": "I", "code": "P", "transaction_date": day,
            "accession": acc, "shares": Decimal(10), "price_per_share": Decimal(1),
            "total_value": None,
        }  # fmt: skip

    alice = {"cik": "1", "name": "Alice"}
    llc = {"cik": "2", "name": "Alice Family LLC"}
    bob = {"cik": "3", "name": "Bob"}
    rows = [buy("a1", "2020-03-02"), buy("a2", "2020-03-03"), buy("b1", "2020-03-05")]
    owners = {"a1": [alice], "a2": [alice, llc], "b1": [bob]}
    assert cluster_buys(rows, owners) == []
    carol = {"cik": "4", "name": "Carol"}
    rows += [buy("c1", "2020-03-06"), buy("x1", "2020-02-30")]
    owners.update({"c1": [carol], "x1": [{"cik": "5", "name": "Xavier"}]})
    (c,) = cluster_buys(rows, owners)
    assert c["distinct_buyers"] == 3 and c["rows"] == 4


# ----------------------------------------------------------------------------- contracts

ROW_KEYS = [
    "accession", "form", "filing_date", "kind", "transaction_date", "deemed_execution_date",
    "code", "shares", "price_per_share", "total_value", "acquired_disposed",
    "shares_owned_following", "value_owned_following", "direct_or_indirect",
    "nature_of_ownership", "conversion_or_exercise_price", "exercise_date",
    "expiration_date", "underlying_security_title", "underlying_shares", "underlying_value",
    "timeliness", "equity_swap_involved", "code_meaning", "value", "plan_10b5_1", "late",
    "joint_filing", "footnotes", "filing_url", "price_range_low", "price_range_high", "source",
]  # fmt: skip
LINE_KEYS = [
    "conversion_or_exercise_price", "expiration_date", "direct_or_indirect",
    "nature_of_ownership", "nature_footnotes",
]  # fmt: skip


def test_json_keys_are_the_documented_ones(corpus_db: Path):
    """The README's "Output formats" section lists these keys in this order."""
    d = json.loads(show(corpus_db, "musk", "--json"))
    assert list(d) == [
        "owner", "filters", "roles", "joint_filings", "issuers", "consistency_breaks",
        "filings_without_rows",
    ]  # fmt: skip
    common, option = d["issuers"][0]["securities"]
    assert list(common) == [
        "security_title", "table", "rows", "sales", "purchases", "exercises",
        "exercise_shares_received", "grants", "tax_withholdings", "gifts", "other_codes",
        "positions", "position_total_shares", "timeline", "consistency_breaks",
    ]  # fmt: skip
    assert list(common["rows"][0]) == ROW_KEYS
    assert list(common["sales"]) == [
        "rows", "shares", "value", "weighted_average_price", "min_price", "max_price",
        "first_date", "last_date", "unpriced_rows",
    ]  # fmt: skip
    assert list(common["exercise_shares_received"]) == [
        "rows", "shares", "shares_acquired", "shares_disposed", "value", "first_date",
        "last_date",
    ]  # fmt: skip
    assert list(common["positions"][0]) == [
        *LINE_KEYS, "shares_owned_following", "value_owned_following", "as_of", "accession"
    ]  # fmt: skip
    assert list(common["timeline"][0]) == [*LINE_KEYS, "points"]
    assert list(common["consistency_breaks"][0]) == [
        "issuer_cik", "issuer_ticker", "security_title", "table", *LINE_KEYS,
        "previous_accession", "previous_date", "previous_owned", "accession", "date", "kind",
        "code", "shares", "acquired_disposed", "expected_owned", "reported_owned",
        "difference",
    ]  # fmt: skip
    # Two grants of one option title: one section, two ownership lines (price, expiry).
    assert [
        (p["conversion_or_exercise_price"], p["expiration_date"]) for p in option["positions"]
    ] == [
        ("2.79", "2023-04-08"),
        ("6.67", "2023-06-10"),
    ]
    ex = option["exercises"][0]
    assert list(ex) == [
        "date", "code", "code_meaning", "shares", "total_value", "exercise_price",
        "exercise_date", "expiration_date", "underlying_security_title", "underlying_shares",
        "accession", "same_day",
    ]  # fmt: skip
    assert list(ex["same_day"]) == [
        "exercises_that_day", "shares_received", "sold", "sold_value", "withheld_for_tax",
        "disposed_to_issuer", "held",
    ]  # fmt: skip
    c = json.loads(run("company", "TSLA", "--json", "--db", str(corpus_db)).stdout)
    assert list(c["insiders"][0]) == [
        "owner_cik", "owner_name", "owner_type", "roles", "first_filing", "last_filing",
        "filings", "purchases", "purchased_shares", "purchased_value", "sales", "sold_shares",
        "sold_value", "net_shares", "net_value", "late_rows",
    ]  # fmt: skip
    assert list(c["last_transactions"][0]) == ["owners", "security_title", "table", *ROW_KEYS]


def test_json_no_footnotes(corpus_db: Path):
    text = show(corpus_db, "scarpelli", "--json", "--no-footnotes")
    assert '"footnotes"' not in text and '"nature_footnotes"' not in text
    assert "Fintail" not in text
    recs = list(
        csv.DictReader(io.StringIO(show(corpus_db, "scarpelli", "--csv-records", "--no-footnotes")))
    )
    assert all(r["footnotes"] == "" for r in recs)


def test_owner_with_a_filing_but_no_rows(tmp_path: Path):
    from insider.parse import parse_ownership
    from insider.store import FilingMeta, connect, save_filing

    path = tmp_path / "e.db"
    db = connect(path)
    raw = (
        Path(__file__).parent.parent / "fixtures/corpus/sunpower-form3-no-securities.xml"
    ).read_bytes()
    save_filing(db, parse_ownership(raw), FilingMeta("0009999997-22-000001", "2022-01-07"), raw)
    db.conn.close()
    out = show(path, "hegde")
    assert "SUNPOWER CORP [SPWR]: Director  (1 filing, 2022-01-07 to 2022-01-07)" in out
    assert (
        "Form 3 0009999997-22-000001 (SPWR, filed 2022-01-07) reports no securities owned." in out
    )
    assert "No transactions or holdings match." in out
    d = json.loads(show(path, "hegde", "--json"))
    assert d["filings_without_rows"][0]["no_securities_owned"] is True


def test_plot_png(corpus_db: Path, tmp_path: Path):
    png = tmp_path / "musk.png"
    show(corpus_db, "musk", "--plot", str(png))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_derivative_total_value_without_shares(tmp_path: Path):
    """A Table II row that gives a total value and no share count is shown by its value,
    never as a number of shares, and no exercise price is shown as a price."""
    from decimal import Decimal

    from insider.models import Filing, Issuer, ReportingOwner, Row
    from insider.store import FilingMeta, connect, save_filing

    path = tmp_path / "v.db"
    db = connect(path)
    row = Row(
        table="derivative",
        kind="transaction",
        security_title="Convertible Note",
        transaction_date="2021-06-01",
        code="C",
        total_value=Decimal("2500000"),
        acquired_disposed="D",
        value_owned_following=Decimal("0"),
        direct_or_indirect="D",
        conversion_or_exercise_price=Decimal("12.50"),
        underlying_security_title="Common Stock",
        underlying_shares=Decimal("200000"),
    )
    f = Filing(
        "4", "X0508", "2021-06-01", None, None, False, None, None, None, None,
        Issuer("0000000099", "NOTE ISSUER INC", "NOTE"),
        (ReportingOwner("0000000098", "LENDER FUND LP", is_ten_percent_owner=True),),
        (), (), (row,), (), {}, (),
    )  # fmt: skip
    save_filing(db, f, FilingMeta("0000000098-21-000001", "2021-06-02"), b"<x/>")
    db.conn.close()
    out = show(path, "lender")
    assert "a company or other entity, not a natural person" in out
    line = next(x for x in out.splitlines() if x.startswith("│2021-06-01"))
    cells = [c.strip() for c in line.split("│")]
    assert cells[3] == "" and cells[4] == "" and cells[5] == "$2,500,000.00"
    assert cells[12] == "$12.50"
    assert "Convertible Note worth $2,500,000.00 (no share count) at $12.50" in out
    d = json.loads(show(path, "lender", "--json"))
    (r,) = d["issuers"][0]["securities"][0]["rows"]
    assert (r["shares"], r["price_per_share"], r["value"]) == (None, None, "2500000")


def test_every_footnote_has_a_marker(corpus_db: Path):
    """Williams (AAPL 2019-05-02) footnotes the security title of each row (F1, a 10b5-1
    plan) and each price (F2-F6): the title's marker sits beside the title, each price's
    beside its price, and no footnote text is listed without a marker in the output."""
    out = show(corpus_db, "williams")
    assert "Apple Inc. [AAPL] - Common Stock(1) (Table I)" in out
    assert "$208.99(2)" in out and "$212.46(6)" in out
    assert "(1) This transaction was made pursuant to a Rule 10b5-1 trading plan" in out
    for label in range(1, 7):
        assert f"({label})" in out.split("  Footnotes")[0]


def test_csv_headers_are_the_documented_ones(corpus_db: Path):
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for cmd, arg in (("show", "HERZOG"), ("company", "AIV")):
        header = run(cmd, arg, "--csv", "--db", str(corpus_db)).stdout.splitlines()[0]
        start = readme.index(f"`insider {cmd} --csv` columns: `") + len(
            f"`insider {cmd} --csv` columns: `"
        )
        documented = readme[start : readme.index("`", start)]
        assert header == ",".join(c.strip() for c in documented.split(","))


def test_company_code_and_last_filters(corpus_db: Path):
    data = json.loads(
        run("company", "AIV", "--code", "M", "--last", "5", "--json", "--db", str(corpus_db)).stdout
    )
    assert [(r["code"], r["table"]) for r in data["last_transactions"]] == [
        ("M", "II"),
        ("M", "I"),
    ]
    assert data["filters"]["codes"] == ["M"]
    data = json.loads(run("company", "AIV", "--last", "2", "--json", "--db", str(corpus_db)).stdout)
    assert [r["shares"] for r in data["last_transactions"]] == ["7547", "147"]


def test_show_issuer_filter(corpus_db: Path):
    data = json.loads(show(corpus_db, "HERZOG", "--issuer", "aiv", "--json"))
    assert data["filters"]["issuer"] == "aiv" and len(data["issuers"]) == 1
    data = json.loads(show(corpus_db, "HERZOG", "--issuer", "922864", "--json"))
    assert len(data["issuers"]) == 1
    data = json.loads(show(corpus_db, "HERZOG", "--issuer", "TSLA", "--json"))
    assert data["issuers"] == []


def test_plot_bad_path_or_format_is_one_line(corpus_db: Path, tmp_path: Path):
    for target in (tmp_path / "no" / "such" / "dir.png", tmp_path / "x.pdq"):
        r = run("show", "musk", "--db", str(corpus_db), "--plot", str(target))
        assert r.returncode == 1
        assert "Traceback" not in r.stderr and r.stderr.startswith("insider: --plot ")
        assert r.stderr.strip().count("\n") == 0


def test_filters_that_can_match_nothing_are_errors(corpus_db: Path):
    for args, says in (
        (("show", "COOK", "--since", "2020", "--until", "2019"), "is after --until"),
        (("show", "COOK", "--code", "S,Q"), "--code Q: not a transaction code"),
        (("company", "SNOW", "--last", "-1"), "--last -1"),
    ):
        r = run(*args, "--db", str(corpus_db))
        assert r.returncode == 1 and says in r.stderr, (args, r.stderr)
        assert r.stderr.strip().count("\n") == 0


def test_code_filter_never_hides_a_chain_break(corpus_db: Path):
    """The Musk break sits at an M row; showing only sales must still report it."""
    for code in ("S", "M"):
        data = json.loads(show(corpus_db, "musk", "--json", "--code", code))
        assert data["consistency_breaks"] == 1


def test_title_spelled_another_way_is_the_same_security(tmp_path: Path):
    """A later filing writes "Class A common stock": one section and one direct line for
    Herzog's common stock, not two that both say 57,604."""
    from conftest import FIXTURES
    from storehelp import HERZOG_META, save

    from insider.parse import parse_ownership
    from insider.store import FilingMeta, connect, save_filing

    raw = (FIXTURES / "handmade" / "aiv-herzog-form4a-holdings-only.xml").read_bytes()
    raw = (
        raw.replace(b"<value>Class A Common Stock</value>", b"<value>Class A common  stock</value>")
        .replace(b"<value>1200</value>", b"<value>57604</value>")
        .replace(b"<value>I</value>", b"<value>D</value>")
        .replace(b"<value>By 401(k) plan</value>", b"<value></value>")
    )
    db_path = tmp_path / "t.db"
    db = connect(db_path)
    save(db, HERZOG_META)
    save_filing(db, parse_ownership(raw), FilingMeta("0009999901-07-000003", "2007-06-01"), raw)
    db.conn.close()
    data = json.loads(show(db_path, "herzog", "--json"))
    common = [s for s in data["issuers"][0]["securities"] if s["table"] == "I"]
    assert len(common) == 1
    assert [(p["direct_or_indirect"], p["shares_owned_following"]) for p in
            common[0]["positions"]] == [("D", "57604")]  # fmt: skip
    assert common[0]["consistency_breaks"] == []
