"""A digest of everything the entity matcher finds in the development corpora, so that a change
meant to be output-neutral (a speed-up) can be shown to be so.

    .venv/bin/python bench/entity_fingerprint.py [--dump FILE] [--expect DIGEST]

Runs ``EntityMatcher.find`` (a fresh matcher over the default gazetteer) over every article of
../shared/corpora/ecbplus, ../shared/corpora/tbaq and ../shared/corpora/timeline-trial, and over
the 500 KB text of bench/entity_speed.py as one article (paths only long texts take), in a fixed
order, and hashes every mention: its span, text, roles, qualifier, link and the whole entity it
names (key, geonames id, name, kind, aliases, parent, country, guessed kind). Prints one SHA-256
per corpus and one over all of them. ``--dump`` writes the mentions as text lines (one per
mention) so that two runs can be diffed; ``--expect`` exits 1 unless the total digest matches.

Baseline (main at 05a77cd, 2026-12-03): total sha256
87296d0e8e49aec2a86e6acd802e1cba6fccc51d79f06a42a9c2584dc2e2262a.
"""
from __future__ import annotations

import argparse
import hashlib
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
CORPORA = ROOT.parent / "shared" / "corpora"


def trial_texts() -> list[tuple[str, str]]:
    """(doc id, text) of the trial articles, sentences joined by newlines (README there)."""
    out = []
    for f in sorted((CORPORA / "timeline-trial" / "docs").glob("*.tml")):
        root = ET.parse(f).getroot()
        text = "\n".join("".join(s.itertext()) for s in root.find("TEXT").findall("s"))
        out.append((root.findtext("DOCID").strip(), text))
    return out


def corpora() -> dict[str, list[tuple[str, str]]]:
    from ecbplus import read_corpus as read_ecb
    from entity_speed import news_text
    from tbaq import read_corpus as read_tbaq

    return {
        "ecbplus": [(a.doc, a.text) for a in read_ecb()[0]],
        "tbaq": [(d.doc_id, d.text) for d in read_tbaq()],
        "timeline-trial": trial_texts(),
        # one long article: the speed benchmark's 500 KB text (paths only long texts take)
        "speed-500k": [("speed-500k", news_text(500_000))],
    }


def mention_line(doc: str, m) -> str:
    e = m.entity
    return "\t".join(map(repr, (
        doc, m.start, m.end, m.text, sorted(m.roles), m.qualifier, m.link,
        e.key, e.name, e.kind, e.aliases, e.geonames_id, e.country_code, e.parent_key, e.kind_guessed,
    )))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", type=Path, help="write one line per mention here")
    ap.add_argument("--expect", help="the total digest this run must give")
    args = ap.parse_args()
    from timeline_api.entities import EntityMatcher
    from timeline_api.entities.gazetteer import build_gazetteer

    matcher = EntityMatcher(build_gazetteer())
    total = hashlib.sha256()
    dump = args.dump.open("w", encoding="utf-8") if args.dump else None
    for name, docs in corpora().items():
        h = hashlib.sha256()
        n = 0
        for doc, text in docs:
            for m in matcher.find(text):
                line = mention_line(doc, m)
                h.update(line.encode() + b"\n")
                total.update(line.encode() + b"\n")
                n += 1
                if dump:
                    dump.write(line + "\n")
        print(f"{name}: {len(docs)} articles, {n} mentions, sha256 {h.hexdigest()}")
    if dump:
        dump.close()
    digest = total.hexdigest()
    print(f"total: sha256 {digest}")
    if args.expect and args.expect != digest:
        print(f"MISMATCH: expected {args.expect}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
