"""Which date a happening gets, its status, and which sentences are no happening (docs/events.md)."""
from __future__ import annotations

import datetime as dt

import pytest

from timeline_api.pipeline import analyse_article, split_sentences, summarise
from timeline_api.pipeline.clauses import saying_span


def _event(text: str, published: dt.datetime, words: str):
    events = analyse_article(text, published).events
    return next(e for e in events if words in e.first.quote)


@pytest.mark.parametrize(("text", "published", "value"), [
    # a comparison's baseline is not the happening's date
    ("Sales rose 6% in April compared with March of 2008.", dt.datetime(2009, 5, 10), "2009-04"),
    ("Exports jumped from 100 tons in 2019 to 300 tons last year.", dt.datetime(2023, 5, 1), "2022"),
    # a relative clause dates its own happening; one set off by commas ends at the next comma
    ("The plant, which opened in 1998, closed on 3 May 2023.", dt.datetime(2023, 6, 1), "2023-05-03"),
    ("The bombs, which killed 24 people, exploded on 7 August 1998.", dt.datetime(1998, 8, 9), "1998-08-07"),
    # a date that only modifies a noun yields to a free one
    ("The 1987 sedan was found at the airport last month.", dt.datetime(1999, 1, 22), "1998-12"),
    # a finer date inside a coarser one is the same happening told more precisely
    ("Last month's strike, which began on 3 June, ended without a deal.", dt.datetime(2023, 7, 10),
     "2023-06-03"),
])
def test_the_date_of_the_clause_that_reports_the_happening(text, published, value):
    (event,) = analyse_article(text, published).events
    assert event.date.value == value


def test_only_background_dates_still_date_the_sentence_over_nothing():
    # "since 1990" is the start of a state: it is the best this sentence has, with its bound
    (event,) = analyse_article("He had been arrested in several states since 1990.", dt.datetime(1999, 5, 6)).events
    assert event.date.value == "1990" and event.date.mod == "AFTER"


def test_reported_speech_dates_the_saying_not_the_narrative():
    text = ("Rebels seized the airport in Goma on 2 February 2024. Officials said the rebels were armed. "
            "They looted the terminal.")
    published = dt.datetime(2024, 3, 5)
    assert _event(text, published, "Officials said").date.value == "2024-03-05"
    assert _event(text, published, "looted").date.value == "2024-02-02"  # the narrative still dates the rest


def test_reported_speech_in_a_story_of_the_week_is_on_the_story_day():
    text = ("Rebels seized the airport in Goma on Sunday, the army said.\n\n"
            "The rebels took the terminal in the night. Officials said the rebels were armed.")
    assert _event(text, dt.datetime(2024, 3, 5), "Officials said").date.value == "2024-03-03"


def test_a_quote_that_dates_itself_keeps_its_date():
    text = "The minister said the bridge was closed on 2 March 2024."
    assert _event(text, dt.datetime(2024, 3, 5), "minister").date.value == "2024-03-02"


def _by_date(text: str, published: dt.datetime) -> dict[str, object]:
    return {e.date.value: e for e in analyse_article(text, published).events}


@pytest.mark.parametrize("text", [
    "Maria Lopez said her company sold 2 million turbines last year.",
    "Her company sold 2 million turbines last year, Maria Lopez said.",
    "That plan, Maria Lopez said, worked well last year.",
])
def test_a_named_source_and_a_dated_complement_are_two_happenings(text):
    # the selling is last year's; the saying is the report's, and only its source is its actor
    events = _by_date(text, dt.datetime(2024, 3, 5))
    assert set(events) == {"2023", "2024-03-05"}
    said, saying = events["2023"], events["2024-03-05"]
    assert said.date.source == "explicit" and "Maria Lopez" not in [a.name for a in said.actors]
    assert saying.date.source == "inferred" and [a.name for a in saying.actors] == ["Maria Lopez"]
    assert saying.status == "occurred"


