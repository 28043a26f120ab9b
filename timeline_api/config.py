"""Settings from the environment, gathered in one object.

Every knob the service has is read here and nowhere else, so that the app
factory, the CLI and gunicorn agree on them.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path


def default_sqlite_path() -> Path:
    """Where the embedded database lives when DATABASE_URL is not set: the user's data
    directory (XDG), never a folder in whatever directory the command runs from."""
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "timeline-api" / "timeline.db"


def default_database_url() -> str:
    return f"sqlite:///{default_sqlite_path()}"


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=default_database_url)
    # request bodies larger than this are refused with 413 before parsing
    max_content_length: int = 2 * 1024 * 1024
    # article text longer than this (characters) is refused with 422
    max_text_chars: int = 500_000
    # CPU seconds the analysis of one article may take; past it, 422 and nothing stored
    # (the costliest 500 KB texts measured take 2.6-3.0 s: bench/adversarial.py)
    analysis_budget_seconds: float = 10.0
    default_page_size: int = 50
    max_page_size: int = 500
    # the export formats (widgets, calendars, CSV, JSON lines) stream the whole filtered
    # timeline up to this many events; the rest through the Link header's cursor
    export_max_events: int = 10_000
    cors_origins: tuple[str, ...] = ()
    # proxies whose X-Forwarded-* headers are trusted (count of hops)
    trusted_proxy_count: int = 0
    log_level: str = "INFO"
    # run `alembic upgrade head` when the app starts under `serve`
    migrate_on_start: bool = True
    # reads (GET, POST /v1/resolve) need a key too, of any scope
    require_key_for_reads: bool = False
    # per client (key, else address), per route and method; Flask-Limiter's notation
    rate_limits_enabled: bool = True
    rate_limit_reads: str = "600 per minute"
    rate_limit_writes: str = "120 per minute"
    # memory:// for one app server; redis://host:6379 to share the counts between several
    ratelimit_storage_uri: str = "memory://"
    # Retry-After (seconds) of the 503 a client gets while the database is unavailable
    db_retry_after_seconds: int = 5

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        kwargs: dict = {}
        for f in fields(cls):
            raw = env.get(f.name.upper())
            if raw is None or raw == "":
                continue
            if f.type == "int":
                kwargs[f.name] = int(raw)
            elif f.type == "float":
                kwargs[f.name] = float(raw)
            elif f.type == "bool":
                kwargs[f.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
            elif f.type == "tuple[str, ...]":
                kwargs[f.name] = _split(raw)
            else:
                kwargs[f.name] = raw
        return cls(**kwargs)

    def flask_config(self) -> dict:
        return {
            "MAX_CONTENT_LENGTH": self.max_content_length,
            "JSON_SORT_KEYS": False,
        }
