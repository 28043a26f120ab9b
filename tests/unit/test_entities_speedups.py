"""The matcher's speed-ups change nothing it finds: the garbage-collector pause is undone
whatever happens, the per-document token lists agree with the tokens, and the shortcuts
(headline pre-checks, the gazetteer's two-word prefixes) give what the plain rules give."""
from __future__ import annotations

import gc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline_api.entities import EntityMatcher
from timeline_api.entities import lexicon as L
from timeline_api.entities.document import Document
from timeline_api.entities.gazetteer import NAME, Gazetteer
from timeline_api.entities.runs import headline_tokens
from timeline_api.entities.tokens import tokenize

TEXT = ("MOSCOW — Apple Inc. said on Monday that Steve Jobs would speak in Paris.\n"
        "Apple Unveils New iPhone In Paris Today\n"
        "He said the company's iPhone 4 sold well in the U.S. It was a record.")

WORDS = ["Apple", "the", "The", "Unveils", "New", "iPhone", "4", "in", "In", "of", "and", "Paris",
         "Jobs", "said", ".", ",", "!", "\n", "\n", "Bank", "America", "U.S.", "MOSCOW", "—", "a", "X"]


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_paused_during_find_and_back_on_after(collector_on):
    matcher = EntityMatcher.default().without(())
    seen = []
    matcher._steps = (lambda doc: seen.append(gc.isenabled()), *matcher._steps)
    mentions = matcher.find(TEXT)
    assert seen == [False]
    assert gc.isenabled()
    assert {m.text for m in mentions} >= {"Apple", "Steve Jobs", "Paris"}


def test_a_collector_switched_off_by_the_caller_stays_off(collector_on):
    gc.disable()
    EntityMatcher.default().find(TEXT)
    assert not gc.isenabled()


def test_the_collector_comes_back_when_a_component_fails(collector_on):
    matcher = EntityMatcher.default().without(())

    def broken(doc):
        raise RuntimeError("component failed")

    matcher._steps = (broken,)
    with pytest.raises(RuntimeError):
        matcher.find(TEXT)
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        matcher.analyse(TEXT)
    assert gc.isenabled()


def test_without_the_pause_the_collector_runs_and_the_mentions_are_the_same(collector_on):
    paused = EntityMatcher.default()
    running = paused.without(())
    running.pause_gc = False
    seen = []
    running._steps = (lambda doc: seen.append(gc.isenabled()), *running._steps)
    assert running.find(TEXT) == paused.find(TEXT)
    assert seen == [True]
    assert paused.without(()).pause_gc and not EntityMatcher(paused._g, pause_gc=False).without(()).pause_gc


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=50), st.text(max_size=20))
def test_document_lists_agree_with_the_tokens(words, noise):
    text = " ".join(words) + noise
    doc = Document(text, tokenize(text), EntityMatcher.default()._g)
    assert doc.texts == [t.text for t in doc.tokens]
    assert doc.starts == [t.start for t in doc.tokens]
    assert doc.sents == [t.sent for t in doc.tokens]
    assert doc.capitalised == [k for k, t in enumerate(doc.tokens) if t.text[:1].isupper()]


def _plain_headline_tokens(doc: Document) -> set[int]:
    """The headline rule without its quick rejections."""
    toks = doc.tokens
    bounds = [0]
    pos = doc.text.find("\n")
    while pos != -1:
        k = doc.token_at(pos)
        if k > bounds[-1]:
            bounds.append(k)
        pos = doc.text.find("\n", pos + 1)
    bounds.append(len(toks))
    out: set[int] = set()
    skip = L.CONNECTORS | L.HEADLINE_SMALL_WORDS
    for start, k in zip(bounds, bounds[1:], strict=False):
        if k <= start:
            continue
        words = [t.text for t in toks[start:k] if t.text[0].isalpha() and t.text not in skip]
        need = 4 if toks[k - 1].text not in (".", "!", "?", '"', "”") else 8
        if len(words) >= need and sum(1 for w in words if w[0].isupper()) >= 0.8 * len(words):
            out.update(range(start, k))
    return out


def test_a_title_case_line_is_a_headline():
    doc = Document(TEXT, tokenize(TEXT), EntityMatcher.default()._g)
    line = TEXT.split("\n")[1]
    start = TEXT.index(line)
    assert {k for k in headline_tokens(doc)} == {k for k, t in enumerate(doc.tokens)
                                                 if start <= t.start < start + len(line)}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60))
def test_headline_quick_rejections_change_nothing(words):
    text = " ".join(words)
    doc = Document(text, tokenize(text), EntityMatcher.default()._g)
    assert headline_tokens(doc) == _plain_headline_tokens(doc)


def test_two_word_prefixes_follow_the_names_added():
    g = Gazetteer()
    g.add_name("the Hague", "geonames:1", NAME, 10)
    g.add_name("the Port of Rotterdam", "landmark:port-of-rotterdam", NAME, 10)
    g.add_name("Paris", "geonames:2", NAME, 10)
    assert g.pairs == {("the", "Hague"): 2, ("the", "Port"): 4}
    d = g.derive()
    d.add_name("the Hague Tribunal", "org:hague-tribunal", NAME, 20)
    assert d.pairs.get(("the", "Hague")) == 3 and g.pairs[("the", "Hague")] == 2
    assert d.pairs.get(("the", "Port")) == 4


def test_a_name_added_later_is_found_after_its_first_two_words():
    matcher = EntityMatcher.default()
    from timeline_api.entities.types import Entity

    extra = Entity(key="org:the-quiet-harbour-trust", name="the Quiet Harbour Trust", kind="organization")
    found = matcher.with_entities([extra]).find("Money went to the Quiet Harbour Trust on Monday.")
    assert any(m.entity.key == extra.key and m.text == "the Quiet Harbour Trust" for m in found)


def test_calls_in_several_threads_leave_the_collector_on(collector_on):
    import threading

    matcher = EntityMatcher.default()
    texts = [TEXT * (k + 1) for k in range(6)]
    results: dict[int, list] = {}

    def work(k: int) -> None:
        results[k] = matcher.find(texts[k])

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert gc.isenabled()
    assert all(results[k] == matcher.find(texts[k]) for k in range(6))
