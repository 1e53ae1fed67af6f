"""Parse speed over the real corpus, side by side with lxml's own floor.

Run: .venv/bin/python benchmarks/parse.py [--rounds N]

(a) floor: `lxml.etree.fromstring` on the ownership XML + a full `iter()` over the tree
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
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    for _, xml in docs:
        for _el in etree.fromstring(xml, parser).iter():
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
    for fn in (floor, parse_only, parse_json):  # warm up imports and caches
        fn(docs)
    results = []
    # Interleave the three so drift in machine load hits them alike.
    totals = {"floor": [], "parse": [], "json": []}
    for _ in range(args.repeat):
        totals["floor"].append(measure(floor, docs, args.rounds, 1))
        totals["parse"].append(measure(parse_only, docs, args.rounds, 1))
        totals["json"].append(measure(parse_json, docs, args.rounds, 1))
    f, p, j = (min(totals[k]) for k in ("floor", "parse", "json"))
    results = [
        ("lxml fromstring + iter (floor)", f),
        ("parse_ownership", p),
        ("parse_ownership + json.dumps", j),
    ]
    print(f"{len(docs)} filings x {args.rounds} rounds, best of {args.repeat}")
    print(f"{'':34} {'us/filing':>10} {'x floor':>8}")
    for name, us in results:
        print(f"{name:34} {us:10.1f} {us / f:8.2f}")


if __name__ == "__main__":
    main()
