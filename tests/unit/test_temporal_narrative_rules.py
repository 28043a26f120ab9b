"""Value rules of this round: one test per rule family, on sentences of our own,
with the values a TimeML annotator would write."""
from datetime import date

from timeline_api.temporal import resolve_timexes

DCT = date(2023, 6, 5)  # a Monday, ISO week 23


def vals(text, ref=DCT):
    return [(t.text, t.type, t.value, t.mod) for t in resolve_timexes(text, ref)]


# ---- "overnight": the night before the story's day ---------------------------------
def test_overnight_is_the_night_before_the_storys_day():
    # a Monday report about Friday's market: the night before Friday, and
    # "overnight" does not displace Friday as the story's day
    out = vals("Shares closed lower Friday, hurt by overnight losses in New York. "
               "The index fell 4% from the previous Friday.")
    assert out == [("Friday", "DATE", "2023-06-02", None),
                   ("overnight", "TIME", "2023-06-01TNI", None),
                   ("the previous Friday", "DATE", "2023-05-26", None)]


def test_overnight_without_a_recent_story_day_is_the_night_before_the_report():
    assert vals("Rebels attacked the town overnight.") == [
        ("overnight", "TIME", "2023-06-04TNI", None)]
    # a day weeks before the report is background, not the story's day
    out = vals("The embassy was bombed on May 7. Missiles struck the camps overnight.")
    assert out[-1] == ("overnight", "TIME", "2023-06-04TNI", None)


# ---- "since <date>": the start of a state that lasts to the report ------------------
def test_since_a_yearless_date_is_in_the_past():
    # the nearest Oct. 23 to 5 June 2023 would be the coming one
    assert vals("Police have searched for him since shortly after the Oct. 23 shooting.") == [
        ("Oct. 23", "DATE", "2022-10-23", None)]
    assert vals("Prices have risen since September.") == [
        ("September", "DATE", "2022-09", None)]
    assert vals("He has been in hospital since Thursday, his wife says.") == [
        ("Thursday", "DATE", "2023-06-01", None)]
    # the document's own month is not pushed back
    assert vals("Prices have risen since June 1.") == [
        ("June 1", "DATE", "2023-06-01", None)]


# ---- earnings reports: the reported period is the latest completed one named -------
def test_an_earlier_quarter_named_in_passing_is_not_the_reported_period():
    ref = date(2023, 11, 1)
    out = vals("Acme posted a 20% gain in third-quarter net income. After a flat second "
               "quarter, the company credited higher prices. Charges taken in the "
               "year-earlier period also helped, and the tax rate was lower than a year ago.", ref)
    assert [(t, v) for t, _, v, _ in out] == [
        ("third-quarter", "2023-Q3"), ("second quarter", "2023-Q2"),
        ("the year-earlier period", "2022-Q3"), ("a year ago", "2022-Q3")]


def test_a_fiscal_quarter_starts_another_report():
    ref = date(2023, 10, 26)
    out = vals("Acme's third-quarter profit fell. Separately, Beta posted a fiscal "
               "second-quarter loss. The latest period's sales rose.", ref)
    assert [(t, v) for t, _, v, _ in out] == [
        ("third-quarter", "2023-Q3"), ("fiscal second-quarter", "2023-Q2"),
        ("The latest period", "2023-Q2")]


def test_quarter_to_quarter_is_not_a_period():
    assert vals("The quarter-to-quarter comparison was also helped by lower taxes.",
                date(2023, 11, 1)) == []


def test_this_quarters_results_are_the_reported_quarter():
    ref = date(2023, 11, 1)
    out = vals("Acme reported a net loss for the third quarter ended Sept. 30. "
               "This quarter's loss includes pretax charges.", ref)
    assert out[-1] == ("This quarter", "DATE", "2023-Q3", None)
    # without a reported period, or when no results are meant: the quarter in progress
    assert vals("This quarter's loss will be larger.", ref) == [
        ("This quarter", "DATE", "2023-Q4", None)]
    out = vals("Acme reported a loss for the third quarter. This quarter will be better.", ref)
    assert out[-1] == ("This quarter", "DATE", "2023-Q4", None)


