"""Component ``headlines``: names in title-case headline lines, where capitals say nothing.

The name-runs component skips title-case lines ("Lindsay Lohan Checks Into Betty Ford
Clinic, Rehires Attorney"): every word is capitalised there. Once the whole article is read,
such a line is searched for the names and short forms the body taught ("Lindsay Lohan",
"Lohan", "Betty Ford Clinic"), compared without case ("LOHAN CHECKS INTO REHAB"), longest
first; gazetteer names there were found by the lookup already, and a longer article name
over one of them wins ("Paris Hilton" over Paris).
"""
from __future__ import annotations

from .aliases import roles_of
from .document import SUFFIX, ArticleEntity, Candidate, Document, Link


def link_headlines(doc: Document) -> None:
    if not doc.headline:
        return
    forms: dict[tuple[str, ...], ArticleEntity] = {}
    for form, (ent, strength) in doc.aliases.forms.items():
        if strength >= SUFFIX and form[0][:1].isalnum():
            forms[tuple(w.lower() for w in form)] = ent
    for ent in doc.entities:
        if ent.known is None:
            forms.setdefault(tuple(t.lower() for t in ent.name.split()), ent)
    if not forms:
        return
    longest = max(map(len, forms))
    toks = doc.tokens
    taken = {k: link for link in doc.links for k in range(link.start_tok, link.end_tok + 1)}
    added: list[Link] = []
    replaced: set[int] = set()
    lines = sorted(doc.headline)
    k = 0
    while k < len(lines):
        i = lines[k]
        hit = None
        if toks[i].text[:1].isupper():
            for size in range(min(longest, len(lines) - k), 0, -1):
                if lines[k + size - 1] != i + size - 1:
                    continue  # the n-gram would cross into another line
                ent = forms.get(tuple(t.text.lower() for t in toks[i:i + size]))
                if ent is None:
                    continue
                over = {id(taken[q]) for q in range(i, i + size) if q in taken}
                # a gazetteer name only gives way to a longer article name ("Paris Hilton")
                if over and any(taken[q].end_tok - taken[q].start_tok + 1 >= size for q in range(i, i + size)
                                if q in taken):
                    continue
                hit = (ent, size, over)
                break
        if hit is None:
            k += 1
            continue
        ent, size, over = hit
        replaced |= over
        roles = roles_of(ent)
        how = "name" if doc.surface(i, i + size) == ent.name else "alias"
        added.append(Link(Candidate(i, i + size, kind=ent.kind), ent, i, i + size - 1, how, roles))
        k += size
    if added or replaced:
        doc.links = sorted([link for link in doc.links if id(link) not in replaced] + added,
                           key=lambda link: link.start_tok)
