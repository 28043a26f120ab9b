"""TempEval-3 Task A style evaluation of the temporal tagger on TBAQ.

    python bench/temporal_eval.py                 # our tagger, scores + error summary
    python bench/temporal_eval.py --errors 50     # ... and the first 50 errors of each category
    python bench/temporal_eval.py --peers --write-docs
        # also dateparser.search_dates and Microsoft Recognizers-Text, and write the
        # comparison table to docs/benchmarks.md ("## Temporal tagging")

Scoring (../shared/corpora/README.md): system and gold timexes of a document are
paired one-to-one, greedily by largest character overlap. relaxed = overlapping pair,
strict = identical span; value (type) F1 counts relaxed pairs whose value (type) is
identical, case-insensitively. Counts are summed over documents before P/R/F1.
"""
from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tbaq import TBAQ, read_corpus, update_benchmarks  # noqa: E402


@dataclass
class Span:
    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str | None = None
    # peers may get credit for any value agreeing at the gold's precision
    value_ok: object = None


def pair(sys_spans, gold):
    """Greedy one-to-one pairing by largest overlap."""
    cands = []
    for i, s in enumerate(sys_spans):
        for j, g in enumerate(gold):
            ov = min(s.end, g.end) - max(s.start, g.start)
            if ov > 0:
                cands.append((ov, i, j))
    cands.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_s, used_g, pairs = set(), set(), []
    for _ov, i, j in cands:
        if i in used_s or j in used_g:
            continue
        used_s.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs


class Score:
    def __init__(self):
        self.n_sys = self.n_gold = 0
        self.c = Counter()
        self.errors = defaultdict(list)

    def add(self, doc, sys_spans, gold):
        self.n_sys += len(sys_spans)
        self.n_gold += len(gold)
        pairs = pair(sys_spans, gold)
        ps, pg = {i for i, _ in pairs}, {j for _, j in pairs}
        for i, j in pairs:
            s, g = sys_spans[i], gold[j]
            self.c["relaxed"] += 1
            strict = s.start == g.start and s.end == g.end
            self.c["strict"] += strict
            v_ok = s.value_ok(g) if s.value_ok else s.value.lower() == g.value.lower()
            self.c["value"] += v_ok
            self.c["type"] += s.type == g.type
            if not v_ok:
                self.errors["value"].append((doc, s, g))
            if s.type != g.type:
                self.errors["type"].append((doc, s, g))
            if not strict:
                self.errors["span"].append((doc, s, g))
        for i, s in enumerate(sys_spans):
            if i not in ps:
                self.errors["spurious"].append((doc, s, None))
        for j, g in enumerate(gold):
            if j not in pg:
                self.errors["missed"].append((doc, None, g))

    def f1(self, key):
        m = self.c[key]
        p = m / self.n_sys if self.n_sys else 0.0
        r = m / self.n_gold if self.n_gold else 0.0
        return (p, r, 2 * p * r / (p + r) if p + r else 0.0)

    def row(self):
        return {k: self.f1(k) for k in ("strict", "relaxed", "value", "type")}


def gold_spans(doc):
    return [Span(t.start, t.end, t.text, t.type, t.value, t.mod) for t in doc.timexes]


# ---------------------------------------------------------------------------
# systems
# ---------------------------------------------------------------------------
def run_ours(docs):
    """Our TIMEX3 as TimeML annotates them (a range is two timexes, its ends)."""
    from timeline_api.temporal import resolve_timexes
    from timeline_api.temporal.timeml import timeml_timexes
    out = []
    for d in docs:
        out.append([Span(t.start, t.end, t.text, t.type, t.value, t.mod)
                    for t in timeml_timexes(resolve_timexes(d.text, d.dct))])
    return out


def _precision_credit(when: dt.datetime):
    """search_dates gives a datetime: credit it when it agrees with the gold value at
    the gold's own precision (year, month, day, week, quarter)."""
    from timeline_api.temporal import calendar as cal

    def ok(g):
        iv = cal.interval_of(g.value)
        if not iv:
            return False
        return cal.fmt(when, iv[1] if iv[1] != "part_of_day" else "day").lower() == g.value.lower()
    return ok


