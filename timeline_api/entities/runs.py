"""Components ``names`` (proper-name runs) and ``candidates`` (runs and gazetteer spans as one
list of what may name an entity).

Name runs are read from capitalisation: runs of capitalised words, CamelCase words ("iPod",
"eBay") and model numbers after them ("iPhone 4", "3G", "787", not years), joined by
"of"/"for" after organisation heads ("Bank of America"), "de"/"van"/"al"…, "&", hyphens,
initials, and "and" before an organisation word ("Securities and Exchange Commission"). Not
names: sentence-initial words the article never capitalises elsewhere, months, weekdays,
holidays, titles on their own, contractions, title-case headline lines. Titles split runs
("Apple CEO Steve Jobs" -> Apple + Steve Jobs) and mark the next name a person's.
"""
from __future__ import annotations

import bisect
import re

from . import lexicon as L
from .document import Candidate, Document, GazetteerSpan, NameRun
from .gazetteer import DEMONYM
from .normalize import is_given_name
from .tokens import Token

CAMEL = re.compile(r"^[a-z][A-Z]")  # iPod, iTunes, eBay, iOS
ACRONYM = re.compile(r"^(?:[A-Z][A-Z0-9&]*[A-Z0-9]|(?:[A-Z]\.){2,})$")  # CNN, AT&T, WWDC, U.S.
MODEL = re.compile(r"^(?!\d{4}$)(?=.*\d)[A-Za-z0-9]{1,4}$|^[A-Z]$")  # 4, 3G, 3GS, A4, 787, X
# what a MODEL match can start with (a cheap test before the regex)
_MODEL_FIRST = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_CONTRACTION = re.compile(r"['’](?:ve|re|ll|d|m|t)$", re.I)


def capitals(doc: Document) -> None:
    """Headline lines, the words the article capitalises where capitals are not forced
    (mid-sentence, outside headlines), and those it writes in lower case: what tells a name
    from a sentence's first word."""
    doc.headline = headline_tokens(doc)
    headline = doc.headline
    texts = doc.texts
    toks = doc.tokens
    doc.lower_words.update([w for w in texts if w[0].islower()])  # tokens are never empty
    count, mid = doc.cap_count, doc.cap_mid
    for k in doc.capitalised:
        if k in headline:
            continue
        w = texts[k]
        count[w] = count.get(w, 0) + 1
        if not toks[k].initial:
            mid.add(w)


def headline_tokens(doc: Document) -> set[int]:
    """Tokens of title-case lines (headlines), where capitals say nothing."""
    toks = doc.tokens
    texts = doc.texts
    text = doc.text
    bounds = [0]
    pos = text.find("\n")
    while pos != -1:
        k = doc.token_at(pos)
        if k > bounds[-1]:
            bounds.append(k)
        pos = text.find("\n", pos + 1)
    bounds.append(len(toks))
    out: set[int] = set()
    skip = L.CONNECTORS | L.HEADLINE_SMALL_WORDS
    upper = doc.capitalised
    for start, k in zip(bounds, bounds[1:], strict=False):
        if k <= start:
            continue
        # quick rejections, exact: the test below needs at least 4 capitalised words, and more
        # capitalised words than lower-case ones (most lines are prose and fail at once)
        capitals = bisect.bisect_left(upper, k) - bisect.bisect_left(upper, start)
        if capitals < 4:
            continue
        lower = 0
        for w in texts[start:k]:
            if w[0].isalpha() and not w[0].isupper() and w not in skip:
                lower += 1
                if lower > capitals:
                    break
        if lower > capitals:
            continue
        words = [w for w in texts[start:k] if w[0].isalpha() and w not in skip]
        # a headline has no full stop, or is long and all in capitals
        need = 4 if toks[k - 1].text not in (".", "!", "?", '"', "”") else 8
        if len(words) >= need and sum(1 for w in words if w[0].isupper()) >= 0.8 * len(words):
            out.update(range(start, k))
    return out


def is_name_word(t: Token) -> bool:
    s = t.text
    c = s[0]
    if c.isupper():
        return ("'" not in s and "’" not in s) or not _CONTRACTION.search(s)
    return c.islower() and len(s) > 1 and s[1].isupper()  # iPod, eBay


def confirmed(doc: Document, t: Token) -> bool:
    """A capitalised word known to be a name even at a sentence's start."""
    s = t.text
    g = doc.gazetteer
    return (s in doc.cap_mid or s in g.given_names or s in g.max_len
            or bool(CAMEL.match(s)) or bool(ACRONYM.match(s)))


