"""Components ``pronouns`` and ``descriptions``: later mentions that do not name their entity.

Pronouns: "he"/"she" -> the latest person of that gender named in this or the two sentences
before, unless this sentence names them (gender from a title, a given name, or the first
pronoun that linked to them); "It" opening a sentence -> the organisation or product the
previous sentence opened with, except in expletive uses ("It is likely that", "It was the
first…", "It has been").

Descriptions: "the company/firm/group" -> the latest organisation within three sentences; "the
<noun>" -> the latest organisation or product whose name ends with that noun ("the store" ->
iTunes Store); "the (record) label," -> the entity that noun described earlier ("the Beatles'
label Apple Corps"), if named in the five sentences before.
"""
from __future__ import annotations

import bisect
from functools import lru_cache

from . import lexicon as L
from .aliases import is_descriptor
from .document import ACTOR, Document
from .types import Entity, Mention

_IT_KINDS = frozenset(("product", "organization", "group"))
# inside a description's modifiers: "the 26 - year - old actress", "The `` American Pie '' actress"
_MODIFIER_PUNCTUATION = frozenset(("-", "`", "``", "''", "'", '"', "“", "”", "‘", "’"))


def resolve_anaphora(doc: Document, *, pronouns: bool = True, descriptions: bool = True) -> None:
    mentions = doc.mentions
    toks = doc.tokens
    text = doc.text
    if not mentions or not (pronouns or descriptions):
        return
    starts = doc.starts
    taken = {m.start for m in mentions}
    extra: list[Mention] = []
    recent: list[tuple[int, Mention]] = []  # (sentence number, mention), in text order
    people: list[tuple[int, Mention]] = []  # the people among them (and resolved pronouns)
    gender = {a.entity.key: a.gender for a in doc.entities if a.kind == "person" and a.entity is not None}
    mi = 0
    n = len(toks)
    words = L.GENDERED_PRONOUNS | {"the", "The", "It"}
    described: dict[str, Entity] = {noun: doc.entity_of(ent) for noun, ent in doc.aliases.descriptors.items()}
    salient = _salient_person(mentions)
    mention_starts = [m.start for m in mentions]
    first_of: dict[int, tuple[int, Mention]] = {}  # sentence -> (token offset in it, first mention)
    sents = doc.sents  # non-decreasing
    texts = doc.texts
    actor = frozenset({ACTOR})
    person_nouns, anaphors, expletive_cues = L.PERSON_NOUNS, L.ANAPHORS, L.EXPLETIVE_CUES
    for k in [k for k, w in enumerate(texts) if w in words]:
        t = toks[k]
        w = texts[k]
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
            if not pronouns:
                continue
            # "It" opening a sentence continues the previous sentence's subject, if that
            # sentence opened with a thing ("iPhone 4 has ... . It also has ..."); not "It is
            # likely that", "It was announced that"
            prev = first_of.get(sent - 1)
            if t.initial and prev is not None and prev[0] <= 4 and prev[1].entity.kind in _IT_KINDS \
                    and not any(x in expletive_cues for x in texts[k + 1:k + 5]) \
                    and not (k + 2 < n and texts[k + 1] in ("is", "was")
                             and texts[k + 2] in ("a", "an", "the")):
                m = prev[1]
                pm = Mention(entity=m.entity, start=t.start, end=t.end, text=w, roles=actor, link="pronoun")
                extra.append(pm)
                first_of[sent] = (0, pm)
            continue
        if w in L.GENDERED_PRONOUNS:
            if not pronouns:
                continue
            want = "f" if w in ("She", "she") else "m"
            for s_, m in reversed(people):
                if s_ < sent - 2:
                    break
                g_ = gender.get(m.entity.key)
                if g_ is None or g_ == want:
                    if s_ != sent:  # a person named in this sentence: nothing to add
                        gender[m.entity.key] = want
                        pm = Mention(entity=m.entity, start=t.start, end=t.end, text=w, roles=actor, link="pronoun")
                        extra.append(pm)
                        people.append((sent, pm))
                    break
            continue
        if not descriptions or k + 1 >= n:
            continue
        # "the actress", "the 36-year-old climber": the latest person who fits, named in this
        # sentence before it or in the two before (not "the actress Tara Reid": a name follows)
        q = k + 1
        last = min(k + 7, n - 1)
        while q < last:
            x = texts[q]
            if x in person_nouns or not (x[0].isalnum() or x in _MODIFIER_PUNCTUATION) or x in words:
                break
            q += 1
        person_gender = person_nouns.get(texts[q]) if q < n else None
        if person_gender is not None and not (q + 1 < n and texts[q + 1][0].isupper()) \
                and not _holds_mention(mention_starts, t.start, toks[q].end):
            fits = None
            for s_, m in reversed(people):
                if s_ < sent - 2:
                    break
                g_ = gender.get(m.entity.key)
                if person_gender == "-" or g_ is None or g_ == person_gender:
                    fits = m.entity
                    break
            if fits is None and salient is not None \
                    and person_gender in (gender.get(salient.key) or person_gender, "-"):
                # no one fits nearby: the person the article is about ("The actress, 33, checked
                # in ..." above "Tara Reid ...")
                fits = salient
            if fits is not None:
                pm = Mention(entity=fits, start=t.start, end=toks[q].end, text=text[t.start:toks[q].end],
                             roles=actor, link="anaphor")
                extra.append(pm)
                people.append((sent, pm))
            continue
        noun = texts[k + 1]
        if not noun.islower() or (k + 2 < n and texts[k + 2][0].isupper()):
            continue
        want = anaphors.get(noun)
        found = False
        for s_, m in reversed(recent):
            if s_ < sent - 3:
                break
            ek = m.entity.kind
            if (want and ek == want) or (ek in _IT_KINDS and _last_word(m.entity.name) == noun):
                extra.append(Mention(entity=m.entity, start=t.start, end=toks[k + 1].end,
                                     text=text[t.start:toks[k + 1].end], roles=actor, link="anaphor"))
                found = True
                break
        if found or not described:
            continue
        # "the record label," after "the Beatles' label Apple Corps"; the phrase must end at
        # the noun ("the record label, ..."), not run on into a name or a verb
        for q in range(k + 1, min(k + 4, n)):
            word = texts[q]
            if not is_descriptor(word):
                break
            key = described.get(word)
            after = texts[q + 1] if q + 1 < n else "."
            if key is not None and not after[:1].isalnum():
                if any(m.entity.key == key.key and s_ >= sent - 5 for s_, m in reversed(recent[-30:])):
                    extra.append(Mention(entity=key, start=t.start, end=toks[q].end,
                                         text=text[t.start:toks[q].end], roles=actor, link="anaphor"))
                break
    if extra:
        doc.mentions = sorted(mentions + extra, key=lambda m: m.start)


@lru_cache(maxsize=4096)
def _last_word(name: str) -> str:
    """The last word of a name in lower case ("iTunes Store" -> "store")."""
    return name.rsplit(" ", 1)[-1].lower()


# a person named this many times, and more than any other, is the one the article is about
SALIENT_MENTIONS = 3


def _salient_person(mentions: list[Mention]) -> Entity | None:
    counts: dict[str, int] = {}
    by_key: dict[str, Entity] = {}
    for m in mentions:
        if m.entity.kind == "person":
            counts[m.entity.key] = counts.get(m.entity.key, 0) + 1
            by_key[m.entity.key] = m.entity
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if ranked[0][1] < SALIENT_MENTIONS or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    return by_key[ranked[0][0]]


def _holds_mention(starts: list[int], start: int, end: int) -> bool:
    """A mention starts inside [start, end) ("The American Pie actress" holds "American Pie")."""
    k = bisect.bisect_left(starts, start)
    return k < len(starts) and starts[k] < end
