"""CPU time and peak memory of the export renderers (api/formats.py) on synthetic events.

    .venv/bin/python bench/export_formats.py [N]

Renders N events (default 10,000, the EXPORT_MAX_EVENTS default) in every export format, fed
one at a time from a generator as the view streams them, and reports the CPU seconds per
format (time.process_time: other processes on the machine do not count) and the peak Python
memory (tracemalloc) of consuming the stream chunk by chunk, against joining the body whole.
"""
from __future__ import annotations

import datetime as dt
import sys
import time
import tracemalloc

from timeline_api.api.formats import EXPORT_FORMATS, ExportContext, Group, render_timeline

GROUPS = (Group("actor:a", "Harbour Authority"), Group("actor:b", "Dockers Union"))


def events(n: int):
    start = dt.datetime(2020, 1, 1)
    for i in range(1, n + 1):
        day = start + dt.timedelta(days=i % 1500)
        summary = f"Incident {i}: dock workers and the harbour authority met again over pay and safety."
        yield {
            "id": i, "group": GROUPS[i % 2].id,
            "date": {"value": day.date().isoformat(), "start": day, "end": day + dt.timedelta(days=1),
                     "granularity": "day", "text": "on Tuesday", "source": "explicit", "mod": None},
            "summary": summary, "status": "occurred", "confidence": 0.8,
            "actors": [{"id": "actor:a", "name": "Harbour Authority", "kind": "organization"}],
            "locations": [{"id": "geonames:2643743", "name": "London", "kind": "city", "qualifier": None,
                           "latitude": 51.5, "longitude": -0.12}],
            "sources": [{"article_id": i, "url": f"https://news.example.test/{i}", "title": f"Report {i}",
                         "published_at": day + dt.timedelta(days=1), "start": 0, "end": len(summary),
                         "quote": summary}],
        }


def main(n: int) -> None:
    context = ExportContext(exported_at=dt.datetime.now(dt.UTC), title="Bench", total=n, groups=GROUPS)
    print(f"{n} events; CPU s total, µs per event, MB of body; peak MB streamed vs joined")
    for fmt in EXPORT_FORMATS:
        began = time.process_time()
        size = sum(len(chunk.encode()) for chunk in render_timeline(events(n), fmt, context))
        cpu = time.process_time() - began
        tracemalloc.start()
        for _chunk in render_timeline(events(n), fmt, context):
            pass
        streamed = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        tracemalloc.start()
        "".join(render_timeline(events(n), fmt, context))
        joined = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{fmt:>10}: {cpu:6.2f} s  {cpu / n * 1e6:6.0f} µs  {size / 1e6:6.1f} MB;"
              f"  peak {streamed / 1e6:5.2f} MB streamed, {joined / 1e6:6.1f} MB joined")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
