"""The `docre` network (ATLOP): a document encoded in overlapping windows, entity vectors
pooled from their mentions' markers, a context vector per entity pair from the attention of
both entities, and a group bilinear classifier whose class 0 is the learned threshold."""
from __future__ import annotations

import torch
from torch import nn

from assay.models.docre.config import DocREConfig


class DocREModule(nn.Module):
    def __init__(self, config: DocREConfig, encoder: nn.Module, n_relations: int):
        super().__init__()
        if config.emb_size % config.block_size:
            raise ValueError(f"model.emb_size {config.emb_size} is not a multiple of "
                             f"model.block_size {config.block_size}")
        self.config = config
        self.encoder = encoder
        size = encoder.config.hidden_size
        self.head = nn.Linear(2 * size, config.emb_size)
        self.tail = nn.Linear(2 * size, config.emb_size)
        self.classify = nn.Linear(config.emb_size * config.block_size, n_relations + 1)
        self.dropout = nn.Dropout(config.dropout)

    def encoders(self) -> list[nn.Module]:
        return [self.encoder]

    def forward(self, batch: dict) -> torch.Tensor:
        """Logits [pairs of every document of the batch, 1 + relations]; column 0 is the
        threshold class."""
        encoded = self.encode(batch["sequences"], batch["rows"], batch["special"])
        logits = []
        for (hidden, markers, attention), entities, pairs in zip(encoded, batch["entities"],
                                                                 batch["pairs"]):
            if len(pairs):
                logits.append(self.pair_logits(hidden, markers, attention, entities, pairs))
        if not logits:
            return self.classify.weight.new_zeros(0, self.classify.out_features)
        return torch.cat(logits)

    def encode(self, sequences: list[list[int]], rows: list[list[int]], special: tuple[int, ...]
               ) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
        """Per document: the hidden state of every piece [n, d] and, for the pieces in `rows`
        (the mention markers), their hidden states [R, d] and last-layer attention over all
        pieces [heads, R, n].
        A document longer than a window is read in windows overlapping by half; a piece's
        state is the mean over the windows that hold it, and attention rows are summed over
        windows, then normalised."""
        device = self.classify.weight.device
        input_ids, mask, windows = self.windows(sequences, special)
        out = self.encoder(input_ids=input_ids.to(device), attention_mask=mask.to(device),
                           output_attentions=True)
        hidden_all, attention_all = out.last_hidden_state, out.attentions[-1]
        results = []
        for d, ids in enumerate(sequences):
            n, where = len(ids), torch.tensor(rows[d], dtype=torch.long, device=device)
            hidden = hidden_all.new_zeros(n, hidden_all.size(-1))
            count = hidden_all.new_zeros(n, 1)
            attention = attention_all.new_zeros(attention_all.size(1), len(rows[d]), n)
            for b, (doc, s, length) in enumerate(windows):
                if doc != d:
                    continue
                hidden[s:s + length] += hidden_all[b, 1:length + 1]
                count[s:s + length] += 1
                inside = ((where >= s) & (where < s + length)).nonzero().squeeze(-1)
                attention[:, inside, s:s + length] += \
                    attention_all[b][:, where[inside] - s + 1, 1:length + 1]
            attention = attention / (attention.sum(-1, keepdim=True) + 1e-10)
            hidden = hidden / count
            results.append((hidden, hidden[where], attention))
        return results

    def windows(self, sequences: list[list[int]], special: tuple[int, ...]
                ) -> tuple[torch.Tensor, torch.Tensor, list[tuple[int, int, int]]]:
        """The encoder's inputs for these documents (input ids and attention mask, a row per
        window) and each window's (document, first piece, length)."""
        cls, sep, pad = special
        span = self.config.max_length - 2
        windows = []  # (document, start, length)
        for d, ids in enumerate(sequences):
            n = len(ids)
            starts = [0] if n <= span else \
                sorted(set(range(0, n - span, span // 2)) | {n - span})
            windows += [(d, s, min(span, n - s)) for s in starts]
        width = max(length for _, _, length in windows) + 2
        input_ids = torch.full((len(windows), width), pad, dtype=torch.long)
        mask = torch.zeros(len(windows), width, dtype=torch.long)
        for b, (d, s, length) in enumerate(windows):
            input_ids[b, :length + 2] = torch.tensor([cls, *sequences[d][s:s + length], sep])
            mask[b, :length + 2] = 1
        return input_ids, mask, windows

    def pair_logits(self, hidden: torch.Tensor, markers: torch.Tensor, attention: torch.Tensor,
                    entities: list[list[int]], pairs: torch.Tensor) -> torch.Tensor:
        """`hidden` [n, d]; `markers` [R, d] and `attention` [heads, R, n], a row per marker;
        `entities`: each entity's markers (row indices); `pairs` [P, 2]: (head, tail)."""
        vectors, attended = [], []
        for rows in entities:
            rows = torch.tensor(rows, dtype=torch.long, device=hidden.device)
            vectors.append(torch.logsumexp(markers[rows], dim=0))  # a smooth max over mentions
            attended.append(attention[:, rows].mean(1))
        vectors, attended = torch.stack(vectors), torch.stack(attended)  # [E, d], [E, heads, n]
        heads, tails = pairs[:, 0], pairs[:, 1]
        # localized context pooling: the pieces both entities attend to
        weights = (attended[heads] * attended[tails]).mean(1)
        weights = weights / (weights.sum(-1, keepdim=True) + 1e-5)
        context = weights @ hidden
        h = torch.tanh(self.head(self.dropout(torch.cat([vectors[heads], context], -1))))
        t = torch.tanh(self.tail(self.dropout(torch.cat([vectors[tails], context], -1))))
        k = self.config.block_size
        h = h.view(-1, self.config.emb_size // k, k)
        t = t.view(-1, self.config.emb_size // k, k)
        return self.classify((h.unsqueeze(3) * t.unsqueeze(2)).flatten(1))
