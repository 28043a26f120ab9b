"""/docs renders Swagger UI in a real browser with no network beyond the service itself and no
Content-Security-Policy violation (the files come from the swagger-ui-bundle package)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.processes import serving
from timeline_api.store.migrate import upgrade

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-browser")]

BROWSER_DIR = Path(__file__).resolve().parent / "browser"
# guard against a hung browser; not a measurement
DRIVER_LIMIT_S = 90


def _gunicorn(port: int) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--config", "python:timeline_api.gunicorn_conf",
            "--workers", "1", "--threads", "2", "--bind", f"127.0.0.1:{port}", "timeline_api:create_app()"]


def test_swagger_ui_draws_every_operation_offline_under_the_csp(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'timeline.db'}"
    upgrade(database_url)
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("WEB_CONCURRENCY", None)
    screenshot = tmp_path / "docs.png"  # kept with the test's temporary files
    with serving(_gunicorn, cwd=tmp_path, env=env, log=tmp_path / "gunicorn.log") as base_url:
        driver = subprocess.run(["node", "render_docs.mjs", f"{base_url}/docs", str(screenshot)],
                                cwd=BROWSER_DIR, capture_output=True, text=True, timeout=DRIVER_LIMIT_S)
        spec = httpx.get(f"{base_url}/openapi.json", timeout=30).json()
    assert driver.returncode == 0, driver.stdout + driver.stderr
    seen = json.loads(driver.stdout)
    assert seen["externalRequests"] == [] and seen["pageErrors"] == []
    assert seen["consoleErrors"] == [], seen["consoleErrors"]  # a CSP violation is reported here
    assert seen["title"].startswith("timeline-api")
    expected = {(method.upper(), path) for path, ops in spec["paths"].items() for method in ops
                if method in ("get", "post", "patch", "put", "delete")}
    drawn = {(op["method"], op["path"].replace("\u200b", "")) for op in seen["operations"]}
    assert drawn == expected
    assert seen["authorizeButton"]  # the security schemes are there to try writes with a key
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
