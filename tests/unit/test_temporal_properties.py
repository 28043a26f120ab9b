"""Property tests: whatever the text, the tagger's output is well formed."""
import datetime as dt
import html
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline_api.temporal import TIMEX_TYPES, resolve_timexes
from timeline_api.temporal.timeml import timeml_timexes, to_timeml
from timeline_api.temporal.types import GRANULARITIES

WORDS = ["the", "on", "in", "May", "may", "March", "Friday", "Friday's", "last", "next", "week",
         "year", "years", "ago", "later", "earlier", "two", "three", "a", "days", "1998", "2023",
         "3", "31", "Sept.", "quarter", "third", "about", "more", "than", "said", "will", "meet",
         "yesterday", "today", "now", "1990s", "'90s", "-", ",", ".", "2009-2010", "10:35", "a.m.",
         "every", "Monday", "daily", "hour", "24-hour", "$", "%", "747", "century", "19th",
         "summer", "fall", "Christmas", "from", "to", "between", "and", "early", "late", "mid-",
         "at", "14:30", "GMT", "0900", "10.30am", "2013-03-10T14:30:05Z", "H1", "FY2012", "Q3", "first",
         "of", "ending", "night", "hours", "through", "opens"]

VALUE = re.compile(
    r"^(?:\d{2,4}|XXXX)(?:-(?:\d\d|XX|W\d\d|WXX|Q[1-4X]|H[12]|SP|SU|FA|WI)"
    r"(?:-(?:\d\d|XX|[1-7]|WE))?)?(?:T(?:\d\d(?::\d\d(?::\d\d)?)?|XX(?::XX)?|MO|MI|AF|EV|NI|DT))?$"
    r"|^(?:PAST|PRESENT|FUTURE)_REF$"
    r"|^P(?:(?:[\dX.]+(?:Y|M|W|D|Q|DE|CE|WE))+)?(?:T(?:[\dX.]+[HMS])+)?$")

texts = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join),
    st.text(max_size=60),
)
refs = st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2090, 12, 31)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, refs)
def test_output_is_well_formed(text, ref):
    out = resolve_timexes(text, ref)
    last_end = -1
    for t in out:
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start:t.end] == t.text
        assert t.start >= last_end, "sorted and non-overlapping"
        last_end = t.end
        assert t.type in TIMEX_TYPES
        assert VALUE.match(t.value), t.value
        assert t.granularity is None or t.granularity in GRANULARITIES
        if t.interval is not None:
            assert t.interval[0] < t.interval[1]
        if ref is None:
            assert t.anchor != "document" or t.interval is None
        d = t.to_dict()
        assert d["start"] == t.start and d["value"] == t.value


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, refs)
def test_timeml_view_is_well_formed(text, ref):
    out = resolve_timexes(text, ref)
    last_end = -1
    for t in timeml_timexes(out):
        assert text[t.start:t.end] == t.text and t.start >= last_end
        last_end = t.end
        assert VALUE.match(t.value), t.value
    # the tags wrap the text without changing it
    tagged = to_timeml(text, out)
    plain = re.sub(r"</?TIMEX3[^>]*>", "", tagged)
    assert html.unescape(plain) == text
