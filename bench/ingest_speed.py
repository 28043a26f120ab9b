"""Ingest speed: the pipeline alone, `timeline-api ingest` as a whole process, and ingest into a
large store against an empty one.

    python bench/ingest_speed.py                                  # SQLite in a temp file
    python bench/ingest_speed.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_ingest
    python bench/ingest_speed.py --store-events 1000000           # ... and again into a 1M-event store
    python bench/ingest_speed.py --write-docs                     # ... and write docs/benchmarks.md

The articles are TBAQ's (../shared/corpora/tbaq, 256 news articles of 1989-1998), ``--copies``
times: copy k has every year in its text and its publication date moved by 28·k years (a shift
that keeps weekdays and leap years) and a last line "(Archive copy B.)", so the copies are new
articles about the same entities in other years, not repeats. A PostgreSQL database is emptied
first (it must be one of its own).

Figures are CPU seconds where the machine is shared: `timeline-api ingest` runs as a child
process, and its CPU is the child's and its workers' (resource.getrusage), beside the wall
clock; on PostgreSQL the server's CPU for the run is read from /proc for its backends. "Per core
of CPU" is articles per CPU second of the ingest process.

``--store-events N`` then builds a synthetic store of N events with the project's own bulk writer
(``service.write_batch``, as ingest writes): Zipf-distributed actors and places over
``--entities`` entities (the heaviest in about a fifth of the events; TBAQ's most named first, so
TBAQ's probes meet the dense ones), dates over 1935-2025 (days, months, years, a few decades),
places with their enclosing places; then ANALYZE, and the same ingest again into it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TBAQ = ROOT.parent / "shared" / "corpora" / "tbaq"
SHIFTS = (0, -28, 28, -56, 56, -84, 84)  # years; 28 keeps the calendar's weekdays and leap years
_YEAR = re.compile(r"(?<!\d)(19[0-9]{2}|20[0-9]{2})(?!\d)")


def corpus(copies: int) -> list[dict]:
    """TBAQ's articles as API records, ``copies`` times, each copy in other years."""
    from timeline_api.pipeline.markup import timeml_to_text

    base = []
    for path in sorted(TBAQ.rglob("*.tml")):
        document = timeml_to_text(path.read_text(encoding="utf-8"))
        base.append((path.stem, document.text, document.published_at))
    out = []
    for copy, shift in enumerate(SHIFTS[:copies]):
        for stem, text, published in base:
            moved = _YEAR.sub(lambda m, by=shift: str(int(m.group(1)) + by), text) if shift else text
            if copy:  # a text without a year is the same text in every copy: a last line tells them apart
                moved += f"\n\n(Archive copy {'ABCDEFG'[copy]}.)"
            out.append({"text": moved, "published_at": published.replace(year=published.year + shift).isoformat(),
                        "title": stem, "external_id": f"{stem}@{shift:+d}"})
    return out


def pipeline_rate(records: list[dict]) -> tuple[float, float]:
    """Articles per CPU second of the analysis alone (one process), and events per article."""
    from timeline_api.entities import EntityMatcher
    from timeline_api.pipeline import analyse_article

    matcher = EntityMatcher.default()
    analyse_article(records[0]["text"], dt.datetime.fromisoformat(records[0]["published_at"]), matcher=matcher)
    started = time.process_time()
    drafts = sum(len(analyse_article(r["text"], dt.datetime.fromisoformat(r["published_at"]),
                                     matcher=matcher).events) for r in records)
    return len(records) / (time.process_time() - started), drafts / len(records)


# ---------------------------------------------------------------- the database

def fresh_database(url: str, workdir: Path) -> str:
    from sqlalchemy import create_engine, text

    from timeline_api.store.migrate import upgrade

    if url.startswith("sqlite"):
        path = workdir / f"ingest-{time.monotonic_ns()}.db"
        url = f"sqlite:///{path}"
    else:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)
    return url


def analyze(url: str) -> None:
    """What autovacuum does after a bulk load: statistics for the planner."""
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()


