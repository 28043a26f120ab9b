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
    assert TEXT[strike.start:strike.end] == strike.quote and "launched drones" in strike.quote
    assert "Ukraine" in {a.name for a in strike.actors}
    places = {p.entity.name for p in strike.locations}
    assert "Moscow" in places
    assert "Russia" in {e.name for e in strike.location_scope} | places
    assert strike.status == "occurred"
    assert by_value["2023-06-12"].status == "planned"


def test_sentences_without_a_date_make_no_event():
    analysis = analyse_article("Ukraine denied any role. Nobody said anything else.", PUBLISHED)
    assert analysis.events == []


def test_pure_core_imports_neither_flask_nor_sqlalchemy():
    code = ("import sys, timeline_api.pipeline, timeline_api.temporal, timeline_api.entities;"
            "bad = [m for m in ('flask', 'sqlalchemy') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