def find_runs(doc: Document) -> None:
    toks = doc.tokens
    g = doc.gazetteer
    n = len(toks)
    raw: list[tuple[int, int]] = []
    not_names, titles = L.NOT_NAMES, L.PERSON_TITLES
    of_heads, org_words, connectors = L.OF_HEADS, L.ORG_WORDS, L.CONNECTORS
    model_first = _MODEL_FIRST
    texts = doc.texts
    # only a capitalised or CamelCase word opens a run
    # (a word all in lower case, most of them, fails the whole test: ``islower`` first)
    opening = [k for k, w in enumerate(texts) if not w.islower()
               and (w[0].isupper() or (w[0].islower() and len(w) > 1 and w[1].isupper()))]
    pos = 0
    for i in opening:
        if i < pos:
            continue  # inside the previous run
        t = toks[i]
        w = t.text
        if not is_name_word(t) or (w in not_names and w not in titles):
            continue
        j = i + 1
        while j < n:
            u = toks[j]
            ut = texts[j]
            nxt = toks[j + 1] if j + 1 < n else None
            # an initial: "James A. Baker"
            if len(ut) == 1 and ut.isupper() and nxt is not None and nxt.text == "." \
                    and j + 2 < n and is_name_word(toks[j + 2]):
                j += 2
                continue
            if is_name_word(u) and not (ut in not_names and ut not in titles) and not u.initial:
                j += 1
                continue
            if nxt is not None and is_name_word(nxt) and not nxt.initial:
                if ut in ("of", "for") and texts[j - 1] in of_heads:
                    j += 2
                    continue
                # "Securities and Exchange Commission", "Immigration and Naturalization Service"
                if ut == "and" and (texts[j - 1],) not in g.index and any(
                        x.text in org_words for x in toks[j + 1:j + 4]
                        if is_name_word(x) and not x.initial) and \
                        all(is_name_word(x) for x in toks[j + 1:j + 1 + next(
                            (q for q, x in enumerate(toks[j + 1:j + 4], 1) if x.text in org_words), 1)]):
                    j += 2
                    continue
                if ut in connectors and ut not in ("of", "for", "and"):
                    j += 2
                    continue
                if ut == "-" or ut == "&":
                    j += 2
                    continue
            # an initial: "Timothy D. Cook"
            if ut == "." and len(texts[j - 1]) == 1 and nxt is not None and is_name_word(nxt):
                j += 1
                continue
            # a model number: "iPhone 4", "iPhone 3G", "Boeing 787", "iPod Software 1"
            if ut[0] in model_first and MODEL.match(ut) and any(c.isdigit() for c in ut):
                if u.start == toks[j - 1].end + 1 or u.start == toks[j - 1].end:
                    j += 1
                    continue
            break
        raw.append((i, j))
        pos = j
    out: list[NameRun] = []
    for i, j in raw:
        if i in doc.headline:
            continue
        out.extend(_clean_run(doc, i, j))
    out = _without_descriptions(doc, out)
    index, solo, heads = g.index, doc.solo, doc.heads
    for run in out:
        i, j = run.i, run.j
        if j - i == 1 and (texts[i],) not in index:
            solo.add(texts[i])
        elif j - i > 1:
            heads.setdefault(texts[i], set()).add(tuple(texts[i:j]))
    doc.runs = out


def _without_descriptions(doc: Document, runs: list[NameRun]) -> list[NameRun]:
    """A word that opens a sentence, is capitalised nowhere else and is no name of its own,
    describes the name after it ("Actress Tara Reid", "Unemployed John Jenkin", "Considering
    Lionsgate"): it is dropped when the article writes it in lower case and the rest on its
    own, or when it is an ordinary word (below) and the rest starts with a given name. A name
    stays whole: "Wladimir Klitschko" ... "Klitschko", "LuAnn Marie Johnson", "Arcade Joseph
    Comeaux" (ECB+ and TBAQ: 6 spans mended, none broken; the "-er" shape and a verb
    form before a lone name mended 31 more but broke 9 given names)."""
    toks = doc.tokens
    g = doc.gazetteer
    alone = {doc.words(r.i, r.j) for r in runs}
    out = []
    for run in runs:
        first = toks[run.i]
        if first.initial and run.j - run.i >= 2 and first.text.isalpha() and not confirmed(doc, first) \
                and first.text not in L.PERSON_TITLES and first.text not in L.ORG_WORDS:
            rest = doc.words(run.i + 1, run.j)
            # a lone surname later ("Wladimir Klitschko" ... "Klitschko") is no evidence: only
            # a word the article itself writes in lower case may be dropped before it
            if (rest in alone and first.text.lower() in doc.lower_words) or (
                    run.j - run.i >= 3 and rest[0] in g.given_names and _ordinary_word(doc, first.text)):
                run = NameRun(run.i + 1, run.j, run.titled)
        out.append(run)
    return out