class ServerCpu:
    """CPU of the PostgreSQL backends serving one database, sampled from /proc while a run lasts."""

    def __init__(self, url: str):
        self.url, self.seen, self.running = url, {}, False

    def __enter__(self):
        if self.url.startswith("postgresql"):
            self.running = True
            self.thread = threading.Thread(target=self._sample, daemon=True)
            self.thread.start()
        return self

    def _sample(self) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.url)
        with engine.connect() as conn:
            me = conn.execute(text("SELECT pg_backend_pid()")).scalar()
            while self.running:
                pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                         "AND pid != :me"), {"me": me}).scalars().all()
                conn.rollback()
                for pid in pids:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    self.seen[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
                time.sleep(0.05)
        engine.dispose()

    def __exit__(self, *exc) -> None:
        if self.running:
            self.running = False
            self.thread.join()

    @property
    def seconds(self) -> float | None:
        return sum(self.seen.values()) if self.url.startswith("postgresql") else None


def run_ingest(url: str, path: Path, workers: int) -> dict:
    """`timeline-api ingest PATH` in a child process: wall, its CPU and its workers', the server's."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = {**os.environ, "DATABASE_URL": url}
    with ServerCpu(url) as server:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "timeline_api.cli", "ingest", str(path), "--workers",
                               str(workers)], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(done.stdout[-2000:] + done.stderr[-2000:])
    created = int(re.search(r"created (\d+)", done.stdout).group(1))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"created": created, "wall": wall, "cpu": cpu, "server": server.seconds}


# ---------------------------------------------------------------- a synthetic store

def synthetic_store(url: str, events: int, entities: int, records: list[dict], seed: int = 14) -> dict:
    """``events`` events written with service.write_batch, in articles of 50 reports each."""
    from timeline_api.entities import Entity, EntityMatcher
    from timeline_api.entities.normalize import entity_id as new_entity_id
    from timeline_api.pipeline import ArticleAnalysis, EventDraft, Evidence, PlaceLink
    from timeline_api.pipeline.merging import signature
    from timeline_api.service import ArticleInput, write_batch
    from timeline_api.store.db import Database

    rng = random.Random(seed)
    matcher = EntityMatcher.default()
    named: dict[str, tuple[Entity, int]] = {}
    for record in records[:256]:
        for mention in matcher.find(record["text"]):
            entity, count = named.get(mention.entity.key, (mention.entity, 0))
            named[mention.entity.key] = (entity, count + 1)
    pool = [e for e, _ in sorted(named.values(), key=lambda pair: -pair[1])]
    made: dict[str, Entity] = {}
    while len(pool) + len(made) < entities:  # names as varied as real ones: no shared prefix to trip the fuzzy step
        name = f"{_word(rng, 2).title()} {_word(rng, 3).title()}"
        entity = Entity(key=new_entity_id(name), name=name, kind="person")
        made.setdefault(entity.key, entity)
    pool += list(made.values())
    pool = pool[:entities]
    # Zipf over ranks, s = 1: the first of 7,000 entities is in about a fifth of the events
    weights = [1 / (rank + 1) for rank in range(len(pool))]
    vocabulary = [f"w{i:05d}" for i in range(20_000)]
    per_article = 50
    started, cpu = time.perf_counter(), time.process_time()
    database = Database(url)
    written = 0
    with database.session() as session:
        batch = []
        for n in range(0, events, per_article):
            drafts = []
            for _ in range(min(per_article, events - n)):
                picked = {e.key: e for e in rng.choices(pool, weights, k=rng.choice((1, 2, 2, 3)))}.values()
                date = _synthetic_date(rng)
                quote = " ".join(rng.sample(vocabulary, 9)) + "."
                places = [PlaceLink(e) for e in picked if e.is_place]
                scope = [a for p in places for a in matcher.ancestors(p.entity.key) if a.key not in picked]
                drafts.append(EventDraft([Evidence(
                    0, len(quote), quote, date, 0.8, "occurred", actors=[e for e in picked if not e.is_place],
                    locations=places, scope=list({a.key: a for a in scope}.values()), words=signature(quote))]))
            published = dt.datetime(2025, 1, 1) + dt.timedelta(minutes=n)
            batch.append((ArticleInput(text=f"synthetic article {n}", published_at=published),
                          ArticleAnalysis(sentences=[], timexes=[], mentions=[], events=drafts)))
            if len(batch) == 20:
                write_batch(session, batch)
                written += sum(len(a.events) for _, a in batch)
                batch = []
                if written % 50_000 < per_article * 20:
                    print(f"  store: {written:,} events, {time.perf_counter() - started:.0f} s", flush=True)
        if batch:
            write_batch(session, batch)
    database.dispose()
    analyze(url)
    return {"events": events, "entities": len(pool), "wall": time.perf_counter() - started,
            "cpu": time.process_time() - cpu}


_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ar", "en", "is", "on")]


def _word(rng: random.Random, syllables: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables))


_GRANULARITIES = (("day", 0.7), ("month", 0.17), ("year", 0.11), ("decade", 0.02))


def _synthetic_date(rng: random.Random):
    from timeline_api.pipeline import EventDate

    kind = rng.choices([g for g, _ in _GRANULARITIES], [w for _, w in _GRANULARITIES])[0]
    day = dt.datetime(1935, 1, 1) + dt.timedelta(days=rng.randrange(91 * 365))
    if kind == "day":
        return EventDate(day.date().isoformat(), day, day + dt.timedelta(days=1), "day", None, "explicit")
    if kind == "month":
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
        return EventDate(start.strftime("%Y-%m"), start, end, "month", None, "explicit")
    if kind == "year":
        start = day.replace(month=1, day=1)
        return EventDate(str(start.year), start, start.replace(year=start.year + 1), "year", None, "explicit")
    start = day.replace(year=day.year - day.year % 10, month=1, day=1)
    return EventDate(f"{start.year // 10}", start, start.replace(year=start.year + 10), "year", None, "explicit")


# ---------------------------------------------------------------- main

def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", default="sqlite://", help="PostgreSQL: an empty database of its own")
    ap.add_argument("--copies", type=int, default=4, choices=range(1, len(SHIFTS) + 1))
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--store-events", type=int, default=0)
    ap.add_argument("--entities", type=int, default=7000)
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args(argv)
    records = corpus(args.copies)
    kind = "SQLite" if args.database_url.startswith("sqlite") else "PostgreSQL"
    lines = []

    def say(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    rate, drafts = pipeline_rate(records[:256])
    say(f"pipeline alone: {rate:.0f} articles per CPU second ({drafts:.1f} events per article; {_load()})")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        rows = []
        url = fresh_database(args.database_url, Path(tmp))
        rows.append(("empty store", run_ingest(url, path, args.workers), _load()))
        if args.store_events:
            url = fresh_database(args.database_url, Path(tmp))
            built = synthetic_store(url, args.store_events, args.entities, records)
            say(f"synthetic store: {built['events']:,} events over {built['entities']:,} entities written by "
                f"service.write_batch in {built['wall']:.0f} s ({built['cpu']:.0f} s CPU, "
                f"{built['events'] / built['cpu']:.0f} events per CPU second)")
            rows.append((f"{args.store_events:,}-event store", run_ingest(url, path, args.workers), _load()))
    say(f"`timeline-api ingest` of {len(records)} TBAQ articles ({args.copies} copies), {kind}, "
        f"--workers {args.workers}, {os.cpu_count()} cores:")
    for label, r, load in rows:
        server = f", database server {r['server']:.1f} s CPU" if r["server"] is not None else ""
        say(f"  into an {label}: {r['created']} articles in {r['wall']:.1f} s wall = {r['created'] / r['wall']:.0f}/s; "
            f"ingest process {r['cpu']:.1f} s CPU = {r['created'] / r['cpu']:.0f} articles per CPU second"
            f"{server} ({load})")
    if len(rows) == 2:
        (_, empty, _), (_, large, _) = rows
        slowdown = (large["cpu"] / large["created"]) / (empty["cpu"] / empty["created"])
        say(f"  slowdown into the large store: {slowdown:.2f}x per article (ingest process CPU)")
    if args.write_docs:
        from benchdocs import replace_section

        command = "python bench/ingest_speed.py " + " ".join(argv if argv is not None else sys.argv[1:])
        replace_section(f"Ingest speed ({kind})", "\n".join(["```", command.strip(), *lines, "```"]))


if __name__ == "__main__":
    main()
