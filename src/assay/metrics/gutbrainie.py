"""The GutBrainIE 2025 protocol, as the task's official scorer computes it.

Predictions first go through the scorer's clean-up: duplicate entities (same start, end and
location) and duplicate derived relations are dropped, and of overlapping predicted entities
in a section only the longest is kept. Then, per document:

- `NER` (6.1): an entity counts when start, end, location, text and label all match;
- `binary_tag_RE` (6.2.1): (subject label, object label);
- `ternary_tag_RE` (6.2.2): (subject label, predicate, object label);
- `ternary_mention_RE` (6.2.3): (subject text, subject label, predicate, object text,
  object label).

Counts are kept per label over the labels present in the gold data only: a prediction whose
label has no gold item is not counted at all. The label is the entity label for NER, the
whole tuple for the two tag-based tasks, and (subject label, predicate, object label) for the
mention-based task. Micro P/R/F1 come from the summed counts; macro P and R are the means of
the per-label P and R, and macro F1 the mean of the per-label F1 (the scorer's definition;
the BIU paper prints 2·Pmacro·Rmacro/(Pmacro+Rmacro) instead, which differs).
"""
from __future__ import annotations

from assay.formats.gutbrainie import DERIVED, to_article
from assay.metrics.matching import Pairs
from assay.metrics.scores import Score, count

TASKS = {"binary_tag_RE": "binary_tag_based_relations",
         "ternary_tag_RE": "ternary_tag_based_relations",
         "ternary_mention_RE": "ternary_mention_based_relations"}
ENTITY_KEYS = ("start_idx", "end_idx", "location", "text_span", "label")


def gutbrainie(pairs: Pairs) -> dict[str, Score]:
    scores = {"NER": Score(), **{task: Score() for task in TASKS}}
    for gold_doc, pred_doc in pairs:
        gold, pred = to_article(gold_doc), clean_prediction(to_article(pred_doc))
        scores["NER"] += count(*([(tuple(e[k] for k in ENTITY_KEYS), e["label"]) for e in a["entities"]]
                                 for a in (gold, pred)))
        for task, name in TASKS.items():
            scores[task] += count(*([(_tuple(name, r), _label(name, r)) for r in a[name]]
                                    for a in (gold, pred)))
    return {name: score.only_gold_labels() for name, score in scores.items()}


def clean_prediction(article: dict) -> dict:
    """The official scorer's clean-up of a prediction: no duplicate entities, the longest of
    overlapping entities in a section, no duplicate derived relations."""
    kept, seen = [], set()
    for location in ("title", "abstract"):
        group = sorted((e for e in article["entities"] if e["location"] == location),
                       key=lambda e: e["start_idx"])
        cluster: list[dict] = []
        for e in group + [None]:
            if e is not None and cluster and e["start_idx"] < max(c["end_idx"] for c in cluster):
                cluster.append(e)
                continue
            if cluster:
                seen.add(_where(max(cluster, key=lambda c: c["end_idx"] - c["start_idx"])))
            cluster = [e] if e is not None else []
    for e in article["entities"]:
        if _where(e) in seen:
            kept.append(e)
            seen.discard(_where(e))
    out = dict(article, entities=kept)
    for name in DERIVED:
        out[name] = list({_tuple(name, r): r for r in article.get(name, [])}.values())
    return out


def _where(e: dict) -> tuple:
    return e["start_idx"], e["end_idx"], e["location"]


def _tuple(name: str, relation: dict) -> tuple:
    return tuple(relation[k] for k in DERIVED[name])


def _label(name: str, relation: dict) -> str:
    keys = ("subject_label", "predicate", "object_label") if "mention" in name else DERIVED[name]
    return "|".join(relation[k] for k in keys)
