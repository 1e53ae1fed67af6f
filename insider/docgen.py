"""Documents generated from schemadoc's words: docs/schema.md's reference and Screens parts
(tests compare them with the file) and the Datasette metadata of `insider serve` and
`insider datasette-metadata`."""

from __future__ import annotations

import json
from typing import Any

from . import __version__
from .schemadoc import INTERNAL_SUFFIXES, OBJECTS


def datasette_metadata(database: str = "insider") -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for name, obj in OBJECTS.items():
        entry: dict[str, Any] = {"description": obj["description"], "columns": obj["columns"]}
        if name in ("owners", "issuers"):
            entry["fts_table"] = f"{name}_fts"
        if name.endswith("_fts"):
            entry["hidden"] = True
        tables[name] = entry
    for suffix in INTERNAL_SUFFIXES:
        for base in ("owners", "issuers"):
            tables[base + suffix] = {"hidden": True}
    return {
        "title": "insider: SEC Form 3/4/5 insider trading",
        "description": f"Forms 3, 4 and 5 from SEC EDGAR, stored by insider {__version__}. "
        "See docs/schema.md for every table, view and column.",
        "source": "SEC EDGAR",
        "source_url": "https://www.sec.gov/edgar/search/",
        "databases": {database: {"tables": tables}},
    }


def datasette_metadata_json(database: str = "insider") -> str:
    return json.dumps(datasette_metadata(database), indent=2)


def markdown_tables() -> str:
    """The reference part of docs/schema.md: one heading and one column table per object."""
    out = []
    for name, obj in OBJECTS.items():
        out.append(f"### `{name}` ({obj['type']})\n\n{obj['description']}\n")
        out.append("| column | meaning |\n| --- | --- |")
        for col, desc in obj["columns"].items():
            out.append(f"| `{col}` | {desc} |")
        out.append("")
    return "\n".join(out)


def screens_markdown() -> str:
    """The Screens part of docs/schema.md: each `insider screen` as the SQL that answers it."""
    from .screen_sql import canned_queries
    from .screens import SCREENS

    out = []
    for name, q in canned_queries().items():
        s = SCREENS[name]
        where = (
            "the rule of `insider company` (clusters.py) in SQL"
            if name == "cluster-buys"
            else f"view `{s.view}`"
        )
        out.append(f"`insider screen {name}`: {q['title']} ({where}).\n")
        out.append(f"```sql parameterised\n{q['sql'].strip()};\n```\n")
    return "\n".join(out)
