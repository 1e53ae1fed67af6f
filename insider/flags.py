"""Flags derived from stored rows: `late` and `plan_10b5_1` (see docs/schema.md).

late (transaction rows only):
  - 1 when `transactionTimeliness` is L (any form): late_source 'timeliness';
  - on Forms 4 and 4/A, for rows whose transactionFormType is 4 (or not given), `due_date`
    is the second business day (holidays.py) after the deemed execution date when there is
    one, else the transaction date; 1 when the filing
    date is after it: late_source 'deadline' (both reasons: 'timeliness+deadline'). A 4/A
    is judged by its `dateOfOriginalSubmission` (when the original was filed), not by the
    date of the amendment;
  - 0 when neither applies and the deadline could be checked; NULL when nothing could be
    checked (no filing date or transaction date, Forms 3 and 5 without timeliness L).
plan_10b5_1 (transaction rows only; holdings NULL):
  - the filing's `aff10b5One` box when the filing has one (from 2023): source 'aff10b5One';
  - else 1 when a footnote on the row mentions Rule 10b5-1 (`10b5-1`, `10b-5-1`, any dash;
    never the anti-fraud Rule 10b-5), unless a negation (not, no, neither, nor, without,
    outside) precedes it in the same clause: source 'footnote';
  - else 0, source 'none'.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Sequence

from .holidays import form4_due_date as _form4_due_date
from .models import Filing

# "10b5-1", "10b5–1", "10b-5-1", "10B5-1(c)"; not "10b-5" alone nor "10b5-12".
PLAN_RE = re.compile(r"10b\s*-?\s*5\s*[-‐‑‒–—]\s*1(?!\d)", re.I)


# "were not made pursuant to a Rule 10b5-1 plan" says the opposite: a negation earlier in
# the same clause cancels the mention.
_NEGATION_RE = re.compile(r"\b(not|no|neither|nor|without|outside)\b", re.I)


# A pure function of the trade date: cached, as a quarter's rows share a few dozen dates.
form4_due_date = functools.lru_cache(maxsize=4096)(_form4_due_date)


@functools.lru_cache(maxsize=8192)  # boilerplate footnotes repeat across filings
def mentions_10b5_1(text: str | None) -> bool:
    """True when the text says a trade was made under a Rule 10b5-1 plan."""
    if not text:
        return False
    for m in PLAN_RE.finditer(text):
        start = max(text.rfind(".", 0, m.start()), text.rfind(";", 0, m.start())) + 1
        if not _NEGATION_RE.search(text, start, m.start()):
            return True
    return False


def refresh(conn: sqlite3.Connection, accessions: Sequence[str]) -> None:
    """Recompute late/plan flags of every row of these filings."""
    for i in range(0, len(accessions), 500):
        _refresh(conn, list(accessions[i : i + 500]))


def _refresh(conn: sqlite3.Connection, accs: list[str]) -> None:
    """Recompute late and 10b5-1 flags of the rows of these filings. One pass over the
    rows on purpose: both flags read the same filing facts and footnotes per row."""
    marks = ",".join("?" * len(accs))
    filings = {
        r[0]: r[1:]
        for r in conn.execute(
            "SELECT accession, form, filing_date, date_of_original_submission, aff10b5one "
            f"FROM filings WHERE accession IN ({marks})",
            accs,
        )
    }
    planned: set[tuple[str, int]] = set()
    for acc, num, text in conn.execute(
        "SELECT ff.accession, ff.row_num, fn.text FROM field_footnotes ff "
        "JOIN footnotes fn ON fn.accession = ff.accession AND fn.footnote_id = ff.footnote_id "
        f"WHERE ff.accession IN ({marks})",
        accs,
    ):
        if mentions_10b5_1(text):
            planned.add((acc, num))
    updates = []
    for acc, num, kind, tdate, deemed, timeliness, row_form in conn.execute(
        "SELECT accession, row_num, kind, transaction_date, deemed_execution_date, timeliness, "
        "form_type "
        f"FROM ownership_rows WHERE accession IN ({marks})",
        accs,
    ):
        updates.append(
            (
                *row_flags(
                    filings[acc], kind, tdate, deemed, timeliness, row_form, (acc, num) in planned
                ),
                acc,
                num,
            )
        )
    conn.executemany(
        "UPDATE ownership_rows SET late = ?, due_date = ?, late_source = ?, plan_10b5_1 = ?, "
        "plan_10b5_1_source = ? WHERE accession = ? AND row_num = ?",
        updates,
    )


FLAG_COLUMNS = ("late", "due_date", "late_source", "plan_10b5_1", "plan_10b5_1_source")
_NO_FLAGS = (None, None, None, None, None)


def row_flags(
    filing: Sequence,
    kind: str,
    tdate: str | None,
    deemed: str | None,
    timeliness: str | None,
    row_form: str | None,
    planned: bool,
) -> tuple:
    """The FLAG_COLUMNS of one row. `filing` is (form, filing_date,
    date_of_original_submission, aff10b5one as stored); `planned`: a footnote on the row
    mentions a 10b5-1 plan (mentions_10b5_1)."""
    if kind != "transaction":
        return _NO_FLAGS
    form, fdate, original_date, aff = filing
    reasons = []
    late: int | None = None
    if (timeliness or "").upper() == "L":
        reasons.append("timeliness")
        late = 1
    due = None
    trade = deemed or tdate
    filed = original_date if (form or "").upper() == "4/A" and original_date else fdate
    # A row whose transactionFormType is 5 (a gift before 2023, code V...) may be
    # reported on a Form 4 at any time before the Form 5 is due: no two-day deadline.
    deadline_applies = (row_form or "4").strip() == "4"
    if (form or "").upper() in ("4", "4/A") and deadline_applies and trade:
        try:
            due = form4_due_date(trade)
        except ValueError:
            due = None
        if due and filed:
            if filed > due:
                reasons.append("deadline")
                late = 1
            elif late is None:
                late = 0
    if aff is not None:
        plan, source = int(aff), "aff10b5One"
    elif planned:
        plan, source = 1, "footnote"
    else:
        plan, source = 0, "none"
    return (late, due, "+".join(reasons) or None, plan, source)


def filing_flags(filing: Filing, filing_date: str | None) -> list[tuple]:
    """The FLAG_COLUMNS of each row of a filing not stored yet (filing.rows order), by the
    same rule as refresh: the bulk path writes them with the rows instead of updating."""
    aff = filing.aff10b5one
    facts = (
        filing.document_type,
        filing_date,
        filing.date_of_original_submission,
        None if aff is None else int(aff),
    )
    notes = filing.footnotes
    out = []
    for row in filing.rows:
        if row.kind != "transaction":
            out.append(_NO_FLAGS)
            continue
        planned = any(
            mentions_10b5_1(notes.get(fid)) for ids in row.footnotes.values() for fid in ids
        )
        out.append(
            row_flags(
                facts,
                row.kind,
                row.transaction_date,
                row.deemed_execution_date,
                row.timeliness,
                row.form_type,
                planned,
            )
        )
    return out
