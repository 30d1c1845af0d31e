"""Protocols on whole documents: BC5CDR chemical-induced disease, and the multi-dataset
disjoint / merged evaluation of SRU-NER."""
from __future__ import annotations

from assay.doc import Document
from assay.metrics.matching import Pairs, entities_strict
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
    """Multi-dataset NER evaluation (SRU-NER), strict entity matching. Each document names its
    dataset in `meta["dataset"]` (one dataset when none does).

    - `disjoint`: every dataset is scored on the labels it annotates: a predicted entity whose
      label the document's dataset does not annotate is left out, not counted as an error.
      Labels are reported as `dataset/label`.
    - `merged`: all predictions count against the merged gold data, whatever the dataset
      annotates, so a right entity of a type the dataset lacks is a false positive.
    """
    annotated: dict[str, set[str]] = {}
    for gold, _ in pairs:
        annotated.setdefault(_dataset(gold), set()).update(e.label for e in gold.entities)
    disjoint = Score()
    for gold, pred in pairs:
        name = _dataset(gold)
        kept = Document(pred.id, pred.text, [e for e in pred.entities if e.label in annotated[name]])
        part = entities_strict([(gold, kept)])
        for counter in (part.tp, part.fp, part.fn):
            for label in list(counter):
                counter[f"{name}/{label}"] = counter.pop(label)
        disjoint += part
    return {"disjoint": disjoint, "merged": entities_strict(pairs)}


def _dataset(doc: Document) -> str:
    return str(doc.meta.get("dataset", "data"))