def _ordinary_word(doc: Document, word: str) -> bool:
    """A word that is no name: the article writes it in lower case, or it has the shape of a
    participle or an adverb ("Unemployed", "Naturally", "Columnist") and is no given name
    ("Ahmed"). Not "-er": given names end so too often (Spencer, Hunter, Tyler)."""
    if word.lower() in doc.lower_words:
        return True
    return word.endswith(("ing", "ed", "ly", "ist")) and word not in doc.gazetteer.given_names \
        and not is_given_name(word)


def _clean_run(doc: Document, i: int, j: int) -> list[NameRun]:
    toks = doc.tokens
    g = doc.gazetteer
    hint = False
    # sentence-initial word the article never capitalises elsewhere: an ordinary word,
    # unless an organisation word follows ("Boeing Co.", "Siemens Energy"); a word alone is
    # left to the linker, which knows the article's short forms so far ("Boeing said")
    if toks[i].initial and j - i > 1 and not confirmed(doc, toks[i]) \
            and toks[i + 1].text not in L.PERSON_TITLES and toks[i].text.lower() in doc.lower_words:
        org_follows = False
        for t in toks[i + 1:j]:
            if t.text in L.PERSON_TITLES:
                break
            if t.text in L.ORG_WORDS or t.text in L.ORG_SUFFIXES:
                org_follows = True
                break
        if not org_follows:
            i += 1
    out: list[tuple[int, int, bool]] = []
    # split at titles followed by a name: "Apple CEO Steve Jobs", "Presiding Judge Martin Mann"
    k = i
    seg_start = i
    while k < j:
        if toks[k].text in L.PERSON_TITLES or (
                toks[k].text == "General" and k + 1 < j and toks[k + 1].text in g.given_names):
            q = k + 1
            while q < j:
                if toks[q].text in L.PERSON_TITLES or toks[q].text in (".", "-"):
                    q += 1
                elif toks[q].text in ("of", "for") and q + 2 < j:  # "Secretary of State"
                    q += 2
                else:
                    break
            rest = [t.text for t in toks[q:j]]
            if q < j and not any(w in L.ORG_WORDS for w in rest) and toks[q].text[:1].isupper():
                if k > seg_start:
                    out.append((seg_start, k, hint))
                seg_start, hint = q, True
                k = q
                continue
            if q == j:  # trailing titles: "Apple Chief Executive Officer"
                if k > seg_start:
                    out.append((seg_start, k, hint))
                seg_start = j
                break
            k = q
            continue
        k += 1
    if seg_start < j:
        out.append((seg_start, j, hint))
    cleaned = []
    for a, b, h in out:
        while a < b and (toks[a].text in L.CONNECTORS or not toks[a].text[:1].isalnum()
                         or toks[a].text in L.NOT_NAMES):
            a += 1
        while b > a and (toks[b - 1].text in L.CONNECTORS or not toks[b - 1].text[:1].isalnum()
                         or toks[b - 1].text in L.NOT_NAMES):
            b -= 1
        if b > a:
            cleaned.append((a, b, h))
    # "Steven Snyder TWA": an acronym after a person's name is the organisation
    if cleaned:
        a, b, h = cleaned[-1]
        if b - a >= 3 and toks[a].text in g.given_names and ACRONYM.match(toks[b - 1].text):
            cleaned[-1:] = [(a, b - 1, h), (b - 1, b, False)]
    # the whole run preceded by a title in the text ("Mr Papermaster")
    if cleaned and cleaned[0][0] > 0 and toks[cleaned[0][0] - 1].text in L.PERSON_TITLES:
        a, b, _ = cleaned[0]
        cleaned[0] = (a, b, True)
    return [NameRun(a, b, h) for a, b, h in cleaned]


