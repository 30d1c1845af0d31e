"""Losses on partly annotated data: where everything is annotated they are the usual ones;
where a type is not, nothing pushes it down."""
import numpy as np
import torch
import torch.nn.functional as F

from assay.models.docre.extractor import adaptive_threshold_loss
from assay.models.joint.crf import CRF
from assay.models.joint.decode import allowed_transitions
from assay.models.losses import allowed_classes, set_cross_entropy

TAGS = ["O", "B-A", "I-A", "B-B", "I-B"]


def test_set_cross_entropy_is_cross_entropy_for_one_gold_class():
    torch.manual_seed(0)
    logits, targets = torch.randn(6, 5), torch.tensor([0, 1, 2, 0, 4, -100])
    nothing = torch.zeros(6, 5, dtype=torch.bool)
    loss = set_cross_entropy(logits, allowed_classes(targets, 5, nothing), targets >= 0)
    assert torch.allclose(loss, F.cross_entropy(logits, targets, ignore_index=-100))


def test_an_unannotated_class_is_never_pushed_down_where_gold_says_none():
    logits = torch.zeros(3, 5, requires_grad=True)
    targets = torch.tensor([0, 0, 1])
    unknown = torch.tensor([False, False, False, True, True]).expand(3, 5)  # B and I of B
    set_cross_entropy(logits, allowed_classes(targets, 5, unknown), targets >= 0).backward()
    assert (logits.grad[:2, 3:] <= 0).all() and (logits.grad[2, 3:] > 0).all()


def test_the_crf_with_the_gold_path_alone_allowed_is_its_likelihood():
    torch.manual_seed(0)
    crf = CRF(*allowed_transitions(TAGS))
    with torch.no_grad():
        crf.transitions.normal_()
    scores, tags = torch.randn(2, 4, 5), torch.tensor([[1, 2, 0, 3], [0, 1, -100, -100]])
    one_hot = allowed_classes(tags, 5, torch.zeros(2, 4, 5, dtype=torch.bool))
    assert torch.allclose(crf.nll(scores, tags, one_hot), crf.nll(scores, tags), atol=1e-5)
    # letting O units be a B entity too can only make the gold likelier
    unknown = torch.tensor([False, False, False, True, True]).expand(2, 4, 5)
    assert crf.nll(scores, tags, allowed_classes(tags, 5, unknown)) < crf.nll(scores, tags)


def test_the_adaptive_threshold_need_not_beat_an_unannotated_relation():
    logits = torch.zeros(2, 4, requires_grad=True)  # columns: threshold, r1, r2, r3
    targets = torch.tensor([[0.0, 1, 0, 0], [1, 0, 0, 0]])
    unknown = torch.tensor([False, False, False, True]).expand(2, 4)
    adaptive_threshold_loss(logits, targets, unknown).backward()
    assert np.allclose(logits.grad[:, 3], 0) and (logits.grad[:, 2] > 0).all()
