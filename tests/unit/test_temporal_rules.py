"""TIMEX3 values of the English grammar, family by family.

Expected values are what a TimeML annotator writes for the sentence, given the
document date, not what the code happens to return.
"""
from datetime import date, datetime

import pytest

from timeline_api.temporal import Timex, resolve_timexes

DCT = date(2023, 6, 5)  # a Monday


def tag(text, ref=DCT):
    return [(t.text, t.type, t.value) for t in resolve_timexes(text, ref)]


def values(text, ref=DCT):
    return [t.value for t in resolve_timexes(text, ref)]


def one(text, ref=DCT) -> Timex:
    out = resolve_timexes(text, ref)
    assert len(out) == 1, out
    return out[0]


# ---- the contract example ---------------------------------------------------
def test_brief_example_anaphora_after_partial_date():
    out = resolve_timexes("The attack came on 3 May; two days later officials spoke.", date(2023, 6, 5))
    assert [t.value for t in out] == ["2023-05-03", "2023-05-05"]
    assert [t.text for t in out] == ["3 May", "two days later"]
    assert out[1].anchor == "narrative"


# ---- absolute dates ------------------------------------------------------------
@pytest.mark.parametrize("text,value", [
    ("It opened on 3 May 2023.", "2023-05-03"),
    ("It opened on May 3, 2023.", "2023-05-03"),
    ("It opened on 2023-05-03.", "2023-05-03"),
    ("It opened on Aug. 7, 1998, in Nairobi.", "1998-08-07"),
    ("It opened on the 21st of March 2019.", "2019-03-21"),
    ("It was founded in November 1995.", "1995-11"),
    ("It was founded in 1987.", "1987"),
])
def test_absolute_dates(text, value):
    t = one(text)
    assert (t.type, t.value, t.anchor) == ("DATE", value, "absolute")


def test_absolute_date_interval_and_granularity():
    t = one("It opened on May 3, 2023.")
    assert t.granularity == "day"
    assert t.interval == (datetime(2023, 5, 3), datetime(2023, 5, 4))
    t = one("It was founded in November 1995.")
    assert t.granularity == "month"
    assert t.interval == (datetime(1995, 11, 1), datetime(1995, 12, 1))


def test_dates_without_year_take_the_document_year():
    assert values("The vote was held on 3 May.") == ["2023-05-03"]
    assert values("Prices fell in April.") == ["2023-04"]


def test_weekday_with_month_day_is_one_expression():
    assert tag("The summit opened Tuesday, May 2, in Oslo.") == [("Tuesday, May 2", "DATE", "2023-05-02")]


# ---- weekdays and tense --------------------------------------------------------
def test_weekday_past_tense_is_the_previous_one():
    assert values("The minister said Friday that talks had failed.") == ["2023-06-02"]


def test_weekday_future_tense_is_the_next_one():
    assert values("The two leaders will meet Friday in Geneva.") == ["2023-06-09"]


@pytest.mark.parametrize("text,value", [
    ("The summit opens on Friday.", "2023-06-09"),
    ("Voters go to the polls on Sunday.", "2023-06-11"),
    ("The results are due Thursday.", "2023-06-08"),
    ("The festival runs through Sunday.", "2023-06-11"),
    # a present that is not a schedule stays with the past
    ("Police are investigating a shooting on Friday.", "2023-06-02"),
    ("The minister says Friday's vote was fair.", "2023-06-02"),
])
def test_weekday_with_a_scheduled_present_is_the_next_one(text, value):
    assert values(text) == [value]


def test_an_infinitive_is_not_a_past_tense():
    # "hit" and "cut" are past forms too, but not after "to" or a modal
    assert values("The storm is expected to hit the coast on Friday.") == ["2023-06-09"]
    assert values("He will cut taxes on Friday.") == ["2023-06-09"]


def test_a_relative_clause_keeps_its_own_tense():
    # "will" in the clause around the date, not the main clause's "said"
    assert values("Osborne, who will speak on Friday, said growth was strong.") == ["2023-06-09"]
    assert values("The minister, who resigned on Friday, said he was sorry.") == ["2023-06-02"]
    assert values("On Friday, officials said the talks had failed.") == ["2023-06-02"]


def test_a_clock_time_far_from_any_day_is_on_the_report_day():
    text = ("The budget will be presented on Dec. 5, the minister said. " + "Markets were calm. " * 30
            + "Sterling was up 0.4 percent at 1300 GMT.")
    assert values(text) == ["2023-12-05", "2023-06-05T13:00"]
    assert values("The blast came on 3 May. It went off at 10:35 a.m.") == ["2023-05-03", "2023-05-03T10:35"]


def test_this_past_weekend_is_one_expression():
    assert tag("This past weekend, protesters gathered.") == [("This past weekend", "DATE", "2023-W22-WE")]


def test_weekday_possessive_is_excluded_from_span():
    assert tag("Friday's blast killed five people.") == [("Friday", "DATE", "2023-06-02")]


def test_last_and_next_weekday():
    assert values("He left last Tuesday and returns next Thursday.") == ["2023-05-30", "2023-06-08"]


