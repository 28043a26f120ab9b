"""The English word lists the matching rules rely on, read from ``data/en/`` (one list a file:
``# comment`` lines, then words separated by spaces or line breaks; ``.tsv`` files map a word
to a value). A rule names the list it uses; the lists say in their comments why each exists.
"""
from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).with_name("data") / "en"


def words(name: str) -> frozenset[str]:
    out: set[str] = set()
    for line in (DATA / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            out.update(line.split())
    return frozenset(out)


def table(name: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in (DATA / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("\t")[:2]
            out[key.strip()] = value.strip()
    return out


MONTHS = words("months")
WEEKDAYS = words("weekdays")
HOLIDAYS = words("holidays")
# capitalised words that are not names on their own
NOT_NAMES = MONTHS | WEEKDAYS | HOLIDAYS | words("not_names")
# titles and roles: split a capitalised run (the name follows them) and mark the next name a person
PERSON_TITLES = words("person_titles")
MALE_TITLES = words("male_titles")
FEMALE_TITLES = words("female_titles")
# a run containing one of these names an organisation ("Apple Corps", "Bank of America")
ORG_WORDS = words("org_words")
# tokens after the first that make the first token a short form of the name ("Apple Inc." -> "Apple")
ORG_SUFFIXES = words("org_suffixes")
# lower-case words allowed inside a name, between two capitalised words
CONNECTORS = words("connectors")
# "of"/"for"/"and" only join after one of these heads ("Bank of America")
OF_HEADS = ORG_WORDS | words("of_heads")
DIRECTIONS = words("directions")
ACTING_CUES = words("acting_cues")
SPEECH_CUES = words("speech_cues")
ACTOR_NOUNS = words("actor_nouns")
NOT_ENTITIES = words("not_entities")
DETERMINERS = words("determiners")
COMMON_NOUN_PLACES = words("common_noun_places")
PLACE_WORDS = words("place_words")
FACILITY_WORDS = words("facility_words")
NOT_ACTOR_HEADS = words("not_actor_heads")
GROUP_WORDS = words("group_words")
REGION_WORDS = words("region_words")
PERSON_CUES_AFTER = words("person_cues_after")
GENDERED_PRONOUNS = words("gendered_pronouns")
AREA_NOUNS = words("area_nouns")
NEWEST_WORDS = words("newest_words")
LOCATIVE_CUES = words("locative_cues")
LOCATIVE_PREPOSITIONS = words("locative_prepositions")
DESCRIPTOR_DETERMINERS = words("descriptor_determiners")
NOT_DESCRIPTORS = words("not_descriptors")
EXPLETIVE_CUES = words("expletive_cues")
HEADLINE_SMALL_WORDS = words("headline_small_words")
ANAPHORS = table("anaphors")
PERSON_NOUNS = table("person_nouns")
