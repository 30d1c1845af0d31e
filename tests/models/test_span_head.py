"""The joint model's span head: its decoding keeps the likeliest spans without overlaps, and
its training targets mark each gold span and nothing past a window's end."""
import numpy as np

from assay.models.joint.decode import decode_spans


def span_log_probs(n, widths, classes, spans):
    """Log-probabilities with "none" likeliest everywhere but at `spans`:
    {(first, width index): (class, probability)}."""
    probs = np.full((1, n, widths, classes), 0.1 / (classes - 1))
    probs[..., 0] = 0.9
    for (i, k), (c, p) in spans.items():
        probs[0, i, k] = (1 - p) / (classes - 1)
        probs[0, i, k, c] = p
    return np.log(probs)


def test_likeliest_span_wins_an_overlap():
    # units 0-2 as A (0.8) overlaps units 1-1 as B (0.95) and units 2-3 as A (0.6)
    log_probs = span_log_probs(5, 3, 3, {(0, 2): (1, 0.8), (1, 0): (2, 0.95), (2, 1): (1, 0.6),
                                         (4, 0): (2, 0.7)})
    found = decode_spans(log_probs, [5], ["A", "B"])[0]
    assert [(s, e, label) for s, e, label, _ in found] == [(1, 2, "B"), (2, 4, "A"), (4, 5, "B")]
    assert np.allclose([p for *_, p in found], [0.95, 0.6, 0.7])


def test_spans_past_the_window_end_are_never_entities():
    log_probs = span_log_probs(4, 3, 2, {(2, 2): (1, 0.99), (0, 0): (1, 0.9)})
    assert decode_spans(log_probs, [3], ["A"])[0] == [(0, 1, "A", 0.9)]


def test_training_targets(trained_span_head):
    from assay import formats
    from assay.models.contract import EVERYTHING
    from assay.models.registry import load_model
    from tests.models.conftest import SAMPLE

    model = load_model(trained_span_head)
    docs = list(formats.read(SAMPLE, "jsonl"))
    windows = model.examples(docs, [EVERYTHING] * len(docs))
    n = max(len(w.units) for w in windows)
    labels = model._span_labels(windows, n).numpy()
    assert sum(len(w.gold["spans"]) for w in windows) > 0
    for b, w in enumerate(windows):
        gold = {(first, end - first - 1): 1 + label for first, end, label in w.gold["spans"]}
        assert all(labels[b, i, k] == c for (i, k), c in gold.items())
        marked = {(int(i), int(k)) for i, k in zip(*np.nonzero(labels[b] > 0))}
        assert marked == set(gold)
        past = np.add.outer(np.arange(n), np.arange(labels.shape[2])) >= len(w.units)
        assert ((labels[b] == -100) == past).all()
