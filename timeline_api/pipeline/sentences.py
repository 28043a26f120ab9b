"""Split article text into sentences with character offsets into the original text."""
from __future__ import annotations

import re
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

_BOUNDARY = re.compile(r"""[.!?]+["'”’)\]]*(?=\s)|\n\s*\n|\n(?=\s*[A-Z"“‘(\[])""")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


def _abbreviation_before(chunk: str) -> str | None:
    match = _WORD_BEFORE.search(chunk)
    return match.group(1) if match else None


def _is_boundary(text: str, chunk: str, end: int) -> bool:
    word = _abbreviation_before(chunk.rstrip("\"'”’)]"))
    if word is None:
        return True
    if word in _NEVER_FINAL or (len(word) == 1 and word.isupper()):  # "J. R. Jones"
        return False
    if word.lower() in _MAYBE_FINAL:
        following = text[end:end + 3].lstrip()[:1]
        return following.isupper() or following in "\"“‘"
    return True


def split_sentences(text: str) -> list[Sentence]:
    """Sentences in reading order; offsets index ``text`` and exclude surrounding space."""
    sentences: list[Sentence] = []
    paragraph = 0
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        chunk = text[start:end]
        is_break = "\n" in match.group(0)
        if not is_break and not _is_boundary(text, chunk, end):
            continue
        _append(sentences, text, start, end, paragraph)
        if is_break and "\n\n" in match.group(0).replace(" ", "").replace("\t", "").replace("\r", ""):
            paragraph += 1
        start = end
    _append(sentences, text, start, len(text), paragraph)
    return sentences


def _append(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end], paragraph))
