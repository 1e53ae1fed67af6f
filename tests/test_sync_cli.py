"""`insider sync` through the real console script against a real local server:
summary, exit codes, --quiet, progress on a terminal only, the User-Agent never printed,
several targets, --owner, Ctrl-C, and SIGKILL at several points followed by a resume."""

from __future__ import annotations

import os
import pty
import select
import signal
import sqlite3
import subprocess
import time
import zlib
from pathlib import Path

import pytest
from clirun import BIN, clean_env, insider
from conftest import MIRROR
from edgar_server import IssuerSpec, OwnerSpec, build_mirror
from storehelp import dump

from insider.parse import parse_ownership

UA = "Jane Tester jane.tester@example.com"
ACME, BETA, GAMMA, OWNER = 1000001, 1000002, 1000003, 2000001


def env(**extra: str) -> dict[str, str]:
    return clean_env(**extra)


def run(*args: str, **kw) -> subprocess.CompletedProcess:
    """`insider sync ARGS` in this process, with KW added to the environment."""
    return insider("sync", *args, env=kw)


def one_line(text: str) -> bool:
    return text.strip().count("\n") == 0 and "Traceback" not in text


def test_summary_failures_exit_code_and_user_agent_never_printed(tmp_path, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=6)])
    gone, broken = m.filings[0], m.filings[3]
    srv = edgar_server(m)
    srv.add_fault("404", gone.path(ACME), times=None)
    srv.add_fault("malformed", broken.path(ACME), times=None)
    db = tmp_path / "i.db"
    r = run("ACME", "--edgar", srv.url, "--db", str(db), "--user-agent", UA)
    assert r.returncode == 1
    summary = r.stdout.strip()
    assert one_line(summary)
    assert summary.startswith("4 new filings, 0 already stored, 2 failed; 9 requests in ")
    assert summary.endswith(" s")
    err = r.stderr.strip().splitlines()
    assert sorted(line.split()[1].rstrip(":") for line in err) == sorted(
        [gone.accession, broken.accession]
    )
    assert "Traceback" not in r.stderr
    # The User-Agent went with every request, and its contact never reached the output.
    assert {q.headers["User-Agent"] for q in srv.requests} == {UA}
    assert "jane.tester@example.com" not in r.stdout + r.stderr
    # The environment variable works the same (EDGAR_IDENTITY too).
    srv.reset_log()
    r = run("ACME", "--edgar", srv.url, "--db", str(db), EDGAR_IDENTITY=UA)
    assert {q.headers["User-Agent"] for q in srv.requests} == {UA}
    assert r.stdout.startswith("0 new filings, 4 already stored, 0 failed;")
    assert "2 failed earlier" in r.stdout and r.returncode == 0
    # --retry-failed with no target retries them: still failing, still non-zero.
    r = run("--retry-failed", "--edgar", srv.url, "--db", str(db), INSIDER_USER_AGENT=UA)
    assert r.returncode == 1 and r.stdout.startswith("0 new filings, 0 already stored, 2 failed")


def test_quiet_prints_nothing_on_success_and_no_progress_off_a_terminal(tmp_path, edgar_server):
    srv = edgar_server(build_mirror([IssuerSpec(ACME, "ACME", n=3)]))
    db = tmp_path / "i.db"
    r = run("ACME", "--edgar", srv.url, "--db", str(db), "--quiet")
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    srv.files[next(iter(k for k in srv.files if k.startswith("submissions/")))] = b"{"
    r = run("ACME", "--edgar", srv.url, "--db", str(db), "-q")
    assert r.returncode == 1 and r.stdout == "" and one_line(r.stderr)
    assert "not valid JSON" in r.stderr
    # Without --quiet but piped: the summary on stdout, nothing on stderr (no bar).
    srv2 = edgar_server(build_mirror([IssuerSpec(ACME, "ACME", n=2)]))
    r = run("ACME", "--edgar", srv2.url, "--db", str(tmp_path / "j.db"))
    assert r.returncode == 0 and r.stderr == "" and r.stdout.startswith("2 new filings")


