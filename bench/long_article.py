"""One long news article through ``service.ingest_article`` (analysis and store) into a fresh
SQLite file: the news text of bench/entity_speed.py (TBAQ's and ECB+'s articles joined) cut at
500,000 characters (MAX_TEXT_CHARS), CPU seconds of three runs after a warm-up. The issue-14
target is 3 s; bench/adversarial.py has the pathological texts.

    .venv/bin/python bench/long_article.py
"""
from __future__ import annotations

import datetime as dt
import logging
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
SIZE = 500_000


def main() -> None:
    from entity_speed import news_text

    from timeline_api.entities import EntityMatcher
    from timeline_api.service import ArticleInput, ingest_article
    from timeline_api.store.db import Database
    from timeline_api.store.migrate import upgrade

    logging.disable(logging.INFO)
    text = news_text(SIZE)
    matcher = EntityMatcher.default()
    matcher.find("A warm-up in Paris.")
    for run in range(3):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{Path(tmp) / 'timeline.db'}"
            upgrade(url)
            database = Database(url)
            with database.session() as session:
                cpu, wall = time.process_time(), time.perf_counter()
                article, _ = ingest_article(session, ArticleInput(text=text, published_at=dt.datetime(1998, 3, 1)),
                                         matcher=matcher)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            database.dispose()
        print(f"run {run}: {len(text):,} characters, {len(article.events)} events: "
              f"CPU {cpu:.2f} s, wall {wall:.2f} s")


if __name__ == "__main__":
    main()
