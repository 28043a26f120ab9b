"""What concurrent ingests take turns on before find-or-create (see service._merge_lock_keys)."""
import datetime as dt

from timeline_api.pipeline import analyse_article
from timeline_api.service import _merge_lock_keys

PUBLISHED = dt.datetime(2024, 2, 16)


def keys(text):
    return _merge_lock_keys([draft.merge_view() for draft in analyse_article(text, PUBLISHED).events])


def test_reports_of_one_happening_share_a_key_whatever_their_precision():
    day = keys("A car bomb exploded in Kirkuk on 10 February 2024, killing four people.")
    month = keys("A car bomb exploded in Kirkuk in February 2024, killing four people.")
    assert day & month
    assert all(k.endswith("@2024") for k in day)


def test_reports_of_other_years_or_places_do_not_wait_for_each_other():
    kirkuk = keys("A car bomb exploded in Kirkuk on 10 February 2024, killing four people.")
    assert not kirkuk & keys("A car bomb exploded in Kirkuk on 10 February 2019, killing four people.")
    assert not kirkuk & keys("A car bomb exploded in Lyon on 10 February 2024, killing four people.")


def test_a_decade_takes_its_years_and_a_century_one_wide_key():
    # the ten years, and the neighbouring ones the report window's week reaches into
    assert len(keys("Kirkuk grew fast in the 1990s, officials said.")) == 12
    assert all(k.endswith("@wide") for k in keys("Kirkuk grew fast in the 19th century, officials said."))
