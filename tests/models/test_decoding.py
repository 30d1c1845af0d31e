"""The one span selection every family decodes with."""
from hypothesis import given
from hypothesis import strategies as st

from assay.doc import Entity
from assay.models.decoding import by_score, fits, longest_first, select_spans

SPAN = lambda h: (h[1], h[2])  # noqa: E731  (score, start, end, type) tuples


def test_best_first_flat_and_nested():
    hits = [(0.9, 2, 5, 0), (0.8, 3, 4, 1), (0.7, 2, 5, 1), (0.6, 4, 7, 0), (0.5, 7, 8, 0)]
    assert [SPAN(h) for h in select_spans(hits, SPAN, by_score)] == [(2, 5), (7, 8)]
    # nested: (3, 4) sits inside (2, 5); the same span twice and the crossing (4, 7) are left out
    assert [SPAN(h) for h in select_spans(hits, SPAN, by_score, "nested")] == \
        [(2, 5), (3, 4), (7, 8)]


def test_longest_first_keeps_the_longer_of_overlapping_gold_entities():
    entities = [Entity(0, 4, "A"), Entity(0, 10, "B"), Entity(8, 14, "C"), Entity(20, 22, "D")]
    kept = select_spans(entities, lambda e: e.span, longest_first(lambda e: e.span))
    assert [e.label for e in kept] == ["B", "D"]


spans = st.tuples(st.integers(0, 30), st.integers(1, 8)).map(lambda s: (s[0], s[0] + s[1]))


@given(st.lists(st.tuples(st.floats(0, 1), spans), max_size=25), st.sampled_from(["flat", "nested"]))
def test_what_is_kept_never_clashes(candidates, mode):
    kept = select_spans(candidates, lambda c: c[1], lambda c: c[0], mode)
    for a in range(len(kept)):
        for b in range(a + 1, len(kept)):
            assert fits(kept[a][1], kept[b][1], mode)
    # nothing left out could have been kept beside everything kept before it
    for c in candidates:
        if c not in kept:
            assert any(not fits(c[1], k[1], mode) for k in kept if k[0] >= c[0])
