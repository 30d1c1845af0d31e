"""A linear-chain CRF over the IOB2 tags: learned start and transition scores on top of the
tagger's unit scores, trained by the negative log-likelihood of the gold tag path. Transitions
IOB2 forbids (`I-X` after anything but `B-X` or `I-X`) are fixed out, so the partition sums
only valid paths, as the constrained Viterbi decoder (`decode.viterbi`) reads them."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

FORBIDDEN = -1e4  # a score no valid path comes near, finite so that sums stay finite


class CRF(nn.Module):
    def __init__(self, start: np.ndarray, follow: np.ndarray):
        """`start`, `follow`: the IOB2 constraints of `decode.allowed_transitions`."""
        super().__init__()
        k = len(start)
        self.start = nn.Parameter(torch.zeros(k))
        self.transitions = nn.Parameter(torch.zeros(k, k))  # [from, to]
        self.register_buffer("start_out", torch.tensor(~start) * FORBIDDEN, persistent=False)
        self.register_buffer("follow_out", torch.tensor(~follow) * FORBIDDEN, persistent=False)

    def learned(self) -> tuple[np.ndarray, np.ndarray]:
        """(start scores, transition scores) for the decoder."""
        return (self.start.detach().float().cpu().numpy(),
                self.transitions.detach().float().cpu().numpy())

    def nll(self, scores: torch.Tensor, tags: torch.Tensor,
            allowed: torch.Tensor | None = None) -> torch.Tensor:
        """The negative log-likelihood of the gold paths, summed over windows and divided by
        the number of units (the scale of token-level cross-entropy). `scores` [b, n, tags];
        `tags` [b, n], -100 after each window's last unit. `allowed` [b, n, tags] (partly
        annotated data, see `losses`): the gold is every valid path through the allowed tags,
        and the loss -log of their total probability."""
        scores = scores.float()
        mask = tags != -100
        start = self.start + self.start_out
        steps = self.transitions + self.follow_out
        if allowed is None:
            tags = tags.clamp(min=0)
            gold = start[tags[:, 0]] + (scores.gather(2, tags.unsqueeze(2)).squeeze(2) * mask).sum(1)
            gold = gold + (steps[tags[:, :-1], tags[:, 1:]] * mask[:, 1:]).sum(1)
        else:
            gold = self._log_partition(scores.masked_fill(~allowed, FORBIDDEN), mask, start, steps)
        total = self._log_partition(scores, mask, start, steps)
        return (total - gold).sum() / mask.sum().clamp(min=1)

    @staticmethod
    def _log_partition(scores: torch.Tensor, mask: torch.Tensor, start: torch.Tensor,
                       steps: torch.Tensor) -> torch.Tensor:
        """log Σ over all tag paths of exp(path score), per window (the forward algorithm)."""
        alpha = start + scores[:, 0]
        for i in range(1, scores.size(1)):
            step = torch.logsumexp(alpha.unsqueeze(2) + steps, dim=1) + scores[:, i]
            alpha = torch.where(mask[:, i:i + 1], step, alpha)
        return torch.logsumexp(alpha, dim=1)
