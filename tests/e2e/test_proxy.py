"""End to end: deploy/nginx.conf in front of gunicorn, as docker-compose.yml ships them.

nginx (Debian's package, installed by tests/e2e/setup-servers.sh) runs the repository's
own config file, with short client timeouts so the test takes seconds, in front of a
gunicorn that has only two threads: were a stalled connection to reach gunicorn, it would
hold one of them. The last test shows that without the proxy it does.
"""
from __future__ import annotations

import select
import socket
import time

import httpx
import pytest

from tests.e2e import servers
from timeline_api.store.migrate import upgrade

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-proxy")]

# the test's client_header_timeout and client_body_timeout (production: 10 s)
CLIENT_TIMEOUT_S = 3
STALLED = 200
THREADS = 2
ARTICLE = {
    "text": "Talks between the two unions opened in Lisbon on 4 March 2024. "
            "A first agreement was signed in Porto on 18 March 2024, officials said.",
    "published_at": "2024-03-20",
}


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e-proxy")
    database_url = f"sqlite:///{workdir / 'timeline.db'}"
    upgrade(database_url)
    server = servers.start_gunicorn(workdir, database_url, workers=1, threads=THREADS,
                                    env={"TRUSTED_PROXY_COUNT": "1"})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def proxy(backend, tmp_path_factory):
    server = servers.start_nginx(tmp_path_factory.mktemp("e2e-nginx"), backend.port, {
        "client_header_timeout": f"{CLIENT_TIMEOUT_S}s", "client_body_timeout": f"{CLIENT_TIMEOUT_S}s"})
    yield server
    server.stop()


def _health_seconds(base_url: str) -> float:
    started = time.monotonic()
    response = httpx.get(base_url + "/healthz", timeout=5)
    assert response.status_code == 200
    return time.monotonic() - started


def _posts_reaching(backend) -> int:
    """How many POST requests gunicorn's access log holds (every stalled request is one)."""
    log = backend.log.with_name("access.log")
    return sum('"POST ' in line for line in log.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("kind", sorted(servers.STALLED_REQUESTS))
def test_stalled_clients_do_not_delay_healthz_and_are_closed_after_the_timeout(proxy, backend, kind):
    posts_before = _posts_reaching(backend)
    conns = servers.open_stalled(proxy.port, kind, STALLED)
    opened = time.monotonic()
    try:
        answer_times = [_health_seconds(proxy.base_url) for _ in range(5)]
        # the answers came while every stalled connection was still open
        assert time.monotonic() - opened < CLIENT_TIMEOUT_S
        assert servers.count_closed(conns) == 0
    finally:
        closed, last = servers.wait_closed(conns, CLIENT_TIMEOUT_S + 10, opened)
    assert max(answer_times) < 1.0, answer_times
    assert closed == STALLED
    assert CLIENT_TIMEOUT_S - 0.5 <= last <= CLIENT_TIMEOUT_S + 5
    # nothing of the stalled requests reached gunicorn
    assert _posts_reaching(backend) == posts_before


def test_headers_sent_a_byte_at_a_time_are_cut_at_the_header_timeout(proxy):
    """client_header_timeout bounds the whole header, not each read: a client that
    keeps the connection busy with one byte every 0.3 s is cut all the same."""
    sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    started = time.monotonic()
    header = b"GET /healthz HTTP/1.1\r\nHost: slow.example\r\nX-Slow: " + b"a" * 200
    cut = None
    try:
        for byte in header:
            sock.sendall(bytes([byte]))
            readable, _, _ = select.select([sock], [], [], 0.3)
            if readable and not sock.recv(4096):
                cut = time.monotonic() - started
                break
    except OSError:  # reset while sending
        cut = time.monotonic() - started
    finally:
        sock.close()
    assert cut is not None, "the proxy never closed a connection whose header never ended"
    assert CLIENT_TIMEOUT_S - 0.5 <= cut <= CLIENT_TIMEOUT_S + 2


def test_forwarded_headers_come_from_the_proxy_not_the_client(proxy):
    """The app trusts one hop (TRUSTED_PROXY_COUNT=1) and gunicorn trusts the proxy's
    address: the links it builds carry the host the client asked for and the proxy's
    scheme, whatever X-Forwarded-* the client sent itself."""
    with httpx.Client(base_url=proxy.base_url, timeout=30) as client:
        assert client.post("/v1/articles", json=ARTICLE).status_code in (200, 201)
        response = client.get("/v1/timeline", params={"format": "csv", "limit": 1}, headers={
            "Host": "timeline.example:8443", "X-Forwarded-Host": "evil.example",
            "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 200
    assert response.headers["Link"].startswith("<http://timeline.example:8443/v1/timeline?"), response.headers
    assert "evil" not in response.headers["Link"]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_body_over_the_limit_gets_413_problem_json_from_the_proxy(proxy, backend, chunked):
    posts_before = _posts_reaching(backend)
    body = b'{"text": "' + b"a" * (2 * 1024 * 1024) + b'", "published_at": "2024-03-20"}'
    content = (body[i:i + 65536] for i in range(0, len(body), 65536)) if chunked else body
    response = httpx.post(proxy.base_url + "/v1/articles", content=content, timeout=30,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 413
    assert _posts_reaching(backend) == posts_before


@pytest.mark.parametrize(("request_bytes", "status"), [
    (b"GARBAGE\r\n\r\n", 400),
    (b"GET / HTTP/1.1\r\nHost: proxy.example\r\nNo colon here\r\n\r\n", 400),
    (b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: proxy.example\r\n\r\n", 414),
], ids=["request-line", "header", "long-uri"])
def test_a_request_the_proxy_cannot_read_gets_problem_json(proxy, request_bytes, status):
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
        sock.sendall(request_bytes)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode()), head
    assert b"Content-Type: application/problem+json" in head
    assert f'"status": {status}'.encode() in body


def test_an_unreachable_app_gives_503_problem_json_with_retry_after(tmp_path):
    with socket.socket() as unused:  # bound, never listening: connections are refused
        unused.bind(("127.0.0.1", 0))
        nginx = servers.start_nginx(tmp_path, unused.getsockname()[1])
        try:
            response = httpx.get(nginx.base_url + "/v1/timeline", timeout=10)
        finally:
            nginx.stop()
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    assert response.json()["status"] == 503


def test_without_the_proxy_each_stalled_client_holds_a_gunicorn_thread_until_it_leaves(backend):
    """Why the proxy is there. The same gunicorn, reached directly: a gthread worker
    gives a connection a thread that blocks reading its request, with no time limit, so
    as many stalled clients as threads leave the next request waiting, and it is
    answered only when one of them goes away."""
    stalled = servers.open_stalled(backend.port, "headers", THREADS)
    probe = socket.create_connection(("127.0.0.1", backend.port), timeout=5)
    try:
        probe.sendall(b"GET /healthz HTTP/1.1\r\nHost: probe.example\r\nConnection: close\r\n\r\n")
        waiting, _, _ = select.select([probe], [], [], 3)
        assert not waiting, "gunicorn answered while every thread had a stalled client"
        assert servers.count_closed(stalled) == 0  # and it does not close them either

        stalled.pop().close()  # one stalled client leaves: its thread reads the end, and is free
        answered, _, _ = select.select([probe], [], [], 10)
        assert answered and probe.recv(4096).startswith(b"HTTP/1.1 200")
    finally:
        probe.close()
        for sock in stalled:
            sock.close()