# ---- year-to-date spans: "the year-earlier period" after "the nine months" ----------
def test_year_earlier_span_of_months_is_a_duration():
    ref = date(2023, 10, 27)
    out = vals("Acme's third-quarter profit rose. For the nine months, Acme had net of "
               "$81 million. In the year-earlier period, the company had net of $77 million.", ref)
    assert [(t, ty, v) for t, ty, v, _ in out] == [
        ("third-quarter", "DATE", "2023-Q3"), ("the nine months", "DURATION", "P9M"),
        ("the year-earlier period", "DURATION", "P9M")]
    out = vals("Net for the year-earlier nine months included a gain.", ref)
    assert out == [("the year-earlier nine months", "DURATION", "P9M", None)]
    # a quarter named after the span is the period compared again
    out = vals("For the nine months, net rose. Third-quarter net fell; in the year-earlier "
               "period it had risen.", ref)
    assert out[-1] == ("the year-earlier period", "DATE", "2022-Q3", None)
    # "the 14-day deadline": the determiner still belongs to the noun
    assert vals("He missed the 14-day deadline.", ref) == [("14-day", "DURATION", "P14D", None)]


# ---- year-less months: a future clause about a month already over -----------------
def test_future_clause_moves_an_ended_month_to_next_year():
    ref = date(2023, 3, 4)
    # the nearest December (2022) ended three months ago; the plan is for the next one
    assert vals("She will command a shuttle mission in December.", ref) == [
        ("December", "DATE", "2023-12", None)]
    # without a future cue the nearest occurrence stays
    assert vals("Sales were weak in December.", ref) == [("December", "DATE", "2022-12", None)]
    # a past clause still needs the wider margin: a deadline may lie ahead
    assert vals("The company extended the offer to May 20.", ref) == [
        ("May 20", "DATE", "2023-05-20", None)]


# ---- "today is the eighth day of ...": the report's day ------------------------------
def test_nth_day_of_an_ongoing_event_is_the_report_day():
    assert vals("It's the second day of an offensive by the security forces.") == [
        ("the second day", "DATE", "2023-06-05", None)]
    out = vals("In the capital, today is the eighth day of the blockade.")
    assert out == [("today", "DATE", "2023-06-05", None),
                   ("the eighth day", "DATE", "2023-06-05", None)]
    # a rank without the present copula is no date ("the second day of talks began ...")
    assert vals("Officials said the second day of talks would focus on trade.") == []


# ---- "the year before", "the month after": a unit off the narrative anchor -----------
def test_the_unit_before_or_after_is_relative_to_the_narrative():
    ref = date(1998, 9, 7)
    out = vals("Revenue dropped to $300 million last year, down from $450 million the year before.", ref)
    assert out == [("last year", "DATE", "1997", None), ("the year before", "DATE", "1996", None)]
    out = vals("He resigned in 1995; the year before, he had been promoted.", ref)
    assert out[-1] == ("the year before", "DATE", "1994", None)
    out = vals("Sales rose in March 1998, after falling the month before.", ref)
    assert out[-1] == ("the month before", "DATE", "1998-02", None)


def test_a_quarter_whose_results_are_reported_has_ended():
    ref = date(2023, 11, 2)
    # the calendar fourth quarter is still running: reported results are a fiscal
    # fourth quarter that is over, and the report's period
    out = vals("Acme reported a 47% decline in fourth-quarter earnings. Sales in the "
               "latest period were $1.7 billion.", ref)
    assert [(t, v) for t, _, v, _ in out] == [("fourth-quarter", "2023-Q4"),
                                              ("the latest period", "2023-Q4")]
    # a forecast is not a report
    out = vals("Acme expects fourth-quarter earnings to rise. Sales in the latest period "
               "were $1.7 billion.", ref)
    assert out[-1] == ("the latest period", "DATE", "2023-Q3", None)
