"""The contract every registered family keeps, run over the registry: it learns, saves, loads,
keeps what it is given and handles any text. A family joins by registering and adding its tiny
configs to `tiny.py`; one that registers and adds none fails here."""
import json
from dataclasses import replace

import pytest

from assay import formats, load
from assay.doc import Document
from assay.models.contract import LabelPrompted, OnnxExportable, ShowsPrompts, Trainable
from assay.models.registry import families, load_model
from tests.models.conftest import SAMPLE
from tests.models.tiny import TINY

VARIANTS = [(name, variant) for name in sorted(families())
            for variant in TINY.get(name, {"(none)": None})]


@pytest.fixture(params=VARIANTS, ids=[f"{n}-{v}" for n, v in VARIANTS])
def trained(request, tiny_model):
    """Each family's tiny models, overfit on the sample."""
    name, variant = request.param
    if name not in TINY:
        pytest.fail(f"family {name!r} is registered but has no tiny config in "
                    "tests/models/tiny.py: add one to join the contract suite")
    request.node.tiny = TINY[name][variant]
    return tiny_model(name, variant)


def given(doc: Document, family) -> Document:
    """What the family is given of a gold document: its text, and its entities when the family
    relates entities it is given."""
    return Document(doc.id, doc.text) if family.finds_entities else replace(doc, relations=[])


def key(doc: Document, relations: bool = True) -> tuple[set, set]:
    """The entity spans and (unless not `relations`) the related span pairs."""
    by_id = doc.entity_by_id()
    spans = {(e.start, e.end, e.label) for e in doc.entities}
    pairs = {(by_id[r.head].span, by_id[r.tail].span, r.label) for r in doc.relations}
    return spans, pairs if relations else set()


def scores(doc: Document, family) -> list:
    """The scores of what the family predicted."""
    return [e.score for e in doc.entities if family.finds_entities] + \
        [r.score for r in doc.relations if family.finds_relations]


def test_implements_the_contract_it_declares(trained):
    model = load_model(trained)
    assert isinstance(model, Trainable)
    assert isinstance(model, LabelPrompted) == model.family.takes_labels
    assert isinstance(model, OnnxExportable) == model.family.onnx
    assert isinstance(model, ShowsPrompts) == model.family.prompts


def test_overfits_the_sample_and_predicts_it_exactly(trained):
    family = load_model(trained).family
    gold = list(formats.read(SAMPLE, "jsonl"))
    predicted = list(load(trained).pipe(given(d, family) for d in gold))
    assert [key(d, family.finds_relations) for d in predicted] == [key(d, family.finds_relations) for d in gold]
    assert sum(len(d.entities) for d in gold) > 0 and sum(len(d.relations) for d in gold) > 0
    recipe = json.loads((trained / "recipe.json").read_text())
    score, _, field = recipe["train"]["metric"].partition(".")
    dev = json.loads((trained / "metrics.json").read_text())["dev"]
    assert dev[score][field] == 1.0


def test_save_then_load_gives_identical_predictions(trained, tmp_path):
    model = load_model(trained)
    docs = [given(d, model.family) for d in formats.read(SAMPLE, "jsonl")]
    docs.append(Document("plain", "Plain words with nothing."))
    before = [(key(d, model.family.finds_relations), scores(d, model.family)) for d in load(trained).pipe(docs)]
    model.save(tmp_path / "again")
    after = [(key(d, model.family.finds_relations), scores(d, model.family)) for d in load(tmp_path / "again").pipe(docs)]
    assert before == after


def test_prediction_keeps_document_fields_and_replaces_annotations(trained):
    family = load_model(trained).family
    doc = given(max(formats.read(SAMPLE, "jsonl"), key=lambda d: len(d.relations)), family)
    doc.meta["source"] = "kept"
    predicted = load(trained)(doc)
    assert (predicted.id, predicted.text, predicted.meta) == (doc.id, doc.text, doc.meta)
    assert all(s is not None and 0 < s <= 1 for s in scores(predicted, family))
    if family.finds_entities:
        assert [e.id for e in predicted.entities] == \
            [f"T{k}" for k in range(1, len(predicted.entities) + 1)]
    else:
        assert predicted.entities == doc.entities  # given, kept
    if family.finds_relations:
        assert predicted.relations and [r.id for r in predicted.relations] == \
            [f"R{k}" for k in range(1, len(predicted.relations) + 1)]
    predicted.validate()  # every relation refers to an entity of the document


@pytest.mark.parametrize("text", ["", "   \n ", "Ça marche: naïve Σ-Modell für Straßen — 統計 ✓ 😀 ImageJ 1.53t"])
def test_empty_and_non_ascii_text(trained, text):
    doc = load(trained)(text)
    assert doc.text == text
    for e in doc.entities:
        assert 0 <= e.start < e.end <= len(text) and text[e.start:e.end].strip() == text[e.start:e.end]
    doc.validate()


def shifted(prefix: str, doc: Document) -> Document:
    """`doc` after `prefix`, its annotations moved along."""
    n = len(prefix)
    return replace(doc, id="long", text=prefix + doc.text,
                   entities=[replace(e, start=e.start + n, end=e.end + n) for e in doc.entities])


def found_after(prefix: str, trained) -> tuple[set, set]:
    """What the model finds in the sample's last annotated document placed after `prefix`,
    in the document's own offsets; and the gold."""
    family = load_model(trained).family
    sample = [d for d in formats.read(SAMPLE, "jsonl") if d.relations][-1]
    doc = load(trained)(given(shifted(prefix, sample), family))
    n = len(prefix)
    moved = replace(doc, text=sample.text, entities=[
        replace(e, start=e.start - n, end=e.end - n) for e in doc.entities if e.start >= n])
    moved.relations = [r for r in doc.relations if {r.head, r.tail} <= {e.id for e in moved.entities}]
    return key(moved, family.finds_relations), key(sample, family.finds_relations)


def test_a_20000_character_text_is_read_to_its_end(trained):
    found, gold = found_after("No software was used for this survey. " * 530, trained)
    assert found == gold


def test_a_sentence_longer_than_the_encoder_window_is_windowed_not_cut(trained, request):
    if not request.node.tiny.finds_in_context:
        pytest.skip("the tiny model finds nothing in unseen contexts; its own tests check "
                    "that every word is asked about")
    words = " ".join(["data"] * 300) + " "  # one 'sentence' of 300 units, past max_length 64
    found, gold = found_after(words, trained)
    if request.node.tiny.exact_in_context:
        assert found == gold
    else:  # what is checked is that the sentence is read to its end: something is found there
        assert found[0] if load_model(trained).family.finds_entities else found[1]


def test_bench_speed_times_it_and_its_encoders(trained):
    """`assay bench speed` through the contract: end to end, and the bare encoders over what
    the family reads (docre: its marked windows)."""
    from assay.speed import measure

    docs = [given(d, load_model(trained).family) for d in formats.read(SAMPLE, "jsonl")]
    figures = measure(load(trained), lambda: iter(docs), runs=1)
    assert figures["sentences"] == 4 and figures["tokens"] > figures["sentences"]
    assert figures["sentences_per_s"] > 0 and figures["ceiling_sentences_per_s"] > 0
