"""What stalled clients do to /healthz, with and without nginx in front; loopback only.

    python bench/slow_clients.py [--count 200] [--kinds idle,headers,body]
                                 [--setups direct,rcvtimeo,gevent,proxy] [--watch 12] [--close-limit 45]
    python bench/slow_clients.py --cpu-probe [--setups direct,gevent]

For each setup and each kind of stalled client, starts fresh servers (gunicorn with
the project's settings: 5 gthread workers x 4 threads, as in production), opens COUNT
connections that stall (idle: send nothing; headers: half a request line and header;
body: full headers announcing 100 kB, then a few bytes of it), then for WATCH seconds
asks GET /healthz every 0.5 s (10 s timeout each) and reports the worst and median
answer times and how many asks got no answer; finally how many of the stalled
connections the server has closed after CLOSE_LIMIT seconds, and when the last went.

Setups: `direct` is gunicorn alone; `rcvtimeo` is gunicorn with SO_RCVTIMEO (5 s) set on
its listening socket, which accepted sockets inherit on Linux (a candidate for defence in
depth in gunicorn itself); `gevent` is gunicorn's gevent worker (needs `pip install
gevent`, not a project dependency); `proxy` is deploy/nginx.conf (its production timeouts)
in front of gunicorn.

--cpu-probe measures a different hazard: /healthz answer times while one worker ingests
a long article (CPU-bound), for the gthread and gevent workers (one worker each).

Bounded in count and time; run by hand. Figures go to docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.e2e import servers  # noqa: E402

RCVTIMEO_S = 5
RCVTIMEO_CONF = f'''
import socket, struct
from timeline_api.gunicorn_conf import *  # noqa
from timeline_api.gunicorn_conf import when_ready as _warm_up

def when_ready(server):
    _warm_up(server)
    for listener in server.LISTENERS:
        listener.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("ll", {RCVTIMEO_S}, 0))
'''


def health_latency(base_url: str, timeout: float = 10.0) -> float | None:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(base_url + "/healthz", timeout=timeout) as response:
            response.read()
    except OSError:
        return None
    return time.perf_counter() - start


def watch_health(base_url: str, seconds: float) -> list[float | None]:
    samples, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        samples.append(health_latency(base_url))
        time.sleep(0.5)
    return samples


def start_setup(setup: str, workdir: Path, database_url: str, workers: int, threads: int):
    """(servers to stop, the port clients talk to)"""
    options = {}
    if setup == "rcvtimeo":
        conf = workdir / "rcvtimeo_conf.py"
        conf.write_text(RCVTIMEO_CONF, encoding="utf-8")
        options["config"] = str(conf)
    if setup == "gevent":
        options["worker_class"] = "gevent"
    gunicorn = servers.start_gunicorn(workdir, database_url, workers=workers, threads=threads, **options)
    if setup != "proxy":
        return [gunicorn], gunicorn.port
    try:
        nginx = servers.start_nginx(workdir / "nginx", gunicorn.port)
    except BaseException:
        gunicorn.stop()
        raise
    return [nginx, gunicorn], nginx.port


def summarise(samples: list[float | None]) -> str:
    answered = [s for s in samples if s is not None]
    missed = len(samples) - len(answered)
    if not answered:
        return f"no answer to {len(samples)} asks"
    return (f"worst {max(answered) * 1000:.0f} ms, median {statistics.median(answered) * 1000:.0f} ms, "
            f"{missed}/{len(samples)} asks unanswered in 10 s")


def run_stalls(args, database_url: str) -> None:
    from timeline_api.store.migrate import upgrade

    for setup in args.setups:
        for kind in args.kinds:
            with tempfile.TemporaryDirectory() as tmp:
                workdir = Path(tmp)
                url = database_url or f"sqlite:///{workdir / 'bench.db'}"
                upgrade(url)
                running, port = start_setup(setup, workdir, url, workers=5, threads=4)
                try:
                    base = f"http://127.0.0.1:{port}"
                    before = summarise([health_latency(base) for _ in range(3)])
                    started = time.monotonic()
                    conns = servers.open_stalled(port, kind, args.count)
                    samples = watch_health(base, args.watch)
                    closed, last = servers.wait_closed(conns, args.close_limit, started)
                finally:
                    for server in running:
                        server.stop()
                when = f"last at {last:.1f} s" if last is not None else "none"
                print(f"{setup:9} {kind:8} before: {before}; with {args.count} stalled: {summarise(samples)}; "
                      f"closed by the server within {args.close_limit:.0f} s: {closed}/{args.count} ({when})",
                      flush=True)


def long_article() -> dict:
    """About 200 kB of varied news text (TBAQ documents, read at run time)."""
    import xml.etree.ElementTree as ET

    texts, size = [], 0
    for path in sorted((ROOT.parent / "shared" / "corpora" / "tbaq").rglob("*.tml")):
        text = "".join(ET.parse(path).getroot().find("TEXT").itertext()).strip()
        texts.append(text)
        size += len(text)
        if size > 200_000:
            break
    return {"text": "\n\n".join(texts), "published_at": "2013-03-01"}


def probe_during_ingest(base: str, article: bytes) -> tuple[float, list[float | None]]:
    """(seconds one ingest of article took, /healthz answer times meanwhile)"""
    took: list[float] = []

    def ingest() -> None:
        start = time.perf_counter()
        request = urllib.request.Request(base + "/v1/articles", data=article, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as response:
            response.read()
        took.append(time.perf_counter() - start)

    worker = threading.Thread(target=ingest)
    worker.start()
    time.sleep(0.3)
    samples = []
    while worker.is_alive():
        samples.append(health_latency(base, timeout=60))
        time.sleep(0.2)
    worker.join()
    return took[0], samples


def run_cpu_probe(args, database_url: str) -> None:
    from timeline_api.store.migrate import upgrade

    article = json.dumps(long_article()).encode()
    for setup in args.setups:
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            url = database_url or f"sqlite:///{workdir / 'bench.db'}"
            upgrade(url)
            running, port = start_setup(setup, workdir, url, workers=1, threads=4)
            try:
                took, samples = probe_during_ingest(f"http://127.0.0.1:{port}", article)
            finally:
                for server in running:
                    server.stop()
            print(f"{setup:9} one ingest of {len(article) / 1000:.0f} kB took {took:.1f} s; "
                  f"/healthz meanwhile: {summarise(samples)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--kinds", type=lambda s: s.split(","), default=list(servers.STALLED_REQUESTS))
    parser.add_argument("--setups", type=lambda s: s.split(","), default=["direct", "rcvtimeo", "gevent", "proxy"])
    parser.add_argument("--watch", type=float, default=12.0)
    parser.add_argument("--close-limit", type=float, default=45.0)
    parser.add_argument("--cpu-probe", action="store_true")
    parser.add_argument("--database-url", help="an empty, migrated-on-start database (default: a temp SQLite file)")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}", flush=True)
    if args.cpu_probe:
        run_cpu_probe(args, args.database_url)
    else:
        run_stalls(args, args.database_url)


if __name__ == "__main__":
    main()
