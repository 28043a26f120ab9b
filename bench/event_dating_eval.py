"""Event dating on TBAQ, through the HTTP API of a test app.

    .venv/bin/python bench/event_dating_eval.py                # scores
    .venv/bin/python bench/event_dating_eval.py --errors 40    # ... and the first 40 wrong sentences
    .venv/bin/python bench/event_dating_eval.py --write-docs   # also update docs/benchmarks.md

Gold (events issue, ../shared/corpora/README.md "Event dating on TBAQ"): a TimeML
EVENT instance has a date when a TLINK anchors it inside a DATE or TIME timex, or the
document creation time ``t0``: ``IS_INCLUDED`` (event in time), ``INCLUDES`` read from
the time's side, ``DURING``, ``SIMULTANEOUS``, ``BEGINS``, ``ENDS``. Only values the
calendar can place count (``1998-01-08``, ``1998-W02``, ``1998-Q1``, ``1998-01-08TEV``);
``PRESENT_REF`` or ``XXXX-05`` date nothing.

``t0`` counts at day precision: the AQUAINT wires give it to the minute
(``1999-01-22T13:06``), and "the official said" is on the wire's day, not at the
minute it was filed. Articles are ingested with ``published_at`` = the full DCT.

Sentences: the gold event's sentence, cut by the fixed segmenter below (punctuation
before a capital, blank lines; the abbreviations of news prose and initials do not end
one), the same for every system and every run, and independent of the service's own
splitter. A gold sentence's answer is the service's most confident event with a source
overlapping it; it is right when its ``date.value`` starts with one of the sentence's gold
values at that value's precision (finer is fine): for gold forms that are not prefixes of
a day (weeks, quarters, parts of the day) the event's interval must lie inside the gold's.
P = right / sentences the service dated, R = right / gold sentences.

Each document is ingested with ``published_at`` = its DCT into a fresh SQLite database
through a Flask test client (the same views, schemas and service as production).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tbaq import Document, read_corpus  # noqa: E402

from timeline_api.temporal.calendar import interval_of  # noqa: E402

START, END = "<!-- event-dating-eval:start -->", "<!-- event-dating-eval:end -->"
DOCS_FILE = ROOT / "docs" / "benchmarks.md"

ANCHORING = ("IS_INCLUDED", "DURING", "SIMULTANEOUS", "BEGINS", "ENDS")


# ---------------------------------------------------------------- gold

_ABBREVIATIONS = frozenset("""mr mrs ms dr prof sr jr st gen col lt sgt capt maj adm gov sen rep rev
jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n no vs corp inc co ltd""".split())
_END = re.compile(r"[.!?]+[\"'’”)]*(?=\s+[\"'“‘(`]*[A-Z0-9])|\n[ \t]*\n")


def gold_sentences(text: str) -> list[tuple[int, int]]:
    """The harness's fixed sentence spans of a TBAQ text."""
    spans, start = [], 0
    for m in _END.finditer(text):
        if m.group().startswith("."):
            word = re.search(r"([A-Za-z.]+)$", text[max(0, m.start() - 12):m.start()])
            if word and (word.group(1).lower().strip(".") in _ABBREVIATIONS or len(word.group(1)) == 1):
                continue
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


@dataclass
class GoldSentence:
    start: int
    end: int
    values: set[str] = field(default_factory=set)
    values_t0_as_given: set[str] = field(default_factory=set)  # t0 at the wire's minute
    events: list[str] = field(default_factory=list)  # the anchored event words, for error lists


def anchored_values(doc: Document, t0_as_given: bool = False) -> dict[str, set[str]]:
    """eid -> the calendar values its instances are anchored in."""
    times = {t.attrs.get("tid"): t for t in doc.timexes}
    # t0 of the AQUAINT wires carries the wire's minute ("1999-01-22T13:06"); an event
    # included in the document time is on the document's day, not at that minute
    values: dict[str, str] = {"t0": doc.dct_value if t0_as_given else doc.dct_value[:10]}
    for tid, t in times.items():
        if t.type in ("DATE", "TIME"):
            values[tid] = t.value
    out: dict[str, set[str]] = {}
    for link in doc.tlinks:
        rel = link.get("relType", "")
        if "eventInstanceID" in link and "relatedToTime" in link:
            eiid, tid = link["eventInstanceID"], link["relatedToTime"]
            ok = rel in ANCHORING
        elif "timeID" in link and "relatedToEventInstance" in link:
            eiid, tid = link["relatedToEventInstance"], link["timeID"]
            ok = rel in ANCHORING or rel == "INCLUDES"  # the time includes the event
            ok = ok and rel != "IS_INCLUDED"
        else:
            continue
        value = values.get(tid)
        eid = doc.instances.get(eiid)
        if ok and eid and value and interval_of(value) is not None:
            out.setdefault(eid, set()).add(value)
    return out


