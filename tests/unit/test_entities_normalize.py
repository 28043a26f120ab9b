"""Name normalisation: the keys a stored name is indexed under and a typed name is looked up by.

Each rule is shown by names of our own making; the property tests at the end check that case,
accents and spacing never change what a name resolves to.
"""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline_api.entities.normalize import (
    MEETS,
    entity_id,
    fuzzy_probe,
    indexed_keys,
    match_of,
    name_key,
    query_keys,
    within_one_edit,
)


def best_match(query: str, stored: str, kind: str = "organization", *, alias: bool = False) -> str | None:
    """How the typed ``query`` meets an entity named ``stored``, as the store ranks it."""
    order = ("name", "alias", "normalised", "variant")
    stored_keys = indexed_keys(stored, kind, is_alias=alias)
    found = [m for q in query_keys(query) for s in stored_keys if q.key == s.key
             if (m := match_of(q.form, s.form, kind)) is not None]
    return min(found, key=order.index) if found else None


@pytest.mark.parametrize(("typed", "stored"), [
    ("Brenner Kaltwasser", "brenner kaltwasser"),  # case
    ("Osterhagen-Lindqvist", "Osterhagen Lindqvist"),  # hyphens
    ("Osterhagen Lindqvist", "OsterhagenLindqvist"),  # spacing, glued words
    ("Societe Marechal", "Société Maréchal"),  # accents
    ("Crane, Pell & Ward", "Crane Pell and Ward"),  # punctuation, & and "and"
    ("O'Brannigan", "OBrannigan"),  # apostrophes
    ("Halvorsen's", "Halvorsen"),  # a possessive
    ("the Valmont Trust", "Valmont Trust"),  # a leading determiner
])
def test_case_accents_punctuation_hyphens_and_spacing_do_not_matter(typed, stored):
    assert name_key(typed) == name_key(stored)
    assert best_match(typed, stored) in ("name", "normalised")


@pytest.mark.parametrize("suffixed", [
    "Quellmark AG", "Quellmark Aktiengesellschaft", "Quellmark Inc.", "Quellmark Corp", "Quellmark Co.",
    "Quellmark Company", "Quellmark Ltd", "Quellmark plc", "Quellmark S.p.A.", "Quellmark SA", "Quellmark N.V.",
    "Quellmark GmbH", "Quellmark Group", "Quellmark Holdings", "The Quellmark Group, Inc.", "Quellmark Co., Ltd.",
])
def test_legal_and_corporate_suffixes_do_not_matter(suffixed):
    assert name_key(suffixed) == "quellmark"
    assert best_match("Quellmark", suffixed) == "normalised"


def test_a_suffix_alone_is_still_a_name():
    assert name_key("Group") == "group" and name_key("The Company") == "company"


def test_a_country_qualifier_does_not_matter_when_the_rest_names_something():
    assert best_match("Brunnfeld Landesbank", "German Brunnfeld Landesbank") == "variant"
    assert best_match("German Brunnfeld Landesbank", "Brunnfeld Landesbank") == "variant"
    assert best_match("U.S. Tarrow Commission", "Tarrow Commission") == "variant"
    # "British Airways" is no "Airways": a lone generic word is no core
    assert all(k.key != "airways" for k in indexed_keys("British Airways", "organization"))


def test_acronyms_both_ways():
    assert best_match("BKS", "Bank for Klaipeda Settlements") == "variant"
    assert best_match("Bank for Klaipeda Settlements", "BKS") == "variant"
    assert best_match("Quarrow Valley Transit", "QVT") == "variant"
    assert best_match("QVT", "Quarrow Valley Transit") == "variant"
    # a person's initials are no acronym
    assert best_match("MH", "Marta Holloway", "person") is None


def test_a_short_form_of_a_longer_name_and_a_longer_name_for_a_short_form():
    assert best_match("Dunmore", "The Dunmore Sachs Group") == "variant"
    assert best_match("Dunmore Sachs Group", "Dunmore") == "variant"
    # never a lone generic word or a prefix ending in a small word
    assert best_match("National", "National Ferrite Works") is None
    assert best_match("Bank of", "Bank of Ostravia") is None


