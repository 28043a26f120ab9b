"""Merging is reversible: ingesting articles and then deleting any one of them leaves the
events that ingesting the others alone would have made (service + SQLite store)."""
from __future__ import annotations

import datetime as dt
import shutil
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from timeline_api.service import ArticleInput, delete_article, ingest_article
from timeline_api.store.db import Database
from timeline_api.store.models import Article
from timeline_api.store.repository import TimelineQuery

# Our own reports: one bombing told four ways (one of them bridges the others' wording), an
# arrest on the same day and place, a flood elsewhere, and a report of the bombing with no date.
POOL = [
    ("A car bomb exploded outside the central market in Kirkuk on 10 February 2024.", "2024-02-11"),
    ("The car bomb that exploded outside the central market in Kirkuk on 10 February 2024 killed four "
     "people and wounded shoppers near the police station.", "2024-02-11"),
    ("Four people were killed and shoppers wounded near the police station in Kirkuk on 10 February 2024.",
     "2024-02-12"),
    ("Four people were killed when a car bomb exploded near Kirkuk's central market on Saturday, "
     "officials said.", "2024-02-11"),
    ("Police arrested three protesters outside the governor's office in Kirkuk on 10 February 2024.",
     "2024-02-11"),
    ("Floods hit Lagos on 2 February 2024 and closed the central market.", "2024-02-03"),
    ("Four people died when a car bomb exploded at the central market of Kirkuk, police said.", "2024-02-13"),
]


def _events(session) -> list[tuple]:
    events, _ = TimelineQuery(limit=1000).run(session)
    hashes = dict(session.execute(select(Article.id, Article.content_hash)).all())
    shape = []
    for event in events:
        sources = sorted((hashes[s.article_id], s.start) for s in event.sources)
        shape.append((event.date_value, tuple(sources), tuple(sorted(actor.entity_id for actor in event.actors))))
    return sorted(shape)


def _ingest(database, articles) -> dict[int, int]:
    ids = {}
    with database.session() as session:
        for number in articles:
            text, day = POOL[number]
            article, _ = ingest_article(session, ArticleInput(text=text, published_at=dt.datetime.fromisoformat(day)))
            ids[number] = article.id
    return ids


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(0, len(POOL) - 1), min_size=2, max_size=5, unique=True), st.data())
def test_deleting_any_article_leaves_what_the_others_alone_make(sqlite_template, tmp_path, articles, data):
    gone = data.draw(st.sampled_from(articles))
    with_it, without_it = (tmp_path / f"{uuid.uuid4().hex}.db" for _ in range(2))
    shutil.copyfile(sqlite_template, with_it)
    shutil.copyfile(sqlite_template, without_it)
    first, second = Database(f"sqlite:///{with_it}"), Database(f"sqlite:///{without_it}")
    try:
        ids = _ingest(first, articles)
        with first.session() as session:
            assert delete_article(session, ids[gone])
        _ingest(second, [a for a in articles if a != gone])
        with first.session() as one, second.session() as other:
            assert _events(one) == _events(other)
    finally:
        first.dispose()
        second.dispose()
