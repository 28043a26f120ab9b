"""One id per real-world thing across articles, through the HTTP API (SQLite and PostgreSQL):
names read from text link to the stored entity they identify uniquely, aliases learnt in one
article serve the next, kinds do not fork ids, and mentions say where an entity is named."""
from __future__ import annotations

from sqlalchemy import create_engine, text

from timeline_api.store.migrate import upgrade


def _mention_ids(client, article: dict) -> dict[str, str]:
    """mention text -> entity id, for an article's mentions."""
    body = client.get(f"/v1/articles/{article['id']}/mentions").get_json()
    return {m["text"]: m["entity_id"] for m in body["mentions"]}


def _actor_ids(client, value: str) -> list[str]:
    return [e["id"] for e in client.get("/v1/timeline", query_string={"actor": value}).get_json()["resolved"][0][
        "entities"]]


def test_an_acronym_learnt_in_one_article_serves_later_articles_and_queries(client, post_article):
    first = post_article("The International Widget Exchange (IWE) halted trading on 3 May 2023.")
    widget = _mention_ids(client, first)["International Widget Exchange"]
    assert _actor_ids(client, "IWE") == [widget]  # stored on the entity, found as an alias
    later = post_article("On 9 May 2023 the IWE resumed trading after IWE officials met.")
    assert set(_mention_ids(client, later).values()) == {widget}


def test_a_later_article_links_a_short_form_to_the_stored_entity(client, post_article):
    first = post_article("British Airways Plc cancelled 40 flights on 3 May 2023, the airline said.")
    airline = _mention_ids(client, first)["British Airways Plc"]
    later = post_article("On 8 May 2023 BA restored its schedule, and BA staff returned to work.")
    assert set(_mention_ids(client, later).values()) == {airline}
    dated = [e["date"]["value"] for e in client.get(f"/v1/timeline?actor={airline}").get_json()["events"]]
    assert dated == ["2023-05-03", "2023-05-08"]


def test_middle_names_and_initials_do_not_make_another_person(client, post_article):
    first = post_article("James Charles Kopp was charged on 3 May 2023, prosecutors said.")
    kopp = _mention_ids(client, first)["James Charles Kopp"]
    for body in ("James C. Kopp appeared in court on 9 May 2023.", "On 12 May 2023 James Kopp pleaded not guilty."):
        assert kopp in _mention_ids(client, post_article(body)).values()


def test_spacing_and_legal_forms_do_not_make_another_company(client, post_article):
    first = post_article("DaimlerChrysler AG cut 6,000 jobs on 3 May 2023, the carmaker said.")
    carmaker = _mention_ids(client, first)["DaimlerChrysler AG"]
    later = post_article("Shares of Daimler Chrysler rose on 9 May 2023 after Daimler Chrysler reopened two plants.")
    assert _mention_ids(client, later)["Daimler Chrysler"] == carmaker
    assert client.get(f"/v1/entities/{carmaker}").get_json()["aliases"] == ["DaimlerChrysler", "Daimler Chrysler"]


def test_a_kind_guess_never_forks_the_id_and_a_better_guess_corrects_it(client, post_article):
    first = post_article("On 3 May 2023 Orlen Vasquez Marsh opened a depot, the filing showed.")
    guessed = _mention_ids(client, first)["Orlen Vasquez Marsh"]
    assert client.get(f"/v1/entities/{guessed}").get_json()["kind"] == "organization"
    later = post_article("On 9 May 2023 Mr Orlen Vasquez Marsh resigned, he said.")
    assert _mention_ids(client, later)["Orlen Vasquez Marsh"] == guessed
    assert client.get(f"/v1/entities/{guessed}").get_json()["kind"] == "person"


def test_a_surname_two_stored_people_share_stays_unresolved(client, post_article):
    anna = _mention_ids(client, post_article("Anna Kessler won the vote on 3 May 2023, officials said."))
    marco = _mention_ids(client, post_article("Marco Kessler lost the appeal on 4 May 2023, officials said."))
    bare = post_article("On 9 May 2023 the mayor praised Kessler, and Kessler thanked the council.")
    linked = set(_mention_ids(client, bare).values())
    assert linked.isdisjoint({anna["Anna Kessler"], marco["Marco Kessler"]})


def test_a_full_name_absorbs_the_short_form_stored_before_it(client, post_article):
    bare = post_article("On 2 May 2023 the striker Halvorsen scored twice, and fans cheered Halvorsen.")
    short_id = _mention_ids(client, bare)["Halvorsen"]
    full = post_article("On 9 May 2023 Erling Halvorsen signed a new contract, the club said.")
    full_id = _mention_ids(client, full)["Erling Halvorsen"]
    assert short_id != full_id
    assert client.get(f"/v1/entities/{short_id}").status_code == 404  # folded, and redirected
    assert set(_mention_ids(client, bare).values()) == {full_id}
    assert [e["date"]["value"] for e in client.get(f"/v1/timeline?actor={short_id}").get_json()["events"]] == [
        "2023-05-02", "2023-05-09"]


