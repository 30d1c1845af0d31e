"""What is particular to the span family: decoding, any types at inference, prompt budgets."""
import pytest

from assay.doc import Document
from assay.models.registry import load_model
from assay.models.span.extractor import greedy
from assay.pipeline import Pipeline


def test_greedy_decoding_flat_and_nested():
    hits = [(0.9, 2, 4, 0), (0.8, 3, 3, 1), (0.7, 2, 4, 1), (0.6, 4, 6, 0), (0.5, 7, 7, 0)]
    assert [h[1:3] for h in greedy(hits, nested=False)] == [(2, 4), (7, 7)]
    # nested: (3, 3) sits inside (2, 4); the same span twice and the partial (4, 6) are left out
    assert [h[1:3] for h in greedy(hits, nested=True)] == [(2, 4), (3, 3), (7, 7)]


def test_types_never_seen_in_training_can_be_prompted(trained_span):
    model = load_model(trained_span)
    model.use_labels(["Chemical", "Disease"], {"Chemical": "a drug or other compound"})
    doc = Pipeline([model])(Document("d", "Aspirin relieved the headache."))
    assert {e.label for e in doc.entities} <= {"Chemical", "Disease"}
    assert model.prompts[0] == model._pieces("Chemical: a drug or other compound")


def test_too_many_types_for_the_window_is_a_clear_error(trained_span):
    model = load_model(trained_span)
    with pytest.raises(ValueError, match="raise max_length"):
        model.use_labels([f"type number {k}" for k in range(60)])
