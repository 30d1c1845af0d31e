"""The GutBrainIE 2025 protocol, as the task's official scorer (`evaluate.py`) computes it.

Predictions first go through the scorer's clean-up: duplicate entities (same start, end and
location: the first is kept) and duplicate tuples of a relation subtask are dropped, and of
predicted entities that overlap in a section only the longest is kept (the first of equals;
ends are inclusive, so an entity starting at the last character of another does not overlap
it). Then, per document, an item of each subtask (`assay.tasks.gutbrainie.SUBTASKS`) is right
when the whole tuple is among the document's gold tuples:

- `NER` (6.1): start, end, location, text and label;
- `binary_tag_RE` (6.2.1): (subject label, object label);
- `ternary_tag_RE` (6.2.2): (subject label, predicate, object label);
- `ternary_mention_RE` (6.2.3): (subject text, subject label, predicate, object text,
  object label).

Counts are kept per label over the labels present in the gold data only: a prediction whose
label has no gold item is not counted at all. The label is the entity label for NER, the
whole tuple for the two tag-based tasks, and (subject label, predicate, object label) for the
mention-based task. Gold items count as often as they are listed (the scorer keeps gold as
lists), each cleaned prediction once. Micro P/R/F1 come from the summed counts; macro P and
R are the means of the per-label P and R, and macro F1 the mean of the per-label F1 (the
scorer's definition; the BIU paper prints 2·Pmacro·Rmacro/(Pmacro+Rmacro) instead, which
differs). The scorer adds 1e-10 to each denominator; these figures are exact.

A run file holds the lists of one subtask or a few: `score_run` scores those it holds, and a
gold document the run lacks counts as predicting nothing.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping, Sequence

from assay.doc import Document
from assay.metrics.matching import Pairs
from assay.metrics.scores import Score
from assay.tasks.gutbrainie import LOCATIONS, SUBTASKS, Subtask, held_subtasks, to_article

Article = Mapping[str, Any]


def gutbrainie(pairs: Pairs) -> dict[str, Score]:
    """All four subtasks, over gold and predicted Documents."""
    return score_articles(((to_article(g), to_article(p)) for g, p in pairs), SUBTASKS)


def score_run(gold: Iterable[Document], run: Mapping[str, Article]) -> dict[str, Score]:
    """A run file's records by PMID (see `assay.formats.gutbrainie.read_run`) against the gold
    documents, for the subtasks the run holds. PMIDs that are not in gold are not scored:
    the caller says so."""
    return score_articles(((to_article(g), run.get(g.id, {})) for g in gold), held_subtasks(run))


def score_articles(pairs: Iterable[tuple[Article, Article]],
                   subtasks: Sequence[Subtask]) -> dict[str, Score]:
    """(gold, predicted) article records, every gold document once; a list the prediction
    lacks predicts nothing."""
    scores = {s.name: Score() for s in subtasks}
    for gold, pred in pairs:
        pred = clean_prediction(pred)
        for s in subtasks:
            scores[s.name] += _count(gold.get(s.field, []), pred.get(s.field, []), s)
    return {name: score.only_gold_labels() for name, score in scores.items()}


def clean_prediction(article: Article) -> dict[str, Any]:
    """The official scorer's clean-up of a predicted article (see the module docstring)."""
    out = dict(article)
    for s in SUBTASKS:
        if s.field in article:
            key = _where if s.field == "entities" else s.item
            out[s.field] = _first_of_each(article[s.field], key)
    if "entities" in out:
        entities = out["entities"]
        longest = {_where(e) for loc in LOCATIONS for e in _longest_of_overlaps(entities, loc)}
        out["entities"] = [e for e in entities if _where(e) in longest]
    return out


def _first_of_each(records: list[dict], key: Callable[[dict], tuple]) -> list[dict]:
    first: dict[tuple, dict] = {}
    for record in records:
        first.setdefault(key(record), record)
    return list(first.values())


def _longest_of_overlaps(entities: list[dict], location: str) -> Iterable[dict]:
    """The longest entity of each run of overlapping entities in one section, in start order."""
    cluster: list[dict] = []
    reach = 0
    section = [e for e in entities if e["location"] == location]
    for e in sorted(section, key=lambda e: e["start_idx"]):
        if cluster and e["start_idx"] < reach:
            cluster.append(e)
            reach = max(reach, e["end_idx"])
            continue
        if cluster:
            yield max(cluster, key=_length)
        cluster, reach = [e], e["end_idx"]
    if cluster:
        yield max(cluster, key=_length)


def _count(gold: list[dict], pred: list[dict], subtask: Subtask) -> Score:
    score = Score()
    for record in gold:
        score.fn[subtask.label(record)] += 1
    found = {subtask.item(r) for r in gold}
    for record in pred:
        label = subtask.label(record)
        if subtask.item(record) in found:
            score.tp[label] += 1
            score.fn[label] -= 1
        else:
            score.fp[label] += 1
    return score


def _where(entity: dict) -> tuple:
    return entity["start_idx"], entity["end_idx"], entity["location"]


def _length(entity: dict) -> int:
    return entity["end_idx"] - entity["start_idx"]
