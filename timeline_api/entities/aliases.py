"""Component ``aliases``: each candidate linked, left to right, to what it names, learning the
article's short forms as it goes.

A gazetteer span names its chosen entity, unless an explicit short form of an article entity
claims it ("Jordan" after "Michael Jordan" is the player). A name run names an article entity:
one it is a short form or a variant of, else a new one, whose short forms are registered with a
strength (explicit > suffix > guess; a later claim of equal strength wins, so the latest
"Steve" is the one meant): surname and given name of a person (explicit); bracketed acronyms
("United States Air Force (USAF)"); the name without a company suffix ("Apple" for "Apple
Computer"); initials ("GM" for "General Motors"); the first word of an organisation that also
stands alone ("Conner" for "Conner Peripherals Inc."); variants with the same first and last
word ("iTunes Store" / "iTunes Music Store"); plurals ("iPods"); possessors ("the Beatles' Apple
Corps"); a model number before the name ("the 3G iPhone" after "iPhone 3G"); "the new iPhone"
right after "iPhone 4" was named. Common nouns that described an entity ("the Danish brewer
Carlsberg") are noted for the descriptions component.
"""
from __future__ import annotations

import re

from . import lexicon as L
from .document import ACTOR, EXPLICIT, GUESS, LOCATION, SUFFIX, ArticleEntity, Candidate, Document, Link
from .gazetteer import DEMONYM
from .kinds import gender_of
from .runs import ACRONYM, CAMEL, MODEL
from .types import Entity

_INITIALS = re.compile(r"^(?:[A-Z]\.)+$")
_POSSESSIVE = frozenset(("'s", "’s", "'", "’"))
ACTOR_ONLY_KINDS = frozenset(("organization", "group", "person", "product"))


def link_candidates(doc: Document, *, short_forms: bool = True) -> None:
    """``short_forms`` False: every name run is an entity of its own full name (the component
    switched off: no surnames, acronyms, variants, possessors)."""
    linker = _Linker(doc, short_forms)
    toks = doc.tokens
    pending_possessor: tuple[str, int] | None = None
    for it in doc.candidates:
        link = linker.link(it)
        if link is None:
            continue
        doc.links.append(link)
        ent = link.referent
        if not short_forms:
            continue
        # possessor: "the Beatles' Apple Corps", "the Beatles' record company, Apple Corps"
        if pending_possessor is not None and isinstance(ent, ArticleEntity):
            surface, limit = pending_possessor
            if it.i <= limit:
                ent.add_alias(f"{surface} {ent.name}")
                ent.add_alias(f"{surface}'s {ent.name}" if not surface.endswith("s") else f"{surface}' {ent.name}")
        pending_possessor = None
        # a common noun naming what the entity is: "label Apple Corps", "retailer Best Buy",
        # "the record company, Apple Corps"; later "the (record) label" links back
        p = it.i - 1
        if p >= 0 and toks[p].text == ",":  # an apposition: ", Apple Corps." / ", Apple Corps,"
            p = p - 1 if it.j < len(toks) and toks[it.j].text in (",", ".", ")", ";") else -1
        if p >= 1 and is_descriptor(toks[p].text) and ent.kind != "person":
            # only after a determiner or possessor, with at most one word between
            q = p - 1
            if toks[q].text not in L.DESCRIPTOR_DETERMINERS and q >= 1 and toks[q].text.isalpha() \
                    and toks[q].text.lower() not in L.NOT_DESCRIPTORS:
                q -= 1  # one modifier: "the record company", "the Danish brewer"
            if toks[q].text in L.DESCRIPTOR_DETERMINERS:
                doc.aliases.descriptors[toks[p].text] = ent
        if it.j < len(toks) and toks[it.j].text in _POSSESSIVE:
            k = it.j + 1
            gap = 0
            while k < len(toks) and gap < 4 and (toks[k].text[:1].islower() or toks[k].text == ","):
                k += 1
                gap += 1
            pending_possessor = (doc.surface(it.i, it.j), k)
        # an acronym defined in brackets: "Worldwide Developers Conference (WWDC)"
        acr = _bracket_acronym(doc, it.j)
        if acr is not None and isinstance(ent, ArticleEntity):
            doc.aliases.register(acr, ent, EXPLICIT)
            ent.add_alias(acr)


