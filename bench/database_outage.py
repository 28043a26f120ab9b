"""What clients and the log get while the database cannot serve; loopback only.

    python bench/database_outage.py [--requests 20]

1. PostgreSQL goes away: starts a private PostgreSQL instance (tests/e2e/servers.py:
   initdb in a temporary directory, a free port; never the shared server) and gunicorn
   (1 worker, 2 threads) on it, posts one article, stops the instance (`pg_ctl -m fast`),
   sends REQUESTS requests (POST an article, GET the timeline, alternately), prints their
   statuses and what gunicorn's error log gained; starts the instance again and times the
   first request.
2. A locked SQLite file: a second connection holds `BEGIN IMMEDIATE` while the Flask test
   client posts an article (default settings); prints the status, how long it took and
   what the log got.

To measure an older commit, put its package first on the path:
`git archive COMMIT | tar -x -C /tmp/before && PYTHONPATH=/tmp/before python bench/database_outage.py`.
Bounded in count and time; run by hand. Figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import io
import logging
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.e2e import servers  # noqa: E402

ARTICLE = {"text": "Dockers in Antwerp walked out on 2 May 2024, the union said.", "published_at": "2024-05-20"}


def postgres_outage(requests: int) -> None:
    from timeline_api.store.migrate import upgrade

    cluster = servers.PrivatePostgres()
    try:
        cluster.start()
        upgrade(cluster.url)
        gunicorn = servers.start_gunicorn(Path(tempfile.mkdtemp()), cluster.url, workers=1, threads=2)
        try:
            with httpx.Client(base_url=gunicorn.base_url, timeout=30) as client:
                print(f"before the outage: POST {client.post('/v1/articles', json=ARTICLE).status_code}")
                cluster.stop()
                size = gunicorn.log.stat().st_size
                statuses: dict[int, int] = {}
                started = time.monotonic()
                for number in range(requests):
                    response = (client.get("/v1/timeline") if number % 2 else client.post(
                        "/v1/articles", json={**ARTICLE, "text": f"Strike number {number} began on 3 May 2024."}))
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                took = time.monotonic() - started
                added = gunicorn.log.read_bytes()[size:]
                lines = added.count(b"\n")
                print(f"outage: {requests} requests in {took:.2f} s, statuses {statuses}, Retry-After "
                      f"{response.headers.get('Retry-After')}; error log +{len(added)} bytes, "
                      f"+{lines} lines, {added.count(b'Traceback')} tracebacks")
                cluster.start()
                started = time.monotonic()
                status = client.get("/v1/timeline").status_code
                print(f"back: first request {status} in {time.monotonic() - started:.2f} s")
        finally:
            gunicorn.stop()
    finally:
        cluster.destroy()


def locked_sqlite() -> None:
    from timeline_api import create_app
    from timeline_api.store.migrate import upgrade

    path = Path(tempfile.mkdtemp()) / "locked.db"
    upgrade(f"sqlite:///{path}")
    app = create_app({"database_url": f"sqlite:///{path}"})
    client = app.test_client()
    client.post("/v1/articles", json=ARTICLE)  # the grammar and gazetteers load on first use
    log = io.StringIO()
    logging.getLogger().addHandler(logging.StreamHandler(log))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        response = client.post("/v1/articles", json={**ARTICLE, "text": "The port of Rotterdam closed on 2 March."})
        took = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    text = log.getvalue()
    print(f"locked SQLite: {response.status_code} after {took:.1f} s, Retry-After "
          f"{response.headers.get('Retry-After')}; log {len(text)} bytes, {text.count(chr(10))} lines")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    postgres_outage(args.requests)
    locked_sqlite()


if __name__ == "__main__":
    main()
