"""Concurrent curation: merges and patches of the same entities at once, and beside ingests,
never give a 500, never lose a link, and end in one consistent registry."""
from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import pytest

from timeline_api.entities.normalize import entity_id

ORGS = ["Amber Freight", "Birch Logistics", "Cedar Shipping", "Delta Haulage"]


def _org_id(name: str) -> str:
    return entity_id(name)  # the id the registry gives a new entity of that name


@pytest.fixture
def registry(client, post_article):
    for name in ORGS:
        assert client.post("/v1/entities", json={"name": name, "kind": "organization"}).status_code == 201
    for day, name in enumerate(ORGS, start=2):
        post_article(f"{name} cancelled its sailings from Rotterdam on {day} March 2024, the company said.")
    return client


def _run_together(app, calls):
    """Each call is (method, path, json); all are sent at once from threads of their own."""
    def send(call):
        method, path, body = call
        response = app.test_client().open(path, method=method, json=body)
        return response.status_code, response.get_json()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(send, calls))


def test_crossed_merges_one_wins_the_other_finds_its_entity_gone(app, registry):
    a, b = _org_id(ORGS[0]), _org_id(ORGS[1])
    for _round in range(3):
        results = _run_together(app, [("POST", f"/v1/entities/{a}/merge", {"into": b}),
                                      ("POST", f"/v1/entities/{b}/merge", {"into": a})])
        statuses = sorted(status for status, _ in results)
        assert statuses in ([200, 404], [200, 200]), results  # never a 500
        if statuses == [200, 404]:
            break
    survivor = next(body for status, body in results if status == 200)
    assert survivor["event_count"] == 2
    timeline = registry.get(f"/v1/timeline?actor={a}&actor={b}").get_json()["events"]
    assert len(timeline) == 2 and all(e["actors"] for e in timeline)


def test_many_merges_into_one_and_patches_at_once_all_land(app, registry):
    target = _org_id(ORGS[3])
    calls = [("POST", f"/v1/entities/{_org_id(name)}/merge", {"into": target}) for name in ORGS[:3]]
    calls += [("PATCH", f"/v1/entities/{target}", {"aliases": [f"DH{k}"]}) for k in range(3)]
    results = _run_together(app, calls)
    assert all(status == 200 for status, _ in results), results
    merged = registry.get(f"/v1/entities/{target}").get_json()
    assert merged["event_count"] == 4
    # as if one after the other: a patch sets the aliases, a merge adds its entity's name, so
    # the last patch's alias is there with the names merged after it, and no other patch's
    last_patch = [alias for alias in merged["aliases"] if alias.startswith("DH")]
    assert len(last_patch) == 1 and set(merged["aliases"]) <= {*last_patch, *ORGS[:3]}
    for name in ORGS[:3]:
        assert registry.get(f"/v1/entities/{_org_id(name)}").status_code == 404
    events = registry.get(f"/v1/timeline?actor={target}").get_json()["events"]
    assert len(events) == 4


def test_ingests_beside_a_merge_link_to_the_surviving_entity(app, registry):
    source, target = _org_id(ORGS[0]), _org_id(ORGS[1])
    texts = [f"{ORGS[0]} added a route to Gdansk on {day} April 2024, the company said." for day in range(1, 7)]
    calls = [("POST", "/v1/articles", {"text": text, "published_at": "2024-04-10"}) for text in texts]
    calls.insert(3, ("POST", f"/v1/entities/{source}/merge", {"into": target}))
    results = _run_together(app, calls)
    assert all(status in (200, 201) for status, _ in results), results
    events = registry.get(f"/v1/timeline?actor={target}&limit=100").get_json()["events"]
    # the two from the fixture and every one of the six new ones, none lost to the merge
    assert len(events) == 8, [e["summary"] for e in events]
    assert registry.get(f"/v1/entities/{source}").status_code == 404


@pytest.mark.parametrize("order", list(itertools.permutations(range(3)))[:2])
def test_patching_one_entity_from_several_clients_keeps_one_of_the_wholes(app, registry, order):
    target = _org_id(ORGS[2])
    patches = [{"aliases": ["CS", "Cedar"]}, {"aliases": ["Cedar Line"], "name": "Cedar Shipping Line"},
               {"aliases": []}]
    results = _run_together(app, [("PATCH", f"/v1/entities/{target}", patches[k]) for k in order])
    assert all(status == 200 for status, _ in results), results
    final = registry.get(f"/v1/entities/{target}").get_json()
    assert final["aliases"] in (["CS", "Cedar"], ["Cedar Line"], [])
