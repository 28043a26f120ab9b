"""Article text out of markup: HTML pages and TimeML documents become the plain text the
pipeline reads (offsets then index that text, which is what is stored).

Pure Python on the standard library's parsers: no network, no third-party cleaner.
"""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser

# Elements whose content is not article text.
_SKIPPED = frozenset("script style noscript template svg canvas iframe object head nav aside form button".split())
# Elements that start a new paragraph.
_BLOCKS = frozenset("""address article blockquote dd div dl dt figcaption figure footer h1 h2 h3 h4 h5 h6 header
hr li main ol p pre section table td th tr ul""".split())
# Void elements never close, so they must not open a skipped region.
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# A tag as HTML and TimeML write them: "<p>", "</div>", "<TIMEX3 tid=...>", "<!DOCTYPE html>".
_TAG = re.compile(r"<(?:!doctype|/?[a-z][a-z0-9]*(?:\s[^<>]*)?/?)>", re.IGNORECASE)
# Markup is assumed when tags are this dense: a few per thousand characters is prose about
# markup or a stray "<b>", not a page.
_TAGS_PER_KCHAR = 2


@dataclass(frozen=True)
class Document:
    text: str
    title: str | None = None
    published_at: dt.datetime | None = None


def looks_like_markup(text: str) -> bool:
    """Whether ``text`` is an HTML page or TimeML rather than plain text with a stray '<'."""
    tags = len(_TAG.findall(text, 0, 20_000))
    return tags >= 3 and tags * 1000 >= _TAGS_PER_KCHAR * min(len(text), 20_000)


class _TextCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title_parts: list[str] = []
        self._skipping: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        if tag == "title":
            self._in_title = True
        elif tag in _SKIPPED and tag not in _VOID:
            self._skipping.append(tag)
        if tag in _BLOCKS or tag == "br":
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag):
        tag = tag.lower()
        if tag == "title":
            self._in_title = False
        elif self._skipping and tag == self._skipping[-1]:
            self._skipping.pop()
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._in_title:
            self.title_parts.append(data)
        elif not self._skipping:
            self.parts.append(data)


def _tidy(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.split("\n")]
    paragraphs, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def html_to_text(markup: str) -> Document:
    """The readable text of an HTML page (or any tagged text), one paragraph per block,
    entities decoded, scripts, styles and navigation left out; its <title> as the title."""
    collector = _TextCollector()
    collector.feed(markup)
    collector.close()
    title = " ".join("".join(collector.title_parts).split()) or None
    return Document(_tidy("".join(collector.parts)), title)


def timeml_to_text(markup: str) -> Document:
    """A TimeML document (TimeBank, AQUAINT): the text of <TEXT> without its tags, and the
    document creation time (<DCT>) as the publication date. ValueError if it is not one."""
    try:
        root = ET.fromstring(markup)
    except ET.ParseError as exc:
        raise ValueError(f"not well-formed TimeML ({exc})") from None
    body = root.find(".//TEXT")
    if body is None:
        raise ValueError("TimeML without a <TEXT> element")
    dct = root.find(".//DCT/TIMEX3")
    published = None
    if dct is not None and dct.get("value"):
        try:
            published = dt.datetime.fromisoformat(dct.get("value")[:10])
        except ValueError:
            published = None
    title = root.findtext(".//TITLE") or root.findtext(".//DOCID")
    return Document("".join(body.itertext()).strip(), " ".join(title.split()) if title else None, published)