def find_candidates(doc: Document) -> None:
    """Name runs and gazetteer spans merged: a gazetteer name crossing a run wins, a run that
    is exactly a gazetteer name is that span, places joined by hyphens stay places, a country
    or demonym heading a person's name is split off ("Russian Vladimir Putin")."""
    toks = doc.tokens
    texts = doc.texts
    directions = L.DIRECTIONS
    spans = doc.spans
    starts = [sp.i for sp in spans]
    items: list[Candidate] = []
    covered: set[int] = set()
    for run in doc.runs:
        i, j, hint = run.i, run.j, run.titled
        # spans are sorted and disjoint: those touching [i, j) are a contiguous slice
        lo = max(bisect.bisect_right(starts, i) - 1, 0)
        near = []
        for k in range(lo, len(spans)):  # by index: a slice would copy the rest of the list each time
            sp = spans[k]
            if sp.i >= j:
                break
            if sp.j > i:
                near.append(sp)
        if not near:  # no gazetteer name in the run (half of them): what the general case does, in short
            if all(not texts[k][0].isalnum() or texts[k] in directions for k in range(i, j)):
                continue
            a, b = i, j
            while a < b and not texts[a][0].isalnum():
                a += 1
            while b > a and not texts[b - 1][0].isalnum():
                b -= 1
            if a < b:
                items.append(Candidate(a, b, None, hint))
                covered.update(range(a, b))
            continue
        inside = [sp for sp in near if sp.i >= i and sp.j <= j]
        if len(inside) != len(near):
            continue  # a gazetteer name crossing the run ("the Kremlin"): the gazetteer wins
        if len(inside) == 1 and inside[0].i == i and inside[0].j == j:
            if inside[0].chosen is not None or not hint:
                continue  # exactly a gazetteer name: handled as a span
            # a gazetteer name the context ruled out after a person's title ("President Obama",
            # not the Japanese town): the run is read as a name of its own
            covered.update(range(i, j))
            items.append(Candidate(i, j, None, hint))
            continue
        inside = [sp for sp in inside if sp.chosen is not None]
        inner = set()
        for sp in inside:
            inner.update(range(sp.i, sp.j))
        if all(k in inner or not toks[k].text[:1].isalnum() or toks[k].text in L.DIRECTIONS
               for k in range(i, j)):
            continue  # "Iraq-Kuwait": places joined by a hyphen; "Northern Iraq": a direction
        for a, b, h in _split_gazetteer_head(doc, i, j, inside, hint):
            while a < b and not toks[a].text[:1].isalnum():
                a += 1
            while b > a and not toks[b - 1].text[:1].isalnum():
                b -= 1
            if a >= b or any(sp.i == a and sp.j == b for sp in inside):
                continue
            places = tuple(sp.chosen.key for sp in inside if a <= sp.i and sp.j <= b
                           and doc.gazetteer.entities[sp.chosen.key].is_place)
            head = next((sp.j for sp in inside if sp.i == a and sp.j < b
                         and doc.gazetteer.entities[sp.chosen.key].is_place), None)
            items.append(Candidate(a, b, None, h, places, place_head=head))
            covered.update(range(a, b))
    for sp in spans:
        if sp.i in covered:
            continue
        items.append(Candidate(sp.i, sp.j, sp))
    items.sort(key=lambda x: x.i)
    # drop overlaps (keep the earlier, longer)
    out: list[Candidate] = []
    for it in items:
        if out and it.i < out[-1].j:
            continue
        out.append(it)
    doc.candidates = out


def _split_gazetteer_head(doc: Document, i: int, j: int, inside: list[GazetteerSpan], hint: bool):
    if not inside:
        return [(i, j, hint)]
    toks = doc.tokens
    g = doc.gazetteer
    tail = inside[-1]
    # a demonym ends no name: "Alleged Ukrainian (drone strike)" -> "Alleged" + "Ukrainian"
    if tail.j == j and tail.i > i and tail.chosen is not None and tail.chosen.how == DEMONYM:
        return [(i, tail.i, hint)]
    head = inside[0]
    if head.i == i and head.chosen is not None:
        e = g.entities[head.chosen.key]
        rest = [t.text for t in toks[head.j:j]]
        # "Russian Vladimir Putin"; but "British Airways", "Khmer Rouge" stay whole
        if (e.kind == "country" or head.chosen.how == DEMONYM) and rest and (
                hint or rest[0] in g.given_names or rest[0] in doc.solo) \
                and not any(w in L.ORG_WORDS for w in rest):
            return [(i, head.j, False), (head.j, j, hint)]
    return [(i, j, hint)]
