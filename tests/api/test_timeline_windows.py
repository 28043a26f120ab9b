"""Time windows and entity timelines through their indexes (store/repository.py, TimelineQuery):
exactly the events whose interval overlaps the window, however long (a century crossing both
ends of it too), in timeline order, a keyset page at a time, on SQLite and PostgreSQL; and the
copies of each event's sort key on its links, which those walks read, following the event."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import create_engine, select, text

from timeline_api.store.db import Database
from timeline_api.store.models import SPAN_LIMITS, SPAN_SLACK, Entity, Event, EventActor, EventLocation
from timeline_api.store.repository import TimelineQuery, load_events

SECOND = dt.timedelta(seconds=1)
# every class of length, at its limit and a second past it, and longer than any class
LENGTHS = [dt.timedelta(minutes=1), *SPAN_LIMITS, *(limit + SECOND for limit in SPAN_LIMITS),
           dt.timedelta(days=365 * 300)]
ACTORS = ("ent:a", "ent:b", "ent:c")


@pytest.fixture
def store(database_url):
    """Events of every length over 1900-2100 (starts seeded), linked to actors and places."""
    rng = random.Random(14)
    engine = create_engine(database_url)
    events = []
    with engine.begin() as conn:
        conn.execute(Entity.__table__.insert(), [dict(id=i, name=i, name_norm=i, kind="person") for i in ACTORS]
                     + [dict(id="geonames:1", name="Place", name_norm="place", kind="country")])
        rows = []
        for event_id in range(1, 401):
            length = LENGTHS[event_id % len(LENGTHS)]
            start = dt.datetime(1900, 1, 1) + dt.timedelta(seconds=rng.randrange(200 * 365 * 86400))
            if event_id % 7 == 0:  # many on the calendar's own boundaries, where windows start
                start = dt.datetime(rng.randrange(1990, 2030), 1, 1)
            rows.append(dict(id=event_id, date_value="x", date_start=start, date_end=start + length, granularity="day",
                             granularity_rank=rng.randrange(7), date_source="explicit", summary=f"event {event_id}",
                             status="occurred", confidence=0.5,
                             first_published_at=dt.datetime(2000, 1, 1) + dt.timedelta(days=rng.randrange(3)),
                             created_at=dt.datetime(2000, 1, 1)))
            actors = [a for a in ACTORS if rng.random() < 0.4]
            events.append((event_id, start, start + length, actors))
        conn.execute(Event.__table__.insert(), rows)
        # links written without the copies of the sort key: the database fills them in
        conn.execute(EventActor.__table__.insert(),
                     [dict(event_id=e, entity_id=a) for e, _, _, actors in events for a in actors])
        conn.execute(EventLocation.__table__.insert(),
                     [dict(event_id=e, entity_id="geonames:1", direct=True) for e, *_ in events if e % 3 == 0])
    engine.dispose()
    database = Database(database_url)
    yield database, events, rows
    database.dispose()


def _expected(rows, events, *, start=None, end=None, actors=(), places=False, order="asc"):
    keyed = {r["id"]: (r["date_start"], r["granularity_rank"], r["first_published_at"], r["id"]) for r in rows}
    wanted = [e for e, first, last, linked in events
              if (start is None or last > start) and (end is None or first < end)
              and (not actors or set(actors) & set(linked)) and (not places or e % 3 == 0)]
    return sorted(wanted, key=keyed.get, reverse=order == "desc")


def _walk(session, query: TimelineQuery) -> list[int]:
    """Every event of the query, page after page."""
    seen = []
    while True:
        page, cursor = query.run(session)
        seen += [event.id for event in page]
        if cursor is None:
            return seen
        query = TimelineQuery(**{**query.__dict__, "cursor": cursor})


def _windows(events):
    rng = random.Random(7)
    yield dt.datetime(2019, 1, 1), dt.datetime(2020, 1, 1)  # a year, from the boundary of year events
    yield dt.datetime(2019, 3, 1), dt.datetime(2019, 3, 2)  # a day
    yield dt.datetime(1750, 1, 1), dt.datetime(1760, 1, 1)  # before every start: only the longest reach it
    _, first, last, _ = events[5]
    yield first, last  # an event's own interval, both ends exactly
    yield last, last + SECOND  # starting where an event ends: it does not overlap
    for _ in range(6):
        start = dt.datetime(1900, 1, 1) + dt.timedelta(seconds=rng.randrange(200 * 365 * 86400))
        yield start, start + rng.choice(LENGTHS)


def test_windows_give_exactly_the_overlapping_events_in_order(store):
    database, events, rows = store
    with database.session() as session:
        for start, end in _windows(events):
            for order in ("asc", "desc"):
                query = TimelineQuery(date_from=start, date_to=end, limit=7, order=order)
                expected = _expected(rows, events, start=start, end=end, order=order)
                assert _walk(session, query) == expected, (start, end, order)
                assert query.count(session) == len(expected)
        # a window open at one end
        start = dt.datetime(2019, 6, 1)
        assert _walk(session, TimelineQuery(date_from=start, limit=25)) == _expected(rows, events, start=start)
        assert _walk(session, TimelineQuery(date_to=start, limit=25)) == _expected(rows, events, end=start)


def test_long_events_crossing_both_ends_of_a_window_are_in_it(store):
    database, events, rows = store
    start, end = dt.datetime(2019, 1, 1), dt.datetime(2020, 1, 1)
    crossing = [e for e, first, last, _ in events if first < start and last > end]
    assert any(last - first > SPAN_LIMITS[-1] for e, first, last, _ in events if e in crossing)  # the unbounded class
    with database.session() as session:
        found = _walk(session, TimelineQuery(date_from=start, date_to=end, limit=50))
    assert crossing and set(crossing) <= set(found)


def test_entity_timelines_walk_their_links_in_timeline_order(store):
    database, events, rows = store
    with database.session() as session:
        for actors in (["ent:a"], ["ent:a", "ent:b"], list(ACTORS)):
            for order in ("asc", "desc"):
                expected = _expected(rows, events, actors=actors, order=order)
                assert _walk(session, TimelineQuery(actors=actors, limit=9, order=order)) == expected
                assert TimelineQuery(actors=actors).count(session) == len(expected)
            for start, end in _windows(events):
                query = TimelineQuery(actors=actors, date_from=start, date_to=end, limit=4)
                assert _walk(session, query) == _expected(rows, events, actors=actors, start=start, end=end)
        # an actor and a place: one leads the walk, the other is checked per event
        both = TimelineQuery(actors=["ent:a"], locations=["geonames:1"], limit=5)
        assert _walk(session, both) == _expected(rows, events, actors=["ent:a"], places=True)


def test_the_database_classes_lengths_as_span_limits_says(database_url):
    engine = create_engine(database_url)
    start = dt.datetime(2020, 2, 1)
    cases = [(limit, c) for c, limit in enumerate(SPAN_LIMITS)]
    cases += [(limit + SPAN_SLACK + SECOND, c + 1) for c, limit in enumerate(SPAN_LIMITS)]
    with engine.begin() as conn:
        for event_id, (length, _) in enumerate(cases, start=1):
            conn.execute(Event.__table__.insert().values(
                id=event_id, date_value="x", date_start=start, date_end=start + length, granularity="day",
                granularity_rank=4, date_source="explicit", summary="", status="occurred", confidence=1,
                first_published_at=start, created_at=start))
        spans = dict(conn.execute(select(Event.id, Event.span)).all())
    engine.dispose()
    assert [spans[i] for i in range(1, len(cases) + 1)] == [c for _, c in cases]


def test_links_follow_their_event_when_its_sort_key_or_interval_changes(store):
    database, events, rows = store
    event_id, _, _, actors = next(e for e in events if e[3])
    moved = dt.datetime(1850, 1, 1)  # before every other start
    with database.session() as session:
        event = session.get(Event, event_id)
        event.date_start, event.date_end, event.granularity_rank = moved, moved + dt.timedelta(days=366), 0
        event.first_published_at = dt.datetime(1999, 1, 1)
        session.commit()
        copies = session.execute(select(EventActor.date_start, EventActor.date_end, EventActor.granularity_rank,
                                        EventActor.first_published_at, EventActor.span)
                                 .where(EventActor.event_id == event_id)).all()
        assert len(copies) == len(actors)
        assert {tuple(row) for row in copies} == {(moved, moved + dt.timedelta(days=366), 0,
                                                   dt.datetime(1999, 1, 1), 6)}
        # the actor's timeline finds it where it now is, and as its window now says
        first = _walk(session, TimelineQuery(actors=actors[:1], limit=3))
        assert first[0] == event_id
        window = TimelineQuery(actors=actors[:1], date_from=dt.datetime(1850, 12, 31), date_to=dt.datetime(1851, 1, 1))
        assert _walk(session, window) == [event_id]
        # a link re-pointed at another event takes that event's copies
        other = next(e for e, _, _, _ in events if e % 3 and e != event_id)
        session.execute(text("UPDATE event_locations SET event_id = :other WHERE event_id = :id"),
                        {"other": other, "id": 3})
        session.commit()
        assert session.scalar(select(EventLocation.date_start).where(EventLocation.event_id == other)) == next(
            r["date_start"] for r in rows if r["id"] == other)


def test_a_page_loads_links_and_sources_in_one_order_on_every_database(store):
    database, events, _ = store
    ids = [e for e, _, _, actors in events if len(actors) > 1][:5]
    with database.session() as session:
        records = load_events(session, list(reversed(ids)))
    assert [r.id for r in records] == list(reversed(ids))
    for record in records:
        assert [a.entity_id for a in record.actors] == sorted(a.entity_id for a in record.actors)
        assert all(a.name == a.entity_id for a in record.actors)
