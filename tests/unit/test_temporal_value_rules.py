"""Value rules added to raise agreement with TimeML annotation: one test per rule
family, on sentences of our own, with the values a TimeML annotator would write."""
from datetime import date

from timeline_api.temporal import resolve_timexes

DCT = date(2023, 6, 5)  # a Monday, ISO week 23


def vals(text, ref=DCT):
    return [(t.text, t.type, t.value, t.mod) for t in resolve_timexes(text, ref)]


# ---- "N units or so ago" ---------------------------------------------------------
def test_or_so_ago_is_one_approximate_date():
    assert vals("Then, a week or so ago, the general flew in.") == [
        ("a week or so ago", "DATE", "2023-W22", "APPROX")]


# ---- tense: a reporting verb after a closing quote is not the quotation's tense ----
def test_quoted_future_is_not_overridden_by_said():
    out = vals('"We will sign the deal Thursday," the minister said.')
    assert out == [("Thursday", "DATE", "2023-06-08", None)]
    out = vals("''We will sign the deal Thursday,'' the minister said.")
    assert out == [("Thursday", "DATE", "2023-06-08", None)]
    # without the quotation the past reporting verb still wins
    assert vals("The minister said Thursday the deal was signed.") == [
        ("Thursday", "DATE", "2023-06-01", None)]


# ---- holidays without a year: the nearest occurrence, like a year-less date -------
def test_holiday_nearest_occurrence():
    assert vals("The shops are still busy after Christmas.", date(2023, 1, 3)) == [
        ("Christmas", "DATE", "2022-12-25", None)]
    assert vals("The shops expect to be busy at Christmas.", date(2023, 12, 1)) == [
        ("Christmas", "DATE", "2023-12-25", None)]
    assert vals("They celebrated last Christmas together.", date(2023, 12, 1)) == [
        ("last Christmas", "DATE", "2022-12-25", None)]


def test_holiday_week():
    # Easter 2023 fell on Sunday 9 April, the last day of ISO week 14
    assert vals("Pilgrims arrived as Easter week began.", date(2023, 4, 10)) == [
        ("Easter week", "DATE", "2023-W14", None)]


# ---- decades as ISO 8601 years ---------------------------------------------------
def test_decade_durations_in_years():
    assert vals("Unemployment is the lowest in two decades.") == [
        ("two decades", "DURATION", "P20Y", None)]
    assert vals("It ended a decades-long feud.") == [("decades-long", "DURATION", "PXDE", None)]


# ---- "the week of March 6" -------------------------------------------------------
def test_week_of_a_date():
    assert vals("A hearing is set for the week of June 12.") == [
        ("the week of June 12", "DATE", "2023-W24", None)]


# ---- "April 24 and 25": the second day is a date of its own ----------------------
def test_second_day_after_and():
    assert vals("The summit will be held on June 24 and 25.") == [
        ("June 24", "DATE", "2023-06-24", None), ("25", "DATE", "2023-06-25", None)]
    assert vals("Polls open on Dec. 3 and 4, 2024.")[-1] == ("4, 2024", "DATE", "2024-12-04", None)
    # not a day: numbers that only follow "and"
    assert vals("Prices rose on June 2 and 3 percent in May.")[1:] == [("May", "DATE", "2023-05", None)]
    assert [v[0] for v in vals("Teams of 24 and 25 players met.")] == []


# ---- reporting periods -----------------------------------------------------------
REPORT = date(2023, 10, 26)  # an earnings report in Q4 about Q3


def test_period_a_year_ago_is_one_expression():
    text = ("Third-quarter net rose 5%. For the quarter a year ago, the bank earned $3 million, "
            "and in the corresponding period last year it had a loss.")
    out = vals(text, REPORT)
    assert ("the quarter a year ago", "DATE", "2022-Q3", None) in out
    assert ("the corresponding period last year", "DATE", "2022-Q3", None) in out


def test_first_two_quarters_is_a_half():
    assert vals("Demand stays weak through the first two quarters of 2024.", REPORT) == [
        ("the first two quarters of 2024", "DATE", "2024-H1", None)]