# ---- deictic -------------------------------------------------------------------
@pytest.mark.parametrize("text,value", [
    ("Officials said yesterday that it was over.", "2023-06-04"),
    ("The market is closed today.", "2023-06-05"),
    ("The board meets tomorrow.", "2023-06-06"),
    ("The deal collapsed last week.", "2023-W22"),
    ("Sales rose last month.", "2023-05"),
    ("The law takes effect next year.", "2024"),
    ("Profits doubled this year.", "2023"),
    ("The plant closed two days ago.", "2023-06-03"),
    ("He retired three years ago.", "2020"),
])
def test_deictic(text, value):
    t = one(text)
    assert (t.type, t.value, t.anchor) == ("DATE", value, "document")


def test_earlier_this_month_is_start_of_month():
    t = one("Earlier this month, the company cut jobs.")
    assert (t.text, t.value, t.mod) == ("Earlier this month", "2023-06", "START")


def test_refs():
    assert values("He is now retired, but recently he said the future is bright.") == [
        "PRESENT_REF", "PAST_REF", "FUTURE_REF"]


def test_no_reference_date_leaves_values_unresolved():
    out = resolve_timexes("The vote was held on 3 May, after talks yesterday.", None)
    assert [t.value for t in out] == ["XXXX-05-03", "XXXX-XX-XX"]
    assert all(t.interval is None for t in out)


# ---- anaphoric -------------------------------------------------------------------
def test_the_next_day_follows_the_last_explicit_date():
    assert values("Talks began on March 12, 2021. The next day they collapsed.") == [
        "2021-03-12", "2021-03-13"]


def test_a_week_later():
    out = resolve_timexes("The bill passed on 10 January 2020 and was signed a week later.", DCT)
    assert [t.value for t in out] == ["2020-01-10", "2020-01-17"]
    assert out[1].anchor == "narrative"


def test_years_later_than_a_day_is_a_year():
    # nothing says the day recurs; a month later than a day is still a day
    assert values("The firm was founded on 3 May 2010. Two years later it failed.") == ["2010-05-03", "2012"]
    assert values("The firm was founded on 3 May 2010. A month later it failed.") == ["2010-05-03", "2010-06-03"]
    assert values("The firm was founded on 3 May 2010. A decade earlier its owner was born.") == [
        "2010-05-03", "2000"]


def test_later_in_a_past_story_without_a_date_is_a_duration():
    # no date to count from: the report's own date would put a past event in the future
    assert tag("Two years later, the firm went bankrupt.") == [("Two years", "DURATION", "P2Y")]
    assert tag("The plant will reopen two years later.") == [("two years later", "DATE", "2025")]


def test_a_year_earlier_keeps_the_quarter():
    assert values("Profit rose in the third quarter of 2022 from a year earlier.") == ["2022-Q3", "2021-Q3"]


# ---- durations -------------------------------------------------------------------
@pytest.mark.parametrize("text,span,value", [
    ("The strike lasted three days.", "three days", "P3D"),
    ("a 24-hour strike", "24-hour", "PT24H"),
    ("for the past two months", "the past two months", "P2M"),
    ("They waited 18 months.", "18 months", "P18M"),
    ("It took years.", "years", "PXY"),
    ("two and a half hours", "two and a half hours", "PT2H30M"),
])
def test_durations(text, span, value):
    t = one(text)
    assert (t.text, t.type, t.value) == (span, "DURATION", value)
    assert t.interval is None


def test_duration_modifiers():
    t = one("The talks lasted more than four hours.")
    assert (t.text, t.value, t.mod) == ("more than four hours", "PT4H", "MORE_THAN")
    t = one("He was jailed for nearly three years.")
    assert (t.value, t.mod) == ("P3Y", "LESS_THAN")
    t = one("The deal must close within 18 months.")
    assert (t.text, t.mod) == ("18 months", "EQUAL_OR_LESS")  # "within" is a signal
    t = one("They spent about a week there.")
    assert (t.text, t.value, t.mod) == ("about a week", "P1W", "APPROX")


# ---- traps -----------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "You may go now if you wish.".replace(" now", ""),
    "Protesters march on the capital.",
    "She came second in the race.",
    "A 7-Eleven store sold 747 tickets.",
    "The Boeing 747 costs $2000 at 15% off.",
    "Call 555-1234 or version 2.0.1 now".replace(" now", ""),
    "The score was 3-2 after 90 minutes".replace(" after 90 minutes", ""),
])
def test_traps_give_nothing(text):
    assert tag(text) == []


def test_sunday_times_is_a_newspaper():
    assert tag("The Sunday Times reported it on Sunday.") == [("Sunday", "DATE", "2023-06-04")]


def test_a_failing_rule_is_logged_and_skipped_outside_the_tests(monkeypatch, caplog):
    from timeline_api.temporal import engine
    from timeline_api.temporal.rules import en

    def broken(m, cx):
        raise TypeError("grammar bug")

    rule = next(r for r in en.RULES if r.name == "weekday")
    monkeypatch.setattr(rule, "norm", broken)
    with pytest.raises(TypeError):
        resolve_timexes("Talks resumed Friday after the 3 May 2023 vote.", DCT)
    monkeypatch.setattr(engine, "STRICT", False)
    out = resolve_timexes("Talks resumed Friday after the 3 May 2023 vote.", DCT)
    assert [t.value for t in out] == ["2023-05-03"]
    assert "temporal rule weekday failed" in caplog.text
