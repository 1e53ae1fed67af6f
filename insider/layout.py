"""Tables and paragraphs that fit the terminal: the one home of column fitting, shared by
every report (show, company, screens).

One description of a table (`Grid`: columns, rows, group headers) gives two layouts:

- **wide**, from `WIDE_FROM` columns on, when the table fits: a ruled rich table;
- **compact**, below that (or when the wide table does not fit): no vertical rules, one
  rule under the header, group headers (a filing's accession, say) on their own line, and
  columns whose every cell is empty left out.

Numbers are never wrapped or cut: a number column is as wide as its widest cell. Only text
columns fold, at spaces, and never below their longest word (so "7,547" inside "7,547
Common Stock" stays whole too). When even that does not fit, the table is printed wider
than the terminal - the pager scrolls sideways (`less -S`) - rather than cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table
from rich.text import Text

WIDE_FROM = 120  # narrower terminals get the compact layout


@dataclass
class Column:
    header: str
    number: bool = False  # right-aligned, never wrapped
    fold: bool = False  # text that may wrap at spaces
    justify: str | None = None  # default: right for numbers, left otherwise


class Grid:
    """Columns, then rows of cells (str or rich Text) and group header lines."""

    def __init__(self, columns: Iterable[Column]) -> None:
        self.columns = list(columns)
        self.items: list[tuple[str, list[Text] | Text]] = []

    def add_row(self, *cells: str | Text) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.items.append(("row", [c if isinstance(c, Text) else Text(c) for c in cells]))

    def add_group(self, label: str | Text) -> None:
        self.items.append(("group", label if isinstance(label, Text) else Text(label)))

    def rows(self) -> list[list[Text]]:
        return [cells for kind, cells in self.items if kind == "row"]  # type: ignore[misc]


def is_wide(console: Console) -> bool:
    return console.width >= WIDE_FROM


def print_grid(
    console: Console, build: Callable[[bool], Grid], compact: bool | None = None
) -> None:
    """Print the table `build(compact)` describes in the layout the terminal allows (or
    the one `compact` imposes: see `choose_compact`)."""
    if compact is None:
        compact = not is_wide(console)
    if not compact:
        grid = build(False)
        widths = fit_widths(grid, _wide_room(console, grid))
        if widths is not None:
            _print_wide(console, grid, widths)
            return
    _print_compact(console, build(True))


def _wide_room(console: Console, grid: Grid) -> int:
    return console.width - (3 * len(grid.columns) - 1)  # rules and padding


def choose_compact(console: Console, builds: Iterable[Callable[[bool], Grid]]) -> bool:
    """One layout for a whole report: compact when the terminal is narrow or when any of
    its tables would not fit the wide layout (a report mixing both reads badly)."""
    if not is_wide(console):
        return True
    for build in builds:
        grid = build(False)
        if fit_widths(grid, _wide_room(console, grid)) is None:
            return True
    return False


WORD_FLOOR = 11  # a word without digits may fold inside once it is longer than this


def _words(t: Text) -> int:
    """The least width a folding cell can take: its longest word holding a digit (a number,
    a date, an accession is never split), other words down to WORD_FLOOR."""
    least = 0
    for w in t.plain.split():
        n = len(w) if any(ch.isdigit() for ch in w) else min(len(w), WORD_FLOOR)
        least = max(least, n)
    return least


_MARKS = re.compile(r"(?:\([0-9A-Za-z]{1,8}\))+$")


def _split_marks(t: Text) -> tuple[Text, list[Text]]:
    """A number and its trailing footnote markers: "-560,000(1)(2)" -> "-560,000", ["(1)",
    "(2)"]. The markers may go to the next line of the cell; the number never."""
    m = _MARKS.search(t.plain)
    if not m:
        return t, []
    head = t[: m.start()]
    marks, pos = [], m.start()
    for part in re.findall(r"\([^()]*\)", m.group(0)):
        marks.append(t[pos : pos + len(part)])
        pos += len(part)
    return head, marks


def _least_fixed(t: Text) -> int:
    head, marks = _split_marks(t)
    return max([head.cell_len, *(m.cell_len for m in marks)])


def _bounds(grid: Grid, header_folds: bool) -> tuple[list[int], list[int]]:
    """Natural (no wrapping) and least widths of each column."""
    natural, least = [], []
    rows = grid.rows()
    for k, col in enumerate(grid.columns):
        cells = [r[k] for r in rows]
        head = _words(Text(col.header)) if header_folds else len(col.header)
        nat = max([len(col.header), *(c.cell_len for c in cells)])
        if col.fold:
            low = max([head, *(_words(c) for c in cells)])
        else:
            low = max([head, *(_least_fixed(c) for c in cells)])
        natural.append(nat)
        least.append(min(low, nat))
    return natural, least


def fit(
    natural: list[int], least: list[int], avail: int, first: list[bool] | None = None
) -> list[int] | None:
    """Column widths summing to at most `avail`: the natural ones when they fit, else the
    widest shrinkable column narrowed first - the `first` columns (folding text) before
    the others (numbers whose markers would go below them) - none below its least width;
    None when even the least widths do not fit."""
    if sum(natural) <= avail:
        return list(natural)
    if sum(least) > avail:
        return None
    w = list(natural)
    excess = sum(w) - avail
    for tier in (True, False):
        while excess > 0:
            can = [
                i for i in range(len(w)) if w[i] > least[i] and (not tier or not first or first[i])
            ]
            if not can:
                break
            k = max(can, key=lambda i: w[i])
            w[k] -= 1
            excess -= 1
    return w


def fit_widths(grid: Grid, avail: int, header_folds: bool = True) -> list[int] | None:
    natural, least = _bounds(grid, header_folds)
    return fit(natural, least, avail, [c.fold for c in grid.columns])


def _justify(col: Column) -> str:
    return col.justify or ("right" if col.number else "left")


def _print_wide(console: Console, grid: Grid, widths: list[int]) -> None:
    t = Table(pad_edge=False)
    for col, w in zip(grid.columns, widths, strict=True):
        t.add_column(
            col.header, justify=_justify(col), width=w, no_wrap=not col.fold, overflow="fold"
        )  # type: ignore[arg-type]
    for cells in grid.rows():
        t.add_row(*cells)
    console.print(t)


def _drop_empty(grid: Grid) -> Grid:
    rows = grid.rows()
    keep = [k for k in range(len(grid.columns)) if any(r[k].plain.strip() for r in rows)]
    if len(keep) == len(grid.columns):
        return grid
    out = Grid(grid.columns[k] for k in keep)
    for kind, item in grid.items:
        if kind == "row":
            out.items.append(("row", [item[k] for k in keep]))  # type: ignore[index]
        else:
            out.items.append((kind, item))
    return out


def _cell_lines(console: Console, t: Text, width: int, col: Column) -> list[Text]:
    if col.fold and t.cell_len > width:
        lines = list(t.wrap(console, width, overflow="fold"))
    elif t.cell_len > width:  # a number too wide with its markers: markers go below
        head, marks = _split_marks(t)
        lines = [head] if head.plain else []
        for m in marks:
            if lines and lines[-1].cell_len + m.cell_len <= width:
                lines[-1] = lines[-1] + m
            else:
                lines.append(m)
        lines = lines or [t]
    else:
        lines = [t]
    out = []
    for line in lines:
        line.rstrip()
        pad = max(0, width - line.cell_len)
        just = _justify(col)
        if just == "right":
            out.append(Text(" " * pad) + line)
        elif just == "center":
            out.append(Text(" " * (pad // 2)) + line + Text(" " * (pad - pad // 2)))
        else:
            out.append(line + Text(" " * pad))
    return out


def _print_compact(console: Console, grid: Grid) -> None:
    grid = _drop_empty(grid)
    n = len(grid.columns)
    natural, least = _bounds(grid, True)
    folds = [c.fold for c in grid.columns]
    # Roomier first: two spaces between columns and numbers beside their markers; then
    # one space; then markers below their numbers.
    soft = [lo if f else nat for lo, nat, f in zip(least, natural, folds, strict=True)]
    widths, gap = None, 2
    for low, gap in ((soft, 2), (soft, 1), (least, 2), (least, 1)):
        widths = fit(natural, low, console.width - gap * (n - 1), folds)
        if widths is not None:
            break
    if widths is None:  # wider than the terminal: never cut a number, print it wider
        widths, gap = least, 1
    sep = " " * gap
    total = sum(widths) + gap * (n - 1)

    def emit(cells: list[Text], style: str | None = None, spec: list[Column] | None = None) -> None:
        parts = [
            _cell_lines(console, c, w, col)
            for c, w, col in zip(cells, widths, spec or grid.columns, strict=True)
        ]
        height = max(len(c) for c in parts)
        for i in range(height):
            line = Text(style=style or "")
            for k, c in enumerate(parts):
                if k:
                    line.append(sep)
                line.append_text(c[i] if i < len(c) else Text(" " * widths[k]))
            line.rstrip()
            console.print(line, soft_wrap=True)

    header = [Column(c.header, c.number, True, c.justify) for c in grid.columns]
    emit([Text(c.header) for c in grid.columns], style="bold", spec=header)
    console.print(Text("─" * total, style="dim"), soft_wrap=True)
    for kind, item in grid.items:
        if kind == "row":
            emit(item)  # type: ignore[arg-type]
        else:
            paragraph(console, item, indent=0, hang=2)  # type: ignore[arg-type]


def paragraph(
    console: Console, text: str | Text, indent: int = 2, hang: int = 4, width: int | None = None
) -> None:
    """One line of prose folded at spaces to the terminal, continuation lines indented by
    `hang`: numbers and dates inside it are never split (a word longer than the line is
    the only thing ever folded)."""
    t = text if isinstance(text, Text) else Text(text)
    width = min(width or console.width, console.width)
    room = max(width - hang, 20)
    if t.cell_len + indent <= width:
        console.print(Text(" " * indent) + t, soft_wrap=True)
        return
    lines = t.wrap(console, room, overflow="fold")
    for i, line in enumerate(lines):
        line.rstrip()
        console.print(Text(" " * (indent if i == 0 else hang)) + line, soft_wrap=True)
