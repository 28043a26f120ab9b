"""Names as users type them, through the HTTP API: each resolution rule, its rank, the
`resolved` block and its warnings, `match=exact`, and search ranking (SQLite and PostgreSQL)."""
from __future__ import annotations

import pytest


def _create(client, name: str, kind: str = "organization", **fields) -> str:
    response = client.post("/v1/entities", json={"name": name, "kind": kind, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _resolved(client, value: str, role: str = "actor", **query) -> tuple[list[dict], list[str]]:
    body = client.get("/v1/timeline", query_string={role: value, **query}).get_json()
    (resolved,) = body["resolved"]
    assert resolved["query"] == value and resolved["role"] == role
    return resolved["entities"], body.get("warnings", [])


def _ids(entities: list[dict]) -> list[str]:
    return [e["id"] for e in entities]


@pytest.mark.parametrize(("stored", "typed", "kind", "match"), [
    ("Rolls-Royce", "rolls royce", "organization", "normalised"),
    ("Hewlett-Packard", "hewlett packard", "organization", "normalised"),
    ("Société Générale", "Societe Generale", "organization", "normalised"),
    ("Bayer AG", "Bayer", "organization", "normalised"),
    ("Bayer AG", "Bayer Aktiengesellschaft", "organization", "normalised"),
    ("Bundesbank", "the Bundesbank", "organization", "normalised"),
    ("Bundesbank", "German Bundesbank", "organization", "variant"),
    ("Bank for International Settlements", "BIS", "organization", "variant"),
    ("NATO", "North Atlantic Treaty Organization", "organization", "variant"),
    ("The Goldman Sachs Group", "Goldman", "organization", "variant"),
    ("Goldman", "Goldman Sachs Group Inc.", "organization", "variant"),
    ("Robert Haverland", "Bob Haverland", "person", "variant"),
    ("Margaret Trelawny", "Peggy Trelawny", "person", "variant"),
    ("James Kopp", "James Charles Kopp", "person", "variant"),
    ("Lufthansa", "Luftansa", "organization", "fuzzy"),
])
def test_each_rule_resolves_a_typed_name(client, stored, typed, kind, match):
    entity_id = _create(client, stored, kind)
    entities, warnings = _resolved(client, typed)
    assert _ids(entities) == [entity_id]
    assert entities[0]["match"] == match and entities[0]["name"] == stored and entities[0]["kind"] == kind
    assert 0 < entities[0]["score"] <= 1
    assert bool(warnings) is (match == "fuzzy")  # a typing error is said; the rest is not


def test_ranks_exact_name_before_alias_before_normalised_before_variant(client):
    by_name = _create(client, "Corvane")
    by_alias = _create(client, "Corvane Shipping Lines", aliases=["Corvane Holdings"])
    entities, warnings = _resolved(client, "Corvane")
    assert _ids(entities) == [by_name] and entities[0]["score"] == 1.0 and not warnings
    # "corvane holdings" is the alias of one and the normalised name of the other: the alias wins
    entities, _ = _resolved(client, "Corvane Holdings")
    assert _ids(entities) == [by_alias] and entities[0]["match"] == "alias"


def test_an_id_and_an_old_merged_id_resolve_exactly(client):
    keep, gone = _create(client, "Marlowe Freight"), _create(client, "Marlowe Cargo Unit")
    assert client.post(f"/v1/entities/{gone}/merge", json={"into": keep}).status_code == 200
    for value in (keep, gone):
        entities, _ = _resolved(client, value)
        assert _ids(entities) == [keep] and entities[0]["match"] == "id"


def test_an_ambiguous_value_warns_and_names_every_candidate(client):
    anna = _create(client, "Anna Kessler", "person")
    marco = _create(client, "Marco Kessler", "person")
    entities, warnings = _resolved(client, "Kessler")
    assert sorted(_ids(entities)) == sorted([anna, marco])
    assert len(warnings) == 1 and "ambiguous" in warnings[0] and anna in warnings[0] and marco in warnings[0]


def test_an_unknown_value_warns_and_gives_an_empty_timeline(client, post_article):
    post_article("Ferrydale Mills closed on 2 May 2023, the company said.")
    body = client.get("/v1/timeline?actor=Nobody+Atall+Heretofore").get_json()
    assert body["events"] == [] and body["resolved"][0]["entities"] == []
    assert body["warnings"] == ["No known actor matches 'Nobody Atall Heretofore'."]


def test_match_exact_turns_the_smart_resolution_off(client):
    entity_id = _create(client, "Bayer AG", aliases=["Bayer Konzern"])
    assert _ids(_resolved(client, "bayer ag", match="exact")[0]) == [entity_id]
    assert _ids(_resolved(client, "BAYER KONZERN", match="exact")[0]) == [entity_id]
    for loose in ("Bayer", "Bayr AG Konzern"):
        entities, warnings = _resolved(client, loose, match="exact")
        assert entities == [] and warnings
    assert client.get("/v1/timeline?actor=x&match=loose").status_code == 422


def test_resolution_is_the_same_for_case_accents_and_spacing(client):
    entity_id = _create(client, "Zoë Hartmann-Ferro", "person")
    for typed in ("zoe hartmann ferro", "ZOË  HARTMANN-FERRO", "Zoe Hartmann Ferro", "zoë hartmannferro"):
        assert _ids(_resolved(client, typed)[0]) == [entity_id], typed


def test_location_values_resolve_as_actor_values_do(client, post_article):
    post_article("Protesters gathered in Vilnius on 3 May 2023.")
    entities, _ = _resolved(client, "VILNIUS", role="location")
    assert [e["name"] for e in entities] == ["Vilnius"] and entities[0]["kind"] == "city"


def test_the_timeline_is_filtered_by_what_the_value_resolved_to(client, post_article):
    post_article("Hewlett-Packard Co. cut 500 jobs on 3 May 2023, the company said.")
    body = client.get("/v1/timeline?actor=hewlett+packard").get_json()
    assert [e["date"]["value"] for e in body["events"]] == ["2023-05-03"]
    assert body["resolved"][0]["entities"][0]["match"] == "normalised"


def test_search_ranks_what_the_query_resolves_to_by_match_then_event_count(client, post_article):
    post_article("International Business Machines (IBM) opened a laboratory on 3 May 2023. "
                 "IBM said on 9 May 2023 that it would hire 300 people.")
    quiet = _create(client, "Ivory Bay Mining")  # the same initials, no events
    contains = _create(client, "Ibmex Trading")  # only contains the letters
    found = client.get("/v1/entities?q=IBM").get_json()["entities"]
    names = [e["name"] for e in found]
    assert names[0] == "International Business Machines" and found[0]["event_count"] >= 1
    assert names.index("Ivory Bay Mining") > 0 and found[names.index("Ivory Bay Mining")]["match"] == "variant"
    assert names.index("Ibmex Trading") > names.index("Ivory Bay Mining")
    assert found[names.index("Ibmex Trading")]["match"] is None
    assert {quiet, contains} <= {e["id"] for e in found}


def test_search_pages_through_ranked_and_contained_names(client):
    for name in ("Tessaly Grain", "Tessaly Grain Exports", "Tessaly Grainworks", "Old Tessaly Grain Depot"):
        _create(client, name)
    seen, cursor = [], None
    while True:
        query = {"q": "Tessaly Grain", "limit": 1, **({"cursor": cursor} if cursor else {})}
        body = client.get("/v1/entities", query_string=query).get_json()
        seen += [e["name"] for e in body["entities"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen[0] == "Tessaly Grain" and sorted(seen) == sorted(set(seen))
    assert set(seen) == {"Tessaly Grain", "Tessaly Grain Exports", "Tessaly Grainworks", "Old Tessaly Grain Depot"}
    assert client.get("/v1/entities?q=x&cursor=bm90IGEgY3Vyc29y").status_code == 400


def test_creating_an_entity_under_a_stored_normalised_name_is_a_conflict(client):
    entity_id = _create(client, "Quellmark AG")
    again = client.post("/v1/entities", json={"name": "Quellmark", "kind": "organization"})
    assert again.status_code == 409 and entity_id in again.get_json()["detail"]


def test_well_known_acronyms_an_article_never_spells_out_come_from_the_curated_table(client, post_article):
    post_article("The BIS warned on 3 May 2023 that banks held too little capital.")
    for typed in ("Bank for International Settlements", "BIS", "bank for international settlements"):
        entities, warnings = _resolved(client, typed)
        assert _ids(entities) == ["org:bis"] and not warnings, typed


def test_a_search_cursor_is_bound_to_its_query(client):
    for name in ("Tessaly Grain", "Tessaly Grain Exports", "Tessaly Grainworks"):
        _create(client, name)
    cursor = client.get("/v1/entities", query_string={"q": "Tessaly Grain", "limit": 1}).get_json()["next_cursor"]
    assert client.get("/v1/entities", query_string={"q": "Tessaly Grain", "cursor": cursor}).status_code == 200
    other = client.get("/v1/entities", query_string={"q": "Grainworks", "cursor": cursor})
    assert other.status_code == 400 and other.mimetype == "application/problem+json"
