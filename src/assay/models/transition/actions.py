"""SRU-NER's transition system: nested mentions as a sequence of action rows, and back.

Actions, by index: EOA (0, end), SH (1, shift the next word), and for entity type k a TR(k)
(2 + 2k: open a mention of k at the next word) and a RE(k) (3 + 2k: close the latest open
mention of k after the words shifted so far). Each type has its own stack of open mentions.

A gold sequence is a list of rows, each a set of actions taken at one step: SH and EOA alone in
their rows; the TR/RE actions between two SHs share a row, unless one repeats (two mentions of a
type closing at one word), which starts a new row. Order encodes nesting: at a word, every RE
comes before every TR; of mentions starting at one word, the longest opens first; of mentions
ending at one point, the shortest closes first.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from assay.models.decoding import select_spans

EOA, SH = 0, 1
Mention = tuple[int, int, int]  # (first word, end word exclusive, type index)


def transition(k: int) -> int:
    return 2 + 2 * k


def reduce(k: int) -> int:
    return 3 + 2 * k


def n_actions(n_types: int) -> int:
    return 2 + 2 * n_types


def encodable(mentions: Sequence[Mention]) -> list[Mention]:
    """The mentions a model is trained on, widest first: a mention is left out when it repeats
    one kept, or crosses one kept (A [0, 3) and A [1, 4): the RE at 3 would close the later A;
    and decoding keeps no crossing, of any types, so training teaches none either). One span
    may hold several types."""
    kept: list[Mention] = []
    for m in sorted(set(mentions), key=lambda m: (m[0] - m[1], m[0], m[2])):
        s, e, _ = m
        if all(e <= a or b <= s or (a <= s and e <= b) or (s <= a and b <= e)
               for a, b, _ in kept):
            kept.append(m)
    return kept


def gold_rows(n_words: int, mentions: Sequence[Mention]) -> list[list[int]]:
    """The action rows of a sentence of `n_words` words with these mentions (`encodable` ones
    only), ending with the EOA row."""
    at: list[list[int]] = [[] for _ in range(n_words + 1)]
    for s, e, k in sorted(mentions, key=lambda m: (m[0] - m[1], m[0])):  # longest first
        at[s].append(transition(k))
        at[e].insert(0, reduce(k))  # the shortest ends first: inserted last, read first
    rows: list[list[int]] = []
    for i, actions in enumerate(at):
        row: list[int] = []
        for a in actions:
            if a in row:
                rows.append(row)
                row = []
            row.append(a)
        if row:
            rows.append(row)
        if i < n_words:
            rows.append([SH])
    rows.append([EOA])
    return rows


def decode(probs: np.ndarray, n_words: int, threshold: float = 0.5,
           kinds: np.ndarray | None = None) -> list[tuple[int, int, int, float]]:
    """The mentions `(first word, end word, type index, score)` that a sequence of action
    probabilities (steps × actions, sigmoid scores) builds. A step's kind decides (`kinds`:
    EOA, SH or -1, as generation chose them; default: the likeliest action of each step):
    EOA stops; SH moves on a word (never past the last); otherwise every TR/RE above
    `threshold` is applied, REs first. A RE closes the latest mention of its type opened
    before the current word: one opened at this word would be empty, so it stays open (a model
    that puts a TR in the row before a RE at one word still builds the gold's mentions); a RE
    with no such mention open is ignored. The EOA step's own REs above `threshold` are
    applied before it stops (a model sure of both at the last word loses no mention), and a
    mention still open at the end is dropped. A mention's score is the mean of its TR's and
    RE's probabilities.
    Mentions that cross are resolved best first (`decoding.select_spans`, nested; the types
    of one span stand or fall together): none is left unclosed, none crosses another."""
    words = 0
    stacks: dict[int, list[tuple[int, float]]] = {}
    found: dict[tuple[int, int, int], float] = {}
    for t, row in enumerate(probs):
        kind = int(row.argmax()) if kinds is None else int(kinds[t])
        if kind == SH:
            words = min(words + 1, n_words)
            continue
        above = np.flatnonzero(row > threshold)
        for a in above[(above >= 2) & (above % 2 == 1)]:  # RE(k), in type order
            k = (int(a) - 3) // 2
            stack = stacks.get(k, [])
            below = [i for i, (start, _) in enumerate(stack) if start < words]
            if below:
                start, opened = stack.pop(below[-1])
                span = (start, words, k)
                found[span] = max(found.get(span, 0.0), (opened + float(row[a])) / 2)
        if kind == EOA:
            break
        for a in above[(above >= 2) & (above % 2 == 0)]:  # TR(k)
            stacks.setdefault((int(a) - 2) // 2, []).append((words, float(row[a])))
    best: dict[tuple[int, int], float] = {}  # one span may hold several types: kept together
    for (s, e, _), score in found.items():
        best[s, e] = max(best.get((s, e), 0.0), score)
    kept = set(select_spans(list(best), lambda span: span, best.get, "nested"))
    return sorted((s, e, k, score) for (s, e, k), score in found.items() if (s, e) in kept)
