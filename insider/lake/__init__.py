"""`insider export DIR`: the documented tables and views as Hive-partitioned datasets that
DuckDB, Spark and Trino read as they are (Parquet; or CSV / NDJSON).

One read transaction gives every dataset the same snapshot of the database. Each dataset
is read in one streaming scan (BATCH rows at a time, never whole). An earlier export to
the same folder is compared partition by partition (state.py): a first scan only hashes
the rows, and only partitions whose hash changed are converted and written, each to a
temporary file. All temporary files are renamed over the old ones at the very end, with
Ctrl-C held back for those few milliseconds: interrupted at any earlier moment, the
previous export is left exactly as it was.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import files, state
from .datasets import ALL, DEFAULT, ON_REQUEST, Dataset, dataset, parse_names

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

    def line(self) -> str:
        return (
            f"{self.name}: {self.rows:,} rows; {self.written} partition(s) written, "
            f"{self.unchanged} unchanged, {self.removed} removed"
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


def _check_args(fmt: str, since: str | None, until: str | None, tables: str | None):
    from ..report import ReportError, check_date

    if fmt not in FORMATS:
        raise LakeError(f"--format {fmt!r}: give one of {', '.join(FORMATS)}")
    try:
        names = parse_names(tables)
    except ValueError as e:
        raise LakeError(str(e)) from None
    try:
        s, u = check_date(since, "--since"), check_date(until, "--until")
    except ReportError as e:
        raise LakeError(str(e)) from None
    if s and u and s > u:
        raise LakeError(f"--since {s} is after --until {u}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
            import pyarrow.parquet  # noqa: F401
        except ImportError:
            raise LakeError(
                "Parquet needs pyarrow: pip install 'insider[export]' "
                "(or use --format csv or ndjson)"
            ) from None
    return names, s, u


def _open(db_path: Path):
    from ..errors import StoreError
    from ..report import ReportError, connect_readonly

    try:
        reader = connect_readonly(db_path)  # migrates an older file once
    except ReportError as e:
        raise LakeError(str(e)) from None
    from ..store import connect

    try:
        writer = connect(db_path).conn  # creates lake_partitions when missing
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
    tables: str | None = None,
    log: Callable[[str], None] | None = None,
) -> ExportResult:
    """Export to `folder`; see the module docstring. Raises LakeError for bad arguments."""
    names, since, until = _check_args(fmt, since, until, tables)
    root = Path(folder).resolve()
    if root.exists() and not root.is_dir():
        raise LakeError(f"{folder} exists and is not a folder")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise LakeError(f"cannot create {folder}: {e.strerror}") from None
    start = time.monotonic()
    reader, writer = _open(Path(db_path))
    result = ExportResult(root, fmt)
    pending: list[tuple[files.PartFile, state.Part]] = []
    removed: list[tuple[str, str, str, bool]] = []  # dataset, partition, file, drop record
    try:
        prior = state.load(writer, str(root))
        reader.execute("BEGIN")  # one snapshot for every dataset
        for name in names:
            ds = dataset(name)
            files.remove_leftovers(root, name)
            before = {p: part for (d, p), part in prior.items() if d == name}
            res = DatasetResult(name)
            _export_one(reader, root, ds, fmt, since, until, before, res, pending, removed)
            result.datasets.append(res)
            if log:
                log(res.line())
        reader.execute("COMMIT")
        _commit(root, writer, fmt, pending, removed)
    except BaseException:
        for pf, _ in pending:
            pf.abort()
        raise
    finally:
        reader.close()
        writer.close()
    result.seconds = time.monotonic() - start
    return result


def _scan(reader: sqlite3.Connection, ds: Dataset, since, until):
    """(partition, rows) pieces, BATCH rows fetched at a time."""
    sql, params = ds.select(since, until)
    cur = reader.execute(sql, params)
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


def _export_one(reader, root, ds, fmt, since, until, before, res, pending, removed):
    current: dict[str, state.Part] = {}
    if before:  # pass 1: which partitions changed since the last export?
        hashes: dict[str, Any] = {}
        counts: dict[str, int] = {}
        for part, rows in _scan(reader, ds, since, until):
            h = hashes.get(part) or hashes.setdefault(
                part, state.new_hash(fmt, ds.name, ds.columns)
            )
            state.feed(h, rows)
            counts[part] = counts.get(part, 0) + len(rows)
        for part, h in hashes.items():
            old = before.get(part)
            fp = h.hexdigest()
            if (
                old is not None
                and old.fingerprint == fp
                and old.fmt == fmt
                and (root / old.file).is_file()
            ):
                current[part] = old
                res.unchanged += 1
                res.rows += counts[part]
        todo = set(hashes) - set(current)
    else:
        todo = None  # everything
    if todo is None or todo:
        _write(reader, root, ds, fmt, since, until, todo, res, pending, current)
    for part, old in before.items():
        now = current.get(part)
        if now is None:
            removed.append((ds.name, part, old.file, True))  # no rows there any more
            res.removed += 1
        elif now.file != old.file:
            removed.append((ds.name, part, old.file, False))  # other format: the old file


def _write(reader, root, ds, fmt, since, until, todo, res, pending, current) -> None:
    parquet = fmt == "parquet"
    if parquet:
        from . import arrow

        schema = arrow.schema(ds.name, ds.columns)
    else:
        from .text import TextRows

        conv = TextRows(ds.name, ds.columns, ds.computes_value, fmt == "ndjson")
        schema = None
    open_files: dict[str, files.PartFile] = {}
    hashes: dict[str, Any] = {}
    buffers: dict[str, list] = {}
    buffered: dict[str, int] = {}

    def flush(part: str) -> None:
        import pyarrow as pa

        if buffers.get(part):
            open_files[part].write_table(pa.Table.from_batches(buffers[part], schema=schema))
            buffers[part], buffered[part] = [], 0

    for part, rows in _scan(reader, ds, since, until):
        if todo is not None and part not in todo:
            continue
        pf = open_files.get(part)
        if pf is None:
            folder = files.partition_dir(root, ds.name, part)
            pf = open_files[part] = files.PartFile(folder, fmt, ds.columns, schema)
            pending.append((pf, state.Part(ds.name, part, fmt, "", 0, 0, "")))
            pf.open()
            hashes[part] = state.new_hash(fmt, ds.name, ds.columns)
            buffers[part], buffered[part] = [], 0
        state.feed(hashes[part], rows)
        if parquet:
            batch, untyped = arrow.record_batch(ds.name, ds.columns, rows, ds.computes_value)
            res.untyped += untyped
            buffers[part].append(batch)
            buffered[part] += len(rows)
            if buffered[part] >= ROW_GROUP:
                flush(part)
        else:
            pf.write_records(conv.records(rows))
    for part, pf in open_files.items():
        if parquet:
            flush(part)
        size = pf.close()
        rec = next(p for f, p in pending if f is pf)
        rec.fingerprint = hashes[part].hexdigest()
        rec.rows, rec.bytes = pf.rows, size
        rec.file = str(pf.final.relative_to(root))
        current[part] = rec
        res.written += 1
        res.rows_written += pf.rows
        res.bytes_written += size
        res.rows += pf.rows


def _formats(writer: sqlite3.Connection, root: Path) -> dict[tuple[str, str], str]:
    return {k: p.fmt for k, p in state.load(writer, str(root)).items()}


def _commit(root, writer, fmt, pending, removed) -> None:
    """Rename every new partition into place, drop the partitions no longer exported,
    refresh _schema.md/json and the record in the database. Ctrl-C and SIGTERM wait for
    the end of this (milliseconds), so the folder is never left half old, half new."""
    from .schemafile import describe, to_json, to_markdown

    caught: list[int] = []
    old_handlers = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            old_handlers[sig] = signal.signal(sig, lambda s, f: caught.append(s))
        except ValueError:  # not the main thread: nothing to hold back
            pass
    try:
        for pf, _ in pending:
            pf.commit()
        for *_, rel, _drop in removed:
            files.remove_partition(root, rel)
        gone = [(d, p) for d, p, _, drop in removed if drop]
        state.save(writer, str(root), [p for _, p in pending], gone)
        formats = {d: f for (d, _p), f in _formats(writer, root).items()}
        desc = describe([n for n in ALL if n in formats], fmt, formats)
        files.write_atomic(root / "_schema.json", to_json(desc))
        files.write_atomic(root / "_schema.md", to_markdown(desc))
        pending.clear()
    finally:
        for sig, h in old_handlers.items():
            signal.signal(sig, h)
