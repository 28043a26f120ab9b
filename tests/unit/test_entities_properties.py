"""Whatever the text, find() returns sorted, disjoint mentions whose text is the span."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from timeline_api.entities import EntityMatcher

WORDS = ["Moscow", "the", "Kremlin", "said", "Steve", "Jobs", "Apple", "Inc.", "iPod", "3G", "He", "he", "It",
         "was", "(", ")", "USAF", "'s", "'", ",", ".", "\n", "Georgia", "Atlanta", "Turkey", "a", "southern",
         "pro-Russian", "Москва", "Київ", "General", "Motors", "GM", "of", "Bank", "America", "N.Y.", "Calif.",
         "MOSCOW", "—", "“", "”", "Mr", "Mrs", "I", "Paris", "Hilton", "and", "&", "-", "X", "Jr", "U.S."]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.text(max_size=40))
def test_find_is_well_formed(words, noise):
    matcher = EntityMatcher.default()
    text = " ".join(words) + noise
    ms = matcher.find(text)
    assert [m.start for m in ms] == sorted(m.start for m in ms)
    assert all(a.end <= b.start for a, b in zip(ms, ms[1:], strict=False))
    for m in ms:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        assert m.roles <= {"actor", "location"}
        assert m.entity.key.split(":", 1)[0] in ("geonames", "landmark", "org", "group", "ent")
