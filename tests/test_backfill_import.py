"""The data-set bulk path (insider.backfill.import_zip) against hand-written and real rows.

Expected values are read from the fixture rows (fixtures/datasets/) and, for Herzog, from
the README's figures of the founding Form 4; none is produced by the code under test."""

from __future__ import annotations

import hashlib

import pytest
from datasethelp import (
    AMEND_ACC,
    FORM3_ACC,
    FORM5_ACC,
    HANDMADE_Q,
    HERZOG_ACC,
    JOINT_ACC,
    SAMPLE_Q,
    make_zip,
)

from insider import lookup, store
from insider.backfill import import_zip


@pytest.fixture
def handmade(tmp_path):
    z = make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip")
    db = store.connect(tmp_path / "insider.db")
    result = import_zip(db, z)
    return db, result, z


def q(db, sql, *args):
    return db.execute(sql, args).fetchall()


def test_every_table_gets_the_rows(handmade):
    db, result, z = handmade
    assert (result.quarter, result.filings, result.skipped) == ("2007q2", 5, 0)
    # rows: Herzog 10 + 1, joint Form 4: 2 + 1 holding, 4/A: 1, Form 5: 2 holdings
    assert result.rows == 17
    assert q(db, "SELECT count(*) FROM ownership_rows") == [(17,)]
    assert q(db, "SELECT count(*) FROM filing_owners") == [(7,)]
    assert q(db, "SELECT count(*) FROM footnotes") == [(7,)]
    assert q(db, "SELECT count(*) FROM signatures") == [(6,)]
    sha = hashlib.sha256(z.read_bytes()).hexdigest()
    assert q(db, "SELECT DISTINCT source, source_sha256, raw_xml FROM filings") == [
        ("dataset:2007q2", sha, b"")
    ]
    assert q(db, "SELECT quarter, sha256, filings, skipped, rows FROM dataset_quarters") == [
        ("2007q2", sha, 5, 0, 17)
    ]
    assert q(db, "PRAGMA integrity_check") == [("ok",)]
    assert q(db, "PRAGMA foreign_key_check") == []


def test_herzog_from_the_data_set_answers_like_the_readme(handmade):
    db, *_ = handmade
    # README: 9 sales of 14,804 shares for $806,651.81 ($54.00 to $54.99)
    assert q(
        db,
        "SELECT count(*), sum(shares), round(sum(value), 2), min(price_per_share), "
        "max(price_per_share) FROM sales WHERE owner_cik = '0009999901'",
    ) == [(9, 14804, 806651.81, 54, 54.99)]
    # 1 exercise of 7,547 options at $33.95 expiring 2014-01-19
    assert q(
        db,
        "SELECT shares, conversion_or_exercise_price, expiration_date, source "
        "FROM option_exercises WHERE accession = ?",
        HERZOG_ACC,
    ) == [(7547, 33.95, "2014-01-19", "dataset:2007q2")]
    # 57,604 shares held directly afterwards
    assert q(
        db,
        "SELECT shares_owned_following FROM holdings_latest WHERE owner_cik = '0009999901' "
        "AND form_table = 'I'",
    ) == [(57604,)]
    # rows in SK order (the file lists them backwards): first the 5,500 at $54
    assert q(
        db,
        "SELECT row_num, shares, price_per_share FROM ownership_rows WHERE accession = ? "
        "AND row_num = 0",
        HERZOG_ACC,
    ) == [(0, 5500, 54)]
    # footnotes on the fields of the same name: F1 on the date exercisable (EXCERCISE_DATE
    # [sic] header), F2 on the option's price
    assert q(
        db,
        "SELECT field, footnote_id FROM field_footnotes WHERE accession = ? ORDER BY field",
        HERZOG_ACC,
    ) == [("exercise_date", "F1"), ("price_per_share", "F2")]
    assert q(db, "SELECT roles, officer_title, street2 FROM filing_owners WHERE accession = ?",
             HERZOG_ACC) == [("Officer (Executive Vice President - CFO)",
                              "Executive Vice President - CFO", "SUITE 1100")]  # fmt: skip
    assert lookup.find_owner_ciks(db, "herzog") == ["0009999901"]


