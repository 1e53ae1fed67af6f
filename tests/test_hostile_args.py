"""Issue 15, item 9: bad arguments and files are one accurate line each, never a traceback.

Non-UTF-8 bytes in arguments (they reach Python as lone surrogates, which neither SQLite
nor print can encode), a 100,000-character name (`LIKE or GLOB pattern too complex`), a
5,000-digit "CIK" (Python's int limit), a valid database in a read-only folder (was "not an
insider database"), a full disk (was "cannot rollback - no transaction is active").
"""

from __future__ import annotations

import ctypes
import os
import resource
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from conftest import MIRROR
from storehelp import copy_db

BIN = Path(sys.executable).parent / "insider"
LATIN1 = b"caf\xe9"  # 'café' in Latin-1: not UTF-8


def run(*args, preexec=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INSIDER_", "EDGAR_"))}
    env["COLUMNS"] = "200"
    return subprocess.run(
        [str(BIN), *args], capture_output=True, env=env, timeout=120, preexec_fn=preexec
    )


def one_line(r) -> str:
    err = r.stderr.decode("utf-8")
    assert r.returncode == 1, (r.returncode, err)
    assert err.count("\n") == 1 and err.startswith("insider: ") and "Traceback" not in err, err
    return err.strip()


@pytest.fixture(scope="module")
def aiv_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("args") / "insider.db"
    r = run("sync", "AIV", "--edgar", str(MIRROR), "--db", str(db))
    assert r.returncode == 0, r.stderr
    return db


@pytest.mark.parametrize(
    "args,line",
    [
        (["show", LATIN1], "insider: name 'caf\\xe9' is not valid UTF-8 text"),
        (["company", LATIN1], "insider: issuer 'caf\\xe9' is not valid UTF-8 text"),
        (
            ["show", "HERZOG", "--issuer", LATIN1],
            "insider: --issuer 'caf\\xe9' is not valid UTF-8 text",
        ),
        (
            ["show", "HERZOG", "--since", LATIN1],
            "insider: --since 'caf\\xe9' is not valid UTF-8 text",
        ),
        (
            ["show", "A" * 100_000],
            "insider: name '" + "A" * 40 + "...' is 100,000 characters long; at most 200",
        ),
        (
            ["company", "1" * 5_000],
            "insider: issuer '" + "1" * 40 + "...' is 5,000 characters long; at most 200",
        ),
        (
            ["show", "1" * 5_000],
            "insider: name '" + "1" * 40 + "...' is 5,000 characters long; at most 200",
        ),
    ],
    ids=[
        "show-latin1",
        "company-latin1",
        "issuer-latin1",
        "since-latin1",
        "name-100k",
        "company-cik-5k",
        "show-cik-5k",
    ],
)
def test_bad_report_arguments_are_one_line(aiv_db: Path, args, line):
    assert one_line(run(*args, "--db", str(aiv_db))) == line


@pytest.mark.parametrize(
    "args,line",
    [
        (["sync", LATIN1], "insider: target 'caf\\xe9' is not valid UTF-8 text"),
        (
            ["sync", "--owner", "9" * 5_000],
            "insider: --owner '" + "9" * 40 + "...' is 5,000 characters long; at most 200",
        ),
        (
            ["sync", "1" * 5_000],
            "insider: target '" + "1" * 40 + "...' is 5,000 characters long; at most 200",
        ),
        (
            ["sync", "AIV", "--edgar", b"/tmp/" + LATIN1],
            "insider: --edgar '/tmp/caf\\xe9' is not valid UTF-8 text",
        ),
    ],
    ids=["target-latin1", "owner-5k", "target-5k", "edgar-latin1"],
)
def test_bad_sync_arguments_are_one_line_and_touch_nothing(tmp_path: Path, args, line):
    db = tmp_path / "i.db"
    assert one_line(run(*args, "--db", str(db))) == line
    assert not db.exists()


def test_a_short_name_of_many_words_or_wildcards_is_no_error(aiv_db: Path):
    r = run("show", " ".join(["Q"] * 100), "--db", str(aiv_db))
    assert r.returncode == 1 and b"no reporting owner matches" in r.stderr
    r = run("show", "%_" * 100, "--db", str(aiv_db))
    assert r.returncode == 1 and b"no reporting owner matches" in r.stderr


# -- files ---------------------------------------------------------------------------------------
def _no_dac_override() -> None:
    """As root, folder permissions do not apply; drop the capabilities that bypass them
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) from what the child keeps after exec."""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (1, 2):
            libc.prctl(24, cap, 0, 0, 0)  # PR_CAPBSET_DROP


def test_a_database_in_a_read_only_folder_is_read_and_not_written(tmp_path: Path, aiv_db: Path):
    folder = tmp_path / "ro"
    folder.mkdir()
    copy_db(aiv_db, folder / "insider.db")
    folder.chmod(0o555)
    try:
        db = str(folder / "insider.db")
        r = run("show", "HERZOG", "--db", db, preexec=_no_dac_override)
        assert r.returncode == 0, r.stderr
        assert b"Sales: 9 rows, 14,804 shares for $806,651.81" in r.stdout
        r = run("company", "AIV", "--db", db, "--json", preexec=_no_dac_override)
        assert r.returncode == 0, r.stderr
        r = run("sync", "AIV", "--edgar", str(MIRROR), "--db", db, preexec=_no_dac_override)
        assert one_line(r) == (
            f"insider: cannot write to database {db}: the file or its folder is read-only "
            "(attempt to write a readonly database)"
        )
    finally:
        folder.chmod(0o755)


def _small_disk(path: Path):
    """A 640 kB tmpfs at `path` (AIV's filing fits, the others do not) when this machine
    lets us mount one (root in a container), else None (the caller limits file sizes)."""
    path.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        return None
    r = subprocess.run(
        [
            "mount",
            "-t",
            "tmpfs",
            "-o",
            "size=640k",
            f"insider-test-{uuid.uuid4().hex[:8]}",
            str(path),
        ],
        capture_output=True,
    )
    return path if r.returncode == 0 else None


def test_a_full_disk_is_one_accurate_line_and_keeps_what_was_stored(tmp_path: Path):
    disk = _small_disk(tmp_path / "disk")
    db = str(tmp_path / "disk" / "insider.db")
    preexec = None
    if disk is None:  # no tmpfs here: a file size limit makes writes fail the same way

        def preexec():
            resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, 64_000))

    try:
        r = run("sync", "AIV", "--edgar", str(MIRROR), "--db", db)
        assert r.returncode == 0, r.stderr
        lines = []
        for ticker in ("AAPL", "TSLA", "LRCX", "SNOW"):
            r = run("sync", ticker, "--edgar", str(MIRROR), "--db", db, preexec=preexec)
            if r.returncode:
                lines.append(one_line(r))
        assert lines, "the disk never filled"
        head = f"insider: cannot write to database {db}: "
        kept = "; what was stored before is kept"
        full = head + "the disk is full (database or disk is full)" + kept
        io = head + "disk I/O error (a full disk, a file size limit?)" + kept
        assert set(lines) <= {full, io}, lines
        if disk is not None:
            assert set(lines) == {full}
        # What was stored before the disk filled is intact.
        r = run("show", "HERZOG", "--db", db)
        assert r.returncode == 0 and b"14,804 shares for $806,651.81" in r.stdout
    finally:
        if disk is not None:
            subprocess.run(["umount", str(disk)], check=False)
