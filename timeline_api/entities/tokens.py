"""Tokeniser shared by the gazetteer index and the matcher.

Names in the gazetteers are tokenised exactly like article text, so a name matches
whatever spacing the text uses ("Wal-Mart" and "Wal - Mart", "Boeing's" and "Boeing 's").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# abbreviations with dots ("U.S.", "U.K.") | possessive clitic | word (with inner apostrophes, "d'Ivoire")
# | any other single character
_TOKEN_RE = re.compile(
    r"(?:[^\W\d_]\.){2,}"
    r"|['’](?:s|S)\b"
    r"|\w+(?:['’](?![sS]\b)\w+)*"
    r"|[^\w\s]"
)

# a full stop after these is not a sentence boundary
ABBREVIATIONS = frozenset(
    "Mr Mrs Ms Dr St Jr Sr Inc Corp Co Ltd Gen Gov Sen Rep Lt Col Sgt Capt Prof Rev Hon No Nos vs Mt Ft "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Lt Maj Adm Cmdr Brig Supt Det Pres Messrs".split()
)
_BOUNDARY = frozenset(".!?;:")
_OPENERS = frozenset("\"'“‘«([-–—")
_QUOTES = frozenset("\"“«")


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int
    initial: bool  # first word of a sentence (or of a quotation / line opening one)
    sent: int = 0  # sentence number (full stops, question and exclamation marks, line breaks)

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum()


def tokenize(text: str) -> list[Token]:
    """Tokens with offsets; ``initial`` marks the first word of each sentence."""
    out: list[Token] = []
    append = out.append
    find = text.find
    at_start = True
    prev_end = 0
    prev_text = ""
    sent = 0
    new_sent = False
    for m in _TOKEN_RE.finditer(text):
        tok = m.group()
        s, e = m.span()
        if s != prev_end and find("\n", prev_end, s) != -1:
            at_start = True
            new_sent = True
        if tok[0].isalnum():
            if new_sent:
                sent += 1
                new_sent = False
            append(Token(tok, s, e, at_start, sent))
            # "U.S." at the end of a sentence ends it too, but one cannot tell; keep going
            at_start = False
        else:
            # punctuation: boundaries open a sentence, openers keep the state, others close it
            if tok in _BOUNDARY:
                if not (tok == "." and (prev_text in ABBREVIATIONS
                                        or (len(prev_text) == 1 and prev_text.isupper()))):
                    at_start = True
                    new_sent = new_sent or tok in ".!?"
            elif tok in _QUOTES and prev_text in (",", ":", ""):
                at_start = True  # a quotation opens: its first word is sentence-initial
            elif tok in _OPENERS or tok == "'s" or tok == "’s":
                pass
            else:
                at_start = False
            append(Token(tok, s, e, False, sent))
        prev_end = e
        prev_text = tok
    return out


_SIMPLE_NAME = re.compile(r"[A-Za-z]+(?: [A-Za-z]+)*")


def name_tokens(name: str) -> tuple[str, ...]:
    if _SIMPLE_NAME.fullmatch(name):
        return tuple(name.split(" "))
    return tuple(t.text for t in tokenize(name))


def fold(s: str) -> str:
    """Strip accents (São Paulo -> Sao Paulo)."""
    if s.isascii():
        return s
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def slugify(name: str) -> str:
    s = fold(name).lower().replace("'", "").replace("’", "")
    # capped so that "<kind>:<slug>" fits the store's 128-character ids
    s = re.sub(r"[^\w]+", "-", s).strip("-")[:100].rstrip("-")
    return s or "x"


def is_latin(s: str) -> bool:
    if s.isascii():
        return True
    for c in s:
        if c.isalpha() and "LATIN" not in unicodedata.name(c, "LATIN"):
            return False
    return True