def run_search_dates(docs):
    from dateparser.search import search_dates
    out = []
    for d in docs:
        ref = dt.datetime.combine(d.dct, dt.time())
        res = search_dates(d.text, languages=["en"],
                           settings={"RELATIVE_BASE": ref, "PREFER_DATES_FROM": "past"}) or []
        spans, pos = [], 0
        for s, when in res:
            i = d.text.find(s, pos)
            if i < 0:
                i = d.text.find(s)
                if i < 0:
                    continue
            pos = i + len(s)
            spans.append(Span(i, i + len(s), s, "DATE", when.date().isoformat(),
                              value_ok=_precision_credit(when)))
        out.append(spans)
    return out


def _recognizers_value(r, dct):
    """A TIMEX3 value from a Recognizers-Text result: its timex when fully
    specified, else its first (past) resolution at the timex's precision."""
    vals = [v for v in ((r.resolution or {}).get("values") or []) if isinstance(v, dict)]
    if not vals:
        return ""
    v = vals[0]
    timex = v.get("timex", "")
    if timex.startswith("T"):
        return f"{dct.isoformat()}{timex}"
    if timex and "X" not in timex and not timex.startswith("("):
        return timex
    start = v.get("value") or v.get("start")
    if not start or not start[:4].isdigit():
        return timex.strip("()").split(",")[0]
    if timex.startswith("("):
        span = timex.strip("()").split(",")[-1]
        gran = {"P1Y": 4, "P3M": "Q", "P1M": 7, "P7D": "W", "P1W": "W"}.get(span, 10)
        d = dt.date.fromisoformat(start[:10])
        if gran == "Q":
            return f"{d.year}-Q{(d.month - 1) // 3 + 1}"
        if gran == "W":
            y, w, _ = d.isocalendar()
            return f"{y}-W{w:02d}"
        return start[:gran]
    if re.match(r"XXXX-\d\d$", timex):
        return start[:7]
    return start[:10]


def run_recognizers(docs):
    from recognizers_date_time import DateTimeRecognizer
    from recognizers_text import Culture
    model = DateTimeRecognizer(Culture.English).get_datetime_model(Culture.English)
    out = []
    for d in docs:
        ref = dt.datetime.combine(d.dct, dt.time())
        spans = []
        for r in model.parse(d.text, ref):
            tname = r.type_name.split(".")[-1]
            typ = {"duration": "DURATION", "set": "SET", "time": "TIME", "datetime": "TIME",
                   "timerange": "TIME", "datetimerange": "TIME"}.get(tname, "DATE")
            spans.append(Span(r.start, r.end + 1, r.text, typ, _recognizers_value(r, d.dct)))
        out.append(spans)
    return out


def evaluate(docs, outputs):
    sc = Score()
    for d, spans in zip(docs, outputs, strict=True):
        sc.add(d, spans, gold_spans(d))
    return sc


def fmt_row(name, sc, extra=""):
    r = sc.row()
    return (f"| {name} | " + " | ".join(f"{100 * r[k][2]:.1f}" for k in ("strict", "relaxed", "value", "type"))
            + f" | {100 * r['relaxed'][0]:.1f} / {100 * r['relaxed'][1]:.1f} | {extra} |")


def value_error_kinds(sc) -> Counter:
    """Value disagreements by kind, to tell ours from the gold's."""
    c = Counter()
    for _doc, s, g in sc.errors["value"]:
        gv, sv = g.value, s.value
        if "X" in gv and "X" not in sv:
            c["gold underspecified (X in gold only)"] += 1
        elif re.search(r"W\d(?!\d)|P\d+L|PXE|PXC|\dX$|P100Y", gv):
            c["gold value non-standard"] += 1
        elif g.type != s.type:
            c["type differs"] += 1
        elif sv[:4] == gv[:4] and len(sv) != len(gv):
            c["same year, other granularity"] += 1
        elif len(sv) == len(gv):
            c["same granularity, other date"] += 1
        else:
            c["other"] += 1
    return c


