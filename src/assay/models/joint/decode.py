"""From the joint network's outputs to entities and relations."""
from __future__ import annotations

import numpy as np

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


def viterbi(log_probs: np.ndarray, start: np.ndarray, follow: np.ndarray) -> list[int]:
    """The best tag path under the IOB2 constraints (`log_probs`: units × tags)."""
    n = len(log_probs)
    blocked = np.where(follow, 0.0, -np.inf)
    score = np.where(start, log_probs[0], -np.inf)
    back = np.zeros((n, log_probs.shape[1]), dtype=np.int64)
    for i in range(1, n):
        candidates = score[:, None] + blocked
        back[i] = candidates.argmax(0)
        score = candidates.max(0) + log_probs[i]
    path = [int(score.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    return path[::-1]


def decode_tags(log_probs: np.ndarray, tags: list[str], constraints, method: str
                ) -> list[tuple[int, int, str, float]]:
    """Entities `(first unit, end unit, label, score)` of one window; the score is the mean
    probability of the chosen tags over the entity's units."""
    if method == "viterbi":
        path = viterbi(log_probs, *constraints)
    else:
        path = log_probs.argmax(1).tolist()
    spans = tags_to_spans([tags[t] for t in path], repair=True)
    chosen = log_probs[np.arange(len(path)), path]
    return [(s, e, label, float(np.exp(chosen[s:e]).mean())) for s, e, label in spans]
