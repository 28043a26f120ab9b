"""Speed of the temporal tagger as a whole process, against dateparser's search_dates.

    python bench/temporal_speed.py                # TBAQ texts once per run, 5 runs of each side
    python bench/temporal_speed.py --repeat 10    # the same texts 10 times (amortises start-up)
    python bench/temporal_speed.py --write-docs   # ... and write the figures to docs/benchmarks.md

1. `timeline-api resolve --jsonl FILE` is timed as a whole process (interpreter
   start, imports, grammar compilation, JSON in and out) over the TBAQ texts,
   with its peak RSS; its modules are byte-compiled first, as an installed
   package's are (dateparser's were by pip): with PYTHONDONTWRITEBYTECODE set and
   an editable install, every run would otherwise compile the sources again;
2. `search_dates` (RELATIVE_BASE = the document date) runs over the same texts in
   one process, timed the same way;
3. adversarial texts of 10 KB, 100 KB and 1 MB (long digit runs, repeated month
   names, 10,000 "the"s, unbalanced punctuation, dense real dates) are tagged
   in-process to show that time grows linearly.
The input JSONL is written to a temporary directory, never into the project.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tbaq import read_corpus, update_benchmarks  # noqa: E402

PY = sys.executable
CLI = [PY, "-c", "import sys; from timeline_api.cli import main; sys.argv[0] = 'timeline-api'; sys.exit(main())"]

SEARCH_DATES = r"""
import datetime as dt, json, sys
from dateparser.search import search_dates
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    ref = dt.datetime.fromisoformat(r["reference_date"])
    res = search_dates(r["text"], languages=["en"],
                       settings={"RELATIVE_BASE": ref, "PREFER_DATES_FROM": "past"}) or []
    n += len(res)
print(n, file=sys.stderr)
"""


def run_process(cmd, env=None):
    """Wall time, CPU time (user + system) and peak RSS (MB) of a child process.

    CPU time is the per-core figure: it does not depend on what else the
    machine is running. Peak RSS and CPU come from wait4's accounting of that
    one child."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if status != 0:
        raise SystemExit(f"{cmd[:3]} failed: {err[-2000:]}")
    cpu = ru.ru_utime + ru.ru_stime
    return wall, cpu, ru.ru_maxrss / 1024.0


