"""Component ``roles``: what each gazetteer entity is where it is named — an actor, a place or
both — with its qualifiers, and seats of power acting for their government.

A country is an actor and a place ("Ukraine launched"), only an actor as a demonym
("Ukrainian"), in an affiliation ("US-supplied drones") or before a noun naming who acts ("US
officials"); organisations and people are actors; other places are places. "pro-Ukrainian" is
an affiliated actor, "anti-Russian" neither; "southern Russia" keeps its direction as a
qualifier; "the Belgorod region" is the area around a city. "The Kremlin said", "Moscow denied"
(a seat of power or a capital with a speech verb) name the government: a metonym.
"""
from __future__ import annotations

from . import lexicon as L
from .document import ACTOR, LOCATION, Document, Link
from .gazetteer import DEMONYM
from .types import Entity

ACTOR_ONLY_KINDS = frozenset(("organization", "group", "person", "product"))


def assign_roles(doc: Document) -> None:
    for link in doc.links:
        if link.roles is None and isinstance(link.referent, Entity):
            _gazetteer_roles(doc, link)


def _gazetteer_roles(doc: Document, link: Link) -> None:
    g, toks = doc.gazetteer, doc.tokens
    sp = link.candidate.span
    e = link.referent
    start_tok = sp.i
    qualifier = None
    demonym = sp.chosen.how == DEMONYM
    roles: set[str]
    if e.kind == "country":
        roles = {ACTOR} if demonym else {ACTOR, LOCATION}
        # "US-supplied drones", "Iran-backed militias": an affiliation, not where
        if sp.j + 1 < len(toks) and toks[sp.j].text == "-" and toks[sp.j + 1].text.islower() \
                and toks[sp.j].start == toks[sp.j - 1].end:
            roles = {ACTOR}
        # "US officials", "Russian forces" already are: the country names who acts
        elif sp.j < len(toks) and toks[sp.j].text in L.ACTOR_NOUNS:
            roles = {ACTOR}
    elif e.kind in ACTOR_ONLY_KINDS:
        roles = {ACTOR}
    else:
        roles = {LOCATION}
    # "pro-Ukrainian", "anti-Russian"
    if sp.i >= 2 and toks[sp.i - 1].text == "-" and toks[sp.i - 2].text.lower() in ("pro", "anti"):
        qualifier = toks[sp.i - 2].text.lower()
        start_tok = sp.i - 2
        roles = {ACTOR} if qualifier == "pro" else set()
    # "southern Russia", "north-eastern Ukraine"
    elif e.is_place and sp.i >= 1 and toks[sp.i - 1].text in L.DIRECTIONS and not demonym:
        start_tok = sp.i - 1
        qualifier = toks[sp.i - 1].text.lower()
        if sp.i >= 3 and toks[sp.i - 2].text == "-" and toks[sp.i - 3].text.lower() in ("north", "south"):
            start_tok = sp.i - 3
            qualifier = f"{toks[sp.i - 3].text.lower()}-{qualifier}"
        roles = {LOCATION}
    how = "demonym" if demonym else "name"
    # a seat of power acting: "the Kremlin said" names the government
    acts_for = g.represents.get(e.key)
    capital_of = g.capitals.get(e.key) if acts_for is None and qualifier is None else None
    if (acts_for and _acting(doc, sp)) or (capital_of and _acting(doc, sp, L.SPEECH_CUES)):
        acts_for = acts_for or capital_of
        e = g.entities[acts_for]
        roles = {ACTOR}
        qualifier = "government"
        how = "metonym"
        if sp.i > 0 and toks[sp.i - 1].text in ("The", "the"):
            start_tok = sp.i - 1
    # "the Belgorod region": the area around a city, named after it
    end_tok = sp.j - 1
    if e.kind == "city" and sp.j < len(toks) and toks[sp.j].text in L.AREA_NOUNS:
        end_tok = sp.j
        qualifier = f"{qualifier} region" if qualifier else "region"
    link.referent, link.start_tok, link.end_tok = e, start_tok, end_tok
    link.roles, link.qualifier, link.how = frozenset(roles), qualifier, how


def _acting(doc: Document, sp, cues: frozenset[str] = L.ACTING_CUES) -> bool:
    toks = doc.tokens
    # "officials in Moscow denied", "a spokesman at the Kremlin said": the place itself
    p = sp.i - 1
    if p >= 0 and toks[p].text in ("the", "The"):
        p -= 1
    if p >= 0 and toks[p].text.lower() in L.LOCATIVE_PREPOSITIONS:
        return False
    nxt = toks[sp.j].text if sp.j < len(toks) else ""
    if nxt in ("'s", "’s") and sp.j + 1 < len(toks) and cues is L.ACTING_CUES:
        nxt = toks[sp.j + 1].text
    if nxt.lower() in cues:
        return True
    before = " ".join(t.text.lower() for t in toks[max(0, sp.i - 3):sp.i])
    return before.endswith("according to") or before.endswith("according to the")


def default_roles(doc: Document) -> None:
    """Roles switched off: gazetteer entities by kind alone (no affiliations, qualifiers or
    metonymy)."""
    for link in doc.links:
        if link.roles is None:
            e = link.referent
            link.roles = frozenset({ACTOR} if e.kind in ACTOR_ONLY_KINDS else {ACTOR, LOCATION}
                                   if e.kind == "country" else {LOCATION})
