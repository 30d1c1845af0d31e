"""Scores of predicted Documents against gold Documents: pure functions, no I/O.

`evaluate(gold, pred, protocol)` pairs documents by id and returns named scores; each score
serialises to `{"micro_p", "micro_r", "micro_f1", "macro_p", "macro_r", "macro_f1",
"support", "per_label"}`.
"""
from __future__ import annotations

from typing import Callable, Iterable

from assay.doc import Document
from assay.metrics.documents import cid, multitask
from assay.metrics.gutbrainie import gutbrainie
from assay.metrics.matching import (Pairs, coverage, entities_boundary, entities_partial, entities_strict,
                                    pair, relations_boundary, relations_strict)
from assay.metrics.scores import Combined, Score, prf
from assay.metrics.somd import somd


def strict(pairs: Pairs) -> dict[str, Score]:
    """Entities (strict, boundary, partial) and relations (strict, boundary)."""
    return {"entities_strict": entities_strict(pairs), "entities_boundary": entities_boundary(pairs),
            "entities_partial": entities_partial(pairs), "relations_strict": relations_strict(pairs),
            "relations_boundary": relations_boundary(pairs)}


PROTOCOLS: dict[str, Callable[[Pairs], dict[str, Score | Combined]]] = {
    "strict": strict, "somd": somd, "gutbrainie": gutbrainie, "cid": cid, "multitask": multitask,
}


def evaluate(gold: Iterable[Document], pred: Iterable[Document],
             protocol: str = "strict") -> dict[str, Score | Combined]:
    if protocol not in PROTOCOLS:
        raise ValueError(f"unknown protocol {protocol!r}; known: {', '.join(PROTOCOLS)}")
    return PROTOCOLS[protocol](pair(gold, pred))


def to_json(scores: dict[str, Score | Combined]) -> dict:
    return {name: score.to_json() for name, score in scores.items()}


__all__ = ["PROTOCOLS", "Combined", "Score", "coverage", "evaluate", "pair", "prf", "to_json"]
