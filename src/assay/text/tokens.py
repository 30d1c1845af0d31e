"""Words with character spans, and texts built from token lists."""
from __future__ import annotations

import re
from bisect import bisect_left
from typing import Iterable, Sequence

from assay.doc import Document, Span

_WORD = re.compile(r"\S+")


def word_spans(text: str, start: int = 0, end: int | None = None,
               cuts: Iterable[int] = ()) -> list[Span]:
    """Whitespace-separated words of `text[start:end]` as character spans, split further at every
    offset in `cuts` (entity boundaries, say) so that each cut falls between two words."""
    return pattern_spans(_WORD, text, start, end, cuts)


def pattern_spans(pattern: re.Pattern, text: str, start: int = 0, end: int | None = None,
                  cuts: Iterable[int] = ()) -> list[Span]:
    """The matches of `pattern` in `text[start:end]` as spans, split at every offset in `cuts`
    that falls inside one."""
    end = len(text) if end is None else end
    cut_points = sorted(set(cuts))
    spans: list[Span] = []
    for m in pattern.finditer(text, start, end):
        s, e = m.span()
        i = bisect_left(cut_points, s + 1)
        while i < len(cut_points) and cut_points[i] < e:
            spans.append((s, cut_points[i]))
            s = cut_points[i]
            i += 1
        spans.append((s, e))
    return spans


def doc_words(doc: Document) -> list[list[Span]]:
    """The words of each sentence of `doc` (the whole text when it has no sentence spans),
    cut at every entity boundary so that each entity covers whole words.

    A document read from tokens that hold spaces keeps its tokens in `meta["token_spans"]`
    (see `join_tokens`); those are its words then.
    """
    cuts = {p for e in doc.entities for piece in e.pieces() for p in piece}
    sentences = doc.sentences or [(0, len(doc.text))]
    if "token_spans" in doc.meta:
        kept = [tuple(span) for span in doc.meta["token_spans"]]
        return [[(a, b) for a, b in kept if s <= a and b <= e] for s, e in sentences]
    return [word_spans(doc.text, s, e, cuts) for s, e in sentences]


def join_tokens(sentences: Sequence[Sequence[str]]) -> tuple[str, list[Span], list[list[Span]]]:
    """Build a text from token lists: tokens joined by a space, sentences by a newline.

    Returns the text, the sentence spans and each sentence's token spans. An empty token, or
    one that starts or ends with whitespace, raises ValueError naming it. (A token with a space
    inside, such as GENIA's `ER- cells`, is kept whole: see `needs_token_spans`.)
    """
    parts: list[str] = []
    sentence_spans: list[Span] = []
    token_spans: list[list[Span]] = []
    pos = 0
    for k, tokens in enumerate(sentences):
        if k:
            parts.append("\n")
            pos += 1
        spans = []
        start = pos
        for i, tok in enumerate(tokens):
            if not tok or tok != tok.strip():
                raise ValueError(f"token {i} {tok!r} is empty or has whitespace at an end")
            if i:
                parts.append(" ")
                pos += 1
            parts.append(tok)
            spans.append((pos, pos + len(tok)))
            pos += len(tok)
        sentence_spans.append((start, pos))
        token_spans.append(spans)
    return "".join(parts), sentence_spans, token_spans


def needs_token_spans(tokens: Sequence[str]) -> bool:
    """Whether splitting the joined text at whitespace would not give these tokens back."""
    return any(_WORD.fullmatch(tok) is None for tok in tokens)
