"""Light clause analysis without a parser: does a sentence report a happening,
is it past or planned, and which preposition governs a date.

These are heuristics over words, tuned to news prose; each says why in a comment.
"""
from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")

# Finite verbs and auxiliaries that mark a clause; past participles ("-ed") are caught by shape.
_VERBS = frozenset("""
is are was were be been being am has have had do does did will would shall should can could may might must
said says say told tells tell announced announces reported reports launched launches began begins begun
made makes make took takes take went goes go came comes come gave gives give won wins lost loses left leaves
met meets held holds sold sells bought buys paid pays set sets put puts hit hits cut cuts ran runs rose rises
fell falls found finds became becomes brought brings led leads kept keeps saw sees shot struck strikes fought
sent sends spent spends stood stands built builds wrote writes spoke speaks broke breaks chose chooses grew
showed shows sued sues agreed agrees opened opens closed closes plans planned expects expected
""".split())
# Words ending in -ed that are not verbs in news prose.
_NOT_VERBS = frozenset("united red bed need speed seed feed hundred shed sacred naked wicked bred".split())

# Sentences that address the reader are page furniture (appeals, prompts), not news.
_READER = re.compile(r"\b(?:you|your|yours)\b", re.IGNORECASE)
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")

_FUTURE = re.compile(
    r"\b(?:will|shall|'ll|is to|are to|is set to|are set to|plans? to|planned to|intends? to|"
    r"scheduled to|is scheduled|are scheduled|expected to|is due|are due|due to (?:be|begin|start|open)|"
    r"going to|would (?:begin|start|open|take place|be held))\b",
    re.IGNORECASE,
)
_PROGRESSIVE = re.compile(r"\b(?:is|are|remains?|continues? to)\s+(?:still\s+)?\w+ing\b", re.IGNORECASE)

# Prepositions before a date that make it a bound rather than the event's time.
_GOVERNORS = {
    "since": "AFTER", "after": "AFTER", "following": "AFTER",
    "before": "BEFORE", "by": "BEFORE", "until": "BEFORE", "till": "BEFORE", "prior to": "BEFORE",
}
_GOVERNOR_BEFORE = re.compile(r"\b(since|after|following|before|by|until|till|prior to)\s+(?:the\s+)?$",
                              re.IGNORECASE)


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def _is_verb(lower: str) -> bool:
    return lower in _VERBS or (lower.endswith("ed") and len(lower) > 4 and lower not in _NOT_VERBS)


def has_verb(text: str) -> bool:
    return any(_is_verb(word.lower()) for word in words(text))


# Present-tense verbs of being and having: a clause with no other verb describes a state.
_STATIVE = frozenset("is are am has have remains remain seems seem appears appear costs cost".split())


def is_stative(text: str) -> bool:
    """Only present-tense be/have-like verbs: a description ("The phone is thinner"), not a happening."""
    verbs = [lower for lower in map(str.lower, words(text)) if _is_verb(lower) or lower in _STATIVE]
    return bool(verbs) and all(v in _STATIVE for v in verbs)


def addresses_reader(text: str) -> bool:
    return bool(_READER.search(_QUOTED.sub(" ", text)))


def reports_happening(text: str) -> bool:
    """A sentence worth an event: a clause with a verb, not an appeal to the reader."""
    return len(words(text)) >= 4 and has_verb(text) and not addresses_reader(text)


def is_future(clause: str) -> bool:
    return bool(_FUTURE.search(clause))


def is_progressive(clause: str) -> bool:
    return bool(_PROGRESSIVE.search(clause))


def governing_mod(text_before: str) -> str | None:
    """The TIMEX3 mod implied by the preposition right before a date ("since 2006")."""
    match = _GOVERNOR_BEFORE.search(text_before[-24:])
    return _GOVERNORS.get(match.group(1).lower()) if match else None


def is_governed(text_before: str) -> bool:
    return bool(_GOVERNOR_BEFORE.search(text_before[-24:]))


_RELATIVE = re.compile(r"\b(?:that|which|who|whom|whose)\b", re.IGNORECASE)


def in_relative_clause(clause_before: str) -> bool:
    """The date follows a relative pronoun in its clause ("engines that were designed in 1998"):
    it dates a subordinate happening, not the main one."""
    return bool(_RELATIVE.search(clause_before))


# Where a sentence may hold two reported happenings: ";" or ", and"/", while"/", but" before a new clause.
_CLAUSE_BREAK = re.compile(r";\s+|,\s+(?:and|while|but|whereas)\s+|\s+and then\s+")


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the clauses of a sentence (one span when it cannot be split)."""
    spans, start = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


# Words that may follow a name without the name modifying them.
_FUNCTION_WORDS = frozenset("""
a an the and or but nor of in on at to for from by with as than that which who whom whose when where while
if because after before since until during into onto over under about against between through across per via
is are was were be been being has have had do does did will would shall should can could may might must
not also only still just even then there here this these those it its his her their our your my
""".split())
_NEXT_WORD = re.compile(r"\s*([A-Za-z][A-Za-z-]*)")


def modifies_next_noun(text_after: str) -> bool:
    """A name directly followed by a common noun modifies it ("iPhone 4 users",
    "Apple Computer CEO Steve Jobs"): the noun's referent is the participant, not the name."""
    match = _NEXT_WORD.match(text_after)
    if not match:
        return False
    word = match.group(1)
    lower = word.lower()
    if word[0].isupper() and lower not in ("ceo", "cfo", "coo", "cto"):
        return False  # another name, or a title read as one
    if lower in _FUNCTION_WORDS or lower in _VERBS:
        return False
    if lower.endswith("ed") or (lower.endswith("s") and lower[:-1] in _VERBS):
        return False  # a verb: "iPhone 4 sold", "Apple releases"
    return True


_OBLIQUE = re.compile(r"\b(?:of|for|than|like|about|via)\s+(?:(?:the|a|an|its|their|his|her|new|original)\s+)*$",
                      re.IGNORECASE)


def is_complement(text_before: str) -> bool:
    """A name right after "of", "for", "than", "like", "about", "via" completes a noun or an
    adjective ("the price of the iPod", "dissatisfied with"): it is not a participant."""
    return bool(_OBLIQUE.search(text_before[-40:]))


_REPORTING = re.compile(r"\b(?:said|says|told|tells|according to|reported|reports|announced|confirmed|stated)\b",
                        re.IGNORECASE)


def is_reporting(text: str) -> bool:
    """A sentence that reports what a source said ("officials told CNN")."""
    return bool(_REPORTING.search(text))
