"""Article -> events, without Flask or a database."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys

from timeline_api.pipeline import analyse_article

PUBLISHED = dt.datetime(2023, 6, 5)
TEXT = (
    "Alleged drone strike on the Kremlin. Screenshots from a video.\n\n"
    "US officials believe pro-Ukrainian operatives inside Russia launched drones at the Kremlin "
    "in Moscow on 3 May, officials told reporters.\n\n"
    "Ukraine denied any role. Talks in Geneva will open on 12 June."
)


def test_one_event_per_sentence_and_date_with_actors_and_places():
    analysis = analyse_article(TEXT, PUBLISHED)
    by_value = {e.date.value: e for e in analysis.events}
    strike = by_value["2023-05-03"]
    assert strike.date.granularity == "day" and strike.date.source == "explicit"
    assert strike.date.start == dt.datetime(2023, 5, 3) and strike.date.end == dt.datetime(2023, 5, 4)
    quote = strike.first.quote
    assert TEXT[strike.first.start:strike.first.end] == quote and "launched drones" in quote
    assert "Ukraine" in {a.name for a in strike.actors}
    places = {p.entity.name for p in strike.locations}
    assert "Moscow" in places
    assert "Russia" in {e.name for e in strike.location_scope} | places
    assert strike.status == "occurred"
    assert by_value["2023-06-12"].status == "planned"


def test_undated_happenings_inherit_the_narrative_time():
    text = ("Rebels seized the airport in Goma on 2 March 2024. They looted the terminal.\n\n"
            "The army said it had retaken the town.")
    events = analyse_article(text, PUBLISHED).events
    looted = next(e for e in events if "looted" in e.summary)
    assert looted.date.value == "2024-03-02" and looted.date.source == "inferred"
    retaken = next(e for e in events if "retaken" in e.summary)
    # a new paragraph without a date of its own: the article's date, as a reporting sentence
    assert retaken.date.value == "2023-06-05" and retaken.date.source == "inferred"
    seized = next(e for e in events if "seized" in e.summary)
    assert seized.confidence > looted.confidence > 0


def test_undated_descriptions_are_not_happenings():
    text = "Rebels seized the airport in Goma on 2 March 2024. The airport is small and has one runway."
    assert [e.summary for e in analyse_article(text, PUBLISHED).events] == [
        "Rebels seized the airport in Goma on 2 March 2024."]


def test_page_furniture_and_datelines_make_no_event():
    text = ("June 9, 2023\n\nYou could support our reporting: become a member today.\n\n"
            "Read also:\n\nTags: Ukraine, Russia, drones")
    assert analyse_article(text, PUBLISHED).events == []


def test_main_clause_date_and_bounding_prepositions():
    events = analyse_article("Since 2006 the plant has produced engines that were designed in 1998.", PUBLISHED).events
    assert [(e.date.value, e.date.mod) for e in events] == [("2006", "AFTER")]
    events = analyse_article("Sales rose 4% in 2021; profits fell in 2022.", PUBLISHED).events
    assert sorted(e.date.value for e in events) == ["2021", "2022"]


def test_status_from_tense_and_date():
    events = analyse_article("The company said production will begin on 7 April 2023. "
                             "The new plant opened its gates on 2 May 2023.", dt.datetime(2023, 3, 1)).events
    status = {e.date.value: e.status for e in events}
    assert status["2023-04-07"] == "planned"
    assert status["2023-05-02"] == "planned"  # after the publication date, whatever the tense
    events = analyse_article("Workers walked out on 2 February.", dt.datetime(2023, 3, 1)).events
    assert events[0].status == "occurred"


def test_caption_and_body_about_one_happening_merge():
    text = ("Firefighters battle a warehouse fire in Lyon, France. 14 August 2022.\n\n"
            "A warehouse fire in Lyon kept firefighters busy on 14 August, officials said.")
    events = analyse_article(text, dt.datetime(2022, 8, 20)).events
    fire = [e for e in events if e.date.value == "2022-08-14"]
    assert len(fire) == 1 and len(fire[0].evidence) == 2


def test_pure_core_imports_neither_flask_nor_sqlalchemy():
    code = ("import sys, timeline_api.pipeline, timeline_api.temporal, timeline_api.entities;"
            "bad = [m for m in ('flask', 'sqlalchemy') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_name_that_modifies_a_noun_is_not_an_actor_but_a_country_still_is():
    text = "Furious Acme Phone owners queued outside the Paris store on 3 May 2023, US officials said."
    analysis = analyse_article(text, PUBLISHED)
    names = {a.name for e in analysis.events for a in e.actors}
    assert "United States" in names  # "US officials": the country's affiliates act
    acme = [m for m in analysis.mentions if m.text.startswith("Acme")]
    assert all(m.entity.name not in names for m in acme)


def test_clause_helpers():
    from timeline_api.pipeline import clauses

    assert clauses.modifies_next_noun(" users complained")
    assert not clauses.modifies_next_noun(" will be available")
    assert not clauses.modifies_next_noun(" sold millions")
    assert clauses.modifies_next_noun(" CEO Tim Cook said")  # "Acme CEO Tim Cook": Acme modifies
    assert not clauses.modifies_next_noun(" Tim Cook said")
    assert clauses.is_complement("complaints about the price of the ")
    assert not clauses.is_complement("a deal was signed by ")
    assert clauses.is_stative("The new phone is thinner and has a larger screen.")
    assert not clauses.is_stative("The company has launched a thinner phone.")
    assert clauses.governing_mod("production stopped since ") == "AFTER"
    assert clauses.governing_mod("the report is due by ") == "BEFORE"
    assert clauses.is_future("talks will resume")
    assert clauses.reports_happening("Rebels seized the airport.")
    assert not clauses.reports_happening("Support our reporting: you can donate.")