def test_joint_filing_amendment_flags_and_quoting(handmade):
    db, *_ = handmade
    # the 4/A (DATE_OF_ORIG_SUB 04-JUN-2007) amends the joint Form 4 filed that day
    assert q(db, "SELECT amends_accession FROM filings WHERE accession = ?", AMEND_ACC) == [
        (JOINT_ACC,)
    ]
    assert q(db, "SELECT superseded_by FROM filings WHERE accession = ?", JOINT_ACC) == [
        (AMEND_ACC,)
    ]
    # its Table I transactions replace the original's; the original's holding stays
    assert q(
        db,
        "SELECT accession, code, shares, price_per_share, owner_cik FROM transactions "
        "WHERE issuer_cik = '0009999810'",
    ) == [(AMEND_ACC, "P", 1000, 12.55, "0009999811; 0009999812")]
    assert q(
        db,
        "SELECT accession, shares_owned_following, nature_of_ownership FROM holdings_latest "
        "WHERE issuer_cik = '0009999810' AND direct_or_indirect = 'I'",
    ) == [(JOINT_ACC, 5000, 'By the "Smith" Trust')]
    # late: a 4/A is judged by the original's date (04-JUN-2007); trade 25-MAY-2007 (a
    # Friday, Memorial Day on the 28th) was due 2007-05-30
    assert q(
        db, "SELECT late, due_date, late_source FROM ownership_rows WHERE accession = ?",
        AMEND_ACC,
    ) == [(1, "2007-05-30", "deadline")]  # fmt: skip
    # the original's S row: marked L and after the deadline; its F1 mentions a 10b5-1 plan
    assert q(
        db,
        "SELECT row_num, late_source, plan_10b5_1, plan_10b5_1_source, equity_swap_involved "
        "FROM ownership_rows WHERE accession = ? AND kind = 'transaction' ORDER BY row_num",
        JOINT_ACC,
    ) == [(0, "deadline", 1, "footnote", 0), (1, "timeliness+deadline", 1, "footnote", 0)]
    # "F1, F2" on the price: two links; the equity-swap footnote column lands on `code`
    assert q(
        db,
        "SELECT field, footnote_id, position FROM field_footnotes WHERE accession = ? "
        "AND row_num = 1 ORDER BY field, position",
        JOINT_ACC,
    ) == [("code", "F4", 0), ("price_per_share", "F1", 0), ("price_per_share", "F2", 1)]
    assert q(db, "SELECT remarks FROM filings WHERE accession = ?", JOINT_ACC) == [
        ('Filed jointly; the "Smith" trust is a 10% owner.',)
    ]
    assert q(
        db, "SELECT owner_cik, roles FROM filing_owners WHERE accession = ? ORDER BY position",
        JOINT_ACC,
    ) == [("0009999811", "Director; Officer (Chief Executive Officer)"),
          ("0009999812", "10% Owner")]  # fmt: skip


def test_junk_tickers_padded_ciks_and_booleans(handmade):
    db, *_ = handmade
    # NONE, N/A and (HWID) are never a ticker; 'hwid' (Form 3) is, upper-cased
    assert q(db, "SELECT accession, issuer_ticker FROM filings WHERE issuer_cik = '0009999810' "
             "ORDER BY accession") == [(JOINT_ACC, None), (AMEND_ACC, None), (FORM3_ACC, "HWID"),
                                       (FORM5_ACC, None)]  # fmt: skip
    assert q(db, "SELECT ticker, name FROM issuers WHERE cik = '0009999810'") == [
        ("HWID", "HANDMADE WIDGETS INC")
    ]
    # CIKs written 9999810 / 9999813 are stored as 10 digits
    assert q(db, "SELECT issuer_cik, no_securities_owned, owner_roles FROM filings "
             "WHERE accession = ?", FORM3_ACC) == [("0009999810", 1, "Officer (CFO)")]  # fmt: skip
    # 'true' / '0' / 'true' booleans of the Form 5, FORM3_HOLDING_REPORTED header variant
    assert q(
        db,
        "SELECT not_subject_to_section16, form3_holdings_reported, form4_transactions_reported,"
        " aff10b5one, owner_roles FROM filings WHERE accession = ?",
        FORM5_ACC,
    ) == [(1, 0, 1, None, "Director; Officer (Chief Executive Officer)")]
    assert q(
        db,
        "SELECT form_table, kind, conversion_or_exercise_price, exercise_date, expiration_date,"
        " underlying_shares FROM ownership_rows WHERE accession = ? AND form_table = 'II'",
        FORM5_ACC,
    ) == [("II", "holding", 9.75, "2008-01-01", "2016-12-31", 40000)]