def gold_for(doc: Document) -> list[GoldSentence]:
    anchored = anchored_values(doc)
    as_given = anchored_values(doc, t0_as_given=True)
    sentences = [GoldSentence(a, b) for a, b in gold_sentences(doc.text)]
    starts = [s.start for s in sentences]
    from bisect import bisect_right
    for event in doc.events:
        if event.eid not in anchored:
            continue
        i = bisect_right(starts, event.start) - 1
        if i >= 0 and event.start < sentences[i].end:
            sentences[i].values |= anchored[event.eid]
            sentences[i].values_t0_as_given |= as_given[event.eid]
            sentences[i].events.append(event.text)
    return [s for s in sentences if s.values]


def is_right(value: str, start: str, end: str, gold: str) -> bool:
    """The event's date agrees with a gold value at the gold's precision (finer is fine)."""
    if value.startswith(gold) and (len(value) == len(gold) or not value[len(gold)].isdigit()):
        return True
    span = interval_of(gold)
    if span is None:
        return False
    (g_start, g_end), _ = span
    # the API gives the wall clock of the source with its offset; gold intervals are wall-clock times
    start_, end_ = (dt.datetime.fromisoformat(x).replace(tzinfo=None) for x in (start, end))
    return g_start <= start_ and end_ <= g_end


# ---------------------------------------------------------------- the service

def make_client(workdir: Path):
    from timeline_api import create_app
    from timeline_api.store.migrate import upgrade

    url = f"sqlite:///{workdir / 'timeline.db'}"
    upgrade(url)
    app = create_app({"database_url": url, "rate_limits_enabled": False, "log_level": "WARNING"})
    return app.test_client()


def article_events(client, doc: Document) -> tuple[int, list[dict]]:
    response = client.post("/v1/articles", json={
        "text": doc.text, "published_at": doc.dct_value, "external_id": f"tbaq-{doc.doc_id}"})
    if response.status_code not in (200, 201):
        raise RuntimeError(f"ingest of {doc.doc_id} failed: {response.status_code} {response.get_json()}")
    body = response.get_json()
    return body["id"], body["events"]


def answers(article_id: int, events: list[dict], sentences: list[GoldSentence]) -> list[dict | None]:
    """For each gold sentence, the most confident event with a source of this article overlapping it
    (an event merged across articles has sources elsewhere too)."""
    out: list[dict | None] = []
    for s in sentences:
        best = None
        for event in events:
            if any(src["article_id"] == article_id and src["start"] < s.end and s.start < src["end"]
                   for src in event["sources"]):
                if best is None or event["confidence"] > best["confidence"]:
                    best = event
        out.append(best)
    return out


@dataclass
class Tally:
    gold: int = 0
    dated: int = 0
    right: int = 0
    errors: list = field(default_factory=list)
    records: list = field(default_factory=list)  # one per gold sentence, for --dump
    by_source: Counter = field(default_factory=Counter)  # (explicit|inferred, right?) -> n
    right_t0_as_given: int = 0

    @property
    def scores(self) -> tuple[float, float, float]:
        p = self.right / self.dated if self.dated else 0.0
        r = self.right / self.gold if self.gold else 0.0
        return 100 * p, 100 * r, 100 * (2 * p * r / (p + r) if p + r else 0.0)


def pipeline_events(doc: Document) -> tuple[int, list[dict]]:
    """The pipeline's drafts for one document, shaped like the API's events (no store, no
    merging across documents): a quick loop while developing a rule, not the measure."""
    from timeline_api.pipeline import analyse_article

    events = []
    for draft in analyse_article(doc.text, dt.datetime.fromisoformat(doc.dct_value)).events:
        d = draft.date
        events.append({"date": {"value": d.value, "start": d.start.isoformat(), "end": d.end.isoformat(),
                                "source": d.source, "text": d.text}, "status": draft.status,
                       "confidence": draft.confidence,
                       "sources": [{"article_id": 0, "start": e.start, "end": e.end} for e in draft.evidence]})
    return 0, events


