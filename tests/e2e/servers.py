"""Real servers on loopback for the end-to-end tests and bench/slow_clients.py:
gunicorn with the project's settings, nginx running deploy/nginx.conf in front
of it, and a private PostgreSQL instance in a temporary directory.

Every process runs in a session of its own, so that stopping it reaches its
children too (gunicorn's workers, nginx's workers, PostgreSQL's backends).
"""
from __future__ import annotations

import glob
import os
import re
import select
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.processes import BOOT_LIMIT_S, free_port, stop, tail

ROOT = Path(__file__).resolve().parents[2]
DEPLOY_NGINX = ROOT / "deploy" / "nginx.conf"


def http_status(url: str, timeout: float = 2.0) -> int | None:
    """The status of GET url, or None when nothing answers within the timeout."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class ServerFailed(RuntimeError):
    """A server did not come up; the message holds the end of its log."""


@dataclass
class Server:
    proc: subprocess.Popen
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        stop(self.proc)


def _start(argv: list[str], env: dict, cwd: Path, log: Path, port: int, probe: str,
           ready: Callable[[int], bool]) -> Server | None:
    """Start argv and wait until GET probe answers with a status that ready accepts; None
    if the process exits first (e.g. the free port was taken between probing and binding)."""
    with log.open("ab") as out:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    server = Server(proc, port, log)
    deadline = time.monotonic() + BOOT_LIMIT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None
        status = http_status(server.base_url + probe)
        if status is not None and ready(status):
            return server
        time.sleep(0.1)
    server.stop()
    raise ServerFailed(f"{argv[0]} did not answer {probe} within {BOOT_LIMIT_S}s:\n{tail(log)}")


def _start_on_free_port(make_argv, env: dict, cwd: Path, log: Path, probe: str,
                        ready: Callable[[int], bool] = lambda status: status == 200) -> Server:
    for _attempt in range(3):
        port = free_port()
        server = _start(make_argv(port), env, cwd, log, port, probe, ready)
        if server is not None:
            return server
    raise ServerFailed(f"{make_argv(0)[0]} exited before it answered:\n{tail(log)}")


# ------------------------------------------------------------------ gunicorn

def start_gunicorn(workdir: Path, database_url: str, *, workers: int = 1, threads: int = 2,
                   env: dict | None = None, worker_class: str | None = None,
                   config: str = "python:timeline_api.gunicorn_conf") -> Server:
    """gunicorn with the project's settings (or config) on a free loopback port, serving an
    already migrated database; its error log is workdir/gunicorn.log, the access log
    workdir/access.log."""
    environment = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "INFO",
                   "GUNICORN_ACCESS_LOG": str(workdir / "access.log"), **(env or {})}
    environment.pop("WEB_CONCURRENCY", None)

    def argv(port: int) -> list[str]:
        args = [sys.executable, "-m", "gunicorn", "--config", config,
                "--workers", str(workers), "--threads", str(threads), "--bind", f"127.0.0.1:{port}"]
        if worker_class:
            args += ["--worker-class", worker_class]
        return [*args, "timeline_api:create_app()"]

    return _start_on_free_port(argv, environment, workdir, workdir / "gunicorn.log", "/healthz")


# ------------------------------------------------------------------ nginx

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_TEMP_DIRS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def _set_directive(conf: str, name: str, value: str) -> str:
    """conf with the one `name ...;` directive given value; fails when there is not
    exactly one, so a renamed directive in deploy/nginx.conf breaks the test loudly."""
    pattern = re.compile(rf"^(\s*){re.escape(name)}\s+[^;{{]*;", re.MULTILINE)
    found = pattern.findall(conf)
    if len(found) != 1:
        raise ValueError(f"deploy/nginx.conf has {len(found)} '{name}' directives, expected one")
    return pattern.sub(lambda m: f"{m.group(1)}{name} {value};", conf)


def render_nginx_conf(workdir: Path, listen_port: int, upstream_port: int,
                      directives: dict[str, str] | None = None) -> str:
    """deploy/nginx.conf as the test runs it: listening on loopback, proxying to the
    gunicorn under test, temporary files in workdir, and any directives replaced
    (e.g. short timeouts)."""
    conf = DEPLOY_NGINX.read_text(encoding="utf-8")
    conf = _set_directive(conf, "listen", f"127.0.0.1:{listen_port}")
    conf = _set_directive(conf, "set", f"$app_upstream http://127.0.0.1:{upstream_port}")
    conf = _set_directive(conf, "access_log", str(workdir / "nginx-access.log"))
    for name, value in (directives or {}).items():
        conf = _set_directive(conf, name, value)
    # the packaged nginx keeps its temporary files under /var/lib/nginx, which an
    # unprivileged test cannot write: each kind gets a folder in workdir
    temp_paths = "".join(f"\n    {kind}_temp_path {workdir / ('temp-' + kind)};" for kind in NGINX_TEMP_DIRS)
    head, brace, rest = conf.partition("http {")
    if not brace:
        raise ValueError("deploy/nginx.conf has no 'http {' block")
    return head + brace + temp_paths + rest


def start_nginx(workdir: Path, upstream_port: int, directives: dict[str, str] | None = None) -> Server:
    """nginx (Debian's package, installed by tests/e2e/setup.sh) with deploy/nginx.conf,
    not daemonised, its pid file and logs in workdir."""
    workdir.mkdir(parents=True, exist_ok=True)
    conf_path = workdir / "nginx.conf"
    # as root (CI) the workers would run as nobody, who cannot enter pytest's private
    # temporary folders; the test's nginx keeps root's identity instead
    user = "user root;" if os.geteuid() == 0 else ""

    def argv(port: int) -> list[str]:
        conf_path.write_text(render_nginx_conf(workdir, port, upstream_port, directives), encoding="utf-8")
        return [NGINX, "-e", "stderr", "-p", str(workdir), "-c", str(conf_path),
                "-g", f"daemon off; pid {workdir / 'nginx.pid'}; {user}"]

    # any answer means nginx is up: with no upstream running it answers 503
    return _start_on_free_port(argv, dict(os.environ), workdir, workdir / "nginx.log", "/healthz",
                               ready=lambda _status: True)


# ------------------------------------------------------------------ PostgreSQL

def postgres_bindir() -> Path:
    """PostgreSQL's server binaries: PG_BINDIR, else the newest /usr/lib/postgresql/N/bin."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise FileNotFoundError("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (set PG_BINDIR)")
    return Path(found[-1]).parent


class PrivatePostgres:
    """A PostgreSQL cluster of our own, on a free loopback port, in a temporary directory
    (never the shared server on 5432). PostgreSQL refuses to run as root: as root,
    the cluster belongs to the `postgres` OS user and every command runs as that user."""

    def __init__(self):
        self.bindir = postgres_bindir()
        # not under pytest's tmp_path: its parents are private to root, and the
        # postgres user must be able to reach the data directory
        self.root = Path(tempfile.mkdtemp(prefix="timeline-pg-"))
        self.datadir = self.root / "data"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        self._as_user: list[str] = []
        try:
            if os.geteuid() == 0:
                shutil.chown(self.root, "postgres", "postgres")
                self._as_user = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", "postgres", "--"]
            self._run("initdb", "-D", str(self.datadir), "-U", "postgres", "--auth=trust",
                      "-E", "UTF8", "--no-sync", "--no-instructions")
        except BaseException:
            shutil.rmtree(self.root, ignore_errors=True)
            raise

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run([*self._as_user, str(self.bindir / tool), *args], capture_output=True,
                                text=True, timeout=120, stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise ServerFailed(f"{tool} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n"
                               f"{tail(self.log)}")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root} "
                   "-c fsync=off -c full_page_writes=off")
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def stop(self) -> None:
        """Fast shutdown: open sessions are ended, as when an operator restarts the server."""
        self._run("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "-t", "60", "stop")

    def destroy(self) -> None:
        if (self.datadir / "postmaster.pid").exists():
            subprocess.run([*self._as_user, str(self.bindir / "pg_ctl"), "-D", str(self.datadir),
                            "-m", "immediate", "-w", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


# ------------------------------------------------------------------ stalled clients

# what a stalled client has sent when it stops: nothing; half a request line and
# header; whole headers announcing 100 kB of body, then a few bytes of it
STALLED_REQUESTS = {
    "idle": b"",
    "headers": b"POST /v1/articles HTTP/1.1\r\nHost: stalled.example\r\nContent-Ty",
    "body": (b"POST /v1/articles HTTP/1.1\r\nHost: stalled.example\r\nContent-Type: application/json\r\n"
             b"Content-Length: 100000\r\n\r\n{\"text\": \"Stalled"),
}


def open_stalled(port: int, kind: str, count: int) -> list[socket.socket]:
    """count connections to port that send STALLED_REQUESTS[kind] and then nothing."""
    conns = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if STALLED_REQUESTS[kind]:
            sock.sendall(STALLED_REQUESTS[kind])
        conns.append(sock)
    return conns


def _closed_by_peer(sock: socket.socket) -> bool:
    """Whether a readable socket has reached its end (EOF or reset), reading any answer."""
    try:
        return not sock.recv(65536)
    except BlockingIOError:
        return False
    except OSError:
        return True  # reset


def count_closed(conns: list[socket.socket]) -> int:
    """How many of conns the server has closed by now."""
    closed = 0
    for sock in conns:
        sock.setblocking(False)
        readable, _, _ = select.select([sock], [], [], 0)
        closed += bool(readable) and _closed_by_peer(sock)
    return closed


def wait_closed(conns: list[socket.socket], limit: float, started: float) -> tuple[int, float | None]:
    """Wait until the server has closed every one of conns, or until limit seconds after
    started; (how many it closed, seconds from started to the last). Closes them all."""
    selector = selectors.DefaultSelector()
    for sock in conns:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
    closed, last = 0, None
    while closed < len(conns) and time.monotonic() - started < limit:
        for key, _ in selector.select(timeout=0.2):
            if _closed_by_peer(key.fileobj):
                selector.unregister(key.fileobj)
                closed += 1
                last = time.monotonic() - started
    selector.close()
    for sock in conns:
        sock.close()
    return closed, last
