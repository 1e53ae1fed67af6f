"""`insider export DIR`: the documented tables and views as Hive-partitioned datasets that
DuckDB, Spark and Trino read as they are (Parquet; or CSV / NDJSON).

One read transaction gives every dataset the same snapshot of the database. Each dataset
is read in one streaming scan (BATCH rows at a time, never whole). An earlier export to
the same folder is compared partition by partition (state.py): a first scan only hashes
the rows, and only partitions whose hash changed are converted and written, each to a
temporary file. All temporary files are renamed over the old ones at the very end, with
Ctrl-C held back for those few milliseconds: interrupted at any earlier moment, the
previous export is left exactly as it was. When no row changed since the last complete
export to the folder (changes.py: triggers keep the mark), nothing is read at all.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import changes, files, state
from .datasets import ALL, DEFAULT, ON_REQUEST, Dataset, dataset

__all__ = ["ALL", "DEFAULT", "ON_REQUEST", "ExportResult", "LakeError", "export"]

FORMATS = ("parquet", "csv", "ndjson")
ROW_GROUP = 65_536  # Parquet rows buffered per partition before a row group is written


class LakeError(Exception):
    """A problem the user can fix; one line."""


@dataclass(slots=True)
class DatasetResult:
    name: str
    written: int = 0  # partitions written
    unchanged: int = 0
    removed: int = 0
    rows_written: int = 0
    bytes_written: int = 0
    rows: int = 0  # rows in the dataset after the export
    untyped: int = 0  # values kept as text in exact_text
    read: bool = True  # False: no row changed since the last export, nothing was read

    def line(self) -> str:
        return (
            f"{self.name}: {self.rows:,} rows; {self.written} partition(s) written, "
            f"{self.unchanged} unchanged, {self.removed} removed"
            + ("" if self.read else " (no row changed: not read)")
        )


@dataclass(slots=True)
class ExportResult:
    folder: Path
    fmt: str
    datasets: list[DatasetResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows_written(self) -> int:
        return sum(d.rows_written for d in self.datasets)

    @property
    def bytes_written(self) -> int:
        return sum(d.bytes_written for d in self.datasets)

    @property
    def untyped(self) -> int:
        return sum(d.untyped for d in self.datasets)

    def summary(self) -> str:
        w = sum(d.written for d in self.datasets)
        u = sum(d.unchanged for d in self.datasets)
        return (
            f"exported to {self.folder} ({self.fmt}): {w} partition(s) written "
            f"({self.rows_written:,} rows, {self.bytes_written:,} bytes), {u} unchanged, "
            f"in {self.seconds:.1f} s"
        )


def _need_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise LakeError(
            "Parquet needs pyarrow: pip install 'insider[export]' (CSV and NDJSON do not)"
        ) from None


def _open(db_path: Path) -> tuple[sqlite3.Connection, sqlite3.Connection]:
    """A reader (one snapshot for the whole export) and a writer (lake_partitions)."""
    from .. import db
    from ..errors import StoreError

    try:
        reader = db.connect_readonly(db_path)  # brings an older file forward once
    except db.NoDatabase:
        raise LakeError(
            f"database {db_path} does not exist; run 'insider sync TICKER' first"
        ) from None
    except StoreError as e:
        raise LakeError(str(e)) from None
    try:
        writer = db.connect(db_path)
    except StoreError as e:
        reader.close()
        raise LakeError(str(e)) from None
    return reader, writer


def export(
    db_path: str | Path,
    folder: str | Path,
    fmt: str = "parquet",
    since: str | None = None,
    until: str | None = None,
    names: tuple[str, ...] = DEFAULT,
    log: Callable[[str], None] | None = None,
) -> ExportResult:
    """Export the datasets `names` to `folder` in `fmt`, rows with dates (YYYY-MM-DD) from
    since to until; see the module docstring. LakeError: one line for the user."""
    if fmt not in FORMATS or not set(names) <= set(ALL):
        raise ValueError(f"format {fmt!r} or datasets {names!r} unknown")
    if fmt == "parquet":
        _need_pyarrow()
    root = Path(folder).resolve()
    if root.exists() and not root.is_dir():
        raise LakeError(f"{folder} exists and is not a folder")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise LakeError(f"cannot create {folder}: {e.strerror}") from None
    start = time.monotonic()
    reader, writer = _open(Path(db_path))
    run = _Run(reader, root, fmt, since, until)
    result = ExportResult(root, fmt)
    try:
        prior = state.load(writer, str(root))
        chosen = [dataset(name) for name in names]
        fence = changes.fence(writer, str(root), chosen, fmt, since, until)
        reader.execute("BEGIN")  # one snapshot for every dataset, begun after the fence
        for ds in chosen:
            files.remove_leftovers(root, ds.name)
            before = {p: part for (d, p), part in prior.items() if d == ds.name}
            res = run.dataset(ds, before, ds.name in fence.clean)
            result.datasets.append(res)
            if log:
                log(res.line())
        reader.execute("COMMIT")
        run.commit(writer, fence)
    except BaseException:
        run.abort()
        raise
    finally:
        reader.close()
        writer.close()
    result.seconds = time.monotonic() - start
    return result


@dataclass
class _Run:
    """One export: the partitions it has written to temporary files (pending) and the
    files it will remove, until commit() puts them all in place at once."""

    reader: sqlite3.Connection
    root: Path
    fmt: str
    since: str | None
    until: str | None
    pending: list[tuple[files.PartFile, state.Part]] = field(default_factory=list)
    # dataset, partition, file, and whether the partition is gone (else: only the file)
    removed: list[tuple[str, str, str, bool]] = field(default_factory=list)

    def scan(self, ds: Dataset):
        """(partition, rows) pieces, BATCH rows fetched at a time."""
        sql, params = ds.select(self.since, self.until)
        cur = self.reader.execute(sql, params)
        part_of = files.partition_name
        while rows := cur.fetchmany(state.BATCH):
            groups: dict[Any, list[tuple]] = {}
            for r in rows:
                g = groups.get(r[0])
                if g is None:
                    g = groups[r[0]] = []
                g.append(r[1:])
            for year, g in groups.items():
                yield part_of(year, ds.partitioned), g

    def dataset(self, ds: Dataset, before: dict[str, state.Part], clean: bool) -> DatasetResult:
        res = DatasetResult(ds.name)
        if clean and files.existing_parts(self.root, ds.name) == {p.file for p in before.values()}:
            # no row changed (changes.py) and exactly the recorded files are there: no reading
            res.unchanged = len(before)
            res.rows = sum(p.rows for p in before.values())
            res.read = False
            return res
        current: dict[str, state.Part] = {}
        todo = None  # first export to this folder: every partition
        if before:
            todo = self.changed(ds, before, current, res)
        if todo is None or todo:
            self.write(ds, todo, current, res)
        for part, old in before.items():
            now = current.get(part)
            if now is None:
                self.removed.append((ds.name, part, old.file, True))  # no rows any more
                res.removed += 1
            elif now.file != old.file:
                self.removed.append((ds.name, part, old.file, False))  # other format
        known = {p.file for p in current.values()} | {p.file for p in before.values()}
        for rel in sorted(files.existing_parts(self.root, ds.name) - known):
            self.removed.append((ds.name, "", rel, False))  # not ours to keep: stale
            res.removed += 1
        return res

    def changed(self, ds, before, current, res) -> set[str]:
        """Pass 1: hash every partition's rows; unchanged ones (same hash, file still
        there) go to current as they are. Returns the partitions to write."""
        hashes: dict[str, Any] = {}
        counts: dict[str, int] = {}
        for part, rows in self.scan(ds):
            h = hashes.get(part)
            if h is None:
                h = hashes[part] = state.new_hash(self.fmt, ds.name, ds.columns)
            state.feed(h, rows)
            counts[part] = counts.get(part, 0) + len(rows)
        for part, h in hashes.items():
            old = before.get(part)
            if (
                old is not None
                and old.fingerprint == h.hexdigest()
                and (self.root / old.file).is_file()
            ):
                current[part] = old
                res.unchanged += 1
                res.rows += counts[part]
        return set(hashes) - set(current)

    def write(self, ds, todo: set[str] | None, current, res) -> None:
        """Pass 2: convert and write the partitions in todo (None: all), each to its
        temporary file; Parquet row groups of up to ROW_GROUP rows per partition."""
        parquet = self.fmt == "parquet"
        if parquet:
            import pyarrow as pa

            from . import arrow

            schema = arrow.schema(ds.name, ds.columns)
        else:
            from .text import TextRows

            conv = TextRows(ds.name, ds.columns, ds.computes_value, self.fmt == "ndjson")
            schema = None
        open_files: dict[str, tuple[files.PartFile, state.Part, Any]] = {}
        buffers: dict[str, list] = {}

        def flush(part: str) -> None:
            if buffers[part]:
                table = pa.Table.from_batches(buffers[part], schema=schema)
                open_files[part][0].write_table(table)
                buffers[part] = []

        for part, rows in self.scan(ds):
            if todo is not None and part not in todo:
                continue
            entry = open_files.get(part)
            if entry is None:
                folder = files.partition_dir(self.root, ds.name, part)
                pf = files.PartFile(folder, self.fmt, ds.columns, schema)
                rec = state.Part(ds.name, part, self.fmt, "", 0, 0, "")
                h = state.new_hash(self.fmt, ds.name, ds.columns)
                entry = open_files[part] = (pf, rec, h)
                self.pending.append((pf, rec))  # recorded first: abort() finds it
                pf.open()
                buffers[part] = []
            pf, rec, h = entry
            state.feed(h, rows)
            if parquet:
                batch, untyped = arrow.record_batch(ds.name, ds.columns, rows, ds.computes_value)
                res.untyped += untyped
                buffers[part].append(batch)
                if sum(len(b) for b in buffers[part]) >= ROW_GROUP:
                    flush(part)
            else:
                pf.write_records(conv.records(rows))
        for part, (pf, rec, h) in open_files.items():
            if parquet:
                flush(part)
            size = pf.close()
            rec.fingerprint, rec.rows, rec.bytes = h.hexdigest(), pf.rows, size
            rec.file = str(pf.final.relative_to(self.root))
            current[part] = rec
            res.written += 1
            res.rows_written += pf.rows
            res.bytes_written += size
            res.rows += pf.rows

    def abort(self) -> None:
        for pf, _ in self.pending:
            pf.abort()

    def commit(self, writer: sqlite3.Connection, fence: changes.Fence) -> None:
        """Rename every new partition into place, drop the partitions no longer exported,
        refresh _schema.md/json and the record in the database. Ctrl-C and SIGTERM wait
        for the end of this (milliseconds), so the folder is never left half old, half new."""
        from .schemafile import describe, to_json, to_markdown

        caught: list[int] = []
        old_handlers = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                old_handlers[sig] = signal.signal(sig, lambda s, f: caught.append(s))
            except ValueError:  # not the main thread: nothing to hold back
                pass
        try:
            for pf, _ in self.pending:
                pf.commit()
            for *_, rel, _gone in self.removed:
                files.remove_partition(self.root, rel)
            gone = [(d, p) for d, p, _, is_gone in self.removed if is_gone]
            written = [p for _, p in self.pending]
            state.save(writer, str(self.root), written, gone, lambda: changes.record(writer, fence))
            self.pending.clear()
            formats = {d: p.fmt for (d, _), p in state.load(writer, str(self.root)).items()}
            desc = describe([n for n in ALL if n in formats], self.fmt, formats)
            files.write_atomic(self.root / "_schema.json", to_json(desc))
            files.write_atomic(self.root / "_schema.md", to_markdown(desc))
        finally:
            for sig, h in old_handlers.items():
                signal.signal(sig, h)
