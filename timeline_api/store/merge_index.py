"""The merge index: the stored events a new report may be the same happening as, found by
entity and interval in a few index range scans whatever the store's size, and kept in step with
the links of every event, with each entity's event count (models.MergeKey).

A probe asks, for one draft: the events that share one of its entities and overlap its search
window. Per (entity, span class) it is two range scans of ``ix_merge_index_probe`` from the
draft's start, one up and one down, each stopping after a few rows (``NEAR_ROWS`` in the shortest
class, ``FAR_ROWS`` in the longer ones) that may agree in date, so that an entity
in a fifth of a million events costs what a rare one does; the candidates come back closest
first (by how far their interval is from the draft's). All the probes of an article are one
statement: a lateral join on PostgreSQL, correlated subqueries on SQLite (which has no
LATERAL), over the probes sent as one JSON parameter, so the statement text never changes.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.engine import Connection

from timeline_api.store.models import MERGE_SPAN_DAYS, WIDEST_MERGE_SPAN, Entity, MergeKey, merge_span
from timeline_api.store.sql import any_of, insert_rows, sqlite_time

MERGE_INDEX = MergeKey.__table__
ENTITIES = Entity.__table__

# rows each direction of each (entity, span class) scan may return, the closest dates first: in
# the shortest class (a report's own day and week), and in each longer one
NEAR_ROWS = 32
FAR_ROWS = 8
# candidates of one draft compared with it at most, closest first
CANDIDATES = 50


@dataclass(frozen=True, slots=True)
class Span:
    """An event found through the index: its interval and what comparing dates needs."""

    event_id: int
    start: dt.datetime
    end: dt.datetime
    granularity_rank: int
    inferred: bool


@dataclass(frozen=True, slots=True)
class Probe:
    """What one draft looks for: events of these entities overlapping ``window``, ranked by
    the distance of their interval from [start, end). Optionally only those whose interval lies
    within ``within`` (from, to), or starts by ``around[0]`` and ends at ``around[1]`` or later:
    the caller's loose bounds for dates that can agree, checked in the index, so the rows each
    scan may return are spent on candidates that can be compared."""

    start: dt.datetime
    end: dt.datetime
    window: tuple[dt.datetime, dt.datetime]
    entity_ids: frozenset[str]
    within: tuple[dt.datetime, dt.datetime] | None = None
    around: tuple[dt.datetime, dt.datetime] | None = None


_EARLIEST = dt.datetime(1, 1, 1)
_LATEST = dt.datetime(9999, 12, 31)
_CLASSES = range(WIDEST_MERGE_SPAN + 1)
# lo{k}: the earliest start an interval of span class k overlapping the window can have
_LOWEST_OF_CLASS = "CASE c.k " + " ".join(f"WHEN {k} THEN p.lo{k}" for k in _CLASSES) + " END"
_CLASS_ROWS = " UNION ALL ".join(f"SELECT {k} AS k" for k in _CLASSES)

# Per (entity, window) of a probe and span class the entity has rows of: the rows closest to
# the pivot (the draft's start), up to a budget starting at or after it and as many before: the
# shortest class (days, weeks: where a report's happening is) gets NEAR_ROWS, as a busy entity
# can have many events on one day; the longer ones (months to centuries, which can only contain
# a day's report) FAR_ROWS.
_SPAN_COLUMNS = "event_id, date_start, date_end, granularity_rank, inferred"
_AGREE = "((date_start >= p.wf AND date_end <= p.wt) OR (date_start <= p.sb AND date_end >= p.ef))"
_UP = ("FROM merge_index WHERE entity_id = p.entity_id AND span_class = c.k "
       f"AND date_start >= p.pivot AND date_start < p.hi AND date_end > p.ws AND {_AGREE}{{only}} "
       "ORDER BY date_start LIMIT {rows}")
_DOWN = (f"FROM merge_index WHERE entity_id = p.entity_id AND span_class = c.k "
         f"AND date_start >= {_LOWEST_OF_CLASS} AND date_start < p.pivot AND date_end > p.ws AND {_AGREE}{{only}} "
         "ORDER BY date_start DESC LIMIT {rows}")
_BOUNDS = ("wf", "wt", "sb", "ef")
_POSTGRES_SCANS = " UNION ALL ".join(
    f"(SELECT {_SPAN_COLUMNS} {scan.format(rows=rows, only=' AND ' + shortest)})"
    for scan in (_UP, _DOWN) for rows, shortest in ((":near", "c.k = 0"), (":far", "c.k > 0")))
_POSTGRES_PROBE = text(
    f"SELECT p.n, m.event_id, m.date_start, m.date_end, m.granularity_rank, m.inferred "
    f"FROM jsonb_to_recordset(CAST(:probes AS jsonb)) AS p(n int, entity_id varchar, pivot timestamp, "
    f"hi timestamp, ws timestamp, {', '.join(f'{b} timestamp' for b in _BOUNDS)}, "
    f"{', '.join(f'lo{k} timestamp' for k in _CLASSES)}) "
    f"JOIN entities e ON e.id = p.entity_id JOIN ({_CLASS_ROWS}) c ON (e.span_classes >> c.k) & 1 = 1 "
    f"CROSS JOIN LATERAL ({_POSTGRES_SCANS}) m")
_ROWS_AS_JSON = f"json_group_array(json_array({_SPAN_COLUMNS}))"


def _sqlite_scan(scan: str) -> str:
    return (f"json(CASE WHEN c.k = 0 THEN (SELECT {_ROWS_AS_JSON} FROM (SELECT {_SPAN_COLUMNS} "
            f"{scan.format(rows=':near', only='')})) ELSE (SELECT {_ROWS_AS_JSON} FROM (SELECT {_SPAN_COLUMNS} "
            f"{scan.format(rows=':far', only='')})) END)")


_SQLITE_PROBE = text(
    "WITH p AS MATERIALIZED (SELECT json_extract(value, '$[0]') AS n, json_extract(value, '$[1]') AS entity_id, "
    "json_extract(value, '$[2]') AS pivot, json_extract(value, '$[3]') AS hi, json_extract(value, '$[4]') AS ws, "
    + ", ".join(f"json_extract(value, '$[{5 + i}]') AS {b}" for i, b in enumerate(_BOUNDS)) + ", "
    + ", ".join(f"json_extract(value, '$[{9 + k}]') AS lo{k}" for k in _CLASSES) + " FROM json_each(:probes)) "
    # one JSON document for the whole probe: [[scan, [rows up], [rows down]], ...], read at once
    f"SELECT json_group_array(json_array(p.n, {_sqlite_scan(_UP)}, {_sqlite_scan(_DOWN)})) "
    f"FROM p JOIN entities e ON e.id = p.entity_id JOIN ({_CLASS_ROWS}) c ON (e.span_classes >> c.k) & 1 = 1")


def _scans(probes: Sequence[Probe]) -> dict[tuple, list[int]]:
    """{(entity, pivot, highest start, window start, the four bounds, lowest start per class): the
    probes asking}: drafts of one article often look at one window for one entity (those dated by
    its day)."""
    scans: dict[tuple, list[int]] = {}
    for n, probe in enumerate(probes):
        ws, we = probe.window
        pivot = min(max(probe.start, ws), we)
        within = probe.within or (_EARLIEST, _LATEST)
        around = probe.around or (_LATEST, _EARLIEST)
        lows = tuple(max(ws - dt.timedelta(days=MERGE_SPAN_DAYS[k]), _EARLIEST) if k < WIDEST_MERGE_SPAN
                     else _EARLIEST for k in _CLASSES)
        for entity_id in probe.entity_ids:
            scans.setdefault((entity_id, pivot, we, ws, *within, *around, *lows), []).append(n)
    return scans


def _budget(payload: str) -> dict:
    return {"probes": payload, "near": NEAR_ROWS, "far": FAR_ROWS}


def candidates(conn: Connection, probes: Sequence[Probe], *, keep: Callable[[int, Span], bool] | None = None,
               limit: int = CANDIDATES) -> list[list[Span]]:
    """For each probe, the events it finds (each once), closest first, at most ``limit``, among
    those ``keep(probe number, span)`` accepts (the caller's rules: dates that can agree)."""
    found: list[dict[int, Span]] = [{} for _ in probes]
    scans = _scans(probes)
    if not scans:
        return [[] for _ in probes]
    asking = list(scans.values())
    if conn.dialect.name == "postgresql":
        payload = json.dumps([dict(n=i, entity_id=key[0], pivot=key[1].isoformat(), hi=key[2].isoformat(),
                                   ws=key[3].isoformat(), **{b: key[4 + j].isoformat() for j, b in enumerate(_BOUNDS)},
                                   **{f"lo{k}": key[8 + k].isoformat() for k in _CLASSES})
                              for i, key in enumerate(scans)])
        for i, event_id, start, end, rank, inferred in conn.execute(_POSTGRES_PROBE, _budget(payload)):
            span = Span(event_id, start, end, rank, bool(inferred))
            for n in asking[i]:
                found[n].setdefault(event_id, span)
    else:
        times: dict[dt.datetime, str] = {}

        def stamp(moment: dt.datetime) -> str:
            value = times.get(moment)
            if value is None:
                value = times[moment] = sqlite_time(moment)
            return value

        payload = json.dumps([[i, key[0], *map(stamp, key[1:])] for i, key in enumerate(scans)])
        parse = dt.datetime.fromisoformat
        found_rows = json.loads(conn.execute(_SQLITE_PROBE, _budget(payload)).scalar_one())
        for i, up, down in found_rows:
            for event_id, start, end, rank, inferred in (*up, *down):
                span = None
                for n in asking[i]:
                    if event_id not in found[n]:
                        span = span or Span(event_id, parse(start), parse(end), rank, bool(inferred))
                        found[n][event_id] = span
    out = []
    for n, (probe, spans) in enumerate(zip(probes, found, strict=True)):
        kept = [s for s in spans.values() if keep is None or keep(n, s)]
        kept.sort(key=lambda s: (abs((s.start - probe.start).total_seconds())
                                 + abs((s.end - probe.end).total_seconds()), s.event_id))
        out.append(kept[:limit])
    return out


# ---------------------------------------------------------------- keeping it in step

@dataclass(frozen=True, slots=True)
class Interval:
    """An event's interval as the index keeps it."""

    start: dt.datetime
    end: dt.datetime
    granularity_rank: int
    inferred: bool


def rows(event_id: int, entity_ids: Iterable[str], interval: Interval) -> list[dict]:
    cls = merge_span(interval.start, interval.end)
    return [dict(event_id=event_id, entity_id=entity_id, span_class=cls, date_start=interval.start,
                 date_end=interval.end, granularity_rank=interval.granularity_rank, inferred=interval.inferred)
            for entity_id in sorted(entity_ids)]


class Counts:
    """Changes to entities' event counts and span classes, written at once in one order."""

    def __init__(self) -> None:
        self.deltas: dict[str, list[int]] = {}  # entity id -> [count delta, span class bits]

    def add(self, entity_ids: Iterable[str], interval: Interval | None, delta: int = 1) -> None:
        bits = 0 if interval is None else 1 << merge_span(interval.start, interval.end)
        for entity_id in entity_ids:
            entry = self.deltas.setdefault(entity_id, [0, 0])
            entry[0] += delta
            entry[1] |= bits

    def write(self, conn: Connection) -> None:
        """One UPDATE per entity, by id (concurrent ingests lock the rows in one order, last thing
        before commit: the rows of an entity many articles name are held only that long)."""
        changes = [dict(key=key, delta=delta, bits=bits)
                   for key, (delta, bits) in sorted(self.deltas.items()) if delta or bits]
        if changes:
            conn.execute(_COUNT_UPDATE, changes)
        self.deltas.clear()


_COUNT_UPDATE = (update(ENTITIES).where(ENTITIES.c.id == bindparam("key"))
                 .values(event_count=ENTITIES.c.event_count + bindparam("delta"),
                         span_classes=ENTITIES.c.span_classes.op("|")(bindparam("bits"))))
_COLUMNS = ("event_id", "entity_id", "span_class", "date_start", "date_end", "granularity_rank", "inferred")


def add(conn: Connection, new_rows: list[dict], counts: Counts) -> None:
    if new_rows:
        insert_rows(conn, MERGE_INDEX, _COLUMNS, [tuple(row[c] for c in _COLUMNS) for row in new_rows])
        for row in new_rows:
            counts.add([row["entity_id"]], Interval(row["date_start"], row["date_end"], 0, False))


def keys_of(conn: Connection, event_ids: Sequence[int]) -> dict[int, set[str]]:
    """The entities each event is found by."""
    out: dict[int, set[str]] = {event_id: set() for event_id in event_ids}
    if event_ids:
        for event_id, entity_id in conn.execute(_KEYS, {"ids": list(event_ids)}):
            out[event_id].add(entity_id)
    return out


_KEYS = select(MERGE_INDEX.c.event_id, MERGE_INDEX.c.entity_id).where(any_of(MERGE_INDEX.c.event_id, "ids"))


def sync(conn: Connection, event_id: int, keys: set[str], interval: Interval, old_keys: set[str],
         old_interval: Interval | None, counts: Counts) -> None:
    """Make the event's rows these keys with this interval, given what they were."""
    gone, kept = old_keys - keys, old_keys & keys
    if gone:
        conn.execute(_DROP, [dict(event=event_id, key=key) for key in sorted(gone)])
        counts.add(gone, None, -1)
    if kept and old_interval != interval:
        conn.execute(_MOVE, dict(event=event_id, span_class=merge_span(interval.start, interval.end),
                                 date_start=interval.start, date_end=interval.end,
                                 granularity_rank=interval.granularity_rank, inferred=interval.inferred))
        counts.add(kept, interval, 0)
    add(conn, rows(event_id, keys - old_keys, interval), counts)


_DROP = delete(MERGE_INDEX).where(MERGE_INDEX.c.event_id == bindparam("event"),
                                  MERGE_INDEX.c.entity_id == bindparam("key"))
_MOVE = (update(MERGE_INDEX).where(MERGE_INDEX.c.event_id == bindparam("event"))
         .values(span_class=bindparam("span_class"), date_start=bindparam("date_start"),
                 date_end=bindparam("date_end"), granularity_rank=bindparam("granularity_rank"),
                 inferred=bindparam("inferred")))


def forget(conn: Connection, event_ids: Sequence[int], counts: Counts) -> None:
    """Before events are deleted: their entities count them no more (their rows go with them)."""
    if not event_ids:
        return
    for entity_id, n in conn.execute(select(MERGE_INDEX.c.entity_id, func.count())
                                     .where(MERGE_INDEX.c.event_id.in_(list(event_ids)))
                                     .group_by(MERGE_INDEX.c.entity_id)):
        counts.add([entity_id], None, -n)


def recount(conn: Connection, entity_ids: Sequence[str]) -> None:
    """Set these entities' counts and span classes from their rows (after a merge of entities)."""
    if entity_ids:
        conn.execute(_RECOUNT, {"ids": sorted(set(entity_ids))})


_RECOUNT = text(
    "UPDATE entities SET event_count = (SELECT count(*) FROM merge_index m WHERE m.entity_id = entities.id), "
    "span_classes = (SELECT coalesce(sum(DISTINCT 1 << m.span_class), 0) FROM merge_index m "
    "WHERE m.entity_id = entities.id) WHERE id IN :ids").bindparams(bindparam("ids", expanding=True))


def count_from_links(conn: Connection, entity_ids: Sequence[str]) -> dict[str, int]:
    """Events each entity is an actor or a named place of, counted from the index rows (what
    ``entities.event_count`` must equal)."""
    ids = list(dict.fromkeys(entity_ids))
    counts = dict(conn.execute(select(MERGE_INDEX.c.entity_id, func.count())
                               .where(MERGE_INDEX.c.entity_id.in_(ids)).group_by(MERGE_INDEX.c.entity_id)).all())
    return {entity_id: counts.get(entity_id, 0) for entity_id in ids}


def stored_counts(conn: Connection, entity_ids: Sequence[str]) -> Mapping[str, int]:
    ids = list(dict.fromkeys(entity_ids))
    counts = dict(conn.execute(_COUNTS, {"ids": ids}).all()) if ids else {}
    return {entity_id: counts.get(entity_id, 0) for entity_id in ids}


_COUNTS = select(ENTITIES.c.id, ENTITIES.c.event_count).where(any_of(ENTITIES.c.id, "ids"))


def rebuild(conn: Connection) -> None:
    """Fill the merge index and the entities' counts again from the events' links: for stores
    written without the writer (a bulk loader of synthetic rows, bench/scale.py)."""
    if conn.dialect.name == "postgresql":
        days = "EXTRACT(EPOCH FROM (e.date_end - e.date_start)) / 86400.0"
    else:
        days = "julianday(e.date_end) - julianday(e.date_start)"
    classes = " ".join(f"WHEN {days} <= {bound} THEN {i}" for i, bound in enumerate(MERGE_SPAN_DAYS))
    conn.execute(text("DELETE FROM merge_index"))
    conn.execute(text(
        "INSERT INTO merge_index (event_id, entity_id, span_class, date_start, date_end, granularity_rank, inferred) "
        f"SELECT e.id, k.entity_id, CASE {classes} ELSE {WIDEST_MERGE_SPAN} END, e.date_start, e.date_end, "
        "e.granularity_rank, e.date_source != 'explicit' FROM events e JOIN ("
        "SELECT event_id, entity_id FROM event_actors UNION "
        "SELECT event_id, entity_id FROM event_locations WHERE direct) k ON k.event_id = e.id"))
    conn.execute(text(
        "UPDATE entities SET event_count = (SELECT count(*) FROM merge_index m WHERE m.entity_id = entities.id), "
        "span_classes = (SELECT coalesce(sum(DISTINCT 1 << m.span_class), 0) FROM merge_index m "
        "WHERE m.entity_id = entities.id)"))