def test_period_of_another_year_follows_the_reported_period():
    text = "Sales rose in the fiscal first quarter. In the 2022 period, the company lost money."
    assert vals(text, REPORT)[-1] == ("the 2022 period", "DATE", "2022-Q1", None)


def test_a_coming_quarter_is_not_the_reported_period():
    # the fourth quarter has not ended at the report date: "the year-ago period"
    # still compares with the third quarter just reported
    text = ("Third-quarter profit fell. The company expects a loss in the fourth quarter. "
            "In the year-ago period, it earned $1 million.")
    assert vals(text, REPORT)[-1] == ("the year-ago period", "DATE", "2022-Q3", None)


def test_year_to_date_comparison_is_the_previous_year():
    text = ("Profit for the first nine months rose 8%, compared with $40 million a year earlier. "
            "In the latest period, sales fell.")
    out = vals(text, REPORT)
    assert out[0] == ("the first nine months", "DURATION", "P9M", None)
    assert out[1] == ("a year earlier", "DATE", "2022", None)
    assert out[2] == ("the latest period", "DATE", "2023-Q3", None)
    # a quarter named again makes it the compared period
    text = "Third-quarter net rose, compared with $3 million a year earlier."
    assert vals(text, REPORT)[1] == ("a year earlier", "DATE", "2022-Q3", None)


# ---- "last <month>" ---------------------------------------------------------------
def test_last_month_name():
    # written in June: "last May" is a year before, as last month would be "last month"
    assert vals("Two helicopters crashed last May.") == [("last May", "DATE", "2022-05", None)]
    assert vals("Two helicopters crashed last April.") == [("last April", "DATE", "2023-04", None)]
    assert vals("Two helicopters crashed last June.") == [("last June", "DATE", "2022-06", None)]


# ---- vague future references ---------------------------------------------------------
def test_modal_one_day_and_as_soon_as_possible():
    assert vals("Islam will one day be the second largest religion here.") == [
        ("one day", "DATE", "FUTURE_REF", None)]
    assert vals("The strike lasted one day.") == [("one day", "DURATION", "P1D", None)]
    assert vals("It may take one day or two.")[0][2] != "FUTURE_REF"
    assert vals('The firm wants to sell "as soon as possible."') == [
        ("as soon as possible", "DATE", "FUTURE_REF", None)]
    assert vals("They will leave as soon as Tuesday.") == [("Tuesday", "DATE", "2023-06-06", None)]


# ---- a year after "due": "bonds due 2031" ---------------------------------------------
def test_year_after_due():
    assert vals("It sold $100 million of notes due 2031.") == [("2031", "DATE", "2031", None)]


# ---- a vague offset from the narrative anchor: only the duration remains --------------
def test_vague_later_is_a_duration():
    text = "The deal closed on May 3. A few days later, the chairman resigned."
    assert vals(text)[1] == ("A few days", "DURATION", "PXD", None)
    assert vals("The deal closed on May 3. Several weeks earlier, talks began.")[1] == (
        "Several weeks", "DURATION", "PXW", None)
    # a counted offset is still a date
    assert vals("The deal closed on May 3. Two days later, he resigned.")[1] == (
        "Two days later", "DATE", "2023-05-05", None)


# ---- titles and idioms are not times ------------------------------------------------
def test_titles_and_high_noon():
    assert vals('Baker, speaking on ABC News\' "This Week," said talks failed.') == []
    assert vals("He said on ABC's This Week With David Brinkley that it failed.") == []
    assert vals("They met. This Week was hard.")[0][:3] == ("This Week", "DATE", "2023-W23")
    assert vals("For Poland, high noon comes now.") == [("now", "DATE", "PRESENT_REF", None)]
    assert vals("The film High Noon won.") == []
    assert vals("They met at noon.")[0][:3] == ("noon", "TIME", "2023-06-05T12:00")


# ---- "that day" after a month: the day is unknown ------------------------------------
def test_that_day_after_a_month_is_underspecified():
    out = resolve_timexes("The site went up in October 1998 and was closed that same day.", DCT)
    assert [(t.text, t.value) for t in out] == [("October 1998", "1998-10"), ("that same day", "1998-10-XX")]
    assert out[1].interval is None
    # after a day it is that day
    assert vals("The site went up on Oct. 5, 1998 and was closed that same day.")[1][2] == "1998-10-05"


