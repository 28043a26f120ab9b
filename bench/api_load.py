"""Throughput and latency of the HTTP service on this machine, loopback only.

    python bench/api_load.py [--database-url URL] [--clients 8] [--articles 150] [--reads 600]

Starts gunicorn (the project's settings, WEB_CONCURRENCY workers) on a free
loopback port against a fresh database (a temp SQLite file by default; give an
empty PostgreSQL database with --database-url), posts TBAQ articles from
../shared/corpora/tbaq with N concurrent clients, then reads timelines
(actor, location, plain, TimelineJS) with N clients. Prints articles/s,
requests/s and latency percentiles. Bounded in count and time; run by hand.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timeline_eval import _call, _free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TBAQ = ROOT.parent / "shared" / "corpora" / "tbaq"
QUERIES = ["/v1/timeline?limit=50", "/v1/timeline?actor=United%20States&limit=50",
           "/v1/timeline?location=Europe&limit=50", "/v1/timeline?format=timelinejs&limit=50"]


def articles(limit: int) -> list[dict]:
    out = []
    for path in sorted(TBAQ.rglob("*.tml"))[:limit]:
        root = ET.parse(path).getroot()
        dct = root.find("DCT/TIMEX3").get("value")[:10]
        out.append({"text": "".join(root.find("TEXT").itertext()).strip(), "published_at": dct,
                    "external_id": path.stem})
    return out


def percentiles(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=100)
    return f"p50 {q[49] * 1000:.0f} ms, p95 {q[94] * 1000:.0f} ms, max {max(samples) * 1000:.0f} ms"


def timed(fn):
    start = time.perf_counter()
    status = fn()
    return status, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--reads", type=int, default=600)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "5")))
    args = parser.parse_args()
    import subprocess

    from timeline_api.store.migrate import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'load.db'}"
        upgrade(url)
        port = _free_port()
        env = {**os.environ, "DATABASE_URL": url, "WEB_CONCURRENCY": str(args.workers),
               "GUNICORN_ACCESS_LOG": "/dev/null"}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "python:timeline_api.gunicorn_conf",
             "--bind", f"127.0.0.1:{port}", "timeline_api:create_app()"],
            env=env, stdout=subprocess.DEVNULL, stderr=open(Path(tmp) / "server.log", "w"))
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    if _call(base, "GET", "/readyz")[0] == 200:
                        break
                except OSError:
                    time.sleep(0.1)
            docs = articles(args.articles)
            megabytes = sum(len(d["text"].encode()) for d in docs) / 1e6
            with cf.ThreadPoolExecutor(args.clients) as pool:
                start = time.perf_counter()
                posts = list(pool.map(lambda d: timed(lambda: _call(base, "POST", "/v1/articles", d)[0]), docs))
                ingest_seconds = time.perf_counter() - start
                reads = [QUERIES[i % len(QUERIES)] for i in range(args.reads)]
                start = time.perf_counter()
                gets = list(pool.map(lambda q: timed(lambda: _call_raw(base, q)), reads))
                read_seconds = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=30)
        bad = [s for s, _ in posts + gets if s >= 500]
        if bad:  # show why, from the server's own log
            log = (Path(tmp) / "server.log").read_text(errors="replace").splitlines()
            print("\n".join(line for line in log if "Error" in line or "error" in line)[-3000:])
    print(f"database: {url.split(':')[0]}, gunicorn workers: {args.workers}, clients: {args.clients}, "
          f"cores: {os.cpu_count()}")
    print(f"ingest: {len(docs)} articles ({megabytes:.2f} MB) in {ingest_seconds:.1f} s = "
          f"{len(docs) / ingest_seconds:.1f} articles/s, {megabytes / ingest_seconds:.3f} MB/s; "
          f"{percentiles([t for _, t in posts])}")
    print(f"timeline reads: {len(gets)} in {read_seconds:.1f} s = {len(gets) / read_seconds:.0f} req/s; "
          f"{percentiles([t for _, t in gets])}")
    print(f"5xx responses: {len(bad)}")


def _call_raw(base: str, path: str) -> int:
    with urllib.request.urlopen(base + path, timeout=60) as response:
        response.read()
        return response.status


if __name__ == "__main__":
    main()
