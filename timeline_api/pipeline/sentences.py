"""Split article text into sentences with character offsets into the original text."""
from __future__ import annotations

import re
import string
from dataclasses import dataclass

# Abbreviations a sentence practically never ends with: the period never splits.
# Capitalised ones count only when capitalised ("Sun." the day, not "the sun.").
_NEVER_FINAL = frozenset(
    """Mr Mrs Ms Dr Prof Sr Jr St Gen Col Lt Sgt Capt Maj Cmdr Adm Gov Sen Rep Rev Hon Pres
    Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun
    U.S U.K U.N No Nos Vol Fig e.g i.e vs approx pp""".split()
)
# Abbreviations that may end a sentence: split only when a capital follows.
_MAYBE_FINAL = frozenset("inc corp co ltd llc bros dept est etc al a.m p.m".split())

# A run of terminal punctuation, closing quotes and brackets, then white space. The look-behind
# and the possessive runs keep the search linear: a run of 100,000 dots is scanned once, not
# once from each of its dots.
_BOUNDARY = re.compile(r"""(?<![.!?])[.!?]++["'”’»›)\]]*+(?=\s)""")
_CLOSERS = frozenset("\"'”’»›)]")
# After "p.m." or "a.m.", a day or a zone continues the time ("at 5 p.m. Tuesday", "8 a.m. EDT").
_CONTINUES_TIME = re.compile(r"\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|today|tonight|tomorrow|yesterday|"
                             r"[ECMP][SD]T\b|GMT\b|UTC\b|BST\b|local\b)")
_WORD_CHARS = frozenset(string.ascii_letters + ".")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


def _abbreviation_before(text: str, start: int, end: int) -> str | None:
    """The word (letters and dots: "U.S", "Inc") that the period ending ``text[start:end]``
    follows, closing quotes aside. Reads back from ``end`` only as far as that word goes: a
    boundary is followed by white space, so no two boundaries read the same characters and a
    sentence that grows over many non-final periods ("A. A. A. ...") stays linear."""
    while end > start and text[end - 1] in _CLOSERS:
        end -= 1
    if end <= start or text[end - 1] != ".":
        return None
    first = end - 1
    while first > start and text[first - 1] in _WORD_CHARS:
        first -= 1
    return text[first:end - 1].lstrip(".") or None


def _is_boundary(text: str, start: int, end: int) -> bool:
    if _continues_lowercase(text, end):
        return False  # '“Why now?” she asked.', "He asked “why?” and left."
    word = _abbreviation_before(text, start, end)
    if word is None:
        return True
    if word in ("a.m", "p.m") and _CONTINUES_TIME.match(text, end):
        return False
    if word in _NEVER_FINAL or (len(word) == 1 and word.isupper()):  # "J. R. Jones"
        return False
    if word.lower() in _MAYBE_FINAL:
        following = text[end:end + 3].lstrip()[:1]
        return following.isupper() or following in "\"“‘"
    return True


def _continues_lowercase(text: str, end: int) -> bool:
    """The next word starts in lower case (news sentences start with a capital, a digit or a
    quote; "iPhone" and "eBay" count as capitals)."""
    following = text[end:end + 3].lstrip()
    return len(following) >= 2 and following[0].islower() and not following[1].isupper()


# A line shorter than this that ends without punctuation is a headline, dateline or
# caption line, not a hard-wrapped piece of a sentence.
SHORT_LINE = 60
_LINE_END_PUNCT = tuple(".!?:;\"”’)]")


# A text is hard-wrapped when at least half of its lines of WRAP_MIN_LINE characters or more
# end without punctuation and none is longer than WRAP_MAX_LINE: lines are then cut at a width,
# not where sentences end.
WRAP_MIN_LINE = 40
WRAP_MAX_LINE = 120


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Paragraph spans. A line break ends a paragraph after a blank line, after a line
    that ends a sentence, or after a short unpunctuated line (a headline); otherwise
    it is a soft wrap inside a paragraph. In a text that is not hard-wrapped, a long
    unpunctuated line is a headline too when the next line opens with a capital, a digit
    or a quote ("Lindsay Lohan checks into rehab at Betty Ford Center, rehires lawyer"
    above the lead)."""
    wrapped = _hard_wrapped(text)
    spans: list[tuple[int, int]] = []
    start = pos = 0
    while True:
        newline = text.find("\n", pos)
        if newline < 0:
            break
        line = text[pos:newline].strip()
        if not line or line.endswith(_LINE_END_PUNCT) or len(line) < SHORT_LINE or (
                not wrapped and _opens_sentence(text, newline + 1)):
            spans.append((start, newline))
            start = newline + 1
        pos = newline + 1
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _hard_wrapped(text: str) -> bool:
    long_lines = open_lines = 0
    for line in text.split("\n"):
        line = line.strip()
        if len(line) > WRAP_MAX_LINE:
            return False
        if len(line) >= WRAP_MIN_LINE:
            long_lines += 1
            open_lines += not line.endswith(_LINE_END_PUNCT)
    return long_lines > 0 and 2 * open_lines >= long_lines


def _opens_sentence(text: str, pos: int) -> bool:
    following = text[pos:pos + 4].lstrip()[:1]
    return bool(following) and (following.isupper() or following.isdigit() or following in "\"“‘'«")


def split_sentences(text: str) -> list[Sentence]:
    """Sentences in reading order; offsets index ``text`` and exclude surrounding space."""
    sentences: list[Sentence] = []
    for number, (p_start, p_end) in enumerate(paragraphs(text)):
        start = p_start
        for match in _BOUNDARY.finditer(text, p_start, p_end):
            end = match.end()
            if not _is_boundary(text, start, end):
                continue
            _append(sentences, text, start, end, number)
            start = end
        _append(sentences, text, start, p_end, number)
    return sentences


def _append(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end], paragraph))
