"""Reading a big quarter in a second process while this one writes.

At 2024q1 size, reading the ZIP into rows (dataset_stream, then quarter_rows.encode) costs
about as much CPU as inserting them (bulkstore.write_quarter): in one process the two add
up; with the reading in a child process they overlap when a second core is free. A
backfill of many quarters starts the child of the next quarter before writing the current
one (backfill.run), so the next quarter is read while this one is written.

The child writes its batches of rows, pickled and length-prefixed, to a spool file the
parent reads as it grows (disk, not memory: a child may run a whole quarter ahead). It
never touches the database; what it finds wrong comes back as the exception the
one-process path raises, and the parent's transaction rolls back. It encodes every
filing: the parent leaves out those the database holds (quarter_rows.without), since
which they are is known only inside the write's transaction.

A plain child interpreter (subprocess), not multiprocessing: its "spawn" re-runs the
caller's main script in the child (a script without a __main__ guard would import twice),
and "fork" would copy an open SQLite connection and the progress bar's thread. The child
runs in its own session, so Ctrl-C reaches only the parent, which ends it; the spool file
is unlinked as soon as both ends have it open, so nothing is left behind, even by kill -9.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from . import dataset_rows, dataset_stream, datasets, quarter_rows
from .datasets import DatasetError
from .quarter_rows import Batch, Source

# Fewer submissions than this: one process (starting a child costs ~0.1 s).
MIN_SUBMISSIONS = 20_000

_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)
_HEAD = 8  # bytes of a frame's length


def worth_it(submissions: int) -> bool:
    """A second process only for a big quarter, and only with a second core to run it."""
    return submissions >= MIN_SUBMISSIONS and _cores() > 1


def _cores() -> int:
    """The cores this process may run on (all of the machine's where that is not known)."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux only
    return len(affinity(0)) if affinity else (os.cpu_count() or 1)


class Reader:
    """A child process encoding one quarter's ZIP (members in accession order) into a
    spool file. Use as a context manager; `batches(skip)` reads what it wrote."""

    def __init__(self, path: str, source: Source, *, ahead: bool = False) -> None:
        self.path, self.source = path, source
        self.peak_rss_kib = 0  # the child's, once it is done
        fd, spool = tempfile.mkstemp(prefix="insider-rows-")
        self.errors = tempfile.TemporaryFile()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (_PACKAGE_ROOT, env.get("PYTHONPATH"))))
        self.fd = -1
        try:
            self.fd = os.open(spool, os.O_RDONLY)
            self.child = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "from insider.dataset_worker import main; main()",
                    str(fd),
                    "10" if ahead else "0",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self.errors,
                env=env,
                pass_fds=(fd,),
                start_new_session=True,
            )
        except BaseException:
            if self.fd >= 0:
                os.close(self.fd)
            self.errors.close()
            raise
        finally:
            os.close(fd)
            os.unlink(spool)
        assert self.child.stdin is not None
        pickle.dump((path, source), self.child.stdin, pickle.HIGHEST_PROTOCOL)
        self.child.stdin.close()

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
        self.child.wait()
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        self.errors.close()

    def batches(self, skip: set[str]) -> Iterator[Batch]:
        """The child's batches without the accessions in `skip`. Raises what the
        one-process path raises: DatasetError, dataset_rows.Unsorted."""
        while True:
            kind, payload = pickle.loads(self._read(int.from_bytes(self._read(_HEAD), "little")))
            if kind == "batch":
                yield quarter_rows.without(payload, skip)
            elif kind == "done":
                self.peak_rss_kib = payload
                return
            elif kind == "unsorted":
                raise dataset_rows.Unsorted(payload)
            elif kind == "error":
                raise DatasetError(payload)
            else:  # a bug in the reader: as it would surface in one process
                raise RuntimeError(payload)

    def _read(self, n: int) -> bytes:
        """n bytes of the spool, waiting for the child to write them."""
        parts, want = [], n
        while want:
            data = os.read(self.fd, min(want, 1 << 24))
            if not data:
                if self.child.poll() is None:
                    time.sleep(0.002)
                    continue
                data = os.read(self.fd, want)  # what it wrote just before it ended
                if not data:
                    raise DatasetError(self._stopped())
            parts.append(data)
            want -= len(data)
        return b"".join(parts)

    def _stopped(self) -> str:
        self.errors.seek(0)
        lines = self.errors.read().decode(errors="replace").strip().splitlines()
        why = f": {lines[-1][:200]}" if lines else ""
        return (
            f"{self.path}: the process reading the ZIP stopped "
            f"(exit code {self.child.returncode}){why}"
        )


def main() -> None:
    """The child: (path, source) pickled on stdin, the spool's descriptor and a nice
    increment as arguments; frames ("batch", Batch)... then ("done", peak RSS) or one
    ("unsorted" | "error" | "crash", message)."""
    out = os.fdopen(int(sys.argv[1]), "wb")
    # Reading ahead (the next quarter's ZIP): below the writer and the current reader.
    os.nice(int(sys.argv[2]))
    parent = os.getppid()
    try:
        path, source = pickle.load(sys.stdin.buffer)
        with datasets.open_zip(path) as zf:
            members = datasets.find_members(zf)
            for batch in quarter_rows.encode(dataset_stream.filings(zf, members), set(), source):
                if os.getppid() != parent:
                    os._exit(0)  # the parent died (kill -9): nobody reads the spool
                _frame(out, "batch", batch)
        _frame(out, "done", peak_rss_kib())
    except dataset_rows.Unsorted as e:
        _frame(out, "unsorted", str(e))
    except DatasetError as e:
        _frame(out, "error", str(e))
    except OSError:
        os._exit(1)  # the spool cannot be written (disk full): the parent reports the stop
    except BaseException as e:  # noqa: BLE001 (a bug: told to the parent, never printed here)
        _frame(out, "crash", f"reading the ZIP failed: {type(e).__name__}: {e}")


def peak_rss_kib() -> int:
    """This process's peak resident memory (VmHWM: since its exec, unlike ru_maxrss)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass  # no /proc (not Linux): unknown
    return 0


def _frame(out, kind: str, payload) -> None:
    data = pickle.dumps((kind, payload), pickle.HIGHEST_PROTOCOL)
    out.write(len(data).to_bytes(_HEAD, "little"))
    out.write(data)
    out.flush()
