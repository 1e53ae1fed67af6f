"""Report building blocks on hand-made rows: the chain check, lines, sparkline, markers."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from insider.chains import assign_lines, chain_breaks
from insider.cli import check_date
from insider.lookup import owner_type
from insider.timeline import sample, sparkline


def _row(acc: str, n: int, after: int | None, shares: int | None, ad: str | None, **kw):
    r = {
        "accession": acc,
        "row_num": n,
        "issuer_cik": "1",
        "issuer_ticker": "X",
        "form_table": "I",
        "security_title": "Common",
        "kind": "transaction" if shares is not None else "holding",
        "code": "S" if ad == "D" else ("P" if ad == "A" else None),
        "shares": None if shares is None else Decimal(shares),
        "acquired_disposed": ad,
        "shares_owned_following": None if after is None else Decimal(after),
        "direct_or_indirect": "D",
        "nature_of_ownership": None,
        "conversion_or_exercise_price": None,
        "expiration_date": None,
        "date": f"2020-01-{n + 1:02d}",
        "footnotes": {},
    }
    r.update(kw)
    return r


def test_chain_consistent_and_break():
    rows = [
        _row("a", 0, 1000, None, None),
        _row("a", 1, 900, 100, "D"),
        _row("b", 2, 950, 50, "A"),
        _row("c", 3, 700, 100, "D"),  # expected 850
        _row("c", 4, 700, None, None),  # a holding repeating the amount: fine
    ]
    assign_lines(rows)
    (b,) = chain_breaks(rows)
    assert (b["previous_accession"], b["accession"]) == ("b", "c")
    assert (b["expected_owned"], b["reported_owned"], b["difference"]) == (850, 700, -150)


def test_lines_apart_direct_indirect_and_trusts():
    t1 = {"nature_of_ownership": [("F1", "Trust one")]}
    t2 = {"nature_of_ownership": [("F2", "Trust two")]}
    rows = [
        _row("a", 0, 100, 10, "D"),
        _row("a", 1, 500, None, None, direct_or_indirect="I", nature_of_ownership="Trust",
             footnotes=t1),
        _row("a", 2, 700, None, None, direct_or_indirect="I", nature_of_ownership="Trust",
             footnotes=t2),
        # Next filing words trust one the same way: same line, and its chain holds.
        _row("b", 3, 400, 100, "D", direct_or_indirect="I", nature_of_ownership="Trust",
             footnotes=t1),
    ]  # fmt: skip
    assign_lines(rows)
    assert len({r["line"] for r in rows}) == 3
    assert rows[1]["line"] == rows[3]["line"]
    assert chain_breaks(rows) == []


@given(st.lists(st.tuples(st.integers(1, 10_000), st.booleans()), min_size=1, max_size=40))
def test_chain_of_consistent_rows_never_breaks(moves):
    held = 50_000
    rows = [_row("f0", 0, held, None, None)]
    for i, (n, buy) in enumerate(moves, 1):
        held += n if buy else -n
        rows.append(_row(f"f{i // 3}", i, held, n, "A" if buy else "D"))
    assign_lines(rows)
    assert chain_breaks(rows) == []
    rows[-1]["shares_owned_following"] += 1
    assert len(chain_breaks(rows)) == 1


def test_sparkline_and_sample():
    assert sparkline([Decimal(1), Decimal(5), Decimal(9)]) == "▁▄█"
    assert sparkline([Decimal(3), Decimal(0), Decimal(3)]) == "█ █"  # sold out: a gap
    assert sparkline([Decimal(7), Decimal(7)]) == "▄▄"
    pts = [{"date": str(i), "shares_owned_following": Decimal(i)} for i in range(1000)]
    s = sample(pts, 60)
    assert len(s) == 60 and s[-1] is pts[-1]


def test_owner_type_and_dates():
    assert owner_type("BERKSHIRE HATHAWAY INC") == "company"
    assert owner_type("Sohail Family Trust") == "trust"
    assert owner_type("HERZOG THOMAS M") == "person"
    assert check_date("2020", "--since") == "2020-01-01"
    assert check_date("2020", "--until") == "2020-12-31"


def test_markers_beside_date_shares_and_price(tmp_path: Path):
    from rich.console import Console

    from insider.models import Filing, Issuer, ReportingOwner, Row
    from insider.render import render_owner
    from insider.report import owner_report
    from insider.store import FilingMeta, connect, save_filing

    row = Row(
        table="non_derivative",
        kind="transaction",
        security_title="Common Stock",
        transaction_date="2024-02-01",
        code="S",
        shares=Decimal("1234"),
        price_per_share=Decimal("10.5"),
        acquired_disposed="D",
        shares_owned_following=Decimal("8766"),
        direct_or_indirect="D",
        footnotes={"transaction_date": ("F1",), "shares": ("F2",), "price_per_share": ("F3",)},
    )
    f = Filing(
        "4", "X0508", "2024-02-01", None, None, False, None, None, True, None,
        Issuer("0000000077", "MARK CO", "MRK"),
        (ReportingOwner("0000000076", "DOE JANE", is_director=True),),
        (row,), (), (), (), {"F1": "Date note.", "F2": "Shares note.", "F3": "Price note."}, (),
    )  # fmt: skip
    db = connect(tmp_path / "m.db")
    save_filing(db, f, FilingMeta("0000000076-24-000001", "2024-02-05"), b"<x/>")
    db.execute("UPDATE ownership_rows SET plan_10b5_1 = 1, late = 1")
    rep = owner_report(db, "doe")
    buf = io.StringIO()
    render_owner(rep, Console(file=buf, width=300, color_system=None, highlight=False))
    out = buf.getvalue()
    line = next(x for x in out.splitlines() if x.startswith("│2024-02-01"))
    cells = [c.strip() for c in line.split("│")]
    assert cells[1:5] == ["2024-02-01(1)", "S sale", "1,234(2)", "$10.50(3)"]
    assert cells[9:11] == ["y", "y"]  # 10b5-1 and late flags as filled by the store
    assert "(3) Price note.  [0000000076-24-000001]" in out
    buf = io.StringIO()
    render_owner(rep, Console(file=buf, width=300, color_system=None), footnotes=False)
    assert "(1)" not in buf.getvalue() and "Price note" not in buf.getvalue()
    from insider.render import dumps

    row_json = json.loads(dumps(rep))["issuers"][0]["securities"][0]["rows"][0]
    assert row_json["plan_10b5_1"] is True and row_json["late"] is True
    assert row_json["footnotes"]["shares"] == [{"id": "F2", "text": "Shares note."}]


def test_chain_follows_the_filed_order_of_rows():
    """A filer lists a 2020-01-09 sale before a 2020-01-02 one and computes "owned after"
    down the form: no break, whatever the dates say."""
    rows = [
        _row("a", 0, 900, 100, "D", date="2020-01-09", period_of_report="2020-01-02"),
        _row("a", 1, 850, 50, "D", date="2020-01-02", period_of_report="2020-01-02"),
        _row("b", 0, 800, 50, "D", date="2020-02-01", period_of_report="2020-02-01"),
    ]
    rows.sort(key=lambda r: r["date"])  # the order the report shows them in
    rows.insert(0, _row("z", 0, 1000, None, None, date="2019-12-01"))
    assign_lines(rows)
    assert chain_breaks(rows) == []
