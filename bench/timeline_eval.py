"""Timelines by entity on the SemEval-2015 Task 4 trial data, through the HTTP API.

    python bench/timeline_eval.py            # starts its own server (gunicorn, temp SQLite)
    python bench/timeline_eval.py --url http://127.0.0.1:8000   # a running server, empty database
    python bench/timeline_eval.py --write-docs                   # also update docs/benchmarks.md
    python bench/timeline_eval.py --errors                       # also list each wrong answer

Scoring (../shared/corpora/README.md): for each gold entity, the gold set maps
each (DOCID, SENTID) with at least one dated event to its date prefixes; the
service's timeline for `actor=<entity>` is mapped back to (DOCID, SENTID) by
source offsets; a returned sentence is a hit when it is in the gold set and
its date starts with one of that sentence's gold prefixes; a sentence cited by
several events takes the date of the most confident one (one answer per sentence).
Sentences whose gold events are all undated are ignored on both sides.
P, R and F1 pool all entities. It also reports sentence recall and precision
regardless of date (entity matching alone: every gold sentence counts, dated or
not, and nothing returned is ignored), and runs the reference pipeline (exact name +
dateparser's search_dates per sentence, else the DCT) in the same run.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRIAL = ROOT.parent / "shared" / "corpora" / "timeline-trial"
DOCS_FILE = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- timeline-eval:start -->", "<!-- timeline-eval:end -->"


@dataclass
class Doc:
    docid: str
    dct: str
    title: str
    text: str
    spans: list[tuple[str, int, int]]  # (sentence id, start, end) in text


def load_docs() -> list[Doc]:
    docs = []
    for path in sorted((TRIAL / "docs").glob("*.tml")):
        root = ET.parse(path).getroot()
        docid = root.findtext("DOCID").strip()
        dct = root.find("DCT/TIMEX3").get("value")
        title = (root.findtext("EXTRAINFO") or "").strip()
        parts, spans, pos = [], [], 0
        for s in root.find("TEXT").iter("s"):
            sentence = "".join(s.itertext()).strip()
            spans.append((s.get("id"), pos, pos + len(sentence)))
            parts.append(sentence)
            pos += len(sentence) + 1
        docs.append(Doc(docid, dct, title, "\n".join(parts), spans))
    return docs


def _prefix(date: str) -> str | None:
    parts = []
    for part in date.split("-"):
        if "X" in part.upper():
            break
        parts.append(part)
    return "-".join(parts) or None


def load_gold() -> dict[str, dict[tuple[str, str], set[str]]]:
    """entity name -> {(docid, sentid): dated prefixes}; sentences with only undated events map to an empty set."""
    gold = {}
    for path in sorted((TRIAL / "gold").glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        name, sentences = lines[0].strip(), defaultdict(set)
        for line in lines[1:]:
            cols = line.split("\t")
            if len(cols) < 3:
                continue
            prefix = _prefix(cols[1])
            for event_id in cols[2:]:
                docid, sentid = event_id.split("-")[:2]
                sentences[(docid, sentid)]
                if prefix:
                    sentences[(docid, sentid)].add(prefix)
        gold[name] = dict(sentences)
    return gold


def sentence_at(doc: Doc, offset: int) -> str | None:
    for sentid, start, end in doc.spans:
        if start <= offset < end:
            return sentid
    return None


def score(gold, returned) -> dict:
    """returned: entity -> {(docid, sentid): the date value of the sentence's most confident event}."""
    hits = n_returned = n_gold = 0
    found = n_all_returned = n_all_gold = 0  # entity matching alone: every gold sentence, dated or not
    per_entity = {}
    for name, sentences in gold.items():
        dated = {k: v for k, v in sentences.items() if v}
        ignored = {k for k, v in sentences.items() if not v}
        everything = returned.get(name, {})
        got = {k: v for k, v in everything.items() if k not in ignored}
        h = sum(1 for k, value in got.items() if k in dated and any(value.startswith(p) for p in dated[k]))
        f = sum(1 for k in everything if k in sentences)
        per_entity[name] = (h, len(got), len(dated), f, len(sentences))
        hits, n_returned, n_gold = hits + h, n_returned + len(got), n_gold + len(dated)
        found, n_all_returned, n_all_gold = found + f, n_all_returned + len(everything), n_all_gold + len(sentences)
    p = hits / n_returned if n_returned else 0.0
    r = hits / n_gold if n_gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"P": 100 * p, "R": 100 * r, "F1": 100 * f1, "recall_any_date": 100 * found / n_all_gold,
            "precision_any_date": 100 * found / n_all_returned if n_all_returned else 0.0,
            "per_entity": per_entity}


# ---------------------------------------------------------------- the service over HTTP

