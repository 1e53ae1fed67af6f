"""Helpers for the data-set tests: quarter ZIPs built from the fixture folders."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import FIXTURES

DATASETS = FIXTURES / "datasets"
HANDMADE_Q = DATASETS / "handmade-2007q2"  # all eight tables written by hand
SAMPLE_Q = DATASETS / "2024q3-sample"  # real rows of five tables (+ three by hand)

HERZOG_ACC = "0009999901-07-000001"
JOINT_ACC = "0009999902-07-000010"  # Form 4, two owners
AMEND_ACC = "0009999902-07-000011"  # its 4/A
FORM3_ACC = "0009999902-07-000012"
FORM5_ACC = "0009999902-07-000013"


def make_zip(
    folder: Path,
    dest: Path,
    *,
    replace: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
    folder_in_zip: str = "",
) -> Path:
    """A quarter ZIP of the .tsv files in `folder` (members replaced or dropped by name)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    replace = replace or {}
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{folder_in_zip}FORM_345_readme.htm", "readme")
        for p in sorted(folder.glob("*.tsv")):
            if p.name in drop:
                continue
            zf.writestr(folder_in_zip + p.name, replace.get(p.name, p.read_bytes()))
    return dest


# Every stored table, without the columns that say when or from which ZIP bytes.
_TABLES = {
    "filings": "* EXCEPT stored_at, source_sha256",
    "filing_owners": "*",
    "ownership_rows": "*",
    "footnotes": "*",
    "field_footnotes": "*",
    "signatures": "*",
    "issuers": "*",
    "owners": "*",
    "buy_days": "*",
    "filing_counts": "*",
}


def stored_tables(db) -> dict[str, list[tuple]]:
    """Every stored table, sorted, without when or from which ZIP bytes (to compare two
    imports of the same rows)."""
    out = {}
    for table in _TABLES:
        cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
        if table == "filings":
            cols = [c for c in cols if c not in ("stored_at", "source_sha256")]
        out[table] = sorted(
            db.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall(), key=repr
        )
    return out
