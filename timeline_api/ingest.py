"""Ingest one article: validate-free orchestration shared by the API and the CLI.

The pipeline (pure) proposes events; the store keeps the article and all its
events in one transaction. Idempotent: the same url, external_id or text
returns the article already stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from timeline_api.entities import EntityMatcher
from timeline_api.pipeline import analyse_article
from timeline_api.store import repository
from timeline_api.store.models import Article


@dataclass(frozen=True)
class ArticleInput:
    text: str
    published_at: dt.datetime  # naive UTC
    title: str | None = None
    url: str | None = None
    source: str | None = None
    language: str = "en"
    external_id: str | None = None

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def ingest_article(session: Session, data: ArticleInput,
                   matcher: EntityMatcher | None = None) -> tuple[Article, bool]:
    """Store the article and its events; return (article, created)."""
    existing = repository.find_existing_article(
        session, url=data.url, external_id=data.external_id, content_hash=data.content_hash)
    if existing is not None:
        return existing, False
    analysis = analyse_article(data.text, data.published_at, matcher=matcher, language=data.language)
    article = Article(
        url=data.url, external_id=data.external_id, content_hash=data.content_hash,
        title=data.title, source=data.source, language=data.language,
        published_at=data.published_at, text=data.text,
    )
    try:
        repository.add_article(session, article, analysis.events)
        session.commit()
    except IntegrityError:
        # a concurrent request stored the same article first
        session.rollback()
        existing = repository.find_existing_article(
            session, url=data.url, external_id=data.external_id, content_hash=data.content_hash)
        if existing is None:
            raise
        return existing, False
    return article, True
