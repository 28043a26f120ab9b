"""Temporal tagger: finds TIMEX3 expressions in text and resolves them.

Pure core: imports neither Flask nor SQLAlchemy. The grammar of each language is
data under ``rules/``; ``engine.Engine`` compiles it once per process.
"""
from __future__ import annotations

import datetime as dt

from .types import GRANULARITIES, TIMEX_TYPES, Timex

__all__ = ["resolve_timexes", "Timex", "TIMEX_TYPES", "GRANULARITIES"]


def resolve_timexes(text: str, reference: dt.date | dt.datetime | None,
                    language: str = "en") -> list[Timex]:
    """Find and normalise the temporal expressions of ``text``.

    ``reference`` is the document creation date; with None, deictic expressions
    stay unresolved (``XXXX-05-03``, ``PAST_REF``) with no interval. Returns the
    timexes sorted by start, non-overlapping, ``text[t.start:t.end] == t.text``.
    Raises ValueError for a language without a grammar.
    """
    from .engine import get_engine

    if not text:
        return []
    return get_engine(language).tag(text, reference, language)
