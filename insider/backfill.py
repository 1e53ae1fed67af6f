"""`insider backfill`: whole quarters of the SEC's Insider Transactions Data Sets.

import_zip() is the bulk path from Python: one quarter's ZIP into the store, all or
nothing (datasets.py decodes, bulkstore.py writes).
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from . import (
    bulkstore,
    dataset_rows,
    dataset_stream,
    dataset_worker,
    datasets,
    quarter_rows,
    store,
)
from .bulkstore import ImportResult, QuarterRecord
from .datasets import DatasetError
from .edgar import Cancelled, Edgar, EdgarError, RateLimited
from .edgar import datasetzips as zipfetch


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def import_zip(
    db: sqlite_utils.Database,
    path: str | Path,
    quarter: str | None = None,
    *,
    record: QuarterRecord | None = None,
    progress: Callable[[str, int], None] | None = None,
    reader: dataset_worker.Reader | None = None,
) -> ImportResult:
    """Import one quarter's ZIP (all eight members) into `db` in one transaction.

    `quarter` defaults to the one in the file name (2024q3_form345.zip). Raises
    DatasetError (one line) for anything unreadable; nothing of the quarter is stored then.
    `progress(stage, n)` gets ('stage:MEMBER', rows read) then ('write', filings written).
    `reader`: this ZIP's rows already being read by a child process (prefetch()).
    """
    path = str(path)
    if quarter is None:
        quarter = (record.quarter if record else None) or datasets.quarter_of_name(
            os.path.basename(path)
        )
        if quarter is None:
            raise DatasetError(
                f"{path}: cannot tell the quarter from the file name; name it like "
                "2024q3_form345.zip"
            )
    quarter = datasets.parse_quarter(quarter)
    if record is None:
        try:
            size = os.path.getsize(path)
        except OSError as e:
            raise DatasetError(f"{path}: {e.strerror}") from None
        record = QuarterRecord(quarter, sha256_file(path), size)
    elif record.quarter != quarter:
        record = QuarterRecord(
            quarter, record.sha256, record.size, record.url, record.etag, record.last_modified
        )
    return _stage_and_write(db, db.conn, path, record, progress, reader)


# The page cache while a quarter goes in: every index of ownership_rows, filings and
# field_footnotes is updated at once, and is_latest is ranked by position (random pages):
# SQLite's default 2 MB makes that several times slower. 96 MB: peak RSS ~240 MB at 2024q1
# size (128 MB gave 283 MB once the quarter's position set is kept in memory).
CACHE_KIB = 96 * 1024


def prefetch(
    path: str | Path, record: QuarterRecord, *, ahead: bool = True
) -> dataset_worker.Reader | None:
    """Start reading a big ZIP in a child process now, for import_zip(reader=...) later
    (backfill.run reads the next quarter while it writes this one). None when not worth
    it, or when its members are not in order (the staged path reads those)."""
    try:
        with datasets.open_zip(str(path)) as zf:
            accessions = dataset_stream.submission_accessions(zf, datasets.find_members(zf))
    except DatasetError:
        return None  # import_zip says what is wrong, in its turn
    if accessions is None or not dataset_worker.worth_it(len(accessions)):
        return None
    source = quarter_rows.Source(bulkstore.source_tag(record.quarter), record.sha256, store.now())
    try:
        return dataset_worker.Reader(str(path), source, ahead=ahead)
    except OSError:
        return None  # import_zip reads it then


def _stage_and_write(db, conn, path, record, progress, reader=None) -> ImportResult:
    """Members in accession order (the SEC's) are merged as they are read
    (dataset_stream); any other quarter is staged and sorted first (datasets.stage)."""
    with datasets.open_zip(path) as zf:
        members = datasets.find_members(zf)
        accessions = dataset_stream.submission_accessions(zf, members)
        if accessions is not None:
            try:
                with _big_cache(conn):
                    return bulkstore.write_quarter(
                        db,
                        _merged(zf, members, path, len(accessions), reader),
                        record,
                        lambda c: store.known_accessions(c, accessions, any_source=True),
                        (lambda n: progress("write", n)) if progress else None,
                    )
            except dataset_rows.Unsorted:
                pass  # nothing was kept (one transaction): sort them, below
        return _staged(db, conn, zf, record, progress)


def _merged(zf, members, path, submissions: int, reader) -> bulkstore.Encoder:
    """The rows of a quarter whose members are in order: read in a second process while
    this one writes when the quarter is big (dataset_worker), else read here."""
    if reader is not None:
        return lambda skip, source: reader.batches(skip)
    if dataset_worker.worth_it(submissions):
        return lambda skip, source: _read_aside(zf, members, path, skip, source)
    return lambda skip, source: quarter_rows.encode(
        dataset_stream.filings(zf, members), skip, source
    )


def _read_aside(zf, members, path: str, skip: set[str], source: quarter_rows.Source) -> Iterator:
    try:
        reader = dataset_worker.Reader(path, source)
    except OSError:  # no spool file or no process to be had (full TMPDIR...): read here
        yield from quarter_rows.encode(dataset_stream.filings(zf, members), skip, source)
        return
    with reader:
        yield from reader.batches(skip)


def _staged(db, conn, zf, record, progress) -> ImportResult:
    try:
        conn.execute("BEGIN")  # the TEMP staging tables only: no lock on the database
        try:
            datasets.stage(conn, zf, (lambda m, n: progress(f"stage:{m}", n)) if progress else None)
        finally:
            conn.execute("COMMIT")
        # Cursors sorted with the connection's own (small) cache, then the big one.
        rows = dataset_rows.filings(conn)
        try:
            with _big_cache(conn):
                return bulkstore.write_quarter(
                    db,
                    lambda skip, source: quarter_rows.encode(rows, skip, source),
                    record,
                    datasets.stored_of_staged,
                    (lambda n: progress("write", n)) if progress else None,
                )
        finally:
            rows.close()
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        datasets.drop_stage(conn)


@contextmanager
def _big_cache(conn) -> Iterator[None]:
    (cache,) = conn.execute("PRAGMA cache_size").fetchone()
    conn.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {cache}")


# ---------------------------------------------------------------- the command
@dataclass
class Outcome:
    quarter: str
    action: str  # 'imported', 'unchanged', 'failed'
    result: ImportResult | None = None
    message: str = ""


@dataclass
class BackfillResult:
    outcomes: list[Outcome] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.action == "failed"]

    def summary(self) -> str:
        n = {a: sum(o.action == a for o in self.outcomes) for a in ("imported", "unchanged")}
        filings = sum(o.result.filings for o in self.outcomes if o.result)
        return (
            f"{n['imported']} quarters imported ({filings} filings), {n['unchanged']} unchanged,"
            f" {len(self.failed)} failed; {self.requests} requests in {self.seconds:.1f} s"
        )


# progress(event, quarter, done, total): event 'download' (bytes) or 'import' (filings)
Events = Callable[[str, str, int, int | None], None]


def imported_quarters(db: sqlite_utils.Database) -> dict[str, dict]:
    cur = db.execute("SELECT quarter, sha256, size, etag, last_modified FROM dataset_quarters")
    return {r[0]: {"sha256": r[1], "size": r[2], "etag": r[3], "last_modified": r[4]} for r in cur}


def run(
    db: sqlite_utils.Database,
    edgar: Edgar | None,
    quarters: list[str] = (),  # type: ignore[assignment]
    *,
    since: str | None = None,
    zips: list[Path] = (),  # type: ignore[assignment]
    keep_zips: Path | None = None,
    work_dir: Path | None = None,
    progress: Events | None = None,
) -> BackfillResult:
    """Import quarters: from local ZIPs (`zips`, no network) or from the SEC's landing
    page through `edgar` (the quarters named, those from `since`, or else every quarter
    not imported yet). Each quarter all or nothing; a failed quarter does not stop the
    others (it is reported); RateLimited and Cancelled stop everything."""
    started = time.monotonic()
    out = BackfillResult()
    before = edgar.requests if edgar else 0
    ahead = _Ahead(db, out, progress)
    try:
        if zips:
            for z in zips:
                _local_zip(db, Path(z), out, ahead)
        else:
            assert edgar is not None
            _from_edgar(db, edgar, quarters, since, keep_zips, work_dir, out, progress, ahead)
        ahead.finish()
    finally:
        ahead.close()
        out.outcomes.sort(key=lambda o: o.quarter)  # imports end one quarter behind
        out.requests = (edgar.requests - before) if edgar else 0
        out.seconds = time.monotonic() - started
    return out


def _events(progress: Events | None, event: str, quarter: str):
    if progress is None:
        return None
    return lambda done, total=None: progress(event, quarter, done, total)


class _Ahead:
    """Quarters imported one behind: the next quarter's ZIP is read by a child process
    (prefetch) while this one is written. finish() imports the last one."""

    def __init__(self, db, out: BackfillResult, progress) -> None:
        self.db, self.out, self.progress = db, out, progress
        self.pending: tuple | None = None

    def add(self, path: Path, record: QuarterRecord, done: Callable[[], None] | None = None):
        # the first quarter's reader is not ahead of anything: not niced
        reader = prefetch(path, record, ahead=self.pending is not None)
        before, self.pending = self.pending, (path, record, reader, done)
        if before:
            self._import(*before)

    def holds(self, quarter: str, sha256: str) -> bool:
        """Whether this very ZIP waits to be imported (named twice on the command line)."""
        return self.pending is not None and (self.pending[1].quarter, self.pending[1].sha256) == (
            quarter,
            sha256,
        )

    def finish(self) -> None:
        before, self.pending = self.pending, None
        if before:
            self._import(*before)

    def close(self) -> None:  # after an interruption: the child reading ahead ends too
        if self.pending and self.pending[2] is not None:
            self.pending[2].close()

    def _import(self, path, record, reader, done) -> None:
        try:
            _import_quarter(self.db, path, record, self.out, self.progress, reader)
        finally:
            if reader is not None:
                reader.close()
            if done:
                done()


def _import_quarter(
    db, path: Path, record: QuarterRecord, out: BackfillResult, progress, reader=None
) -> None:
    rows = _events(progress, "import", record.quarter)
    try:
        result = import_zip(
            db,
            path,
            record.quarter,
            record=record,
            progress=(lambda stage, n: rows(n)) if rows else None,
            reader=reader,
        )
    except DatasetError as e:
        out.outcomes.append(Outcome(record.quarter, "failed", message=str(e)))
        return
    out.outcomes.append(Outcome(record.quarter, "imported", result))


def _local_zip(db, path: Path, out: BackfillResult, ahead: _Ahead) -> None:
    quarter = datasets.quarter_of_name(path.name)
    if quarter is None:
        raise DatasetError(
            f"{path}: cannot tell the quarter from the file name; name it like 2024q3_form345.zip"
        )
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    sha = sha256_file(path)
    if imported_quarters(db).get(quarter, {}).get("sha256") == sha or ahead.holds(quarter, sha):
        out.outcomes.append(Outcome(quarter, "unchanged"))
        return
    ahead.add(path, QuarterRecord(quarter, sha, path.stat().st_size))


def _from_edgar(db, edgar, quarters, since, keep_zips, work_dir, out, progress, ahead) -> None:
    links = zipfetch.fetch_landing(edgar)
    done = imported_quarters(db)
    if quarters:
        missing = [q for q in quarters if q not in links]
        if missing:
            raise DatasetError(
                f"{', '.join(missing)}: not on the SEC's data-set page (it lists "
                f"{min(links)} to {max(links)})"
            )
        wanted = list(quarters)
    elif since:
        wanted = [q for q in links if q >= since]
    else:
        wanted = [q for q in links if q not in done]
    folder = keep_zips or work_dir
    assert folder is not None
    for quarter in sorted(wanted):
        path = links[quarter]
        before = done.get(quarter)
        dest = folder / path.rsplit("/", 1)[-1]
        try:
            got = zipfetch.download(
                edgar,
                path,
                dest,
                etag=before["etag"] if before else None,
                last_modified=before["last_modified"] if before else None,
                progress=_events(progress, "download", quarter),
            )
        except (RateLimited, Cancelled):
            raise
        except EdgarError as e:
            out.outcomes.append(Outcome(quarter, "failed", message=str(e)))
            continue
        if got.status == "not-modified":
            out.outcomes.append(Outcome(quarter, "unchanged"))
            continue
        assert got.path is not None
        sha = sha256_file(got.path)
        if before and before["sha256"] == sha:
            out.outcomes.append(Outcome(quarter, "unchanged"))
        else:
            record = QuarterRecord(
                quarter, sha, got.size, edgar.url(path), got.etag, got.last_modified
            )
            # imported once the next quarter is on its way; its ZIP goes after that
            drop = got.path if keep_zips is None else None
            ahead.add(got.path, record, drop and (lambda p=drop: p.unlink(missing_ok=True)))
            continue
        if keep_zips is None:
            got.path.unlink(missing_ok=True)
