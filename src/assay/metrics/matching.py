"""Entity and relation matching between gold and predicted Documents (paired by id)."""
from __future__ import annotations

from typing import Callable, Hashable, Iterable, Sequence

from assay.doc import Document, Entity
from assay.metrics.scores import Score, count

Pairs = Sequence[tuple[Document, Document]]


def pair(gold: Iterable[Document], pred: Iterable[Document]) -> list[tuple[Document, Document]]:
    """(gold, predicted) by document id; a gold document without prediction is paired with an
    empty one (`coverage` counts them). ValueError, naming the document, when a predicted id is
    not in the gold data, when a gold id repeats, or when a prediction's text is not its gold
    document's (the same ids over other texts would score offsets that mean nothing). Of
    repeated predictions the first is scored."""
    gold = list(gold)
    predicted: dict[str, Document] = {}
    for d in pred:
        predicted.setdefault(d.id, d)
    ids = [d.id for d in gold]
    if len(set(ids)) < len(ids):
        repeated = next(i for k, i in enumerate(ids) if i in ids[:k])
        raise ValueError(f"gold document id {repeated!r} repeats: ids must tell documents apart")
    unknown = set(predicted) - set(ids)
    if unknown:
        raise ValueError(f"{len(unknown)} predicted document(s) are not in the gold data, "
                         f"e.g. {sorted(unknown)[:3]}: are both read in the same format?")
    for g in gold:
        p = predicted.get(g.id)
        if p is not None and p.text != g.text:
            at = next((k for k, (a, b) in enumerate(zip(g.text, p.text)) if a != b),
                      min(len(g.text), len(p.text)))
            raise ValueError(f"document {g.id!r}: the predicted text differs from the gold text "
                             f"from character {at} ({len(p.text)} against {len(g.text)} "
                             "characters): predictions must be made on the gold texts")
    return [(g, predicted.get(g.id) or Document(g.id, g.text)) for g in gold]


def coverage(gold: Iterable[Document], pred: Iterable[Document]) -> dict:
    """How the predictions cover the gold documents: counts, and the ids of gold documents
    without prediction (scored as predicting nothing) and of predictions given twice or more
    (the first scored)."""
    gold_ids = [d.id for d in gold]
    pred_ids = [d.id for d in pred]
    seen: set[str] = set()
    repeated = sorted({i for i in pred_ids if i in seen or seen.add(i)})
    missing = sorted(set(gold_ids) - set(pred_ids))
    return {"gold": len(gold_ids), "predicted": len(set(pred_ids)), "missing": missing,
            "repeated": repeated}


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
