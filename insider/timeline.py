"""Holdings over time as unicode blocks (terminal) and, optionally, a PNG (matplotlib).

No rich and no matplotlib at import time: the sparkline is plain text, and matplotlib is
imported only inside `plot_png`, for users who ask for `--plot`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


class NeedsMatplotlib(RuntimeError):
    """matplotlib is not installed (the message says how to install it)."""


class NothingToDraw(ValueError):
    """The lines have no dated point to draw."""


BLOCKS = "▁▂▃▄▅▆▇█"


def sample(points: list[dict[str, Any]], width: int) -> list[dict[str, Any]]:
    """At most `width` points: the last point of each of `width` equal slices, so the
    final amount is always the last one shown."""
    if len(points) <= width:
        return points
    out = []
    n = len(points)
    for k in range(width):
        end = (k + 1) * n // width
        out.append(points[end - 1])
    return out


def sparkline(values: list[Decimal], zero_based: bool = False) -> str:
    """One block per value; heights scaled from the minimum (or 0) to the maximum.

    A zero amount is drawn as a space, so "sold out" is visible as a gap."""
    if not values:
        return ""
    lo = Decimal(0) if zero_based else min(values)
    hi = max(values)
    if hi <= lo:
        return "".join(BLOCKS[3] if v else " " for v in values)
    span = hi - lo
    out = []
    for v in values:
        if v == 0:
            out.append(" ")
            continue
        k = int((v - lo) / span * (len(BLOCKS) - 1))
        out.append(BLOCKS[max(0, min(k, len(BLOCKS) - 1))])
    return "".join(out)


# How trades are marked on the chart: purchases and sales stand out, the rest are small.
_MARKS = {
    "P": ("^", "tab:green", 9, "P purchase"),
    "S": ("v", "tab:red", 9, "S sale"),
    "M": ("D", "tab:purple", 6, "M/X/O/C exercise or conversion"),
    "A": ("P", "tab:blue", 7, "A grant or award"),
    "F": ("x", "tab:gray", 6, "F tax or price withholding"),
    "G": ("*", "tab:orange", 8, "G gift"),
}
_SAME = {"X": "M", "O": "M", "C": "M"}
_OTHER = ("o", "black", 4, "other code")


def _day(text: str | None):
    from datetime import date

    try:
        return date.fromisoformat(text or "")
    except ValueError:  # no date, or one as filed that is no date (2007-02-30)
        return None


def plot_png(lines: list[dict[str, Any]], path: str, title: str) -> None:
    """Step chart of shares owned after each row on a date axis: one panel per security,
    one line per ownership line (named by its nature), trades marked by code.

    Long on purpose: matplotlib's set-up, one panel per security and the legend in drawing
    order."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.dates as mdates
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D
        from matplotlib.ticker import FuncFormatter, MaxNLocator
    except ImportError:
        raise NeedsMatplotlib(
            "matplotlib, which insider does not install by default: "
            "pip install 'insider[plot]' (or matplotlib) into the same environment"
        ) from None
    import textwrap
    from datetime import timedelta

    panels: dict[str, list[dict[str, Any]]] = {}
    for line in lines:
        pts = [(_day(p["date"]), p) for p in line["points"]]
        pts = [(d, p) for d, p in pts if d is not None]
        if pts:
            panels.setdefault(line["security"], []).append({**line, "dated": pts})
    if not panels:
        raise NothingToDraw("nothing to draw: no dated holdings")
    days = [d for ls in panels.values() for ln in ls for d, _ in ln["dated"]]
    first, last = min(days), max(days)
    pad = max((last - first) / 20, timedelta(days=3))
    left, right = first - pad, last + pad

    used = {
        _MARKS.get(_SAME.get(c, c), _OTHER)
        for ls in panels.values()
        for ln in ls
        for _, p in ln["dated"]
        if (c := (p.get("code") or "").upper())
    }
    code_handles = [
        Line2D([], [], marker=m, color=c, markersize=s, linestyle="none",
               markeredgecolor="black", markeredgewidth=0.4, label=name)
        for m, c, s, name in sorted(used, key=lambda u: u[3])
    ]  # fmt: skip
    n = len(panels)
    # Each panel tall enough for its legend (one entry per line, up to three text lines).
    heights = [
        max(3.0, 0.2 * sum(min(3, 1 + len(ln["label"]) // 48) for ln in ls) + 0.6)
        for ls in panels.values()
    ]
    fig, axes = plt.subplots(
        n, 1, figsize=(11, 1.0 + sum(heights)), sharex=True, squeeze=False,
        gridspec_kw={"height_ratios": heights},
    )  # fmt: skip
    for ax, (security, plines) in zip(axes[:, 0], panels.items(), strict=True):
        low, high = float("inf"), float("-inf")
        for k, ln in enumerate(plines):
            xs = [d for d, _ in ln["dated"]] + [right]
            ys = [float(p["shares_owned_following"]) for _, p in ln["dated"]]
            ys.append(ys[-1])  # the last amount is still held at the right edge
            label = "\n".join(textwrap.wrap(ln["label"], 48)) or "?"
            # Lines with equal amounts (two trusts of 2,755) would hide each other: each
            # line of a panel gets its own dash pattern, so both stay visible.
            style = ("-", "--", "-.", ":")[k % 4]
            ax.step(xs, ys, where="post", label=label, linewidth=1.6, linestyle=style)
            low = min(low, min(ys))
            high = max(high, max(ys))
            for d, p in ln["dated"]:
                code = (p.get("code") or "").upper()
                if not code:
                    continue
                key = _SAME.get(code, code)
                marker, color, size, name = _MARKS.get(key, _OTHER)
                ax.plot(
                    [d], [float(p["shares_owned_following"])], marker=marker, color=color,
                    markersize=size, linestyle="none", markeredgecolor="black",
                    markeredgewidth=0.4, zorder=3,
                )  # fmt: skip
        ax.set_title(security, loc="left", fontsize="medium")
        ax.set_ylabel("shares owned after")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        positive = [float(p["shares_owned_following"]) for ln in plines for _, p in ln["dated"]]
        if high <= 0 or low == high:  # flat (often all 0: options exercised): a plain axis
            top = max(high * 1.25, 1)
            ax.set_yticks(sorted({0.0, max(high, 0.0)}))
            ax.set_ylim(-0.05 * top, top)
        elif min(positive) > 0 and high / min(positive) > 50:
            # Lines of very different sizes (a trust of 2,755 beside one of 577,218):
            # a log scale keeps the small ones off the axis.
            ax.set_yscale("log")
            ax.set_ylabel("shares owned after (log scale)")
        else:
            ax.margins(y=0.15)
            if low >= 0 and low < high / 2:  # far apart: from zero, sizes compare honestly
                ax.set_ylim(bottom=0)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.grid(True, alpha=0.3)
        handles, labels = ax.get_legend_handles_labels()
        if ax is axes[0, 0]:
            handles, labels = handles + code_handles, labels + [h.get_label() for h in code_handles]
        ax.legend(handles, labels, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    bottom = axes[-1, 0]
    bottom.set_xlim(left, right)
    bottom.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=9))
    span = (right - left).days  # every label carries its year
    fmt = "%Y-%m-%d" if span <= 120 else "%b %Y" if span <= 3 * 366 else "%Y"
    bottom.xaxis.set_major_formatter(mdates.DateFormatter(fmt))
    if span <= 120:
        fig.autofmt_xdate()
    fig.suptitle(f"{title}: shares owned", x=0.01, ha="left")
    fig.tight_layout()
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
