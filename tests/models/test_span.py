"""What is particular to the span family: decoding, any types at inference, prompt budgets."""
import pytest

from typer.testing import CliRunner

from assay import load
from assay.cli import app
from assay.doc import Document
from assay.models.registry import load_model


def test_types_never_seen_in_training_can_be_prompted(trained_span):
    nlp = load(trained_span, labels=["Chemical", "Disease"],
               descriptions={"Chemical": "a drug or other compound"})
    doc = nlp(Document("d", "Aspirin relieved the headache."))
    assert {e.label for e in doc.entities} <= {"Chemical", "Disease"}
    model = nlp.extractors[0]
    assert model.prompts[0] == model._pieces("Chemical: a drug or other compound")
    result = CliRunner().invoke(app, ["extract", "Aspirin relieved it.", "--model",
                                      str(trained_span), "--labels", "Chemical, Disease"])
    assert result.exit_code == 0, result.output


def test_labels_for_a_family_that_cannot_take_them_is_a_clear_error(trained):
    with pytest.raises(ValueError, match="finds the types it was trained on only"):
        load(trained, labels=["Chemical"])


def test_too_many_types_for_the_window_is_a_clear_error(trained_span):
    model = load_model(trained_span)
    with pytest.raises(ValueError, match="raise max_length"):
        model.use_labels([f"type number {k}" for k in range(60)])
