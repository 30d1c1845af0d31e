"""The `docre` extractor: entities from mentions, marked encoder inputs, ATLOP's adaptive
threshold loss (or binary cross-entropy at a fixed threshold), and relations predicted for
documents whose entities are given (gold, or found by an NER model before it)."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace

import torch
import torch.nn.functional as F

from assay.doc import Document, Entity, Relation
from assay.models.base import TorchExtractor, default_batch_size
from assay.models.contract import Annotated
from assay.models.docre.config import DocREConfig
from assay.models.docre.model import DocREModule
from assay.models.encoders import build_encoder
from assay.models.registry import register
from assay.schema import Schema


@dataclass
class DocExample:
    doc: int                      # index of the document in the list given
    ids: list[int]                # the text's pieces with markers around every mention
    rows: list[int]               # positions in `ids` of the start markers
    entities: list[list[int]]     # each entity's mentions, as indices into `rows`
    names: list[str]              # the id that relations of each entity are given
    pairs: list[tuple[int, int]]  # the (head, tail) entity pairs classified
    gold: dict[tuple[int, int], set[int]] = field(default_factory=dict)  # pair -> relations
    unknown: list[bool] = field(default_factory=list)  # relations its source does not annotate

    def __len__(self) -> int:
        return len(self.ids)


@register(DocREConfig, produces="relations")
class DocREExtractor(TorchExtractor):
    skip_reason = "their head and tail are one entity (model.grouping merged them)"

    def __init__(self, config: DocREConfig, schema: Schema, module: DocREModule, tokenizer,
                 encoder_config: dict):
        super().__init__(config, schema, module, tokenizer, encoder_config)
        self.relations = list(schema.relation_labels)
        self.relation_id = {label: k for k, label in enumerate(self.relations, 1)}
        self.markers = [tokenizer.encode(m, add_special_tokens=False) or [tokenizer.unk_token_id]
                        for m in config.markers]
        pairs = [p for allowed in schema.relation_labels.values() for p in allowed]
        open_label = any(not allowed for allowed in schema.relation_labels.values())
        self.allowed = None if open_label or not config.schema_pairs else set(pairs)
        self.thresholds()  # a relation_thresholds label the schema lacks fails here, not later

    @classmethod
    def _build(cls, config: DocREConfig, schema: Schema, pretrained: bool, tokenizer,
               encoder_config: dict | None = None) -> "DocREExtractor":
        # eager attention: context pooling reads the attention weights
        encoder = build_encoder(config, pretrained, encoder_config, attention="eager")
        module = DocREModule(config, encoder, len(schema.relation_labels))
        return cls(config, schema, module, tokenizer, encoder.config.to_dict())

    # -- inputs ---------------------------------------------------------------------------
    def examples(self, docs: list[Document], annotated: list[Annotated]) -> list[DocExample]:
        """One example per document, with its gold relations as targets, and the relation
        types its source does not annotate (`unknown`: never made negative there)."""
        self.skipped = 0
        examples = [self._example(k, doc, True) for k, doc in enumerate(docs)]
        for e in examples:
            e.unknown = [not annotated[e.doc].relation(r) for r in self.relations]
        return examples

    def _example(self, k: int, doc: Document, targets: bool) -> DocExample:
        """A document's example; with `targets`, its relations as gold (else they are
        ignored: when predicting)."""
        mentions, names, refs = entities_of(doc, self.config.grouping)
        ids, rows, row_of = self._marked(doc, [m for group in mentions for m in group])
        entities = [[row_of[id(m)] for m in group] for group in mentions]
        labels = [group[0].label for group in mentions]
        pairs = [(h, t) for h in range(len(entities)) for t in range(len(entities)) if h != t
                 and (self.allowed is None or (labels[h], labels[t]) in self.allowed)]
        example = DocExample(k, ids, rows, entities, names, pairs)
        candidates = set(pairs)
        for r in doc.relations if targets else ():
            if r.label not in self.relation_id:
                raise ValueError(f"document {doc.id}: relation label {r.label!r} is not in "
                                 f"the schema {self.relations}")
            for side in (r.head, r.tail):
                if side not in refs:
                    raise ValueError(f"document {doc.id}: relation {r.id or r.label} refers to "
                                     f"{side!r}, which is no entity or mention group")
            pair = (refs[r.head], refs[r.tail])
            if pair[0] == pair[1]:
                self.skipped += 1
                continue
            if pair not in candidates:
                raise ValueError(f"document {doc.id}: relation {r.label} joins "
                                 f"{labels[pair[0]]} to {labels[pair[1]]}, a label pair no "
                                 "relation of the schema allows")
            example.gold.setdefault(pair, set()).add(self.relation_id[r.label])
        return example

    def _marked(self, doc: Document, mentions: list[Entity]
                ) -> tuple[list[int], list[int], dict[int, int]]:
        """The text's pieces with the start marker before each mention's first piece and the
        end marker after its last (mentions starting or ending at one piece share a marker);
        the start markers' positions; and each mention's row (by `id()` of the mention)."""
        # verbose=False: a text past the encoder's length is expected here (it is windowed)
        encoded = self.tokenizer(doc.text, add_special_tokens=False,
                                 return_offsets_mapping=True, verbose=False)
        pieces, offsets = encoded["input_ids"], encoded["offset_mapping"]
        starts, ends = [s for s, _ in offsets], [e for _, e in offsets]
        where = {}
        for m in mentions:
            first = bisect_right(ends, m.start)       # the first piece ending after its start
            end = max(first, bisect_left(starts, m.end))  # one past the last piece it covers
            where[id(m)] = (first, end)
        opening = {f for f, _ in where.values()}
        closing = {e for _, e in where.values()}
        ids: list[int] = []
        rows: list[int] = []
        row_at: dict[int, int] = {}
        for k in range(len(pieces) + 1):
            if k in closing:
                ids += self.markers[1]
            if k in opening:
                row_at[k] = len(rows)
                rows.append(len(ids))
                ids += self.markers[0]
            if k < len(pieces):
                ids.append(pieces[k])
        return ids, rows, {key: row_at[first] for key, (first, _) in where.items()}

    def collate(self, examples: list[DocExample]) -> dict:
        t = self.tokenizer
        batch = {"examples": examples, "sequences": [e.ids for e in examples],
                 "rows": [e.rows for e in examples], "entities": [e.entities for e in examples],
                 "special": (t.cls_token_id, t.sep_token_id, t.pad_token_id),
                 "pairs": [torch.tensor(e.pairs, dtype=torch.long, device=self.device)
                           .view(-1, 2) for e in examples]}
        targets = torch.zeros(sum(len(e.pairs) for e in examples), 1 + len(self.relations))
        row = 0
        for e in examples:
            for p, pair in enumerate(e.pairs):
                for r in e.gold.get(pair, ()):
                    targets[row + p, r] = 1.0
            row += len(e.pairs)
        targets[:, 0] = (targets[:, 1:].sum(1) == 0).float()  # the threshold class: none
        batch["targets"] = targets.to(self.device)
        if any(any(e.unknown) for e in examples):
            batch["unknown"] = torch.tensor([[False] + e.unknown for e in examples
                                             for _ in e.pairs], dtype=torch.bool,
                                            device=self.device).view(-1, targets.size(1))
        return batch

    # -- training -------------------------------------------------------------------------
    def training_step(self, batch: dict) -> dict[str, torch.Tensor]:
        logits = self.module(batch).float()
        if not len(logits):
            loss = sum(p.sum() for p in self.module.classify.parameters()) * 0.0
        elif self.config.thresholding == "adaptive":
            loss = adaptive_threshold_loss(logits, batch["targets"], batch.get("unknown"))
        else:
            known = (~batch["unknown"][:, 1:] if "unknown" in batch
                     else torch.ones_like(logits[:, 1:], dtype=torch.bool))
            loss = F.binary_cross_entropy_with_logits(  # the mean over what is annotated
                logits[:, 1:][known], batch["targets"][:, 1:][known])
        return {"loss": loss, "re": loss}

    # -- prediction -----------------------------------------------------------------------
    def default_batch(self) -> int:
        """A few documents (each may take several windows)."""
        return max(1, default_batch_size(self.device) // 8)

    def prediction_inputs(self, docs: list[Document]) -> list[DocExample]:
        return [self._example(k, doc, False) for k, doc in enumerate(docs)]

    def encoder_inputs(self, batch: dict) -> dict:
        """The windows of marked text the encoder reads for the batch's documents."""
        ids, mask, _ = self.module.windows(batch["sequences"], batch["special"])
        return {"input_ids": ids.to(self.device), "attention_mask": mask.to(self.device)}

    def answer(self, doc: Document, entities: list[Entity], relations: list[Relation]
               ) -> Document:
        """`doc` with its relations replaced by the predicted ones between its own entities
        (and mention groups), which are kept."""
        return replace(doc, relations=[replace(r, id=f"R{k}") for k, r in enumerate(relations, 1)])

    def _predict_batch(self, batch: dict, found: list) -> None:
        logits = self.module(batch).float()
        if self.config.thresholding == "adaptive":
            scores = torch.sigmoid(logits[:, 1:] - logits[:, :1])
        else:
            scores = torch.sigmoid(logits[:, 1:])
        scores = scores.cpu()
        above_threshold = scores > self.thresholds()
        row = 0
        for e in batch["examples"]:
            for p, (h, t) in enumerate(e.pairs):
                above = above_threshold[row + p].nonzero().squeeze(-1).tolist()
                above.sort(key=lambda r: -scores[row + p, r])
                for r in above[:self.config.top_k or None]:
                    found[e.doc][1].append(Relation(e.names[h], e.names[t], self.relations[r],
                                                    score=float(scores[row + p, r])))
            row += len(e.pairs)

    def thresholds(self) -> torch.Tensor:
        """Each relation label's threshold: `relation_thresholds` where it names the label,
        else `threshold`."""
        given = self.config.relation_thresholds
        unknown = sorted(set(given) - set(self.relations))
        if unknown:
            raise ValueError(f"relation_thresholds: no relation label {unknown[0]!r} in the "
                             f"model (its labels: {', '.join(self.relations)})")
        return torch.tensor([given.get(r, self.config.threshold) for r in self.relations])


