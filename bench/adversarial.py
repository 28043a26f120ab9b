"""Work per article on hostile text: every stage must grow linearly with the text.

    python bench/adversarial.py                       # all families at 10 KB, 100 KB, 500 KB
    python bench/adversarial.py --sizes 10000 40000 --families dots
    python bench/adversarial.py --write-docs          # ... and write the table to docs/benchmarks.md

For each family of text, in one process, CPU time of: sentence splitting, temporal tagging,
entity matching, the whole analysis (`analyse_article`), and the whole ingest into a fresh
SQLite file through `service.ingest_article` (analysis + store, one transaction). The largest
size is MAX_TEXT_CHARS, the longest text the API accepts. A quadratic step shows as a
µs-per-character figure that grows with the size.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timeline_api.config import Settings  # noqa: E402

PUBLISHED = dt.datetime(2023, 6, 5)
SENTENCE = "Ukraine said its air defences shot down drones over Kyiv on 3 May 2023. "
PARAGRAPH = ("Drones hit an oil depot in Novorossiysk on Friday, the governor said. Two days later, "
             "officials in Moscow blamed Kyiv, and Boeing shares fell 3% on Monday.\n\n")


def _repeat(block: str, size: int) -> str:
    return (block * (size // len(block) + 1))[:size]


FAMILIES = {
    "one letter": lambda n: "a" * n,
    "one dot": lambda n: "." * n,
    "one newline": lambda n: "\n" * n,
    "initials": lambda n: _repeat("A. ", n),
    "abbreviations": lambda n: _repeat("Mr. St. Inc. ", n),
    "one name": lambda n: _repeat("Moscow ", n),
    "capitalised words": lambda n: _repeat("Alpha Bravo Charlie Delta Echo Foxtrot ", n),
    "headline lines": lambda n: _repeat("Moscow\n", n),
    "quotes and brackets": lambda n: _repeat("\"(“'[«", n),
    "digits": lambda n: _repeat("1234567890", n),
    "one sentence": lambda n: _repeat(SENTENCE, n),
    "one paragraph": lambda n: _repeat(PARAGRAPH, n),
    "dates in one clause": lambda n: _repeat("on 3 May 2023 and ", n),
}


def _cpu(fn) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def measure(family: str, size: int, matcher, workdir: Path) -> dict[str, float]:
    from timeline_api.pipeline import analyse_article, split_sentences
    from timeline_api.service import ArticleInput, ingest_article
    from timeline_api.store.db import Database
    from timeline_api.store.migrate import upgrade
    from timeline_api.temporal import resolve_timexes

    text = FAMILIES[family](size)
    row = {
        "split": _cpu(lambda: split_sentences(text)),
        "tag": _cpu(lambda: resolve_timexes(text, PUBLISHED)),
        "match": _cpu(lambda: matcher.find(text)),
        "analyse": _cpu(lambda: analyse_article(text, PUBLISHED, matcher=matcher)),
    }
    slug = family.replace(" ", "-")
    url = f"sqlite:///{workdir / f'{slug}-{size}.db'}"
    upgrade(url)
    database = Database(url)
    with database.session() as session:
        row["ingest"] = _cpu(lambda: ingest_article(session, ArticleInput(text=text, published_at=PUBLISHED),
                                                    matcher=matcher))
    database.dispose()
    return row


STAGES = ("split", "tag", "match", "analyse", "ingest")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    limit = Settings().max_text_chars
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, limit])
    ap.add_argument("--families", nargs="+", default=list(FAMILIES), choices=list(FAMILIES), metavar="FAMILY")
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args(argv)

    import logging

    from timeline_api.entities import EntityMatcher

    logging.disable(logging.WARNING)  # the budget warnings of long texts are not the figures
    matcher = EntityMatcher.default()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for family in args.families:
            for size in args.sizes:
                row = measure(family, size, matcher, Path(tmp))
                rows.append((family, size, row))
                cells = "  ".join(f"{stage} {row[stage]:6.3f}" for stage in STAGES)
                print(f"{family:20} {size // 1000:>4} KB  {cells}  "
                      f"(ingest {row['ingest'] / size * 1e6:.2f} µs/char)", flush=True)
    if args.write_docs:
        write_docs(rows, argv if argv is not None else sys.argv[1:])


def write_docs(rows, argv) -> None:
    from benchdocs import replace_section

    lines = [f"CPU seconds per article, one process, {os.cpu_count()} cores; `ingest` is the whole "
             "`service.ingest_article` into a fresh SQLite file (analysis, then the store). Made by:", "",
             "```", ("python bench/adversarial.py " + " ".join(argv)).strip(), "```", "",
             "| family | size | split | tag | match | analyse | ingest | ingest µs/char |",
             "|---|---|---|---|---|---|---|---|"]
    for family, size, row in rows:
        cells = " | ".join(f"{row[stage]:.3f}" for stage in STAGES)
        lines.append(f"| {family} | {size // 1000} KB | {cells} | {row['ingest'] / size * 1e6:.2f} |")
    lines += ["", "Every stage grows linearly: µs per character does not rise with the size (the small "
              "sizes carry fixed costs). Before the linear splitter, merge index and span walk "
              "(commit 5f5b97b), 40 KB of dots took 27.6 s to split, 40 KB of `A. ` 4.8 s, and "
              "160 KB of one repeated paragraph 10.9 s to analyse, 9.2 s of it in-article merging; "
              "at 500 KB these were minutes. The analysis of one article is also bounded by "
              "ANALYSIS_BUDGET_SECONDS (10 s of CPU, over three times the costliest family here). "
              "`ingest` beyond `analyse` is the store's ORM write path (the performance issue)."]
    replace_section("Adversarial articles", "\n".join(lines))
    print("updated docs/benchmarks.md")


if __name__ == "__main__":
    main()
