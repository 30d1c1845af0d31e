"""Sentence spans for raw text: a rule-based splitter that knows scientific abbreviations."""
from __future__ import annotations

import re

from assay.doc import Document, Span

# A sentence ends at . ! or ? (optionally closed by quotes or brackets) followed by whitespace
# and a capital letter, a digit or an opening bracket; or at a newline, always (a protocol's
# "Add Proteinase K. \nVortex ..." is two steps).
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z0-9(\[\"'])|\n+")
_NO_BREAK_AFTER = re.compile(
    r"(\b(?:e\.g|i\.e|et al|cf|vs|Fig|Figs|Eq|Eqs|Ref|Refs|approx|ca|no|No|Dr|Mr|Mrs|Ms|Prof|"
    r"St|Inc|Ltd|Co|Corp|resp|sp|spp|var|subsp|Suppl|Vol|pp|ver|v)\.|"
    r"(?:^|[\s(\[.\-\"'‘“])[A-Z]\.)$")
# (an initial is a capital standing alone, "J. R. Smith", "J.R. Smith", "J.-P. Sartre",
# "[A. Smith"; not the C of "37 °C.")


def sentence_spans(doc: Document) -> list[Span]:
    """The document's sentences, or rule-based ones when it has none."""
    return doc.sentences or split_sentences(doc.text) or [(0, len(doc.text))]


def split_sentences(text: str) -> list[Span]:
    """Sentence spans of `text`, trimmed of surrounding whitespace; empty text gives []."""
    spans: list[Span] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if "\n" not in m.group() and _NO_BREAK_AFTER.search(text[start:m.start()]):
            continue
        _append_trimmed(text, start, m.start() + len(m.group().rstrip()), spans)
        start = m.end()
    _append_trimmed(text, start, len(text), spans)
    return spans


def trimmed_span(text: str, start: int, end: int) -> Span | None:
    """text[start:end]'s span without the white space at its edges; None if all white."""
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return None
    s = start + (len(piece) - len(piece.lstrip()))
    return (s, s + len(stripped))


def _append_trimmed(text: str, start: int, end: int, spans: list[Span]) -> None:
    span = trimmed_span(text, start, end)
    if span is not None:
        spans.append(span)
