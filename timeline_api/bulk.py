"""Bulk ingest (`timeline-api ingest`): article files in, analysed in a pool of processes,
stored in order by this one.

The analysis is pure CPU and needs no database, so it runs in worker processes (one per
core by default); the store is written by the parent alone, in the order the files give the
articles, in batches of one transaction each (``service.write_batch``: each article as the
API writes it, with the same locks; a batch that loses a race is stored again article by
article, each with the API's retries). A bad
record is reported with where it is (``file:line``) and skipped; it never rejects its file.

Files: ``.jsonl`` (one article per line), ``.json`` (an article or a list), ``.html`` /
``.htm`` (the page's text and title), ``.tml`` (TimeML: the text and its DCT as the
publication date), anything else plain text. Directories are read recursively, patterns
(``'news/**/*.jsonl'``) expanded. Text that is HTML or TimeML markup is stripped to its
text (the stored text, which offsets index, is then the stripped one).
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import dataclasses
import gc
import glob
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import marshmallow as ma
from sqlalchemy.orm import Session

from timeline_api.entities import EntityMatcher
from timeline_api.pipeline import AnalysisTooLong, ArticleAnalysis, Budget, analyse_article, clock
from timeline_api.pipeline.markup import html_to_text, looks_like_markup, timeml_to_text
from timeline_api.service import ArticleInput, article_keys, find_existing, write_batch
from timeline_api.store import repository
from timeline_api.store.db import dispose_all

ARTICLE_SUFFIXES = frozenset((".jsonl", ".json", ".html", ".htm", ".tml", ".txt", ".text", ".md"))


@dataclass(frozen=True)
class Record:
    origin: str  # "path:line" (JSON Lines), "path#n" (a JSON list), "path"
    fields: dict


@dataclass(frozen=True)
class Rejected:
    origin: str
    reason: str


def expand_paths(paths: Iterable[str]) -> list[Path]:
    """Files named, files under directories named (article suffixes only), and glob matches,
    each once, in a stable order. A name that matches nothing is an error."""
    found: dict[Path, None] = {}
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in ARTICLE_SUFFIXES:
                    found.setdefault(child)
        elif path.is_file():
            found.setdefault(path)
        else:
            matches = sorted(Path(m) for m in glob.glob(name, recursive=True) if Path(m).is_file())
            if not matches:
                raise FileNotFoundError(f"{name}: no such file, directory or match")
            for match in matches:
                found.setdefault(match)
    return list(found)


def _stripped(fields: dict) -> dict:
    text = fields.get("text")
    if isinstance(text, str) and looks_like_markup(text):
        document = html_to_text(text)
        return {**fields, "text": document.text, "title": fields.get("title") or document.title}
    return fields


def read_records(path: Path, published_at: str | None) -> Iterator[Record | Rejected]:
    """The articles of one file (see the module's docstring for the formats)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        yield Rejected(str(path), f"cannot be read as UTF-8 text ({exc.__class__.__name__}: {exc})")
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        for number, line in enumerate(raw.splitlines(), 1):
            if line.strip():
                yield _json_record(f"{path}:{number}", line)
    elif suffix == ".json":
        try:
            data = json.loads(raw)
        except ValueError as exc:
            yield Rejected(str(path), f"not JSON ({exc})")
            return
        items = data if isinstance(data, list) else [data]
        for number, item in enumerate(items, 1):
            origin = f"{path}#{number}" if isinstance(data, list) else str(path)
            yield Record(origin, _stripped(item)) if isinstance(item, dict) else Rejected(origin, "not an object")
    elif suffix == ".tml":
        try:
            document = timeml_to_text(raw)
        except ValueError as exc:
            yield Rejected(str(path), str(exc))
            return
        dct = document.published_at.date().isoformat() if document.published_at else published_at
        yield Record(str(path), {"text": document.text, "published_at": dct,
                                 "title": document.title or path.stem, "external_id": path.stem})
    elif published_at is None:
        yield Rejected(str(path), "a text or HTML file has no publication date: give --published-at")
    else:
        document = html_to_text(raw) if suffix in (".html", ".htm") or looks_like_markup(raw) else None
        text, title = (document.text, document.title) if document else (raw, None)
        yield Record(str(path), {"text": text, "published_at": published_at, "title": title or path.stem})


def _json_record(origin: str, line: str) -> Record | Rejected:
    try:
        item = json.loads(line)
    except ValueError as exc:
        return Rejected(origin, f"not JSON ({exc})")
    return Record(origin, _stripped(item)) if isinstance(item, dict) else Rejected(origin, "not an object")


@dataclass
class Summary:
    created: int = 0
    existing: list[tuple[str, int, str]] = field(default_factory=list)  # (origin, article id, reason)
    rejected: list[Rejected] = field(default_factory=list)


@dataclass(frozen=True)
class _Job:
    origin: str
    data: ArticleInput


# ------------------------------------------------------------ the worker processes

_matcher: EntityMatcher | None = None
_budget_seconds: float = float("inf")


def _start_worker(matcher: EntityMatcher, budget_seconds: float) -> None:
    global _matcher, _budget_seconds
    _matcher, _budget_seconds = matcher, budget_seconds


def _start_forked_worker(matcher: EntityMatcher, budget_seconds: float) -> None:
    dispose_all()  # the parent's pooled connections are the parent's: never touch them here
    _start_worker(matcher, budget_seconds)


def _analyse(job: _Job) -> ArticleAnalysis | AnalysisTooLong:
    data = job.data
    try:
        analysis = analyse_article(data.text, clock.wall_clock(data.published_at), matcher=_matcher,
                                   language=data.language, budget=Budget(_budget_seconds))
    except AnalysisTooLong as exc:
        return exc
    # what the writer reads (service.write_batch: the events and the mentions), and only that,
    # goes back to the parent: the sentences and time expressions were a third of each pickle
    return dataclasses.replace(analysis, sentences=[], timexes=[])


# ------------------------------------------------------------ the parent

def ingest_records(session: Session, records: Iterable[Record | Rejected], *, load: Callable[[dict], dict],
                   matcher: EntityMatcher, workers: int, budget_seconds: float,
                   progress: Callable[[Summary], None] = lambda _summary: None) -> Summary:
    """Validate each record with ``load`` (a marshmallow schema's load), skip those already
    stored, analyse the rest in ``workers`` processes (none when 1), store them in order."""
    summary = Summary()
    jobs: list[_Job] = []
    for record in records:
        if isinstance(record, Rejected):
            summary.rejected.append(record)
            progress(summary)
            continue
        try:
            data = ArticleInput(**load(record.fields))
        except ma.ValidationError as exc:
            summary.rejected.append(Rejected(record.origin, _messages(exc.messages)))
            progress(summary)
            continue
        jobs.append(_Job(record.origin, data))
    fresh = _not_stored(session, jobs, summary, progress)
    with _bulk_collector():
        if workers > 1 and len(fresh) > 1:
            # fork: the workers share the parent's gazetteers and grammar, already built, copy-on-write
            context = multiprocessing.get_context("fork")
            with cf.ProcessPoolExecutor(workers, mp_context=context, initializer=_start_forked_worker,
                                        initargs=(matcher, budget_seconds)) as pool:
                _store_in_order(session, fresh, pool.map(_analyse, fresh, chunksize=2), summary, progress)
        else:
            _start_worker(matcher, budget_seconds)
            _store_in_order(session, fresh, map(_analyse, fresh), summary, progress)
    return summary


# Allocations between two collections of the youngest generation while a bulk ingest runs
# (Python's default is 700): the writer makes short-lived rows by the hundred thousand, and
# the cycle collector, run every 700 of them, walked the young objects again and again.
BULK_GC_THRESHOLD = 100_000


@contextlib.contextmanager
def _bulk_collector():
    """The cycle collector tuned for a bulk ingest, and put back as it was after. What is alive
    now (the gazetteers, the grammar, the records) is frozen: no collection walks it again, and
    forked workers do not copy its pages by touching them. Cycles still get collected, only less
    often (measured in docs/benchmarks.md, "Ingest speed (issue 14)": about a tenth of the
    parent's CPU went to collections)."""
    threshold = gc.get_threshold()
    freeze = gc.get_freeze_count() == 0  # else someone else froze what they meant to: leave it be
    if freeze:
        gc.collect()
        gc.freeze()
    gc.set_threshold(BULK_GC_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        if freeze:
            gc.unfreeze()


def _not_stored(session: Session, jobs: list[_Job], summary: Summary, progress) -> list[_Job]:
    """The jobs whose article is not stored yet; the others count as existing, with why."""
    fresh = []
    for first in range(0, len(jobs), 500):  # one query per 500 articles; a lookup each only for repeats
        chunk = jobs[first:first + 500]
        stored = repository.stored_article_keys(session, [job.data for job in chunk])
        for job in chunk:
            existing = find_existing(session, job.data) if stored & set(article_keys(job.data)) else None
            if existing is None:
                fresh.append(job)
            else:
                summary.existing.append((job.origin, existing.article.id, existing.reason))
                progress(summary)
    session.rollback()  # only reads: end them, so that the writes to come meet no stale snapshot
    return fresh


# An article's transaction is mostly its commit: articles are written in batches, one
# transaction each, of up to BATCH_ARTICLES or what arrived within BATCH_SECONDS, so that the
# write lock (SQLite has one for the whole file) is never held long enough to make an API
# request writing beside the bulk ingest wait past its busy timeout.
BATCH_ARTICLES = 200
BATCH_SECONDS = 0.5


def _store_in_order(session: Session, jobs: list[_Job], analyses: Iterable, summary: Summary, progress) -> None:
    batch: list[tuple[_Job, ArticleAnalysis]] = []
    started = time.monotonic()
    for job, analysis in zip(jobs, analyses, strict=True):
        if isinstance(analysis, AnalysisTooLong):
            summary.rejected.append(Rejected(job.origin, f"{analysis}; ANALYSIS_BUDGET_SECONDS sets the limit"))
            progress(summary)
            continue
        batch.append((job, analysis))
        if len(batch) >= BATCH_ARTICLES or time.monotonic() - started >= BATCH_SECONDS:
            _write(session, batch, summary, progress)
            batch, started = [], time.monotonic()
    _write(session, batch, summary, progress)


def _write(session: Session, batch: list[tuple[_Job, ArticleAnalysis]], summary: Summary, progress) -> None:
    if not batch:
        return
    results = write_batch(session, [(job.data, analysis) for job, analysis in batch])
    for (job, _), (article, created) in zip(batch, results, strict=True):
        if created:
            summary.created += 1
        else:  # it repeats an article stored earlier in this run
            existing = find_existing(session, job.data)
            reason = existing.reason if existing is not None else "same article"
            summary.existing.append((job.origin, article.id, f"{reason}, stored earlier in this run"))
    session.rollback()  # the reasons were reads: end them
    progress(summary)


def _messages(messages) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{name}: {_messages(value)}" for name, value in messages.items())
    if isinstance(messages, list):
        return " ".join(str(m) for m in messages)
    return str(messages)


def default_workers() -> int:
    return len(os.sched_getaffinity(0))