def print_errors(sc, n):
    for cat in ("missed", "spurious", "value", "type", "span"):
        errs = sc.errors[cat]
        print(f"\n== {cat}: {len(errs)}")
        for doc, s, g in errs[:n]:
            ctx_at = (g or s)
            a = max(0, ctx_at.start - 50)
            ctx = doc.text[a:ctx_at.end + 30].replace("\n", " ")
            ss = f"{s.text!r} {s.type} {s.value} {s.mod or ''}" if s else "-"
            gg = f"{g.text!r} {g.type} {g.value} {g.mod or ''}" if g else "-"
            print(f"  [{doc.doc_id} {doc.dct}] sys={ss} | gold={gg}\n      …{ctx}…")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--errors", type=int, default=0, help="print N errors per category")
    ap.add_argument("--peers", action="store_true", help="also run search_dates and Recognizers-Text")
    ap.add_argument("--peer-subset", type=int, default=0,
                    help="run the slow peers on every k-th document only (0 = all)")
    ap.add_argument("--write-docs", action="store_true", help="write the table to docs/benchmarks.md")
    ap.add_argument("--corpus", default=str(TBAQ))
    args = ap.parse_args(argv)

    docs = read_corpus(Path(args.corpus))
    n_chars = sum(len(d.text) for d in docs)
    t0 = time.perf_counter()
    ours = run_ours(docs)
    t_ours = time.perf_counter() - t0
    sc = evaluate(docs, ours)
    header = ["| system | strict F1 | relaxed F1 | value F1 | type F1 | relaxed P / R | documents, speed |",
              "|---|---|---|---|---|---|---|"]
    rows = [fmt_row("timeline-api", sc, f"all {len(docs)}, {n_chars / 1e6 / t_ours:.2f} MB/s in-process")]
    print(f"{len(docs)} documents, {sum(len(d.timexes) for d in docs)} gold timexes, "
          f"{n_chars} characters; ours in {t_ours:.2f}s")
    if args.peers:
        sub = docs if not args.peer_subset else docs[::args.peer_subset]
        sub_note = "all" if not args.peer_subset else f"every {args.peer_subset}th ({len(sub)})"
        sub_chars = sum(len(d.text) for d in sub)
        if args.peer_subset:
            rows.append(fmt_row("timeline-api (same subset)", evaluate(sub, run_ours(sub)), sub_note))
        for name, fn in (("dateparser search_dates*", run_search_dates),
                         ("Recognizers-Text 1.0.2a2", run_recognizers)):
            try:
                t0 = time.perf_counter()
                outs = fn(sub)
                t = time.perf_counter() - t0
            except ImportError as e:
                print(f"skipping {name}: {e}")
                continue
            rows.append(fmt_row(name, evaluate(sub, outs), f"{sub_note}, {sub_chars / 1e6 / t:.3f} MB/s"))
    print()
    print("\n".join(header + rows))
    print("\nerrors: " + ", ".join(f"{k} {len(v)}" for k, v in sc.errors.items()))
    kinds = value_error_kinds(sc)
    print("value disagreements: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    if args.errors:
        print_errors(sc, args.errors)
    if args.write_docs:
        cmd = "python bench/temporal_eval.py " + " ".join(argv if argv is not None else sys.argv[1:])
        lines = [
            f"TempEval-3 Task A scoring on TBAQ ({len(docs)} documents, "
            f"{sum(len(d.timexes) for d in docs)} gold TIMEX3; the development set, "
            "definition in ../shared/corpora/README.md). Made by:",
            "", "```", cmd.strip(), "```", "",
            *header, *rows, "",
            "\\* `search_dates` (RELATIVE_BASE = DCT, PREFER_DATES_FROM past) is credited for any calendar "
            "date agreeing with the gold value at the gold's precision; its type is taken as DATE.",
            "",
            "Recognizers-Text 1.0.2a2 (`pip install recognizers-text-suite`) imports `emoji.UNICODE_EMOJI`, "
            "which emoji 2 removed: it needs `emoji<1.0` beside it.",
            "",
            "For scale, on the same set (../shared/corpora/README.md): HeidelTime 2.2.1 strict 84.1 / "
            "relaxed 92.1 / value 77.5. Targets: value ≥ 85, strict ≥ 87, relaxed ≥ 93.",
            "",
            "Errors of our tagger by category: " + ", ".join(f"{k} {len(v)}" for k, v in sorted(sc.errors.items()))
            + " (see `--errors N`). Value disagreements by kind: "
            + ", ".join(f"{k} {n}" for k, n in value_error_kinds(sc).most_common()) + ".",
        ]
        update_benchmarks("Accuracy (TBAQ, TempEval-3 Task A)", "\n".join(lines))
        print("updated docs/benchmarks.md")
    return sc


if __name__ == "__main__":
    main()
