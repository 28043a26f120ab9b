"""The TimeML view: a range is one expression for timelines, two TIMEX3 for TimeML."""
from datetime import date, datetime

import pytest

from timeline_api.temporal import resolve_timexes
from timeline_api.temporal.timeml import timeml_timexes, to_timeml

DCT = date(2023, 6, 5)


@pytest.mark.parametrize("text,ends", [
    ("Kopp was jailed between 1994 and 1997.", [("1994", "1994"), ("1997", "1997")]),
    ("The fair runs from March to May 2022.", [("March", "2022-03"), ("May 2022", "2022-05")]),
    ("Talks are set for between 3 and 5 May.", [("3", "2023-05-03"), ("5 May", "2023-05-05")]),
    ("The survey covered 2009-2010.", [("2009", "2009"), ("2010", "2010")]),
])
def test_a_range_is_two_timexes_in_timeml(text, ends):
    (rng,) = resolve_timexes(text, DCT)
    parts = list(timeml_timexes([rng]))
    assert [(t.text, t.value) for t in parts] == ends
    for t in parts:
        assert text[t.start:t.end] == t.text
        assert t.interval[0] >= rng.interval[0] and t.interval[1] <= rng.interval[1]


def test_other_timexes_pass_through_unchanged():
    tx = resolve_timexes("It opened on 3 May and closed two days later.", DCT)
    assert list(timeml_timexes(tx)) == tx


def test_to_timeml_tags_the_text_and_escapes_it():
    text = "Jailed from 1991 to 1997 & freed <Friday>, for two years."
    out = to_timeml(text, resolve_timexes(text, DCT))
    assert out == ('Jailed from <TIMEX3 tid="t1" type="DATE" value="1991">1991</TIMEX3> to '
                   '<TIMEX3 tid="t2" type="DATE" value="1997">1997</TIMEX3> &amp; freed '
                   '&lt;<TIMEX3 tid="t3" type="DATE" value="2023-06-02">Friday</TIMEX3>&gt;, for '
                   '<TIMEX3 tid="t4" type="DURATION" value="P2Y">two years</TIMEX3>.')


def test_range_end_is_in_the_json_form():
    (rng,) = resolve_timexes("The survey covered 2009-2010.", DCT)
    d = rng.to_dict()
    assert (d["value"], d["range_end"]) == ("2009", "2010")
    assert d["interval"] == {"start": datetime(2009, 1, 1).isoformat(), "end": datetime(2011, 1, 1).isoformat()}
