"""Gazetteer matching: countries, demonyms, cities, states, landmarks, qualifiers, traps."""
from __future__ import annotations

from pathlib import Path

import pytest

from timeline_api.entities import Entity, EntityMatcher, Mention

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture(scope="module")
def matcher() -> EntityMatcher:
    return EntityMatcher.default()


def names(ms: list[Mention]) -> list[tuple[str, str]]:
    return [(m.text, m.entity.name) for m in ms]


def by_text(ms: list[Mention], text: str) -> Mention:
    found = [m for m in ms if m.text == text]
    assert found, f"{text!r} not in {names(ms)}"
    return found[0]


def test_country_is_actor_and_place(matcher):
    ms = matcher.find("Talks between Norway and Chile stalled.")
    m = by_text(ms, "Norway")
    assert m.entity.kind == "country" and m.entity.key.startswith("geonames:")
    assert m.roles == {"actor", "location"}
    assert m.entity.country_code == "NO"
    assert by_text(ms, "Chile").entity.country_code == "CL"


def test_short_country_names(matcher):
    ms = matcher.find("Diplomats from the US, the USA, the UK and the U.S. met officials of Britain.")
    codes = [m.entity.country_code for m in ms]
    assert codes == ["US", "US", "GB", "US", "GB"]


def test_demonym_is_affiliated_actor(matcher):
    ms = matcher.find("Norwegian fishermen and pro-Finnish activists protested; Swedes watched.")
    assert by_text(ms, "Norwegian").entity.country_code == "NO"
    assert by_text(ms, "Norwegian").roles == {"actor"}
    assert by_text(ms, "Norwegian").link == "demonym"
    pro = by_text(ms, "pro-Finnish")
    assert pro.entity.country_code == "FI" and pro.qualifier == "pro" and pro.roles == {"actor"}
    assert by_text(ms, "Swedes").entity.country_code == "SE"


def test_officials_of_a_country(matcher):
    ms = matcher.find("US officials declined to comment.")
    assert names(ms) == [("US", "United States")]


def test_directional_region_keeps_qualifier(matcher):
    ms = matcher.find("Floods hit western Norway and south-eastern Poland.")
    m = by_text(ms, "western Norway")
    assert m.entity.country_code == "NO" and m.qualifier == "western" and m.roles == {"location"}
    assert by_text(ms, "south-eastern Poland").qualifier == "south-eastern"


def test_city_has_parent_chain(matcher):
    ms = matcher.find("The summit opened in Oslo.")
    oslo = by_text(ms, "Oslo")
    assert oslo.entity.kind == "city" and oslo.roles == {"location"}
    chain = [e.name for e in matcher.ancestors(oslo.entity.key)]
    assert chain == ["Norway", "Europe"]


def test_us_city_nests_in_state(matcher):
    ms = matcher.find("A storm reached Denver overnight.")
    chain = [e.name for e in matcher.ancestors(by_text(ms, "Denver").entity.key)]
    assert chain == ["Colorado", "United States", "North America"]


def test_landmark_nested_in_city(matcher):
    ms = matcher.find("Smoke rose above the Kremlin late on Tuesday.")
    m = by_text(ms, "the Kremlin")
    assert m.entity.key == "landmark:kremlin" and m.roles == {"location"}
    assert [e.name for e in matcher.ancestors(m.entity.key)] == ["Moscow", "Russia", "Europe"]


def test_seat_of_power_acting_is_the_government(matcher):
    ms = matcher.find("The Kremlin denied any role, and the White House said nothing.")
    k = by_text(ms, "The Kremlin")
    assert k.entity.country_code == "RU" and k.entity.kind == "country"
    assert k.roles == {"actor"} and k.link == "metonym"
    assert by_text(ms, "the White House").entity.country_code == "US"


def test_other_landmarks(matcher):
    ms = matcher.find("Traders on Wall Street and aides in Downing Street watched the Pentagon briefing.")
    assert [m.entity.key for m in ms] == ["landmark:wall-street", "landmark:downing-street", "landmark:pentagon"]
    ws = ms[0].entity
    assert [e.name for e in matcher.ancestors(ws.key)][:2] == ["New York City", "New York"]


def test_common_word_city_names_do_not_fire(matcher):
    text = ("It was a nice idea. Police said the mobile unit was reading the split results. "
            "Most of the Best people say Of course.")
    assert matcher.find(text) == []


def test_common_word_city_with_locative_cue(matcher):
    ms = matcher.find("The festival moved from Nice to Reading, England, then to Mobile, Alabama.")
    assert by_text(ms, "Nice").entity.country_code == "FR"
    assert by_text(ms, "Reading").entity.country_code == "GB"
    mobile = by_text(ms, "Mobile")
    assert mobile.entity.country_code == "US"
    assert [e.name for e in matcher.ancestors(mobile.entity.key)][0] == "Alabama"


def test_georgia_by_context(matcher):
    caucasus = matcher.find("Crowds filled the streets of Tbilisi. Georgia is holding elections.")
    assert by_text(caucasus, "Georgia").entity.kind == "country"
    south = matcher.find("The flight from Atlanta was delayed. Georgia is holding elections.")
    g = by_text(south, "Georgia")
    assert g.entity.kind == "region" and g.entity.country_code == "US"


def test_city_by_following_region(matcher):
    ms = matcher.find("The fair in Paris, Texas drew crowds; Paris itself was quiet.")
    assert [m.entity.country_code for m in ms if m.text == "Paris"] == ["US", "FR"]


def test_turkey_the_bird(matcher):
    assert matcher.find("They carved a Turkey at the table.") == []
    assert matcher.find("They carved the turkey at the table.") == []
    ms = matcher.find("Turkey closed its border.")
    assert by_text(ms, "Turkey").entity.country_code == "TR"


