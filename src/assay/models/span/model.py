"""The `span` network: [CLS] <ENT> type <ENT> type ... [SEP] text [SEP] through the encoder;
each <ENT> is a learned embedding whose output vector stands for the type that follows it."""
from __future__ import annotations

import torch
from torch import nn

from assay.models.span.config import SpanConfig


def _ffn(inputs: int, hidden: int, output: int, dropout: float) -> nn.Sequential:
    return nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Dropout(dropout),
                         nn.Linear(hidden, output))


class SpanModule(nn.Module):
    def __init__(self, config: SpanConfig, encoder: nn.Module):
        super().__init__()
        self.encoder = encoder
        size = encoder.config.hidden_size
        # the <ENT> marker lives here, not in the tokenizer: the vocabulary (and frozen
        # word embeddings) stay as pretrained
        self.marker = nn.Parameter(torch.randn(size) * 0.02)
        self.dropout = nn.Dropout(config.dropout)
        self.span_ffn = _ffn(2 * size, 4 * config.hidden, config.hidden, config.dropout)
        self.words = config.type_repr == "marker_words"
        self.type_ffn = _ffn(size * (2 if self.words else 1), 4 * config.hidden, config.hidden,
                             config.dropout)

    def encoders(self) -> list[nn.Module]:
        return [self.encoder]

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Logits windows × spans × types. Batch: input_ids, attention_mask, markers (True at
        each <ENT>), type_positions (windows × types) and type_ends (where each type's words
        end), first_piece (windows × units), spans (windows × spans × 2: first, last unit)."""
        embeds = self.encoder.get_input_embeddings()(batch["input_ids"])
        embeds = torch.where(batch["markers"].unsqueeze(-1), self.marker.to(embeds.dtype), embeds)
        hidden = self.encoder(inputs_embeds=embeds,
                              attention_mask=batch["attention_mask"]).last_hidden_state
        hidden = self.dropout(hidden)
        types = _gather(hidden, batch["type_positions"])
        if self.words:
            sums = hidden.cumsum(1)
            starts, ends = batch["type_positions"], batch["type_ends"] - 1
            width = (ends - starts).clamp(min=1).unsqueeze(-1)
            types = torch.cat([types, (_gather(sums, ends) - _gather(sums, starts)) / width], -1)
        types = self.type_ffn(types)
        units = _gather(hidden, batch["first_piece"])
        spans = batch["spans"]
        edges = torch.cat([_gather(units, spans[..., 0]), _gather(units, spans[..., 1])], -1)
        return torch.einsum("bsd,btd->bst", self.span_ffn(edges), types)


def _gather(vectors: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """vectors[b, index[b, i]] for every b, i."""
    rows = torch.arange(len(vectors), device=vectors.device).unsqueeze(-1)
    return vectors[rows, index]
