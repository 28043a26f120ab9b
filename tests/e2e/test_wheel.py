"""The package as users install it: the built wheel in a fresh virtualenv, run from an empty
directory that holds no checkout, no alembic.ini and no migrations folder."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.processes import serving

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.xdist_group("e2e-wheel")]

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = {"text": "Ukraine said drones hit an oil depot near Moscow on 3 May 2023.",
           "published_at": "2023-06-05", "url": "https://news.example.org/depot"}


def _run(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, f"{argv} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """bin/ of a fresh venv holding the wheel built from this checkout (and its dependencies)."""
    build = tmp_path_factory.mktemp("wheel")
    # from a copy of the files git knows (tracked, or new and not ignored), as a fresh clone has
    # them: a build/ left in the checkout by an earlier build would otherwise slip stale files in
    source = build / "source"
    listed = _run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT).stdout
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(build), str(source)])
    (wheel,) = build.glob("timeline_api-*.whl")
    venv = build / "venv"
    _run([sys.executable, "-m", "venv", str(venv)])
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)])
    return venv / "bin"


@pytest.fixture
def user(tmp_path) -> tuple[Path, dict[str, str]]:
    """An empty working directory and an environment with a home of its own, outside the checkout."""
    cwd = tmp_path / "work"
    cwd.mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in ("DATABASE_URL", "PYTHONPATH", "VIRTUAL_ENV", "XDG_DATA_HOME", "WEB_CONCURRENCY")}
    env["HOME"] = str(tmp_path / "home")
    return cwd, env


def test_the_installed_package_migrates_ingests_and_serves_from_an_empty_directory(installed, user):
    cwd, env = user
    env["DATABASE_URL"] = f"sqlite:///{cwd / 'timeline.db'}"
    cli = str(installed / "timeline-api")
    version = _run([cli, "--version"], cwd=cwd, env=env).stdout
    assert version.startswith("timeline-api, version ")
    _run([cli, "db", "upgrade"], cwd=cwd, env=env)
    (cwd / "articles.jsonl").write_text(json.dumps(ARTICLE) + "\n", encoding="utf-8")
    ingested = _run([cli, "ingest", "articles.jsonl"], cwd=cwd, env=env)
    assert "created 1" in ingested.stdout

    def serve(port: int) -> list[str]:
        return [cli, "serve", "--port", str(port), "--workers", "1"]

    with serving(serve, cwd=cwd, env=env, log=cwd / "serve.log") as base_url:
        timeline = httpx.get(f"{base_url}/v1/timeline", params={"location": "Moscow"}, timeout=30).json()
        spec = httpx.get(f"{base_url}/openapi.json", timeout=30).json()
    assert [e["date"]["value"] for e in timeline["events"]] == ["2023-05-03"]
    assert spec["info"]["version"] == version.split()[-1]
    # nothing but what the user put there and the database they named (and its WAL files)
    assert {p.name for p in cwd.iterdir()} - {"timeline.db-shm", "timeline.db-wal"} == {
        "articles.jsonl", "serve.log", "timeline.db"}


def test_without_database_url_the_database_goes_to_the_user_data_directory_and_says_so(installed, user):
    cwd, env = user
    result = _run([str(installed / "timeline-api"), "db", "upgrade"], cwd=cwd, env=env)
    expected = Path(env["HOME"]) / ".local" / "share" / "timeline-api" / "timeline.db"
    assert expected.is_file()
    assert str(expected) in result.stderr
    assert list(cwd.iterdir()) == []  # no ./var/ in whatever directory the command ran from