def test_progress_bar_on_a_terminal(tmp_path, edgar_server):
    srv = edgar_server(build_mirror([IssuerSpec(ACME, "ACME", n=12)]))
    master, slave = pty.openpty()
    p = subprocess.Popen(
        [str(BIN), "sync", "ACME", "--edgar", srv.url, "--db", str(tmp_path / "i.db")],
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env(COLUMNS="120", TERM="xterm"),
    )
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 10)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    out, _ = p.communicate(timeout=30)
    os.close(master)
    assert p.returncode == 0
    text = seen.decode(errors="replace")
    assert "filings" in text and "/12" in text and "ETA" in text and "/s" in text
    assert out.decode().startswith("12 new filings")


def test_several_targets_at_once_over_http(tmp_path, edgar_server):
    srv = edgar_server(MIRROR)
    db = tmp_path / "i.db"
    r = run("AIV", "AAPL", "0000320193", "--edgar", srv.url, "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("4 new filings, 0 already stored, 0 failed;")
    assert srv.count("Archives/*") == 4
    assert srv.count("submissions/CIK0000320193.json") == 1


def test_owner_over_cli(tmp_path, edgar_server):
    m = build_mirror(
        [IssuerSpec(ACME, "ACME", n=1), IssuerSpec(BETA, "BETA", n=1)],
        [OwnerSpec(OWNER, "DOE JANE Q", {ACME: 2, BETA: 2})],
    )
    srv = edgar_server(m)
    db = tmp_path / "i.db"
    r = run("--owner", str(OWNER), "--edgar", srv.url, "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("4 new filings")
    con = sqlite3.connect(db)
    got = dict(con.execute("SELECT issuer_cik, count(*) FROM filings GROUP BY 1").fetchall())
    assert got == {f"{ACME:010d}": 2, f"{BETA:010d}": 2}
    r = run("BETA", "--owner", str(OWNER), "--edgar", srv.url, "--db", str(db))
    assert r.stdout.startswith("1 new filings, 4 already stored")


@pytest.mark.parametrize(
    "args, message",
    [
        (["ACME", "--rate", "20"], "cannot exceed 10"),
        (["ACME", "--rate", "0"], "above 0"),
        (["--owner", "JANE"], "--owner takes"),
        (["NOPE"], "unknown ticker 'NOPE'"),
        (["what?"], "neither a ticker"),
        ([], "give a ticker or CIK"),
        (["ACME", "--db", "/nonexistent/dir/x.db"], "cannot open database"),
    ],
)
def test_user_errors_are_one_line(tmp_path, edgar_server, args, message):
    srv = edgar_server(build_mirror([IssuerSpec(ACME, "ACME", n=1)]))
    if "--db" not in args:
        args = [*args, "--db", str(tmp_path / "i.db")]
    r = run(*args, "--edgar", srv.url)
    assert r.returncode != 0
    assert one_line(r.stderr), r.stderr
    assert message in r.stderr
    assert srv.count("Archives/*") == 0


def test_no_user_agent_for_real_hosts_is_one_line(tmp_path):
    r = run("ACME", "--db", str(tmp_path / "i.db"))
    assert r.returncode == 1 and one_line(r.stderr) and "User-Agent" in r.stderr


# -- interruptions ------------------------------------------------------------------------------
def _default_sigint() -> None:
    # A shell without job control starts background jobs (a CI runner's, say) with SIGINT
    # ignored, and Python keeps it ignored; a user's terminal delivers Ctrl-C.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(srv, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN), "sync", "ACME", "--edgar", srv.url, "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
        preexec_fn=_default_sigint,
    )


def _wait_for(srv, glob: str, n: int, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while srv.count(glob) < n:
        assert time.monotonic() < end, f"server never saw {n} x {glob}"
        time.sleep(0.005)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_exits_with_one_line_and_keeps_what_was_stored(tmp_path, edgar_server, sig):
    srv = edgar_server(build_mirror([IssuerSpec(ACME, "ACME", n=30)]), latency=0.2)
    db = tmp_path / "i.db"
    p = _start(srv, db)
    _wait_for(srv, "Archives/*", 11)  # past the first burst: some answers are stored
    t = time.monotonic()
    p.send_signal(sig)
    out, err = p.communicate(timeout=10)
    assert time.monotonic() - t < 3  # no waiting for requests in flight
    assert p.returncode == 130
    assert one_line(err) and "interrupted;" in err and "resume" in err
    kept = int(err.split("interrupted; ")[1].split()[0])
    con = sqlite3.connect(db)
    assert con.execute("SELECT count(*) FROM filings").fetchone() == (kept,)
    assert kept >= 1
    con.close()
    srv.reset_log()
    r = run("ACME", "--edgar", srv.url, "--db", str(db))
    assert r.returncode == 0 and r.stdout.startswith(f"{30 - kept} new filings, {kept} already")
    assert srv.count("Archives/*") == 30 - kept


def check_consistent(path: Path) -> int:
    """integrity_check ok, no orphan rows, and every stored filing complete: its rows,
    owners, footnotes and signatures are all there (compared with its own raw XML)."""
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    n = 0
    for acc, raw in con.execute("SELECT accession, raw_xml FROM filings").fetchall():
        f = parse_ownership(zlib.decompress(raw))

        def count(table: str, acc: str = acc) -> int:
            q = f"SELECT count(*) FROM {table} WHERE accession = ?"
            return con.execute(q, (acc,)).fetchone()[0]

        assert count("ownership_rows") == len(f.rows), acc
        assert count("filing_owners") == len(f.reporting_owners), acc
        assert count("footnotes") == len(f.footnotes), acc
        assert count("signatures") == len(f.signatures), acc
        n += 1
    con.close()
    return n


@pytest.mark.slow
def test_sigkill_at_several_points_then_resume_gives_the_same_db(tmp_path, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=40, recent=15, page_size=10)])
    srv = edgar_server(m, latency=0.05)
    base = tmp_path / "base.db"
    r = run("ACME", "--edgar", srv.url, "--db", str(base))
    assert r.returncode == 0 and r.stdout.startswith("40 new filings")
    expected = dump(base)
    assert len(expected["filings"]) == 40

    db = tmp_path / "killed.db"
    stored = 0
    # Killed while listing, then at several points while filings are fetched and written.
    for glob, n in [("submissions/*", 1), ("Archives/*", 3), ("Archives/*", 9), ("Archives/*", 17)]:
        srv.reset_log()
        p = _start(srv, db)
        _wait_for(srv, glob, n)
        p.kill()
        p.wait(timeout=10)
        assert p.returncode == -signal.SIGKILL
        now = check_consistent(db) if db.exists() else 0
        assert now >= stored  # nothing stored is ever lost
        stored = now
    assert 0 < stored < 40
    srv.reset_log()
    r = run("ACME", "--edgar", srv.url, "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"{40 - stored} new filings, {stored} already stored, 0 failed")
    assert srv.count("Archives/*") == 40 - stored  # only what was missing
    assert check_consistent(db) == 40
    assert dump(db) == expected


@pytest.mark.slow
def test_edgar_refusing_for_good_stops_with_one_line_user_agent_masked(tmp_path, edgar_server):
    m = build_mirror([IssuerSpec(ACME, "ACME", n=4)])
    srv = edgar_server(m)
    # "Undeclared Automated Tool" on every filing, with a tiny Retry-After to keep it fast.
    srv.add_fault("403-tool", "Archives/*", skip=1, times=None, retry_after=0.01)
    r = run("ACME", "--edgar", srv.url, "--db", str(tmp_path / "i.db"), "--user-agent", UA)
    assert r.returncode == 1
    assert one_line(r.stderr) and "kept refusing" in r.stderr
    assert "Jane Tester <e-mail>" in r.stderr
    assert "jane.tester@example.com" not in r.stdout + r.stderr
    # Stored in list order: the one let through is kept if nothing before it was refused.
    # A first sync that stored nothing leaves no database file at all.
    if not (tmp_path / "i.db").exists():
        return
    con = sqlite3.connect(tmp_path / "i.db")
    assert con.execute("SELECT count(*) FROM filings").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM sync_failures").fetchone() == (0,)


def test_bad_edgar_url_is_one_line_at_once(tmp_path):
    t = time.monotonic()
    r = run("ACME", "--edgar", "http://127.0.0.1:notaport", "--db", str(tmp_path / "i.db"))
    assert r.returncode == 1 and one_line(r.stderr), r.stderr
    assert time.monotonic() - t < 10


def test_unreachable_edgar_is_one_quick_line(tmp_path):
    import socket

    with socket.socket() as s:  # a port nothing listens on once this socket is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t = time.monotonic()
    r = run("AAPL", "--edgar", f"http://127.0.0.1:{port}", "--db", str(tmp_path / "u.db"))
    assert time.monotonic() - t < 10
    assert r.returncode == 1 and one_line(r.stderr)
    assert f"cannot connect to 127.0.0.1:{port}: connection refused" in r.stderr