def roles_of(ent: ArticleEntity) -> frozenset[str]:
    """Landmarks and areas are places; an organisation named after its site is an actor and a
    place ("Promises Treatment Center", "Wasilla Bible Church"); the rest are actors."""
    if ent.kind in ("landmark", "region"):
        return frozenset({LOCATION})
    if ent.kind == "organization" and ent.name.rsplit(" ", 1)[-1] in L.FACILITY_WORDS:
        return frozenset({ACTOR, LOCATION})
    return frozenset({ACTOR})


def is_descriptor(w: str) -> bool:
    """A lower-case common noun right before a name ("label", "retailer", "studio")."""
    return (len(w) >= 4 and w.isalpha() and w.islower() and w not in L.NOT_DESCRIPTORS
            and not w.endswith(("ed", "ly", "ing")) and (not w.endswith("s") or w.endswith("ss")))


def _bracket_acronym(doc: Document, j: int) -> str | None:
    toks = doc.tokens
    if j + 2 < len(toks) and toks[j].text == "(" and toks[j + 2].text == ")":
        a = toks[j + 1].text
        if ACRONYM.match(a) and len(a) >= 2:
            return a
    return None


class _Linker:
    def __init__(self, doc: Document, short_forms: bool):
        self.doc = doc
        self.short_forms = short_forms
        self.aliases = doc.aliases

    def link(self, it: Candidate) -> Link | None:
        doc = self.doc
        words = doc.words(it.i, it.j)
        forms = self.aliases.forms
        if it.span is not None:
            hit = forms.get(words)
            if hit is not None and hit[1] >= EXPLICIT:
                return Link(it, hit[0], it.i, it.j - 1, "alias", frozenset({ACTOR}))
            chosen = it.span.chosen
            if chosen is None:
                return None
            e = doc.gazetteer.entities[chosen.key]
            how = "demonym" if chosen.how == DEMONYM else "name"
            if e.kind in ACTOR_ONLY_KINDS and how == "name":
                self._proxy(e, it, words)
            return Link(it, e, it.i, it.j - 1, how)
        return self._link_run(it, words)

    def _link_run(self, it: Candidate, words: tuple[str, ...]) -> Link | None:
        doc = self.doc
        toks = doc.tokens
        g = doc.gazetteer
        forms = self.aliases.forms
        actor = frozenset({ACTOR})
        # a model number before the name: "the 3G iPhone" after "iPhone 3G"
        if it.i > 0 and MODEL.match(toks[it.i - 1].text) and toks[it.i - 1].text[:1].isdigit():
            hit = forms.get((*words, toks[it.i - 1].text))
            if hit is not None:
                return Link(it, hit[0], it.i - 1, it.j - 1, "alias", actor)
        # "the new iPhone" right after "iPhone 4" was introduced: the new model
        if len(words) == 1 and it.i >= 2 and toks[it.i - 1].text in L.NEWEST_WORDS \
                and toks[it.i - 2].text in ("the", "The", "its", "their"):
            recent = self.aliases.models.get(words[0])
            if recent is not None and recent[1] >= toks[it.i].sent - 2:
                return Link(it, recent[0], it.i, it.j - 1, "alias", actor)
        hit = forms.get(words)
        if hit is not None:
            self._note_model(hit[0], words, toks[it.i].sent)
            how = "alias" if " ".join(words) != hit[0].name else "name"
            return Link(it, hit[0], it.i, it.j - 1, how, roles_of(hit[0]))
        if len(words) == 1:
            w = words[0]
            if w.isdigit():
                return None
            if w.endswith("s") and (w[:-1],) in forms:  # "iPods"
                return Link(it, forms[(w[:-1],)][0], it.i, it.j - 1, "alias", actor)
            if (w in L.PERSON_TITLES or w in L.NOT_NAMES or w in L.NOT_ENTITIES or w in L.ORG_WORDS
                    or len(w) < 2 or w.endswith("ism")):
                return None
            # a capitalised word seen once is weak evidence of a name
            if doc.cap_count.get(w, 0) < 2 and not (it.titled or CAMEL.match(w) or ACRONYM.match(w)
                                                    or any(c.isdigit() for c in w)):
                return None
            # a capitalised participle opening a caption or a clause ("Alleged drone attack")
            if len(w) >= 6 and w.endswith("ed") and w[-3] != "e" and not it.titled \
                    and w not in g.given_names and w.islower() is False and w[1:].islower():
                return None
            if w in g.given_names and not it.titled:
                return None  # a lone given name nobody in the article bears
            if toks[it.i].initial and not (w in doc.cap_mid or CAMEL.match(w) or ACRONYM.match(w)):
                return None
        ent = self._variant_of(words) if self.short_forms else None
        if ent is None:
            if words[-1] in L.NOT_ACTOR_HEADS or (words[0] == "Operation" and len(words) > 1):
                return None  # "Clinic Entrances Act", "Cold War", "Operation Desert Shield"
            ent = self._new_entity(it, words)
        else:
            ent.add_alias(doc.surface(it.i, it.j))
            self.aliases.register(words, ent, EXPLICIT)
        roles = roles_of(ent)
        self._note_model(ent, words, toks[it.i].sent)
        how = "name" if ent.name == doc.surface(it.i, it.j) else "alias"
        return Link(it, ent, it.i, it.j - 1, how, roles)

    def _note_model(self, ent: ArticleEntity, words: tuple[str, ...], sent: int) -> None:
        """Remember the latest model of a product line ("iPhone 4" for "iPhone")."""
        if ent.kind == "product" and len(words) >= 2 and any(c.isdigit() for c in words[-1]):
            self.aliases.models[words[0]] = (ent, sent)

    def _variant_of(self, words: tuple[str, ...]) -> ArticleEntity | None:
        """An article entity this run is a variant of: same first and last word, one a
        subsequence of the other ("iTunes Store" / "iTunes Music Store"), or the name followed
        by a company suffix ("Apple" then "Apple Inc.")."""
        forms = self.aliases.forms
        if len(words) >= 2:
            rest = [w for w in words[1:] if w != "."]
            if rest and all(w in L.ORG_SUFFIXES for w in rest):
                hit = forms.get((words[0],))
                if hit is not None and hit[0].kind != "person" and hit[0].name == words[0]:
                    return hit[0]
        if len(words) < 2:
            return None
        for ent, other in reversed(self.aliases.by_ends.get((words[0], words[-1]), ())):
            if ent.kind != "person" and other != words and (_subseq(words, other) or _subseq(other, words)):
                return ent
        return None

    def _new_entity(self, it: Candidate, words: tuple[str, ...]) -> ArticleEntity:
        doc = self.doc
        kind = it.kind
        name = re.sub(r"\s+", " ", doc.surface(it.i, it.j))
        ent = ArticleEntity(len(doc.entities), name, kind or "organization", kind_guessed=kind is None)
        kind = ent.kind
        if kind == "person":
            ent.gender = gender_of(doc, it, words)
        if kind in ("landmark", "region") and it.places:
            # "Donetsk Oblast" lies in Ukraine; "Moscow State Park" in Moscow
            place = doc.gazetteer.entities[it.places[0]]
            if kind == "region" and place.kind == "city":
                place = next((a for a in doc.gazetteer.ancestors(place.key) if a.kind == "country"), place)
            ent.parent_key, ent.country_code = place.key, place.country_code
        doc.entities.append(ent)
        if len(words) >= 2:
            self.aliases.by_ends.setdefault((words[0], words[-1]), []).append((ent, words))
        self.aliases.register(words, ent, EXPLICIT)
        if self.short_forms:
            self._short_forms(ent, words, kind)
            self._without_place(ent, it, kind)
        return ent

    def _without_place(self, ent: ArticleEntity, it: Candidate, kind: str) -> None:
        """A team, firm or site named with its town goes by the rest of its name in the same
        article ("Indianapolis Colts" ... "the Colts", "Malibu Promises Treatment Center" ...
        "Promises Treatment Center"); never a person's ("Paris Hilton"), nor one generic word."""
        if kind == "person" or it.place_head is None:
            return
        rest = self.doc.words(it.place_head, it.j)
        caps = [w for w in rest if w[:1].isupper()]
        if not caps or (len(rest) == 1 and (rest[0] in L.ORG_WORDS or rest[0] in L.NOT_NAMES)):
            return
        self.aliases.register(rest, ent, SUFFIX)
        ent.add_alias(self.doc.surface(it.place_head, it.j))

    def _proxy(self, e: Entity, it: Candidate, words: tuple[str, ...]) -> None:
        """A gazetteer or registry actor named in full ("Tim Cook", "Wall Street Journal"): its
        short forms link back to it in this article as they would for a name read from text."""
        if not self.short_forms or e.key in self.aliases.proxies or len(words) < 2:
            return
        ent = ArticleEntity(len(self.doc.entities), e.name, e.kind, known=e)
        if e.kind == "person":
            ent.gender = gender_of(self.doc, it, words)
        self.doc.entities.append(ent)
        self.aliases.proxies[e.key] = ent
        self._short_forms(ent, words, e.kind)

    def _short_forms(self, ent: ArticleEntity, words: tuple[str, ...], kind: str) -> None:
        g = self.doc.gazetteer
        register = self.aliases.register
        content = [w for w in words if w not in L.CONNECTORS and w not in (".", "-")]
        if kind == "person" and len(content) >= 2:
            last = content[-1]
            if last in ("Jr", "Sr", "II", "III", "IV") and len(content) >= 3:
                last = content[-2]
            register((last,), ent, EXPLICIT)  # "Jobs" after "Steve Jobs": beats places too
            first = content[0]
            if not _INITIALS.match(first):
                # "Steve"; a given name that is also a place ("Paris Hilton") does not hide the place
                register((first,), ent, EXPLICIT if (first,) not in g.index else GUESS)
            ent.add_alias(last)
        elif kind != "person" and len(content) >= 2:
            caps = [w for w in content if w[:1].isupper() or CAMEL.match(w)]
            if len(caps) >= 2:
                acr = "".join(w[0].upper() for w in caps)
                register((acr,), ent, GUESS)  # "GM" after "General Motors"
            # "Apple" for "Apple Computer", "Hewlett-Packard" for "Hewlett-Packard Co."
            k = len(words)
            while k > 1 and (words[k - 1] in L.ORG_SUFFIXES or words[k - 1] == "."):
                k -= 1
            if 0 < k < len(words):
                register(words[:k], ent, SUFFIX)
                ent.add_alias(" ".join(words[:k]).replace(" - ", "-"))
            elif (kind == "organization" and content[0] in self.doc.solo and (content[0],) not in g.index
                  and not CAMEL.match(content[0])):
                register((content[0],), ent, GUESS)  # "Conner" after "Conner Peripherals Inc."
            if len(content) == 3 and content[-1] in L.ORG_WORDS and len(words) == 3:
                short = f"{content[0]} {content[-1]}"  # "iTunes Store" for "iTunes Music Store"
                register(tuple(short.split()), ent, GUESS)
                ent.add_alias(short)


def _subseq(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    if len(short) >= len(long):
        return False
    it = iter(long)
    return all(any(w == x for x in it) for w in short)
