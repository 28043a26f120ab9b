"""Speed of the entity matcher on news text, by article size (issue 10: >= 1 MB/s per core,
linear up to the maximum text size).

    .venv/bin/python bench/entity_speed.py [--sizes 10000 100000 500000] [--runs 5] [--keep-gc] [--profile]

The text is TBAQ's and ECB+'s articles one after another (../shared/corpora), cut to each size;
the figure is the CPU time of ``EntityMatcher.find`` in this process, the median of ``--runs``
(5) after a warm-up (the matcher is built before timing); the load average is printed with it,
since the machine may be shared. ``--keep-gc``: the garbage collector left running during
``find`` (``EntityMatcher(pause_gc=False)``), to measure what pausing it gains. ``--profile``
prints where the time goes at the largest size.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def news_text(size: int) -> str:
    from ecbplus import read_corpus as read_ecb

    texts = []
    for f in sorted((ROOT.parent / "shared" / "corpora" / "tbaq").glob("*/*.tml")):
        body = re.search(r"<TEXT>(.*)</TEXT>", f.read_text(encoding="utf-8"), re.S)
        if body:
            texts.append(re.sub(r"<[^>]+>", "", body.group(1)))
    texts += [a.text for a in read_ecb()[0]]
    text = "\n\n".join(texts)
    while len(text) < size:
        text += "\n\n" + text
    return text[:size]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 500_000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep-gc", action="store_true", help="do not pause the garbage collector in find")
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    from timeline_api.entities import EntityMatcher

    matcher = EntityMatcher.default()
    if args.keep_gc:
        matcher = EntityMatcher(matcher._g, matcher.disabled, pause_gc=False)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"| size | CPU ms (median of {args.runs}) | µs per character | MB/s | mentions |")
    print("|---|---|---|---|---|")
    for size in args.sizes:
        text = news_text(size)
        matcher.find(text)
        times = []
        for _ in range(args.runs):
            t = time.process_time()
            n = len(matcher.find(text))
            times.append(time.process_time() - t)
        med = statistics.median(times)
        print(f"| {size // 1000} KB | {med * 1000:.0f} | {med / size * 1e6:.2f} | "
              f"{len(text.encode()) / 1e6 / med:.2f} | {n} |", flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.profile:
        import cProfile
        import pstats

        text = news_text(max(args.sizes))
        profile = cProfile.Profile()
        profile.runcall(matcher.find, text)
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