def test_names_in_other_scripts(matcher):
    ms = matcher.find("Київ і Москва. Делегация прибыла в Москву из Украины. Україна")
    keys = [m.entity.key for m in ms]
    kyiv = matcher.find("Talks in Kyiv.")[0].entity.key
    moscow = matcher.find("Talks in Moscow.")[0].entity.key
    ukraine = matcher.find("Ukraine.")[0].entity.key
    assert keys[:3] == [kyiv, moscow, moscow]
    assert ukraine in keys


def test_with_entities_adds_curated_entities(matcher):
    refinery = Entity(key="landmark:tuapse-refinery", name="Tuapse refinery", kind="landmark",
                      aliases=("Tuapse oil refinery",), parent_key=matcher.find("Russia")[0].entity.key)
    m2 = matcher.with_entities([refinery])
    ms = m2.find("A drone struck the Tuapse oil refinery overnight.")
    assert [m.entity.key for m in ms] == ["landmark:tuapse-refinery"]
    assert [e.name for e in m2.ancestors("landmark:tuapse-refinery")] == ["Russia", "Europe"]
    assert m2.get("landmark:tuapse-refinery") == refinery
    assert matcher.get("landmark:tuapse-refinery") is None  # the original is unchanged


def test_get_and_mentions_are_sorted_and_disjoint(matcher):
    text = "Officials in Moscow, Kyiv and Washington spoke to the BBC and to Reuters about Ukraine."
    ms = matcher.find(text)
    assert [m.start for m in ms] == sorted(m.start for m in ms)
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:], strict=False))
    assert all(text[m.start:m.end] == m.text for m in ms)
    for m in ms:
        assert matcher.get(m.entity.key) == m.entity


def test_seed_article(matcher):
    path = SHARED / "seed" / "kremlin-drone-article.txt"
    if not path.exists():
        pytest.skip("shared seed article not available")
    ms = matcher.find(path.read_text(encoding="utf-8"))
    found = {(m.entity.name, m.entity.kind) for m in ms}
    assert {("Ukraine", "country"), ("Russia", "country"), ("Moscow", "city"),
            ("the Kremlin", "landmark"), ("CNN", "organization"), ("United States", "country")} <= found
    assert any(m.qualifier == "southern" and m.entity.name == "Russia" for m in ms)
    assert any(m.text == "Ukrainian" and m.entity.name == "Ukraine" and m.roles == {"actor"} for m in ms)
    assert any(m.text == "US" and m.entity.name == "United States" for m in ms)
    kremlin = next(m for m in ms if m.entity.name == "the Kremlin")
    assert [e.name for e in matcher.ancestors(kremlin.entity.key)] == ["Moscow", "Russia", "Europe"]


def test_with_entities_in_other_scripts_and_layering(matcher):
    depot = Entity(key="landmark:kyiv-depot", name="Darnytsia depot", kind="landmark",
                   aliases=("Дарниця депо",), parent_key=matcher.find("in Kyiv")[0].entity.key)
    m2 = matcher.with_entities([depot])
    assert [m.entity.key for m in m2.find("Вибух у Дарниця депо.")] == ["landmark:kyiv-depot"]
    m3 = m2.with_entities([Entity(key="ent:acme-drones", name="Acme Drones", kind="organization")])
    ms = m3.find("Acme Drones supplied the Darnytsia depot near Kyiv.")
    assert [m.entity.key for m in ms][:2] == ["ent:acme-drones", "landmark:kyiv-depot"]
    assert [e.name for e in m3.ancestors("landmark:kyiv-depot")][:2] == ["Kyiv", "Ukraine"]
    assert matcher.find("Parts came from Acme Drones.")[0].entity.key == "ent:acme-drones"  # a guess, same key
    assert m2.get("ent:acme-drones") is None and m3.get("ent:acme-drones") is not None


def test_capital_speaking_for_its_government(matcher):
    ms = matcher.find("Moscow denied the report, while Washington warned of sanctions. Moscow has wide avenues.")
    assert [(m.text, m.entity.kind, m.link) for m in ms] == [
        ("Moscow", "country", "metonym"), ("Washington", "country", "metonym"), ("Moscow", "city", "name")]
    assert ms[0].entity.country_code == "RU" and ms[1].entity.country_code == "US"


def test_country_in_a_compound_adjective_is_an_affiliation(matcher):
    ms = matcher.find("Iran-backed militias used US-supplied rifles in Syria.")
    assert [(m.text, m.roles) for m in ms] == [
        ("Iran", {"actor"}), ("US", {"actor"}), ("Syria", {"actor", "location"})]


def test_a_place_after_a_preposition_is_not_a_metonym(matcher):
    ms = matcher.find("Officials in Moscow denied it; a source at the Kremlin said nothing.")
    assert [(m.text, m.entity.kind) for m in ms] == [("Moscow", "city"), ("the Kremlin", "landmark")]


def test_country_naming_who_acts(matcher):
    ms = matcher.find("US officials said Ukraine troops held positions in Ukraine.")
    assert [(m.text, m.roles) for m in ms] == [
        ("US", {"actor"}), ("Ukraine", {"actor"}), ("Ukraine", {"actor", "location"})]


def test_areas_named_after_places(matcher):
    ms = matcher.find("Drones hit the Belgorod region; shelling went on in Donetsk Oblast.")
    assert [(m.text, m.entity.name, m.qualifier) for m in ms] == [
        ("Belgorod region", "Belgorod", "region"), ("Donetsk Oblast", "Donetsk Oblast", None)]
    oblast = ms[1].entity
    assert oblast.kind == "region" and oblast.country_code == "UA"
    assert [e.name for e in matcher.ancestors(oblast.key)] == ["Ukraine", "Europe"]
