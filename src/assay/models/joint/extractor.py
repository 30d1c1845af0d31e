"""The `joint` extractor: batching, the training step, prediction, save and load."""
from __future__ import annotations

from operator import attrgetter
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from assay.doc import Document, Entity, Relation
from assay.models.base import TorchExtractor
from assay.models.decoding import longest_first, select_spans
from assay.models.encoders import build_encoder
from assay.models.contract import Annotated
from assay.models.joint.config import JointConfig
from assay.models.joint.decode import allowed_transitions, decode_spans, decode_tags
from assay.models.joint.model import JointModule
from assay.models.losses import allowed_classes, set_cross_entropy
from assay.models.registry import register
from assay.models.windows import Window, make_windows, padded_pieces
from assay.schema import Schema
from assay.text.bio import spans_to_tags

NO_RELATION = "none"
ENTITY_SPAN = attrgetter("span")


@register(JointConfig, produces="entities+relations", onnx=True)
class JointExtractor(TorchExtractor):
    skip_reason = "they overlap a longer one, and IOB2 tags cannot hold nested entities"

    def __init__(self, config: JointConfig, schema: Schema, module: JointModule, tokenizer,
                 encoder_config: dict):
        super().__init__(config, schema, module, tokenizer, encoder_config)
        self.tags = tag_names(schema)
        self.relations = [NO_RELATION] + list(schema.relation_labels)
        self.label_id = {label: k for k, label in enumerate(schema.entity_labels)}
        self.constraints = allowed_transitions(self.tags)
        self.allowed = self._allowed_relations()
        self.runner = TorchRunner(self.module)
        if config.ner_loss == "spans":
            self.skip_reason = (f"they overlap a longer one, or are wider than model.max_width "
                                f"({config.max_width} units)")

    def export_onnx(self, source: Path, target: Path, int8: bool = False) -> Path:
        """`source` (this model's directory) copied to `target` with ONNX graphs added."""
        from assay.models.joint.onnx import export_onnx

        return export_onnx(self, source, target, int8)

    def use_onnx(self, path: Path) -> None:
        """Run the network through ONNX Runtime from `path/onnx/` (see `assay export`)."""
        from assay.models.joint.onnx import OnnxRunner

        self.device = torch.device("cpu")
        self.module.to(self.device)
        self.runner = OnnxRunner(Path(path) / "onnx")

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def _build(cls, config: JointConfig, schema: Schema, pretrained: bool, tokenizer,
               encoder_config: dict | None = None) -> "JointExtractor":
        encoders = [build_encoder(config, pretrained, encoder_config)
                    for _ in range(2 if config.training == "disjoint" else 1)]
        module = JointModule(config, encoders[0], encoders[1] if len(encoders) > 1 else None,
                             allowed_transitions(tag_names(schema)),
                             max(1, len(schema.entity_labels)),
                             1 + len(schema.relation_labels))
        return cls(config, schema, module, tokenizer, encoders[0].config.to_dict())

    # -- training ---------------------------------------------------------------------------
    def examples(self, docs: list[Document], annotated: list[Annotated]) -> list[Window]:
        """Windows with their gold tags and gold entity pairs, and the entity and relation
        types their source does not annotate (`unknown`: no loss says a span or pair is not
        one of those). Entities that IOB2 cannot hold (nested or overlapping another) are left
        out of the tags and counted in `skipped`."""
        windows = make_windows(docs, self.tokenizer, self.config.max_length, cut_at_entities=True,
                               split_digits=self.config.split_digits)
        tag_id = {tag: k for k, tag in enumerate(self.tags)}
        self.skipped = 0
        for w in windows:
            doc = docs[w.doc]
            lo, hi = w.units[0][0], w.units[-1][1]
            inside = [e for e in doc.entities if lo <= e.start and e.end <= hi and not e.fragments]
            kept = select_spans(inside, ENTITY_SPAN, longest_first(ENTITY_SPAN))
            first = {s: i for i, (s, _) in enumerate(w.units)}
            end = {e: i + 1 for i, (_, e) in enumerate(w.units)}
            if self.config.ner_loss == "spans":
                kept = [e for e in kept if end[e.end] - first[e.start] <= self.config.max_width]
            self.skipped += len(inside) - len(kept)
            tags = spans_to_tags(w.units, kept)
            spans = {e.id: (first[e.start], end[e.end], self.label_id[e.label]) for e in kept}
            gold = {(r.head, r.tail): self.relations.index(r.label) for r in doc.relations
                    if r.head in spans and r.tail in spans}
            source = annotated[w.doc]
            w.gold = {"tags": [tag_id[t] for t in tags], "spans": list(spans.values()),
                      "pairs": [(spans[h] + spans[t], gold.get((h, t), 0))
                                for h in spans for t in spans if h != t],
                      "unknown": ([not source.entity(x) for x in self.schema.entity_labels],
                                  [False] + [not source.relation(r)
                                             for r in self.relations[1:]])}
        return windows

    def collate(self, windows: list[Window]) -> dict:
        n_units = max(len(w.units) for w in windows)
        batch = {
            **padded_pieces(windows, self.tokenizer.pad_token_id),
            "first_piece": [w.first_piece + [0] * (n_units - len(w.units)) for w in windows],
            "shapes": [w.shapes + [0] * (n_units - len(w.units)) for w in windows],
        }
        if self.config.char_dim:
            width = max(len(c) for w in windows for c in w.chars)
            batch["chars"] = [[c + [0] * (width - len(c)) for c in w.chars] +
                              [[0] * width] * (n_units - len(w.units)) for w in windows]
        batch = {k: torch.tensor(v, device=self.device) for k, v in batch.items()}
        batch["examples"] = windows
        if windows[0].gold:
            batch["tags"] = torch.tensor([w.gold["tags"] + [-100] * (n_units - len(w.units))
                                          for w in windows], device=self.device)
            if self.config.ner_loss == "spans":
                batch["span_labels"] = self._span_labels(windows, n_units)
            rows = [(b,) + tuple(spans) for b, w in enumerate(windows) for spans, _ in w.gold["pairs"]]
            batch["pairs"] = torch.tensor(rows, device=self.device, dtype=torch.long).view(-1, 7)
            batch["pair_labels"] = torch.tensor([y for w in windows for _, y in w.gold["pairs"]],
                                                device=self.device, dtype=torch.long)
            if any(any(u) for w in windows for u in w.gold["unknown"]):
                labels, relations = zip(*(w.gold["unknown"] for w in windows))
                batch["unknown_labels"] = torch.tensor(labels, device=self.device)
                batch["unknown_relations"] = torch.tensor(relations, device=self.device)
        return batch

    def training_step(self, batch: dict) -> dict[str, torch.Tensor]:
        """The loss terms: `ner`, `re` and `loss` = ner + λ·re. Where a window's source does
        not annotate some types, its unlabelled units, spans and pairs may be any of them
        (`losses.set_cross_entropy`; the CRF sums the paths through them)."""
        units = self.module.ner_units(batch)
        logits = self.module.ner_logits(units)
        partial = "unknown_labels" in batch
        targets = batch["span_labels" if self.config.ner_loss == "spans" else "tags"]
        if self.module.crf is not None:
            ner = self.module.crf.nll(logits, targets,
                                      self._allowed(targets, batch) if partial else None)
        elif partial:
            ner = set_cross_entropy(logits, self._allowed(targets, batch), targets != -100)
        else:
            ner = F.cross_entropy(logits.flatten(0, -2), targets.flatten(), ignore_index=-100)
        if len(batch["pairs"]):
            re_units = self.module.relation_units(batch, units)
            pair_logits = self.module.pair_logits(re_units, batch["pairs"])
            labels = batch["pair_labels"]
            if partial:
                unknown = batch["unknown_relations"][batch["pairs"][:, 0]]
                re = set_cross_entropy(pair_logits, allowed_classes(
                    labels, len(self.relations), unknown), labels >= 0)
            else:
                re = F.cross_entropy(pair_logits, labels)
        else:
            re = ner.new_zeros(())
        return {"loss": ner + self.config.re_weight * re, "ner": ner, "re": re}

    def _allowed(self, targets: torch.Tensor, batch: dict) -> torch.Tensor:
        """The classes each unit (tags) or span (span head) may be: its gold one, and where
        that is O / none, every tag or class of a type its window's source does not annotate."""
        unknown = batch["unknown_labels"]  # windows × entity labels
        if self.config.ner_loss == "spans":  # classes: none, then one per label
            classes = F.pad(unknown, (1, 0))[:, None, None, :]
        else:  # tags: O, then B- and I- of each label
            classes = F.pad(unknown.repeat_interleave(2, dim=1), (1, 0))[:, None, :]
        return allowed_classes(targets, classes.size(-1), classes)

    def _span_labels(self, windows: list[Window], n_units: int) -> torch.Tensor:
        """windows × units × widths: each span's class (0: none, 1 + the label's index),
        -100 for spans past their window's end."""
        width = self.config.max_width
        ends = np.arange(n_units)[:, None] + np.arange(width)[None]
        labels = np.zeros((len(windows), n_units, width), dtype=np.int64)
        for b, w in enumerate(windows):
            labels[b, ends >= len(w.units)] = -100
            for first, end, label in w.gold["spans"]:
                labels[b, first, end - first - 1] = 1 + label
        return torch.as_tensor(labels, device=self.device)

    # -- prediction -------------------------------------------------------------------------
    @property
    def window_length(self) -> int:
        return self.config.max_length

    def _predict_batch(self, batch: dict, found: list) -> None:
        log_probs, state = self.runner.ner_log_probs(batch)
        windows = batch["examples"]
        lengths = [len(w.units) for w in windows]
        crf = self.module.crf
        if self.config.ner_loss == "spans":
            decoded = decode_spans(log_probs, lengths, self.schema.entity_labels)
        else:
            decoded = decode_tags(log_probs, lengths, self.tags, self.constraints,
                                  self.config.decoding, crf.learned() if crf is not None else None)
        rows, made = [], []  # rows: (window, first unit, end unit, label) of each entity
        for b, (w, spans) in enumerate(zip(windows, decoded)):
            entities = found[w.doc][0]
            for first, end, label, score in spans:
                if w.owned[0] <= first < w.owned[1]:
                    entity = Entity(w.units[first][0], w.units[end - 1][1], label, score=score,
                                    id=f"E{len(entities) + 1}")
                    entities.append(entity)
                    made.append((w.doc, entity))
                    rows.append((b, first, end, self.label_id[label]))
        if len(rows) < 2:
            return
        pairs, heads, tails = self._candidate_pairs(np.array(rows))
        if not len(pairs):
            return
        logits = self.runner.pair_logits(batch, state, torch.as_tensor(pairs, device=self.device))
        if self.config.schema_pairs:
            mask = self.allowed[pairs[:, 3], pairs[:, 6]]
            logits = logits.masked_fill(~torch.as_tensor(mask, device=self.device), float("-inf"))
        probs = logits.float().softmax(-1).cpu().numpy()
        best = probs.argmax(1)
        for k in np.flatnonzero(best):  # pairs given a relation, not "none"
            (doc, head), (_, tail) = made[heads[k]], made[tails[k]]
            relations = found[doc][1]
            relations.append(Relation(head.id, tail.id, self.relations[best[k]],
                                      score=float(probs[k, best[k]]), id=f"R{len(relations) + 1}"))

    def _candidate_pairs(self, entities: np.ndarray) -> tuple[np.ndarray, ...]:
        """Rows (window, head first, end, label, tail first, end, label) of every ordered pair
        of distinct entities of the same window (with `schema_pairs`, only those the schema
        lets hold some relation), and the indices of each pair's head and tail entity."""
        same = entities[:, None, 0] == entities[None, :, 0]
        np.fill_diagonal(same, False)
        if self.config.schema_pairs:
            same &= self.allowed[entities[:, None, 3], entities[None, :, 3], 1:].any(-1)
        heads, tails = np.nonzero(same)
        return np.concatenate([entities[heads], entities[tails, 1:]], axis=1), heads, tails

    def _allowed_relations(self) -> np.ndarray:
        """allowed[head label, tail label, relation]: the schema's pairs (any pair for a
        relation that lists none); "no relation" is always allowed."""
        labels = self.schema.entity_labels
        allowed = np.zeros((max(1, len(labels)), max(1, len(labels)), len(self.relations)), bool)
        allowed[:, :, 0] = True
        for k, name in enumerate(self.relations[1:], 1):
            pairs = self.schema.relation_labels[name]
            if not pairs:
                allowed[:, :, k] = True
            for h, t in pairs:
                if h in labels and t in labels:
                    allowed[labels.index(h), labels.index(t), k] = True
        return allowed


class TorchRunner:
    """The network's two steps at inference: tag or span log-probabilities (numpy, see
    `JointModule.ner_logits`) with what the pair step needs, then relation logits for rows of
    entity pairs."""

    def __init__(self, module: JointModule):
        self.module = module

    def ner_log_probs(self, batch: dict) -> tuple[np.ndarray, torch.Tensor]:
        units = self.module.ner_units(batch)
        return self.module.ner_logits(units).log_softmax(-1).float().cpu().numpy(), units

    def pair_logits(self, batch: dict, units: torch.Tensor, pairs: torch.Tensor) -> torch.Tensor:
        return self.module.pair_logits(self.module.relation_units(batch, units), pairs)


def tag_names(schema: Schema) -> list[str]:
    """The IOB2 tags of the schema's entity labels: O, then B- and I- of each label."""
    return ["O"] + [f"{p}-{label}" for label in schema.entity_labels for p in "BI"]

