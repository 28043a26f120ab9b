"""Component ``kinds``: the kind a name run's words and context give it, and a person's gender.

Landmark if it ends with a place word ("Unity Boulevard"), region if with an area word
("Essex County"), group if it holds a group word, organisation if it holds an organisation
word, product if CamelCase or with digits, person if it starts with a given name or initials,
follows a title, or its last word later stands alone ("Saddam Hussein" … "Hussein") unless its
first word heads several names (a brand: "Apple Macintosh", "Apple Computer"); else no cue
(None: the linker falls back to an organisation, marked as a guess).
"""
from __future__ import annotations

import re

from . import lexicon as L
from .document import Candidate, Document
from .normalize import is_given_name
from .runs import CAMEL

_INITIALS = re.compile(r"^(?:[A-Z]\.)+$")
_NAME_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]|Mc[A-Z][a-z]+|O'[A-Z][a-z]+")
_PLAIN_WORD = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?|[A-Z]")


def assign_kinds(doc: Document) -> None:
    for c in doc.candidates:
        if c.span is None:
            c.kind = kind_of(doc, c)


def kind_of(doc: Document, it: Candidate) -> str | None:
    """The kind the words and their context give, or None without any cue."""
    toks = doc.tokens
    g = doc.gazetteer
    words = doc.words(it.i, it.j)
    content = [w for w in words if w not in L.CONNECTORS and w not in (".", "-")]
    if len(content) >= 2 and content[-1] in L.PLACE_WORDS:
        return "landmark"
    if len(content) >= 2 and content[-1] in L.REGION_WORDS and not any(w in L.ORG_WORDS for w in content):
        return "region"
    if any(w in L.GROUP_WORDS for w in content):
        return "group"
    if any(w in L.ORG_WORDS for w in content):
        return "organization"
    if any(CAMEL.match(w) for w in words) or any(any(c.isdigit() for c in w) for w in words):
        return "product"
    if it.titled and all(w[:1].isupper() for w in content):
        return "person"
    if len(content) >= 2 and (content[0] in g.given_names or is_given_name(content[0])
                              or _INITIALS.match(content[0])
                              or (len(words) > 2 and len(words[0]) == 1 and words[1] == "."
                                  and words[0].isupper() and words[2][:1].isupper()
                                  and not any(w in L.ORG_WORDS for w in content))):
        return "person"  # "Steve Jobs", "M. Lee Pearce" (but "T. Rowe Price Associates")
    name_like = all(_NAME_WORD.fullmatch(w) for w in content)
    # "Saddam Hussein" ... "Hussein": people are shortened to their surname; but a word that
    # heads several names is a brand ("Apple Macintosh", "Apple Computer")
    if len(content) in (2, 3) and name_like and content[-1] in doc.solo and content[-1] not in L.ORG_WORDS \
            and not any((w,) in g.index for w in content) and len(doc.heads.get(words[0], ())) < 2:
        return "person"
    if len(content) in (2, 3) and all(_PLAIN_WORD.fullmatch(w) for w in content):
        nxt = toks[it.j].text if it.j < len(toks) else ""
        prev = toks[it.i - 1].text if it.i > 0 else ""
        if nxt in L.PERSON_CUES_AFTER or prev in ("said", "says"):
            return "person"
    return None


def gender_of(doc: Document, it: Candidate, words: tuple[str, ...]) -> str | None:
    prev = doc.tokens[it.i - 1].text if it.i > 0 else ""
    g = doc.gazetteer
    if prev in L.FEMALE_TITLES or words[0] in g.female_names:
        return "f"
    if prev in L.MALE_TITLES or words[0] in g.given_names:
        return "m"
    return None
