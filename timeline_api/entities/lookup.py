"""Component ``lookup``: every gazetteer name in the text.

The longest token n-gram in a dict keyed by token tuples, case-sensitive (a dateline in
capitals is also tried in title case: "THE HAGUE"); linear in the text. Words in non-Latin
scripts go to a second index of GeoNames alternate names, built on first use, with a small
stemmer for Slavic case endings ("в Москве" -> Moscow).
"""
from __future__ import annotations

from .document import Document, GazetteerSpan
from .tokens import Token, is_latin

# Slavic case endings tried off a word in Cyrillic before looking its stem up
_CYR_ENDINGS = ("ого", "ому", "ой", "ом", "ою", "ей", "ів", "ам", "ах", "е", "у", "ы", "и", "і", "ю", "я", "а")


def find_spans(doc: Document) -> None:
    g = doc.gazetteer
    index, max_len, pairs = g.index, g.max_len, g.pairs
    toks = doc.tokens
    out: list[GazetteerSpan] = []
    texts = doc.texts
    n = len(texts)
    script = None
    # most words start no name: only those that may (a name's first word, a word in another
    # script, a word in capitals, maybe a dateline: "THE HAGUE") are looked at
    maybe = [k for k, w in enumerate(texts)
             if w in max_len or not w.isascii() or (len(w) > 2 and w.isupper() and w.isalpha())]
    pos = 0
    for i in maybe:
        if i < pos:
            continue  # inside the previous name
        w = texts[i]
        m = max_len.get(w, 0)
        if not m and not w.isascii() and not is_latin(w):
            if script is None:
                script = g.script_index()
            hit = _script_lookup(doc.text, toks, i, script)
            if hit is not None:
                out.append(hit)
                pos = hit.j
            continue
        hit = None
        if m > 1 and i + 1 < n:
            m = pairs.get((w, texts[i + 1]), 1)  # no longer name starts with these two words
        for size in range(min(m, n - i), 0, -1):
            entries = index.get(tuple(texts[i:i + size]))
            if entries:
                hit = GazetteerSpan(i, i + size, list(entries))
                break
        if hit is None and all_caps(w) and (len(w) > 3 or (i + 1 < n and all_caps(texts[i + 1]))):
            tw = w.title()
            for size in range(min(max_len.get(tw, 0), n - i), 0, -1):
                key = (tw, *(x.title() if all_caps(x) else x for x in texts[i + 1:i + size]))
                entries = index.get(key)
                if entries:
                    hit = GazetteerSpan(i, i + size, list(entries))
                    break
        if hit is not None:
            out.append(hit)
            pos = hit.j
    doc.spans = out


def all_caps(tok: str) -> bool:
    return len(tok) > 2 and tok.isupper() and tok.isalpha()


def _script_lookup(text: str, toks: list[Token], i: int, script: dict) -> GazetteerSpan | None:
    n = len(toks)
    for size in (3, 2, 1):
        if i + size > n:
            continue
        surface = text[toks[i].start:toks[i + size - 1].end].lower()
        entries = script.get(surface)
        if entries:
            return GazetteerSpan(i, i + size, list(entries))
    # inflected forms in Slavic languages: "в Москве", "у Києві"
    w = toks[i].text.lower()
    for end in _CYR_ENDINGS:
        if w.endswith(end) and len(w) - len(end) >= 3:
            stem = w[: -len(end)]
            for add in ("", "а", "я", "ь", "ия"):
                entries = script.get(stem + add)
                if entries:
                    return GazetteerSpan(i, i + 1, list(entries))
    return None
