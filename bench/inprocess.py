"""The service through its HTTP API, in this process: a fresh database of its own (a temporary
SQLite file outside the project, or an empty PostgreSQL database you name), migrated, and the
Flask test client. For harnesses that ingest corpora and ask what users ask; nothing is cached.
"""
from __future__ import annotations

import tempfile
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Service:
    def __init__(self, client):
        self.client = client

    def post_article(self, text: str, published_at: str, **fields) -> dict:
        response = self.client.post("/v1/articles", json={"text": text, "published_at": published_at, **fields})
        if response.status_code not in (200, 201):
            raise RuntimeError(f"ingest failed: {response.status_code} {response.get_json()}")
        return response.get_json()

    def get(self, path: str, **query) -> dict:
        response = self.client.get(path + ("?" + urllib.parse.urlencode(query, doseq=True) if query else ""))
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} {query}: {response.status_code} {response.get_json()}")
        return response.get_json()

    def pages(self, path: str, items: str, **query) -> Iterator[dict]:
        """Every item of a paged listing (``items`` names the list in the body)."""
        cursor = None
        while True:
            body = self.get(path, limit=500, **query, **({"cursor": cursor} if cursor else {}))
            yield from body[items]
            cursor = body.get("next_cursor")
            if not cursor:
                return


@contextmanager
def service(database_url: str | None = None) -> Iterator[Service]:
    """The service over a fresh database: ``database_url`` must name an empty one; by default a
    temporary SQLite file, removed afterwards."""
    from timeline_api import create_app
    from timeline_api.store.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="timeline-bench-") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'timeline.db'}"
        upgrade(url)
        # a harness is one client sending a corpus: the per-client rate limits are not what it measures
        app = create_app({"database_url": url, "rate_limits_enabled": False})
        try:
            yield Service(app.test_client())
        finally:
            app.extensions["timeline_db"].dispose()
