"""The `generative` extractor: windows with their three target sequences, the AnchorAlign
losses and curriculum, generation read back into entities and relations (the forward and
reverse decoders' union, then the anchor filter), save and load."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterator

import torch

from assay.doc import Document, Entity, Relation
from assay.models.base import TorchExtractor, with_predictions
from assay.models.contract import Annotated
from assay.models.encoders import (adapt_encoder, build_encoder, quiet_transformers,
                                   resolve_backbone)
from assay.models.generative import model as net
from assay.models.generative.config import GenerativeConfig
from assay.models.generative.linearize import Layout, grammars, read, targets
from assay.models.registry import register
from assay.models.windows import Window, frame, make_windows, padded_pieces
from assay.schema import Schema

DECODERS = ("ner", "forward", "reverse")


@register(GenerativeConfig, produces="entities+relations")
class GenerativeExtractor(TorchExtractor):
    skip_reason = ("entities cut by a window's edge or made of fragments, and relations whose "
                   "two entities are not in one window")

    def __init__(self, config: GenerativeConfig, schema: Schema, module: net.GenerativeModule,
                 tokenizer, encoder_config: dict):
        super().__init__(config, schema, module, tokenizer, encoder_config)
        self.labels = list(schema.entity_labels)
        self.relations = list(schema.relation_labels)
        self.layout = module.layout
        self.grammars = grammars(config.paradigm)
        self.epoch: int | None = None  # set by the Trainer; None: every loss term on

    # -- construction ---------------------------------------------------------------------
    @classmethod
    def _build(cls, config: GenerativeConfig, schema: Schema, pretrained: bool, tokenizer,
               encoder_config: dict | None = None) -> "GenerativeExtractor":
        layout = Layout(len(schema.entity_labels), len(schema.relation_labels))
        if is_seq2seq(config.encoder, encoder_config):
            from transformers import AutoConfig, AutoModelForSeq2SeqLM

            with quiet_transformers():
                whole = (AutoModelForSeq2SeqLM.from_pretrained(resolve_backbone(config.encoder))
                         if pretrained else AutoModelForSeq2SeqLM.from_config(
                             AutoConfig.for_model(**encoder_config)))
            encoder, decoders = net.decoders_from_seq2seq(whole, len(DECODERS))
            encoder = adapt_encoder(encoder, config)
            architecture = whole.config.to_dict()
        else:
            encoder = build_encoder(config, pretrained, encoder_config)
            decoders = net.decoders_from_encoder(config.encoder, len(DECODERS),
                                                 config.decoder_layers, config.dropout,
                                                 pretrained, encoder_config)
            architecture = encoder.config.to_dict()
        symbols, bos = symbol_vectors(encoder.get_input_embeddings(), tokenizer, schema)
        module = net.GenerativeModule(encoder, decoders, layout, symbols, bos)
        return cls(config, schema, module, tokenizer, architecture)

    # -- training ---------------------------------------------------------------------------
    def examples(self, docs: list[Document], annotated: list[Annotated]) -> list[Window]:
        """Windows with their target sequences (`linearize.targets`). Entities no window holds
        whole (cut by its edge, made of fragments) and relations whose entities no one window
        holds (across sentences, or naming a mention group) are counted in `skipped`. Every
        source must annotate every type: a decoder taught to end its sequence
        where an unannotated entity stands would learn that it is not one."""
        for source in set(annotated):
            missing = (set(self.labels) - source.entities if source.entities is not None
                       else set()) | (set(self.relations) - source.relations
                                      if source.relations is not None else set())
            if missing:
                raise ValueError(f"the generative family learns only from sources that "
                                 f"annotate every type; one does not annotate "
                                 f"{', '.join(sorted(missing))}")
        label_id = {label: k for k, label in enumerate(self.labels)}
        relation_id = {label: k for k, label in enumerate(self.relations)}
        windows = make_windows(docs, self.tokenizer, self.config.max_length, cut_at_entities=True,
                               split_digits=self.config.split_digits)
        used: list[set] = [set() for _ in docs]  # entity ids and relation indices taught
        for w in windows:
            doc = docs[w.doc]
            first = {s: i for i, (s, _) in enumerate(w.units)}
            last = {e: i for i, (_, e) in enumerate(w.units)}
            ents = {e.id: (first[e.start], last[e.end], label_id[e.label])
                    for e in doc.entities if not e.fragments and e.start in first
                    and e.end in last}
            triplets = []
            for k, r in enumerate(doc.relations):
                if r.head in ents and r.tail in ents:
                    triplets.append((ents[r.head], ents[r.tail], relation_id[r.label]))
                    used[w.doc].add(("relation", k))
            used[w.doc].update(("entity", name) for name in ents)
            w.gold = {"targets": targets(self.layout, list(ents.values()), triplets,
                                         self.config.paradigm)}
        self.skipped = sum(len(d.entities) + len(d.relations) - len(u)
                           for d, u in zip(docs, used))
        return windows

    def start_epoch(self, epoch: int) -> None:
        """The curriculum: the first `curriculum_epochs` on the simple samples with the
        generation losses only; the alignment and suppression terms from `align_from` on."""
        self.epoch = epoch

    @property
    def warming_up(self) -> bool:
        return self.epoch is not None and self.epoch <= self.config.curriculum_epochs

    @property
    def aligning(self) -> bool:
        return self.epoch is None or (self.epoch >= self.config.align_from
                                      and not self.warming_up)

    def batches(self, examples: list, batch_size: int, seed: int | None = None
                ) -> Iterator[dict]:
        """As `TorchExtractor.batches`; in the curriculum's warm-up (training), only the
        windows with at most `simple_triplets` triplets."""
        if seed is not None and self.warming_up:
            simple = [x for x in examples
                      if x.gold["targets"].n_triplets <= self.config.simple_triplets]
            examples = simple or examples
        yield from super().batches(examples, batch_size, seed)

    def collate(self, windows: list[Window]) -> dict:
        """Encoder inputs, each unit's first piece and, in training, the targets, the steps
        the alignment terms compare and each window's negative tokens."""
        n_units = max(len(w.units) for w in windows)
        batch = {**padded_pieces(windows, self.tokenizer.pad_token_id),
                 "unit_piece": [w.first_piece + [0] * (n_units - len(w.units)) for w in windows],
                 "unit_mask": [[True] * len(w.units) + [False] * (n_units - len(w.units))
                               for w in windows]}
        batch = {k: torch.tensor(v, device=self.device) for k, v in batch.items()}
        batch["examples"] = windows
        if windows[0].gold:
            batch.update(self._gold(windows, n_units))
        return batch

    def _gold(self, windows: list[Window], n_units: int) -> dict:
        made = [w.gold["targets"] for w in windows]
        out: dict = {}
        for k, name in enumerate(DECODERS):
            width = max(len(t.sequences[k]) for t in made)
            out[f"targets_{name}"] = torch.tensor(
                [t.sequences[k] + [-100] * (width - len(t.sequences[k])) for t in made],
                device=self.device)
        pointers = self.layout.pointers
        negatives = torch.zeros(len(windows), pointers + n_units, dtype=torch.bool)
        for b, (w, t) in enumerate(zip(windows, made)):
            negatives[b, :pointers + len(w.units)] = True
            negatives[b, [x for s in t.sequences for x in s]] = False
        out["negatives"] = negatives.to(self.device)
        for d in (1, 2):
            rows = [(b, ner, at) for b, t in enumerate(made) for dd, at, ner in t.shared
                    if dd == d]
            out[f"shared_{d}"] = self._steps(rows, 3)
        out["paired"] = self._steps([(b, f, r) for b, t in enumerate(made)
                                     for f, r in t.paired], 7)
        return out

    def _steps(self, rows: list, width: int) -> tuple[torch.Tensor, ...]:
        """(window, steps in the first sequence, steps in the second) rows as three tensors."""
        if not rows:
            empty = torch.zeros(0, width, dtype=torch.long, device=self.device)
            return torch.zeros(0, dtype=torch.long, device=self.device), empty, empty
        b, x, y = zip(*rows)
        return tuple(torch.tensor(v, device=self.device) for v in (b, x, y))

    def training_step(self, batch: dict) -> dict[str, torch.Tensor]:
        """`ner` and `re` (cross-entropy of the NER decoder, and the sum of the RE decoders'),
        then, once aligning, `ner_re` (KL from the NER decoder to each RE decoder on their
        shared entities, the NER side as the target), `re_align` (symmetric KL between the
        forward and reverse decoders on each gold triplet) and `suppress`; `loss` =
        ner + re + α·ner_re + β·re_align + γ·suppress."""
        state = self.module.encode(batch)
        log_probs = [self.module.teacher_forced(k, batch[f"targets_{name}"], state)
                     for k, name in enumerate(DECODERS)]
        ce = [net.generation_loss(lp, batch[f"targets_{name}"])
              for lp, name in zip(log_probs, DECODERS)]
        terms = {"ner": ce[0], "re": ce[1] + ce[2]}
        loss = ce[0] + ce[1] + ce[2]
        if self.aligning:
            ner_re = torch.stack([self._kl_on_steps(log_probs[0], log_probs[d],
                                                    batch[f"shared_{d}"], teacher=True)
                                  for d in (1, 2)]).mean()
            re_align = self._kl_on_steps(log_probs[1], log_probs[2], batch["paired"])
            suppress = (net.suppression(log_probs[1], batch["targets_forward"],
                                        batch["negatives"]) +
                        net.suppression(log_probs[2], batch["targets_reverse"],
                                        batch["negatives"])) / 2
            terms.update(ner_re=ner_re, re_align=re_align, suppress=suppress)
            loss = loss + self.config.alpha * ner_re + self.config.beta * re_align + \
                self.config.gamma * suppress
        return {"loss": loss, **terms}

    @staticmethod
    def _kl_on_steps(first: torch.Tensor, second: torch.Tensor, steps: tuple,
                     teacher: bool = False) -> torch.Tensor:
        """The mean over rows of the KL summed over a row's steps: KL(first ‖ second) with
        `first` held fixed (`teacher`), else the symmetric KL."""
        rows, at_first, at_second = steps
        if not len(rows):
            return first.new_zeros(())
        p = first[rows[:, None], at_first]
        q = second[rows[:, None], at_second]
        if teacher:
            return net.kl(p.detach(), q).sum(-1).mean()
        return ((net.kl(p, q) + net.kl(q, p)) / 2).sum(-1).mean()

    # -- prediction -------------------------------------------------------------------------
    @property
    def window_length(self) -> int:
        return self.config.max_length

    def empty_predictions(self) -> tuple:
        return [], [], dict.fromkeys(DECODERS, 0)

    def _predict_batch(self, batch: dict, found: list) -> None:
        """The NER decoder's entities (one type a span: the likelier), and the triplets of the
        forward decoder (with `aggregate`, and the reverse one's), each kept with the anchor
        filter only when both its spans are NER entities, whose types it then takes; a
        triplet's entity the NER decoder did not name is added with the RE decoder's type."""
        state = self.module.encode(batch)
        run = [0, 1] + ([2] if self.config.aggregate else [])
        outputs = {k: self.module.generate(k, self.grammars[k], state, self.config.max_output)
                   for k in run}
        for b, w in enumerate(batch["examples"]):
            entities, relations, cut = found[w.doc]
            for k in run:
                cut[DECODERS[k]] += outputs[k][2][b]
            named, _ = self._read(0, outputs, b)
            kept = {}
            for (first, last, label), score in named:
                if (first, last) not in kept or kept[first, last][1] < score:
                    kept[first, last] = (label, score)
            triplets: dict = {}
            for k in run[1:]:
                for triplet, score in self._read(k, outputs, b)[1]:
                    key = (triplet[0][:2], triplet[1][:2], triplet[2])
                    if key[0] == key[1]:  # an entity related to itself
                        continue
                    if key not in triplets or triplets[key][1] < score:
                        triplets[key] = (triplet, score)
            made = {}

            def entity(span, label, score) -> Entity | None:
                if not (w.owned[0] <= span[0] < w.owned[1]):
                    return None
                if span not in made:
                    made[span] = Entity(w.units[span[0]][0], w.units[span[1]][1],
                                        self.labels[label], score=score,
                                        id=f"E{len(entities) + 1}")
                    entities.append(made[span])
                return made[span]

            for span, (label, score) in sorted(kept.items()):
                entity(span, label, score)
            for (head, tail, relation), score in triplets.values():
                anchored = head[:2] in kept and tail[:2] in kept
                if self.config.anchor_filter and self.config.paradigm in (1, 3) and not anchored:
                    continue
                ends = [entity(e[:2], *(kept[e[:2]] if e[:2] in kept else (e[2], score)))
                        for e in (head, tail)]
                if None not in ends:
                    relations.append(Relation(ends[0].id, ends[1].id, self.relations[relation],
                                              score=score, id=f"R{len(relations) + 1}"))

    def _read(self, k: int, outputs: dict, b: int) -> tuple[list, list]:
        """(entity, score) and (triplet, score) pairs of row b of decoder k's output: an
        entity scores the geometric mean of its three tokens' probabilities, a triplet its
        relation token's."""
        tokens, probs, _ = outputs[k]
        found = read(self.layout, tokens[b], self.grammars[k], reverse=k == 2)
        p = probs[b]
        return ([(e, (p[i] * p[i + 1] * p[i + 2]) ** (1 / 3))
                 for e, i in zip(found.entities, found.entity_steps)],
                [(t, p[i]) for t, i in zip(found.triplets, found.triplet_steps)])

    def answer(self, doc: Document, entities: list[Entity], relations: list[Relation],
               cut: dict | None = None) -> Document:
        """The document with what was predicted for it; outputs cut at `max_output` counted
        in meta `generative.cut`, by decoder."""
        predicted = with_predictions(doc, entities, relations)
        if cut and any(cut.values()):
            predicted = replace(predicted, meta={**doc.meta, "generative": {
                "cut": {k: v for k, v in cut.items() if v}}})
        return predicted


def is_seq2seq(name: str, saved: dict | None) -> bool:
    """Whether the model named (or its saved architecture) is an encoder-decoder."""
    if saved is not None:
        return bool(saved.get("is_encoder_decoder"))
    from transformers import AutoConfig

    return bool(AutoConfig.from_pretrained(resolve_backbone(name)).is_encoder_decoder)


def symbol_vectors(embeddings: torch.nn.Embedding, tokenizer, schema: Schema
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """First vectors of the output symbols: EOS the end-of-text token's embedding, SEP that of
    ";", each label the mean of its words' pieces (`used-for`: "used for"); and BOS."""
    weight = embeddings.weight.detach()

    def mean_of(text: str) -> torch.Tensor:
        ids = tokenizer(text, add_special_tokens=False)["input_ids"] or [tokenizer.unk_token_id]
        return weight[ids].mean(0)

    start, end = frame(tokenizer)
    names = list(schema.entity_labels) + list(schema.relation_labels)
    rows = [weight[end], mean_of(";")] + [mean_of(n.replace("-", " ").replace("_", " "))
                                          for n in names]
    return torch.stack(rows), weight[start]
