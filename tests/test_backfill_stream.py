"""The two ways a quarter is read give the same database: members in accession order (the
SEC's) are merged straight from the ZIP (dataset_stream); members in any other order are
staged and sorted (datasets.stage), including when the disorder shows up only after part
of the quarter was written."""

from __future__ import annotations

import sys
import zipfile
from itertools import groupby

import pytest
from conftest import ROOT
from datasethelp import HANDMADE_Q, SAMPLE_Q, make_zip
from datasethelp import stored_tables as _dump

from insider import datasets, store
from insider.backfill import import_zip
from insider.datasets import DatasetError


def _reverse_accessions(data: bytes) -> bytes:
    """The member's accessions in reverse order, each one's rows still in file order (the
    order of an accession's owners, footnotes and signatures is its own)."""
    lines = data.decode().splitlines(keepends=True)
    groups = [list(g) for _, g in groupby(lines[1:], lambda line: line.split("\t", 1)[0])]
    return "".join([lines[0], *(line for g in reversed(groups) for line in g)]).encode()


def _members(z) -> dict[str, bytes]:
    with zipfile.ZipFile(z) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def _write(z, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _import(tmp_path, z, name: str, *, staging: bool = True, monkeypatch=None):
    db = store.connect(tmp_path / f"{name}.db")
    if not staging:  # the merged path only: staging is not allowed to run
        assert monkeypatch is not None

        def refuse(*a, **k):
            raise AssertionError("staged although the members are in order")

        monkeypatch.setattr(datasets, "stage", refuse)
    result = import_zip(db, z)
    if monkeypatch is not None:
        monkeypatch.undo()
    return db, result


@pytest.mark.parametrize(
    ("folder", "quarter"), [(HANDMADE_Q, "2007q2"), (SAMPLE_Q, "2024q3")], ids=["handmade", "real"]
)
def test_unsorted_members_give_the_same_database(tmp_path, monkeypatch, folder, quarter):
    z = make_zip(folder, tmp_path / "sorted" / f"{quarter}_form345.zip")
    merged, r1 = _import(tmp_path, z, "merged", staging=False, monkeypatch=monkeypatch)
    members = _members(z)
    shuffled = tmp_path / "shuffled" / z.name
    shuffled.parent.mkdir()
    _write(shuffled, {n: _reverse_accessions(d) if n.endswith(".tsv") else d
                      for n, d in members.items()})  # fmt: skip
    staged, r2 = _import(tmp_path, shuffled, "staged")
    assert (r1.filings, r1.rows) == (r2.filings, r2.rows) and r1.filings > 0
    assert _dump(merged) == _dump(staged)


def test_disorder_found_late_rolls_back_and_stages(tmp_path, monkeypatch):
    """SUBMISSION in order, OWNER_SIGNATURE out of order only in its last two rows: the
    merge has written most of the quarter when it finds out; the result is the staged
    one, whole, once."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.datasetgen import write_quarter_zip

    z = tmp_path / "a" / "2024q1_form345.zip"
    z.parent.mkdir()
    write_quarter_zip(z, "2024q1", submissions=300, seed=5)
    merged, _ = _import(tmp_path, z, "merged", staging=False, monkeypatch=monkeypatch)
    members = _members(z)
    sig = members["OWNER_SIGNATURE.tsv"].decode().splitlines(keepends=True)
    sig[-2], sig[-1] = sig[-1], sig[-2]
    assert sig[-1].split("\t")[0] != sig[-2].split("\t")[0]  # two accessions swapped
    members["OWNER_SIGNATURE.tsv"] = "".join(sig).encode()
    late = tmp_path / "b" / z.name
    late.parent.mkdir()
    _write(late, members)
    staged_calls = []
    real_stage = datasets.stage
    monkeypatch.setattr(
        datasets, "stage", lambda *a, **k: staged_calls.append(1) or real_stage(*a, **k)
    )
    db, result = _import(tmp_path, late, "late")
    assert staged_calls == [1]
    assert result.filings == 300
    assert _dump(db) == _dump(merged)
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def _one_error(tmp_path, replace: dict[str, bytes]) -> str:
    tmp_path.mkdir(exist_ok=True)
    db = store.connect(tmp_path / "bad.db")
    z = make_zip(HANDMADE_Q, tmp_path / "bad" / "2007q2_form345.zip", replace=replace)
    with pytest.raises(DatasetError) as e:
        import_zip(db, z)
    assert db.execute("SELECT count(*) FROM filings").fetchone() == (0,)
    return str(e.value)


def test_orphan_between_accessions_and_a_repeated_one(tmp_path):
    notes = (HANDMADE_Q / "FOOTNOTES.tsv").read_bytes().splitlines(keepends=True)
    # an accession that sorts between the first two filings' and is in no SUBMISSION row
    first = notes[1].split(b"\t")[0]
    orphan = first[:-1] + bytes([first[-1] + 1]) if first[-1] < ord("9") else first + b"0"
    subs = (HANDMADE_Q / "SUBMISSION.tsv").read_bytes()
    assert orphan not in subs
    notes.insert(2, orphan + b"\tF9\tnobody's note\n")
    msg = _one_error(tmp_path, {"FOOTNOTES.tsv": b"".join(notes)})
    assert msg == (
        f"FOOTNOTES.tsv: rows of accession {orphan.decode()!r}, which has no SUBMISSION row"
    )
    lines = subs.splitlines(keepends=True)
    twice = b"".join([lines[0], lines[1], lines[1], *lines[2:]])
    acc = lines[1].split(b"\t")[0].decode()
    assert _one_error(tmp_path / "2", {"SUBMISSION.tsv": twice}) == (
        f"SUBMISSION.tsv: accession {acc!r} appears twice"
    )
