"""EntityMatcher: finds actors and places in text and links them to stable entities.

One pass over the tokens looks up every gazetteer name (a dictionary keyed by token tuples,
longest match first: linear in the text), a second pass reads proper-name runs
("Steve Jobs", "Apple Computer", "iPhone 4") and links them within the article
(acronyms, short forms, possessives), a third resolves what the first two left ambiguous
from the article's other places and from the words around each mention.
"""
from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from . import lexicon as L
from .gazetteer import (
    ALIAS,
    CURATED_SCORE,
    GIVEN_NAME_CITY_POPULATION,
    NAME,
    SMALL_CITY_POPULATION,
    Entry,
    Gazetteer,
    build_gazetteer,
)
from .names import ArticleNames
from .tokens import Token, is_latin, name_tokens, tokenize
from .types import Entity, Mention

_LOCATIVE = frozenset("in at from near to outside inside into across around via toward towards of over".split())
_PLACE_KINDS = frozenset(("continent", "country", "region", "city", "landmark"))
_CYR_ENDINGS = ("ого", "ому", "ой", "ом", "ою", "ей", "ів", "ам", "ах", "е", "у", "ы", "и", "і", "ю", "я", "а")


@dataclass(slots=True)
class _GSpan:
    i: int  # first token
    j: int  # one past the last token
    entries: list[Entry]
    chosen: Entry | None = None
    qualifier: str | None = None
    start_tok: int = -1  # token where the mention starts (before a direction word or "pro-")


class EntityMatcher:
    """Gazetteer + proper-name matcher. Build once (``default()``), share across threads."""

    _default: EntityMatcher | None = None
    _default_lock = threading.Lock()

    # entities read from articles, kept (most recent last) so that get() knows them too
    SEEN_LIMIT = 50_000

    def __init__(self, gazetteer: Gazetteer):
        self._g = gazetteer
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
        return EntityMatcher(g)

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
        out: list[Entity] = []
        seen = {key}
        e = self._g.entities.get(key) or self._seen.get(key)  # a site read from text has a parent too
        while e is not None and e.parent_key and e.parent_key not in seen:
            seen.add(e.parent_key)
            e = self._g.entities.get(e.parent_key)
            if e is None:
                break
            out.append(e)
        return out

    def lookup(self, name: str) -> list[Entity]:
        """Entities the gazetteers know by this exact name or alias, best prior first."""
        entries = self._g.index.get(name_tokens(name), [])
        return [self._g.entities[e.key] for e in sorted(entries, key=lambda x: -x.score) if e.key in self._g.entities]

    # -- matching -------------------------------------------------------------------
    def find(self, text: str) -> list[Mention]:
        toks = tokenize(text)
        if not toks:
            return []
        g = self._g
        spans = self._gazetteer_spans(text, toks)
        self._apply_context_rules(toks, spans)
        self._disambiguate(toks, spans)
        names = ArticleNames(text, toks, g)
        mentions = names.resolve(spans, self)
        self._remember(mentions)
        return mentions

    # pass 1: dictionary lookup ----------------------------------------------------------
    def _gazetteer_spans(self, text: str, toks: list[Token]) -> list[_GSpan]:
        g = self._g
        index, max_len = g.index, g.max_len
        out: list[_GSpan] = []
        texts = [t.text for t in toks]
        n = len(texts)
        i = 0
        script = None
        while i < n:
            w = texts[i]
            m = max_len.get(w, 0)
            if not m:
                if w.isascii():
                    # fast path: most words start no name; capitals may be a dateline ("THE HAGUE")
                    if not (len(w) > 2 and w.isupper() and w.isalpha()):
                        i += 1
                        continue
                elif not is_latin(w):
                    if script is None:
                        script = g.script_index()
                    hit = _script_lookup(text, toks, i, script)
                    if hit is not None:
                        out.append(hit)
                        i = hit.j
                    else:
                        i += 1
                    continue
            hit = None
            for L_ in range(min(m, n - i), 0, -1):
                entries = index.get(tuple(texts[i:i + L_]))
                if entries:
                    hit = _GSpan(i, i + L_, list(entries))
                    break
            if hit is None and _all_caps(w) and (len(w) > 3 or (i + 1 < n and _all_caps(texts[i + 1]))):
                tw = w.title()
                for L_ in range(min(max_len.get(tw, 0), n - i), 0, -1):
                    key = (tw, *(x.title() if _all_caps(x) else x for x in texts[i + 1:i + L_]))
                    entries = index.get(key)
                    if entries:
                        hit = _GSpan(i, i + L_, list(entries))
                        break
            if hit is not None:
                out.append(hit)
                i = hit.j
            else:
                i += 1
        return out

    # pass 2: rules on the words around --------------------------------------------------
    def _apply_context_rules(self, toks: list[Token], spans: list[_GSpan]) -> None:
        g = self._g
        ents = g.entities
        for k, sp in enumerate(spans):
            first = toks[sp.i]
            prev = toks[sp.i - 1].text if sp.i > 0 else ""
            single = sp.j - sp.i == 1
            # "a turkey", "the china": a common noun, not the country
            if single and first.text in L.COMMON_NOUN_PLACES and prev.lower() in L.DETERMINERS:
                sp.entries = []
                continue
            # "March", "Sunday": never a town
            if single and (first.text in L.MONTHS or first.text in L.WEEKDAYS):
                sp.entries = [e for e in sp.entries if ents[e.key].kind in ("country", "continent")]
                continue
            # "Buffalo, N.Y.": state abbreviations only after a place and a comma
            if tuple(t.text for t in toks[sp.i:sp.j]) in g.comma_only:
                if not (k > 0 and prev == "," and spans[k - 1].j == sp.i - 1):
                    sp.entries = []
                    continue
            # city names that are ordinary words, people's names or small towns need a cue
            if single and any(ents[e.key].kind == "city" for e in sp.entries):
                cue = ((not first.initial and prev.lower() in _LOCATIVE) or _followed_by_place(toks, spans, k)
                       or (k > 0 and prev == "," and spans[k - 1].j == sp.i - 1))
                if not cue:
                    word = first.text
                    sp.entries = [e for e in sp.entries if ents[e.key].kind != "city" or not (
                        word in g.common_words
                        or (ents[e.key].population or 0) < SMALL_CITY_POPULATION
                        or (word in g.given_names and (ents[e.key].population or 0) < GIVEN_NAME_CITY_POPULATION))]
            # a small city named like a given name right before another capitalised word is a person
            if single and first.text in g.given_names and sp.j < len(toks) and _is_cap(toks[sp.j].text):
                sp.entries = [e for e in sp.entries if ents[e.key].kind in ("country", "continent")]

    # pass 3: pick one candidate per span -----------------------------------------------
    def _disambiguate(self, toks: list[Token], spans: list[_GSpan]) -> None:
        ents = self._g.entities
        context: dict[str, int] = {}
        chains: dict[str, tuple[str, ...]] = {}

        def chain_of(key: str) -> tuple[str, ...]:
            c = chains.get(key)
            if c is None:
                c = chains[key] = (key, *(a.key for a in self.ancestors(key)))
            return c

        for sp in spans:
            if len(sp.entries) == 1 or len({e.key for e in sp.entries}) == 1:
                for k in chain_of(sp.entries[0].key):
                    context[k] = context.get(k, 0) + 1
        for k, sp in enumerate(spans):
            if not sp.entries:
                continue
            if len(sp.entries) == 1:
                sp.chosen = sp.entries[0]
                continue
            near = _following_place_keys(toks, spans, k, self)
            best, best_score = None, -1e9
            for e in sp.entries:
                chain = set(chain_of(e.key))
                score = e.score
                # context: the article's other places inside this candidate, or enclosing it
                own = context.get(e.key, 0)
                inside = sum(context.get(c, 0) for c in chain if c != e.key and ents[c].kind not in ("continent",))
                if own or any(context.get(c) for c in chain - {e.key} if ents[c].kind != "continent"):
                    # a town of 50,000 in the right country does not beat a city of 900,000 next door
                    # (Donetsk, Russia vs Donetsk, Ukraine); the state of Georgia beats the country
                    ent = ents[e.key]
                    score += 100 if ent.kind != "city" or (ent.population or 0) >= SMALL_CITY_POPULATION else 8
                score += min(inside, 5)
                if near & chain:
                    score += 200
                if score > best_score:
                    best, best_score = e, score
            sp.chosen = best


