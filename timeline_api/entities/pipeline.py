"""The matcher's components, in the order they run over one article's ``Document``.

Each component finds something and annotates the document; the optional ones can be switched
off (``EntityMatcher(..., disabled={"pronouns"})``), some with a simpler fallback in their
place, so that the benchmarks can measure what each one gains (docs/entities.md).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from . import aliases, anaphora, build, context, headlines, kinds, lookup, roles, runs
from .document import Document


@dataclass(frozen=True)
class Component:
    name: str
    run: Callable[[Document], None]
    what: str
    optional: bool = True
    # what runs in its place when it is switched off (None: nothing)
    fallback: Callable[[Document], None] | None = None


def _names(doc: Document) -> None:
    runs.capitals(doc)
    runs.find_runs(doc)


COMPONENTS: tuple[Component, ...] = (
    Component("lookup", lookup.find_spans, "gazetteer names: places, countries, demonyms, curated entities",
              optional=False),
    Component("context", context.apply_context, "words around a gazetteer name allow or rule out its candidates"),
    Component("disambiguation", context.disambiguate, "one candidate per name, from the article's other places",
              fallback=context.choose_by_prior),
    Component("names", _names, "proper-name runs read from capitalisation"),
    Component("candidates", runs.find_candidates, "name runs and gazetteer names as one list", optional=False),
    Component("kinds", kinds.assign_kinds, "person, organisation, group, product, landmark, region from cues"),
    Component("aliases", partial(aliases.link_candidates, short_forms=True),
              "within-article short forms: surnames, acronyms, suffixes, variants, possessors",
              fallback=partial(aliases.link_candidates, short_forms=False)),
    Component("headlines", headlines.link_headlines, "the article's names in title-case headline lines"),
    Component("roles", roles.assign_roles, "actor or place, qualifiers, affiliations, metonymy",
              fallback=roles.default_roles),
    Component("build", build.build_mentions, "entities and mentions built", optional=False),
    Component("pronouns", partial(anaphora.resolve_anaphora, descriptions=False), "he, she, it"),
    Component("descriptions", partial(anaphora.resolve_anaphora, pronouns=False), "the company, the label"),
)
NAMES = tuple(c.name for c in COMPONENTS)
OPTIONAL = tuple(c.name for c in COMPONENTS if c.optional)


def steps(disabled: Iterable[str] = ()) -> tuple[Callable[[Document], None], ...]:
    """The callables to run, in order, with ``disabled`` components switched off."""
    disabled = frozenset(disabled)
    unknown = disabled - set(OPTIONAL)
    if unknown:
        raise ValueError(f"not optional components: {sorted(unknown)} (optional: {', '.join(OPTIONAL)})")
    out = []
    if not {"pronouns", "descriptions"} & disabled:
        # one pass for both when both run (pronoun and description links see each other in turn)
        merged = [c for c in COMPONENTS if c.name != "descriptions"]
        merged = [Component(c.name, anaphora.resolve_anaphora, c.what) if c.name == "pronouns" else c for c in merged]
    else:
        merged = list(COMPONENTS)
    for c in merged:
        if c.name in disabled:
            if c.fallback is not None:
                out.append(c.fallback)
        else:
            out.append(c.run)
    return tuple(out)
