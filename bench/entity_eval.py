"""Entity matching and identity: the trial set (matcher alone), ECB+ and TBAQ (through the HTTP API).

    .venv/bin/python bench/entity_eval.py [--errors] [--baseline] [--speed]       # trial set
    .venv/bin/python bench/entity_eval.py --corpus ecbplus [--database-url URL] [--errors N]
    .venv/bin/python bench/entity_eval.py --corpus tbaq [--database-url URL]

**ecbplus** (../shared/corpora/ecbplus/README.md): all 772 articles are posted to the service
(in this process, Flask test client, a fresh database: a temporary SQLite file unless
``--database-url`` names an empty one). Each person, organisation and place instance with a
proper-name mention is asked for by a name (``--query``, below), as ``actor=`` (people,
organisations, countries acting) or ``location=`` (places); the sentences the timeline's
events cite are scored against the annotated sentences (coreference_sentences.csv) holding a
mention of the instance: pooled sentence recall and precision. **Identity**: the distinct entity
ids the service gave the instance's proper-name mentions (``GET /v1/articles/{id}/mentions``,
the stored mention overlapping each gold one most), averaged over the instances that got any.
``--query longest`` (the default, the measure ../shared/corpora/ecbplus/README.md defines): its
longest such mention; that is sometimes an epithet ("Party Girl" for Tara Reid, "US
President-elect" for Barack Obama). ``--query frequent``, a diagnostic of how much of the gap
the query choice makes: the most frequent proper-name mention of two words or more (else of
one: "Barack Obama" before "Obama"), without a possessive ("Lindsay Lohan's") or a leading
preposition ("Of Betty Ford Treatment Center"), the longer of equals.
**tbaq**: its 256 articles are posted; the share of stored entity names (normalised) that two or
more ids carry, GeoNames places apart (Paris, France and Paris, Texas are two places).

**trial**, the matcher alone: for each gold entity: the sentences the matcher links to it (a mention
whose entity's name or one of its aliases equals the gold name, compared case-insensitively with apostrophes and
spacing normalised) against the gold sentences (every sentence holding one of its events,
whatever the date). Prints per-entity and pooled sentence recall and precision, and with
``--errors`` the missed and the extra sentences.

    .venv/bin/python bench/entity_eval.py [--errors] [--baseline] [--speed]

``--baseline`` scores exact name matching instead (a sentence containing the gold name).
``--speed`` also times the matcher build (cold, in a fresh interpreter) and ``find`` on 100 KB
of TBAQ news text, best of 5.
Pure Python: reads ../shared/corpora/timeline-trial next to the repository.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
TRIAL = ROOT.parent / "shared" / "corpora" / "timeline-trial"


def norm(name: str) -> str:
    s = name.lower().replace("’", "'")
    s = re.sub(r"\s*'s\b|'", " ", s)
    return " ".join(re.findall(r"[^\W_]+", s))


def load_docs() -> dict[str, tuple[str, list[tuple[str, int, int]]]]:
    """docid -> (text, [(sentence id, start, end)]); sentences joined with newlines."""
    docs = {}
    for f in sorted((TRIAL / "docs").glob("*.tml")):
        root = ET.parse(f).getroot()
        did = root.findtext("DOCID").strip()
        parts, spans, pos = [], [], 0
        for s in root.find("TEXT").findall("s"):
            t = "".join(s.itertext())
            spans.append((s.get("id"), pos, pos + len(t)))
            parts.append(t)
            pos += len(t) + 1
        docs[did] = ("\n".join(parts), spans)
    return docs


def load_gold() -> dict[str, set[tuple[str, str]]]:
    gold = {}
    for f in sorted((TRIAL / "gold").glob("*.txt")):
        lines = f.read_text(encoding="utf-8").splitlines()
        sents = set()
        for line in lines[1:]:
            for ev in line.split("\t")[2:]:
                did, sid, _ = ev.split("-", 2)
                sents.add((did, sid))
        gold[lines[0].strip()] = sents
    return gold


def sentence_of(spans, pos):
    for sid, s, e in spans:
        if s <= pos < e:
            return sid
    return None


def system_sentences(docs, gold_names, baseline=False):
    from timeline_api.entities import EntityMatcher

    out: dict[str, set] = {g: set() for g in gold_names}
    t0 = time.perf_counter()
    matcher = None if baseline else EntityMatcher.default()
    t1 = time.perf_counter()
    nbytes = 0
    for did, (text, spans) in docs.items():
        nbytes += len(text.encode())
        if baseline:
            for g in gold_names:
                for sid, s, e in spans:
                    if g.lower() in text[s:e].lower():
                        out[g].add((did, sid))
            continue
        for m in matcher.find(text):
            names = {norm(m.entity.name), *(norm(a) for a in m.entity.aliases)}
            for g in gold_names:
                if norm(g) in names:
                    sid = sentence_of(spans, m.start)
                    if sid is not None:
                        out[g].add((did, sid))
    t2 = time.perf_counter()
    return out, t1 - t0, t2 - t1, nbytes


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", choices=("trial", "ecbplus", "tbaq"), default="trial")
    ap.add_argument("--query", choices=("longest", "frequent"), default="longest",
                    help="ecbplus: which of an instance's names to ask for (see above)")
    ap.add_argument("--database-url", help="an empty database for the service (default: a temporary SQLite file)")
    ap.add_argument("--errors", nargs="?", const=20, type=int, default=0,
                    help="list misses and extras (ecbplus: the N worst instances)")
    ap.add_argument("--baseline", action="store_true")
    ap.add_argument("--speed", action="store_true")
    ap.add_argument("--fast", action="store_true",
                    help="ecbplus: the pipeline alone with an in-memory stand-in for the store (seconds, not "
                         "minutes; a development aid), and where recall and precision are lost, by cause")
    ap.add_argument("--without", action="append", default=[], metavar="COMPONENT",
                    help="switch an optional matcher component off (repeatable; timeline_api/entities/pipeline.py)")
    ap.add_argument("--ablation", action="store_true",
                    help="ecbplus --fast and trial: the figures with each optional component switched off in turn")
    args = ap.parse_args()
    global QUERY
    QUERY = args.query
    if args.without:
        from timeline_api.entities import EntityMatcher

        EntityMatcher.set_default(EntityMatcher.default().without(args.without))
    if args.ablation:
        return ablation()
    if args.corpus == "ecbplus" and args.fast:
        return ecbplus_fast(args.errors)
    if args.corpus == "ecbplus":
        return ecbplus_eval(args.database_url, args.errors)
    if args.corpus == "tbaq":
        return tbaq_identity(args.database_url)
    cold = cold_build() if args.speed else None
    docs = load_docs()
    gold = load_gold()
    # gold events in documents outside the trial set cannot be found; count them anyway
    sysout, build_s, run_s, nbytes = system_sentences(docs, list(gold), args.baseline)
    th = tp = tr = 0
    print(f"{'entity':24} {'gold':>5} {'found':>6} {'hits':>5} {'R':>6} {'P':>6}")
    for g, gs in gold.items():
        ss = sysout[g]
        hits = len(gs & ss)
        th, tp, tr = th + hits, tp + len(ss), tr + len(gs)
        r = hits / len(gs) if gs else 0
        p = hits / len(ss) if ss else 0
        print(f"{g:24} {len(gs):5d} {len(ss):6d} {hits:5d} {100 * r:6.1f} {100 * p:6.1f}")
        if args.errors:
            for did, sid in sorted(gs - ss):
                print("   miss", did, sid, _sent(docs, did, sid))
            for did, sid in sorted(ss - gs):
                print("   extra", did, sid, _sent(docs, did, sid))
    r, p = th / tr, (th / tp if tp else 0)
    f = 2 * p * r / (p + r) if p + r else 0
    print(f"{'pooled':24} {tr:5d} {tp:6d} {th:5d} {100 * r:6.1f} {100 * p:6.1f}   F1 {100 * f:.1f}")
    if not args.baseline:
        print(f"matcher build {build_s:.2f} s, matching {run_s * 1000:.0f} ms for {nbytes / 1000:.0f} KB "
              f"({nbytes / 1e6 / run_s:.2f} MB/s)")
    if cold is not None:
        speed(*cold)


def cold_build() -> tuple[float, float]:
    """Matcher build time and peak RSS growth in a fresh interpreter (run it before this
    process grows: a child inherits its parent's peak RSS)."""
    import subprocess

    code = (
        "import resource, time; t = time.perf_counter(); r0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "from timeline_api.entities import EntityMatcher; m = EntityMatcher.default()\n"
        "print(time.perf_counter() - t, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - r0) / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    build_s, rss_mb = map(float, out.stdout.split())
    return build_s, rss_mb


def speed(build_s: float, rss_mb: float) -> None:
    from timeline_api.entities import EntityMatcher

    m = EntityMatcher.default()
    texts = []
    for f in sorted((ROOT.parent / "shared" / "corpora" / "tbaq").glob("*/*.tml")):
        raw = f.read_text(encoding="utf-8")
        body = re.search(r"<TEXT>(.*)</TEXT>", raw, re.S)
        if body:
            texts.append(re.sub(r"<[^>]+>", "", body.group(1)))
    big = "\n".join(texts)[:100_000]
    m.find(big)
    best = min(_timed(m.find, big) for _ in range(5))
    n = len(m.find(big))
    print(f"build (fresh process) {build_s:.2f} s, +{rss_mb:.0f} MB peak RSS; "
          f"find on 100 KB of TBAQ text: {best * 1000:.0f} ms best of 5, {n} mentions")


def _timed(fn, arg) -> float:
    t = time.perf_counter()
    fn(arg)
    return time.perf_counter() - t


def _sent(docs, did, sid):
    if did not in docs:
        return "(document not in the trial set)"
    text, spans = docs[did]
    for s, a, b in spans:
        if s == sid:
            return text[a:b][:150]
    return ""


# ---------------------------------------------------------------- ECB+ and TBAQ, through the HTTP API

ECB_PUBLISHED = "2012-06-01"  # the corpus has no publication dates; dates are not scored here


def ecbplus_eval(database_url: str | None, errors: int) -> None:
    from ecbplus import annotated_sentences, read_corpus
    from inprocess import service

    articles, instances = read_corpus()
    annotated = annotated_sentences()
    by_doc = {a.doc: a for a in articles}
    asked = {i.id: _query_of(i, by_doc) for i in instances.values() if i.role}
    asked = {k: q for k, q in asked.items() if q}
    started = time.perf_counter()
    with service(database_url) as svc:
        doc_of: dict[int, str] = {}
        article_id: dict[str, int] = {}
        event_sentences: dict[str, set[int]] = {}
        for a in articles:
            body = svc.post_article(a.text, ECB_PUBLISHED, external_id=f"ecbplus-{a.doc}")
            doc_of[body["id"]], article_id[a.doc] = a.doc, body["id"]
            event_sentences[a.doc] = {a.sentence_at(source["start"]) for event in body["events"]
                                      for source in event["sources"] if source["article_id"] == body["id"]}
        ingest_s = time.perf_counter() - started
        stored = {doc: list(svc.pages(f"/v1/articles/{aid}/mentions", "mentions")) for doc, aid in article_id.items()}
        returned, warned, ids_of = {}, 0, {}
        for instance_id, query in asked.items():
            role = instances[instance_id].role
            sentences = set()
            ids_of[instance_id] = set()
            for page in _timeline_pages(svc, role, query):
                warned += bool(page.get("warnings"))
                for value in page.get("resolved", ()):
                    ids_of[instance_id].update(e["id"] for e in value["entities"])
                for event in page["events"]:
                    for source in event["sources"]:
                        doc = doc_of[source["article_id"]]
                        sentence = by_doc[doc].sentence_at(source["start"])
                        if (doc, sentence) in annotated:
                            sentences.add((doc, sentence))
            returned[instance_id] = sentences
    total_s = time.perf_counter() - started
    gold = {i: {(doc, by_doc[doc].mentions[k].sentence) for doc, k in instances[i].mentions
                if (doc, by_doc[doc].mentions[k].sentence) in annotated} for i in asked}
    hits = sum(len(gold[i] & returned[i]) for i in asked)
    n_gold, n_returned = sum(map(len, gold.values())), sum(map(len, returned.values()))
    r, p = hits / n_gold, hits / n_returned if n_returned else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    ids = _identity(instances, by_doc, stored)
    mean_ids = sum(map(len, ids.values())) / len(ids) if ids else 0.0
    split = sum(1 for v in ids.values() if len(v) > 1)
    exact = _identity(instances, by_doc, stored, exact_spans=True)
    mean_exact = sum(map(len, exact.values())) / len(exact) if exact else 0.0
    print(f"ECB+: {len(articles)} articles, {len(asked)} instances asked for by name "
          f"({sum(1 for i in asked if instances[i].role == 'actor')} actors), {warned} answers with warnings")
    print(f"sentences: gold {n_gold}, returned {n_returned}, hits {hits}: "
          f"recall {100 * r:.1f}, precision {100 * p:.1f}, F1 {100 * f:.1f}")
    print(f"identity: {mean_ids:.3f} ids per instance over {len(ids)} instances with a linked proper-name mention; "
          f"{split} instances split over several ids")
    print(f"identity where the service found the gold span exactly: {mean_exact:.3f} ids per instance over "
          f"{len(exact)} instances; {sum(1 for v in exact.values() if len(v) > 1)} split")
    print(f"time: ingest {ingest_s:.0f} s, all {total_s:.0f} s")
    found = {doc: [(m["start"], m["end"], m["entity_id"], m["link"])
                   for m in mentions] for doc, mentions in stored.items()}
    diagnose(instances, asked, by_doc, annotated, returned, found, event_sentences, ids_of, errors)
    if errors:
        worst = sorted(asked, key=lambda i: -(len(gold[i] - returned[i]) + len(returned[i] - gold[i])))[:errors]
        for i in worst:
            print(f"  {asked[i]!r} ({instances[i].tag}): gold {len(gold[i])}, returned {len(returned[i])}, "
                  f"hits {len(gold[i] & returned[i])}; ids {sorted(ids.get(i, ()))}")
        for i in sorted((i for i in ids if len(ids[i]) > 1), key=lambda i: -len(ids[i]))[:errors]:
            print(f"  split {asked.get(i)!r}: {sorted(ids[i])}; exact spans {sorted(exact.get(i, ()))}")


_PRONOUNS = frozenset("""i me my mine myself we us our ours ourselves you your yours he him his himself she her hers
herself it its itself they them their theirs themselves who whom whose which that this these those here there
where""".split())


def _gold_form(article, k: int) -> str:
    """"name", "pronoun" or "description" ("the actress", "a rehabilitation facility")."""
    if k in article.proper:
        return "name"
    words = article.mentions[k].text.lower().split()
    if len(words) <= 2 and words[-1] in _PRONOUNS:
        return "pronoun"
    return "description"


def ablation() -> None:
    """What each optional component gains: ECB+ (--fast) and trial figures with it switched off."""
    import contextlib
    import io

    from timeline_api.entities import EntityMatcher
    from timeline_api.entities.pipeline import COMPONENTS

    full = EntityMatcher.default()
    docs, gold = load_docs(), load_gold()
    print("| switched off | ECB+ recall | precision | hits | trial recall | precision |")
    print("|---|---|---|---|---|---|")
    for c in (None, *(c for c in COMPONENTS if c.optional)):
        EntityMatcher.set_default(full.without([c.name]) if c else full)
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            ecbplus_fast(0)
        line = next(x for x in out.getvalue().splitlines() if x.startswith("sentences:"))
        r, p = re.search(r"recall ([\d.]+), precision ([\d.]+)", line).groups()
        hits = re.search(r"hits (\d+)", line).group(1)
        sysout = system_sentences(docs, list(gold))[0]
        th = sum(len(gold[g] & sysout[g]) for g in gold)
        tr, tp = sum(map(len, gold.values())), sum(map(len, sysout.values()))
        print(f"| {c.name if c else '(nothing: all on)'} | {r} | {p} | {hits} | {100 * th / tr:.1f} | "
              f"{100 * th / max(tp, 1):.1f} |")
    EntityMatcher.set_default(full)


def ecbplus_fast(errors: int) -> None:
    """The pipeline (``analyse_article``) on every article, entities stored in memory by the
    service's identity rules (bench/identity_sim.py), each instance asked for as ecbplus_eval
    asks. No merging across articles: an event's sentences are its own article's."""
    import datetime as dt

    from ecbplus import annotated_sentences, read_corpus
    from identity_sim import Store

    from timeline_api.entities import EntityMatcher
    from timeline_api.pipeline.events import analyse_article

    articles, instances = read_corpus()
    annotated = annotated_sentences()
    by_doc = {a.doc: a for a in articles}
    asked = {i.id: _query_of(i, by_doc) for i in instances.values() if i.role}
    asked = {k: q for k, q in asked.items() if q}
    matcher = EntityMatcher.default()
    store = Store()
    published = dt.datetime.fromisoformat(ECB_PUBLISHED)
    started = time.perf_counter()
    events: dict[str, list[tuple[set[int], set[str], set[str]]]] = {}  # doc -> (sentences, actors, places)
    found: dict[str, list[tuple[int, int, str, str]]] = {}  # doc -> (start, end, stored id, link)
    for a in articles:
        analysis = analyse_article(a.text, published, matcher)
        entities = [m.entity for m in analysis.mentions]
        for d in analysis.events:
            entities += [*d.actors, *(p.entity for p in d.locations), *d.location_scope]
        linked = store.ingest(entities)
        events[a.doc] = [({a.sentence_at(e.start) for e in d.evidence}, {linked[e.key] for e in d.actors},
                          {linked[p.entity.key] for p in d.locations} | {linked[e.key] for e in d.location_scope})
                         for d in analysis.events]
        found[a.doc] = [(m.start, m.end, linked[m.entity.key], m.link) for m in analysis.mentions]
    run_s = time.perf_counter() - started
    topic_docs: dict[str, list[str]] = {}
    for a in articles:
        topic_docs.setdefault(a.topic, []).append(a.doc)
    returned, ids_of = {}, {}
    for i, query in asked.items():
        role = instances[i].role
        ids = ids_of[i] = {eid for eid, _, _ in store.resolve(query)}
        got = set()
        for doc in topic_docs[by_doc[instances[i].mentions[0][0]].topic]:
            for sentences, actors, places in events[doc]:
                if (actors if role == "actor" else places) & ids:
                    got.update((doc, s) for s in sentences if (doc, s) in annotated)
        returned[i] = got
    print(f"ECB+ (pipeline alone, in-memory identity, no merging across articles): pipeline {run_s:.0f} s")
    event_sentences = {doc: set().union(*(s for s, _, _ in evs)) if evs else set() for doc, evs in events.items()}
    diagnose(instances, asked, by_doc, annotated, returned, found, event_sentences, ids_of, errors)


def diagnose(instances, asked, by_doc, annotated, returned, found, event_sentences, ids_of, errors) -> None:
    """Recall and precision, per kind, and where they are lost: each missed gold sentence by
    cause (no event made of the sentence; the instance's mention there not found, found as
    another entity, or found but not a participant), by the form of the instance's mention
    there (name, description, pronoun); each extra sentence by how the entity was linked there.
    ``found``: doc -> [(start, end, entity id, link)]; ``ids_of``: instance -> the ids its query
    resolved to."""
    import collections

    gold = {i: {(doc, by_doc[doc].mentions[k].sentence) for doc, k in instances[i].mentions
                if (doc, by_doc[doc].mentions[k].sentence) in annotated} for i in asked}
    hits = sum(len(gold[i] & returned[i]) for i in asked)
    n_gold, n_returned = sum(map(len, gold.values())), sum(map(len, returned.values()))
    r, p = hits / n_gold, hits / n_returned if n_returned else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    print(f"sentences: gold {n_gold}, returned {n_returned}, hits {hits}: "
          f"recall {100 * r:.1f}, precision {100 * p:.1f}, F1 {100 * f:.1f}")
    for tag in ("HUMAN_PART_PER", "HUMAN_PART_ORG", "HUMAN_PART_GPE", "LOC"):
        sel = [i for i in asked if instances[i].tag.startswith(tag)]
        h = sum(len(gold[i] & returned[i]) for i in sel)
        g, n = sum(len(gold[i]) for i in sel), sum(len(returned[i]) for i in sel)
        print(f"  {tag:16} instances {len(sel):3d}  gold {g:5d}  returned {n:5d}  "
              f"recall {100 * h / max(g, 1):5.1f}  precision {100 * h / max(n, 1):5.1f}")
    why_missed, why_extra = collections.Counter(), collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    for i, query in asked.items():
        ids = ids_of[i]
        for doc, s in sorted(gold[i] - returned[i]):
            a = by_doc[doc]
            mine = [k for d, k in instances[i].mentions if d == doc and a.mentions[k].sentence == s]
            forms = {_gold_form(a, k) for k in mine}
            form = next(f for f in ("name", "description", "pronoun") if f in forms)
            hits_ = [(st, en, eid) for st, en, eid, _ in found.get(doc, ())
                     if any(st < a.mentions[k].end and a.mentions[k].start < en for k in mine)]
            if s not in event_sentences.get(doc, ()):
                cause = f"sentence is no event ({form})"
            elif not hits_:
                cause = f"not found: {form}"
            elif any(eid in ids for _, _, eid in hits_):
                cause = f"found, not a participant ({form})"
            else:
                cause = f"found as another entity ({form})"
            why_missed[cause] += 1
            if len(examples[cause]) < errors:
                st_, en_ = a.sentences[s]
                examples[cause].append(f"{query!r} [{' | '.join(a.mentions[k].text for k in mine)}] "
                                       f"{[(a.text[st:en], eid) for st, en, eid in hits_]} :: {a.text[st_:en_][:200]}")
        for doc, s in sorted(returned[i] - gold[i]):
            a = by_doc[doc]
            st_, en_ = a.sentences[s]
            links = {link for st, en, eid, link in found.get(doc, ()) if eid in ids and st_ <= st < en_}
            cause = "extra: " + ("/".join(sorted(links)) if links else "no mention (merged or enclosing place)")
            why_extra[cause] += 1
            if len(examples[cause]) < errors:
                examples[cause].append(f"{query!r} :: {a.text[st_:en_][:200]}")
    print("missed gold sentences by cause:")
    for cause, n in why_missed.most_common():
        print(f"  {n:5d}  {cause}")
    print("extra sentences by how the entity is named there:")
    for cause, n in why_extra.most_common():
        print(f"  {n:5d}  {cause}")
    if errors:
        for cause, lines in sorted(examples.items()):
            print(f"== {cause}")
            for line in lines:
                print("   ", line)


QUERY = "longest"  # or "frequent": see the module's docstring
_POSSESSIVE = re.compile(r"\s*['’]\s*s?$")
_LEADING_PREPOSITION = re.compile(r"^(?:of|in|at|on|for|from|to|by)\s+", re.IGNORECASE)


def _query_of(instance, by_doc) -> str | None:
    """The name a user would type for the instance, from its mentions made of capitalised words."""
    names = [by_doc[doc].mentions[k].text for doc, k in instance.mentions if k in by_doc[doc].proper]
    if not names:
        return None
    if QUERY == "longest":
        return max(names, key=lambda n: (len(n), n))
    cleaned = [_LEADING_PREPOSITION.sub("", _POSSESSIVE.sub("", n)).strip() for n in names]
    counts = {n: cleaned.count(n) for n in cleaned if n}
    # a full name over a surname or a short form ("Barack Obama", not "Obama"), then the commonest
    return max(counts, key=lambda n: (" " in n, counts[n], len(n), n)) if counts else None


def _timeline_pages(svc, role: str, query: str):
    cursor = None
    while True:
        page = svc.get("/v1/timeline", **{role: query, "limit": 500, **({"cursor": cursor} if cursor else {})})
        yield page
        cursor = page["next_cursor"]
        if not cursor:
            return


def _identity(instances, by_doc, stored, exact_spans: bool = False) -> dict[str, set[str]]:
    """instance -> the entity ids the service gave its proper-name mentions (with ``exact_spans``,
    only mentions the service found with exactly the gold span: identity apart from finding)."""
    out: dict[str, set[str]] = {}
    for instance in instances.values():
        if not instance.role:
            continue
        for doc, k in instance.mentions:
            if k not in by_doc[doc].proper:
                continue
            gold = by_doc[doc].mentions[k]
            best, best_overlap = None, 0
            for m in stored[doc]:
                if exact_spans and (m["start"], m["end"]) != (gold.start, gold.end):
                    continue
                overlap = min(m["end"], gold.end) - max(m["start"], gold.start)
                if overlap > best_overlap:
                    best, best_overlap = m["entity_id"], overlap
            if best is not None:
                out.setdefault(instance.id, set()).add(best)
    return out


def tbaq_identity(database_url: str | None) -> None:
    from inprocess import service
    from tbaq import read_corpus as read_tbaq

    from timeline_api.entities.normalize import name_key

    documents = read_tbaq()
    with service(database_url) as svc:
        for d in documents:
            svc.post_article(d.text, d.dct.isoformat(), external_id=f"tbaq-{d.doc_id}")
        entities = list(svc.pages("/v1/entities", "entities"))
    by_name: dict[str, list[dict]] = {}
    for e in entities:
        by_name.setdefault(name_key(e["name"]), []).append(e)
    shared = {k: v for k, v in by_name.items() if len(v) > 1 and sum(e["geonames_id"] is None for e in v) >= 1}
    print(f"TBAQ: {len(documents)} articles, {len(entities)} stored entities, {len(by_name)} distinct names; "
          f"{len(shared)} names carried by two or more ids (GeoNames places apart): "
          f"{100 * len(shared) / len(by_name):.2f}%")
    for k, v in sorted(shared.items())[:30]:
        print(f"  {k}: {[(e['id'], e['kind']) for e in v]}")


if __name__ == "__main__":
    main()
