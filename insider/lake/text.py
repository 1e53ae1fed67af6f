"""Rows read from SQLite -> CSV and NDJSON records, every value as its exact text (no
pyarrow needed). Numbers are plain decimal strings exactly as stored (NDJSON: strings, as
in `insider show --json`, so no reader turns them into floats); dates as filed.

This CSV is data for engines (DuckDB, Spark, Trino) and round-trips exactly: text cells are
not neutralised for spreadsheets (sanitize.spreadsheet_text would change a name that
starts with '-'); `insider show --csv` is the output meant for spreadsheets.
"""

from __future__ import annotations

import csv
import json
from typing import Any, TextIO

from ..sanitize import json_text
from . import types as T


def _converters(dataset: str, columns: tuple[str, ...], ndjson: bool) -> list:
    out = []
    for c in columns:
        k = T.kind(dataset, c)
        if k == "decimal":
            out.append(T.stored_text)
        elif k == "bool":
            if ndjson:
                out.append(lambda v: v if v is None or v not in (0, 1) else bool(v))
            else:
                out.append(None)
        else:
            out.append(None)
    return out


class TextRows:
    """Turns SQLite rows of one dataset into exact-text records."""

    def __init__(self, dataset: str, columns: tuple[str, ...], value: bool, ndjson: bool):
        self.columns = columns
        self.ndjson = ndjson
        self.conv = _converters(dataset, columns, ndjson)
        self.value_at = columns.index("value") if value else None

    def records(self, rows: list[tuple]) -> list[list[Any]]:
        out = []
        conv = self.conv
        for r in rows:
            rec = [v if f is None or v is None else f(v) for f, v in zip(conv, r)]  # noqa: B905
            if self.value_at is not None:
                v = T.product(*r[-3:])  # shares, price, total after the columns
                rec[self.value_at] = None if v is None else T.plain(v)
            out.append(rec)
        return out


def write_csv_header(stream: TextIO, columns: tuple[str, ...]) -> Any:
    w = csv.writer(stream, lineterminator="\n")
    w.writerow(columns)
    return w


def write_ndjson(stream: TextIO, columns: tuple[str, ...], records: list[list[Any]]) -> None:
    """One JSON object per line; DEL, C1 and bidi controls escaped as in --json (the
    decoded values are unchanged)."""
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    text = "".join(dumps(dict(zip(columns, rec, strict=True))) + "\n" for rec in records)
    stream.write(json_text(text))
