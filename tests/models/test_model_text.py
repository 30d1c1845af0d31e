"""The GutBrainIE paper's preprocessing (lower-casing, space normalisation) as options: the
model reads the changed text, the output keeps the original text and offsets."""
from assay import formats
from assay.models.encoders import EncoderSettings
from assay.models.registry import load_model
from assay.pipeline import Pipeline
from tests.models.conftest import SAMPLE


def test_model_text_keeps_every_offset():
    text = "IL-6\u00a0and\tTNF-α İstanbul\nGut  Microbiota"
    both = EncoderSettings(lowercase=True, normalise_spaces=True).model_text(text)
    assert len(both) == len(text)
    # İ lower-cases to two characters: it is kept as it is, so that nothing shifts
    assert both == "il-6 and tnf-α İstanbul\ngut  microbiota"
    assert EncoderSettings().model_text(text) == text


def test_a_model_reading_lower_cased_text_answers_in_the_original(trained):
    model = load_model(trained)
    model.config.lowercase = model.config.normalise_spaces = True
    gold = list(formats.read(SAMPLE, "jsonl"))
    for doc, predicted in zip(gold, Pipeline([model]).pipe(gold)):
        assert predicted.text == doc.text
        assert all(doc.text[e.start:e.end].strip() for e in predicted.entities)
