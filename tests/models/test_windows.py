"""Units, windows over long sentences, and IOB2-constrained decoding."""
import itertools

import numpy as np

from assay.doc import Document
from assay.models.encoders import load_tokenizer
from assay.models.joint.decode import allowed_transitions, viterbi
from assay.models.windows import _cut, make_windows
from assay.text.units import unit_spans


def test_units_split_punctuation_and_entity_boundaries():
    text = "Stata 13 (StataCorp) and R."
    assert [text[s:e] for s, e in unit_spans(text)] == ["Stata", "13", "(", "StataCorp", ")",
                                                        "and", "R", "."]
    assert [text[s:e] for s, e in unit_spans(text, 0, 8, cuts=[3])] == ["Sta", "ta", "13"]


def test_every_unit_is_owned_by_exactly_one_window():
    for lengths, budget in [([1] * 10, 4), ([3, 1, 2, 5, 1, 1, 4], 6), ([9, 1], 4), ([2], 8)]:
        owned = []
        for first, last, (a, b) in _cut(lengths, budget):
            assert first <= a <= b <= last
            assert sum(lengths[first:last]) <= budget or last - first == 1
            owned += range(a, b)
        assert owned == list(range(len(lengths)))


def test_a_long_sentence_becomes_windows_that_keep_every_unit():
    text = " ".join(f"w{k}" for k in range(500))
    windows = make_windows([Document("d", text)], load_tokenizer("minilm"), max_length=64)
    assert len(windows) > 8 and all(len(w) <= 64 for w in windows)
    owned = [w.units[i] for w in windows for i in range(*w.owned)]
    assert [text[s:e] for s, e in owned] == text.split()


def test_viterbi_never_starts_an_entity_with_inside():
    tags = ["O", "B-A", "I-A", "B-B", "I-B"]
    log_probs = np.log(np.array([[0.1, 0.1, 0.6, 0.1, 0.1],     # I-A alone is not allowed
                                 [0.1, 0.1, 0.2, 0.1, 0.5],     # I-B after A is not allowed
                                 [0.8, 0.05, 0.05, 0.05, 0.05]]))
    assert [tags[i] for i in log_probs.argmax(1)] == ["I-A", "I-B", "O"]  # not IOB2
    [path] = viterbi(log_probs[None], [3], *allowed_transitions(tags))
    assert [tags[i] for i in path] == ["B-B", "I-B", "O"]  # the best valid path: 0.1 * 0.5 * 0.8


def test_batched_viterbi_finds_each_windows_best_valid_path():
    """Windows of different lengths decoded together, padding after each, give the path an
    exhaustive search finds for each window alone."""
    tags = ["O", "B-A", "I-A", "B-B", "I-B"]
    start, follow = allowed_transitions(tags)
    rng = np.random.default_rng(0)
    lengths = [1, 4, 2, 5, 3]
    log_probs = np.log(rng.dirichlet(np.ones(len(tags)), size=(len(lengths), 5)))
    paths = viterbi(log_probs, lengths, start, follow)
    for w, n in enumerate(lengths):
        valid = [p for p in itertools.product(range(len(tags)), repeat=n)
                 if start[p[0]] and all(follow[a, b] for a, b in zip(p, p[1:]))]
        best = max(valid, key=lambda p: sum(log_probs[w, i, t] for i, t in enumerate(p)))
        assert paths[w] == list(best)
