"""Sentence splitting with offsets into the original text."""
from __future__ import annotations

from timeline_api.pipeline.sentences import split_sentences


def _texts(text):
    return [s.text for s in split_sentences(text)]


def test_offsets_index_the_original_text():
    text = "  First one here.  Second one?\n\nThird, in a new paragraph!  "
    sentences = split_sentences(text)
    assert [text[s.start:s.end] for s in sentences] == [s.text for s in sentences]
    assert [s.text for s in sentences] == ["First one here.", "Second one?", "Third, in a new paragraph!"]
    assert [s.paragraph for s in sentences] == [0, 0, 1]


def test_abbreviations_and_initials_do_not_end_sentences():
    text = "Mr. Smith met U.S. envoys on Jan. 5 in St. Louis. J. R. Jones was there too."
    assert _texts(text) == ["Mr. Smith met U.S. envoys on Jan. 5 in St. Louis.", "J. R. Jones was there too."]


def test_closing_quotes_stay_with_their_sentence():
    text = '"We will not stop," he said. "Never."'
    assert _texts(text) == ['"We will not stop," he said.', '"Never."']


def test_line_breaks_split_headlines_and_paragraphs_but_not_soft_wraps():
    text = ("Drone attack reported\nOfficials said little about the overnight strike on the oil depot near\n"
            "the port, which burned for hours.\nA second paragraph followed.")
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Drone attack reported",
        "Officials said little about the overnight strike on the oil depot near\nthe port, which burned for hours.",
        "A second paragraph followed."]
    assert [s.paragraph for s in sentences] == [0, 1, 2]


def test_lowercase_words_that_look_like_abbreviations_still_end_sentences():
    assert _texts("They sat in the sun. Then it rained. He said no. She left.") == [
        "They sat in the sun.", "Then it rained.", "He said no.", "She left."]


def test_company_suffix_ends_a_sentence_only_before_a_capital():
    assert _texts("Shares of Acme Inc. rose. Analysts were surprised.") == [
        "Shares of Acme Inc. rose.", "Analysts were surprised."]
    assert _texts("He joined Acme Inc. The firm grew.") == ["He joined Acme Inc.", "The firm grew."]


def test_runs_of_dots_end_a_sentence_once_and_never_inside_the_run():
    assert _texts("He paused..... Then he left. Ellipses...and more.") == [
        "He paused.....", "Then he left.", "Ellipses...and more."]
    # a run of dots with no space after it is no boundary at all, however long
    assert _texts("." * 5000 + "x") == ["." * 5000 + "x"]


def test_an_abbreviation_is_read_back_only_to_its_own_start():
    # "A." initials do not end sentences however many there are; the word is "A", not the whole run
    text = "A. " * 300 + "Jones won. Smith lost."
    assert _texts(text) == [("A. " * 300 + "Jones won."), "Smith lost."]
    # letters and dots glued to a longer word are one word: "xU.S." is not the abbreviation "U.S"
    assert _texts("They met xU.S. Then they left.") == ["They met xU.S.", "Then they left."]
    assert _texts('"Mr." He said.') == ['"Mr." He said.']
