"""Split article text into sentences with character offsets into the original text."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Words after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st gen col lt sgt capt maj cmdr adm gov sen rep rev hon pres
    inc corp co ltd llc bros dept est approx vs etc al fig no nos vol ch pp
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    u.s u.k u.n e.g i.e a.m p.m""".split()
)

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then space.
_BOUNDARY = re.compile(r"""[.!?]+["'”’)\]]*(?=\s)|\n\s*\n|\n(?=\s*[A-Z"“‘(\[])""")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)\.$")


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


def _ends_with_abbreviation(chunk: str) -> bool:
    match = _WORD_BEFORE.search(chunk)
    if not match:
        return False
    word = match.group(1).lower()
    # single capital initials ("J. Smith") and known abbreviations
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> list[Sentence]:
    """Sentences in reading order; offsets index ``text`` and exclude surrounding space."""
    sentences: list[Sentence] = []
    paragraph = 0
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        chunk = text[start:end]
        is_break = "\n" in match.group(0)
        if not is_break and _ends_with_abbreviation(chunk.rstrip("\"'”’)]")):
            # "U.S. officials" goes on; "in the U.S. The next day" is rare enough to accept
            nxt = text[end:end + 2].strip()[:1]
            if not nxt or not nxt.isupper() or chunk.rstrip().endswith(("Mr.", "Mrs.", "Dr.", "Ms.", "St.")):
                continue
            if chunk.rstrip().endswith(("U.S.", "U.K.", "U.N.")):
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