def test_names_ending_in_today():
    assert vals("He told USA Today that the talks failed.") == []
    assert vals("This is VOA Today.") == []
    assert vals("Talks failed. Today, he said, they resume.")[0][:3] == ("Today", "DATE", "2023-06-05")


# ---- tense cues -------------------------------------------------------------------------
def test_planned_for_is_future():
    assert vals("A rally is planned for Friday.") == [("Friday", "DATE", "2023-06-09", None)]
    assert vals("Protesters planned for Saturday a march downtown.")[0][2] == "2023-06-10"


# ---- "the 25th": a day of the month being talked about ---------------------------------
MID_JUNE = date(2023, 6, 12)


def test_ordinal_day_without_month():
    assert vals("The vote was held on the 25th.", MID_JUNE) == [("the 25th", "DATE", "2023-05-25", None)]
    assert vals("The vote will be held on the 25th.", MID_JUNE) == [("the 25th", "DATE", "2023-06-25", None)]
    assert vals("He arrived on March 3 and left on the 5th, officials said.", MID_JUNE)[1] == (
        "the 5th", "DATE", "2023-03-05", None)
    assert vals("It was the 25th anniversary of the ruling.", MID_JUNE) == []
    assert vals("Talks ran on the 3rd and 4th of May.", MID_JUNE)[0] == ("the 3rd", "DATE", "2023-05-03", None)


def test_passive_after_modal_is_not_past():
    assert vals("The office will be closed Friday.", MID_JUNE) == [("Friday", "DATE", "2023-06-16", None)]
    assert vals("The office was closed Friday.", MID_JUNE) == [("Friday", "DATE", "2023-06-09", None)]


def test_a_daily_newspaper_is_not_a_set():
    assert vals("It was reported by the Communist Party daily Granma.") == []
    assert vals("The weekly Der Spiegel reported it.") == []
    assert vals("Trains run daily. Officials said so.")[0][:3] == ("daily", "SET", "P1D")
    assert vals("It is published daily Monday through Friday.")[0][:3] == ("daily", "SET", "P1D")


# ---- "the day before last Tuesday" -----------------------------------------------------
def test_day_before_and_after_a_date():
    assert vals("The day before last Tuesday's hearing, he left.", MID_JUNE)[0] == (
        "The day before last Tuesday", "DATE", "2023-06-05", None)
    assert vals("He left the day after Christmas.", date(2023, 1, 10)) == [
        ("the day after Christmas", "DATE", "2022-12-26", None)]
    # against the narrative anchor when no date follows
    assert vals("He arrived on May 3. The day after, he left.", MID_JUNE)[1] == (
        "The day after", "DATE", "2023-05-04", None)
    # the shifted day is the new narrative anchor
    text = "The day before May 3, 2023, he arrived. He appeared in court the next day."
    assert [v[2] for v in vals(text, MID_JUNE)] == ["2023-05-02", "2023-05-03"]


def test_fiscal_quarter_that_ended_is_the_reported_period():
    # a fiscal fourth quarter that ended in August, reported in October
    text = ("The company earned $2 million for its fourth quarter ended Aug. 26. "
            "A year earlier it earned $1 million. The latest period included a gain.")
    out = vals(text, REPORT)
    assert out[0][:3] == ("fourth quarter", "DATE", "2023-Q4")
    assert ("A year earlier", "DATE", "2022-Q4", None) in out
    assert ("The latest period", "DATE", "2023-Q4", None) in out


def test_latest_fiscal_year_is_the_last_completed():
    assert vals("It had $6 billion in sales in the latest fiscal year.", REPORT) == [
        ("the latest fiscal year", "DATE", "2022", None)]


def test_a_later_date():
    assert vals("The plan will be financed at a later date.") == [("a later date", "DATE", "FUTURE_REF", None)]
    assert vals("The vote was put off to a future date.") == [("a future date", "DATE", "FUTURE_REF", None)]
