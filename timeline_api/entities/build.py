"""The article's entities built as ``Entity`` values, and its links as ``Mention``s."""
from __future__ import annotations

from .document import ArticleEntity, Document
from .normalize import entity_id
from .tokens import slugify
from .types import Entity, Mention

_KIND_PREFIX = {"person": "person", "organization": "org", "group": "group", "product": "product",
                "landmark": "landmark", "region": "landmark"}


def build_mentions(doc: Document) -> None:
    g = doc.gazetteer
    for a in doc.entities:
        if a.known is not None:
            a.entity = a.known
            continue
        # a name run that is a curated entry under another spelling ("Wagner group")
        known = g.entities.get(f"{_KIND_PREFIX.get(a.kind, 'org')}:{slugify(a.name)}")
        if known is not None:
            a.entity = known
            continue
        a.entity = Entity(key=entity_id(a.name), name=a.name, kind=a.kind, aliases=tuple(a.aliases),
                          parent_key=a.parent_key, country_code=a.country_code, kind_guessed=a.kind_guessed)
    toks, text = doc.tokens, doc.text
    out = []
    for link in doc.links:
        ref = link.referent
        entity = ref.entity if isinstance(ref, ArticleEntity) else ref
        s, e = toks[link.start_tok].start, toks[link.end_tok].end
        out.append(Mention(entity=entity, start=s, end=e, text=text[s:e], roles=link.roles or frozenset(),
                           qualifier=link.qualifier, link=link.how))
    doc.mentions = out
