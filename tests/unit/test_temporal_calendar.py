"""Calendar arithmetic and TIMEX3 value -> interval conversion, and the engine's
behaviour on hostile input (no timing here: speed belongs in bench/)."""
from datetime import date, datetime

import pytest

from timeline_api.temporal import calendar as cal
from timeline_api.temporal import resolve_timexes


@pytest.mark.parametrize("value,start,end,gran", [
    ("1998", datetime(1998, 1, 1), datetime(1999, 1, 1), "year"),
    ("199", datetime(1990, 1, 1), datetime(2000, 1, 1), "decade"),
    ("19", datetime(1900, 1, 1), datetime(2000, 1, 1), "century"),
    ("1998-Q1", datetime(1998, 1, 1), datetime(1998, 4, 1), "quarter"),
    ("1998-H2", datetime(1998, 7, 1), datetime(1999, 1, 1), "half"),
    ("1998-SU", datetime(1998, 6, 1), datetime(1998, 9, 1), "season"),
    ("1998-WI", datetime(1998, 12, 1), datetime(1999, 3, 1), "season"),
    ("1998-02", datetime(1998, 2, 1), datetime(1998, 3, 1), "month"),
    ("1998-W02", datetime(1998, 1, 5), datetime(1998, 1, 12), "week"),
    ("1998-W02-WE", datetime(1998, 1, 10), datetime(1998, 1, 12), "day"),
    ("1998-01-08", datetime(1998, 1, 8), datetime(1998, 1, 9), "day"),
    ("1998-01-08TEV", datetime(1998, 1, 8, 18), datetime(1998, 1, 9), "part_of_day"),
    ("1998-01-08T15:00", datetime(1998, 1, 8, 15), datetime(1998, 1, 8, 15, 1), "minute"),
    ("1998-01-08T24", datetime(1998, 1, 9), datetime(1998, 1, 9, 1), "hour"),
])
def test_interval_of(value, start, end, gran):
    assert cal.interval_of(value) == ((start, end), gran)


@pytest.mark.parametrize("value", ["XXXX-05-03", "PAST_REF", "P3M", "XXXX-WXX-1", "1998-13", "1998-02-30"])
def test_unanchored_or_invalid_values_have_no_interval(value):
    assert cal.interval_of(value) is None


def test_fmt_round_trips_through_interval_of():
    d = date(2023, 6, 5)
    for gran in ("century", "decade", "year", "half", "quarter", "season", "month", "week", "day"):
        (start, end), g = cal.interval_of(cal.fmt(d, gran))
        assert g == gran or (gran == "week" and g == "week")
        assert start <= datetime(2023, 6, 5) < end


def test_add_months_clamps_the_day():
    assert cal.add(date(2023, 1, 31), 1, "month") == date(2023, 2, 28)
    assert cal.add(date(2024, 2, 29), -1, "year") == date(2023, 2, 28)


@pytest.mark.parametrize("text", [
    "1234567890" * 500,
    "the " * 10_000,
    "May March May June " * 1_000,
    "((( [[ {{ -- ,, .. ;; '' " * 1_000,
    "-" * 5_000 + "2023" + "-" * 5_000,
    ("2023" + "-" * 200) * 300,  # many triggers and no whitespace anywhere
])
def test_hostile_input_gives_well_formed_output(text):
    out = resolve_timexes(text, date(2023, 6, 5))
    for t in out:
        assert text[t.start:t.end] == t.text


def test_unsupported_language_is_an_error():
    with pytest.raises(ValueError):
        resolve_timexes("le 3 mai", date(2023, 6, 5), language="fr")


def test_datetime_reference_is_accepted():
    out = resolve_timexes("He left yesterday.", datetime(2023, 6, 5, 14, 30))
    assert [t.value for t in out] == ["2023-06-04"]


# ---- engine internals ------------------------------------------------------------------------
def test_trie_regex_matches_exactly_its_words():
    import re

    from timeline_api.temporal.engine import trie_regex

    words = ["may", "march", "mar", "monday", "mon", "a.m", "ago"]
    rx = re.compile(r"(?:" + trie_regex(sorted(words)) + r")\Z")
    for w in words:
        assert rx.match(w), w
    for w in ["ma", "mayo", "a.", "marc", "mondays"]:
        assert not rx.match(w), w


def test_lower_safe_patterns():
    from timeline_api.temporal.engine import _lower_safe

    assert _lower_safe(r"(?P<Unit>days?)\s+ago\b")
    assert not _lower_safe(r"(?-i:May)\s+\d")
    assert not _lower_safe(r"Q[1-4]")


def test_every_english_rule_has_trigger_kinds():
    from timeline_api.temporal.rules import en

    assert all(r.kinds for r in en.RULES), [r.name for r in en.RULES if not r.kinds]
    kinds = set(en.TRIGGER_WORDS) | set("YZXTKD")
    assert all(set(r.kinds) <= kinds for r in en.RULES)


@pytest.mark.parametrize("ref", [date(1, 1, 1), date(9999, 12, 31), date(2024, 2, 29)])
def test_extreme_reference_dates_do_not_crash(ref):
    text = "On Friday, two days ago, next year, 3 May, the 1990s and last week he said it would end tomorrow."
    for t in resolve_timexes(text, ref):
        assert text[t.start:t.end] == t.text
        if t.interval:
            assert t.interval[0] < t.interval[1]


# Our own sentences across the grammar's families: the windows around triggers are an
# optimisation, so tagging only inside them must find what a scan of the whole text finds
# (a rule whose trigger kinds or margins miss its matches fails here).
WINDOW_TEXTS = [
    "The election on 3 May went calmly; two weeks before the vote and the day after the election, crowds met.",
    "The attack came on 3 May 2023; two days later officials spoke. A week earlier, talks failed.",
    "Shares fell 3.5% on Friday, 12/25/1998, and 25.12.1998 at 10:35 a.m. EDT, and at 14:30 GMT.",
    "In the early hours of Sunday morning, rebels advanced; this past weekend was calm.",
    "Profit in the third quarter of 2022 rose from a year earlier; year-earlier sales fell. H1 2022 and FY2021.",
    "Net income for the year ended June 30 rose; the fiscal year 1998, the full year and the year-end figure.",
    "The festival runs from March to May 2023, between 3 and 5 May, and 2009-2010.",
    "It happened in the 1990s, in the late 19th century, last fall, at Christmas 2019 and on Black Friday.",
    "He left yesterday, returns tomorrow, and spoke today; the day before yesterday it rained.",
    "Earlier this month and later this year, prices will rise; at a later date, every two weeks, each July.",
    "Talks open on the first Monday in September and in the week ending June 3; the last week of May.",
    "The strike lasted three days, a 24-hour walkout, a decades-long feud, two and a half hours.",
    "Now, recently, soon, in the near future and these days, as soon as possible; the end of the month.",
    "Trains leave twice a day, on Sundays, every Monday evening, and the next morning at noon Thursday.",
]


@pytest.mark.parametrize("text", WINDOW_TEXTS)
def test_windows_find_what_a_full_scan_finds(text):
    from timeline_api.temporal.engine import Engine
    from timeline_api.temporal.rules import en

    windowed = Engine(en)
    full = Engine(en)
    full.trigger = None  # every rule over the whole text
    ref = date(2023, 6, 5)
    assert [(t.start, t.end, t.value) for t in windowed.tag(text, ref)] == [
        (t.start, t.end, t.value) for t in full.tag(text, ref)]
