"""`insider serve`: Datasette on the insider database, with the screens as canned queries.

Datasette is an optional extra (`pip install 'insider[serve]'`) imported only here. The
metadata is schemadoc's (every table, view and column) plus what a browser needs: the
screens as canned queries with :since, :min_value and :ticker, default sorts and facets on
the screen views, a home page that lists the screens, and the column help folded away so
pages open on the rows. Everything follows the database's name, whatever the file is called.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

STATIC = Path(__file__).resolve().parent / "serve_static"
MOUNT = "-insider"  # URL prefix of the static files (no database can be called that)
SCREEN_FACETS = ["issuer_ticker", "code", "owner_roles"]


def database_name(path: Path) -> str:
    """The name Datasette gives a database file: its stem."""
    return path.stem


def _url_name(name: str) -> str:
    # Datasette's tilde-encoding of names in URLs, for the characters a file stem can hold.
    from datasette.utils import tilde_encode

    return tilde_encode(name)


def serve_metadata(name: str) -> dict[str, Any]:
    from .docgen import datasette_metadata
    from .screen_sql import canned_queries
    from .screens import SCREENS

    meta = datasette_metadata(name)
    db = meta["databases"][name]
    base = "/" + _url_name(name)
    rows = "".join(
        f'<tr><td><a href="{base}/{quote(s)}">{escape(s)}</a></td><td>{escape(q["title"])}'
        f'</td><td><a href="{base}/{quote(SCREENS[s].view)}">{escape(SCREENS[s].view)}</a>'
        "</td></tr>"
        for s, q in canned_queries().items()
    )
    screens_html = (
        '<table class="insider-screens"><thead><tr><th>screen</th><th>what it lists</th>'
        f"<th>view</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    meta["description_html"] = (
        f"<p>{escape(meta['description'])} Each screen takes <code>since</code> "
        "(YYYY-MM-DD), <code>min_value</code> (dollars) and <code>ticker</code>; the "
        "same screens from the command line: <code>insider screen NAME</code>.</p>" + screens_html
    )
    db["description_html"] = screens_html
    db["queries"] = {
        s: {
            "title": q["title"],
            "sql": q["sql"],
            "hide_sql": True,
            "description": "Parameters: since (trade date, YYYY-MM-DD), min_value (dollars), "
            "ticker; leave one empty for no filter. Same as `insider screen "
            f"{s}`; the SQL is in docs/schema.md (Screens).",
        }
        for s, q in canned_queries().items()
    }
    for view in {s.view for s in SCREENS.values()} | {"screen_trades", "screen_late"}:
        t = db["tables"][view]
        t["sort_desc"] = "transaction_date"
        t["facets"] = SCREEN_FACETS
    meta["extra_css_urls"] = [f"/{MOUNT}/insider.css"]
    meta["extra_js_urls"] = [f"/{MOUNT}/insider.js"]
    return meta


def make_app(path: Path) -> Any:
    """The Datasette ASGI app for one database file (used by `serve` and the tests)."""
    from datasette.app import Datasette

    name = database_name(path)
    ds = Datasette(
        files=[str(path)],
        metadata=serve_metadata(name),
        static_mounts=[(MOUNT, str(STATIC))],
        settings={"sql_time_limit_ms": 5000, "facet_time_limit_ms": 500},
    )
    return ds.app()


def serve(path: Path, host: str, port: int) -> None:
    import uvicorn

    uvicorn.run(make_app(path), host=host, port=port, log_level="warning")
