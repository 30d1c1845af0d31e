"""Span selection, shared by every family: from scored candidate spans to a consistent set.

Candidates are taken best first (highest score, or longest, as the caller ranks them); each is
kept when it fits those kept before. `flat`: no two kept spans overlap. `nested`: a span may sit
inside (or around) a kept one, but never the same span twice, nor a partial overlap (a crossing),
which no nested annotation scheme can hold. Spans are half-open `[start, end)` in any unit
(characters, words, sub-words).
"""
from __future__ import annotations

from typing import Any, Callable, Literal, Sequence, TypeVar

Candidate = TypeVar("Candidate")
Mode = Literal["flat", "nested"]


def fits(span: tuple[int, int], kept: tuple[int, int], mode: Mode) -> bool:
    """Whether `span` can be kept beside `kept`."""
    (i, j), (a, b) = span, kept
    if j <= a or b <= i:  # apart
        return True
    if mode == "flat" or (i, j) == (a, b):
        return False
    return (a <= i and j <= b) or (i <= a and b <= j)  # one inside the other


def select_spans(candidates: Sequence[Candidate], span: Callable[[Candidate], tuple[int, int]],
                 rank: Callable[[Candidate], Any], mode: Mode = "flat") -> list[Candidate]:
    """The candidates kept, in the order taken: by `rank`, highest first (ties keep their
    given order), each when its `span` fits every span kept before."""
    kept: list[Candidate] = []
    spans: list[tuple[int, int]] = []
    for candidate in sorted(candidates, key=rank, reverse=True):
        here = span(candidate)
        if all(fits(here, other, mode) for other in spans):
            kept.append(candidate)
            spans.append(here)
    return kept


def by_score(candidate: tuple) -> float:
    """Rank `(score, start, end, ...)` tuples by score."""
    return candidate[0]


def longest_first(span: Callable[[Candidate], tuple[int, int]]) -> Callable[[Candidate], tuple]:
    """Rank by width, then the earlier first."""
    return lambda c: (span(c)[1] - span(c)[0], -span(c)[0])
