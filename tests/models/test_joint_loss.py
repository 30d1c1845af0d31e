"""Joint training shares the encoder between the two losses; disjoint training shares nothing."""
import pytest
import torch

from assay import formats
from assay.models.contract import EVERYTHING
from assay.models.joint import JointConfig, JointExtractor
from assay.schema import Schema
from tests.models.conftest import SAMPLE


def gradients(extractor, batch, term):
    extractor.module.zero_grad()
    extractor.training_step(batch)[term].backward()
    return {n: p.grad.clone() for n, p in extractor.module.named_parameters()
            if p.grad is not None and p.grad.abs().sum() > 0}


@pytest.mark.parametrize("training", ["joint", "disjoint"])
def test_which_parameters_each_loss_reaches(encoder, training):
    docs = list(formats.read(SAMPLE, "jsonl"))
    torch.manual_seed(0)
    extractor = JointExtractor.create(JointConfig(encoder=str(encoder), training=training,
                                                  dropout=0.0), Schema.from_documents(docs))
    batch = next(extractor.batches(extractor.examples(docs, [EVERYTHING] * len(docs)), batch_size=4))
    ner, re, total = (gradients(extractor, batch, t) for t in ("ner", "re", "loss"))
    ner_encoder = {n for n in ner if n.startswith("ner_units.encoder.")}
    re_encoder = {n for n in re if ".encoder." in n}
    assert ner_encoder and re_encoder
    if training == "joint":
        assert re_encoder <= ner_encoder  # L_RE trains the encoder that NER uses
    else:
        assert all(n.startswith("re_units.") for n in re_encoder)
        assert not any(n.startswith("re_units.") for n in ner)
    for name, grad in total.items():  # one backward pass of L = L_NER + λ·L_RE
        expected = ner.get(name, 0) + extractor.config.re_weight * re.get(name, 0)
        assert torch.allclose(grad, expected, atol=1e-6), name


def test_disjoint_model_saves_and_loads(encoder, tmp_path):
    docs = list(formats.read(SAMPLE, "jsonl"))
    extractor = JointExtractor.create(JointConfig(encoder=str(encoder), training="disjoint"),
                                      Schema.from_documents(docs))
    extractor.save(tmp_path / "m")
    again = JointExtractor.load(tmp_path / "m")
    before = [[(e.span, e.label) for e in d.entities] for d in extractor.predict(docs)]
    after = [[(e.span, e.label) for e in d.entities] for d in again.predict(docs)]
    assert before == after and again.module.re_units is not None