def test_reimport_replaces_the_quarter_and_changes_nothing(handmade, tmp_path):
    db, first, z = handmade
    dump = "SELECT * FROM ownership_rows ORDER BY accession, row_num"
    before = q(db, dump)
    again = import_zip(db, z)
    assert (again.filings, again.replaced, again.skipped) == (5, 5, 0)
    assert q(db, dump) == before
    assert q(db, "SELECT count(*) FROM filings") == [(5,)]
    assert q(db, "SELECT count(*) FROM owners") == [(4,)]  # Herzog, Smith, the trust, Doe


def test_xml_first_is_kept_and_the_data_set_copy_skipped(tmp_path):
    from storehelp import HERZOG_META, save

    db = store.connect(tmp_path / "insider.db")
    save(db, HERZOG_META)
    result = import_zip(db, make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip"))
    assert (result.filings, result.skipped) == (4, 1)
    assert q(db, "SELECT source, length(raw_xml) > 0 FROM filings WHERE accession = ?",
             HERZOG_ACC) == [("xml", 1)]  # fmt: skip
    assert q(db, "SELECT count(*), sum(shares) FROM sales WHERE owner_cik = '0009999901'") == [
        (9, 14804)
    ]


def test_real_sample_rows(tmp_path):
    db = store.connect(tmp_path / "insider.db")
    r = import_zip(db, make_zip(SAMPLE_Q, tmp_path / "x" / "2024q3_form345.zip"))
    # 76 accessions; 76 + 79 + 30 rows of DERIV_TRANS, NONDERIV_HOLDING, DERIV_HOLDING
    assert (r.filings, r.rows) == (76, 76 + 79 + 30)
    assert q(db, "SELECT count(*) FROM signatures") == [(102,)]
    # AMD 0000002488-24-000111: two RSU rows, SK 2531652 (11,848) before 2531653 (18,642)
    assert q(
        db,
        "SELECT row_num, shares, price_per_share, shares_owned_following, code FROM "
        "ownership_rows WHERE accession = '0000002488-24-000111' AND form_table = 'II' "
        "ORDER BY row_num",
    ) == [(1, 11848, 0, 11849, "M"), (2, 18642, 0, 0, "M")]
    assert q(
        db,
        "SELECT row_num, field, footnote_id FROM field_footnotes WHERE "
        "accession = '0000002488-24-000111' ORDER BY row_num, field",
    ) == [
        (1, "conversion_or_exercise_price", "F2"),
        (1, "exercise_date", "F3"),
        (1, "expiration_date", "F3"),
        (2, "conversion_or_exercise_price", "F2"),
        (2, "exercise_date", "F4"),
        (2, "expiration_date", "F4"),
    ]
    assert q(db, "SELECT security_title, shares_owned_following, nature_of_ownership FROM "
             "ownership_rows WHERE accession = '0000002488-24-000111' AND row_num = 0") == [
        ("Common Stock", 251590, "Trust")]  # fmt: skip
    # CSV-quoted remarks with doubled quotes
    (remarks,) = q(db, "SELECT remarks FROM filings WHERE accession = '0000892553-24-000148'")[0]
    assert remarks.startswith("Depositary Shares each representing 1/20th")
    assert 'greater than the "threshold appreciation price," then' in remarks
    # dates DD-MON-YYYY -> ISO; the call option (F1 on its title) of 0000014272-24-000125
    assert q(
        db,
        "SELECT f.filing_date, r.exercise_date, r.expiration_date, r.conversion_or_exercise_price"
        " FROM ownership_rows r JOIN filings f USING (accession) "
        "WHERE accession = '0000014272-24-000125' AND r.form_table = 'II'",
    ) == [(q(db, "SELECT filing_date FROM filings WHERE accession = '0000014272-24-000125'")[0][0],
           "2024-06-24", "2024-08-16", 46)]  # fmt: skip
    assert q(db, "SELECT ticker FROM issuers WHERE cik = '0000002488'") == [("AMD",)]
    assert q(db, "PRAGMA integrity_check") == [("ok",)]


def test_data_set_then_xml_is_counted_once(tmp_path):
    """The XML of a data-set filing replaces it in one transaction: one filing, its rows
    once, nothing of the data-set copy left (owners, footnotes, links)."""
    from conftest import MIRROR

    from insider.edgar import Edgar
    from insider.sync import sync

    db = store.connect(tmp_path / "insider.db")
    import_zip(db, make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip"))
    sync(db, Edgar(str(MIRROR), "insider-tests test@example.com", 10.0), ["AIV"])
    assert q(db, "SELECT source FROM filings WHERE accession = ?", HERZOG_ACC) == [("xml",)]
    assert q(db, "SELECT count(*) FROM filings WHERE accession = ?", HERZOG_ACC) == [(1,)]
    assert q(
        db,
        "SELECT count(*), sum(shares), round(sum(value), 2) FROM sales "
        "WHERE owner_cik = '0009999901'",
    ) == [(9, 14804, 806651.81)]
    assert q(db, "SELECT count(*) FROM ownership_rows WHERE accession = ?", HERZOG_ACC) == [(11,)]
    assert q(db, "SELECT count(*) FROM footnotes WHERE accession = ?", HERZOG_ACC) == [(2,)]
    assert q(db, "SELECT count(*) FROM holdings_latest WHERE owner_cik = '0009999901'") == [
        (1,)
    ]  # the stock line once (the option row gives no amount owned after)
    # the other data-set filings are untouched
    assert q(db, "SELECT count(*) FROM filings WHERE source = 'dataset:2007q2'") == [(4,)]
    assert q(db, "PRAGMA foreign_key_check") == []


def _bad(tmp_path, **kw):
    from insider.datasets import DatasetError

    db = store.connect(tmp_path / "insider.db")
    z = make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip", **kw)
    with pytest.raises(DatasetError) as e:
        import_zip(db, z)
    assert "\n" not in str(e.value)
    assert q(db, "SELECT count(*) FROM filings") == [(0,)]
    assert q(db, "SELECT count(*) FROM dataset_quarters") == [(0,)]
    return str(e.value)


def _tsv(name: str) -> bytes:
    return (HANDMADE_Q / name).read_bytes()


def test_missing_member(tmp_path):
    assert "no FOOTNOTES.tsv" in _bad(tmp_path, drop=("FOOTNOTES.tsv",))


def test_table_without_accession_column(tmp_path):
    data = _tsv("OWNER_SIGNATURE.tsv").replace(b"ACCESSION_NUMBER", b"ACCESSION", 1)
    msg = _bad(tmp_path, replace={"OWNER_SIGNATURE.tsv": data})
    assert "OWNER_SIGNATURE.tsv: no ACCESSION_NUMBER column" in msg


def test_rows_without_submission(tmp_path):
    data = _tsv("FOOTNOTES.tsv") + b"0009999999-07-000099\tF1\tan orphan\n"
    msg = _bad(tmp_path, replace={"FOOTNOTES.tsv": data})
    assert "0009999999-07-000099" in msg and "no SUBMISSION row" in msg


def test_impossible_date(tmp_path):
    data = _tsv("DERIV_TRANS.tsv").replace(b"19-JAN-2014", b"31-FEB-2014")
    msg = _bad(tmp_path, replace={"DERIV_TRANS.tsv": data})
    assert msg.startswith("DERIV_TRANS.tsv line 2: EXPIRATION_DATE '31-FEB-2014' is not a date")


def test_not_utf8(tmp_path):
    data = _tsv("REPORTINGOWNER.tsv").replace(b"DENVER", b"D\xe9NVER")
    msg = _bad(tmp_path, replace={"REPORTINGOWNER.tsv": data})
    assert "REPORTINGOWNER.tsv" in msg and "not UTF-8" in msg


def test_not_a_number(tmp_path):
    data = _tsv("NONDERIV_TRANS.tsv").replace(b"\t12.55\t", b"\t12,55 USD\t")
    assert "TRANS_PRICEPERSHARE '12,55 USD' is not a number" in _bad(
        tmp_path, replace={"NONDERIV_TRANS.tsv": data}
    )


def test_truncated_and_not_a_zip(tmp_path):
    from insider.datasets import DatasetError

    db = store.connect(tmp_path / "insider.db")
    z = make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip")
    cut = tmp_path / "cut" / "2007q2_form345.zip"
    cut.parent.mkdir()
    cut.write_bytes(z.read_bytes()[: z.stat().st_size // 2])
    for path in (cut, HANDMADE_Q / "SUBMISSION.tsv"):
        with pytest.raises(DatasetError) as e:
            import_zip(db, path, "2007q2")
        assert "not a readable ZIP" in str(e.value)
    assert q(db, "SELECT count(*) FROM filings") == [(0,)]


def test_members_in_a_folder_and_any_case(tmp_path):
    db = store.connect(tmp_path / "insider.db")
    z = make_zip(HANDMADE_Q, tmp_path / "2007Q2_FORM345.ZIP", folder_in_zip="2007q2_form345/")
    assert import_zip(db, z).filings == 5


def test_short_rows_blank_lines_and_extra_columns(tmp_path):
    """A row with fewer fields than its header (trailing empties left out), a blank line
    and a column insider does not know: read by header name, the missing values empty."""
    sig = _tsv("OWNER_SIGNATURE.tsv").replace(b"/s/ John Doe\t01-JUN-2007\n", b"/s/ John Doe\n\n")
    notes = (
        _tsv("FOOTNOTES.tsv")
        .replace(b"FOOTNOTE_TXT\n", b"FOOTNOTE_TXT\tLOADED_ON\n", 1)
        .replace(b"2006 Equity Incentive Plan.\n", b"2006 Equity Incentive Plan.\t2024-10-01\n")
    )
    db = store.connect(tmp_path / "insider.db")
    z = make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip",
                 replace={"OWNER_SIGNATURE.tsv": sig, "FOOTNOTES.tsv": notes})  # fmt: skip
    assert import_zip(db, z).filings == 5
    assert q(db, "SELECT name, date FROM signatures WHERE accession = ?", FORM3_ACC) == [
        ("/s/ John Doe", None)
    ]
    assert q(db, "SELECT text FROM footnotes WHERE accession = ?", FORM5_ACC) == [
        ("Granted under the 2006 Equity Incentive Plan.",)
    ]
    assert q(db, "SELECT count(*) FROM signatures") == [(6,)]


def _derived(db) -> list[tuple]:
    return q(
        db,
        "SELECT accession, row_num, late, due_date, late_source, plan_10b5_1, "
        "plan_10b5_1_source, position_key, is_latest FROM ownership_rows "
        "ORDER BY accession, row_num",
    )


def _names(db) -> list[tuple]:
    return q(db, "SELECT 'i', cik, name, ticker FROM issuers UNION ALL "
             "SELECT 'o', cik, name, NULL FROM owners ORDER BY 1, 2")  # fmt: skip


@pytest.mark.parametrize("source", ["handmade", "generated", "generated, later quarter first"])
def test_bulk_derivations_equal_the_per_filing_rules(tmp_path, source):
    """The bulk path writes flags with the rows, ranks is_latest once per quarter and
    names owners from the quarter when nothing else of theirs is later: recomputing all
    of it afterwards by the per-filing rules (flags.refresh, positions.refresh_latest and
    store.latest_names over everything) changes nothing, whatever the import order."""
    import sys

    from conftest import ROOT

    from insider import flags, positions

    if source == "handmade":
        zips = [make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip")]
    else:
        sys.path.insert(0, str(ROOT))
        from benchmarks.datasetgen import write_quarter_zip

        zips = [tmp_path / "2024q1_form345.zip", tmp_path / "2024q2_form345.zip"]
        for seed, z in enumerate(zips, 3):
            write_quarter_zip(z, z.name[:6], submissions=400, seed=seed)
        _rename_owners(zips[1])  # names change in the later quarter: the later one wins
        if "first" in source:
            zips.reverse()
    db = store.connect(tmp_path / "insider.db")
    for z in zips:
        import_zip(db, z)
    before, names = _derived(db), _names(db)
    assert any(r[2] == 1 for r in before) and any(r[5] == 1 for r in before)
    assert any(r[8] == 1 for r in before)
    accs = [r[0] for r in q(db, "SELECT accession FROM filings")]
    with db.conn:
        flags.refresh(db.conn, accs)
        positions.refresh_latest(db.conn, None)
        store.latest_names(db.conn, None, None)
    assert _derived(db) == before
    assert _names(db) == names
    if source != "handmade":  # owners filing in 2024q2 have their 2024q2 name
        renamed = q(db, "SELECT count(*) FROM owners WHERE name LIKE '% JUNIOR'")[0][0]
        in_q2 = q(
            db,
            "SELECT count(DISTINCT owner_cik) FROM filing_owners fo JOIN filings f "
            "ON f.accession = fo.accession WHERE f.source = 'dataset:2024q2'",
        )[0][0]
        assert renamed == in_q2 > 0


def _rename_owners(z) -> None:
    """Every owner name in the ZIP's REPORTINGOWNER.tsv ends in JUNIOR instead of J."""
    import zipfile

    with zipfile.ZipFile(z) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    name = next(n for n in members if n.upper().endswith("REPORTINGOWNER.TSV"))
    members[name] = members[name].replace(b" J\t", b" JUNIOR\t")
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in members.items():
            zf.writestr(n, data)
