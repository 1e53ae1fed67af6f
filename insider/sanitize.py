"""Escaping rules, in one place, for everything that leaves insider for a person or a program.

Text read from EDGAR or a filing (names, titles, footnotes, accessions, server messages) and
text typed by the user (arguments echoed in errors) is untrusted. Where it goes decides the
rule:

- a terminal (`terminal`, `terminal_line`, `terminal_data`): C0 controls (ESC, BEL, ...),
  DEL, C1 controls (U+0080-U+009F: U+009B is a one-character CSI, U+009D an OSC), Unicode
  bidirectional overrides and lone surrogates (undecodable bytes of an argument) are shown
  as visible escapes (`\\x1b`, `\\u202e`) instead of being sent raw: the terminal never
  receives a control sequence someone else wrote. Tab and newline stay in multi-line text;
  a one-line message (an error line on stderr) escapes them too, so no line can be forged.
- JSON (`json_text`): `json.dumps` escapes C0 itself; DEL, C1, bidi overrides and lone
  surrogates are escaped here as `\\u00XX`, so the decoded value is unchanged.
- a spreadsheet (`spreadsheet_text`): a text cell starting with `=`, `+`, `-`, `@`, tab or
  CR gets a leading `'` (OWASP's advice against CSV formula injection). The caller decides
  by the column's type, never by looking at the content: numbers are never passed here
  (`-14804` stays a number).
"""

from __future__ import annotations

import re
from typing import Any

# C0 minus tab and newline, DEL, C1, ALM, LRM/RLM, bidi embeddings/overrides/isolates,
# lone surrogates (what surrogateescape makes of undecodable argument bytes).
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_TERMINAL = re.compile(f"[{_UNSAFE}]")
_LINE = re.compile(f"[{_UNSAFE}\t\n]")
# What json.dumps(ensure_ascii=False) leaves raw among the above (it escapes C0 itself).
_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(m: re.Match[str]) -> str:
    c = ord(m.group())
    if c == 0x09:
        return "\\t"
    if c == 0x0A:
        return "\\n"
    if c == 0x0D:
        return "\\r"
    if 0xDC80 <= c <= 0xDCFF:  # an undecodable byte of an argument: show the byte
        return f"\\x{c - 0xDC00:02x}"
    return f"\\x{c:02x}" if c <= 0xFF else f"\\u{c:04x}"


def terminal(text: str) -> str:
    """Multi-line text for a terminal: controls escaped, tab and newline kept."""
    return _TERMINAL.sub(_escape, text) if _TERMINAL.search(text) else text


def terminal_line(text: str) -> str:
    """One line for a terminal (an error or status line): tab, CR and newline escaped too."""
    return _LINE.sub(_escape, text) if _LINE.search(text) else text


def terminal_data(obj: Any) -> Any:
    """A report (dicts, lists, strings, numbers) with every string and key passed through
    `terminal`; anything else is returned as is. Render functions call this once on the
    whole report, so no cell, title or footnote can be missed."""
    if isinstance(obj, str):
        return terminal(obj)
    if isinstance(obj, dict):
        return {terminal_data(k): terminal_data(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [terminal_data(v) for v in obj]
    return obj


def json_text(dumped: str) -> str:
    """Output of `json.dumps(..., ensure_ascii=False)` with DEL, C1, bidi overrides and lone
    surrogates escaped. They can only occur inside JSON strings, so a plain substitution
    keeps the document valid and the decoded values identical."""
    if not _JSON.search(dumped):
        return dumped
    return _JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def spreadsheet_text(text: str) -> str:
    """A text cell for CSV meant for spreadsheets: neutralise a leading formula character."""
    return "'" + text if text.startswith(FORMULA_START) else text
