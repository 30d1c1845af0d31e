"""The `docre` family (ATLOP): marked inputs, entities from mentions, the adaptive-threshold
loss, long documents (the contract it keeps with every family is in test_contract.py)."""
import json
from dataclasses import replace

import pytest
import torch

from assay import formats, load
from assay.doc import Document, Entity, MentionGroup, Relation
from assay.models.contract import EVERYTHING
from assay.models.docre.extractor import adaptive_threshold_loss, entities_of
from assay.models.registry import load_model
from tests.models.conftest import SAMPLE


def relations(doc: Document) -> set:
    by_id = doc.entity_by_id()
    return {(by_id[r.head].span, by_id[r.tail].span, r.label) for r in doc.relations}


def test_a_document_past_many_windows_is_read_whole(trained_docre):
    """A 20,000-character document is read in overlapping windows of 64 pieces: a piece only
    one window holds gets that window's output, every piece gets a state, and each marker's
    attention spreads over the whole document."""
    model = load_model(trained_docre)
    sample = max(formats.read(SAMPLE, "jsonl"), key=lambda d: len(d.relations))
    filler = "No software was used for this survey. " * 530
    shift = len(filler)
    doc = Document("long", sample.text + " " + filler + sample.text, sample.entities + [
        replace(e, id=e.id + "b", start=e.start + shift + len(sample.text) + 1,
                end=e.end + shift + len(sample.text) + 1) for e in sample.entities])
    assert len(doc.text) > 20000
    example = model.examples([doc], [EVERYTHING])[0]
    t = model.tokenizer
    special = (t.cls_token_id, t.sep_token_id, t.pad_token_id)
    with torch.inference_mode():
        hidden, markers, attention = model.module.encode([example.ids], [example.rows],
                                                         special)[0]
        span = model.config.max_length - 2
        first = model.module.encoder(torch.tensor([[special[0], *example.ids[:span],
                                                    special[1]]])).last_hidden_state[0]
        last = model.module.encoder(torch.tensor([[special[0], *example.ids[-span:],
                                                   special[1]]])).last_hidden_state[0]
    n = len(example.ids)
    assert n > 40 * span and hidden.shape[0] == n and torch.isfinite(hidden).all()
    assert torch.allclose(hidden[:span // 2], first[1:span // 2 + 1], atol=1e-5)
    assert torch.allclose(hidden[-1], last[-2], atol=1e-5)
    assert torch.allclose(markers, hidden[example.rows])
    assert torch.allclose(attention.sum(-1), torch.ones(attention.shape[:2]), atol=1e-4)
    predicted = load(trained_docre)(doc)
    # the two copies of the sentence, at the document's two ends, are both related
    heads = {r.head for r in predicted.relations}
    assert heads & {e.id for e in sample.entities} and any(h.endswith("b") for h in heads)


def test_markers_surround_every_mention_and_nested_ones_share_them(trained_docre):
    model = load_model(trained_docre)
    text = "We used lme4 package version 1.1 today."
    outer = Entity(8, 20, "PlugIn", id="T1")        # "lme4 package"
    inner = Entity(8, 12, "PlugIn", id="T2")        # "lme4", same start
    version = Entity(29, 32, "Version", id="T3")
    example = model.examples([Document("d", text, [outer, inner, version])], [EVERYTHING])[0]
    star = model.markers[0][0]
    assert [example.ids[r] for r in example.rows] == [star, star]
    assert example.entities == [[0], [0], [1]]  # outer and inner start at one marker
    pieces = model.tokenizer.convert_ids_to_tokens(example.ids)
    # two start markers, three end markers
    assert " ".join(pieces) == "we used * l ##me ##4 * package * version * 1 . 1 * today ."


def test_entities_by_group_by_text_and_by_mention():
    text = "Aspirin and aspirin cause ulcers; aspirin again."
    a, b, c = (Entity(s, s + 7, "Chemical", id=f"T{k}")
               for k, s in enumerate((0, 12, 34), 1))
    ulcer = Entity(26, 32, "Disease", id="T4")
    group = MentionGroup("D001", ["T1", "T2"], "Chemical", "D001")
    doc = Document("d", text, [a, b, c, ulcer], [Relation("D001", "T4", "CID")], [group])
    mentions, names, refs = entities_of(doc, "groups")
    assert names == ["D001", "T3", "T4"] and [len(m) for m in mentions] == [2, 1, 1]
    assert refs["D001"] == refs["T1"] == refs["T2"] == 0
    mentions, names, _ = entities_of(doc, "text")
    assert names == ["T1", "T4"] and [len(m) for m in mentions] == [3, 1]
    assert entities_of(doc, "mention")[1] == ["T1", "T2", "T3", "T4"]


def test_adaptive_threshold_loss_ranks_gold_above_the_threshold_and_the_rest_below():
    targets = torch.tensor([[0.0, 1.0, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0]])
    right = torch.tensor([[0.0, 9.0, -9.0, -9.0], [0.0, -9.0, -9.0, -9.0]])
    wrong = torch.tensor([[0.0, -9.0, 9.0, -9.0], [0.0, 9.0, 9.0, 9.0]])
    assert adaptive_threshold_loss(right, targets) < 1e-3
    assert adaptive_threshold_loss(wrong, targets) > 9
    # two gold relations share the softmax against the threshold: log 2 each at best
    two = torch.tensor([[0.0, 1.0, 0.0, 1.0]])
    assert adaptive_threshold_loss(torch.tensor([[0.0, 20.0, -20.0, 20.0]]), two) == \
        pytest.approx(2 * torch.log(torch.tensor(2.0)).item(), abs=1e-4)


def test_a_pipeline_directory_runs_span_ner_then_docre(trained_span, trained_docre, tmp_path):
    """The shipped `gutbrain` layout: pipeline.json names the steps, each a model directory.
    Both tiny models know the sample by heart, so NER then RE gives back its annotations."""
    import shutil

    from assay.pipeline import PIPELINE

    shutil.copytree(trained_span, tmp_path / "span")
    shutil.copytree(trained_docre, tmp_path / "docre")
    (tmp_path / PIPELINE).write_text(json.dumps({"steps": ["span", "docre"]}))
    gold = list(formats.read(SAMPLE, "jsonl"))
    texts = [d.text for d in gold]
    predicted = list(load(tmp_path).pipe(texts))
    assert [{(e.start, e.end, e.label) for e in d.entities} for d in predicted] == \
        [{(e.start, e.end, e.label) for e in d.entities} for d in gold]
    assert [relations(d) for d in predicted] == [relations(d) for d in gold]


def test_a_lower_threshold_predicts_more_and_a_label_can_have_its_own(trained_docre):
    """The adaptive threshold with a margin (`threshold` below 0.5) predicts every relation
    ATLOP's rule predicts and more; `relation_thresholds` moves one label's alone; a label the
    model lacks is an error that names it."""
    model = load_model(trained_docre)
    docs = list(formats.read(SAMPLE, "jsonl"))

    def found(**settings) -> set:
        model.config = model.config.model_copy(update=settings)
        return {(d.id, r.head, r.tail, r.label) for d in model.predict(docs) for r in d.relations}

    atlop = found(threshold=0.5)
    assert atlop
    assert atlop <= found(threshold=0.01) and len(found(threshold=0.01)) > len(atlop)
    label = sorted({r[3] for r in atlop})[0]
    alone = found(threshold=0.5, relation_thresholds={label: 0.999999})
    assert alone == {r for r in atlop if r[3] != label}
    with pytest.raises(ValueError, match="relation_thresholds: no relation label 'Nope'"):
        found(relation_thresholds={"Nope": 0.3})