def test_people_by_surname_and_without_middle_names():
    assert best_match("Kellerman", "Odette Kellerman", "person") == "variant"
    assert best_match("Jonas Pfleger", "Jonas C. Pfleger", "person") == "variant"
    assert best_match("Jonas Carl Pfleger", "Jonas Pfleger", "person") == "variant"
    assert best_match("Jonas Carl Pfleger", "Jonas C. Pfleger", "person") == "variant"
    # an organisation's name is not read as a first and last name
    assert best_match("Jonas Carl Pfleger", "Jonas Pfleger", "organization") is None


@pytest.mark.parametrize(("typed", "stored"), [
    ("Bob Haverland", "Robert Haverland"), ("Robert Haverland", "Bob Haverland"),
    ("Bill Ostrander", "William Ostrander"), ("Peggy Trelawny", "Margaret Trelawny"),
    ("Margaret Trelawny", "Peggy Trelawny"),
])
def test_nicknames_and_formal_given_names_for_people(typed, stored):
    assert best_match(typed, stored, "person") == "variant"
    assert best_match(typed, stored, "organization") is None  # people only


def test_an_unrelated_given_name_is_no_nickname():
    assert best_match("Peggy Haverland", "Robert Haverland", "person") is None


@pytest.mark.parametrize(("typed", "stored", "close"), [
    ("dunkelhaus", "dunkelhauss", True),  # a letter added
    ("dunkelhaus", "dunkelhau", True),  # a letter dropped
    ("dunkelhaus", "dunkelhuas", True),  # two neighbours swapped
    ("dunkelhaus", "dunkelmaus", True),  # a letter changed
    ("dunkelhaus", "dunklehaus", True),  # swapped in the middle
    ("dunkelhaus", "dinkelmaus", False),  # two letters changed
    ("dunkelhaus", "dunkel", False),
])
def test_one_typing_error(typed, stored, close):
    assert within_one_edit(typed, stored) is close


def test_the_fuzzy_probe_needs_eight_letters_and_finds_every_single_edit():
    assert fuzzy_probe("lindqvst") is not None and fuzzy_probe("lindqvs") is None
    key = "vantagrove"
    probe = fuzzy_probe(key)
    edits = {key[:i] + key[i + 1:] for i in range(len(key))}  # drops
    edits |= {key[:i] + "x" + key[i + 1:] for i in range(len(key))}  # changes
    edits |= {key[:i] + "x" + key[i:] for i in range(len(key) + 1)}  # additions
    edits |= {key[:i] + key[i + 1] + key[i] + key[i + 2:] for i in range(len(key) - 1)}  # swaps
    for stored in edits:
        assert within_one_edit(key, stored)
        assert stored.startswith(probe.prefix) or stored.endswith(probe.suffix) or stored == probe.swapped, stored


def test_ids_do_not_depend_on_the_kind_and_unite_spellings():
    assert entity_id("Hewlett-Packard Co.") == entity_id("hewlett packard") == "ent:hewlett-packard"
    assert entity_id("Société Générale") == "ent:societe-generale"
    assert entity_id("!!!") == "ent:x"


# ---------------------------------------------------------------- properties

NAME_WORDS = ["Bjorn", "Áine", "Zoë", "Marsh", "Pelletier", "Ostrava", "Quill", "Hartmann", "Ferro", "Nuñez"]


def _accentless(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(NAME_WORDS), min_size=1, max_size=4),
       st.lists(st.sampled_from([" ", "  ", "\t", " - ", "-"]), min_size=4, max_size=4),
       st.sampled_from([str.lower, str.upper, str.title, lambda s: s]),
       st.booleans())
def test_keys_are_stable_under_case_accents_and_spacing(words, gaps, case, strip_accents):
    name = " ".join(words)
    variant = "".join(w + gaps[i] for i, w in enumerate(words)).strip(" -\t")
    variant = case(_accentless(variant) if strip_accents else variant)
    assert name_key(variant) == name_key(name)
    assert {k.key for k in query_keys(variant) if k.form != "exact"} == \
        {k.key for k in query_keys(name) if k.form != "exact"}
    assert best_match(variant, name) in ("name", "normalised")


def test_the_index_lookup_asks_for_every_stored_form_a_query_form_can_meet():
    forms = ("name", "alias", "key", "core", "acronym", "short", "surname", "person", "nickname")
    for query_form, asked in MEETS.items():
        for stored_form in forms:
            for kind in ("person", "organization", None):
                if match_of(query_form, stored_form, kind) is not None:
                    assert stored_form in asked, (query_form, stored_form, kind)