def _median_run(runs):
    """The run of median CPU time: (wall, cpu, peak RSS)."""
    return sorted(runs, key=lambda r: r[1])[len(runs) // 2]


def adversarial(size: int) -> str:
    """About `size` characters of hostile text, built from repeated blocks."""
    blocks = [
        "1234567890" * 20 + " ",
        "May March May June July May " * 4,
        "the " * 50,
        "((( [[ {{ -- ,, .. ;; '' `` \"\" ... " * 3,
        "On May 3, 2023 the 7-Eleven at 10:35 a.m. said Friday that 24-hour talks ended two days later. ",
        "Boeing 747 $2000 15% 555-1234 v2.0.1 3-2 1998-99 1990s " * 2,
        ("2023" + "-" * 60) * 3,  # triggers without any whitespace
    ]
    out, n, i = [], 0, 0
    while n < size:
        b = blocks[i % len(blocks)]
        out.append(b)
        n += len(b)
        i += 1
    text = "".join(out)[:size]
    return text


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=1, help="repeat the corpus N times in the input")
    ap.add_argument("--skip-peer", action="store_true", help="do not run search_dates")
    ap.add_argument("--runs", type=int, default=5, help="runs of each process; the median is reported")
    ap.add_argument("--write-docs", action="store_true")
    args = ap.parse_args(argv)

    docs = read_corpus()
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    import compileall
    compileall.compile_dir(str(ROOT / "timeline_api"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tbaq.jsonl"
        n_bytes = 0
        with path.open("w", encoding="utf-8") as f:
            for k in range(args.repeat):
                for d in docs:
                    f.write(json.dumps({"id": f"{d.doc_id}#{k}", "text": d.text,
                                        "reference_date": d.dct.isoformat()}) + "\n")
                    n_bytes += len(d.text.encode("utf-8"))
        mb = n_bytes / 1e6
        print(f"input: {len(docs) * args.repeat} texts, {mb:.2f} MB of text")
        # both sides run alternately, `--runs` times: one run of a 0.25 s process
        # moves by 10% with the machine's state, the median of several does not
        runs_ours, runs_peer = [], []
        for _ in range(args.runs):
            runs_ours.append(run_process(CLI + ["resolve", "--jsonl", str(path), "-o", os.devnull], env))
            if not args.skip_peer:
                runs_peer.append(run_process([PY, "-c", SEARCH_DATES, str(path)], env))
        ours = _median_run(runs_ours)
        wall, cpu, rss = ours
        print(f"timeline-api resolve --jsonl: wall {wall:.2f} s, CPU {cpu:.2f} s = {mb / cpu:.2f} MB/s per core, "
              f"peak RSS {rss:.0f} MB (median of {args.runs})")
        peer = ratios = None
        if runs_peer:
            peer = _median_run(runs_peer)
            wall_p, cpu_p, rss_p = peer
            ratios = sorted(p[1] / o[1] for o, p in zip(runs_ours, runs_peer, strict=True))
            print(f"search_dates, one process:    wall {wall_p:.2f} s, CPU {cpu_p:.2f} s = "
                  f"{mb / cpu_p:.3f} MB/s per core, "
                  f"peak RSS {rss_p:.0f} MB (median of {args.runs})")
            print(f"ratio (CPU time): {cpu_p / cpu:.1f}x faster than search_dates "
                  f"(runs: {ratios[0]:.1f}x to {ratios[-1]:.1f}x)")

    # linearity on adversarial input, in-process
    import datetime as dt

    from timeline_api.temporal import resolve_timexes
    resolve_timexes("warm-up on 3 May", dt.date(2023, 6, 5))
    curve = []
    for size in (10_000, 100_000, 1_000_000):
        text = adversarial(size)
        t0 = time.process_time()
        n = len(resolve_timexes(text, dt.date(2023, 6, 5)))
        t = time.process_time() - t0
        curve.append((size, t, n))
        print(f"adversarial {size // 1000:>5} KB: {t:.3f} s ({t / size * 1e6:.2f} µs/char, {n} timexes)")

    if args.write_docs:
        cmd = "python bench/temporal_speed.py " + " ".join(argv if argv is not None else sys.argv[1:])
        lines = [f"Whole process, {len(docs) * args.repeat} TBAQ texts ({mb:.2f} MB), {os.cpu_count()} cores, "
                 "one process each. Made by:",
                 "", "```", cmd.strip(), "```", "",
                 "| system | wall time | CPU time | MB/s per core (CPU) | peak RSS |", "|---|---|---|---|---|",
                 f"| `timeline-api resolve --jsonl` | {ours[0]:.2f} s | {ours[1]:.2f} s | {mb / ours[1]:.2f} "
                 f"| {ours[2]:.0f} MB |"]
        if peer:
            lines.append(f"| dateparser `search_dates` | {peer[0]:.2f} s | {peer[1]:.2f} s | {mb / peer[1]:.3f} "
                         f"| {peer[2]:.0f} MB |")
            lines += ["", f"Ratio: **{peer[1] / ours[1]:.1f}×** the speed of `search_dates` on the same input "
                      f"(CPU time, medians of {args.runs} alternating runs of each, which ranged "
                      f"{ratios[0]:.1f}× to {ratios[-1]:.1f}×; {peer[0] / ours[0]:.1f}× in wall time). "
                      "The whole-process time includes interpreter start, imports, "
                      "grammar compilation and JSON in and out; our modules are byte-compiled first, "
                      "as an installed package's are."]
        lines += ["", "Adversarial text (digit runs, repeated month names, runs of \"the\", unbalanced punctuation, "
                  "dates glued together without whitespace), "
                  "in-process CPU time:",
                  "", "| size | time | µs per character | timexes |", "|---|---|---|---|"]
        for size, t, n in curve:
            lines.append(f"| {size // 1000} KB | {t:.3f} s | {t / size * 1e6:.2f} | {n} |")
        update_benchmarks("Speed", "\n".join(lines))
        print("updated docs/benchmarks.md")


if __name__ == "__main__":
    main()
