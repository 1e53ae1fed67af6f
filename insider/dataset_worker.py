"""Reading a big quarter in a second process while this one writes it.

At 2024q1 size, reading the ZIP into rows (dataset_stream, then quarter_rows.encode) costs
about as much CPU as inserting them (bulkstore.write_quarter): in one process the two add
up; with the reading in a child process they overlap when a second core is free. The
child writes batches of rows to its stdout, pickled (the pipe holds it at most one batch
ahead: memory stays flat), and never touches the database; what it finds wrong comes back
as the exception the one-process path raises, and the parent's transaction rolls back.

A plain child interpreter (subprocess), not multiprocessing: its "spawn" re-runs the
caller's main script in the child (a script without a __main__ guard would import twice),
and "fork" would copy an open SQLite connection and the progress bar's thread. The child
runs in its own session, so Ctrl-C reaches only the parent, which ends it; if the parent
dies, the child's next write fails and it exits, silently.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from . import dataset_stream, datasets, quarter_rows
from .datasets import DatasetError
from .quarter_rows import Batch, Source

# Fewer submissions than this: one process (starting a child costs ~0.1 s).
MIN_SUBMISSIONS = 20_000

_PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


def worth_it(submissions: int) -> bool:
    """A second process only for a big quarter, and only with a second core to run it."""
    return submissions >= MIN_SUBMISSIONS and len(os.sched_getaffinity(0)) > 1


def batches(path: str, skip: set[str], source: Source) -> Iterator[Batch]:
    """quarter_rows.encode of the ZIP's members (in accession order), computed in a
    child process. Raises what the one-process path raises: DatasetError, Unsorted."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (_PACKAGE_ROOT, env.get("PYTHONPATH"))))
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            [sys.executable, "-c", "from insider.dataset_worker import main; main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=env,
            start_new_session=True,
        )
        try:
            assert child.stdin is not None and child.stdout is not None
            pickle.dump((path, skip, source), child.stdin, pickle.HIGHEST_PROTOCOL)
            child.stdin.close()
            while True:
                try:
                    kind, payload = pickle.load(child.stdout)
                except EOFError:
                    raise DatasetError(_stopped(path, child, errors)) from None
                if kind == "batch":
                    yield payload
                elif kind == "done":
                    return
                elif kind == "unsorted":
                    raise dataset_stream.Unsorted(payload)
                elif kind == "error":
                    raise DatasetError(payload)
                else:  # a bug in the reader: as it would surface in one process
                    raise RuntimeError(payload)
        finally:
            if child.poll() is None:
                child.kill()
            child.wait()
            child.stdout.close()  # type: ignore[union-attr]


def _stopped(path: str, child: subprocess.Popen, errors) -> str:
    code = child.wait()
    errors.seek(0)
    lines = errors.read().decode(errors="replace").strip().splitlines()
    why = f": {lines[-1][:200]}" if lines else ""
    return f"{path}: the process reading the ZIP stopped (exit code {code}){why}"


def main() -> None:
    """The child: (path, skip, source) pickled on stdin; ("batch", Batch)... then
    ("done", None) or one ("unsorted" | "error" | "crash", message) on stdout."""
    out = sys.stdout.buffer
    try:
        path, skip, source = pickle.load(sys.stdin.buffer)
        with datasets.open_zip(path) as zf:
            members = datasets.find_members(zf)
            for batch in quarter_rows.encode(dataset_stream.filings(zf, members), skip, source):
                pickle.dump(("batch", batch), out, pickle.HIGHEST_PROTOCOL)
        _tell(out, "done", None)
    except (BrokenPipeError, ConnectionResetError):
        os._exit(0)  # the parent is gone or gave up: nothing to tell, nothing to flush
    except dataset_stream.Unsorted as e:
        _tell(out, "unsorted", str(e))
    except DatasetError as e:
        _tell(out, "error", str(e))
    except BaseException as e:  # noqa: BLE001 (a bug: told to the parent, never printed here)
        _tell(out, "crash", f"reading the ZIP failed: {type(e).__name__}: {e}")


def _tell(out, kind: str, message: str | None) -> None:
    try:
        pickle.dump((kind, message), out, pickle.HIGHEST_PROTOCOL)
        out.flush()
    except OSError:
        os._exit(0)