def test_a_saying_with_its_own_date_keeps_it_and_dates_the_story():
    text = ("Maria Lopez said on Sunday that the bombs exploded last Friday.\n\n"
            "Rescuers searched the rubble.")
    lead, rescue = (_event(text, dt.datetime(2024, 3, 5), words) for words in ("Maria", "Rescuers"))
    events = analyse_article(text, dt.datetime(2024, 3, 5)).events
    dates = {e.date.value: e for e in events if e.first.quote == lead.first.quote}
    assert set(dates) == {"2024-03-03", "2024-03-01"}  # Sunday the saying, last Friday the bombs
    assert dates["2024-03-03"].date.source == "explicit"
    assert [a.name for a in dates["2024-03-03"].actors] == ["Maria Lopez"]
    assert rescue.date.value == "2024-03-03"  # the lead's day is the saying's, not the bombs'


@pytest.mark.parametrize("text", [
    "The minister said the bridge was closed on 2 March 2024.",  # no named source to date
    "Rebels seized the airport on 2 March 2024 and Maria Lopez said they held it.",  # a verb before
    "Maria Lopez said the bridge was closed.",  # nothing dated apart from the saying
    "Siemens Energy cut 500 jobs on 2 March 2024, Siemens Energy said.",  # its own actor reports it
    "Maria Lopez said on 2 March 2024 that the bridge was closed.",  # the date is the saying's
])
def test_reported_speech_stays_one_happening_when_it_cannot_be_told_apart(text):
    assert len(analyse_article(text, dt.datetime(2024, 3, 5)).events) == 1


@pytest.mark.parametrize(("text", "saying"), [
    ("Maria Lopez said her company sold 2 million turbines last year.", "Maria Lopez said"),
    ("Police told reporters in Lyon that the suspect fled.", "Police told reporters in Lyon that"),
    ("The suspect fled on Friday, police said on Monday.", "police said on Monday"),
    ("That plan, Maria Lopez said, worked well.", "Maria Lopez said"),
    ("The suspect fled, said Maria Lopez, the police chief.", "said Maria Lopez"),
    # words after the verb that open a clause make no aside: the source is the one up front
    ("At a summit in Lyon, the ministers announced it would close, and left.",
     "At a summit in Lyon, the ministers announced"),
    # no saying: a verb before the verb of saying
    ("Rebels seized the airport and said they would hold it.", None),
])
def test_where_a_sentence_names_its_source(text, saying):
    span = saying_span(text)
    assert (text[span[0]:span[1]] if span else None) == saying


def test_a_headline_is_about_the_day_its_lead_reports():
    text = "Earthquake shakes island of Qeshm\n\nAn earthquake struck the island of Qeshm on Sunday, officials said."
    headline = _event(text, dt.datetime(2005, 11, 29), "Earthquake shakes")  # a Tuesday
    assert headline.date.value == "2005-11-27" and headline.date.source == "inferred"


@pytest.mark.parametrize(("sentence", "status"), [
    ("The minister could face charges over the contract.", "hypothetical"),
    ("If the talks fail, the union will strike again.", "hypothetical"),
    ("The union would strike only as a last resort.", "hypothetical"),
    ("The union will strike on 12 June.", "planned"),
    ("The union struck on 2 June.", "occurred"),
    ("Rescuers are still searching the rubble, officials said.", "ongoing"),
])
def test_status_from_tense_and_modality(sentence, status):
    (event,) = analyse_article(sentence, dt.datetime(2023, 6, 5)).events
    assert event.status == status


