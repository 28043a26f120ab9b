"""Reader for ECB+ (../shared/corpora/ecbplus, README there): articles, their sentences, and the
hand-annotated mentions of people, organisations and places with their instances.

Only reads the shared data in place; nothing is copied into the project. The text of an article
is its tokens joined by single spaces, its sentences joined by newlines (the corpus keeps no
original spacing), so every mention has exact character offsets in the text the service gets.
"""
from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ECBPLUS = SHARED / "corpora" / "ecbplus"

# annotation tag -> how a user asks for it: people and organisations (and countries acting)
# are actors, places are locations
ROLES = {
    "HUMAN_PART_PER": "actor", "HUMAN_PART_ORG": "actor", "HUMAN_PART_GPE": "actor",
    "LOC_GEO": "location", "LOC_FAC": "location", "LOC_OTHER": "location",
}
# capitalised words that are no proper name on their own
_NOT_NAMES = frozenset(
    "I He She It They We You His Her Its Their Our My Your Him Them Us Me The A An This That These Those".split())
_INSIDE_NAMES = frozenset("of for and de del der van von the & 's".split())


@dataclass
class GoldMention:
    start: int
    end: int
    text: str
    sentence: int
    tag: str
    instance: str

    @property
    def role(self) -> str | None:
        return ROLES.get(self.tag)


@dataclass
class Article:
    doc: str  # "1_10ecbplus"
    topic: str
    text: str
    sentences: list[tuple[int, int]]  # character span of each sentence, by sentence number
    mentions: list[GoldMention] = field(default_factory=list)
    proper: set[int] = field(default_factory=set)  # indexes into mentions: those that are proper names

    def sentence_at(self, offset: int) -> int | None:
        for number, (start, end) in enumerate(self.sentences):
            if start <= offset <= end:
                return number
        return None


@dataclass
class Instance:
    """One real-world thing annotated across the articles of its topic."""

    id: str
    tag: str
    mentions: list[tuple[str, int]] = field(default_factory=list)  # (doc, index into its mentions)

    @property
    def role(self) -> str | None:
        return ROLES.get(self.tag)


def read_article(path: Path) -> tuple[Article, dict[str, str]]:
    """The article and {instance id: tag of its instance markable}."""
    root = ET.parse(path).getroot()
    words: dict[str, tuple[int, str, int]] = {}  # t_id -> (sentence, word, position in the sentence)
    by_sentence: dict[int, list[str]] = {}
    for token in root.iter("token"):
        sentence = int(token.get("sentence"))
        by_sentence.setdefault(sentence, []).append(token.get("t_id"))
        words[token.get("t_id")] = (sentence, token.text or "", int(token.get("number")))
    offsets: dict[str, tuple[int, int]] = {}
    parts, sentences, pos = [], [], 0
    for number in range(max(by_sentence, default=-1) + 1):
        start = pos
        tokens = by_sentence.get(number, [])
        for k, t_id in enumerate(tokens):
            word = words[t_id][1]
            offsets[t_id] = (pos, pos + len(word))
            parts.append(word + (" " if k + 1 < len(tokens) else ""))
            pos += len(word) + (1 if k + 1 < len(tokens) else 0)
        sentences.append((start, pos))
        parts.append("\n")
        pos += 1
    text = "".join(parts)
    doc = path.stem
    article = Article(doc, doc.split("_")[0], text, sentences)
    anchors: dict[str, tuple[str, list[str]]] = {}
    instance_tags: dict[str, str] = {}
    local: dict[str, str] = {}  # m_id of an instance markable -> its instance id
    for markable in root.find("Markables"):
        t_ids = [a.get("t_id") for a in markable.findall("token_anchor")]
        if t_ids:
            anchors[markable.get("m_id")] = (markable.tag, t_ids)
        else:
            instance = markable.get("instance_id") or f"{doc}:{markable.get('TAG_DESCRIPTOR')}"
            local[markable.get("m_id")] = instance
            instance_tags[instance] = markable.tag
    relations = root.find("Relations")
    for relation in relations if relations is not None else ():
        if relation.tag not in ("CROSS_DOC_COREF", "INTRA_DOC_COREF"):
            continue
        target = relation.find("target")
        instance = local.get(target.get("m_id")) if target is not None else None
        if instance is None:
            continue
        for source in relation.findall("source"):
            tag, t_ids = anchors.get(source.get("m_id"), (None, None))
            if not t_ids or tag not in ROLES:
                continue
            start, end = offsets[t_ids[0]][0], offsets[t_ids[-1]][1]
            sentence = words[t_ids[0]][0]
            if _is_proper_name([words[t][1] for t in t_ids], words[t_ids[0]][2] == 0, text):
                article.proper.add(len(article.mentions))
            article.mentions.append(GoldMention(start, end, text[start:end], sentence, tag, instance))
    return article, instance_tags


def _is_proper_name(tokens: list[str], sentence_initial: bool, text: str) -> bool:
    """Made of capitalised words ("Lindsay Lohan", "Bank of America"); a pronoun or a lone
    sentence-initial word the article also writes in lower case is none."""
    if not tokens or not tokens[0][:1].isupper() or not tokens[-1][:1].isupper():
        return False
    if not all(t[:1].isupper() or t in _INSIDE_NAMES for t in tokens):
        return False
    if len(tokens) == 1 and tokens[0] in _NOT_NAMES:
        return False
    if len(tokens) == 1 and sentence_initial and f" {tokens[0].lower()} " in text:
        return False
    return True


def annotated_sentences(root: Path = ECBPLUS) -> set[tuple[str, int]]:
    """(doc, sentence number) of the sentences whose mentions were annotated completely."""
    with (root / "coreference_sentences.csv").open(encoding="utf-8") as f:
        return {(f"{row['Topic']}_{row['File']}", int(row["Sentence Number"])) for row in csv.DictReader(f)}


def read_corpus(root: Path = ECBPLUS) -> tuple[list[Article], dict[str, Instance]]:
    articles, instances = [], {}
    for path in sorted((root / "docs").glob("*/*.xml"), key=lambda p: (int(p.parent.name), p.name)):
        article, tags = read_article(path)
        articles.append(article)
        for index, mention in enumerate(article.mentions):
            instance = instances.setdefault(mention.instance, Instance(mention.instance, tags.get(
                mention.instance, mention.tag)))
            instance.mentions.append((article.doc, index))
    return articles, instances
