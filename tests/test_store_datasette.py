"""Datasette (a test dependency only) serves the database and our metadata on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from storehelp import synced_db

from insider import docgen, schemadoc

DATASETTE = Path(sys.executable).parent / "datasette"
BIN = Path(sys.executable).parent / "insider"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if not DATASETTE.exists():
        pytest.skip("datasette is not installed (pip install -e '.[test]')")
    tmp = tmp_path_factory.mktemp("ds")
    path = tmp / "insider.db"
    synced_db(path).conn.close()
    meta = tmp / "metadata.json"
    r = subprocess.run([str(BIN), "datasette-metadata"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    meta.write_text(r.stdout)
    port = _free_port()
    proc = subprocess.Popen(
        [
            str(DATASETTE),
            "serve",
            str(path),
            "--metadata",
            str(meta),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            _get(base + "/-/versions.json")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(proc.stderr.read().decode()) from None
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_sales_view_through_json_api(served: str):
    rows = _get(served + "/insider/sales.json?_shape=array&owner_name__contains=HERZOG")
    assert len(rows) == 9
    assert sum(r["shares"] for r in rows) == 14804
    assert round(sum(r["value"] for r in rows), 2) == 806651.81
    assert rows[0]["code_meaning"] == "open-market or private sale"


def test_holdings_latest_through_json_api(served: str):
    rows = _get(
        served + "/insider/holdings_latest.json?_shape=array&owner_name=HERZOG+THOMAS+M"
        "&direct_or_indirect=D"
    )
    assert [(r["security_title"], r["shares_owned_following"]) for r in rows] == [
        ("Class A Common Stock", 57604)
    ]


def test_metadata_applied_and_fts_search(served: str):
    meta = _get(served + "/-/metadata.json")
    tables = meta["databases"]["insider"]["tables"]
    assert tables["sales"]["columns"]["value"] == schemadoc.VIEW_COLUMNS["value"]
    found = _get(served + "/insider/owners.json?_shape=array&_search=herzog")
    assert [r["cik"] for r in found] == ["0009999901"]


def test_metadata_covers_every_table_view_and_column(tmp_path: Path):
    path = tmp_path / "d.db"
    db = synced_db(path, extra=())
    tables = docgen.datasette_metadata()["databases"]["insider"]["tables"]
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
    ).fetchall():
        if schemadoc.is_internal(name):
            assert name.startswith("sqlite_") or tables[name].get("hidden")
            continue
        cols = [r[1] for r in db.execute(f'PRAGMA table_info("{name}")')]
        assert list(tables[name]["columns"]) == cols, name
