"""The `transition` extractor: windows of words with their gold action rows, the training loss
(with the types a source does not annotate left out), generation and decoding to nested
entities, save and load."""
from __future__ import annotations

import math

import numpy as np
import torch

from assay.doc import Document, Entity
from assay.models.base import TorchExtractor
from assay.models.contract import Annotated
from assay.models.encoders import build_encoder
from assay.models.registry import register
from assay.models.transition.actions import decode, encodable, gold_rows, n_actions, reduce, transition
from assay.models.transition.config import TransitionConfig
from assay.models.transition.model import TransitionModule
from assay.models.windows import Window, make_windows, padded_pieces
from assay.schema import Schema


@register(TransitionConfig, produces="entities")
class TransitionExtractor(TorchExtractor):
    skip_reason = ("cut by a window's edge, discontinuous, or crossing a wider mention "
                   "(decoding keeps no crossing)")

    def __init__(self, config: TransitionConfig, schema: Schema, module: TransitionModule,
                 tokenizer, encoder_config: dict):
        super().__init__(config, schema, module, tokenizer, encoder_config)
        self.labels = list(schema.entity_labels)

    @classmethod
    def _build(cls, config: TransitionConfig, schema: Schema, pretrained: bool, tokenizer,
               encoder_config: dict | None = None) -> "TransitionExtractor":
        encoder = build_encoder(config, pretrained, encoder_config)
        module = TransitionModule(config, encoder, n_actions(len(schema.entity_labels)))
        return cls(config, schema, module, tokenizer, encoder.config.to_dict())

    # -- training ---------------------------------------------------------------------------
    def examples(self, docs: list[Document], annotated: list[Annotated]) -> list[Window]:
        """Windows with their gold action rows, and the actions of the types their source
        does not annotate (`unknown`). A mention the transitions cannot hold is counted in
        `skipped`."""
        label_id = {label: k for k, label in enumerate(self.labels)}
        windows = make_windows(docs, self.tokenizer, self.config.max_length, cut_at_entities=True,
                               split_digits=self.config.split_digits)
        self.skipped = 0
        for w in windows:
            first = {s: i for i, (s, _) in enumerate(w.units)}
            end = {e: i + 1 for i, (_, e) in enumerate(w.units)}
            lo, hi = w.units[0][0], w.units[-1][1]
            mentions = []
            for e in docs[w.doc].entities:
                if not (lo <= e.start < hi):
                    continue
                if e.fragments or e.end > hi:
                    self.skipped += w.owned[0] <= first.get(e.start, -1) < w.owned[1]
                    continue
                mentions.append((first[e.start], end[e.end], label_id[e.label]))
            kept = encodable(mentions)
            self.skipped += sum(w.owned[0] <= m[0] < w.owned[1] for m in set(mentions) - set(kept))
            source = annotated[w.doc]
            unknown = np.zeros(n_actions(len(self.labels)), dtype=bool)
            for k, label in enumerate(self.labels):
                if not source.entity(label):
                    unknown[[transition(k), reduce(k)]] = True
            w.gold = {"rows": gold_rows(len(w.units), kept), "unknown": unknown}
        return windows

    def collate(self, windows: list[Window]) -> dict:
        """Encoder inputs, each piece's word slot ([CLS] 0, word i i + 1, [SEP] N + 1,
        padding Q) and, in training, the gold rows."""
        n_pieces = max(map(len, windows))
        n_slots = max(len(w.units) for w in windows) + 2
        slot_of_piece = np.full((len(windows), n_pieces), n_slots, dtype=np.int64)
        slot_mask = np.zeros((len(windows), n_slots), dtype=bool)
        for b, w in enumerate(windows):
            starts = w.first_piece + [len(w) - 1]
            slot_of_piece[b, 0] = 0
            for i in range(len(w.units)):
                slot_of_piece[b, starts[i]:starts[i + 1]] = i + 1
            slot_of_piece[b, len(w) - 1] = len(w.units) + 1
            slot_mask[b, :len(w.units) + 2] = True
        pieces = padded_pieces(windows, self.tokenizer.pad_token_id)
        batch = {**{k: torch.tensor(v) for k, v in pieces.items()},
                 "slot_of_piece": torch.from_numpy(slot_of_piece),
                 "slot_mask": torch.from_numpy(slot_mask)}
        if windows[0].gold:
            width = n_actions(len(self.labels))
            n_rows = max(len(w.gold["rows"]) for w in windows)
            rows = np.zeros((len(windows), n_rows, width), dtype=np.float32)
            for b, w in enumerate(windows):
                for t, row in enumerate(w.gold["rows"]):
                    rows[b, t, row] = 1.0
            batch["rows"] = torch.from_numpy(rows)
            batch["n_rows"] = torch.tensor([len(w.gold["rows"]) for w in windows])
            unknown = np.stack([w.gold["unknown"] for w in windows])
            if unknown.any():
                batch["unknown"] = torch.from_numpy(unknown)
        batch = {k: v.to(self.device) for k, v in batch.items()}
        batch["examples"] = windows
        return batch

    def training_step(self, batch: dict) -> dict[str, torch.Tensor]:
        """The mean binary cross-entropy of the actions over the steps (`model.loss`)."""
        loss = self.module.loss(batch)
        return {"loss": loss, "ner": loss}

    # -- prediction -------------------------------------------------------------------------
    @property
    def window_length(self) -> int:
        return self.config.max_length

    def _predict_batch(self, batch: dict, found: list) -> None:
        windows = batch["examples"]
        limit = math.ceil(self.config.max_steps * batch["slot_mask"].size(1))
        probs, kinds, steps = self.module.generate(batch, limit, self.config.threshold,
                                                   max_run=2 * len(self.labels) + 2)
        probs, kinds = probs.cpu().numpy(), kinds.cpu().numpy()
        for b, w in enumerate(windows):
            entities = found[w.doc][0]
            for first, end, k, score in decode(probs[b, :steps[b]], len(w.units),
                                               self.config.threshold, kinds[b, :steps[b]]):
                if w.owned[0] <= first < w.owned[1]:
                    entities.append(Entity(w.units[first][0], w.units[end - 1][1],
                                           self.labels[k], score=score,
                                           id=f"E{len(entities) + 1}"))
