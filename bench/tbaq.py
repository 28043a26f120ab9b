"""Reader for the TBAQ-cleaned TimeML corpus in ../shared/corpora/tbaq.

Only reads the shared data in place; nothing is copied into the project.
"""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TBAQ = SHARED / "corpora" / "tbaq"


@dataclass
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str | None = None
    attrs: dict = field(default_factory=dict)


@dataclass
class GoldEvent:
    """A TimeML EVENT: its span in the plain text and its TimeML class."""

    eid: str
    start: int
    end: int
    text: str
    cls: str


@dataclass
class Document:
    doc_id: str
    path: Path
    dct: dt.date
    text: str
    timexes: list[GoldTimex]
    dct_value: str = ""
    events: list[GoldEvent] = field(default_factory=list)
    instances: dict[str, str] = field(default_factory=dict)  # eiid -> eid (MAKEINSTANCE)
    tlinks: list[dict] = field(default_factory=list)  # TLINK attributes


def _walk(elem, parts, timexes, pos, events=None):
    if elem.text:
        parts.append(elem.text)
        pos += len(elem.text)
    for child in elem:
        start = pos
        pos = _walk(child, parts, timexes, pos, events)
        if child.tag == "EVENT" and events is not None:
            events.append(GoldEvent(child.get("eid", ""), start, pos, "".join(parts)[start:pos],
                                    child.get("class", "")))
        if child.tag == "TIMEX3":
            text = "".join(parts)[start:pos]
            a = dict(child.attrib)
            timexes.append(GoldTimex(start, pos, text, a.get("type", ""), a.get("value", ""),
                                     a.get("mod"), a))
        if child.tail:
            parts.append(child.tail)
            pos += len(child.tail)
    return pos


def read_document(path: Path) -> Document:
    root = ET.parse(path).getroot()
    dct_el = root.find("DCT/TIMEX3")
    dct = dt.date.fromisoformat(dct_el.attrib["value"][:10])
    doc_id = (root.findtext("DOCID") or path.stem).strip()
    text_el = root.find("TEXT")
    parts: list[str] = []
    timexes: list[GoldTimex] = []
    events: list[GoldEvent] = []
    _walk(text_el, parts, timexes, 0, events)
    text = "".join(parts)
    timexes.sort(key=lambda t: t.start)
    instances = {el.get("eiid"): el.get("eventID") for el in root.iter("MAKEINSTANCE")}
    tlinks = [dict(el.attrib) for el in root.iter("TLINK")]
    return Document(doc_id, path, dct, text, timexes, dct_el.attrib["value"], events, instances, tlinks)


def read_corpus(root: Path = TBAQ) -> list[Document]:
    return [read_document(p) for p in sorted(root.rglob("*.tml"))]


if __name__ == "__main__":
    docs = read_corpus()
    print(len(docs), "documents", sum(len(d.timexes) for d in docs), "timexes",
          sum(len(d.text) for d in docs), "chars")


# ---------------------------------------------------------------------------
# docs/benchmarks.md: each harness rewrites only its own subsection of
# "## Temporal tagging", leaving other sections (other engineers') alone.
# ---------------------------------------------------------------------------
BENCHMARKS_MD = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
SECTION = "## Temporal tagging"


def update_benchmarks(subsection: str, body: str, path: Path = BENCHMARKS_MD) -> None:
    """Replace (or add) `### subsection` inside the Temporal tagging section."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if SECTION not in text:
        text = (text.rstrip("\n") + f"\n\n{SECTION}\n\n"
                "Figures written by `bench/temporal_eval.py` and `bench/temporal_speed.py`.\n")
    head, rest = text.split(SECTION, 1)
    nxt = rest.find("\n## ")
    sec, tail = (rest, "") if nxt < 0 else (rest[:nxt], rest[nxt:])
    sub = f"### {subsection}"
    block = f"{sub}\n\n{body.strip()}\n"
    if sub in sec:
        a = sec.index(sub)
        b = sec.find("\n### ", a + len(sub))
        sec = sec[:a] + block + ("" if b < 0 else "\n" + sec[b + 1:])
    else:
        sec = sec.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(exist_ok=True)
    path.write_text(head + SECTION + sec.rstrip("\n") + "\n" + tail)
