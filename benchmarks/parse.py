"""Parse speed over the real corpus, side by side with lxml's own floor.

Run: .venv/bin/python benchmarks/parse.py [--rounds N]

(a) floor: bare `lxml.etree.fromstring(xml)` (default parser) + a full `iter()` over the tree;
    also shown: the same with the parser options parse_ownership uses (remove_blank_text
    etc.), which parses faster and so is the stricter reference
(b) `parse_ownership` on the same bytes as stored (it finds the XML itself)
(c) `parse_ownership` + `json.dumps(filing_to_dict(...))`

The floor is given the XML block already cut out of `.txt` submissions, so the ratios
charge the parser for everything it does beyond lxml's parse, extraction included.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from insider.models import filing_to_dict  # noqa: E402
from insider.parse import parse_ownership  # noqa: E402

CORPUS = ROOT / "fixtures" / "corpus"


def load() -> list[tuple[bytes, bytes]]:
    """(stored bytes, bare XML bytes) for every corpus document."""
    docs = []
    for p in sorted(CORPUS.iterdir()):
        if p.suffix not in (".xml", ".txt"):
            continue
        data = p.read_bytes()
        start = data.find(b"<?xml")
        if start == -1 or start > data.find(b"<ownershipDocument"):
            start = data.find(b"<ownershipDocument")
        end = data.rfind(b"</ownershipDocument>") + len(b"</ownershipDocument>")
        docs.append((data, data[start:end]))
    return docs


def floor(docs: list[tuple[bytes, bytes]]) -> None:
    for _, xml in docs:
        for _el in etree.fromstring(xml).iter():
            pass


_TUNED = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    remove_comments=True,
    remove_pis=True,
    remove_blank_text=True,
    collect_ids=False,
)


def floor_tuned(docs: list[tuple[bytes, bytes]]) -> None:
    for _, xml in docs:
        for _el in etree.fromstring(xml, _TUNED).iter():
            pass


def parse_only(docs: list[tuple[bytes, bytes]]) -> None:
    for data, _ in docs:
        parse_ownership(data)


def parse_json(docs: list[tuple[bytes, bytes]]) -> None:
    for data, _ in docs:
        json.dumps(filing_to_dict(parse_ownership(data)))


def measure(fn, docs, rounds: int, repeat: int) -> float:
    """Best of `repeat` runs of `rounds` passes, in microseconds per filing."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(rounds):
            fn(docs)
        best = min(best, time.perf_counter() - t0)
    return best / (rounds * len(docs)) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=200, help="passes over the corpus per run")
    ap.add_argument("--repeat", type=int, default=5, help="runs; the best one is reported")
    args = ap.parse_args()
    docs = load()
    fns = {
        "lxml fromstring + iter (floor)": floor,
        "  same, parser tuned as ours": floor_tuned,
        "parse_ownership": parse_only,
        "parse_ownership + json.dumps": parse_json,
    }
    for fn in fns.values():  # warm up imports and caches
        fn(docs)
    # Interleave the runs so drift in machine load hits all of them alike.
    runs: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(args.repeat):
        for name, fn in fns.items():
            runs[name].append(measure(fn, docs, args.rounds, 1))
    best = {name: min(v) for name, v in runs.items()}
    f = best["lxml fromstring + iter (floor)"]
    t = best["  same, parser tuned as ours"]
    print(f"{len(docs)} filings x {args.rounds} rounds, best of {args.repeat}")
    print(f"{'':34} {'us/filing':>10} {'x floor':>8} {'x tuned':>8}")
    for name, us in best.items():
        print(f"{name:34} {us:10.1f} {us / f:8.2f} {us / t:8.2f}")


if __name__ == "__main__":
    main()
