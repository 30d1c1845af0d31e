"""The `joint` network: unit vectors from an encoder, a BIO tagger and a pair classifier."""
from __future__ import annotations

import torch
from torch import nn

from assay.models.joint.config import JointConfig
from assay.models.joint.crf import CRF
from assay.text.units import CHAR_BUCKETS, N_SHAPES


class CharEncoder(nn.Module):
    """A unit's characters through a width-3 convolution, max-pooled."""

    def __init__(self, dim: int, embedding_dim: int = 32):
        super().__init__()
        self.embed = nn.Embedding(CHAR_BUCKETS, embedding_dim, padding_idx=0)
        self.conv = nn.Conv1d(embedding_dim, dim, kernel_size=3, padding=1)

    def forward(self, chars: torch.Tensor) -> torch.Tensor:
        b, u, c = chars.shape
        x = self.conv(self.embed(chars.view(b * u, c)).transpose(1, 2))
        x = x.masked_fill((chars.view(b * u, 1, c) == 0), float("-inf")).amax(-1)
        return torch.nan_to_num(x, neginf=0.0).view(b, u, -1)


class BiLSTM(nn.Module):
    """A bidirectional LSTM over each window's units, blind to the padding after them: the
    backward pass runs forward over each window's units reversed in place, so a unit's vector
    does not depend on how long the longest window of its batch is."""

    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.forward_lstm = nn.LSTM(dim, hidden, batch_first=True)
        self.backward_lstm = nn.LSTM(dim, hidden, batch_first=True)

    def forward(self, units: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        position = torch.arange(units.size(1), device=units.device).unsqueeze(0)
        lengths = lengths.unsqueeze(1)
        # within its length a window is reversed; its padding stays where it is
        reverse = torch.where(position < lengths, lengths - 1 - position, position)
        index = reverse.unsqueeze(-1).expand(-1, -1, units.size(-1))
        ahead, _ = self.forward_lstm(units)
        behind, _ = self.backward_lstm(units.gather(1, index))
        behind = behind.gather(1, reverse.unsqueeze(-1).expand(-1, -1, behind.size(-1)))
        return torch.cat([ahead, behind], dim=-1)


class UnitEncoder(nn.Module):
    """Each unit's vector: its first sub-word piece's hidden state (the paper's mask m_i),
    beside embeddings of its shape and of its characters, and a BiLSTM's reading of all
    these over the window, when configured."""

    def __init__(self, encoder: nn.Module, shape_dim: int, char_dim: int = 0,
                 context_dim: int = 0):
        super().__init__()
        self.encoder = encoder
        self.shape = nn.Embedding(N_SHAPES, shape_dim) if shape_dim else None
        self.chars = CharEncoder(char_dim) if char_dim else None
        dim = encoder.config.hidden_size + shape_dim + char_dim
        self.context = BiLSTM(dim, context_dim) if context_dim else None
        self.dim = dim + 2 * context_dim

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        hidden = self.encoder(input_ids=batch["input_ids"],
                              attention_mask=batch["attention_mask"]).last_hidden_state
        index = batch["first_piece"].unsqueeze(-1).expand(-1, -1, hidden.size(-1))
        units = hidden.gather(1, index)
        if self.shape is not None:
            units = torch.cat([units, self.shape(batch["shapes"])], dim=-1)
        if self.chars is not None:
            units = torch.cat([units, self.chars(batch["chars"])], dim=-1)
        if self.context is not None:
            # padding units point at piece 0 ([CLS]); a window's units all point past it
            lengths = (batch["first_piece"] > 0).sum(1)
            units = torch.cat([units, self.context(units, lengths)], dim=-1)
        return units


class SpanHead(nn.Module):
    """Every span of up to `max_width` units classified among the entity labels and "none"
    (class 0): its first and last unit's vectors, each projected, and its width's embedding,
    summed, through a GELU and a linear layer."""

    def __init__(self, dim: int, hidden: int, max_width: int, n_classes: int, dropout: float):
        super().__init__()
        self.first = nn.Linear(dim, hidden)
        self.last = nn.Linear(dim, hidden)
        self.width = nn.Embedding(max_width, hidden)
        self.out = nn.Sequential(nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, n_classes))

    def forward(self, units: torch.Tensor) -> torch.Tensor:
        """windows × units × widths × classes: [b, i, k] is the span of units i..i+k (scores
        past a window's end are there and meaningless)."""
        n, widths = units.size(1), self.width.num_embeddings
        last = torch.arange(n, device=units.device).unsqueeze(1) + torch.arange(
            widths, device=units.device)
        ends = self.last(units)[:, last.clamp(max=n - 1)]
        return self.out(self.first(units).unsqueeze(2) + ends + self.width.weight)


class JointModule(nn.Module):
    def __init__(self, config: JointConfig, encoder: nn.Module, re_encoder: nn.Module | None,
                 constraints: tuple, n_entity_labels: int, n_relations: int):
        """`constraints`: the tags' IOB2 constraints (`decode.allowed_transitions`)."""
        super().__init__()
        self.config = config
        features = (config.shape_dim, config.char_dim, config.context_dim)
        self.ner_units = UnitEncoder(encoder, *features)
        self.re_units = UnitEncoder(re_encoder, *features) if re_encoder else None
        dim = self.ner_units.dim
        self.dropout = nn.Dropout(config.dropout)
        hidden = encoder.config.hidden_size
        if config.ner_loss == "spans":
            self.tagger = SpanHead(dim, hidden, config.max_width, 1 + n_entity_labels,
                                   config.dropout)
        else:
            self.tagger = nn.Linear(dim, len(constraints[0]))
        self.crf = CRF(*constraints) if config.ner_loss == "crf" else None
        self.label = nn.Embedding(n_entity_labels, config.label_dim) if config.label_dim else None
        entity_dim = dim + config.label_dim
        self.pair = nn.Sequential(nn.Linear(2 * entity_dim, hidden), nn.GELU(),
                                  nn.Dropout(config.dropout), nn.Linear(hidden, n_relations))

    def encoders(self) -> list[nn.Module]:
        return [m.encoder for m in (self.ner_units, self.re_units) if m is not None]

    def ner_logits(self, units: torch.Tensor) -> torch.Tensor:
        """Tag logits (windows × units × tags), or with the span head span logits (windows ×
        units × widths × classes)."""
        return self.tagger(self.dropout(units))

    def relation_units(self, batch: dict, ner_units: torch.Tensor) -> torch.Tensor:
        return ner_units if self.re_units is None else self.re_units(batch)

    def pair_logits(self, units: torch.Tensor, pairs: torch.Tensor) -> torch.Tensor:
        """`pairs`: rows of (window, head first unit, head end, head label, tail first unit,
        tail end, tail label), ends exclusive."""
        head = self._entities(units, pairs[:, 0], pairs[:, 1], pairs[:, 2], pairs[:, 3])
        tail = self._entities(units, pairs[:, 0], pairs[:, 4], pairs[:, 5], pairs[:, 6])
        return self.pair(self.dropout(torch.cat([head, tail], dim=-1)))

    def _entities(self, units, window, first, end, label) -> torch.Tensor:
        if self.config.entity_repr == "first":
            vectors = units[window, first]
        else:
            sums = torch.cat([units.new_zeros(units.size(0), 1, units.size(2)),
                              units.cumsum(1)], dim=1)
            vectors = (sums[window, end] - sums[window, first]) / (end - first).unsqueeze(-1)
        if self.label is not None:
            vectors = torch.cat([vectors, self.label(label)], dim=-1)
        return vectors
