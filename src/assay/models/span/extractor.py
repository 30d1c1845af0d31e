"""The `span` extractor: type prompts, span enumeration, training targets with sampled negative
types, greedy decoding, save and load."""
from __future__ import annotations

import random
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F

from assay.doc import Document, Entity
from assay.models.base import TorchExtractor, length_batches
from assay.models.contract import Annotated
from assay.models.decoding import by_score, select_spans
from assay.models.encoders import build_encoder
from assay.models.span.config import SpanConfig
from assay.models.span.model import SpanModule
from assay.models.registry import register
from assay.models.windows import Window, make_windows
from assay.schema import Schema

MIN_TEXT_PIECES = 16  # what a window must keep for text once the type prompts are in


@register(SpanConfig, produces="entities", takes_labels=True)
class SpanExtractor(TorchExtractor):
    skip_reason = "wider than the longest span scored (model.max_width) or cut by a window's edge"

    def __init__(self, config: SpanConfig, schema: Schema, module: SpanModule, tokenizer,
                 encoder_config: dict):
        super().__init__(config, schema, module, tokenizer, encoder_config)
        self.use_labels(config.labels or schema.entity_labels)

    def use_labels(self, labels: list[str], descriptions: dict[str, str] | None = None) -> None:
        """Prompt these types at inference (names never seen in training work too: zero-shot),
        each as `name: description` where `descriptions` (or, with the `descriptions`
        setting, the schema) has one. The prompts are tokenised here, once."""
        if not labels:
            raise ValueError("the span family needs at least one entity type to prompt")
        glosses = dict(self.schema.descriptions) if self.config.descriptions else {}
        glosses.update(descriptions or {})
        self.labels = list(labels)
        self.prompts = [self._pieces(f"{label}: {glosses[label]}" if label in glosses else label)
                        for label in self.labels]
        used = sum(1 + len(p) for p in self.prompts)  # each prompt: <ENT> and its pieces
        self.text_budget = self.config.max_length - 2 - used
        if self.text_budget < MIN_TEXT_PIECES:
            raise ValueError(f"{len(self.labels)} type prompts take {used} of max_length "
                             f"{self.config.max_length} pieces: raise max_length or prompt "
                             "fewer or shorter types")

    def _pieces(self, text: str) -> list[int]:
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    @classmethod
    def _build(cls, config: SpanConfig, schema: Schema, pretrained: bool, tokenizer,
               encoder_config: dict | None = None) -> "SpanExtractor":
        encoder = build_encoder(config, pretrained, encoder_config)
        return cls(config, schema, SpanModule(config, encoder), tokenizer,
                   encoder.config.to_dict())

    # -- training ---------------------------------------------------------------------------
    def examples(self, docs: list[Document], annotated: list[Annotated]) -> list[Window]:
        """Windows with their gold spans {(first unit, last unit): {type index}} and the types
        their source annotates (`annotated`: only those are prompted as negatives). Entities
        wider than `max_width` units, or cut by a window's edge, are counted in `skipped`."""
        label_id = {label: k for k, label in enumerate(self.labels)}
        unknown = sorted({e.label for d in docs for e in d.entities} - set(label_id))
        if unknown:
            raise ValueError(f"training entities of types {unknown} are not among the prompted "
                             f"types {self.labels} (model.labels)")
        windows = make_windows(docs, self.tokenizer, self.text_budget, cut_at_entities=True,
                               split_digits=self.config.split_digits, reach=self.window_reach)
        self.skipped = 0
        for w in windows:
            first = {s: i for i, (s, _) in enumerate(w.units)}
            last = {e: i for i, (_, e) in enumerate(w.units)}
            lo, hi = w.units[0][0], w.units[-1][1]
            gold: dict[tuple[int, int], set[int]] = {}
            for e in docs[w.doc].entities:
                if e.fragments or not (lo <= e.start < hi):
                    continue
                if e.end > hi or last[e.end] - first[e.start] >= self.config.max_width:
                    self.skipped += w.owned[0] <= first[e.start] < w.owned[1]
                    continue
                gold.setdefault((first[e.start], last[e.end]), set()).add(label_id[e.label])
            w.gold = {"spans": gold, "annotated": [t for t, label in enumerate(self.labels)
                                                   if annotated[w.doc].entity(label)]}
        return windows

    def batches(self, windows: list[Window], batch_size: int, seed: int | None = None
                ) -> Iterator[dict]:
        """Batches of windows of similar length. With a seed (training), each window prompts
        its gold types, a sampled share of the others its source annotates, and every type its
        source does not annotate (prompted as at prediction, where all types are, but never
        scored: no loss, so never a negative there), in shuffled order."""
        rng = random.Random(seed)
        everything = list(range(len(self.labels)))
        for group in length_batches(windows, batch_size, seed, rng):
            chosen = [self._training_types(windows[i], rng) if seed is not None else everything
                      for i in group]
            yield self.collate([windows[i] for i in group], chosen)

    def _training_types(self, window: Window, rng: random.Random) -> list[int]:
        positive = {t for types in window.gold["spans"].values() for t in types}
        others = [t for t in window.gold["annotated"] if t not in positive]
        types = sorted(positive) + rng.sample(others, round(self.config.negatives * len(others)))
        # a model that only ever saw one type a prompt (a corpus annotating one) learns little
        # of prompts of several, which is what prediction asks
        types += [t for t in range(len(self.labels)) if t not in window.gold["annotated"]]
        rng.shuffle(types)
        return types

    def collate(self, windows: list[Window], types: list[list[int]]) -> dict:
        """Encoder inputs `[CLS] <ENT> type <ENT> type ... [SEP] text [SEP]`, the candidate
        spans of each window and, in training, their targets."""
        rows, positions, ends, firsts, spans = [], [], [], [], []
        for w, chosen in zip(windows, types):
            ids, where = [self.tokenizer.cls_token_id], []
            for t in chosen:
                where.append(len(ids))
                ids += [self.tokenizer.unk_token_id] + self.prompts[t]  # unk: <ENT>'s place
            ids.append(self.tokenizer.sep_token_id)
            ends.append(where[1:] + [len(ids) - 1])  # each type's words end at the next marker
            shift = len(ids) - 1
            rows.append(ids + w.input_ids[1:])
            positions.append(where)
            firsts.append([p + shift for p in w.first_piece])
            n, most = len(w.units), self.config.max_width
            spans.append([(i, j) for i in range(n) for j in range(i, min(n, i + most))])
        width, n_types = max(map(len, rows)), max(map(len, types))
        n_units, n_spans = max(map(len, firsts)), max(map(len, spans))
        marker_rows = [[False] * width for _ in rows]
        for row, where in zip(marker_rows, positions):
            for p in where:
                row[p] = True
        batch = {
            "input_ids": [r + [self.tokenizer.pad_token_id] * (width - len(r)) for r in rows],
            "attention_mask": [[1] * len(r) + [0] * (width - len(r)) for r in rows],
            "markers": marker_rows,
            "type_positions": [p + [0] * (n_types - len(p)) for p in positions],
            "type_ends": [e + [1] * (n_types - len(e)) for e in ends],
            "type_mask": [[True] * len(c) + [False] * (n_types - len(c)) for c in types],
            "first_piece": [f + [0] * (n_units - len(f)) for f in firsts],
            "spans": [s + [(0, 0)] * (n_spans - len(s)) for s in spans],
            "span_mask": [[True] * len(s) + [False] * (n_spans - len(s)) for s in spans],
        }
        batch = {k: torch.tensor(v, device=self.device) for k, v in batch.items()}
        batch["examples"], batch["types"], batch["span_list"] = windows, types, spans
        if windows[0].gold:
            targets = torch.zeros(len(windows), n_spans, n_types)
            batch["scored"] = torch.tensor(  # the prompted types the window's source annotates
                [[t in w.gold["annotated"] for t in c] + [False] * (n_types - len(c))
                 for w, c in zip(windows, types)], device=self.device)
            for b, (w, chosen) in enumerate(zip(windows, types)):
                column = {t: k for k, t in enumerate(chosen)}
                index = {span: s for s, span in enumerate(spans[b])}
                for span, gold_types in w.gold["spans"].items():
                    for t in gold_types:
                        targets[b, index[span], column[t]] = 1.0
            batch["targets"] = targets.to(self.device)
        return batch

    def training_step(self, batch: dict) -> dict[str, torch.Tensor]:
        """Binary cross-entropy over every (span, prompted type the source annotates)."""
        logits = self.module(batch)
        mask = batch["span_mask"].unsqueeze(-1) & batch["scored"].unsqueeze(1)
        if not mask.any():  # no type prompted in the whole batch: nothing to learn from
            loss = logits.sum() * 0.0
        else:
            # summed over spans and types, then averaged over windows (as GLiNER does): a mean
            # over all pairs drowns the few positive spans among the many negative ones
            loss = F.binary_cross_entropy_with_logits(
                logits[mask], batch["targets"][mask], reduction="sum") / len(logits)
        return {"loss": loss, "ner": loss}

    # -- prediction -------------------------------------------------------------------------
    @property
    def window_length(self) -> int:
        """What the text may take once the type prompts (`self.labels`) are in."""
        return self.text_budget

    @property
    def window_reach(self) -> int:
        return self.config.max_width

    def empty_predictions(self) -> tuple:
        return [], [], []  # and the scored spans of all the document's windows

    def _predict_batch(self, batch: dict, found: list) -> None:
        probs = torch.sigmoid(self.module(batch).float()).cpu().numpy()
        for b, (w, spans) in enumerate(zip(batch["examples"], batch["span_list"])):
            scores = probs[b, :len(spans), :len(self.labels)]
            found[w.doc][2].extend(
                (float(scores[s, t]), w.units[spans[s][0]][0], w.units[spans[s][1]][1], t)
                for s, t in zip(*np.nonzero(scores > self.config.threshold))
                if w.owned[0] <= spans[s][0] < w.owned[1])

    def answer(self, doc: Document, entities: list[Entity], relations: list,
               hits: list[tuple[float, int, int, int]]) -> Document:
        """`doc` with the spans kept from the hits of all its windows together (`decoding`
        over the whole document: a span from one window never overlaps one from the next)."""
        for score, start, end, t in select_spans(hits, lambda h: (h[1], h[2]), by_score,
                                                 self.config.decoding):
            entities.append(Entity(start, end, self.labels[t], score=score,
                                   id=f"E{len(entities) + 1}"))
        return super().answer(doc, entities, relations)

