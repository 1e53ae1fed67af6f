"""Rows read from SQLite -> typed Arrow record batches (imports pyarrow: only the Parquet
export loads this module).

Each column is converted by Arrow's own casts in one call (string -> DECIMAL/DATE/
TIMESTAMP), which refuse to lose a digit. Only when a cast refuses does the column fall
back to one value at a time, to find the values that do not fit and keep their exact
text in `exact_text` (see types.py).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import types as T

DECIMAL = pa.decimal128(T.PRECISION, T.SCALE)
ARROW_TYPE = {
    "decimal": DECIMAL,
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "bool": pa.bool_(),
    "int": pa.int64(),
    "text": pa.string(),
}

Bad = list[tuple[int, str]]  # (row index, exact text) of values that do not fit


def schema(dataset: str, columns: tuple[str, ...]) -> pa.Schema:
    fields = [pa.field(c, ARROW_TYPE[T.kind(dataset, c)]) for c in columns]
    return pa.schema([*fields, pa.field(T.EXACT_TEXT, pa.string())])


def _numbers_as_text(vals: tuple) -> list[str | None]:
    return [
        None if v is None else repr(v) if type(v) is float else v if type(v) is str else str(v)
        for v in vals
    ]


def _decimal(vals: tuple) -> tuple[pa.Array, Bad]:
    texts = _numbers_as_text(vals)
    try:
        return pa.array(texts, pa.string()).cast(DECIMAL), []
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    out: list[Decimal | None] = []
    bad: Bad = []
    for i, t in enumerate(texts):
        d = None if t is None else T.exact_decimal(t)
        if d is not None and T.fits(d):
            out.append(d.normalize())
        else:
            out.append(None)
            if t is not None:
                bad.append((i, T.stored_text(t) or t))
    return pa.array(out, DECIMAL), bad


def _date(vals: tuple) -> tuple[pa.Array, Bad]:
    try:
        return pa.array(vals, pa.string()).cast(pa.date32()), []
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    out: list[date | None] = []
    bad: Bad = []
    for i, v in enumerate(vals):
        try:
            out.append(None if v is None else date.fromisoformat(str(v)))
        except ValueError:
            out.append(None)
            bad.append((i, str(v)))
    return pa.array(out, pa.date32()), bad


def _timestamp(vals: tuple) -> tuple[pa.Array, Bad]:
    typ = ARROW_TYPE["timestamp"]
    try:
        return pa.array(vals, pa.string()).cast(typ), []
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    out: list[datetime | None] = []
    bad: Bad = []
    for i, v in enumerate(vals):
        try:
            out.append(None if v is None else datetime.fromisoformat(str(v)))
        except ValueError:
            out.append(None)
            bad.append((i, str(v)))
    return pa.array(out, typ), bad


def _int(vals: tuple, as_bool: bool) -> tuple[pa.Array, Bad]:
    try:
        arr = pa.array(vals, pa.int64())
        if not as_bool:
            return arr, []
        lo, hi = pc.min_max(arr).values()
        if lo.as_py() is None or (lo.as_py() >= 0 and hi.as_py() <= 1):
            return arr.cast(pa.bool_()), []
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        pass
    ok = (0, 1) if as_bool else None
    out: list[Any] = []
    bad: Bad = []
    for i, v in enumerate(vals):
        if v is None or (type(v) is int and (ok is None or v in ok)):
            out.append(None if v is None else bool(v) if as_bool else v)
        else:
            out.append(None)
            bad.append((i, str(v)))
    return pa.array(out, pa.bool_() if as_bool else pa.int64()), bad


def _text(vals: tuple) -> tuple[pa.Array, Bad]:
    try:
        return pa.array(vals, pa.string()), []
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in vals], pa.string()), []


_CONVERT = {
    "decimal": _decimal,
    "date": _date,
    "timestamp": _timestamp,
    "bool": lambda v: _int(v, True),
    "int": lambda v: _int(v, False),
    "text": _text,
}


def _value(inputs: list[tuple]) -> tuple[pa.Array, Bad]:
    """The exact value column from (shares, price, total) as stored. Arrow multiplies in
    DECIMAL(76) and the cast back to DECIMAL(38, 18) refuses any lost digit; then (rare)
    Python's Decimal does it row by row, and a product that does not fit goes to
    exact_text."""
    try:
        shares, price, total = (_decimal(v) for v in zip(*inputs, strict=True))
        if shares[1] or price[1] or total[1]:
            raise ValueError("a value does not fit")
        prod = pc.multiply(
            shares[0].cast(pa.decimal256(T.PRECISION, T.SCALE)),
            price[0].cast(pa.decimal256(T.PRECISION - 1, T.SCALE)),
        ).cast(DECIMAL)
        return pc.if_else(pc.is_valid(prod), prod, total[0]), []
    except (ValueError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    out: list[Decimal | None] = []
    bad: Bad = []
    for i, (s, p, t) in enumerate(inputs):
        v = T.product(s, p, t)
        if v is None or T.fits(v):
            out.append(v)
        else:
            out.append(None)
            bad.append((i, T.plain(v)))
    return pa.array(out, DECIMAL), bad


def record_batch(dataset: str, columns: tuple[str, ...], rows: list[tuple], value: bool):
    """rows (without the partition column) -> (RecordBatch, number of values kept as text).
    value: recompute the `value` column exactly from shares, price and total value."""
    n = len(rows)
    width = len(columns)
    cols = list(zip(*rows, strict=True)) if rows else [() for _ in range(width + 3 * value)]
    arrays: list[pa.Array] = []
    exact: dict[int, dict[str, str]] = {}
    for name, vals in zip(columns, cols[:width], strict=True):
        if value and name == "value":
            arr, bad = _value([r[width:] for r in rows]) if rows else (pa.nulls(0, DECIMAL), [])
        else:
            arr, bad = _CONVERT[T.kind(dataset, name)](vals)
        for i, text in bad:
            exact.setdefault(i, {})[name] = text
        arrays.append(arr)
    if exact:
        extra = pa.array(
            [json.dumps(exact[i], sort_keys=True) if i in exact else None for i in range(n)],
            pa.string(),
        )
    else:
        extra = pa.nulls(n, pa.string())
    batch = pa.RecordBatch.from_arrays([*arrays, extra], schema=schema(dataset, columns))
    return batch, sum(len(e) for e in exact.values())
