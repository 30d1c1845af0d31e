"""Units: the smallest pieces a token-level model labels (runs of letters and digits, and
single other characters), so that an entity boundary inside a whitespace token, such as the
`R` of `R.` or the `StataCorp` of `(StataCorp)`, is still a unit boundary."""
from __future__ import annotations

import re
from typing import Iterable

from assay.doc import Span
from assay.text.tokens import pattern_spans

_UNIT = re.compile(r"\w+|[^\w\s]")
_UNIT_APART = re.compile(r"[^\W\d]+|\d+|[^\w\s]")  # letters and digits apart: SPM | 12

#: word-shape classes; the shape id of a unit is `2 * class + attached`, where `attached` says
#: that no space separates it from the unit before (the pieces of a URL or a version number)
SHAPES = ("pad", "lower", "title", "upper", "mixed", "digits", "alnum", "punct")
N_SHAPES = 2 * len(SHAPES)


def unit_spans(text: str, start: int = 0, end: int | None = None,
               cuts: Iterable[int] = (), split_digits: bool = False) -> list[Span]:
    """The units of `text[start:end]` as character spans, split further at every offset in
    `cuts` (entity boundaries) that falls inside one; with `split_digits`, also where
    letters meet digits (`SPM12` is `SPM` and `12`)."""
    return pattern_spans(_UNIT_APART if split_digits else _UNIT, text, start, end, cuts)


def shape_ids(text: str, spans: list[Span]) -> list[int]:
    """The shape id of each unit (see `SHAPES`); case matters to uncased encoders that lose it."""
    ids, previous_end = [], None
    for s, e in spans:
        ids.append(2 * SHAPES.index(_shape(text[s:e])) + int(previous_end == s))
        previous_end = e
    return ids


#: characters of a unit seen by a character encoder, and the buckets their code points hash to
CHARS_PER_UNIT = 16
CHAR_BUCKETS = 1024


def char_ids(text: str, spans: list[Span]) -> list[list[int]]:
    """Each unit's first characters as ids in 1..CHAR_BUCKETS-1 (0 pads), case kept."""
    return [[1 + ord(c) % (CHAR_BUCKETS - 1) for c in text[s:min(e, s + CHARS_PER_UNIT)]]
            for s, e in spans]


def _shape(unit: str) -> str:
    if unit.isdigit():
        return "digits"
    if not unit[0].isalnum() and unit[0] != "_":
        return "punct"
    if any(c.isdigit() for c in unit):
        return "alnum"
    if unit.islower():
        return "lower"
    if unit.isupper():
        return "upper"
    if unit[0].isupper() and unit[1:].islower():
        return "title"
    return "mixed"
