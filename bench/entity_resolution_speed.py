"""How long resolving a typed name takes with 100,000 entities stored, on SQLite and PostgreSQL.

    .venv/bin/python bench/entity_resolution_speed.py                       # SQLite, a temporary file
    .venv/bin/python bench/entity_resolution_speed.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_x

The database must be empty (it is migrated here; ``--reuse`` times the queries again over the
entities an earlier run built in it); PostgreSQL: ``createdb -h 127.0.0.1 -U postgres
bench_<name>`` first. Builds ``--entities`` synthetic entities (people, organisations with legal
forms and acronyms as aliases, places), as ingest stores them (``repository.ensure_entities``,
which fills the normalised-name index), then times ``repository.resolve_names`` for one query
at a time in each class: exact name, alias, normalised (case, accents, legal form), variant
(acronym, surname, nickname), one typing error, and a name nothing matches (the worst case:
every step runs, the trigram probe included). Each figure is the median and the 95th percentile
of ``--queries`` queries of the class, wall time in the client; a primary-key lookup
(``session.get``) timed in the same run gives the peer ratio, since the machine is shared.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from timeline_api.entities.normalize import entity_id  # noqa: E402
from timeline_api.entities.types import Entity as EntityValue  # noqa: E402
from timeline_api.store import repository  # noqa: E402
from timeline_api.store.db import Database  # noqa: E402
from timeline_api.store.migrate import upgrade  # noqa: E402
from timeline_api.store.models import Entity, EntityName  # noqa: E402

GIVEN = ("Robert William Margaret James Elizabeth Thomas Katherine Richard Susan Joseph Patricia Charles "
         "Jennifer Daniel Barbara Matthew Dorothy Anthony Rebecca Andrew Helena Stefan Agnieszka Jurgen "
         "Ingrid Matteo Chiara Dmitri Olga Kenji Yuki Amara Kwame Lucia Mateo Sofia Nikolai Freya Henrik").split()
SYLLABLES = ("al ber can dor el fen gar hol in jor kes lan mor nel or pra quin ros sel tor ul ven wes yar zan "
             "bre cla dru fro gla kri plo sta tre vol").split()
ORG_WORDS = "Systems Bank Airlines Motors Foods Energy Partners Insurance Logistics Media Holdings Capital".split()
LEGAL = ("Inc.", "Corp.", "AG", "plc", "S.p.A.", "GmbH", "Ltd", "N.V.", "Group")


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def synthetic_entities(n: int, seed: int = 7) -> list[EntityValue]:
    rng = random.Random(seed)
    out: dict[str, EntityValue] = {}
    while len(out) < n:
        r = rng.random()
        if r < 0.5:
            name = f"{rng.choice(GIVEN)} {_word(rng, rng.randint(2, 3))}"
            e = EntityValue(key="", name=name, kind="person")
        elif r < 0.85:
            words = [_word(rng, rng.randint(2, 3)) for _ in range(rng.randint(1, 3))]
            base = " ".join(words + [rng.choice(ORG_WORDS)])
            acronym = "".join(w[0] for w in base.split()).upper()
            e = EntityValue(key="", name=f"{base} {rng.choice(LEGAL)}", kind="organization", aliases=(acronym,))
        else:
            e = EntityValue(key="", name=f"{_word(rng, 3)} {rng.choice(('Park', 'Bridge', 'Tower', 'Square'))}",
                            kind="landmark")
        key = entity_id(e.name)
        if key not in out:
            out[key] = EntityValue(key=key, name=e.name, kind=e.kind, aliases=e.aliases)
    return list(out.values())


def build(database: Database, entities: list[EntityValue]) -> float:
    started = time.perf_counter()
    for first in range(0, len(entities), 2000):
        with database.sessionmaker() as session:
            repository.ensure_entities(session, entities[first:first + 2000])
            session.commit()
    with database.engine.connect() as conn:  # the statistics autovacuum would gather after a bulk load
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return time.perf_counter() - started


def query_classes(entities: list[EntityValue], count: int, seed: int = 11) -> dict[str, list[str]]:
    rng = random.Random(seed)
    people = [e for e in entities if e.kind == "person"]
    orgs = [e for e in entities if e.kind == "organization"]

    def typo(name: str) -> str:
        letters = [i for i, c in enumerate(name) if c.isalpha()]
        i = letters[len(letters) // 3]
        return name[:i] + name[i + 1:]  # one letter dropped

    nickname = {"Robert": "Bob", "William": "Bill", "Margaret": "Peggy", "James": "Jim", "Elizabeth": "Liz",
                "Thomas": "Tom", "Katherine": "Kate", "Richard": "Dick", "Susan": "Sue", "Joseph": "Joe"}
    nicknamed = [p for p in people if p.name.split()[0] in nickname]
    return {
        "exact name": [e.name for e in rng.sample(entities, count)],
        "alias": [o.aliases[0] for o in rng.sample(orgs, count)],
        "normalised (case, legal form)": [o.name.rsplit(" ", 1)[0].upper() for o in rng.sample(orgs, count)],
        "variant (surname)": [p.name.split()[-1] for p in rng.sample(people, count)],
        "variant (nickname)": [f"{nickname[p.name.split()[0]]} {p.name.split()[-1]}"
                               for p in rng.sample(nicknamed, count)],
        "one typing error": [typo(p.name) for p in rng.sample([p for p in people if len(p.name) > 12], count)],
        "no match (every step)": [f"Zzyzx {_word(rng, 4)} Quorvant" for _ in range(count)],
    }


def timed(database: Database, fn, items: list) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each call; the CPU time is this process's (all of SQLite's
    work, only the client's share of PostgreSQL's)."""
    wall, cpu = [], []
    with database.sessionmaker() as session:
        fn(session, items[0])  # warm the connection and caches
        for item in items:
            started, started_cpu = time.perf_counter(), time.process_time()
            fn(session, item)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="an empty database (default: a temporary SQLite file)")
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--reuse", action="store_true",
                        help="the database already holds the entities of an earlier run: time queries only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="timeline-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'entities.db'}"
        upgrade(url)
        database = Database(url)
        entities = synthetic_entities(args.entities)
        build_s = 0.0 if args.reuse else build(database, entities)
        with database.sessionmaker() as session:
            names = session.scalar(select(func.count()).select_from(EntityName))
        ids = [e.key for e in random.Random(3).sample(entities, args.queries)]
        peer, peer_cpu = timed(database, lambda s, key: (s.get(Entity, key), s.expunge_all()), ids)
        peer_median = statistics.median(peer)
        print(f"{database.engine.dialect.name}: {len(entities)} entities, {names} index rows, built in {build_s:.0f} s")
        print(f"{'query class':32} {'median ms':>10} {'p95 ms':>8} {'x PK lookup':>12} {'CPU ms':>7}  resolved")
        for label, queries in query_classes(entities, args.queries).items():
            found = []

            def resolve(session, q, found=found):
                (resolution,) = repository.resolve_names(session, [q])
                found.append(bool(resolution.best))

            times, cpu = timed(database, resolve, queries)
            median, p95 = statistics.median(times), statistics.quantiles(times, n=20)[-1]
            print(f"{label:32} {median:10.2f} {p95:8.2f} {median / peer_median:12.1f} {statistics.median(cpu):7.2f}  "
                  f"{100 * sum(found[1:]) / len(queries):.0f}%")
        print(f"{'peer: primary-key lookup':32} {peer_median:10.2f} {statistics.quantiles(peer, n=20)[-1]:8.2f} "
              f"{'':12} {statistics.median(peer_cpu):7.2f}")
        database.dispose()


if __name__ == "__main__":
    main()