def _call(base: str, method: str, path: str, body: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workdir: Path) -> tuple[str, subprocess.Popen]:
    from timeline_api.store.migrate import upgrade

    url = f"sqlite:///{workdir / 'timeline.db'}"
    upgrade(url)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "WEB_CONCURRENCY": "2", "GUNICORN_ACCESS_LOG": "/dev/null"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "python:timeline_api.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "timeline_api:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if _call(base, "GET", "/readyz")[0] == 200:
                return base, process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def run_service(base: str, docs: list[Doc], gold) -> dict:
    by_article: dict[int, Doc] = {}
    for doc in docs:
        status, body = _call(base, "POST", "/v1/articles", {
            "text": doc.text, "published_at": doc.dct, "title": doc.title, "external_id": f"trial-{doc.docid}"})
        if status not in (200, 201):
            raise RuntimeError(f"ingest of {doc.docid} failed: {status} {body}")
        by_article[body["id"]] = doc
    returned = {}
    for name in gold:
        # a sentence that several events cite is judged by its most confident event's date
        sentences: dict[tuple[str, str], tuple[float, str]] = {}
        cursor = None
        while True:
            query = {"actor": name, "limit": 500, **({"cursor": cursor} if cursor else {})}
            status, body = _call(base, "GET", "/v1/timeline?" + urllib.parse.urlencode(query))
            for event in body["events"]:
                for source in event["sources"]:
                    doc = by_article.get(source["article_id"])
                    sentid = doc and sentence_at(doc, source["start"])
                    key = (doc.docid, sentid) if sentid else None
                    if key and (key not in sentences or event["confidence"] > sentences[key][0]):
                        sentences[key] = (event["confidence"], event["date"]["value"])
            cursor = body["next_cursor"]
            if not cursor:
                break
        returned[name] = {key: value for key, (_, value) in sentences.items()}
    return returned


# ---------------------------------------------------------------- the reference pipeline

def run_reference(docs: list[Doc], gold) -> dict:
    import datetime as dt

    from dateparser.search import search_dates

    returned = {}
    for name in gold:
        sentences = {}
        for doc in docs:
            dct = dt.datetime.fromisoformat(doc.dct)
            settings = {"RELATIVE_BASE": dct, "PREFER_DATES_FROM": "past"}
            for sentid, start, end in doc.spans:
                sentence = doc.text[start:end]
                if name not in sentence:
                    continue
                found = search_dates(sentence, languages=["en"], settings=settings) or []
                date = found[0][1] if found else dct
                sentences[(doc.docid, sentid)] = date.date().isoformat()
        returned[name] = sentences
    return returned


# ---------------------------------------------------------------- report

def table(results: dict[str, dict]) -> str:
    rows = ["| system | P | R | F1 | sentence recall, any date | precision, any date |", "|---|---|---|---|---|---|"]
    for system, s in results.items():
        rows.append(f"| {system} | {s['P']:.1f} | {s['R']:.1f} | {s['F1']:.1f} | "
                    f"{s['recall_any_date']:.1f} | {s['precision_any_date']:.1f} |")
    return "\n".join(rows)


def per_entity_table(s: dict) -> str:
    rows = ["| entity | hits | returned | gold (dated) | found, any date | gold, any date |",
            "|---|---|---|---|---|---|"]
    for name, (h, returned, gold, found, all_gold) in s["per_entity"].items():
        rows.append(f"| {name} | {h} | {returned} | {gold} | {found} | {all_gold} |")
    return "\n".join(rows)


def write_docs(text: str) -> None:
    content = DOCS_FILE.read_text(encoding="utf-8") if DOCS_FILE.exists() else "# Benchmarks\n"
    block = f"{START}\n{text}\n{END}"
    if START in content:
        content = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, content, flags=re.S)
    else:
        content = content.rstrip("\n") + "\n\n" + block + "\n"
    DOCS_FILE.write_text(content, encoding="utf-8")


def print_errors(docs: list[Doc], gold, returned) -> None:
    """Each returned sentence that is not a hit: outside the gold (entity matching), or with the wrong date."""
    text = {(doc.docid, sentid): doc.text[start:end] for doc in docs for sentid, start, end in doc.spans}
    for name, sentences in gold.items():
        for key, value in sorted(returned.get(name, {}).items()):
            prefixes = sentences.get(key)
            if prefixes is None:
                kind = "not in gold"
            elif not prefixes or any(value.startswith(p) for p in prefixes):
                continue
            else:
                kind = f"wrong date (gold {sorted(prefixes)})"
            print(f"{name} | {key[0]}-{key[1]} | {value} | {kind} | {text[key][:200]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running server with an empty database (default: start one)")
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--errors", action="store_true", help="list each returned sentence that is not a hit")
    args = parser.parse_args()
    docs, gold = load_docs(), load_gold()
    started = time.perf_counter()
    process = None
    with tempfile.TemporaryDirectory() as tmp:
        base = args.url
        if base is None:
            base, process = start_server(Path(tmp))
        try:
            returned = run_service(base, docs, gold)
            service = score(gold, returned)
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    service_seconds = time.perf_counter() - started
    started = time.perf_counter()
    reference = score(gold, run_reference(docs, gold))
    reference_seconds = time.perf_counter() - started
    results = {"timeline-api (HTTP, ingest + 6 timelines)": service,
               "reference: exact name + search_dates": reference}
    report = "\n".join([
        "## Timelines by entity",
        "",
        f"SemEval-2015 Task 4 trial data (30 articles, {len(gold)} entities), sentence-level scoring as defined in "
        "../shared/corpora/README.md. Made by:",
        "",
        "```\npython bench/timeline_eval.py --write-docs\n```",
        "",
        table(results),
        "",
        f"Run time: service {service_seconds:.1f} s (gunicorn, SQLite, ingest of 30 articles and 6 timelines), "
        f"reference {reference_seconds:.1f} s. Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}.",
        "",
        "Per entity (timeline-api):",
        "",
        per_entity_table(service),
        "",
        "Targets: F1 ≥ 50 with precision ≥ 60 (events issue); sentence recall ≥ 70 at precision ≥ 60, "
        "regardless of date (entities issue).",
    ])
    print(report)
    if args.errors:
        print_errors(docs, gold, returned)
    if args.write_docs:
        write_docs(report)


if __name__ == "__main__":
    main()
