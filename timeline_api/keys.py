"""API keys: who may write, delete and curate.

A key is ``tlk_`` and 43 characters of ``secrets.token_urlsafe(32)`` (256 random bits). It
is shown once, when it is created; the store keeps only its SHA-256 and its first
characters, so people can tell keys apart without the database holding a usable secret.

Scopes nest: ``admin`` can do what ``write`` can, which can do what ``read`` can.
- read: every GET, and POST /v1/resolve (computes, stores nothing); open to all unless
  REQUIRE_KEY_FOR_READS is set;
- write: POST /v1/articles;
- admin: deleting articles, creating, changing and merging entities.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from timeline_api.store import repository
from timeline_api.store.models import ApiKey

SCOPES = ("read", "write", "admin")
KEY_PREFIX = "tlk_"
_SHOWN_PREFIX = len(KEY_PREFIX) + 6


def grants(scope: str, needed: str) -> bool:
    """Whether a key of ``scope`` may do what needs ``needed``."""
    return SCOPES.index(scope) >= SCOPES.index(needed)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class NewKey:
    row: ApiKey
    secret: str  # shown to its owner once, never stored


def create_key(session: Session, scope: str, name: str | None = None) -> NewKey:
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    row = repository.add_api_key(session, name=name, scope=scope, prefix=secret[:_SHOWN_PREFIX],
                                 key_hash=hash_key(secret))
    session.commit()
    return NewKey(row, secret)


def authenticate(session: Session, presented: str) -> ApiKey | None:
    """The active key ``presented`` is, or None (unknown, malformed or revoked)."""
    if not presented.startswith(KEY_PREFIX) or len(presented) > 128:
        return None
    return repository.active_api_key(session, hash_key(presented))


def any_keys(session: Session) -> bool:
    """Whether any active key exists: until one does, only loopback clients may write."""
    return repository.any_active_api_key(session)


def revoke_key(session: Session, key_id: int) -> ApiKey | None:
    row = repository.revoke_api_key(session, key_id)
    session.commit()
    return row


def list_keys(session: Session) -> list[ApiKey]:
    return repository.list_api_keys(session)
