"""The per-article document the matcher's components read and annotate, and its records.

One ``Document`` is made per ``EntityMatcher.find`` call; each component of the pipeline
(``pipeline.py``) finds something in it and writes what it found back: gazetteer spans, name
runs, candidates, the article's entities, links, mentions. Records are dataclasses, never
positional tuples, so a component says what it reads by name.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property

from .gazetteer import Entry, Gazetteer
from .tokens import Token
from .types import Entity, Mention

ACTOR, LOCATION = "actor", "location"

# how sure a within-article short form is: explicit ones (a full name, a bracketed acronym, a
# surname) beat gazetteer places; guesses (initials, first word) yield to any stronger claim
GUESS, SUFFIX, EXPLICIT = 1, 2, 3


@dataclass(slots=True)
class GazetteerSpan:
    """Tokens [i, j) that spell a gazetteer name; ``entries`` are its candidates, ``chosen``
    the one the context and disambiguation components kept (None: no entity there)."""

    i: int
    j: int
    entries: list[Entry]
    chosen: Entry | None = None


@dataclass(slots=True)
class NameRun:
    """Tokens [i, j) read as a proper name from capitalisation; ``titled``: a person's title
    comes right before it ("Judge Martin Mann")."""

    i: int
    j: int
    titled: bool = False


@dataclass(slots=True)
class Candidate:
    """What may name an entity: a gazetteer span, or a name run that is not one; in text order,
    disjoint. ``places``: gazetteer places inside a name run ("Donetsk Oblast"); ``kind``: the
    kind its words and context give a name run (None: no cue)."""

    i: int
    j: int
    span: GazetteerSpan | None = None
    titled: bool = False
    places: tuple[str, ...] = ()
    kind: str | None = None
    place_head: int | None = None  # end token of a place opening the name ("Indianapolis Colts")


@dataclass
class ArticleEntity:
    """An entity first named in this article (or a known one named in full, whose short forms
    the article then uses: ``known``)."""

    ident: int
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    known: Entity | None = None  # a gazetteer or registry entity it is
    gender: str | None = None  # "f" / "m" for people, from a given name or a title; for pronouns
    parent_key: str | None = None  # for sites and areas named after a known place
    country_code: str | None = None
    kind_guessed: bool = False  # no cue gave the kind: the fallback, an organisation
    entity: Entity | None = None  # the entity built for it once the article is read

    def add_alias(self, alias: str) -> None:
        if alias != self.name and alias not in self.aliases:
            self.aliases.append(alias)


@dataclass(slots=True)
class Link:
    """A candidate linked to what it names: an article entity or a gazetteer entity, over
    tokens [start_tok, end_tok] (inclusive; a qualifier before it may widen it). ``roles`` is
    None until the roles component decides them (gazetteer entities only)."""

    candidate: Candidate
    referent: ArticleEntity | Entity
    start_tok: int
    end_tok: int
    how: str  # name | alias | demonym | metonym
    roles: frozenset[str] | None = None
    qualifier: str | None = None


@dataclass
class Aliases:
    """What the article has taught so far about how it names its entities."""

    # short form (token tuple) -> (entity, strength); a later claim of equal strength wins
    forms: dict[tuple[str, ...], tuple[ArticleEntity, int]] = field(default_factory=dict)
    # (first word, last word) -> entities with such a name, for variants ("iTunes Music Store")
    by_ends: dict[tuple[str, str], list[tuple[ArticleEntity, tuple[str, ...]]]] = field(default_factory=dict)
    proxies: dict[str, ArticleEntity] = field(default_factory=dict)  # known entity key -> its record
    models: dict[str, tuple[ArticleEntity, int]] = field(default_factory=dict)  # product line -> latest model
    # common noun -> what it described ("the Beatles' label Apple Corps": "label")
    descriptors: dict[str, ArticleEntity | Entity] = field(default_factory=dict)

    def register(self, form: tuple[str, ...] | str, ent: ArticleEntity, strength: int) -> None:
        """Map a short form to ``ent``; a stronger or equally strong later claim wins (the latest
        "Steve" is the Steve meant), a weaker one does not."""
        key = form if isinstance(form, tuple) else tuple(form.split())
        old = self.forms.get(key)
        if old is not None and old[0] is not ent and strength < old[1]:
            return
        self.forms[key] = (ent, strength)


@dataclass
class Document:
    text: str
    tokens: list[Token]
    gazetteer: Gazetteer
    spans: list[GazetteerSpan] = field(default_factory=list)
    headline: set[int] = field(default_factory=set)  # tokens of title-case lines
    cap_mid: set[str] = field(default_factory=set)  # words capitalised where capitals are not forced
    cap_count: dict[str, int] = field(default_factory=dict)
    lower_words: set[str] = field(default_factory=set)  # words written in lower case somewhere
    runs: list[NameRun] = field(default_factory=list)
    solo: set[str] = field(default_factory=set)  # words standing alone as a name somewhere
    heads: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)  # first word -> longer names
    candidates: list[Candidate] = field(default_factory=list)
    entities: list[ArticleEntity] = field(default_factory=list)
    aliases: Aliases = field(default_factory=Aliases)
    links: list[Link] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    # the tokens' fields as flat lists, made once per article and shared by the components
    # (reading ``t.text`` off a token in every component's loop is most of their cost)
    @cached_property
    def texts(self) -> list[str]:
        return [t.text for t in self.tokens]

    @cached_property
    def starts(self) -> list[int]:
        return [t.start for t in self.tokens]

    @cached_property
    def capitalised(self) -> list[int]:
        """Indexes of the tokens that start with a capital letter, in order."""
        return [k for k, w in enumerate(self.texts) if w[0].isupper()]  # tokens are never empty

    @cached_property
    def sents(self) -> list[int]:
        return [t.sent for t in self.tokens]

    def token_at(self, offset: int) -> int:
        """Index of the first token starting at or after ``offset``."""
        return bisect.bisect_left(self.starts, offset)

    def surface(self, i: int, j: int) -> str:
        """The text of tokens [i, j)."""
        return self.text[self.tokens[i].start:self.tokens[j - 1].end]

    def words(self, i: int, j: int) -> tuple[str, ...]:
        return tuple(self.texts[i:j])

    def entity_of(self, referent: ArticleEntity | Entity) -> Entity:
        return referent.entity if isinstance(referent, ArticleEntity) else referent
