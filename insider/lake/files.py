"""One file per partition, replaced atomically.

A partition is written to a temporary file in its own folder whose name engines skip (it
starts with `_`, which Spark, Hive and Trino ignore, and does not end in .parquet/.csv/
.ndjson, so no `**/*.parquet` glob matches it), flushed to disk, then renamed over the
final name (`part-0.parquet`) in one step. A reader sees the old file or the new one,
never half of one. Interrupted before the rename, the previous file is untouched; a
leftover temporary file (kill -9) is removed by the next export.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

EXT = {"parquet": "parquet", "csv": "csv", "ndjson": "ndjson"}
FINAL = "part-0.{ext}"
_TEMP_RE = re.compile(r"^_part-0\.(parquet|csv|ndjson)\.tmp-\d+$")


def partition_dir(root: Path, dataset: str, partition: str) -> Path:
    return root / dataset / partition if partition else root / dataset


def partition_name(year: str | None, partitioned: bool) -> str:
    if not partitioned:
        return ""
    return f"year={year}" if year else "year=__HIVE_DEFAULT_PARTITION__"


def remove_leftovers(root: Path, dataset: str) -> int:
    """Temporary files of an export that was killed: ours by name, nothing else."""
    n = 0
    base = root / dataset
    if not base.is_dir():
        return 0
    for p in [base, *(d for d in base.iterdir() if d.is_dir())]:
        for f in p.iterdir():
            if _TEMP_RE.match(f.name):
                f.unlink(missing_ok=True)
                n += 1
    return n


_FINAL_RE = re.compile(r"^part-0\.(parquet|csv|ndjson)$")


def existing_parts(root: Path, dataset: str) -> set[str]:
    """Partition files in our layout already in the dataset's folder (relative paths),
    whether or not the database remembers writing them (a folder exported from another
    database, or moved): an export leaves none it did not write this time."""
    base = root / dataset
    if not base.is_dir():
        return set()
    out = set()
    for p in [base, *(d for d in base.iterdir() if d.is_dir() and d.name.startswith("year="))]:
        for f in p.iterdir():
            if _FINAL_RE.match(f.name):
                out.add(str(f.relative_to(root)))
    return out


class PartFile:
    """One partition being written: to a temporary file, until commit() renames it."""

    def __init__(self, folder: Path, fmt: str, columns: tuple[str, ...], schema: Any = None):
        """Nothing is created yet: the caller records the object (to abort it on Ctrl-C)
        before open() creates the temporary file."""
        self.fmt = fmt
        self.final = folder / FINAL.format(ext=EXT[fmt])
        self.temp = folder / f"_{self.final.name}.tmp-{os.getpid()}"
        self.rows = 0
        self.columns = columns
        self.schema = schema
        self._pq: Any = None
        self._stream: io.TextIOWrapper | None = None
        self._csv: Any = None

    def open(self) -> None:
        self.final.parent.mkdir(parents=True, exist_ok=True)
        fmt, schema, columns = self.fmt, self.schema, self.columns
        if fmt == "parquet":
            import pyarrow.parquet as pq

            self._pq = pq.ParquetWriter(
                self.temp, schema, compression="zstd", write_statistics=True
            )
        else:
            self._stream = open(self.temp, "w", encoding="utf-8", newline="")  # noqa: SIM115
            if fmt == "csv":
                from .text import write_csv_header

                self._csv = write_csv_header(self._stream, columns)

    def write_table(self, table: Any) -> None:
        self._pq.write_table(table, row_group_size=len(table) or None)
        self.rows += len(table)

    def write_records(self, records: list[list[Any]]) -> None:
        if self.fmt == "csv":
            self._csv.writerows(records)
        else:
            from .text import write_ndjson

            write_ndjson(self._stream, self.columns, records)  # type: ignore[arg-type]
        self.rows += len(records)

    def close(self) -> int:
        """Finish the temporary file, flushed to disk; returns its size in bytes."""
        if self._pq is not None:
            self._pq.close()
            self._pq = None
            with open(self.temp, "rb+") as f:
                os.fsync(f.fileno())
        elif self._stream is not None:
            self._stream.flush()
            os.fsync(self._stream.fileno())
            self._stream.close()
            self._stream = None
        return self.temp.stat().st_size

    def abort(self) -> None:
        try:
            if self._pq is not None:
                self._pq.close()
            if self._stream is not None:
                self._stream.close()
        except Exception:  # noqa: BLE001  # best effort: we are already failing
            pass
        self.temp.unlink(missing_ok=True)
        folder = self.final.parent
        try:  # a partition folder this export created, still empty
            if folder.name.startswith("year=") and not any(folder.iterdir()):
                folder.rmdir()
        except OSError:
            pass

    def commit(self) -> None:
        os.replace(self.temp, self.final)
        fsync_dir(self.final.parent)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_partition(root: Path, rel_file: str) -> None:
    """A partition no longer exported: its file, then its folder if that is now empty."""
    path = root / rel_file
    path.unlink(missing_ok=True)
    parent = path.parent
    try:
        if parent != root and parent.name.startswith("year=") and not any(parent.iterdir()):
            parent.rmdir()
    except OSError:
        pass


def write_atomic(path: Path, text: str) -> None:
    """Replace the file with text in one step; left alone when it already says that (an
    unchanged export writes nothing)."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    tmp = path.parent / f"_{path.name}.tmp-{os.getpid()}"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
