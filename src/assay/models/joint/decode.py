"""From the joint network's outputs to entities and relations."""
from __future__ import annotations

import numpy as np

from assay.models.decoding import select_spans
from assay.text.bio import tags_to_spans


def allowed_transitions(tags: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """IOB2 constraints: which tag may start a sentence, and which may follow which
    (`I-X` only after `B-X` or `I-X`)."""
    inside = [t[2:] if t.startswith("I-") else None for t in tags]
    start = np.array([label is None for label in inside])
    follow = np.ones((len(tags), len(tags)), dtype=bool)
    for j, label in enumerate(inside):
        if label is not None:
            follow[:, j] = [t in (f"B-{label}", f"I-{label}") for t in tags]
    return start, follow


def viterbi(log_probs: np.ndarray, lengths: list[int], start: np.ndarray,
            follow: np.ndarray, learned: tuple[np.ndarray, np.ndarray] | None = None
            ) -> list[list[int]]:
    """The best tag path of each window under the IOB2 constraints, all windows of a batch at
    once (`log_probs`: windows × units × tags; window b has `lengths[b]` units). `learned`:
    a CRF's (start scores [tags], transition scores [from, to]) added to the path's score."""
    b, n, k = log_probs.shape
    lengths = np.asarray(lengths)
    first, steps = learned if learned is not None else (0.0, 0.0)
    blocked = np.where(follow, steps, -np.inf)
    score = np.where(start, log_probs[:, 0] + first, -np.inf)
    back = np.zeros((b, n, k), dtype=np.int64)
    for i in range(1, n):
        candidates = score[:, :, None] + blocked
        back[:, i] = candidates.argmax(1)
        # a window that has ended keeps its score: its path is read back from its last unit
        score = np.where((i < lengths)[:, None], candidates.max(1) + log_probs[:, i], score)
    paths = []
    for w in range(b):
        path = [int(score[w].argmax())]
        for i in range(lengths[w] - 1, 0, -1):
            path.append(int(back[w, i, path[-1]]))
        paths.append(path[::-1])
    return paths


def crf_marginals(scores: np.ndarray, lengths: list[int], start: np.ndarray,
                  follow: np.ndarray, learned: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Log-probabilities of each tag at each unit under a CRF (forward-backward over the
    valid IOB2 paths), windows × units × tags; `scores` and `learned` as `viterbi` takes them.
    Units past a window's end get 0."""
    b, n, k = scores.shape
    lengths = np.asarray(lengths)
    first = np.where(start, learned[0], -np.inf)
    top = learned[1].max()
    weights = np.where(follow, np.exp(learned[1] - top), 0.0)  # exp(transition scores) / e^top

    def log_product(log_x, matrix):  # log(exp(log_x) @ matrix) + top, row by row, stably
        shift = log_x.max(1, keepdims=True)
        with np.errstate(divide="ignore"):
            return np.log(np.exp(log_x - shift) @ matrix) + shift + top

    alpha = np.full((b, n, k), -np.inf)
    beta = np.zeros((b, n, k))
    alpha[:, 0] = first + scores[:, 0]
    for i in range(1, n):
        alpha[:, i] = log_product(alpha[:, i - 1], weights) + scores[:, i]
    for i in range(n - 2, -1, -1):
        after = log_product(scores[:, i + 1] + beta[:, i + 1], weights.T)
        beta[:, i] = np.where((i + 1 < lengths)[:, None], after, 0.0)
    total = np.logaddexp.reduce(alpha[np.arange(b), np.maximum(lengths, 1) - 1], axis=1)
    marginals = alpha + beta - total[:, None, None]
    return np.where((np.arange(n) < lengths[:, None])[..., None], marginals, 0.0)


def decode_tags(log_probs: np.ndarray, lengths: list[int], tags: list[str], constraints,
                method: str, learned: tuple[np.ndarray, np.ndarray] | None = None
                ) -> list[list[tuple[int, int, str, float]]]:
    """Each window's entities `(first unit, end unit, label, score)`; the score is the mean
    probability of the chosen tags over the entity's units (with a CRF, their marginal
    probabilities). A CRF (`learned` scores) is always decoded with Viterbi."""
    if method == "viterbi" or learned is not None:
        paths = viterbi(log_probs, lengths, *constraints, learned)
    else:
        paths = [log_probs[w, :n].argmax(1).tolist() for w, n in enumerate(lengths)]
    if learned is not None:  # a CRF's unit scores are not probabilities; its marginals are
        log_probs = crf_marginals(log_probs, lengths, *constraints, learned)
    found = []
    for w, path in enumerate(paths):
        spans = tags_to_spans([tags[t] for t in path], repair=True)
        chosen = np.exp(log_probs[w, np.arange(len(path)), path])
        found.append([(s, e, label, float(chosen[s:e].mean())) for s, e, label in spans])
    return found


def decode_spans(log_probs: np.ndarray, lengths: list[int], labels: list[str]
                 ) -> list[list[tuple[int, int, str, float]]]:
    """Each window's entities `(first unit, end unit, label, probability)` from the span
    head's log-probabilities (windows × units × widths × classes, class 0 "none"): the spans
    whose likeliest class is a label, taken likeliest first, each unless it overlaps one
    taken before."""
    probs = np.exp(log_probs)
    best = probs.argmax(-1)
    found = []
    for w, n in enumerate(lengths):
        firsts, widths = np.nonzero(best[w] > 0)
        inside = firsts + widths < n
        candidates = [(float(probs[w, i, k, best[w, i, k]]), int(i), int(i + k + 1),
                       int(best[w, i, k]))
                      for i, k in zip(firsts[inside], widths[inside])]
        # ties of probability go to the later start, the longer span, the later label
        kept = select_spans(candidates, lambda c: (c[1], c[2]), lambda c: c)
        found.append(sorted((first, end, labels[label - 1], p) for p, first, end, label in kept))
    return found
