"""Protocols on whole documents: BC5CDR chemical-induced disease, and the multi-dataset
disjoint / merged evaluation of SRU-NER."""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace

from assay.doc import Document
from assay.metrics.matching import Pairs, entities_strict, pair
from assay.metrics.scores import Score, count


def cid(pairs: Pairs) -> dict[str, Score]:
    """BC5CDR CID: the set of (chemical concept, disease concept) pairs of each document, from
    its `CID` relations. An argument is a concept: a mention group's `kb_id` (or id), or an
    entity's `kb_id`; a relation between entities without concept ids counts by their text."""
    score = Score()
    for gold, pred in pairs:
        score += count(*([((_concept(doc, r.head), _concept(doc, r.tail)), "CID")
                          for r in doc.relations if r.label == "CID"] for doc in (gold, pred)))
    return {"CID": score}


def _concept(doc: Document, ref: str) -> str:
    groups = doc.group_by_id()
    if ref in groups:
        return groups[ref].kb_id or ref
    entity = doc.entity_by_id()[ref]
    return entity.kb_id or doc.text[entity.start:entity.end].lower()


def multitask(pairs: Pairs) -> dict[str, Score]:
    """Multi-dataset NER evaluation as SRU-NER defines it (its section 5.2), strict entity
    matching. Each document names its dataset in `meta["dataset"]` (one dataset when none
    does); a dataset annotates the labels its gold documents hold. A label may carry its
    dataset's prefix, `bc5/Chemical` (a Mix's `label_prefix`, keeping the datasets' types
    apart as the paper does); its type is what follows the last `/`.

    - `disjoint`: a document is scored on its dataset's own labels: a predicted entity of any
      other label (another dataset's, prefixed or not) is left out. Labels are reported as
      `dataset/label`.
    - `merged`: every label is taken to its type (the prefix dropped), on gold and
      predictions; a predicted entity whose type the document's dataset does not annotate is
      left out; the rest are scored against the gold. Labels are reported by type.
    A right entity of a type the dataset does not annotate is an error in neither.
    """
    annotated: dict[str, set[str]] = {}
    predicted: dict[str, set[str]] = {}
    for gold, pred in pairs:
        annotated.setdefault(_dataset(gold), set()).update(e.label for e in gold.entities)
        predicted.setdefault(_dataset(gold), set()).update(e.label for e in pred.entities)
    for name, labels in annotated.items():
        _same_prefixing(name, labels, predicted[name])
    disjoint, merged = Score(), Score()
    for gold, pred in pairs:
        name = _dataset(gold)
        kept = replace(pred, entities=[e for e in pred.entities if e.label in annotated[name]],
                       relations=[])
        part = entities_strict([(gold, kept)])
        for counter in (part.tp, part.fp, part.fn):
            for label in list(counter):
                counter[f"{name}/{label}"] = counter.pop(label)
        disjoint += part
        types = {_type(label) for label in annotated[name]}
        merged += entities_strict([(_typed(gold, types), _typed(pred, types))])
    return {"disjoint": disjoint, "merged": merged}


def _same_prefixing(dataset: str, gold: set[str], predicted: set[str]) -> None:
    """A ValueError when a dataset's gold labels and the predictions of its types differ only
    in a dataset prefix (gold `Chemical`, predicted `bc5/Chemical`): `disjoint` would leave
    every prediction out and say 0."""
    types = {_type(label) for label in gold}
    near = sorted(label for label in predicted - gold if _type(label) in types)
    prefixed = any("/" in label for label in gold)
    if near and not predicted & gold and all(("/" in label) != prefixed for label in near):
        raise ValueError(f"multitask: dataset {dataset!r} is annotated with "
                         f"{', '.join(sorted(gold))} but predicted as {', '.join(near)}: a "
                         "label prefix on one side only; label the gold as the model does (a "
                         "Mix's label_prefix) or score with another protocol")


def _type(label: str) -> str:
    return label.rsplit("/", 1)[-1]


def _typed(doc: Document, types: set[str]) -> Document:
    """`doc`'s entities of these types, each labelled by its type."""
    return replace(doc, relations=[], groups=[],
                   entities=[replace(e, label=_type(e.label)) for e in doc.entities
                             if _type(e.label) in types])


def _dataset(doc: Document) -> str:
    return str(doc.meta.get("dataset", "data"))


def mention_free(gold: list[Document], predicted: list[Document]) -> dict:
    """How quiet predictions are where the gold has nothing: over the gold's sentences that
    hold no gold entity, the predicted entities that start in them (each a false positive),
    per 1,000 such sentences, and the share of them with any prediction. Whole papers are
    mostly such sentences; benchmark sentence sets hardly hold any."""
    from assay.text.sentences import sentence_spans

    sentences = free = noisy = false = 0
    for doc, found in pair(gold, predicted):
        starts = sorted(e.start for e in found.entities)
        for s, e in sentence_spans(doc):
            sentences += 1
            if any(s <= g.start < e for g in doc.entities):
                continue
            free += 1
            n = bisect_left(starts, e) - bisect_left(starts, s)
            false += n
            noisy += n > 0
    return {"sentences": sentences, "mention_free": free, "false_positives": false,
            "per_1000": round(1000 * false / free, 1) if free else None,
            "share_with_any": round(noisy / free, 4) if free else None}
