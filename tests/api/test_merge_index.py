"""The merge index and the entity event counters stay in step with the events' links through
every write (ingest, merge of reports, deletion, split, merge of entities), and merge candidates
are found by entity and interval, closest first, not by id."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import create_engine, event, text

from timeline_api.entities import EntityMatcher
from timeline_api.pipeline import ArticleAnalysis, EventDate, EventDraft, Evidence, PlaceLink, analyse_article
from timeline_api.pipeline.merging import signature
from timeline_api.service import ArticleInput, ingest_article, write_batch
from timeline_api.store import merge_index
from timeline_api.store.db import Database
from timeline_api.store.models import merge_span

# Our own reports: one bombing told three ways, an arrest the same day and place, a strike.
BOMBING = [
    ("A car bomb exploded outside the central market in Kirkuk on 10 February 2024, killing four people, "
     "police said.", "2024-02-11"),
    ("Four people were killed when a car bomb exploded near Kirkuk's central market on Saturday, officials said.",
     "2024-02-11"),
    ("The car bomb that killed four people at the central market of Kirkuk on 10 February exploded during "
     "the morning rush, Iraqi police said.", "2024-02-12"),
]
ARREST = ("Police arrested three protesters outside the governor's office in Kirkuk on 10 February 2024.",
          "2024-02-11")
STRIKE = ("Teachers in Kirkuk and Mosul went on strike on 13 February 2024.", "2024-02-16")


def _time(value) -> dt.datetime:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value  # SQLite gives text


def _invariants(database_url: str) -> None:
    """Every entity's counter is its number of events (actor or named place), and the merge index
    holds exactly each event's actors and named places, with the event's interval."""
    engine = create_engine(database_url)
    with engine.connect() as conn:
        counters = dict(conn.execute(text("SELECT id, event_count FROM entities")).all())
        recount = dict(conn.execute(text(
            "SELECT entity_id, count(DISTINCT event_id) FROM (SELECT entity_id, event_id FROM event_actors "
            "UNION ALL SELECT entity_id, event_id FROM event_locations WHERE direct) l GROUP BY entity_id")).all())
        indexed = set(conn.execute(text(
            "SELECT m.event_id, m.entity_id, m.span_class, m.date_start, m.date_end, m.granularity_rank, m.inferred "
            "FROM merge_index m")).all())
        linked = set(conn.execute(text(
            "SELECT e.id, l.entity_id, e.date_start, e.date_end, e.granularity_rank, e.date_source != 'explicit' "
            "FROM events e JOIN (SELECT event_id, entity_id FROM event_actors UNION "
            "SELECT event_id, entity_id FROM event_locations WHERE direct) l ON l.event_id = e.id")).all())
        classes = dict(conn.execute(text("SELECT id, span_classes FROM entities")).all())
    engine.dispose()
    assert counters == {entity_id: recount.get(entity_id, 0) for entity_id in counters}
    assert {(e, k, _time(s), _time(end), r, bool(i)) for e, k, _, s, end, r, i in indexed} == {
        (e, k, _time(s), _time(end), r, bool(i)) for e, k, s, end, r, i in linked}
    for _, entity_id, cls, start, end, _, _ in indexed:
        assert cls == merge_span(_time(start), _time(end))
        assert classes[entity_id] >> cls & 1, (entity_id, cls)  # a probe of its class is not skipped


def test_counters_and_index_follow_ingest_merge_delete_split_and_entity_merge(client, post_article, database_url):
    ids = [post_article(body, published_at=day)["id"] for body, day in BOMBING]
    post_article(*ARREST[:1], published_at=ARREST[1])
    strike = post_article(*STRIKE[:1], published_at=STRIKE[1])
    _invariants(database_url)
    kirkuk = next(loc["id"] for loc in strike["events"][0]["locations"] if loc["name"] == "Kirkuk")
    listed = client.get(f"/v1/entities/{kirkuk}").get_json()
    assert listed["event_count"] == 3  # the bombing (one event of three reports), the arrest, the strike

    (bombing,) = [e for e in client.get("/v1/timeline?location=Kirkuk").get_json()["events"]
                  if len(e["sources"]) == 3]
    split = client.post(f"/v1/events/{bombing['id']}/split", json={"sources": [{"article_id": ids[2]}]})
    assert split.status_code == 200, split.get_json()
    _invariants(database_url)
    assert client.get(f"/v1/entities/{kirkuk}").get_json()["event_count"] == 4

    assert client.delete(f"/v1/articles/{ids[0]}").status_code == 204
    _invariants(database_url)
    assert client.delete(f"/v1/articles/{strike['id']}").status_code == 204
    _invariants(database_url)

    mosul = client.get("/v1/entities?q=Mosul").get_json()["entities"][0]["id"]
    merged = client.post(f"/v1/entities/{mosul}/merge", json={"into": kirkuk})
    assert merged.status_code == 200, merged.get_json()
    _invariants(database_url)
    found = client.get("/v1/entities?q=Kirkuk").get_json()["entities"]
    assert next(e for e in found if e["id"] == kirkuk)["event_count"] == len(
        client.get("/v1/timeline?location=Kirkuk").get_json()["events"])

    # a store loaded without the writer gets the same index and counts from its links
    engine = create_engine(database_url)
    with engine.begin() as conn:
        before = set(conn.execute(text("SELECT * FROM merge_index")).all())
        conn.execute(text("UPDATE entities SET event_count = 0, span_classes = 0"))
        merge_index.rebuild(conn)
        assert set(conn.execute(text("SELECT * FROM merge_index")).all()) == before
    engine.dispose()
    _invariants(database_url)


def _month_report(n: int, kirkuk, published: dt.datetime) -> tuple[ArticleInput, ArticleAnalysis]:
    """A happening in Kirkuk dated only by its month, worded unlike any other."""
    quote = f"Festival number {n} celebrated pottery weaving singers {n} in Kirkuk during February 2024."
    date = EventDate("2024-02", dt.datetime(2024, 2, 1), dt.datetime(2024, 3, 1), "month", "February 2024",
                     "explicit")
    evidence = Evidence(0, len(quote), quote, date, 0.9, "occurred", locations=[PlaceLink(kirkuk)],
                        words=signature(quote))
    return (ArticleInput(text=quote, published_at=published),
            ArticleAnalysis(sentences=[], timexes=[], mentions=[], events=[EventDraft([evidence])]))


def test_a_report_finds_its_happening_among_more_candidates_than_are_compared(database_url):
    """Sixty month-long happenings in Kirkuk overlap the bombing's day, and the bombing was stored
    after them all: candidates by lowest id would never reach it; by interval they do."""
    published = dt.datetime(2024, 2, 28)
    matcher = EntityMatcher.default()
    (kirkuk,) = {m.entity for m in matcher.find("in Kirkuk") if m.entity.name == "Kirkuk"}
    database = Database(database_url)
    try:
        with database.session() as session:
            stored = write_batch(session, [_month_report(n, kirkuk, published) for n in range(60)])
            assert all(created for _, created in stored)
            first, _ = ingest_article(session, ArticleInput(text=BOMBING[0][0], published_at=dt.datetime(2024, 2, 11)),
                                      matcher=matcher)
            again, created = ingest_article(session, ArticleInput(text=BOMBING[2][0],
                                                                  published_at=dt.datetime(2024, 2, 12)),
                                            matcher=matcher)
        assert created
        (bombing,) = [e for e in first.events if e.date_value == "2024-02-10"]
        assert bombing.id in {e.id for e in again.events}
        (joined,) = [e for e in again.events if e.id == bombing.id]
        assert sorted(s.article_id for s in joined.sources) == [first.id, again.id]
    finally:
        database.dispose()
    _invariants(database_url)


def test_write_batch_merges_with_articles_earlier_in_the_batch_and_skips_repeats(database_url):
    published = [dt.datetime.fromisoformat(day) for _, day in BOMBING]
    items = [(ArticleInput(text=body, published_at=day), analyse_article(body, day)) for (body, _), day
             in zip(BOMBING, published, strict=True)]
    database = Database(database_url)
    try:
        with database.session() as session:
            results = write_batch(session, [*items, items[0]])
            assert [created for _, created in results] == [True, True, True, False]
            assert results[3][0].id == results[0][0].id
            # the bombing: the explicitly dated events (the third report's "Iraqi police said" is
            # a saying of its own, dated by the lead's day)
            events = {e.id for article, _ in results[:3] for e in article.events
                      if e.date_value == "2024-02-10" and e.date_source == "explicit"}
            assert len(events) == 1  # the three reports are one happening, within the batch too
            again = write_batch(session, items[1:2])
            assert again[0][1] is False and again[0][0].id == results[1][0].id
    finally:
        database.dispose()
    _invariants(database_url)


def test_a_search_ranks_and_counts_by_the_counters_never_the_links(app, client, post_article):
    """GET /v1/entities?q= reads entities.event_count: no statement of a search touches the link
    tables, whose size grows with the store (issue 14: 2-8 s at 1M events when it counted them)."""
    for body, day in BOMBING:
        post_article(body, published_at=day)
    post_article(*STRIKE[:1], published_at=STRIKE[1])
    statements: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        statements.append(statement.lower())

    engine = app.extensions["timeline_db"].engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        found = {e["name"]: e for e in client.get("/v1/entities?q=Kirkuk").get_json()["entities"]}
        listed = client.get("/v1/entities?q=ki").get_json()["entities"]  # the names that contain it
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert found["Kirkuk"]["event_count"] == 2  # the bombing (three reports, one event) and the strike
    assert next(e for e in listed if e["name"] == "Kirkuk")["event_count"] == 2
    assert statements and not [s for s in statements if "event_actors" in s or "event_locations" in s
                               or "source_actors" in s or "source_locations" in s]
