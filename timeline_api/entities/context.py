"""Components ``context`` and ``disambiguation``: which gazetteer candidates the words around
a span allow, then one candidate per span.

Context: "a Turkey", "the China" after a determiner are nouns; months and weekdays are never
towns; towns whose names are English words, small towns and towns named like people need a
cue ("in/at/from/near … X", "X, <region>"); AP state abbreviations ("Calif.") count only after
"<place>, ".

Disambiguation of same-named candidates: a prior (country > continent > curated > big city >
US state > small city, by population), plus a bonus when the article names a place inside or
around the candidate ("Georgia" with "Tbilisi" -> the country, with "Atlanta" -> the state),
and more for the place right after a comma ("Paris, Texas").
"""
from __future__ import annotations

from . import lexicon as L
from .document import Document, GazetteerSpan
from .gazetteer import GIVEN_NAME_CITY_POPULATION, SMALL_CITY_POPULATION
from .tokens import Token


def apply_context(doc: Document) -> None:
    g = doc.gazetteer
    ents = g.entities
    toks, spans = doc.tokens, doc.spans
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
            cue = ((not first.initial and prev.lower() in L.LOCATIVE_CUES) or followed_by_place(toks, spans, k)
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


def disambiguate(doc: Document) -> None:
    g = doc.gazetteer
    ents = g.entities
    toks, spans = doc.tokens, doc.spans
    context: dict[str, int] = {}
    chains: dict[str, tuple[str, ...]] = {}

    def chain_of(key: str) -> tuple[str, ...]:
        c = chains.get(key)
        if c is None:
            c = chains[key] = (key, *(a.key for a in g.ancestors(key)))
        return c

    for sp in spans:
        if len(sp.entries) == 1 or len({e.key for e in sp.entries}) == 1:
            for key in chain_of(sp.entries[0].key):
                context[key] = context.get(key, 0) + 1
    for k, sp in enumerate(spans):
        if not sp.entries:
            continue
        if len(sp.entries) == 1:
            sp.chosen = sp.entries[0]
            continue
        near = _following_place_keys(toks, spans, k)
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


def choose_by_prior(doc: Document) -> None:
    """Disambiguation switched off: the candidate of highest prior."""
    for sp in doc.spans:
        if sp.entries:
            sp.chosen = max(sp.entries, key=lambda e: e.score)


def _is_cap(s: str) -> bool:
    return bool(s) and s[0].isupper()


def followed_by_place(toks: list[Token], spans: list[GazetteerSpan], k: int) -> bool:
    sp = spans[k]
    return (sp.j < len(toks) and toks[sp.j].text == "," and k + 1 < len(spans)
            and spans[k + 1].i == sp.j + 1)


def _following_place_keys(toks: list[Token], spans: list[GazetteerSpan], k: int) -> set[str]:
    """Keys named right after ", " ("Mobile, Alabama"; "Paris, Texas")."""
    if not followed_by_place(toks, spans, k):
        return set()
    return {e.key for e in spans[k + 1].entries}
