"""Turning gazetteer spans and proper-name runs of one article into mentions.

* Gazetteer spans (places, countries and their demonyms, curated landmarks and organisations)
  get their roles, directional qualifiers ("southern Russia"), affiliations ("pro-Ukrainian"),
  and seats of power acting for their government ("the Kremlin said").
* Proper-name runs ("Steve Jobs", "Apple Computer", "Royal Courts of Justice", "iPhone 4") are
  read from capitalisation, skipping sentence-initial words the article never capitalises
  elsewhere, months, weekdays, and titles ("Apple CEO Steve Jobs" -> Apple, Steve Jobs).
* Within the article, later short forms link back: surnames and given names of people
  ("Jobs", "Steve"), acronyms defined in brackets or built from initials ("GM"), the first word
  of "Apple Inc.", plurals ("iPods"), shorter or longer variants sharing first and last word
  ("iTunes Store" / "iTunes Music Store"), possessors ("the Beatles' Apple Corps").
* Pronouns and definite descriptions ("he", "the company") link to the latest fitting entity.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import lexicon as L
from .gazetteer import DEMONYM, Gazetteer
from .normalize import entity_id, is_given_name
from .tokens import Token, slugify
from .types import Entity, Mention

if TYPE_CHECKING:
    from .matcher import EntityMatcher, _GSpan

ACTOR, LOCATION = "actor", "location"
_CAMEL = re.compile(r"^[a-z][A-Z]")  # iPod, iTunes, eBay, iOS
_INITIALS = re.compile(r"^(?:[A-Z]\.)+$")
# how sure a within-article short form is: explicit ones (a full name, a bracketed acronym, a
# surname) beat gazetteer places; guesses (initials, first word) yield to any stronger claim
GUESS, SUFFIX, EXPLICIT = 1, 2, 3
_CONTRACTION = re.compile(r"['’](?:ve|re|ll|d|m|t)$", re.I)
_ACRONYM = re.compile(r"^(?:[A-Z][A-Z0-9&]*[A-Z0-9]|(?:[A-Z]\.){2,})$")  # CNN, AT&T, WWDC, U.S.
_MODEL = re.compile(r"^(?!\d{4}$)(?=.*\d)[A-Za-z0-9]{1,4}$|^[A-Z]$")  # 4, 3G, 3GS, A4, 787, X
_POSSESSIVE = frozenset(("'s", "’s", "'", "’"))
_PERSON_CUES_AFTER = frozenset("said says told added explained wrote who".split())
_KIND_PREFIX = {"person": "person", "organization": "org", "group": "group", "product": "product",
                "landmark": "landmark", "region": "landmark"}
# "the company" -> the latest organisation named in the three sentences before
_ANAPHORS = {
    "company": "organization", "firm": "organization", "corporation": "organization",
    "group": "organization", "organization": "organization", "organisation": "organization",
}
# "the device", "the phone" are left alone: measured on timeline-trial they pointed at the wrong
# product as often as at the right one


@dataclass
class _AEnt:
    """An entity first named in this article."""

    ident: int
    name: str
    kind: str
    aliases: list[str] = field(default_factory=list)
    entity: Entity | None = None  # a known entity (gazetteer, registry) it turned out to be
    gender: str | None = None  # "f" / "m" for people, from given name or title; for pronouns
    parent_key: str | None = None  # for sites and areas named after a known place
    country_code: str | None = None
    kind_guessed: bool = False  # no cue gave the kind: the fallback, an organisation

    def add_alias(self, a: str) -> None:
        if a != self.name and a not in self.aliases:
            self.aliases.append(a)


@dataclass
class _Item:
    i: int
    j: int
    span: _GSpan | None = None  # a gazetteer span
    person_hint: bool = False
    places: tuple[str, ...] = ()  # keys of gazetteer places inside a name run ("Donetsk Oblast")


class ArticleNames:
    def __init__(self, text: str, toks: list[Token], g: Gazetteer):
        self.text = text
        self.toks = toks
        self.g = g
        self.headline = self._headline_tokens()
        # words the article capitalises where capitals are not forced (mid-sentence, not headlines)
        self.cap_mid: set[str] = set()
        self.cap_count: dict[str, int] = {}
        headline = self.headline
        for k, t in enumerate(toks):
            if t.text[:1].isupper() and k not in headline:
                self.cap_count[t.text] = self.cap_count.get(t.text, 0) + 1
                if not t.initial:
                    self.cap_mid.add(t.text)
        self.solo: set[str] = set()  # words standing alone as a name somewhere in the article
        self.heads: dict[str, set[tuple[str, ...]]] = {}  # first word -> the longer names it starts
        self.descriptors: dict[str, object] = {}  # common noun -> entity it described ("label")
        self.proxies: dict[str, _AEnt] = {}  # known entity key -> its article record
        self.models: dict[str, tuple[_AEnt, int]] = {}  # product line -> (latest model named, sentence)
        self.aents: list[_AEnt] = []
        self.alias_map: dict[tuple[str, ...], tuple[_AEnt, int]] = {}  # short form -> (entity, strength)
        self.by_ends: dict[tuple[str, str], list[tuple[_AEnt, tuple[str, ...]]]] = {}  # (first, last) word

    # -- entry point ----------------------------------------------------------------------
    def resolve(self, spans: list[_GSpan], matcher: EntityMatcher) -> list[Mention]:
        self.matcher = matcher
        items = self._items(spans)
        raw: list[tuple[int, int, object, set[str], str | None, str]] = []
        pending_possessor: tuple[str, int] | None = None
        toks = self.toks
        for it in items:
            res = self._resolve_item(it)
            if res is None:
                continue
            ent, start_tok, roles, qualifier, link = res[:5]
            end_tok = res[5] if len(res) > 5 else it.j - 1
            raw.append((toks[start_tok].start, toks[end_tok].end, ent, roles, qualifier, link))
            # possessor: "the Beatles' Apple Corps", "the Beatles' record company, Apple Corps"
            if pending_possessor is not None and isinstance(ent, _AEnt):
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
            if p >= 1 and ent is not None and _is_descriptor(toks[p].text) \
                    and getattr(ent, "kind", "person") != "person":
                # only after a determiner or possessor, with at most one word between
                q = p - 1
                if toks[q].text not in _DETERMINERS and q >= 1 and toks[q].text.isalpha() \
                        and toks[q].text.lower() not in _NOT_DESCRIPTORS:
                    q -= 1  # one modifier: "the record company", "the Danish brewer"
                if toks[q].text in _DETERMINERS:
                    self.descriptors[toks[p].text] = ent
            if it.j < len(toks) and toks[it.j].text in _POSSESSIVE and (ent is not None):
                k = it.j + 1
                gap = 0
                while k < len(toks) and gap < 4 and (toks[k].text[:1].islower() or toks[k].text == ","):
                    k += 1
                    gap += 1
                pending_possessor = (self._surface(it), k)
            # an acronym defined in brackets: "Worldwide Developers Conference (WWDC)"
            acr = self._bracket_acronym(it.j)
            if acr is not None and isinstance(ent, _AEnt):
                self._register(acr, ent, EXPLICIT)
                ent.add_alias(acr)
        mentions = self._finish(raw)
        mentions = self._anaphora(mentions)
        return mentions

    # -- building items -------------------------------------------------------------------
    def _items(self, spans: list[_GSpan]) -> list[_Item]:
        runs = self._runs()
        starts = [sp.i for sp in spans]
        items: list[_Item] = []
        covered: set[int] = set()
        for i, j, hint in runs:
            # spans are sorted and disjoint: those touching [i, j) are a contiguous slice
            lo = bisect.bisect_right(starts, i) - 1
            lo = max(lo, 0)
            near = []
            for k in range(lo, len(spans)):  # by index: a slice would copy the rest of the list each time
                sp = spans[k]
                if sp.i >= j:
                    break
                if sp.j > i:
                    near.append(sp)
            inside = [sp for sp in near if sp.i >= i and sp.j <= j]
            overl = [sp for sp in near if not (sp.i >= i and sp.j <= j)]
            if overl:
                continue  # a gazetteer name crossing the run ("the Kremlin"): the gazetteer wins
            if len(inside) == 1 and inside[0].i == i and inside[0].j == j:
                continue  # exactly a gazetteer name: handled as a span
            inside = [sp for sp in inside if sp.chosen is not None]
            inner = set()
            for sp in inside:
                inner.update(range(sp.i, sp.j))
            if all(k in inner or not self.toks[k].text[:1].isalnum() or self.toks[k].text in L.DIRECTIONS
                   for k in range(i, j)):
                continue  # "Iraq-Kuwait": places joined by a hyphen; "Northern Iraq": a direction
            # a country or demonym heading a run without an organisation word is split off:
            # "Russian Vladimir Putin" no; "US officials" never reaches here; "British Airways" stays
            parts = self._split_gazetteer_head(i, j, inside, hint)
            for a, b, h in parts:
                while a < b and not self.toks[a].text[:1].isalnum():
                    a += 1
                while b > a and not self.toks[b - 1].text[:1].isalnum():
                    b -= 1
                if a >= b or any(sp.i == a and sp.j == b for sp in inside):
                    continue
                places = tuple(sp.chosen.key for sp in inside if a <= sp.i and sp.j <= b
                               and self.g.entities[sp.chosen.key].is_place)
                items.append(_Item(a, b, None, h, places))
                covered.update(range(a, b))
        for sp in spans:
            if sp.i in covered:
                continue
            items.append(_Item(sp.i, sp.j, sp))
        items.sort(key=lambda x: x.i)
        # drop overlaps (keep the earlier, longer)
        out: list[_Item] = []
        for it in items:
            if out and it.i < out[-1].j:
                continue
            out.append(it)
        return out

    def _split_gazetteer_head(self, i, j, inside, hint):
        if not inside:
            return [(i, j, hint)]
        tail = inside[-1]
        # a demonym ends no name: "Alleged Ukrainian (drone strike)" -> "Alleged" + "Ukrainian"
        if tail.j == j and tail.i > i and tail.chosen is not None and tail.chosen.how == DEMONYM:
            return [(i, tail.i, hint)]
        head = inside[0]
        if head.i == i and head.chosen is not None:
            e = self.g.entities[head.chosen.key]
            rest = [t.text for t in self.toks[head.j:j]]
            # "Russian Vladimir Putin"; but "British Airways", "Khmer Rouge" stay whole
            if (e.kind == "country" or head.chosen.how == DEMONYM) and rest and (
                    hint or rest[0] in self.g.given_names or rest[0] in self.solo) \
                    and not any(w in L.ORG_WORDS for w in rest):
                return [(i, head.j, False), (head.j, j, hint)]
        return [(i, j, hint)]

    def _is_name_word(self, t: Token) -> bool:
        s = t.text
        c = s[0]
        if c.isupper():
            return ("'" not in s and "’" not in s) or not _CONTRACTION.search(s)
        return c.islower() and len(s) > 1 and s[1].isupper()  # iPod, eBay

    def _confirmed(self, t: Token) -> bool:
        s = t.text
        return (s in self.cap_mid or s in self.g.given_names or s in self.g.max_len
                or bool(_CAMEL.match(s)) or bool(_ACRONYM.match(s)))

    def _runs(self) -> list[tuple[int, int, bool]]:
        """Proper-name runs as (first token, end token, preceded by a person title)."""
        toks = self.toks
        n = len(toks)
        raw: list[tuple[int, int]] = []
        i = 0
        not_names, titles = L.NOT_NAMES, L.PERSON_TITLES
        while i < n:
            t = toks[i]
            w = t.text
            c = w[0]
            if not (c.isupper() or (c.islower() and len(w) > 1 and w[1].isupper())):
                i += 1  # fast path: lower-case words and punctuation
                continue
            if not self._is_name_word(t) or (w in not_names and w not in titles):
                i += 1
                continue
            j = i + 1
            while j < n:
                u = toks[j]
                nxt = toks[j + 1] if j + 1 < n else None
                # an initial: "James A. Baker"
                if len(u.text) == 1 and u.text.isupper() and nxt is not None and nxt.text == "." \
                        and j + 2 < n and self._is_name_word(toks[j + 2]):
                    j += 2
                    continue
                if self._is_name_word(u) and not (u.text in L.NOT_NAMES and u.text not in L.PERSON_TITLES) \
                        and not u.initial:
                    j += 1
                    continue
                if nxt is not None and self._is_name_word(nxt) and not nxt.initial:
                    if u.text in ("of", "for") and toks[j - 1].text in L.OF_HEADS:
                        j += 2
                        continue
                    # "Securities and Exchange Commission", "Immigration and Naturalization Service"
                    if u.text == "and" and (toks[j - 1].text,) not in self.g.index and any(
                            x.text in L.ORG_WORDS for x in toks[j + 1:j + 4]
                            if self._is_name_word(x) and not x.initial) and \
                            all(self._is_name_word(x) for x in toks[j + 1:j + 1 + next(
                                (q for q, x in enumerate(toks[j + 1:j + 4], 1) if x.text in L.ORG_WORDS), 1)]):
                        j += 2
                        continue
                    if u.text in L.CONNECTORS and u.text not in ("of", "for", "and"):
                        j += 2
                        continue
                    if u.text == "-" or u.text == "&":
                        j += 2
                        continue
                # an initial: "Timothy D. Cook"
                if u.text == "." and len(toks[j - 1].text) == 1 and nxt is not None and self._is_name_word(nxt):
                    j += 1
                    continue
                # a model number: "iPhone 4", "iPhone 3G", "Boeing 787", "iPod Software 1"
                if _MODEL.match(u.text) and u.text[:1].isdigit() or (_MODEL.match(u.text) and any(
                        c.isdigit() for c in u.text)):
                    if u.start == toks[j - 1].end + 1 or u.start == toks[j - 1].end:
                        j += 1
                        continue
                break
            raw.append((i, j))
            i = j
        out: list[tuple[int, int, bool]] = []
        for i, j in raw:
            if i in self.headline:
                continue
            out.extend(self._clean_run(i, j))
        for i, j, _ in out:
            if j - i == 1 and (toks[i].text,) not in self.g.index:
                self.solo.add(toks[i].text)
            elif j - i > 1:
                self.heads.setdefault(toks[i].text, set()).add(tuple(t.text for t in toks[i:j]))
        return out

    def _clean_run(self, i: int, j: int) -> list[tuple[int, int, bool]]:
        toks = self.toks
        hint = False
        # sentence-initial word the article never capitalises elsewhere: an ordinary word,
        # unless an organisation word follows ("Boeing Co.", "Siemens Energy"); a word alone is
        # left to the resolver, which knows the article's short forms so far ("Boeing said")
        if toks[i].initial and j - i > 1 and not self._confirmed(toks[i]) \
                and toks[i + 1].text not in L.PERSON_TITLES:
            org_follows = False
            for t in toks[i + 1:j]:
                if t.text in L.PERSON_TITLES:
                    break
                if t.text in L.ORG_WORDS or t.text in L.ORG_SUFFIXES:
                    org_follows = True
                    break
            if not org_follows:
                i += 1
        out: list[tuple[int, int, bool]] = []
        # split at titles followed by a name: "Apple CEO Steve Jobs", "Presiding Judge Martin Mann"
        k = i
        seg_start = i
        while k < j:
            if toks[k].text in L.PERSON_TITLES or (
                    toks[k].text == "General" and k + 1 < j and toks[k + 1].text in self.g.given_names):
                q = k + 1
                while q < j:
                    if toks[q].text in L.PERSON_TITLES or toks[q].text in (".", "-"):
                        q += 1
                    elif toks[q].text in ("of", "for") and q + 2 < j:  # "Secretary of State"
                        q += 2
                    else:
                        break
                rest = [t.text for t in toks[q:j]]
                if q < j and not any(w in L.ORG_WORDS for w in rest) and toks[q].text[:1].isupper():
                    if k > seg_start:
                        out.append((seg_start, k, hint))
                    seg_start, hint = q, True
                    k = q
                    continue
                if q == j:  # trailing titles: "Apple Chief Executive Officer"
                    if k > seg_start:
                        out.append((seg_start, k, hint))
                    seg_start = j
                    break
                k = q
                continue
            k += 1
        if seg_start < j:
            out.append((seg_start, j, hint))
        cleaned = []
        for a, b, h in out:
            while a < b and (toks[a].text in L.CONNECTORS or not toks[a].text[:1].isalnum()
                             or toks[a].text in L.NOT_NAMES):
                a += 1
            while b > a and (toks[b - 1].text in L.CONNECTORS or not toks[b - 1].text[:1].isalnum()
                             or toks[b - 1].text in L.NOT_NAMES):
                b -= 1
            if b > a:
                cleaned.append((a, b, h))
        # "Steven Snyder TWA": an acronym after a person's name is the organisation
        if cleaned:
            a, b, h = cleaned[-1]
            if b - a >= 3 and toks[a].text in self.g.given_names and _ACRONYM.match(toks[b - 1].text):
                cleaned[-1:] = [(a, b - 1, h), (b - 1, b, False)]
        # the whole run preceded by a title in the text ("Mr Papermaster")
        if cleaned and cleaned[0][0] > 0 and toks[cleaned[0][0] - 1].text in L.PERSON_TITLES:
            a, b, _ = cleaned[0]
            cleaned[0] = (a, b, True)
        return cleaned

    def _headline_tokens(self) -> set[int]:
        """Tokens of title-case lines (headlines), where capitals say nothing."""
        toks = self.toks
        text = self.text
        starts = [t.start for t in toks]
        bounds = [0]
        pos = text.find("\n")
        while pos != -1:
            k = bisect.bisect_left(starts, pos)
            if k > bounds[-1]:
                bounds.append(k)
            pos = text.find("\n", pos + 1)
        bounds.append(len(toks))
        out: set[int] = set()
        skip = L.CONNECTORS | _SMALL_WORDS
        for start, k in zip(bounds, bounds[1:], strict=False):
            if k <= start:
                continue
            words = [w for w in (t.text for t in toks[start:k]) if w[0].isalpha() and w not in skip]
            # a headline has no full stop, or is long and all in capitals
            need = 4 if toks[k - 1].text not in (".", "!", "?", '"', "”") else 8
            if len(words) >= need and sum(1 for w in words if w[0].isupper()) >= 0.8 * len(words):
                out.update(range(start, k))
        return out

    # -- resolving ------------------------------------------------------------------------
    def _surface(self, it: _Item) -> str:
        return self.text[self.toks[it.i].start:self.toks[it.j - 1].end]

    def _register(self, toks: tuple[str, ...] | str, ent: _AEnt, strength: int) -> None:
        """Map a short form to ``ent``; a stronger or equally strong later claim wins
        (the latest "Steve" is the Steve meant), a weaker one does not."""
        key = toks if isinstance(toks, tuple) else tuple(toks.split())
        old = self.alias_map.get(key)
        if old is not None and old[0] is not ent and strength < old[1]:
            return
        self.alias_map[key] = (ent, strength)

    def _resolve_item(self, it: _Item):
        toks = self.toks
        words = tuple(t.text for t in toks[it.i:it.j])
        if it.span is not None:
            hit = self.alias_map.get(words)
            if hit is not None and hit[1] >= EXPLICIT:
                return hit[0], it.i, {ACTOR}, None, "alias"
            m = self._gazetteer(it.span)
            if m is None:
                return None
            if m[0].kind in L_ACTOR_ONLY and m[4] == "name":
                self._proxy(m[0], it, words)
            return m
        # a name run
        # a model number before the name: "the 3G iPhone" after "iPhone 3G"
        if it.i > 0 and _MODEL.match(toks[it.i - 1].text) and toks[it.i - 1].text[:1].isdigit():
            hit = self.alias_map.get((*words, toks[it.i - 1].text))
            if hit is not None:
                return hit[0], it.i - 1, {ACTOR}, None, "alias"
        # "the new iPhone" right after "iPhone 4" was introduced: the new model
        if len(words) == 1 and it.i >= 2 and toks[it.i - 1].text in _NEW and toks[it.i - 2].text in ("the", "The",
                                                                                                   "its", "their"):
            recent = self.models.get(words[0])
            if recent is not None and recent[1] >= toks[it.i].sent - 2:
                return recent[0], it.i, {ACTOR}, None, "alias"
        hit = self.alias_map.get(words)
        if hit is not None:
            self._note_model(hit[0], words, toks[it.i].sent)
            return hit[0], it.i, {ACTOR}, None, "alias" if " ".join(words) != hit[0].name else "name"
        if len(words) == 1:
            w = words[0]
            if w.isdigit():
                return None
            if w.endswith("s") and (w[:-1],) in self.alias_map:  # "iPods"
                return self.alias_map[(w[:-1],)][0], it.i, {ACTOR}, None, "alias"
            if (w in L.PERSON_TITLES or w in L.NOT_NAMES or w in L.NOT_ENTITIES or w in L.ORG_WORDS
                    or len(w) < 2 or w.endswith("ism")):
                return None
            # a capitalised word seen once is weak evidence of a name
            if self.cap_count.get(w, 0) < 2 and not (it.person_hint or _CAMEL.match(w) or _ACRONYM.match(w)
                                                     or any(c.isdigit() for c in w)):
                return None
            # a capitalised participle opening a caption or a clause ("Alleged drone attack")
            if len(w) >= 6 and w.endswith("ed") and w[-3] != "e" and not it.person_hint \
                    and w not in self.g.given_names and w.islower() is False and w[1:].islower():
                return None
            if w in self.g.given_names and not it.person_hint:
                return None  # a lone given name nobody in the article bears
            if toks[it.i].initial and not (w in self.cap_mid or _CAMEL.match(w) or _ACRONYM.match(w)):
                return None
        ent = self._variant_of(words)
        if ent is None:
            if words[-1] in L.NOT_ACTOR_HEADS or (words[0] == "Operation" and len(words) > 1):
                return None  # "Clinic Entrances Act", "Cold War", "Operation Desert Shield"
            ent = self._new_entity(it, words)
        else:
            ent.add_alias(self._surface(it))
            self._register(words, ent, EXPLICIT)
        roles = {LOCATION} if ent.kind in ("landmark", "region") else {ACTOR}
        self._note_model(ent, words, toks[it.i].sent)
        return ent, it.i, roles, None, "name" if ent.name == self._surface(it) else "alias"

    def _note_model(self, ent: _AEnt, words: tuple[str, ...], sent: int) -> None:
        """Remember the latest model of a product line ("iPhone 4" for "iPhone")."""
        if ent.kind == "product" and len(words) >= 2 and any(c.isdigit() for c in words[-1]):
            self.models[words[0]] = (ent, sent)

    def _variant_of(self, words: tuple[str, ...]) -> _AEnt | None:
        """An article entity this run is a variant of: same first and last word, one a
        subsequence of the other ("iTunes Store" / "iTunes Music Store"), or the name followed
        by a company suffix ("Apple" then "Apple Inc.")."""
        if len(words) >= 2:
            rest = [w for w in words[1:] if w != "."]
            if rest and all(w in L.ORG_SUFFIXES for w in rest):
                hit = self.alias_map.get((words[0],))
                if hit is not None and hit[0].kind != "person" and hit[0].name == words[0]:
                    return hit[0]
        if len(words) < 2:
            return None
        for ent, other in reversed(self.by_ends.get((words[0], words[-1]), ())):
            if ent.kind != "person" and other != words and (_subseq(words, other) or _subseq(other, words)):
                return ent
        return None

    def _new_entity(self, it: _Item, words: tuple[str, ...]) -> _AEnt:
        kind = self._kind(it, words)
        name = self._surface(it)
        name = re.sub(r"\s+", " ", name)
        ent = _AEnt(len(self.aents), name, kind or "organization", kind_guessed=kind is None)
        kind = ent.kind
        if kind == "person":
            ent.gender = self._gender(it, words)
        if kind in ("landmark", "region") and it.places:
            # "Donetsk Oblast" lies in Ukraine; "Moscow State Park" in Moscow
            place = self.g.entities[it.places[0]]
            if kind == "region" and place.kind == "city":
                place = next((a for a in self.matcher.ancestors(place.key) if a.kind == "country"), place)
            ent.parent_key, ent.country_code = place.key, place.country_code
        self.aents.append(ent)
        if len(words) >= 2:
            self.by_ends.setdefault((words[0], words[-1]), []).append((ent, words))
        self._register(words, ent, EXPLICIT)
        self._short_forms(ent, words, kind)
        return ent

    def _proxy(self, e: Entity, it: _Item, words: tuple[str, ...]) -> None:
        """A gazetteer or registry actor named in full ("Tim Cook", "Wall Street Journal"): its
        short forms link back to it in this article as they would for a name read from text."""
        if e.key in self.proxies or len(words) < 2:
            return
        ent = _AEnt(len(self.aents), e.name, e.kind, entity=e)
        if e.kind == "person":
            ent.gender = self._gender(it, words)
        self.aents.append(ent)
        self.proxies[e.key] = ent
        self._short_forms(ent, words, e.kind)

    def _short_forms(self, ent: _AEnt, words: tuple[str, ...], kind: str) -> None:
        content = [w for w in words if w not in L.CONNECTORS and w not in (".", "-")]
        if kind == "person" and len(content) >= 2:
            last = content[-1]
            if last in ("Jr", "Sr", "II", "III", "IV") and len(content) >= 3:
                last = content[-2]
            self._register((last,), ent, EXPLICIT)  # "Jobs" after "Steve Jobs": beats places too
            first = content[0]
            if not _INITIALS.match(first):
                # "Steve"; a given name that is also a place ("Paris Hilton") does not hide the place
                self._register((first,), ent, EXPLICIT if (first,) not in self.g.index else GUESS)
            ent.add_alias(last)
        elif kind != "person" and len(content) >= 2:
            caps = [w for w in content if w[:1].isupper() or _CAMEL.match(w)]
            if len(caps) >= 2:
                acr = "".join(w[0].upper() for w in caps)
                self._register((acr,), ent, GUESS)  # "GM" after "General Motors"
            # "Apple" for "Apple Computer", "Hewlett-Packard" for "Hewlett-Packard Co."
            k = len(words)
            while k > 1 and (words[k - 1] in L.ORG_SUFFIXES or words[k - 1] == "."):
                k -= 1
            if 0 < k < len(words):
                self._register(words[:k], ent, SUFFIX)
                ent.add_alias(" ".join(words[:k]).replace(" - ", "-"))
            elif (kind == "organization" and content[0] in self.solo and (content[0],) not in self.g.index
                  and not _CAMEL.match(content[0])):
                self._register((content[0],), ent, GUESS)  # "Conner" after "Conner Peripherals Inc."
            if len(content) == 3 and content[-1] in L.ORG_WORDS and len(words) == 3:
                short = f"{content[0]} {content[-1]}"  # "iTunes Store" for "iTunes Music Store"
                self._register(tuple(short.split()), ent, GUESS)
                ent.add_alias(short)

    def _gender(self, it: _Item, words: tuple[str, ...]) -> str | None:
        prev = self.toks[it.i - 1].text if it.i > 0 else ""
        if prev in L.FEMALE_TITLES or words[0] in self.g.female_names:
            return "f"
        if prev in L.MALE_TITLES or words[0] in self.g.given_names:
            return "m"
        return None

    def _kind(self, it: _Item, words: tuple[str, ...]) -> str | None:
        """The kind the words and their context give, or None without any cue."""
        toks = self.toks
        content = [w for w in words if w not in L.CONNECTORS and w not in (".", "-")]
        if len(content) >= 2 and content[-1] in L.PLACE_WORDS:
            return "landmark"
        if len(content) >= 2 and content[-1] in L.REGION_WORDS and not any(w in L.ORG_WORDS for w in content):
            return "region"
        if any(w in L.GROUP_WORDS for w in content):
            return "group"
        if any(w in L.ORG_WORDS for w in content):
            return "organization"
        if any(_CAMEL.match(w) for w in words) or any(any(c.isdigit() for c in w) for w in words):
            return "product"
        if it.person_hint and all(w[:1].isupper() for w in content):
            return "person"
        if len(content) >= 2 and (content[0] in self.g.given_names or is_given_name(content[0])
                                  or _INITIALS.match(content[0])
                                  or (len(words) > 2 and len(words[0]) == 1 and words[1] == "."
                                      and words[0].isupper() and words[2][:1].isupper()
                                      and not any(w in L.ORG_WORDS for w in content))):
            return "person"  # "Steve Jobs", "M. Lee Pearce" (but "T. Rowe Price Associates")
        name_like = all(re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]|Mc[A-Z][a-z]+|O'[A-Z][a-z]+", w)
                        for w in content)
        # "Saddam Hussein" ... "Hussein": people are shortened to their surname; but a word that
        # heads several names is a brand ("Apple Macintosh", "Apple Computer")
        if len(content) in (2, 3) and name_like and content[-1] in self.solo and content[-1] not in L.ORG_WORDS \
                and not any((w,) in self.g.index for w in content) and len(self.heads.get(words[0], ())) < 2:
            return "person"
        if len(content) in (2, 3) and all(re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]", w) for w in content):
            nxt = toks[it.j].text if it.j < len(toks) else ""
            prev = toks[it.i - 1].text if it.i > 0 else ""
            if nxt in _PERSON_CUES_AFTER or prev in ("said", "says"):
                return "person"
        return None

    def _bracket_acronym(self, j: int) -> str | None:
        toks = self.toks
        if j + 2 < len(toks) and toks[j].text == "(" and toks[j + 2].text == ")":
            a = toks[j + 1].text
            if _ACRONYM.match(a) and len(a) >= 2:
                return a
        return None

    # -- gazetteer spans ----------------------------------------------------------------
    def _gazetteer(self, sp: _GSpan):
        if sp.chosen is None:
            return None
        g, toks = self.g, self.toks
        e = g.entities[sp.chosen.key]
        start_tok = sp.i
        qualifier = None
        roles: set[str]
        if e.kind == "country":
            roles = {ACTOR} if sp.chosen.how == DEMONYM else {ACTOR, LOCATION}
            # "US-supplied drones", "Iran-backed militias": an affiliation, not where
            if sp.j + 1 < len(toks) and toks[sp.j].text == "-" and toks[sp.j + 1].text.islower() \
                    and toks[sp.j].start == toks[sp.j - 1].end:
                roles = {ACTOR}
            # "US officials", "Russian forces" already are: the country names who acts
            elif sp.j < len(toks) and toks[sp.j].text in L.ACTOR_NOUNS:
                roles = {ACTOR}
        elif e.kind in L_ACTOR_ONLY:
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
        capital_of = g.capitals.get(e.key) if acts_for is None and qualifier is None else None
        if (acts_for and self._acting(sp)) or (capital_of and self._acting(sp, L.SPEECH_CUES)):
            acts_for = acts_for or capital_of
            e = g.entities[acts_for]
            roles = {ACTOR}
            qualifier = "government"
            link = "metonym"
            if sp.i > 0 and toks[sp.i - 1].text in ("The", "the"):
                start_tok = sp.i - 1
        # "the Belgorod region": the area around a city, named after it
        end_tok = sp.j - 1
        if e.kind == "city" and sp.j < len(toks) and toks[sp.j].text in _AREA_NOUNS:
            end_tok = sp.j
            qualifier = f"{qualifier} region" if qualifier else "region"
        return e, start_tok, roles, qualifier, link, end_tok

    def _acting(self, sp: _GSpan, cues: frozenset[str] = L.ACTING_CUES) -> bool:
        toks = self.toks
        # "officials in Moscow denied", "a spokesman at the Kremlin said": the place itself
        p = sp.i - 1
        if p >= 0 and toks[p].text in ("the", "The"):
            p -= 1
        if p >= 0 and toks[p].text.lower() in _LOCATIVES:
            return False
        nxt = toks[sp.j].text if sp.j < len(toks) else ""
        if nxt in ("'s", "’s") and sp.j + 1 < len(toks) and cues is L.ACTING_CUES:
            nxt = toks[sp.j + 1].text
        if nxt.lower() in cues:
            return True
        before = " ".join(t.text.lower() for t in toks[max(0, sp.i - 3):sp.i])
        return before.endswith("according to") or before.endswith("according to the")

    # -- output -------------------------------------------------------------------------
    def _finish(self, raw) -> list[Mention]:
        built: dict[int, Entity] = {}
        for a in self.aents:
            if a.entity is not None:
                built[a.ident] = a.entity
                continue
            # a name run that is a curated entry under another spelling ("Wagner group")
            known = self.g.entities.get(f"{_KIND_PREFIX.get(a.kind, 'org')}:{slugify(a.name)}")
            if known is not None:
                built[a.ident] = known
                continue
            built[a.ident] = Entity(key=entity_id(a.name), name=a.name, kind=a.kind, aliases=tuple(a.aliases),
                                    parent_key=a.parent_key, country_code=a.country_code,
                                    kind_guessed=a.kind_guessed)
        self.gender = {built[a.ident].key: a.gender for a in self.aents if a.kind == "person"}
        self.built = built
        out: list[Mention] = []
        for s, e, ent, roles, qualifier, link in raw:
            entity = built[ent.ident] if isinstance(ent, _AEnt) else ent
            out.append(Mention(entity=entity, start=s, end=e, text=self.text[s:e], roles=frozenset(roles),
                               qualifier=qualifier, link=link))
        return out

    # -- pronouns and definite descriptions ------------------------------------------------
    def _anaphora(self, mentions: list[Mention]) -> list[Mention]:
        """"He"/"she" -> the latest person of that gender (or of none known) named in this or
        the two sentences before, unless it is named in this sentence; "the company" -> the
        latest organisation; "the store" -> the latest actor whose name ends with "Store"."""
        toks = self.toks
        if not mentions:
            return mentions
        starts = [t.start for t in toks]
        taken = {m.start for m in mentions}
        extra: list[Mention] = []
        recent: list[tuple[int, Mention]] = []  # (sentence number, mention), in text order
        people: list[tuple[int, Mention]] = []  # the people among them (and resolved pronouns)
        gender = dict(getattr(self, "gender", {}))
        mi = 0
        n = len(toks)
        words = _PRONOUNS | {"the", "The", "It"}
        described: dict[str, Entity] = {}
        for noun, ent in self.descriptors.items():
            e = self.built.get(ent.ident) if isinstance(ent, _AEnt) else ent
            if e is not None:
                described[noun] = e
        first_of: dict[int, tuple[int, Mention]] = {}  # sentence -> (token offset in it, first mention)
        sents = [t.sent for t in toks]  # non-decreasing
        for k in [k for k, t in enumerate(toks) if t.text in words]:
            t = toks[k]
            w = t.text
            while mi < len(mentions) and mentions[mi].start <= t.start:
                m = mentions[mi]
                at = bisect.bisect_left(starts, m.start)
                entry = (toks[at].sent, m)
                recent.append(entry)
                if entry[0] not in first_of:
                    first_of[entry[0]] = (at - bisect.bisect_left(sents, entry[0]), m)
                if m.entity.kind == "person":
                    people.append(entry)
                mi += 1
            if t.start in taken:
                continue
            sent = t.sent
            if w == "It":
                # "It" opening a sentence continues the previous sentence's subject, if that
                # sentence opened with a thing ("iPhone 4 has ... . It also has ..."); not "It is
                # likely that", "It was announced that"
                prev = first_of.get(sent - 1)
                if t.initial and prev is not None and prev[0] <= 4 and prev[1].entity.kind in _IT_KINDS \
                        and not any(x.text in _EXPLETIVE_CUES for x in toks[k + 1:k + 5]) \
                        and not (k + 2 < n and toks[k + 1].text in ("is", "was")
                                 and toks[k + 2].text in ("a", "an", "the")):
                    m = prev[1]
                    pm = Mention(entity=m.entity, start=t.start, end=t.end, text=w,
                                 roles=frozenset({ACTOR}), link="pronoun")
                    extra.append(pm)
                    first_of[sent] = (0, pm)
                continue
            if w in _PRONOUNS:
                want = "f" if w in ("She", "she") else "m"
                for s_, m in reversed(people):
                    if s_ < sent - 2:
                        break
                    g_ = gender.get(m.entity.key)
                    if g_ is None or g_ == want:
                        if s_ != sent:  # a person named in this sentence: nothing to add
                            gender[m.entity.key] = want
                            pm = Mention(entity=m.entity, start=t.start, end=t.end, text=w,
                                         roles=frozenset({ACTOR}), link="pronoun")
                            extra.append(pm)
                            people.append((sent, pm))
                        break
                continue
            if k + 1 >= n:
                continue
            noun = toks[k + 1].text
            if not noun.islower() or (k + 2 < n and toks[k + 2].text[:1].isupper()):
                continue
            want = _ANAPHORS.get(noun)
            found = False
            for s_, m in reversed(recent):
                if s_ < sent - 3:
                    break
                ek = m.entity.kind
                if (want and ek == want) or (ek in _IT_KINDS
                                             and m.entity.name.rsplit(" ", 1)[-1].lower() == noun):
                    extra.append(Mention(entity=m.entity, start=t.start, end=toks[k + 1].end,
                                         text=self.text[t.start:toks[k + 1].end],
                                         roles=frozenset({ACTOR}), link="anaphor"))
                    found = True
                    break
            if found or not described:
                continue
            # "the record label," after "the Beatles' label Apple Corps"; the phrase must end at
            # the noun ("the record label, ..."), not run on into a name or a verb
            for q in range(k + 1, min(k + 4, n)):
                word = toks[q].text
                if not _is_descriptor(word):
                    break
                key = described.get(word)
                after = toks[q + 1].text if q + 1 < n else "."
                if key is not None and not after[:1].isalnum():
                    if any(m.entity.key == key.key and s_ >= sent - 5 for s_, m in reversed(recent[-30:])):
                        extra.append(Mention(entity=key, start=t.start, end=toks[q].end,
                                             text=self.text[t.start:toks[q].end],
                                             roles=frozenset({ACTOR}), link="anaphor"))
                    break
        if extra:
            mentions = sorted(mentions + extra, key=lambda m: m.start)
        return mentions


_PRONOUNS = frozenset(("He", "She", "he", "she"))
_AREA_NOUNS = frozenset(("region", "oblast", "province", "area", "district", "governorate", "prefecture"))
_NEW = frozenset(("new", "newest", "latest"))
_LOCATIVES = frozenset("in at from near inside outside within into to across around over".split())


def _is_descriptor(w: str) -> bool:
    """A lower-case common noun right before a name ("label", "retailer", "studio")."""
    return (len(w) >= 4 and w.isalpha() and w.islower() and w not in _NOT_DESCRIPTORS
            and not w.endswith(("ed", "ly", "ing")) and (not w.endswith("s") or w.endswith("ss")))


_DETERMINERS = frozenset(("the", "The", "a", "an", "its", "their", "his", "her", "our", "'s", "’s", "'", "’"))

# words before a name that do not say what it is
_NOT_DESCRIPTORS = frozenset(
    "said says told tell asks asked with from into onto over under than that this these those which "
    "when while where what whom whose after before since until about against among between during "
    "through across toward towards without within upon also even just only both either neither "
    "including like unlike because although though whether their there here then thus hence "
    "also still already never ever much many more most some such very have does will would could should "
    "must might shall this year week month quarter".split()
)
_IT_KINDS = frozenset(("product", "organization", "group"))
# "It is likely that", "It has been our destiny", "It's": no referent
_EXPLETIVE_CUES = frozenset(("that", "to", "been", "'s", "’s", "if", "whether"))
_SMALL_WORDS = frozenset(("a", "an", "the", "to", "in", "on", "at", "by", "with"))
L_ACTOR_ONLY = frozenset(("organization", "group", "person", "product"))


def _subseq(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    if len(short) >= len(long):
        return False
    it = iter(long)
    return all(any(w == x for x in it) for w in short)
