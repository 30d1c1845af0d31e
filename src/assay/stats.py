"""Corpus statistics: counts by label, nesting and overlap, lengths."""
from __future__ import annotations

from collections import Counter
from statistics import mean, median
from typing import Any, Iterable

from assay.doc import Document


def corpus_stats(docs: Iterable[Document]) -> dict[str, Any]:
    n_docs = n_sentences = nested = crossing = discontinuous = 0
    entity_labels: Counter = Counter()
    relation_labels: Counter = Counter()
    lengths: list[int] = []
    groups = 0
    for doc in docs:
        n_docs += 1
        n_sentences += len(doc.sentences)
        lengths.append(len(doc.text))
        groups += len(doc.groups)
        entity_labels.update(e.label for e in doc.entities)
        relation_labels.update(r.label for r in doc.relations)
        discontinuous += sum(1 for e in doc.entities if e.fragments)
        a, b = _nesting(doc)
        nested += a
        crossing += b
    return {
        "documents": n_docs, "sentences": n_sentences,
        "entities": sum(entity_labels.values()), "relations": sum(relation_labels.values()),
        "mention_groups": groups,
        "entities_by_label": dict(sorted(entity_labels.items())),
        "relations_by_label": dict(sorted(relation_labels.items())),
        "nested_entities": nested, "overlapping_entities": crossing,
        "discontinuous_entities": discontinuous,
        "characters_per_document": _distribution(lengths),
    }


def _nesting(doc: Document) -> tuple[int, int]:
    """Entities inside another entity, and entities that partly overlap another."""
    spans = sorted({(e.start, e.end) for e in doc.entities}, key=lambda s: (s[0], -s[1]))
    nested = crossing = 0
    for i, (s, e) in enumerate(spans):
        inside = overlap = False
        for s2, e2 in spans[:i]:  # spans that start earlier, or at once and end later
            if s < e2:
                if e <= e2:
                    inside = True
                else:
                    overlap = True
        nested += inside
        crossing += overlap and not inside
    return nested, crossing


def _distribution(values: list[int]) -> dict[str, float]:
    if not values:
        return {"min": 0, "median": 0, "mean": 0, "max": 0}
    ordered = sorted(values)
    return {"min": ordered[0], "median": median(ordered), "mean": round(mean(ordered), 1),
            "max": ordered[-1], "p95": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]}
