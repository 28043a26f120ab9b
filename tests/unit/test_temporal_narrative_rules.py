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