@pytest.mark.parametrize("furniture", [
    "Reporting by Jane Doe; Editing by John Roe",
    "Jane Doe in Lagos contributed to this article.",
    "By JANE DOE, Associated Press Writer",
    "Read also: Floods hit Lagos for the second time this year",
    "Sign up for our newsletter to get the day's news first.",
    "Photo: A firefighter walks past the burnt warehouse.",
    "© 2024 Example News. All rights reserved.",
])
def test_page_furniture_makes_no_event(furniture):
    text = f"Floods hit Lagos on 2 July 2022, officials said.\n\n{furniture}"
    events = analyse_article(text, dt.datetime(2022, 7, 3)).events
    assert [e.first.quote for e in events] == ["Floods hit Lagos on 2 July 2022, officials said."]


def test_news_that_looks_like_furniture_is_news():
    text = "By noon the fire had been contained. He donated the land to the city in 1998."
    assert len(analyse_article(text, dt.datetime(2022, 7, 3)).events) == 2


@pytest.mark.parametrize(("text", "sentences"), [
    ("“Why now?” she asked. Nobody answered.", ["“Why now?” she asked.", "Nobody answered."]),
    ("``We will win,'' he said. Then he left.", ["``We will win,'' he said.", "Then he left."]),
    ("He said: «We won.» Then he left.", ["He said: «We won.»", "Then he left."]),
    ('He asked "why?" and left.', ['He asked "why?" and left.']),
    ("He met Mr. Smith at 5 p.m. Tuesday. He left.", ["He met Mr. Smith at 5 p.m. Tuesday.", "He left."]),
    ("Sales rose. iPhone sales fell.", ["Sales rose.", "iPhone sales fell."]),
])
def test_sentences_survive_the_quote_conventions_of_real_text(text, sentences):
    assert [s.text for s in split_sentences(text)] == sentences


@pytest.mark.parametrize(("quote", "summary"), [
    ("We are back in the family,'' said Janos Martonyi.", "``We are back in the family,'' said Janos Martonyi."),
    ("``Hungary has come home.", "``Hungary has come home.''"),
    ("He said “we will stay until the end.", "He said “we will stay until the end.”"),
    ('Police said "the suspect fled.', 'Police said "the suspect fled."'),
    ('the suspect fled," police said.', '"the suspect fled," police said.'),
    ("“We will stay,” he said.", "“We will stay,” he said."),
])
def test_summaries_have_balanced_quotes(quote, summary):
    assert summarise(quote) == summary


def test_a_long_summary_ends_after_a_clause_with_an_ellipsis():
    sentence = "Rebels seized the airport, " + ", ".join(f"then the town hall number {i}" for i in range(30)) + "."
    summary = summarise(sentence)
    assert len(summary) <= 280 and summary.endswith("…") and not summary[:-1].endswith(",")
    assert sentence.startswith(summary[:-1])


def test_a_progressive_present_is_a_happening_under_way_not_a_state():
    (event,) = analyse_article("Maria Lopez is seeking treatment at a clinic in Lyon.", dt.datetime(2024, 3, 5)).events
    assert event.status == "ongoing" and event.date.value == "2024-03-05"
    # a present of being with a noun in -ing stays a description
    assert analyse_article("The problem is nothing new for the town.", dt.datetime(2024, 3, 5)).events == []


def test_page_datelines_are_no_happenings():
    text = "Floods hit Lagos\nPosted : Jul 07 , 2012 7 : 40 PM ET\nFloods hit Lagos on Saturday , officials said ."
    events = analyse_article(text, dt.datetime(2012, 7, 8)).events
    assert not any(e.first.quote.startswith("Posted") for e in events)


@pytest.mark.parametrize("headline", [
    "Floods hit Lagos as rivers burst their banks",
    "Maria Lopez to open new plant in Lagos",  # a name and an infinitive: a report of what is to come
])
def test_a_headline_under_a_web_address_is_still_a_headline(headline):
    text = (f"http : / / news . example . org / lagos - 1 . 2345\n{headline}\n"
            "Rescuers worked through the night in Lagos .")
    events = analyse_article(text, dt.datetime(2012, 7, 8)).events
    assert any(e.first.quote == headline for e in events)
