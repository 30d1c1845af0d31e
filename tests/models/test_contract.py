"""The contract every family keeps (the joint family for now): it learns, saves, loads, and
handles any text."""
import json

import pytest

from assay import formats, load
from assay.doc import Document
from tests.models.conftest import SAMPLE


def key(doc):
    by_id = doc.entity_by_id()
    spans = {(e.start, e.end, e.label) for e in doc.entities}
    relations = {(by_id[r.head].span, by_id[r.tail].span, r.label) for r in doc.relations}
    return spans, relations


def test_overfits_the_sample_and_predicts_it_exactly(trained):
    gold = list(formats.read(SAMPLE, "jsonl"))
    predicted = list(load(trained).pipe(gold))
    assert [key(d) for d in predicted] == [key(d) for d in gold]
    assert sum(len(d.relations) for d in gold) > 0
    scores = json.loads((trained / "metrics.json").read_text())
    assert scores["dev"]["total"]["micro_f1"] == 1.0


def test_save_then_load_gives_identical_predictions(trained, tmp_path):
    from assay.models.joint import JointExtractor

    texts = [d.text for d in formats.read(SAMPLE, "jsonl")] + ["Plain words with nothing."]
    model = JointExtractor.load(trained)
    before = [(key(d), [e.score for e in d.entities]) for d in load(trained).pipe(texts)]
    model.save(tmp_path / "again")
    after = [(key(d), [e.score for e in d.entities]) for d in load(tmp_path / "again").pipe(texts)]
    assert before == after


def test_prediction_keeps_document_fields_and_replaces_annotations(trained):
    doc = next(formats.read(SAMPLE, "jsonl"))
    doc.meta["source"] = "kept"
    predicted = load(trained)(doc)
    assert (predicted.id, predicted.text, predicted.meta) == (doc.id, doc.text, doc.meta)
    assert all(e.score is not None and 0 < e.score <= 1 for e in predicted.entities)
    assert [e.id for e in predicted.entities] == [f"T{k}" for k in range(1, len(predicted.entities) + 1)]


@pytest.mark.parametrize("text", ["", "   \n ", "Ça marche: naïve Σ-Modell für Straßen — 統計 ✓ 😀 ImageJ 1.53t"])
def test_empty_and_non_ascii_text(trained, text):
    doc = load(trained)(text)
    assert doc.text == text
    for e in doc.entities:
        assert 0 <= e.start < e.end <= len(text) and text[e.start:e.end].strip() == text[e.start:e.end]


def test_a_20000_character_text_is_read_to_its_end(trained):
    sample = [d for d in formats.read(SAMPLE, "jsonl") if d.entities][-1]
    filler = "No software was used for this survey. " * 530
    text = filler + sample.text
    assert len(text) > 20000
    doc = load(trained)(text)
    shift = len(filler)
    found = {(e.start - shift, e.end - shift, e.label) for e in doc.entities if e.start >= shift}
    assert found == {(e.start, e.end, e.label) for e in sample.entities}


def test_a_sentence_longer_than_the_encoder_window_is_windowed_not_cut(trained):
    sample = [d for d in formats.read(SAMPLE, "jsonl") if d.entities][-1]
    words = " ".join(["data"] * 300)  # one 'sentence' of 300 units, past max_length = 64
    doc = load(trained)(Document("long", words + " " + sample.text.rstrip(".")))
    tail = {doc.text[e.start:e.end] for e in doc.entities if e.start > len(words)}
    assert tail == {sample.text[e.start:e.end] for e in sample.entities}