def test_mentions_of_an_entity_are_listed_by_article_and_position_in_pages(client, post_article):
    first = post_article("On 3 May 2023 Verrow Freight expanded, and Verrow Freight said it hired 80 staff.")
    entity_id = _mention_ids(client, first)["Verrow Freight"]
    second = post_article("On 9 May 2023 Verrow Freight bought a rival, and it said more would follow.")
    seen, cursor = [], None
    while True:
        query = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        body = client.get(f"/v1/entities/{entity_id}/mentions", query_string=query).get_json()
        seen += body["mentions"]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert [(m["article_id"], m["text"]) for m in seen][:3] == [
        (first["id"], "Verrow Freight"), (first["id"], "Verrow Freight"), (second["id"], "Verrow Freight")]
    for m in seen:
        article_text = client.get(f"/v1/articles/{m['article_id']}").get_json()["text"]
        assert article_text[m["start"]:m["end"]] == m["text"] and m["entity_id"] == entity_id
    assert {m["link"] for m in seen} >= {"name"}
    assert client.get("/v1/entities/ent:nobody-at-all/mentions").status_code == 404
    assert client.get(f"/v1/entities/{entity_id}/mentions?cursor=bm9wZQ").status_code == 400
    assert client.get("/v1/articles/99999/mentions").status_code == 404


def test_deleting_an_article_deletes_its_mentions(client, post_article):
    article = post_article("On 3 May 2023 Quarrow Mills closed, the company said.")
    entity_id = _mention_ids(client, article)["Quarrow Mills"]
    assert client.delete(f"/v1/articles/{article['id']}").status_code == 204
    assert client.get(f"/v1/entities/{entity_id}/mentions").get_json()["mentions"] == []


def test_the_migration_folds_kind_forks_with_redirects(database_url):
    """A store written before this migration holds person:x and org:x for one name: upgrading
    folds them into one entity, and the old ids keep finding its events."""
    engine = create_engine(database_url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            for (table,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).all():
                conn.execute(text(f'DROP TABLE IF EXISTS "{table}"'))
    upgrade(database_url, "0001")
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO entities (id, name, name_norm, kind, curated) VALUES "
            "('person:tamsin-okafor', 'Tamsin Okafor', 'tamsin okafor', 'person', false), "
            "('org:tamsin-okafor', 'Tamsin Okafor', 'tamsin okafor', 'organization', false), "
            "('org:okafor-holdings', 'Okafor Holdings', 'okafor holdings', 'organization', false), "
            "('org:okafor', 'Okafor', 'okafor', 'organization', false)"))
        conn.execute(text(
            "INSERT INTO events (id, date_value, date_start, date_end, granularity, granularity_rank, date_source, "
            "summary, status, confidence, first_published_at, created_at) VALUES "
            "(1, '2023-05-03', '2023-05-03', '2023-05-04', 'day', 5, 'explicit', 'one', 'occurred', 0.9, "
            "'2023-05-05', '2023-05-05'), "
            "(2, '2023-05-09', '2023-05-09', '2023-05-10', 'day', 5, 'explicit', 'two', 'occurred', 0.9, "
            "'2023-05-10', '2023-05-10')"))
        conn.execute(text("INSERT INTO event_actors (event_id, entity_id) VALUES "
                          "(1, 'person:tamsin-okafor'), (2, 'org:tamsin-okafor'), (2, 'org:okafor-holdings')"))
    upgrade(database_url)
    with engine.connect() as conn:
        ids = {row[0] for row in conn.execute(text("SELECT id FROM entities"))}
        redirects = dict(conn.execute(text("SELECT from_id, to_id FROM entity_redirects")).all())
        links = set(conn.execute(text("SELECT event_id, entity_id FROM event_actors")).all())
        indexed = {row[0] for row in conn.execute(text("SELECT DISTINCT entity_id FROM entity_names"))}
    engine.dispose()
    # the survivor of each name: the most linked, then the shorter id; "Okafor Holdings" and
    # "Okafor" are one name too (a legal form)
    assert ids == indexed == {"org:tamsin-okafor", "org:okafor-holdings"}
    assert redirects == {"person:tamsin-okafor": "org:tamsin-okafor", "org:okafor": "org:okafor-holdings"}
    assert links == {(1, "org:tamsin-okafor"), (2, "org:tamsin-okafor"), (2, "org:okafor-holdings")}


def test_a_curated_table_entry_takes_over_a_text_entity_of_its_name(client, post_article):
    bare = post_article("On 2 May 2023 the BIS, the BIS said, raised its forecast.")
    assert set(_mention_ids(client, bare).values()) == {"org:bis"}  # the table knows it at once
    text_first = post_article("On 3 May 2023 Quellbrook Analytics said, and Quellbrook Analytics agreed.")
    text_id = _mention_ids(client, text_first)["Quellbrook Analytics"]
    curated = client.post("/v1/entities", json={"name": "Quellbrook Analytics Ltd", "kind": "organization"})
    assert curated.status_code == 409 and text_id in curated.get_json()["detail"]  # PATCH it instead
