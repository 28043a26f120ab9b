"""Real servers for the end-to-end tests: start a process on a free port, wait until it is
ready, stop its whole process group."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

# how long a server may take to answer /readyz before the fixture gives up (a guard, not a measurement)
BOOT_LIMIT_S = 90


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM the process group (e.g. gunicorn's master and workers), SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def _wait_ready(proc: subprocess.Popen, base_url: str, log: Path) -> bool:
    """True once /readyz answers 200; False if the process exited (e.g. the port was taken)."""
    deadline = time.monotonic() + BOOT_LIMIT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop(proc)
    pytest.fail(f"the server did not become ready within {BOOT_LIMIT_S}s:\n{tail(log)}", pytrace=False)


@contextmanager
def serving(argv_for_port: Callable[[int], list[str]], *, cwd: Path, env: dict[str, str],
            log: Path) -> Iterator[str]:
    """Run ``argv_for_port(port)`` until it answers /readyz; yield its base URL; stop it after.
    A free port can be taken between probing and binding, so a server that exits is retried."""
    for _attempt in range(3):
        port = free_port()
        with log.open("ab") as out:
            # a session of its own, so that stopping signals master and workers together
            proc = subprocess.Popen(argv_for_port(port), cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        base_url = f"http://127.0.0.1:{port}"
        try:
            ready = _wait_ready(proc, base_url, log)
        except BaseException:
            stop(proc)
            raise
        if ready:
            break
        stop(proc)
    else:
        pytest.fail(f"the server exited before it was ready:\n{tail(log)}", pytrace=False)
    try:
        yield base_url
    finally:
        stop(proc)
