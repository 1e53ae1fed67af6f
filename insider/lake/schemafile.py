"""`_schema.md` and `_schema.json` written beside the datasets: every column with its type
and meaning, from insider/schemadoc.py (the source of docs/schema.md) and types.py.
Their names start with `_`, so Spark, Hive and Trino do not take them for data.
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__, schemadoc
from . import types as T
from .datasets import dataset


def describe(names: list[str], fmt: str, formats: dict[str, str] | None = None) -> dict[str, Any]:
    """names: the datasets in the folder; formats: each one's format when not fmt (a
    folder exported as CSV once and as Parquet since)."""
    out: dict[str, Any] = {
        "generator": f"insider {__version__}",
        "format": fmt,
        "layout": "DATASET/year=YYYY/part-0.EXT (Hive partitions); unpartitioned tables: "
        "DATASET/part-0.EXT",
        "numbers": f"DECIMAL({T.PRECISION},{T.SCALE}): exact, never float, never rounded",
        "datasets": {},
    }
    for name in names:
        ds = dataset(name)
        dfmt = (formats or {}).get(name, fmt)
        obj = schemadoc.OBJECTS[name]
        cols: dict[str, Any] = {}
        for c in ds.columns:
            k = T.kind(name, c)
            meaning = T.VALUE_DOC if ds.computes_value and c == "value" else obj["columns"][c]
            cols[c] = {
                "type": _type_name(k, dfmt),
                "meaning": meaning,
            }
        if dfmt == "parquet":
            cols[T.EXACT_TEXT] = {"type": "VARCHAR (JSON)", "meaning": T.EXACT_TEXT_DOC}
        entry: dict[str, Any] = {
            "kind": obj["type"],
            "format": dfmt,
            "description": obj["description"],
            "columns": cols,
        }
        if ds.date_column:
            entry["partition"] = {
                "year": {"type": "BIGINT (folder name)", "meaning": T.YEAR_DOC[ds.date_column]}
            }
        out["datasets"][name] = entry
    return out


def _type_name(kind: str, fmt: str) -> str:
    return T.SQL_TYPE[kind] if fmt == "parquet" else T.TEXT_FORM[kind]


def to_json(desc: dict[str, Any]) -> str:
    return json.dumps(desc, indent=2, ensure_ascii=False) + "\n"


def to_markdown(desc: dict[str, Any]) -> str:
    ext = {"parquet": "parquet", "csv": "csv", "ndjson": "ndjson"}[desc["format"]]
    lines = [
        "# insider export",
        "",
        f"Written by {desc['generator']} (`insider export`), format **{desc['format']}**. "
        f"Layout: {desc['layout']}. Numbers: {desc['numbers']}. The same content as "
        "`_schema.json`; column meanings are those of docs/schema.md.",
        "",
        "```sql",
        f"SELECT * FROM read_{'parquet' if ext == 'parquet' else 'csv' if ext == 'csv' else 'json'}"
        f"('transactions/**/*.{ext}', hive_partitioning=true);  -- DuckDB",
        "```",
        "",
    ]
    for name, entry in desc["datasets"].items():
        lines.append(f"## `{name}` ({entry['kind']})\n\n{entry['description']}\n")
        lines.append("| column | type | meaning |\n| --- | --- | --- |")
        for col, c in {**entry.get("partition", {}), **entry["columns"]}.items():
            lines.append(f"| `{col}` | {c['type']} | {c['meaning']} |")
        lines.append("")
    return "\n".join(lines)
