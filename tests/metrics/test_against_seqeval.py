"""Strict entity scores agree with seqeval (IOB2, strict mode) on perturbed real-looking data."""
import random

import pytest
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.scheme import IOB2

from assay import formats, metrics
from assay.formats.conll import sentence_tags
from assay.formats.tokenized import document_from_tokens
from assay.text.bio import tags_to_spans
from tests.fixtures import write_fixture

LABELS = ["Application", "Version", "Developer", "URL", "PlugIn"]


def perturb(tags: list[str], rng: random.Random) -> list[str]:
    """Predicted tags: some entities relabelled, cut short, dropped; some spurious ones."""
    spans = []
    for s, e, label in tags_to_spans(tags):
        roll = rng.random()
        if roll < 0.15:
            continue
        if roll < 0.3:
            label = rng.choice(LABELS)
        elif roll < 0.4 and e - s > 1:
            e -= 1
        spans.append((s, e, label))
    if rng.random() < 0.3 and tags:
        i = rng.randrange(len(tags))
        if all(not (s <= i < e) for s, e, _ in spans):
            spans.append((i, i + 1, rng.choice(LABELS)))
    out = ["O"] * len(tags)
    for s, e, label in spans:
        out[s] = f"B-{label}"
        for k in range(s + 1, e):
            out[k] = f"I-{label}"
    return out


def check(gold_docs, seed=0):
    rng = random.Random(seed)
    y_true, y_pred, gold_docs, pred_docs = [], [], list(gold_docs), []
    for k, doc in enumerate(gold_docs):
        [(tokens, tags, _)] = sentence_tags(doc)
        guess = perturb(tags, rng)
        y_true.append(tags)
        y_pred.append(guess)
        gold_docs[k] = document_from_tokens(doc.id, [tokens], tags_to_spans(tags))
        pred_docs.append(document_from_tokens(doc.id, [tokens], tags_to_spans(guess)))
    score = metrics.evaluate(gold_docs, pred_docs, "strict")["entities_strict"]
    somd = metrics.evaluate(gold_docs, pred_docs, "somd")["entities"]
    kw = dict(mode="strict", scheme=IOB2)
    for s in (score, somd):
        assert s.micro() == pytest.approx((precision_score(y_true, y_pred, **kw),
                                           recall_score(y_true, y_pred, **kw),
                                           f1_score(y_true, y_pred, **kw)))
        assert s.macro()[2] == pytest.approx(f1_score(y_true, y_pred, average="macro", **kw))


def test_agrees_with_seqeval_on_fixture_sentences(tmp_path):
    docs = list(formats.read(write_fixture("jsonl", tmp_path), "jsonl"))
    for seed in range(20):
        check(docs, seed)


def test_agrees_with_seqeval_on_somd_dev(datasets):
    docs = list(formats.read(datasets / "somd2025" / "dev", "somd"))
    for seed in range(3):
        check(docs, seed)
