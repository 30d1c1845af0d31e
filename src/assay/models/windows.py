"""Encoder inputs: each sentence's units as sub-word ids, in windows that fit the encoder.

A sentence longer than the encoder's window is cut into overlapping windows over its units.
Every unit is *owned* by exactly one window (the overlap is split at its middle), so that a
prediction made at a unit comes from one window only; nothing is truncated.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from assay.doc import Document, Span
from assay.text.sentences import sentence_spans
from assay.text.units import char_ids, shape_ids, unit_spans


@dataclass
class Window:
    doc: int                      # index of the document in the batch of documents
    units: list[Span]             # character spans of the window's units
    owned: tuple[int, int]        # [first, last + 1) of the units this window decides
    input_ids: list[int]          # [CLS] pieces [SEP]
    first_piece: list[int]        # position in input_ids of each unit's first piece
    shapes: list[int]
    chars: list[list[int]]        # each unit's first characters (see `char_ids`)
    gold: dict = field(default_factory=dict)  # family-specific training targets

    def __len__(self) -> int:
        return len(self.input_ids)


def padded_pieces(windows: Sequence[Window], pad: int) -> dict[str, list[list[int]]]:
    """The windows' `input_ids` padded with `pad` to the longest, and their `attention_mask`."""
    n = max(map(len, windows))
    return {"input_ids": [w.input_ids + [pad] * (n - len(w)) for w in windows],
            "attention_mask": [[1] * len(w) + [0] * (n - len(w)) for w in windows]}


def make_windows(docs: Sequence[Document], tokenizer, max_length: int,
                 cut_at_entities: bool = False, split_digits: bool = False, reach: int = 0
                 ) -> list[Window]:
    """Windows over every sentence of `docs`. With `cut_at_entities`, units are also split at
    gold entity boundaries (training), so that every entity covers whole units; with
    `split_digits`, where letters meet digits (see `unit_spans`). `reach`: how many units a
    mention may run on from its first (a span head's `max_width`): a window owns no start it
    could not hold such a mention from, where the next window's start allows."""
    pending: list[tuple[int, list[Span], list[int], list[list[int]]]] = []
    for k, doc in enumerate(docs):
        cuts = [p for e in doc.entities for p in e.span] if cut_at_entities else ()
        for s, e in sentence_spans(doc):
            units = unit_spans(doc.text, s, e, cuts, split_digits)
            if units:
                pending.append((k, units, shape_ids(doc.text, units), char_ids(doc.text, units)))
    if not pending:
        return []
    words = [[docs[k].text[s:e] for s, e in units] for k, units, _, _ in pending]
    # verbose=False: a sentence longer than the encoder is cut into windows below, so the
    # tokenizer's warning that it is "longer than the maximum" would mislead
    encoded = tokenizer(words, is_split_into_words=True, add_special_tokens=False, verbose=False)
    budget = max_length - 2
    opening, closing = frame(tokenizer)
    windows = []
    for i, (k, units, shapes, chars) in enumerate(pending):
        pieces: list[list[int]] = [[] for _ in units]
        for piece, word in zip(encoded["input_ids"][i], encoded.word_ids(i)):
            if word is not None:
                pieces[word].append(piece)
        pieces = [p[:budget] or [tokenizer.unk_token_id] for p in pieces]
        for first, last, owned in _cut([len(p) for p in pieces], budget, reach):
            ids, firsts = [opening], []
            for p in pieces[first:last]:
                firsts.append(len(ids))
                ids.extend(p)
            ids.append(closing)
            windows.append(Window(k, units[first:last], (owned[0] - first, owned[1] - first),
                                  ids, firsts, shapes[first:last], chars[first:last]))
    return windows


def frame(tokenizer) -> tuple[int, int]:
    """The tokens a window opens and closes with: [CLS] and [SEP] (BERT), <s> and </s>
    (BART); a tokenizer with neither (T5's) opens with padding and closes with its end."""
    opening = next(t for t in (tokenizer.cls_token_id, tokenizer.bos_token_id,
                               tokenizer.pad_token_id) if t is not None)
    closing = next(t for t in (tokenizer.sep_token_id, tokenizer.eos_token_id) if t is not None)
    return opening, closing


def _cut(lengths: list[int], budget: int, reach: int = 0
         ) -> list[tuple[int, int, tuple[int, int]]]:
    """`(first, last + 1, owned range)` of windows over units of these piece counts, each
    within `budget` pieces, consecutive windows overlapping by about a quarter; a window owns
    the starts up to the middle of its overlap with the next, or fewer, down to where the
    next one starts, so that a mention `reach` units long from a start it owns fits in it."""
    spans, i, n = [], 0, len(lengths)
    while True:
        j, total = i, 0
        while j < n and total + lengths[j] <= budget:
            total += lengths[j]
            j += 1
        j = max(j, i + 1)
        spans.append((i, j))
        if j >= n:
            break
        i = max(i + 1, j - (j - i) // 4)
    cuts = [0] + [max(spans[w + 1][0], min((spans[w + 1][0] + spans[w][1]) // 2,
                                           spans[w][1] - reach))
                  for w in range(len(spans) - 1)] + [n]
    return [(a, b, (cuts[w], cuts[w + 1])) for w, (a, b) in enumerate(spans)]
