"""HTML pages and TimeML documents give the plain text the pipeline reads."""
from __future__ import annotations

import datetime as dt

import pytest

from timeline_api.pipeline.markup import html_to_text, looks_like_markup, timeml_to_text

PAGE = """<!DOCTYPE html><html><head><title>Port  closed &amp; reopened</title>
<style>p { color: red }</style><script>var tracking = "3 May 2023";</script></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<h1>Port closed</h1><p>The port of Lagos closed on <b>2 July 2022</b>,
officials said.</p><p>It reopened&nbsp;on 5&#160;July.<br>Ships queued for days.</p>
<footer>© Example News</footer></body></html>"""


def test_a_page_gives_its_paragraphs_without_scripts_styles_or_navigation():
    document = html_to_text(PAGE)
    assert document.title == "Port closed & reopened"
    assert document.text.split("\n\n") == [
        "Port closed", "The port of Lagos closed on 2 July 2022, officials said.",
        "It reopened on 5 July. Ships queued for days.", "© Example News"]  # no-break spaces as spaces
    assert "tracking" not in document.text and "color" not in document.text and "Home" not in document.text


def test_a_timeml_document_gives_its_text_and_its_creation_date():
    document = timeml_to_text(
        '<TimeML><DOCID>wsj_0001</DOCID><DCT><TIMEX3 tid="t0" type="DATE" value="1998-01-08" '
        'functionInDocument="CREATION_TIME">01/08/98</TIMEX3></DCT><TEXT>Stocks <EVENT eid="e1" class="OCCURRENCE">'
        'fell</EVENT> <TIMEX3 tid="t1" type="DATE" value="1998-01-07">yesterday</TIMEX3>.</TEXT></TimeML>')
    assert document.text == "Stocks fell yesterday."
    assert document.published_at == dt.datetime(1998, 1, 8) and document.title == "wsj_0001"


@pytest.mark.parametrize("markup", ["<TimeML><DOCID>x</DOCID></TimeML>", "<TimeML><TEXT>unclosed"])
def test_what_is_not_timeml_is_refused_with_the_reason(markup):
    with pytest.raises(ValueError, match="TimeML"):
        timeml_to_text(markup)


@pytest.mark.parametrize(("text", "markup"), [
    (PAGE, True),
    ("<p>One.</p><p>Two.</p><p>Three.</p>", True),
    ("Profits rose 3% as x < y and y > z, the company said on 3 May.", False),
    ("He wrote <b>bold</b> claims. " + "The letter went on at length. " * 60, False),  # a stray tag in prose
])
def test_markup_is_told_from_prose_with_angle_brackets(text, markup):
    assert looks_like_markup(text) is markup
