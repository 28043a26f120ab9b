"""`timeline-api`: serve, db upgrade, keys, resolve, ingest.

Imports are local to each command so `timeline-api resolve` loads only the
temporal tagger (no Flask, no SQLAlchemy) and starts fast.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sys

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timeline-api", prog_name="timeline-api")
def main() -> None:
    """timeline-api: dated events from news articles."""


# ---------------------------------------------------------------- serve / db

@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=int, default=None, help="gunicorn workers [default: 2 x cores + 1, or WEB_CONCURRENCY]")
def serve(host: str, port: int, workers: int | None) -> None:
    """Migrate the database, then serve the API under gunicorn."""
    from timeline_api.config import Settings

    settings = Settings.from_env()
    if settings.migrate_on_start:
        _upgrade(settings.database_url)
    argv = ["gunicorn", "--config", "python:timeline_api.gunicorn_conf", "--bind", f"{host}:{port}"]
    if workers:
        argv += ["--workers", str(workers)]
    argv.append("timeline_api:create_app()")
    click.echo(f"serving on http://{host}:{port} (database: {_redacted(settings.database_url)})", err=True)
    os.execvp(sys.executable, [sys.executable, "-m", *argv])


@main.group()
def db() -> None:
    """Database schema commands."""


@db.command()
def upgrade() -> None:
    """Apply all Alembic migrations (the only way the schema is made)."""
    from timeline_api.config import Settings

    url = Settings.from_env().database_url
    _upgrade(url)
    click.echo(f"database at head: {_redacted(url)}", err=True)


@db.command("reindex-names")
def reindex_names() -> None:
    """Rebuild the normalised-name index of every entity (after a change to the word lists)."""
    from timeline_api.config import Settings
    from timeline_api.store import repository
    from timeline_api.store.db import Database

    database = Database(Settings.from_env().database_url)
    with database.session() as session:
        count = repository.reindex_entity_names(session)
        session.commit()
    database.dispose()
    click.echo(f"names of {count} entities indexed", err=True)


def _upgrade(url: str) -> None:
    from timeline_api.store.db import make_engine
    from timeline_api.store.migrate import upgrade as alembic_upgrade

    make_engine(url).dispose()  # creates the SQLite folder if needed
    alembic_upgrade(url)


def _redacted(url: str) -> str:
    from timeline_api.store.db import redacted_url

    return redacted_url(url)


# ---------------------------------------------------------------- keys

@main.group()
def keys() -> None:
    """API keys: writes need one with the write scope, deletions and curation admin."""


def _key_session():
    from timeline_api.config import Settings
    from timeline_api.store.db import Database

    url = Settings.from_env().database_url
    _upgrade(url)
    return Database(url)


@keys.command("create")
@click.option("--scope", type=click.Choice(["read", "write", "admin"]), required=True,
              help="read: GET when REQUIRE_KEY_FOR_READS is set; write: post articles; admin: also delete and curate")
@click.option("--name", help="What the key is for (shown by `keys list`)")
def create_key(scope: str, name: str | None) -> None:
    """Create a key and print it once: only its hash is stored."""
    from timeline_api import keys as api_keys

    database = _key_session()
    with database.session() as session:
        new = api_keys.create_key(session, scope, name)
    database.dispose()
    click.echo(f"key {new.row.id} ({scope}{', ' + name if name else ''}) created; it is shown only now:", err=True)
    click.echo(new.secret)


@keys.command("list")
def list_keys() -> None:
    """Keys with their id, scope, prefix and state (never the key itself)."""
    from timeline_api import keys as api_keys

    database = _key_session()
    with database.session() as session:
        for row in api_keys.list_keys(session):
            state = f"revoked {row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "active"
            click.echo(f"{row.id}\t{row.scope}\t{row.prefix}…\t{row.name or ''}\t"
                       f"created {row.created_at:%Y-%m-%d %H:%M}\t{state}")
    database.dispose()


@keys.command("revoke")
@click.argument("key_id", type=int)
def revoke_key(key_id: int) -> None:
    """Revoke a key by its id: requests with it get 401 from now on."""
    from timeline_api import keys as api_keys

    database = _key_session()
    with database.session() as session:
        row = api_keys.revoke_key(session, key_id)
    database.dispose()
    if row is None:
        raise click.ClickException(f"no key with id {key_id}")
    click.echo(f"key {key_id} revoked", err=True)


# ---------------------------------------------------------------- resolve

def _parse_reference(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    if "T" in value:
        return dt.datetime.fromisoformat(value)
    return dt.datetime.combine(dt.date.fromisoformat(value), dt.time())


@main.command()
@click.argument("text", required=False)
@click.option("--date", "reference", help="Reference date (YYYY-MM-DD) for relative expressions")
@click.option("--jsonl", "jsonl", type=click.File("r", encoding="utf-8"),
              help='Read lines {"id", "text", "reference_date"} (- for stdin); write {"id", "timexes"} lines')
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", show_default=True)
@click.option("--language", default="en", show_default=True)
@click.option("--timeml", is_flag=True,
              help="Write the text with inline TIMEX3 tags (TimeML) instead of JSON timexes")
def resolve(text: str | None, reference: str | None, jsonl, output, language: str, timeml: bool) -> None:
    """Find and normalise the temporal expressions of TEXT, or of every line of --jsonl."""
    from timeline_api.temporal import resolve_timexes

    if timeml:
        from timeline_api.temporal.timeml import to_timeml
    if (text is None) == (jsonl is None):
        raise click.UsageError("give either TEXT or --jsonl FILE")
    if text is not None:
        try:
            ref = _parse_reference(reference)
        except ValueError:
            raise click.BadParameter(f"not a date: {reference}", param_hint="--date") from None
        timexes = resolve_timexes(text, ref, language=language)
        if timeml:
            output.write(to_timeml(text, timexes) + "\n")
        else:
            output.write(json.dumps({"timexes": [t.to_dict() for t in timexes]}, ensure_ascii=False, indent=2) + "\n")
        return
    failures = 0
    for number, line in enumerate(jsonl, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            timexes = resolve_timexes(record["text"], _parse_reference(record.get("reference_date")),
                                      language=record.get("language", language))
        except (ValueError, KeyError, TypeError) as exc:
            failures += 1
            click.echo(f"line {number}: skipped ({exc.__class__.__name__}: {exc})", err=True)
            continue
        body = ({"timeml": to_timeml(record["text"], timexes)} if timeml
                else {"timexes": [t.to_dict() for t in timexes]})
        output.write(json.dumps({"id": record.get("id"), **body}, ensure_ascii=False) + "\n")
    if failures:
        sys.exit(1)


# ---------------------------------------------------------------- ingest

@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--published-at", help="Publication date of plain-text and HTML files (ISO 8601)")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes that analyse articles [default: one per core]")
def ingest(paths: tuple[str, ...], published_at: str | None, workers: int | None) -> None:
    """Ingest the articles of PATHS: files, directories (read recursively) or patterns
    ('news/**/*.jsonl'). JSON Lines, JSON, HTML, TimeML (.tml) or plain text; markup is
    stripped to its text. A bad record is reported with its file and line and skipped."""
    import time

    from tqdm import tqdm

    from timeline_api import bulk
    from timeline_api.api.articles import ArticleCreateSchema
    from timeline_api.config import Settings
    from timeline_api.registry import matcher_for
    from timeline_api.store.db import Database

    try:
        files = bulk.expand_paths(paths)
    except FileNotFoundError as exc:
        raise click.BadParameter(str(exc), param_hint="PATHS") from None
    settings = Settings.from_env()
    _upgrade(settings.database_url)
    click.echo(f"database: {_redacted(settings.database_url)}", err=True)
    records = [record for path in files for record in bulk.read_records(path, published_at)]
    database = Database(settings.database_url)
    started = time.perf_counter()
    with tqdm(total=len(records), unit=" articles", dynamic_ncols=True, file=sys.stderr) as bar, \
            database.session() as session:
        def progress(summary: bulk.Summary) -> None:
            bar.n = summary.created + len(summary.existing) + len(summary.rejected)
            bar.set_postfix(created=summary.created, existing=len(summary.existing),
                            rejected=len(summary.rejected), refresh=False)
            bar.refresh()

        schema = ArticleCreateSchema()
        summary = bulk.ingest_records(session, records, load=schema.load, matcher=matcher_for(session),
                                      workers=workers or bulk.default_workers(),
                                      budget_seconds=settings.analysis_budget_seconds, progress=progress)
    database.dispose()
    elapsed = time.perf_counter() - started
    for origin, article_id, reason in summary.existing:
        click.echo(f"existing: {origin} is article {article_id} ({reason})")
    for rejected in summary.rejected:
        click.echo(f"rejected: {rejected.origin}: {rejected.reason}")
    click.echo(f"created {summary.created}, existing {len(summary.existing)}, rejected {len(summary.rejected)} "
               f"in {elapsed:.1f} s ({summary.created / elapsed if elapsed else 0:.1f} articles/s)")
    if summary.rejected and not (summary.created or summary.existing):
        sys.exit(1)


if __name__ == "__main__":
    main()
