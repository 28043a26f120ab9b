"""Light clause analysis without a parser: does a sentence report a happening,
is it past or planned, and which preposition governs a date.

These are heuristics over words, tuned to news prose; each says why in a comment.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from importlib import resources

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
_PROGRESSIVE = re.compile(r"\b(?:is|are|remains?|continues? to)\s+(?:still\s+)?"
                          r"(?!(?:no|some|any|every)thing\b|(?:morn|even|dur|k|r|spr|str|w|th)ing\b)\w+ing\b",
                          re.IGNORECASE)

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


# A headline's future is a name and an infinitive: "Ellen DeGeneres to host 2014 Oscars", "Obama To Nominate".
_HEADLINE_FUTURE = re.compile(r"\b[A-Z][\w'’.-]*\s+(?:to|To)\s+[A-Za-z]{3,}\b")


def is_headline_report(text: str) -> bool:
    """A headline reports a happening in the present ("Earthquake shakes Qeshm", "Lohan checks
    into rehab"): a lower-case word in -s counts as its verb there, and nowhere else; in a
    title-case headline a capitalised one too ("Lindsay Lohan Checks Into Rehab"); or one to
    come, with a name and an infinitive ("DeGeneres to host Oscars")."""
    found = words(text)
    title_case = sum(w[0].isupper() for w in found) >= 0.8 * len(found) if found else False
    return (any(_is_verb(w.lower()) or ((w.islower() or title_case) and len(w) > 3 and w.endswith("s")
                                        and not w.endswith("ss"))
                for w in found) or bool(_HEADLINE_FUTURE.search(text))) \
        and len(found) >= 3 and not is_furniture(text)


# Present-tense verbs of being and having: a clause with no other verb describes a state.
_STATIVE = frozenset("is are am has have remains remain seems seem appears appear costs cost".split())


def is_stative(text: str) -> bool:
    """Only present-tense be/have-like verbs: a description ("The phone is thinner"), not a
    happening; but a progressive is one under way ("Tara Reid is seeking help")."""
    verbs = [lower for lower in map(str.lower, words(text)) if _is_verb(lower) or lower in _STATIVE]
    return bool(verbs) and all(v in _STATIVE for v in verbs) and not is_progressive(text)


def addresses_reader(text: str) -> bool:
    return bool(_READER.search(_QUOTED.sub(" ", text)))


def _furniture_pattern() -> re.Pattern:
    lines = resources.files("timeline_api.pipeline").joinpath("data/not_events.txt").read_text(encoding="utf-8")
    patterns = [line.strip() for line in lines.splitlines() if line.strip() and not line.startswith("#")]
    # bylines need their capitals: that one pattern is case-sensitive
    return re.compile("|".join(f"(?:{p})" if not p.startswith("by\\s+") else f"(?-i:[Bb]{p[1:]})"
                               for p in patterns), re.IGNORECASE)


_FURNITURE = _furniture_pattern()


_WEB_ADDRESS = re.compile(r"\s*(?:https?\s*:\s*/\s*/|www\s*\.\s*\w)", re.IGNORECASE)


def is_web_address(line: str) -> bool:
    """A line that opens with a web address, also as tokenised text ("http : / / www . cbc . ca / a - 1 . 12")."""
    return bool(_WEB_ADDRESS.match(line))


def is_furniture(text: str) -> bool:
    """Bylines, credits, links to other pages, reader appeals, notices (data/not_events.txt)."""
    return bool(_FURNITURE.match(text.lstrip(" \t\"'“‘«(")))


def reports_happening(text: str) -> bool:
    """A sentence worth an event: a clause with a verb, not an appeal to the reader nor page furniture."""
    return len(words(text)) >= 4 and has_verb(text) and not addresses_reader(text) and not is_furniture(text)


# Modals and conditionals: a happening that may or would take place, not one that did or will.
# "May" with a capital is the month, unless it opens the sentence ("3 May" is no modal).
_HYPOTHETICAL = re.compile(r"(?:\b(?-i:could|may|might|would|should)|^\s*(?:could|may|might|would|should))\b"
                           r"(?!\s+(?:not\s+)?(?:have\s+)?(?:been\s+)?(?:said|say)\b)"
                           r"|^\s*(?:if|unless)\b|,\s*(?:if|unless)\b", re.IGNORECASE)


def is_hypothetical(clause: str) -> bool:
    """A conditional or modal clause ("could face charges", "if the talks fail"), outside quotes."""
    return bool(_HYPOTHETICAL.search(_QUOTED.sub(" ", clause)))


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


# A relative pronoun, not the "that" of reported speech ("said that ..."). A relative clause
# set off by a comma ("the bombs, which killed 224 people, exploded ...") ends at the next one.
_RELATIVE = re.compile(r"(,\s*)?\b(?:(?<!said )(?<!says )(?<!told )(?<!announced )that|which|who|whom|whose)\b",
                       re.IGNORECASE)
# "compared with March of 2008", "more than a year ago", "up 6% from a year earlier"
_COMPARISON = re.compile(r"\b(?:than|versus|vs\.?|(?:up|down|higher|lower)\b[^,;]{0,30}\bfrom)\s+"
                         r"(?:(?:the|a|an|same|its|their)\s+)*$|\bcompared\s+(?:with|to)\b[^;]*$", re.IGNORECASE)
# "from fewer than 100,000 in 1980 to more than 300,000 last year": the first end is the baseline
_FROM_BEFORE = re.compile(r"\bfrom\b[^,;]*$", re.IGNORECASE)
_TO_AFTER = re.compile(r"[^,;]{0,60}?\bto\b", re.IGNORECASE)
_SINCE = re.compile(r"\bsince\s+(?:(?:the|early|mid|late)\s+)?$", re.IGNORECASE)
# a date that modifies a noun: "the Aug. 7 blasts", "Kopp's 1987 Chevrolet", "last month's strike"
_DETERMINER_BEFORE = re.compile(r"(?:\b(?:the|a|an|this|that|its|his|her|their|our)|['’]s)\s+$", re.IGNORECASE)
_NOUN_AFTER = re.compile(r"(?:['’]s\b|\s+(?!(?:and|or|but|to|in|on|at|of|for|by|with|from|as|than|when|after|before|"
                         r"the|a|an|was|were|is|are|has|had|have|will|would|that|which|who|ago|later|earlier)\b)"
                         r"[a-z][a-z-]+(?<!ed)\b)")


def date_role(clause_before: str, text_after: str, in_relative_clause: bool) -> str:
    """What a date is to the happening its clause reports, from the words around it
    (``clause_before``: the clause up to the date, its last 60 characters are enough):
    ``background`` when it dates something else (a relative clause, a comparison's
    baseline, the start of a state with "since"), ``modifier`` when it only qualifies a
    noun ("the Aug. 7 blasts"), ``bound`` after "by", "until", "before", "after", else
    ``main``."""
    near = clause_before[-60:]
    if in_relative_clause or _COMPARISON.search(near) or _SINCE.search(near[-24:]) \
            or (_FROM_BEFORE.search(near) and _TO_AFTER.match(text_after)):
        return "background"
    if is_governed(near):
        return "bound"
    if _DETERMINER_BEFORE.search(near[-12:]) and _NOUN_AFTER.match(text_after):
        return "modifier"
    return "main"


class RelativeClauses:
    """Where a clause's relative clauses run: from a relative pronoun ("engines that were
    designed in 1998": it dates a subordinate happening, not the main one) to the end of the
    clause, or to the next comma for one set off by a comma ("the bombs, which killed 224
    people, exploded ..."). Built once per clause, asked for each of its dates in log time."""

    def __init__(self, clause: str):
        self.pronouns = [(m.end(), bool(m.group(1))) for m in _RELATIVE.finditer(clause)]
        self.ends = [end for end, _ in self.pronouns]
        self.commas = [i for i, ch in enumerate(clause) if ch == ","]

    def cover(self, offset: int) -> bool:
        """Is the clause's character at ``offset`` inside a relative clause?"""
        i = bisect_right(self.ends, offset) - 1
        if i < 0:
            return False
        end, comma_opened = self.pronouns[i]
        if not comma_opened:
            return True
        j = bisect_right(self.commas, end - 1)  # the first comma after the pronoun
        return not (j < len(self.commas) and self.commas[j] < offset)


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


# the verbs of saying both rules know; each adds its own forms
_SAYING_WORDS = "said|says|told|tells|reported|announced|confirmed|stated"
_REPORTING = re.compile(rf"\b(?:{_SAYING_WORDS}|according to|reports)\b", re.IGNORECASE)


def is_reporting(text: str) -> bool:
    """A sentence that reports what a source said ("officials told CNN")."""
    return bool(_REPORTING.search(text))


# Reported speech: a named source and what it said, which may be dated apart ("Jobs said
# his company sold 13.7 million Macs last year": the selling is last year, the saying today).
_SAYING_VERB = rf"(?:{_SAYING_WORDS}|announces)"
# the source first: "Jobs said (that) ...", "The ministry announced on Monday that ..."
_SAYING_FIRST = re.compile(r"\b" + _SAYING_VERB + r"\b", re.IGNORECASE)
# the source set off by commas, before the end or inside: "..., police said." / "This, he said, would ..."
# (after the verb, a few words that do not open a clause of their own: "police said on Monday",
# "he told reporters", not "the alliance announced it would accept Poland")
_SAYING_ASIDE = re.compile(r"[,:][\"”'’\s]*(?P<aside>(?:[^\s,;.\"“”]+\s+){1,5}?" + _SAYING_VERB +
                           r"\b(?!\s+(?:it|he|she|they|we|i|you|that|there|this|these|those)\b)"
                           r"(?:\s+[^\s,;.\"“”]+){0,4}?|" + _SAYING_VERB +
                           r"(?:\s+[^\s,;.\"“”]+){1,5}?)\s*(?P<stop>,|[.!?\"”'’]*\s*$)", re.IGNORECASE)
# "said that", "said on 3 May 2023 that", "told reporters in Kyiv that": the saying ends at "that"
_THAT = re.compile(r"(?:\s+[^\s,;.\"“”]+){0,5}?\s+that\b", re.IGNORECASE)
# "said on Monday", "announced Tuesday": a date right after the verb of saying is the saying's
_DATE_AFTER_SAYING = re.compile(r"\s+(?:on\s+|late\s+|early\s+)?$", re.IGNORECASE)


def dates_the_saying(between: str, saying: str) -> bool:
    """Is a date ``between`` ("on ") after the words of saying the saying's? Not after "that",
    which opens what was said ("reported that third-quarter profit grew")."""
    if saying.rstrip().lower().endswith("that"):
        return False
    return bool(_DATE_AFTER_SAYING.fullmatch(between)) if between else True


def saying_span(text: str) -> tuple[int, int] | None:
    """Where a sentence names its source and the verb of saying, as offsets into ``text``;
    the rest of the sentence is what was said. A source set off by commas ("..., police
    said.", "This, he said, would ...") or one that opens the sentence ("Jobs said that ...",
    with no verb before the saying one). None when the sentence reports no speech."""
    aside = _SAYING_ASIDE.search(text)
    if aside is not None:
        return aside.start("aside"), aside.end("aside")
    match = _SAYING_FIRST.search(text)
    if match is None or match.start() > 120 or has_verb(text[:match.start()]):
        return None
    that = _THAT.match(text, match.end())
    return 0, that.end() if that else match.end()
