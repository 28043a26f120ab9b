"""The rules that decide across articles when two reports are one happening (pipeline/merging.py),
each on our own sentences."""
from __future__ import annotations

import datetime as dt

from timeline_api.pipeline import merging
from timeline_api.pipeline.merging import MergeView, decide, fold, signature, wording

DAY = dt.datetime(2024, 5, 14)
NEXT_DAY = DAY + dt.timedelta(days=1)


def _view(text: str, *entities: str, start: dt.datetime = DAY, inferred: bool = False) -> MergeView:
    return MergeView(start, start + dt.timedelta(days=1), 4, frozenset(entities), signature(text), inferred)


def test_fold_joins_inflections_and_the_words_of_one_kind_of_happening():
    assert fold("checked") == fold("checking") == fold("check") == "check"
    assert fold("stopped") == "stop"
    assert fold("seized") == fold("hijacked") == "hijack"  # "seiz" + e is in a family
    assert fold("earthquake") == fold("quake") == fold("temblor")
    assert fold("detained") == fold("arrested") == fold("custody") == "arrest"
    assert fold("murdered") == fold("shot") == fold("killing") == "kill"
    assert fold("used") == "used" and fold("red") == "red"  # too short a stem to cut


def test_a_shared_happening_merges_differently_worded_reports_of_the_same_day():
    a = _view("Police detained the ferry captain.", "city:piraeus")
    b = _view("The captain was arrested at the port of Piraeus late on Tuesday.", "city:piraeus")
    assert wording(a.words, b.words) is None  # one word in common as written
    decision = decide(a, b)  # "captain" and detained/arrested: two of the shorter's four, one a happening
    assert decision is not None and "('arrest')" in decision.reason
    other = _view("The captain was praised at the port of Piraeus late on Tuesday.", "city:piraeus")
    assert decide(a, other) is None  # "captain" alone


def test_distinct_happenings_of_the_same_actor_on_the_same_day_stay_apart():
    rehab = _view("Singer Mara Quill checked into a rehab clinic in Malibu.", "per:mara_quill")
    lawyer = _view("Mara Quill hired a new lawyer for her probation hearing.", "per:mara_quill")
    assert decide(rehab, lawyer) is None
    quake = _view("An earthquake shook Ardel province, officials said.", "prov:ardel")
    flood = _view("Floods cut roads in Ardel province after the storm.", "prov:ardel")
    assert decide(quake, flood) is None  # two families, none in common


RECALL = ("Vantor Motors will recall sedans over faulty brakes, the company said in a statement to investors "
          "and dealers.")
RECALLING = ("Vantor said on Tuesday it is recalling Strada sedans built since 2021 after drivers reported brake "
             "failures.")


def test_two_shared_entities_lower_the_wording_needed_to_three_tenths():
    # four shared words (brake, recall, sedan, vantor) of the shorter's ten: 0.4
    assert decide(_view(RECALL, "org:vantor"), _view(RECALLING, "org:vantor")) is None
    decision = decide(_view(RECALL, "org:vantor", "product:strada"), _view(RECALLING, "org:vantor", "product:strada"))
    assert decision is not None and decision.reason.startswith("2 shared entities")


def test_the_looser_wordings_need_the_same_day_not_only_the_report_window():
    explicit = _view("Police detained the ferry captain.", "city:piraeus")
    text = "The captain was arrested at the port of Piraeus."
    assert decide(explicit, _view(text, "city:piraeus", start=NEXT_DAY, inferred=True)) is None  # base rule only
    assert decide(explicit, _view(text, "city:piraeus", inferred=True)) is not None  # the same day


def test_within_one_article_only_the_base_rule_on_the_words_as_written():
    a = _view("Police detained the ferry captain.", "city:piraeus")
    b = _view("The captain was arrested at the port of Piraeus late on Tuesday.", "city:piraeus")
    assert decide(a, b, across=False) is None
    c = _view("Inspectors checked the ferry in Piraeus.", "city:piraeus")
    d = _view("Inspectors were checking lifeboats and cabins at Piraeus.", "city:piraeus")
    assert decide(c, d, across=False) is None  # "checked" and "checking" are two words within an article
    assert decide(c, d) is not None  # and one across articles: three of the shorter's four


def test_every_reason_fits_the_column_that_stores_it():
    from timeline_api.store.models import Event

    assert merging.REASON_MAX_CHARS == Event.__table__.c.merge_reason.type.length
    longest_family = max(merging.HAPPENING_FAMILIES, key=len)
    family_words = frozenset(merging.HAPPENING_FAMILIES[longest_family].split())
    many = frozenset(f"entity{i}" for i in range(120))  # more shared entities than any report has
    words = frozenset(f"word{i:04d}" for i in range(1000)) | family_words
    day = dt.datetime(2024, 3, 2)
    a = MergeView(day, day + dt.timedelta(days=1), 4, many, words)
    b = MergeView(day, day + dt.timedelta(days=1), 4, many, frozenset(list(family_words)[:1]) | {"word0001"})
    decision = merging.decide(a, b)
    assert decision is not None and len(decision.reason) <= merging.REASON_MAX_CHARS
