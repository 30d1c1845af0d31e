"""Losses for partly annotated data, shared by the families.

A document from a source that does not annotate type X says nothing about X: a span it leaves
unlabelled may be an X. Its target is then a set of classes (none, or any type the source does
not annotate), and the loss is -log of their total probability: nothing pushes X down there,
and where every type is annotated the set is the gold class alone and this is cross-entropy.
"""
from __future__ import annotations

import torch


def set_cross_entropy(logits: torch.Tensor, allowed: torch.Tensor, valid: torch.Tensor
                      ) -> torch.Tensor:
    """The mean over `valid` rows of -log Σ_{c allowed} softmax(logits)_c. `logits` [..., C],
    `allowed` [..., C] bool, `valid` [...] bool (padding rows left out)."""
    logits = logits.float()
    chosen = torch.logsumexp(logits.masked_fill(~allowed, float("-inf")), -1)
    loss = torch.logsumexp(logits, -1) - chosen
    return loss[valid].sum() / valid.sum().clamp(min=1)


def allowed_classes(targets: torch.Tensor, n_classes: int, unknown: torch.Tensor,
                    open_class: int = 0) -> torch.Tensor:
    """[..., n_classes] bool: each row's gold class, and where the gold class is `open_class`
    (none, O) the classes `unknown` marks for its row ([..., n_classes] bool) too. Targets
    of -100 (padding) allow nothing."""
    allowed = torch.zeros(*targets.shape, n_classes, dtype=torch.bool, device=targets.device)
    valid = targets >= 0
    allowed[valid] = torch.nn.functional.one_hot(targets[valid], n_classes).bool()
    return allowed | (unknown & (targets == open_class).unsqueeze(-1))
