"""The SOMD 2025 protocol (software mentions, sentence level).

- `entities`: IOB2 tags on the gold words of each sentence, scored by exact match of the
  entities the tags spell (seqeval in strict IOB2 mode: boundaries and label). A predicted
  entity is put on the gold words it touches, as a submission of tags would be.
- `relations`: a relation counts when its label and both arguments' word spans match
  (the task names arguments by their first word; the spans are compared here, which is the
  same for entities that match). Argument labels are not compared.
- `total`: the mean of the entity F1 and the relation F1, for micro and macro alike (so the
  SOMD joint-loss paper's 0.90 and 0.85 give 0.875, printed 0.88). P and R of `total` are
  the same means of P and R.

Micro and macro as in `Score`: macro over every label with gold or predicted items.
"""
from __future__ import annotations

from bisect import bisect_right

from assay.doc import Entity, Span
from assay.metrics.matching import Pairs
from assay.metrics.scores import Combined, Score, count
from assay.text.tokens import doc_words


def somd(pairs: Pairs) -> dict[str, Score | Combined]:
    entities, relations = Score(), Score()
    for gold, pred in pairs:
        words = [w for sentence in doc_words(gold) for w in sentence]
        items = []
        for doc in (gold, pred):
            span_of = {e.id: _word_span(e, words) for e in doc.entities}
            items.append(([((span_of[e.id], e.label), e.label) for e in doc.entities],
                          [((span_of[r.head], span_of[r.tail], r.label), r.label)
                           for r in doc.relations]))
        entities += count(items[0][0], items[1][0])
        relations += count(items[0][1], items[1][1])
    return {"entities": entities, "relations": relations, "total": Combined((entities, relations))}


def _word_span(e: Entity, words: list[Span]) -> tuple[int, int]:
    """First and last gold word that the entity touches."""
    starts = [s for s, _ in words]
    first = max(bisect_right(starts, e.start) - 1, 0)
    last = max(bisect_right(starts, e.end - 1) - 1, first)
    return first, last
