"""Entity and relation matching between gold and predicted Documents (paired by id)."""
from __future__ import annotations

from typing import Callable, Hashable, Iterable, Sequence

from assay.doc import Document, Entity
from assay.metrics.scores import Score, count

Pairs = Sequence[tuple[Document, Document]]


def pair(gold: Iterable[Document], pred: Iterable[Document]) -> list[tuple[Document, Document]]:
    """(gold, predicted) by document id; a gold document without prediction is paired with an
    empty one, and a predicted id missing from the gold data raises ValueError."""
    gold = list(gold)
    predicted = {d.id: d for d in pred}
    unknown = set(predicted) - {d.id for d in gold}
    if unknown:
        raise ValueError(f"{len(unknown)} predicted document(s) are not in the gold data, "
                         f"e.g. {sorted(unknown)[:3]}: are both read in the same format?")
    return [(g, predicted.get(g.id) or Document(g.id, g.text)) for g in gold]


def entities_strict(pairs: Pairs) -> Score:
    """Exact boundaries (every piece of a discontinuous mention) and label."""
    return _entities(pairs, lambda d, e: (d.id, e.pieces(), e.label))


def entities_boundary(pairs: Pairs) -> Score:
    """Exact boundaries, any label."""
    return _entities(pairs, lambda d, e: (d.id, e.pieces()))


def entities_partial(pairs: Pairs) -> Score:
    """Same label and overlapping spans, each gold entity matched at most once (greedy, in
    order of predicted start)."""
    score = Score()
    for gold, pred in pairs:
        free = sorted(gold.entities, key=lambda e: (e.start, e.end))
        for p in sorted(pred.entities, key=lambda e: (e.start, e.end)):
            hit = next((g for g in free if g.label == p.label and g.start < p.end and p.start < g.end), None)
            if hit is None:
                score.fp[p.label] += 1
            else:
                free.remove(hit)
                score.tp[hit.label] += 1
        for g in free:
            score.fn[g.label] += 1
    return score


def relations_strict(pairs: Pairs) -> Score:
    """Both arguments' spans and labels, and the relation label."""
    return _relations(pairs, with_types=True)


def relations_boundary(pairs: Pairs) -> Score:
    """Both arguments' spans and the relation label; argument labels are not compared."""
    return _relations(pairs, with_types=False)


def _entities(pairs: Pairs, key: Callable[[Document, Entity], Hashable]) -> Score:
    score = Score()
    for gold, pred in pairs:
        score += count(((key(gold, e), e.label) for e in gold.entities),
                       ((key(pred, e), e.label) for e in pred.entities))
    return score


def argument_keys(doc: Document, with_types: bool) -> dict[str, Hashable]:
    """What identifies each relation argument, by id: an entity's pieces (and label); a mention
    group's concept id, or else the set of its mentions' pieces (and label)."""
    entities = doc.entity_by_id()
    keys: dict[str, Hashable] = {}
    for e in doc.entities:
        keys[e.id] = (e.pieces(), e.label) if with_types else e.pieces()
    for g in doc.groups:
        who = g.kb_id or frozenset(entities[m].pieces() for m in g.mentions)
        keys[g.id] = ("group", who, g.label) if with_types else ("group", who)
    return keys


def _relations(pairs: Pairs, with_types: bool) -> Score:
    score = Score()
    for gold, pred in pairs:
        items = []
        for doc in (gold, pred):
            keys = argument_keys(doc, with_types)
            items.append([((doc.id, keys[r.head], keys[r.tail], r.label), r.label) for r in doc.relations])
        score += count(*items)
    return score
