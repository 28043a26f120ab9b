"""Turning gazetteer spans and proper-name runs of one article into mentions.

Phase 1: gazetteer spans only (places, countries and their demonyms, curated landmarks and
organisations), with directional qualifiers ("southern Russia"), affiliations
("pro-Ukrainian") and seats of power acting for their government ("the Kremlin said").
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from . import lexicon as L
from .gazetteer import DEMONYM, Gazetteer
from .tokens import Token
from .types import Entity, Mention

if TYPE_CHECKING:
    from .matcher import EntityMatcher, _GSpan

ACTOR, LOCATION = "actor", "location"


class ArticleNames:
    def __init__(self, text: str, toks: list[Token], g: Gazetteer):
        self.text = text
        self.toks = toks
        self.g = g

    def resolve(self, spans: list["_GSpan"], matcher: "EntityMatcher") -> list[Mention]:
        out: list[Mention] = []
        for sp in spans:
            m = self.gazetteer_mention(sp)
            if m is not None:
                out.append(m)
        return out

    # -- gazetteer spans ----------------------------------------------------------------
    def gazetteer_mention(self, sp: "_GSpan") -> Mention | None:
        if sp.chosen is None:
            return None
        g, toks = self.g, self.toks
        e = g.entities[sp.chosen.key]
        start_tok = sp.i
        qualifier = None
        roles: set[str]
        if e.kind == "country":
            roles = {ACTOR} if sp.chosen.how == DEMONYM else {ACTOR, LOCATION}
        elif e.kind in ("organization", "group", "person", "product"):
            roles = {ACTOR}
        else:
            roles = {LOCATION}
        # "pro-Ukrainian", "anti-Russian"
        if sp.i >= 2 and toks[sp.i - 1].text == "-" and toks[sp.i - 2].text.lower() in ("pro", "anti"):
            qualifier = toks[sp.i - 2].text.lower()
            start_tok = sp.i - 2
            roles = {ACTOR} if qualifier == "pro" else set()
        # "southern Russia", "north-eastern Ukraine"
        elif e.is_place and sp.i >= 1 and toks[sp.i - 1].text in L.DIRECTIONS and sp.chosen.how != DEMONYM:
            start_tok = sp.i - 1
            qualifier = toks[sp.i - 1].text.lower()
            if sp.i >= 3 and toks[sp.i - 2].text == "-" and toks[sp.i - 3].text.lower() in ("north", "south"):
                start_tok = sp.i - 3
                qualifier = f"{toks[sp.i - 3].text.lower()}-{qualifier}"
            roles = {LOCATION}
        link = "demonym" if sp.chosen.how == DEMONYM else "name"
        # a seat of power acting: "the Kremlin said" names the government
        acts_for = g.represents.get(e.key)
        if acts_for and self._acting(sp):
            e = g.entities[acts_for]
            roles = {ACTOR}
            qualifier = "government"
            link = "metonym"
        start = toks[start_tok].start
        end = toks[sp.j - 1].end
        return Mention(entity=e, start=start, end=end, text=self.text[start:end], roles=frozenset(roles),
                       qualifier=qualifier, link=link)

    def _acting(self, sp: "_GSpan") -> bool:
        toks = self.toks
        nxt = toks[sp.j].text if sp.j < len(toks) else ""
        if nxt in ("'s", "’s") and sp.j + 1 < len(toks):
            nxt = toks[sp.j + 1].text
        if nxt.lower() in L.ACTING_CUES:
            return True
        before = " ".join(t.text.lower() for t in toks[max(0, sp.i - 3):sp.i])
        return before.endswith("according to") or before.endswith("according to the")
