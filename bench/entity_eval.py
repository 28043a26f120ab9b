"""Entity matching alone, on the timeline-trial set (SemEval-2015 Task 4 trial data).

For each gold entity: the sentences the matcher links to it (a mention whose entity's name or
one of its aliases equals the gold name, compared case-insensitively with apostrophes and
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

    out = {g: set() for g in gold_names}
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
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--baseline", action="store_true")
    ap.add_argument("--speed", action="store_true")
    args = ap.parse_args()
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


if __name__ == "__main__":
    main()
