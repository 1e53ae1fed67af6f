"""Holdings over time as unicode blocks (terminal) and, optionally, a PNG (matplotlib).

No rich and no matplotlib at import time: the sparkline is plain text, and matplotlib is
imported only inside `plot_png`, for users who ask for `--plot`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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


def plot_png(lines: list[dict[str, Any]], path: str, title: str) -> None:
    """Step chart of shares owned after each transaction, one line per ownership line."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise RuntimeError(
            "--plot needs matplotlib, which insider does not install by default: "
            "pip install 'insider[plot]' (or matplotlib) into the same environment"
        ) from None
    from datetime import date

    fig, ax = plt.subplots(figsize=(10, 4))
    for line in lines:
        xs, ys = [], []
        for p in line["points"]:
            try:
                x = date.fromisoformat(p["date"] or "")
            except ValueError:  # no date, or one as filed that is no date (2007-02-30)
                continue
            xs.append(x)
            ys.append(float(p["shares_owned_following"]))
        if xs:
            ax.step(xs, ys, where="post", label=line["label"], marker=".")
    from matplotlib.ticker import StrMethodFormatter

    ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    ax.set_title(title)
    ax.set_ylabel("shares owned after")
    ax.legend(fontsize="small")
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
