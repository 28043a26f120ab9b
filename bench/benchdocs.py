"""Write a benchmark's figures into docs/benchmarks.md, replacing its own `## ` section."""
from __future__ import annotations

from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def replace_section(title: str, body: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace the body of `## title` (up to the next `## ` heading), or append the section."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    heading = f"## {title}\n"
    block = f"{heading}\n{body.strip()}\n"
    if heading in text:
        head, rest = text.split(heading, 1)
        nxt = rest.find("\n## ")
        tail = "" if nxt < 0 else rest[nxt:]
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.write_text(text)
