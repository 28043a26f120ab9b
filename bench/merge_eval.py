"""Merging reports of one happening across articles, on ECB+ (topics 1-35), through the HTTP API.

    .venv/bin/python bench/merge_eval.py                  # scores
    .venv/bin/python bench/merge_eval.py --errors 30      # ... and 30 wrong and 30 missed pairs
    .venv/bin/python bench/merge_eval.py --write-docs     # also update docs/benchmarks.md

Gold (events issue): every ``ACTION_*`` mention of an article belongs to a happening
instance, shared across the articles of a topic by ``CROSS_DOC_COREF``. Units are the
annotated sentences (coreference_sentences.csv). Two units of different articles of one
topic are "the same event" in the gold when they mention one happening instance; in the
service when one stored event has sources in both (a sentence's sources, mapped back by
offsets). Pairwise P = shared-event pairs that the gold confirms / shared-event pairs,
R = confirmed / gold pairs. Each topic holds two similar happenings (two rehab stays, two
earthquakes), so a merge of the wrong one counts against precision. Merges across topics
are always wrong; they are counted apart (the gold pairs are within topics).

Articles: the text is the article's tokens, detokenised the way the text was written (no
space before ``, . ;`` and after ``(``; ``4 : 59`` is ``4:59``), one sentence a line; an
``ecbplus`` file's sentence 0 (its URL) is sent as ``url``. ``published_at`` is the
article's own date line ("First Published: June 13, 2013 4:59 PM EDT", "Posted on Thu Jun
13, 2013 08:45 AM PDT"), parsed with dateparser and sent with its offset when it names a
zone (292 of the 772 articles have one).

Articles without a date line (all the original ECB ones and some ECB+ ones): a client should
omit ``published_at``, or send a date the corpus documents for the topic, and neither is
possible. ``POST /v1/articles`` requires ``published_at`` (422, "Missing data for required
field"): relative dates ("on Tuesday", "yesterday") and undated sentences are read against it,
there is no reading without one. The corpus README documents no date for a topic, and says
the articles have none ("ingest them with any fixed published_at"); a topic's two happenings
are often years apart, so the dates of its ECB+ articles are not its ECB articles' either.
So every undated article is sent with one fixed date, ``NO_DATE`` (``--undated-at`` to change
it), never one invented per article: two undated reports of a topic read "on Tuesday" as the
same Tuesday, and against a dated article an undated one's relative dates are arbitrary. The
figures are given for all pairs, for the pairs between two articles with a date line (the
ones no fixed date decides) and for the others.
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ECBPLUS = ROOT.parent / "shared" / "corpora" / "ecbplus"
DOCS_FILE = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- merge-eval:start -->", "<!-- merge-eval:end -->"
NO_DATE = "2010-01-01"


# ---------------------------------------------------------------- the corpus

@dataclass
class Article:
    topic: str
    name: str  # "1_10ecbplus"
    text: str
    spans: dict[int, tuple[int, int]]  # sentence number -> offsets in text
    url: str | None
    published_at: str | None  # from the date line, ISO 8601
    actions: dict[int, set[str]] = field(default_factory=dict)  # annotated sentence -> happening instances


_NO_SPACE_BEFORE = frozenset(", . ; : ! ? ) ] } % '' ’ 's ’s n't 're 've 'll 'd 'm".split())
_NO_SPACE_AFTER = frozenset("( [ { $ `` “ ‘ #".split())


def detokenise(tokens: list[str]) -> str:
    out = ""
    for i, token in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        glue = (not out or token in _NO_SPACE_BEFORE or prev in _NO_SPACE_AFTER
                or (token in ":/" and prev[-1:].isdigit() and tokens[i + 1:i + 2] and tokens[i + 1][:1].isdigit())
                or (prev in ":/" and token[:1].isdigit() and i > 1 and tokens[i - 2][-1:].isdigit())
                or token == "-" or prev == "-"
                or (prev == "’" and token == "s"))
        out += token if glue else " " + token
    return out


_DATEISH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
                      r"|\b\d{4}-\d\d-\d\d\b", re.IGNORECASE)
# what a date line may hold besides its date: labels, weekdays, times, zones, punctuation
_FILLER = re.compile(r"\b(?:first|published|posted|updated|last|edited|story|created|time|at|on|date|"
                     r"mon|tue|wed|thu|fri|sat|sun)[a-z]*\b"
                     r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
                     r"|\b\d+(?:st|nd|rd|th|am|pm)?\b|\b(?:am|pm)\b|(?-i:\b[A-Z]{2,4}\b)|GMT[+-]\d\d:?\d\d|[^\w\s]",
                     re.IGNORECASE)
_LABEL = re.compile(r"\b(?:first\s+)?(?:published|posted|updated|story\s+created|date)(?:\s+time)?"
                    r"(?:\s+(?:on|at))?\s*:?|^\s*on\b", re.IGNORECASE)
_LATER_PART = re.compile(r"\|.*|,?\s*\b(?:last\s+)?(?:updated|edited)\b.*", re.IGNORECASE)


def date_line(line: str) -> str | None:
    """The publication time a line states, as ISO 8601 (with its offset when it names a zone)."""
    import dateparser

    line = re.sub(r"\b([ap])\.\s*m\.", r"\1m", line, flags=re.IGNORECASE)
    if not _DATEISH.search(line) or len(line) > 100 or _FILLER.sub(" ", line).split():
        return None
    head = _LATER_PART.sub("", line)
    text = head if _DATEISH.search(head) else line.split("|")[0]
    text = _LABEL.sub(" ", text).replace("@", " ")
    text = re.sub(r"\s+at\s+", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\(\s*(GMT[+-]\d\d:?\d\d)\s*\)", r"\1", text).strip(" ,:")
    parsed = dateparser.parse(text, languages=["en"])
    if parsed is None:
        return None
    if not re.search(r"\d{1,2}:\d\d|\d\s*[ap]m\b", text, re.IGNORECASE):
        return parsed.date().isoformat()
    return parsed.isoformat()


def read_article(path: Path, annotated: set[int]) -> Article:
    root = ET.parse(path).getroot()
    sentences: dict[int, list[str]] = defaultdict(list)
    token_sentence = {}
    for token in root.iter("token"):
        number = int(token.get("sentence"))
        sentences[number].append(token.text or "")
        token_sentence[token.get("t_id")] = number
    name = path.stem
    url = None
    numbers = sorted(sentences)
    if name.endswith("ecbplus") and numbers and sentences[numbers[0]][0].lower().startswith("http"):
        url = "".join(sentences[numbers[0]])
        numbers = numbers[1:]
    lines, spans, pos = [], {}, 0
    published_at = None
    for number in numbers:
        line = detokenise(sentences[number])
        if published_at is None and len(lines) < 3:
            published_at = date_line(line)
        spans[number] = (pos, pos + len(line))
        lines.append(line)
        pos += len(line) + 1
    article = Article(path.parent.name, name, "\n".join(lines), spans, url, published_at)
    # happening instances of each annotated sentence
    markables = root.find("Markables")
    instance_of_target = {m.get("m_id"): m.get("instance_id") for m in markables if m.get("instance_id")}
    action_sentence = {}
    for m in markables:
        anchors = [a.get("t_id") for a in m.iter("token_anchor")]
        if m.tag.startswith("ACTION_") and anchors:
            action_sentence[m.get("m_id")] = token_sentence[anchors[0]]
    for relation in root.find("Relations"):
        if relation.tag not in ("CROSS_DOC_COREF", "INTRA_DOC_COREF"):
            continue
        target = relation.find("target").get("m_id")
        instance = instance_of_target.get(target) or relation.get("note")
        for source in relation.iter("source"):
            sentence = action_sentence.get(source.get("m_id"))
            if sentence is not None and sentence in annotated and instance:
                article.actions.setdefault(sentence, set()).add(instance)
    return article


def read_corpus() -> list[Article]:
    annotated: dict[str, set[int]] = defaultdict(set)
    with open(ECBPLUS / "coreference_sentences.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            annotated[f"{row['Topic']}_{row['File']}"].add(int(row["Sentence Number"]))
    out = []
    for path in sorted((ECBPLUS / "docs").glob("*/*.xml")):
        out.append(read_article(path, annotated.get(path.stem, set())))
    return out


# ---------------------------------------------------------------- the service

def make_client(workdir: Path):
    from timeline_api import create_app
    from timeline_api.store.migrate import upgrade

    url = f"sqlite:///{workdir / 'timeline.db'}"
    upgrade(url)
    app = create_app({"database_url": url, "rate_limits_enabled": False, "log_level": "WARNING"})
    return app.test_client()


def ingest(client, articles: list[Article], no_date: str = NO_DATE) -> dict[int, Article]:
    urls = defaultdict(int)
    for a in articles:
        urls[a.url] += 1
    by_id = {}
    for a in articles:
        body = {"text": a.text, "published_at": a.published_at or no_date, "external_id": f"ecbplus-{a.name}"}
        if a.url and urls[a.url] == 1 and len(a.url) < 2048:
            body["url"] = a.url
        response = client.post("/v1/articles", json=body)
        if response.status_code not in (200, 201):
            raise RuntimeError(f"ingest of {a.name} failed: {response.status_code} {response.get_json()}")
        by_id[response.get_json()["id"]] = a
    return by_id


def unit_events(client, by_id: dict[int, Article]) -> dict[tuple[str, int], set[int]]:
    """(article, annotated sentence) -> the ids of the events with a source in it."""
    out: dict[tuple[str, int], set[int]] = defaultdict(set)
    cursor = None
    while True:
        query = "/v1/timeline?limit=500" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(query).get_json()
        for event in body["events"]:
            for source in event["sources"]:
                article = by_id[source["article_id"]]
                for number in article.actions:
                    a, b = article.spans[number]
                    if source["start"] < b and a < source["end"]:
                        out[(article.name, number)].add(event["id"])
        cursor = body["next_cursor"]
        if not cursor:
            return out


# ---------------------------------------------------------------- scoring

@dataclass
class Pairs:
    gold: int = 0
    system: int = 0
    right: int = 0
    wrong: list = field(default_factory=list)
    missed: list = field(default_factory=list)

    @property
    def scores(self) -> tuple[float, float, float]:
        p = self.right / self.system if self.system else 0.0
        r = self.right / self.gold if self.gold else 0.0
        return 100 * p, 100 * r, 100 * (2 * p * r / (p + r) if p + r else 0.0)


def score(articles: list[Article], events: dict[tuple[str, int], set[int]]) -> tuple[Pairs, Pairs, Pairs, int]:
    """(all pairs, pairs between dated articles, pairs with an undated article, shared-event pairs
    across topics)."""
    everything, dated, undated = Pairs(), Pairs(), Pairs()
    by_topic = defaultdict(list)
    for a in articles:
        for number, instances in a.actions.items():
            by_topic[a.topic].append((a, number, instances))
    for units in by_topic.values():
        for (a, i, gi), (b, j, gj) in combinations(units, 2):
            if a.name == b.name:
                continue
            gold = bool(gi & gj)
            system = bool(events.get((a.name, i), set()) & events.get((b.name, j), set()))
            for pairs in (everything, dated if a.published_at and b.published_at else undated):
                pairs.gold += gold
                pairs.system += system
                pairs.right += gold and system
                if system and not gold:
                    pairs.wrong.append((a, i, b, j))
                elif gold and not system:
                    pairs.missed.append((a, i, b, j))
    topic_of = {a.name: a.topic for a in articles}
    units_of_event = defaultdict(set)
    for (name, number), ids in events.items():
        for event_id in ids:
            units_of_event[event_id].add((name, number))
    across = 0
    for units in units_of_event.values():
        for (a, _), (b, _) in combinations(sorted(units), 2):
            across += topic_of[a] != topic_of[b]
    return everything, dated, undated, across


# ---------------------------------------------------------------- report

def report(articles, everything: Pairs, dated: Pairs, undated: Pairs, across: int, seconds: float,
           no_date: str = NO_DATE) -> str:
    n_dated = sum(1 for a in articles if a.published_at)
    rows = [
        "## Merging across sources on ECB+",
        "",
        f"ECB+ topics 1-35 ({len(articles)} articles, {n_dated} with a date line used as `published_at`, the "
        f"others all at one fixed {no_date}: the API requires a `published_at` and the corpus documents none), "
        "ingested through the HTTP API of a test app (Flask test client, SQLite); "
        "pairwise \"same event\" between annotated sentences of different articles of a topic "
        "(bench/merge_eval.py has the details). Made by:",
        "",
        "```\n.venv/bin/python bench/merge_eval.py --write-docs\n```",
        "",
        "| pairs | gold pairs | merged pairs | right | P | R | F1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, pairs in (("all", everything), ("both articles dated", dated), ("an article undated", undated)):
        p, r, f = pairs.scores
        rows.append(f"| {label} | {pairs.gold} | {pairs.system} | {pairs.right} | {p:.1f} | {r:.1f} | {f:.1f} |")
    rows += [
        "",
        f"Merged pairs across topics (always wrong, not in the table): {across}. Run time {seconds:.0f} s "
        f"({os.cpu_count()} cores shared, Python {sys.version.split()[0]}). Targets: precision ≥ 80, "
        "recall ≥ 40 (events issue).",
    ]
    return "\n".join(rows)


def write_docs(text: str) -> None:
    content = DOCS_FILE.read_text(encoding="utf-8")
    block = f"{START}\n{text}\n{END}"
    if START in content:
        content = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, content, flags=re.S)
    else:
        content = content.rstrip("\n") + "\n\n" + block + "\n"
    DOCS_FILE.write_text(content, encoding="utf-8")


def _line(article: Article, number: int) -> str:
    a, b = article.spans[number]
    return f"{article.name}#{number} [{article.published_at}] {article.text[a:b][:160]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong and missed pairs")
    parser.add_argument("--dates", action="store_true", help="list the date lines found and exit")
    parser.add_argument("--undated-at", default=NO_DATE, metavar="DATE",
                        help=f"the published_at sent for articles without a date line (default {NO_DATE}): "
                             "the API requires one (see the module docstring)")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    articles = read_corpus()
    if args.dates:
        for a in articles:
            first = a.text.split("\n")[:3]
            print(f"{a.name:16} {a.published_at or '-':28} {' | '.join(first)[:120]}")
        return
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        client = make_client(Path(tmp))
        by_id = ingest(client, articles, args.undated_at)
        everything, dated, undated, across = score(articles, unit_events(client, by_id))
    text = report(articles, everything, dated, undated, across, time.perf_counter() - started, args.undated_at)
    print(text)
    if args.errors:
        print("\nWrong merges:")
        for a, i, b, j in everything.wrong[:args.errors]:
            print("  " + _line(a, i) + "\n  = " + _line(b, j))
        print("\nMissed:")
        for a, i, b, j in everything.missed[:args.errors]:
            print("  " + _line(a, i) + "\n  ~ " + _line(b, j))
    if args.write_docs:
        write_docs(text)


if __name__ == "__main__":
    main()
