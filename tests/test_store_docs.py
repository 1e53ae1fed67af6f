"""docs/schema.md against a real database: every table, view and column documented, nothing
documented that does not exist; every SQL example runs."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT
from storehelp import synced_db

from insider import docgen, schemadoc

DOC = ROOT / "docs" / "schema.md"
HEADING = re.compile(r"^### `(\w+)` \((table|view)\)$")
COLUMN = re.compile(r"^\| `(\w+)` \| (.+) \|$")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return synced_db(tmp_path_factory.mktemp("docs") / "insider.db")


def _documented() -> dict[str, tuple[str, list[str]]]:
    out: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in DOC.read_text().splitlines():
        if m := HEADING.match(line):
            current = m.group(1)
            assert current not in out, f"{current} documented twice"
            out[current] = (m.group(2), [])
        elif current and (m := COLUMN.match(line)):
            assert m.group(2).strip(), f"{current}.{m.group(1)} has no description"
            out[current][1].append(m.group(1))
    return out


def _actual(db) -> dict[str, tuple[str, list[str]]]:
    out = {}
    for kind, name in db.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view')"
    ).fetchall():
        if schemadoc.is_internal(name):
            continue
        out[name] = (kind, [r[1] for r in db.execute(f'PRAGMA table_info("{name}")')])
    return out


def test_every_table_view_and_column_documented_and_nothing_else(db):
    doc, real = _documented(), _actual(db)
    assert set(doc) == set(real), set(doc) ^ set(real)
    for name, (kind, cols) in real.items():
        assert doc[name][0] == kind, name
        assert doc[name][1] == cols, name


def test_reference_matches_metadata_source():
    text = DOC.read_text()
    start = text.index("<!-- reference: generated")
    start = text.index("\n", start) + 1
    end = text.index("<!-- reference: end -->")
    assert text[start:end].strip() == docgen.markdown_tables().strip()


def _sql_blocks() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", DOC.read_text(), re.S)


def test_at_least_five_examples():
    assert len(_sql_blocks()) >= 7


@pytest.mark.parametrize("n", range(len(re.findall(r"```sql\n", DOC.read_text()))))
def test_example_runs(db, n: int):
    sql = _sql_blocks()[n]
    cur = db.execute(sql)
    rows = cur.fetchall()
    assert cur.description is not None
    if "option_exercises" in sql and "CFO" in sql:
        names = {r[2] for r in rows}
        assert names == {"HERZOG THOMAS M", "Scarpelli Michael"}
    if "MATCH '\"herzog\"*'" in sql and "transactions" in sql:
        assert len(rows) == 11
        assert rows[0][:3] == ("2007-05-10", "AIV", "S")
    if "FROM holdings_latest" in sql:
        assert rows[0][0] == "BERKSHIRE HATHAWAY INC; BUFFETT WARREN E"  # joint Form 3
    if "FROM sales" in sql:
        assert ("AIV", 0, "none", 9, 14804, 806651.81) in rows