def evaluate(docs: list[Document], direct: bool = False) -> Tally:
    tally = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        client = None if direct else make_client(Path(tmp))
        for doc in docs:
            sentences = gold_for(doc)
            if not sentences:
                continue
            article_id, events = pipeline_events(doc) if direct else article_events(client, doc)
            for s, event in zip(sentences, answers(article_id, events, sentences), strict=True):
                tally.gold += 1
                tally.records.append({
                    "doc": doc.doc_id, "dct": doc.dct_value, "start": s.start, "end": s.end,
                    "sentence": doc.text[s.start:s.end], "gold": sorted(s.values), "events": s.events,
                    "date": event and event["date"], "status": event and event["status"],
                    "confidence": event and event["confidence"],
                    "right": bool(event) and any(is_right(event["date"]["value"], event["date"]["start"],
                                                          event["date"]["end"], g) for g in s.values)})
                if event is None:
                    tally.errors.append((doc, s, None))
                    continue
                tally.dated += 1
                d = event["date"]
                ok = any(is_right(d["value"], d["start"], d["end"], g) for g in s.values)
                tally.right += ok
                tally.right_t0_as_given += any(is_right(d["value"], d["start"], d["end"], g)
                                               for g in s.values_t0_as_given)
                tally.by_source[(d["source"], ok)] += 1
                if not ok:
                    tally.errors.append((doc, s, event))
    return tally


# ---------------------------------------------------------------- report

def report(tally: Tally, seconds: float) -> str:
    p, r, f = tally.scores
    src = tally.by_source
    rows = [
        "## Event dating on TBAQ",
        "",
        "Every TBAQ sentence holding an event that a TLINK anchors in a DATE/TIME timex or the "
        "document time; right when the event the service gives the sentence has a date agreeing "
        "with the gold value at the gold's precision (bench/event_dating_eval.py has the details). "
        "Ingested through the HTTP API of a test app (Flask test client, SQLite). Made by:",
        "",
        "```\n.venv/bin/python bench/event_dating_eval.py --write-docs\n```",
        "",
        "| gold sentences | dated by the service | right | P | R | F1 |",
        "|---|---|---|---|---|---|",
        f"| {tally.gold} | {tally.dated} | {tally.right} | {p:.1f} | {r:.1f} | {f:.1f} |",
        "",
        f"Of the dated sentences, explicit dates right {src[('explicit', True)]} / wrong "
        f"{src[('explicit', False)]}, inferred right {src[('inferred', True)]} / wrong {src[('inferred', False)]}. "
        f"Scoring t0 at the minute the AQUAINT wires give it (`1999-01-22T13:06`) instead of its day: "
        f"{tally.right_t0_as_given} right, F1 {_f1(tally.right_t0_as_given, tally.dated, tally.gold):.1f}. "
        f"Run time {seconds:.0f} s ({os.cpu_count()} cores shared, Python {sys.version.split()[0]}). "
        "Target: F1 ≥ 75 (events issue).",
    ]
    return "\n".join(rows)


def _f1(right: int, dated: int, gold: int) -> float:
    p, r = right / dated if dated else 0.0, right / gold if gold else 0.0
    return 100 * 2 * p * r / (p + r) if p + r else 0.0


def write_docs(text: str) -> None:
    content = DOCS_FILE.read_text(encoding="utf-8")
    block = f"{START}\n{text}\n{END}"
    if START in content:
        content = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, content, flags=re.S)
    else:
        content = content.rstrip("\n") + "\n\n" + block + "\n"
    DOCS_FILE.write_text(content, encoding="utf-8")


def print_errors(tally: Tally, limit: int) -> None:
    for doc, s, event in tally.errors[:limit]:
        sentence = " ".join(doc.text[s.start:s.end].split())
        got = "no event" if event is None else (
            f"{event['date']['value']} ({event['date']['source']}, “{event['date']['text']}”)")
        print(f"{doc.doc_id} dct={doc.dct_value[:10]} gold={sorted(s.values)} events={s.events} got={got}")
        print(f"    {sentence[:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--errors", type=int, default=0, help="print this many wrong sentences")
    parser.add_argument("--direct", action="store_true",
                        help="call the pipeline in-process, without the API, the store or merging (a quick loop)")
    parser.add_argument("--dump", help="write one JSON line per gold sentence to this file")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    started = time.perf_counter()
    tally = evaluate(read_corpus(), direct=args.direct)
    text = report(tally, time.perf_counter() - started)
    print(text)
    if args.errors:
        print_errors(tally, args.errors)
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as out:
            out.writelines(json.dumps(r) + "\n" for r in tally.records)
    if args.write_docs:
        write_docs(text)


if __name__ == "__main__":
    main()
