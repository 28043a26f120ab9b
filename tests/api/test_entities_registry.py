"""The entity registry: search, curate, merge; every change counts in later ingests at once."""
from __future__ import annotations


def _actor_ids(body):
    return {a["id"] for e in body["events"] for a in e["actors"]}


def test_search_entities_by_name_alias_and_kind_with_event_counts(client, post_article):
    post_article("Ukraine and Russia traded accusations after drones hit Moscow on 3 May 2023.")
    found = client.get("/v1/entities?q=mosc").get_json()["entities"]
    moscow = next(e for e in found if e["name"] == "Moscow")
    assert moscow["kind"] == "city" and moscow["event_count"] == 1 and moscow["geonames_id"]
    countries = client.get("/v1/entities?kind=country").get_json()["entities"]
    assert {"Ukraine", "Russia"} <= {e["name"] for e in countries}
    assert all(e["kind"] != "city" for e in client.get("/v1/entities?kind=actor").get_json()["entities"])


def test_a_curated_entity_and_its_aliases_count_in_later_ingests(client, post_article):
    response = client.post("/v1/entities", json={"name": "Northwind Traders", "kind": "organization",
                                                 "aliases": ["NWT"]})
    assert response.status_code == 201
    entity = response.get_json()
    assert entity["id"] == "ent:northwind-traders" and entity["aliases"] == ["NWT"]
    post_article("NWT announced record exports on 3 May 2023, its chairman said.")
    body = client.get("/v1/timeline?actor=nwt").get_json()
    assert [e["date"]["value"] for e in body["events"]] == ["2023-05-03"]
    assert "ent:northwind-traders" in _actor_ids(body)
    again = client.post("/v1/entities", json={"name": "Northwind Traders", "kind": "organization"})
    assert again.status_code == 409 and again.mimetype == "application/problem+json"


def test_patch_adds_an_alias_used_from_the_next_ingest(client, post_article):
    entity_id = client.post("/v1/entities", json={"name": "Harbour Authority", "kind": "organization"}).get_json()["id"]
    patched = client.patch(f"/v1/entities/{entity_id}", json={"aliases": ["the port board"]})
    assert patched.status_code == 200 and patched.get_json()["aliases"] == ["the port board"]
    post_article("On 4 June 2023 the port board closed two berths after a spill.")
    assert client.get(f"/v1/timeline?actor={entity_id}").get_json()["events"]


def test_a_curated_landmark_sits_inside_its_parent_place(client, post_article):
    post_article("Officials in Moscow met on 1 May 2023.")  # makes Moscow known to the store
    moscow = next(e for e in client.get("/v1/entities?q=moscow").get_json()["entities"] if e["name"] == "Moscow")
    created = client.post("/v1/entities", json={"name": "Ostankino Tower", "kind": "landmark",
                                                "parent_id": moscow["id"]})
    assert created.status_code == 201
    post_article("A fire broke out at the Ostankino Tower on 7 May 2023.")
    values = [e["date"]["value"] for e in client.get("/v1/timeline?location=Russia").get_json()["events"]]
    assert "2023-05-07" in values


def test_merge_folds_a_duplicate_into_another(client, post_article):
    client.post("/v1/entities", json={"name": "Blue Harbor Shipping", "kind": "organization"})
    client.post("/v1/entities", json={"name": "BH Shipping Group", "kind": "organization"})
    post_article("Blue Harbor Shipping cancelled sailings on 2 March 2024, the company said.")
    post_article("BH Shipping Group resumed sailings on 9 March 2024, the company said.")
    merged = client.post("/v1/entities/ent:bh-shipping/merge", json={"into": "ent:blue-harbor-shipping"})
    assert merged.status_code == 200
    target = merged.get_json()
    assert "BH Shipping Group" in target["aliases"] and target["event_count"] == 2
    assert client.get("/v1/entities/ent:bh-shipping").status_code == 404
    by_old_id = client.get("/v1/timeline?actor=ent:bh-shipping").get_json()
    assert [e["date"]["value"] for e in by_old_id["events"]] == ["2024-03-02", "2024-03-09"]
    post_article("BH Shipping Group added a route on 20 March 2024, the company said.")
    assert "ent:bh-shipping" not in _actor_ids(client.get("/v1/timeline").get_json())


def test_registry_errors(client):
    assert client.post("/v1/entities", json={"name": "X Corp", "kind": "spaceship"}).status_code == 422
    bad_parent = client.post("/v1/entities", json={"name": "Pier 9", "kind": "landmark", "parent_id": "nowhere:1"})
    assert bad_parent.status_code == 422 and "parent_id" in bad_parent.get_json()["errors"]
    client.post("/v1/entities", json={"name": "Old Town", "kind": "region"})
    client.post("/v1/entities", json={"name": "Market Square", "kind": "landmark", "parent_id": "ent:old-town"})
    loop = client.patch("/v1/entities/ent:old-town", json={"parent_id": "ent:market-square"})
    assert loop.status_code == 422
    assert client.post("/v1/entities/ent:old-town/merge", json={"into": "ent:old-town"}).status_code == 422
    assert client.post("/v1/entities/ent:nope/merge", json={"into": "ent:old-town"}).status_code == 404
    assert client.patch("/v1/entities/ent:nope", json={"name": "Nope"}).status_code == 404
