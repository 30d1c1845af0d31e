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


class _Scored:
    """A span head that scores the spans `wanted` (document characters) high, all else low."""

    def __init__(self, wanted):
        self.wanted = wanted
        self.training = False

    def __call__(self, batch):
        import torch

        out = torch.full(batch["spans"].shape[:2] + (1,), -10.0)
        for b, (w, spans) in enumerate(zip(batch["examples"], batch["span_list"])):
            for s, (i, j) in enumerate(spans):
                if self.wanted(w.units[i][0], w.units[j][1]):
                    out[b, s, 0] = 5.0
        return out


def test_a_sentence_longer_than_a_window_is_decoded_as_one_and_loses_no_edge_mention(encoder):
    from assay.models.span import SpanConfig, SpanExtractor
    from assay.schema import Schema

    model = SpanExtractor.create(SpanConfig(encoder=str(encoder), max_length=48, max_width=12,
                                            hidden=8), Schema(entity_labels=["A"]))
    text = " ".join(f"w{i}" for i in range(60))
    doc = Document("d", text)
    assert len(model.prediction_inputs([doc])) > 2
    four = lambda s, e: len(text[s:e].split()) == 4  # noqa: E731
    model.module = _Scored(four)  # overlapping candidates all over, across window edges
    spans = sorted((e.start, e.end) for e in next(model.predict([doc])).entities)
    assert spans and all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))  # flat: none overlap
    for start in range(55):  # a 6-unit mention anywhere, window edges included
        words = text.split()[start:start + 6]
        wanted = (text.index(words[0] + " "), text.index(words[-1]) + len(words[-1]))
        model.module = _Scored(lambda s, e: (s, e) == wanted)
        assert [(e.start, e.end) for e in next(model.predict([doc])).entities] == [wanted]