def _all_caps(tok: str) -> bool:
    return len(tok) > 2 and tok.isupper() and tok.isalpha()


def _is_cap(s: str) -> bool:
    return bool(s) and s[0].isupper()


def _script_lookup(text: str, toks: list[Token], i: int, script: dict) -> _GSpan | None:
    n = len(toks)
    for L_ in (3, 2, 1):
        if i + L_ > n:
            continue
        surface = text[toks[i].start:toks[i + L_ - 1].end].lower()
        entries = script.get(surface)
        if entries:
            return _GSpan(i, i + L_, list(entries))
    # inflected forms in Slavic languages: "в Москве", "у Києві"
    w = toks[i].text.lower()
    for end in _CYR_ENDINGS:
        if w.endswith(end) and len(w) - len(end) >= 3:
            stem = w[: -len(end)]
            for add in ("", "а", "я", "ь", "ия"):
                entries = script.get(stem + add)
                if entries:
                    return _GSpan(i, i + 1, list(entries))
    return None


def _followed_by_place(toks: list[Token], spans: list[_GSpan], k: int) -> bool:
    sp = spans[k]
    return (sp.j < len(toks) and toks[sp.j].text == "," and k + 1 < len(spans)
            and spans[k + 1].i == sp.j + 1)


def _following_place_keys(toks: list[Token], spans: list[_GSpan], k: int, m: EntityMatcher) -> set[str]:
    """Keys named right after ", " ("Mobile, Alabama"; "Paris, Texas")."""
    if not _followed_by_place(toks, spans, k):
        return set()
    return {e.key for e in spans[k + 1].entries}
