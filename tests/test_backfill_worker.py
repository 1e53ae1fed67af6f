"""A quarter read by a child process (dataset_worker) while this one writes, and the next
quarter read ahead by backfill.run: the same database as reading in one process, the same
one-line errors, the fallback for members out of order, and no child left behind."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT
from datasethelp import HANDMADE_Q, HERZOG_ACC, make_zip
from datasethelp import stored_tables as tables

from insider import backfill, dataset_worker, store
from insider.backfill import import_zip
from insider.datasets import DatasetError


def _quarters(tmp_path: Path, n: int, submissions: int = 700) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    from benchmarks.datasetgen import write_quarter_zip

    out = []
    for k in range(n):
        z = tmp_path / "zips" / f"2024q{k + 1}_form345.zip"
        z.parent.mkdir(exist_ok=True)
        write_quarter_zip(z, z.name[:6], submissions=submissions, seed=20 + k)
        out.append(z)
    return out


@pytest.fixture
def aside(monkeypatch):
    """Every quarter read by a child process, however small."""
    monkeypatch.setattr(dataset_worker, "MIN_SUBMISSIONS", 1)
    monkeypatch.setattr(dataset_worker, "_cores", lambda: 2)


def _children_of(pid: int) -> list[int]:
    out = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                cmd = (d / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"dataset_worker" in cmd:
                out.append(int(d.name))
    return out


def test_read_aside_gives_the_same_database(tmp_path, monkeypatch):
    (z,) = _quarters(tmp_path, 1)
    here = store.connect(tmp_path / "here.db")
    r1 = import_zip(here, z)
    monkeypatch.setattr(dataset_worker, "MIN_SUBMISSIONS", 1)
    monkeypatch.setattr(dataset_worker, "_cores", lambda: 2)
    started = []
    real = dataset_worker.Reader.__init__
    monkeypatch.setattr(dataset_worker.Reader, "__init__",
                        lambda self, *a, **k: started.append(1) or real(self, *a, **k))  # fmt: skip
    aside_db = store.connect(tmp_path / "aside.db")
    r2 = import_zip(aside_db, z)
    assert started == [1]
    assert (r2.filings, r2.rows, r2.skipped) == (r1.filings, r1.rows, 0) == (700, r1.rows, 0)
    assert tables(aside_db) == tables(here)
    assert _children_of(os.getpid()) == []


def test_run_reads_the_next_quarter_ahead(tmp_path, aside):
    zips = _quarters(tmp_path, 3)
    one_by_one = store.connect(tmp_path / "one.db")
    for z in zips:
        import_zip(one_by_one, z)
    db = store.connect(tmp_path / "run.db")
    out = backfill.run(db, None, zips=[zips[0], zips[1], zips[0], zips[2]])
    assert [(o.quarter, o.action) for o in out.outcomes] == [
        ("2024q1", "imported"),
        ("2024q1", "unchanged"),  # named twice: imported once
        ("2024q2", "imported"),
        ("2024q3", "imported"),
    ]
    assert tables(db) == tables(one_by_one)
    assert _children_of(os.getpid()) == []


def test_stored_filings_are_left_out(tmp_path, aside):
    """The child encodes every filing; the ones the database holds (here Herzog's, from
    its XML) are left out by the writer, as in one process."""
    from storehelp import HERZOG_META, save

    db = store.connect(tmp_path / "insider.db")
    save(db, HERZOG_META)
    result = import_zip(db, make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip"))
    assert (result.filings, result.skipped) == (4, 1)
    assert db.execute(
        "SELECT count(*), sum(shares) FROM sales WHERE owner_cik = '0009999901'"
    ).fetchall() == [(9, 14804)]
    assert db.execute(
        "SELECT source, length(raw_xml) > 0 FROM filings WHERE accession = ?", (HERZOG_ACC,)
    ).fetchall() == [("xml", 1)]


def test_errors_found_by_the_child_are_the_same_line(tmp_path, aside):
    data = (HANDMADE_Q / "DERIV_TRANS.tsv").read_bytes().replace(b"19-JAN-2014", b"31-FEB-2014")
    z = make_zip(HANDMADE_Q, tmp_path / "2007q2_form345.zip", replace={"DERIV_TRANS.tsv": data})
    db = store.connect(tmp_path / "insider.db")
    with pytest.raises(DatasetError) as e:
        import_zip(db, z)
    assert str(e.value).startswith(
        "DERIV_TRANS.tsv line 2: EXPIRATION_DATE '31-FEB-2014' is not a date"
    )
    assert db.execute("SELECT count(*) FROM filings").fetchone() == (0,)
    assert _children_of(os.getpid()) == []


def test_disorder_found_by_the_child_falls_back(tmp_path, aside):
    (z,) = _quarters(tmp_path, 1)
    with zipfile.ZipFile(z) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    sig = members["OWNER_SIGNATURE.tsv"].decode().splitlines(keepends=True)
    sig[-2], sig[-1] = sig[-1], sig[-2]
    members["OWNER_SIGNATURE.tsv"] = "".join(sig).encode()
    late = tmp_path / "late" / z.name
    late.parent.mkdir()
    with zipfile.ZipFile(late, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    db = store.connect(tmp_path / "late.db")
    assert import_zip(db, late).filings == 700
    here = store.connect(tmp_path / "here.db")
    import_zip(here, z)
    assert tables(db) == tables(here)


def test_no_spool_file_reads_in_this_process(tmp_path, aside, monkeypatch):
    """No temporary file to be had (TMPDIR gone): the quarter is read here instead."""
    import tempfile

    (z,) = _quarters(tmp_path, 1)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    db = store.connect(tmp_path / "insider.db")
    assert import_zip(db, z).filings == 700
    out = backfill.run(store.connect(tmp_path / "run.db"), None, zips=[z])
    assert [o.action for o in out.outcomes] == ["imported"]


@pytest.mark.slow
def test_kill_9_while_a_child_reads(tmp_path):
    """kill -9 of the writer mid-quarter: nothing of the quarter stored, integrity ok, and
    its child process stops by itself soon after (it notices its parent is gone)."""
    (z,) = _quarters(tmp_path, 1, submissions=6000)
    db = tmp_path / "killed.db"
    code = (
        "import sys, insider.dataset_worker as w; w.MIN_SUBMISSIONS = 1; "
        "from insider.cli import main; sys.argv[0] = 'insider'; main()"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSIDER_")}
    proc = subprocess.Popen([sys.executable, "-c", code, "backfill", "--zip", str(z), "--db",
                             str(db), "--quiet"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 60
    children: list[int] = []
    while not children and time.monotonic() < deadline and proc.poll() is None:
        children = _children_of(proc.pid)
        time.sleep(0.05)
    assert children, "no child process started"
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() for c in children):
        time.sleep(0.1)
    assert not any(Path(f"/proc/{c}/cmdline").exists() for c in children)
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("SELECT count(*) FROM filings").fetchone() == (0,)
    finally:
        con.close()


def test_a_child_only_for_a_big_quarter_and_a_second_core(monkeypatch):
    n = dataset_worker.MIN_SUBMISSIONS
    monkeypatch.setattr(dataset_worker, "_cores", lambda: 2)
    assert dataset_worker.worth_it(n) and not dataset_worker.worth_it(n - 1)
    monkeypatch.setattr(dataset_worker, "_cores", lambda: 1)
    assert not dataset_worker.worth_it(10 * n)
