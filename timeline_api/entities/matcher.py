"""EntityMatcher: finds actors and places in text and links them to stable entities.

``find`` makes one ``Document`` of the article and runs the components of ``pipeline.py`` over
it, in order: gazetteer lookup (a dictionary keyed by token tuples, longest match first: linear
in the text), context and disambiguation of what it found, proper-name runs read from
capitalisation, their kinds, within-article aliases, roles, then pronouns and descriptions.

While it runs, Python's cyclic garbage collector is paused (``pause_gc``, see ``_gc_paused``):
an article's tokens and records are hundreds of thousands of small objects that all live until
the call returns, and each collection they trigger walks them and the whole gazetteer again;
that made the matcher a quarter slower at 500 KB and its cost per character grow with length.
Its output does not depend on it.
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext

from . import pipeline
from .document import Document
from .gazetteer import ALIAS, CURATED_SCORE, NAME, Entry, Gazetteer, build_gazetteer
from .tokens import is_latin, name_tokens, tokenize
from .types import Entity, Mention

_gc_lock = threading.Lock()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic collector off for the block, if it was on; back on when the block ends.

    A call that finds it already off (another thread's call, or the application's choice)
    leaves it alone, so it is never off for longer than one call and never switched on against
    a caller that had switched it off before. Reference counting still frees what the block drops; only
    cycles wait for the next collection."""
    with _gc_lock:
        paused = gc.isenabled()
        if paused:
            gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


class EntityMatcher:
    """Gazetteer + proper-name matcher. Build once (``default()``), share across threads.
    ``disabled``: optional components of ``pipeline.COMPONENTS`` switched off (benchmarks);
    ``pause_gc``: the cyclic garbage collector paused while an article is read (module doc)."""

    _default: EntityMatcher | None = None
    _default_lock = threading.Lock()

    # entities read from articles, kept (most recent last) so that get() knows them too
    SEEN_LIMIT = 50_000

    def __init__(self, gazetteer: Gazetteer, disabled: Iterable[str] = (), *, pause_gc: bool = True):
        self._g = gazetteer
        self.disabled = frozenset(disabled)
        self.pause_gc = pause_gc
        self._steps = pipeline.steps(self.disabled)
        self._seen: dict[str, Entity] = {}
        self._seen_lock = threading.Lock()

    # -- construction ---------------------------------------------------------------
    @classmethod
    def default(cls) -> EntityMatcher:
        if cls._default is None:
            with cls._default_lock:
                if cls._default is None:
                    cls._default = cls(build_gazetteer())
        return cls._default

    @classmethod
    def set_default(cls, matcher: EntityMatcher) -> None:
        """Make ``matcher`` the one ``default()`` returns (a harness measuring a component)."""
        with cls._default_lock:
            cls._default = matcher

    def without(self, components: Iterable[str]) -> EntityMatcher:
        """A matcher over the same gazetteer with these optional components switched off too."""
        return EntityMatcher(self._g, self.disabled | frozenset(components), pause_gc=self.pause_gc)

    def with_entities(self, extra: Iterable[Entity]) -> EntityMatcher:
        """A new matcher that also knows ``extra`` (curated or registry entities).

        Their names and aliases win over same-named gazetteer entries; an entity whose key
        is already known replaces it (its names are added)."""
        g = self._g.derive()
        for e in extra:
            g.add_entity(e)
            score = CURATED_SCORE + 10
            for n in (e.name, *e.aliases):
                if not n:
                    continue
                if is_latin(n):
                    g.add_name(n, e.key, NAME if n == e.name else ALIAS, score)
                else:
                    g.add_script_name(n, Entry(e.key, ALIAS, score))
        return EntityMatcher(g, self.disabled, pause_gc=self.pause_gc)

    # -- registry -------------------------------------------------------------------
    def get(self, key: str) -> Entity | None:
        """A gazetteer, curated or registry entity, or one read from an article this matcher
        has seen lately (the last ``SEEN_LIMIT``)."""
        e = self._g.entities.get(key)
        return e if e is not None else self._seen.get(key)

    def _remember(self, mentions: list[Mention]) -> None:
        new = {m.entity.key: m.entity for m in mentions if m.entity.key not in self._g.entities}
        if not new:
            return
        with self._seen_lock:
            seen = self._seen
            for k, e in new.items():
                seen.pop(k, None)
                seen[k] = e
            while len(seen) > self.SEEN_LIMIT:
                del seen[next(iter(seen))]

    def ancestors(self, key: str) -> list[Entity]:
        """Enclosing places, nearest first (Kremlin -> Moscow -> Russia -> Europe)."""
        return self._g.ancestors(key, self._seen.get(key))  # a site read from text has a parent too

    def lookup(self, name: str) -> list[Entity]:
        """Entities the gazetteers know by this exact name or alias, best prior first."""
        entries = self._g.index.get(name_tokens(name), [])
        return [self._g.entities[e.key] for e in sorted(entries, key=lambda x: -x.score) if e.key in self._g.entities]

    # -- matching -------------------------------------------------------------------
    def find(self, text: str) -> list[Mention]:
        """Mentions sorted by start, non-overlapping."""
        with self._collector():
            # the document is dropped before the collector is back on: the collection that
            # follows has only the mentions to walk, not the article's tokens and records
            return self._analyse(text).mentions

    def analyse(self, text: str) -> Document:
        """The article's document with everything each component found in it."""
        with self._collector():
            return self._analyse(text)

    def _collector(self):
        return _gc_paused() if self.pause_gc else nullcontext()

    def _analyse(self, text: str) -> Document:
        doc = Document(text, tokenize(text), self._g)
        if doc.tokens:
            for step in self._steps:
                step(doc)
            self._remember(doc.mentions)
        return doc