def adaptive_threshold_loss(logits: torch.Tensor, targets: torch.Tensor,
                            unknown: torch.Tensor | None = None) -> torch.Tensor:
    """ATLOP: the gold relations must score above the threshold class (column 0), and the
    threshold class above every other relation. `targets` has column 0 set where a pair has
    no relation; `unknown` (bool, like `targets`) marks relations the pair's source does not
    annotate: the threshold need not beat those."""
    positive = targets.clone()
    positive[:, 0] = 0.0
    threshold = torch.zeros_like(targets)
    threshold[:, 0] = 1.0
    # the gold relations against the threshold class
    above = logits.masked_fill((positive + threshold) == 0, -1e30)
    loss_positive = -(F.log_softmax(above, dim=-1) * positive).sum(1)
    # the threshold class against the relations the pair does not have
    below = logits.masked_fill(positive == 1 if unknown is None else (positive == 1) | unknown,
                               -1e30)
    loss_negative = -(F.log_softmax(below, dim=-1) * threshold).sum(1)
    return (loss_positive + loss_negative).mean()


def entities_of(doc: Document, grouping: str
                ) -> tuple[list[list[Entity]], list[str], dict[str, int]]:
    """(each entity's mentions, the id its relations are given, and which entity every
    mention id and group id refers to). `groups`: the document's mention groups, and every
    mention in none alone; `text`: mentions of the same text (case aside) and label;
    `mention`: every mention alone."""
    by_id = doc.entity_by_id()
    mentions: list[list[Entity]] = []
    names: list[str] = []
    refs: dict[str, int] = {}
    if grouping == "groups":
        for g in doc.groups:
            refs[g.id] = len(mentions)
            for m in g.mentions:
                refs.setdefault(m, len(mentions))
            mentions.append([by_id[m] for m in g.mentions])
            names.append(g.id)
    keys: dict[tuple[str, str], int] = {}
    for e in doc.entities:
        if e.id in refs:
            continue
        key = (doc.text[e.start:e.end].lower(), e.label)
        if grouping == "text" and key in keys:
            refs[e.id] = keys[key]
            mentions[keys[key]].append(e)
            continue
        refs[e.id] = keys[key] = len(mentions)
        mentions.append([e])
        names.append(e.id)
    return mentions, names, refs
