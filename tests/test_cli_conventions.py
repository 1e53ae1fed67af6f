"""Command-line conventions: a pager and links only on a terminal, --version, completion,
help, `sync AIV ZZZZ` syncs AIV and names ZZZZ, no empty database after a failed first
sync, progress names its phase."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest
from clirun import BIN
from conftest import MIRROR
from test_cli_skeleton import run
from test_cli_skeleton import run_in_process as run_here

from insider.edgar import Edgar
from insider.store import connect
from insider.sync import sync


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("conv") / "insider.db"
    assert run("sync", "AIV", "--edgar", str(MIRROR), "--db", str(path)).returncode == 0
    return path


def on_tty(args: list[str], env: dict[str, str], rows: int = 24, cols: int = 80) -> str:
    """Run insider with stdout on a pseudo-terminal; return what the terminal received."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    e = {k: v for k, v in os.environ.items() if not k.startswith(("INSIDER_", "EDGAR_"))}
    e.pop("COLUMNS", None)
    e.pop("LINES", None)
    e.update(env, TERM="xterm-256color")
    proc = subprocess.Popen([str(BIN), *args], stdout=slave, stderr=subprocess.PIPE, env=e)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    os.close(master)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    return out.decode("utf-8", "replace")


def test_pager_on_a_terminal_and_no_pager(db: Path, tmp_path: Path):
    paged = tmp_path / "paged.txt"
    pager = f"cat > {paged}"
    out = on_tty(["show", "HERZOG", "--db", str(db)], {"INSIDER_PAGER": pager, "PAGER": "no"})
    text = paged.read_text()
    assert "Sales: 9 rows, 14,804 shares for $806,651.81" in text  # long: it went to the pager
    assert "14,804 shares" not in out
    # The filing is a hyperlink (OSC 8) to its page on sec.gov, on a terminal only.
    assert "\x1b]8;" in text and "sec.gov/Archives/edgar/data/922864/" in text
    paged.unlink()
    out = on_tty(["show", "HERZOG", "--no-pager", "--db", str(db)], {"INSIDER_PAGER": pager})
    assert not paged.exists() and "14,804 shares" in out
    # PAGER is used when INSIDER_PAGER is not set; a tall terminal needs no pager at all.
    on_tty(["show", "HERZOG", "--db", str(db)], {"PAGER": pager})
    assert paged.exists()
    paged.unlink()
    out = on_tty(["show", "HERZOG", "--db", str(db)], {"PAGER": pager}, rows=200)
    assert not paged.exists() and "14,804 shares" in out


def test_piped_output_has_no_links_or_colours(db: Path):
    out = run("show", "HERZOG", "--db", str(db), env={"COLUMNS": "80"}).stdout
    assert "\x1b" not in out


def test_version_completion_and_help():
    r = run_here("--version")
    assert r.returncode == 0 and r.stdout.strip() == "insider 0.1.0"
    h = run_here("--help", env={"COLUMNS": "200"}).stdout
    assert "--install-completion" in h and "--show-completion" in h
    assert "INSIDER_USER_AGENT" in h and "EDGAR_IDENTITY" in h
    s = run_here("sync", "--help", env={"COLUMNS": "200"}).stdout
    assert "INSIDER_USER_AGENT" in s and "EDGAR_IDENTITY" in s


def test_sync_known_and_unknown_tickers(tmp_path: Path):
    path = tmp_path / "i.db"
    r = run_here("sync", "AIV", "ZZZZ", "AAPLL", "--edgar", str(MIRROR), "--db", str(path))
    assert r.returncode == 1
    assert r.stdout.startswith("1 new filings")  # AIV was synced
    lines = r.stderr.splitlines()
    assert lines == [
        "insider: unknown ticker 'ZZZZ': not in EDGAR's company_tickers.json",
        "insider: unknown ticker 'AAPLL': not in EDGAR's company_tickers.json; did you mean AAPL?",
    ]
    assert "HERZOG THOMAS M" in run_here("show", "HERZOG", "--db", str(path)).stdout


def test_failed_first_sync_leaves_no_database(tmp_path: Path):
    path = tmp_path / "new.db"
    r = run_here("sync", "ZZZZ", "--edgar", str(MIRROR), "--db", str(path))
    assert r.returncode == 1 and "unknown ticker 'ZZZZ'" in r.stderr
    assert list(tmp_path.iterdir()) == []
    r = run_here("sync", "0000000042", "--edgar", str(MIRROR), "--db", str(path))
    assert r.returncode == 1 and list(tmp_path.iterdir()) == []
    # An existing database is never removed, even when a sync into it fails.
    assert run_here("sync", "AIV", "--edgar", str(MIRROR), "--db", str(path)).returncode == 0
    assert run_here("sync", "ZZZZ", "--edgar", str(MIRROR), "--db", str(path)).returncode == 1
    assert path.exists()


def test_progress_names_phase_and_issuer(tmp_path: Path):
    seen: list[tuple] = []
    client = Edgar(str(MIRROR), "Test test@example.com", 10)
    try:
        sync(connect(tmp_path / "p.db"), client, ["AIV"], progress=lambda *a: seen.append(a))
    finally:
        client.close()
    phases = [a[2] for a in seen if len(a) > 2]
    assert phases == ["looking up AIV", "listing filings of AIV", "fetching new filings of AIV"]
    assert seen[-1] == (1, 1)
