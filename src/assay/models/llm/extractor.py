"""The `llm` extractor: texts cut into prompts, prompts answered by a backend, answers parsed
and placed back on the text; LoRA (or full) fine-tuning on the template's answer format."""
from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass, field, replace
from pathlib import Path
from itertools import islice
from typing import IO, Iterable, Iterator

import torch
from torch import nn

from assay.doc import Document, Entity
from assay.models.base import (CHUNK, WEIGHTS, TorchExtractor, default_device, inference,
                               load_weights, read_dir, save_dir)
from assay.models.contract import Annotated
from assay.models.decoding import longest_first, select_spans
from assay.models.encoders import merge_adapters
from assay.models.llm import answers, templates
from assay.models.llm.backends import HttpBackend, LocalBackend, chat_text, prompt_inputs
from assay.models.llm.config import LLMConfig
from assay.models.registry import register
from assay.models.windows import sentence_spans
from assay.schema import Schema
from assay.text.units import unit_spans

DEMONSTRATIONS = "demonstrations.json"
ANSWERS = "answers.json"
CHARS_PER_TOKEN = 4  # how a server's prompts are cut when no local tokenizer counts tokens
CHAT_TOKENS = 4  # a message's role markers in a server's chat template, at the least


@dataclass
class Prompt:
    """One question about one piece of a document's text."""

    doc: int
    doc_id: str
    start: int
    end: int
    text: str                                   # the piece of text asked about
    question: templates.Question
    asked: list[str]                            # the types it asks for
    size: int                                   # its length, for batching
    target: str | None = None                   # the answer trained on
    ids: dict = field(default_factory=dict)     # training: prompt and target token ids

    def __len__(self) -> int:
        return self.size


def http_backend(config: LLMConfig) -> HttpBackend:
    return HttpBackend(config.url, config.model, config.timeout, config.retries,
                       config.concurrency, Path(config.cache) if config.cache else None,
                       os.environ.get(config.api_key_env), config.top_p, config.extra_body)


def make_backend(model: str = "smollm2", url: str | None = None, **settings):
    """A backend to ask directly: a local model (`smollm2`, packaged; a Hugging Face id or
    path), or with `url` the model a server knows as `model`. `settings`: other fields of
    the `llm` config (`timeout`, `cache`, ...)."""
    config = LLMConfig(model=model, url=url, **settings)
    if url:
        return http_backend(config)
    lm, tokenizer = load_lm(config)
    device = default_device()
    return LocalBackend(lm.to(device).eval(), tokenizer, device)


class CausalLM(nn.Module):
    """The language model as the Trainer and checkpoints see it."""

    def __init__(self, lm: nn.Module):
        super().__init__()
        self.lm = lm

    def encoders(self) -> list[nn.Module]:
        return [self.lm]


def load_lm(config: LLMConfig):
    """The pretrained causal LM and its tokenizer (a GGUF file is de-quantized to float32)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging

    where, gguf = config.weights()
    extra = {"gguf_file": gguf} if gguf else {}
    bars = logging.is_progress_bar_enabled()
    logging.disable_progress_bar()
    try:
        tokenizer = AutoTokenizer.from_pretrained(where, **extra)
        lm = AutoModelForCausalLM.from_pretrained(where, dtype=torch.float32, **extra)
    finally:
        if bars:
            logging.enable_progress_bar()
    return lm, tokenizer


@register(LLMConfig, produces="entities", takes_labels=True, prompts=True)
class LLMExtractor(TorchExtractor):
    skip_reason = "in training answers longer than model.target_length tokens, or entities " \
                  "cut by a prompt's edge or made of fragments"

    def __init__(self, config: LLMConfig, schema: Schema, module: CausalLM | None, tokenizer,
                 encoder_config: dict):
        self.config, self.schema, self.module, self.tokenizer = config, schema, module, tokenizer
        self.encoder_config = encoder_config
        self.device = default_device()
        if module is not None:
            module.to(self.device)
            self.backend = LocalBackend(module.lm, tokenizer, self.device)
        else:
            self.backend = http_backend(config)
        self.shots: list[tuple[str, list[tuple[str, str]]]] = []
        self.transcript: IO[str] | None = None
        # of the last `predict`: prompts asked, answers cut by target_length, mentions not in
        # the text, pairs of types not asked for, answers whose structure had to be mended
        self.counts = {"prompts": 0, "cut": 0, "unplaced": 0, "unknown_types": 0, "mended": 0}
        self.use_labels(config.labels or schema.entity_labels)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def create(cls, config: LLMConfig, schema: Schema) -> "LLMExtractor":
        if config.url:
            return cls(config, schema, None, None, {})
        lm, tokenizer = load_lm(config)
        if config.lora_rank:
            from peft import LoraConfig, inject_adapter_in_model

            lora = LoraConfig(r=config.lora_rank, lora_alpha=config.lora_alpha,
                              lora_dropout=config.lora_dropout, bias="none",
                              target_modules=config.lora_targets)
            lm = inject_adapter_in_model(lora, lm)  # freezes all but the adapters
        if tokenizer.pad_token_id is None:
            tokenizer.pad_token = tokenizer.eos_token
        return cls(config, schema, CausalLM(lm), tokenizer, lm.config.to_dict())

    @classmethod
    def load(cls, path: Path) -> "LLMExtractor":
        path = Path(path)
        config_data, _, schema = read_dir(path)
        extractor = cls.create(LLMConfig(**config_data), schema)
        if extractor.module is not None and (path / WEIGHTS).exists():
            load_weights(extractor.module, path)  # the adapters (or every weight) trained
            merge_adapters(extractor.module)      # at the plain model's speed
            extractor.module.eval()
        if (path / DEMONSTRATIONS).exists():
            extractor.shots = [(t, [tuple(p) for p in pairs]) for t, pairs in
                               json.loads((path / DEMONSTRATIONS).read_text(encoding="utf-8"))]
        return extractor

    def save(self, path: Path, dtype: torch.dtype = torch.float32) -> None:
        """config.json, schema.json, the demonstrations and, for a local model, its tokenizer
        and what training changed (the adapters; every weight when `lora_rank` is 0); the
        base model itself is loaded from `model.model`."""
        path = Path(path)
        if self.module is None:
            path.mkdir(parents=True, exist_ok=True)
            (path / "config.json").write_text(json.dumps(
                {"model": self.config.model_dump(), "encoder_config": {}}, indent=2),
                encoding="utf-8")
            self.schema.save(path / "schema.json")
        else:
            save_dir(path, self.config.model_dump(), self.encoder_config, self.schema,
                     self.module, self.tokenizer, dtype)
        (path / DEMONSTRATIONS).write_text(json.dumps(self.shots, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
        # what became of the answers of the last prediction run (in training: the dev set's)
        (path / ANSWERS).write_text(json.dumps(self.counts, indent=1), encoding="utf-8")

    def show_prompts(self, stream: IO[str] | None) -> None:
        """From now on, one JSON line per prompt to `stream`: the document and piece, the
        messages, the raw answer, whether it was cut, the pairs read from it, the types and
        mentions left out (unknown, not in the text) and the entities placed."""
        self.transcript = stream

    def use_labels(self, labels: list[str], descriptions: dict[str, str] | None = None) -> None:
        """Ask for these types from now on (any names: the prompt says them)."""
        if not labels:
            raise ValueError("the llm family needs at least one entity type to ask for")
        self.labels = list(labels)
        self.glosses = dict(self.schema.descriptions) if self.config.descriptions else {}
        self.glosses.update(descriptions or {})
        self._check_context()

    def _check_context(self) -> None:
        """A prompt must fit the model's context with its text and answer: say so if not.
        A server's tokens are estimated as its prompts are cut (characters / 4, and a few a
        message for the chat template): a lower bound, not a count."""
        questions = templates.questions(self.config.template, "", self.labels, self.glosses,
                                        self.config.domain, self.shots)
        if self.config.context_length:
            context, said = self.config.context_length, "model.context_length"
        elif self.module is None:
            context, said = self.backend.context_length, "the server's /models"
        else:
            context = getattr(self.module.lm.config, "max_position_embeddings", None)
            said = "the model's max_position_embeddings"
        if self.module is None:
            overhead = max(sum(self._size(m["content"]) + CHAT_TOKENS for m in q.messages)
                           for q in questions)
            takes = f"about {overhead}"
        else:
            overhead = max(self._tokens(chat_text(self.tokenizer, q.messages))
                           for q in questions)
            takes = str(overhead)
        need = overhead + self.config.source_length + self.config.target_length
        if context and need > context:
            raise ValueError(
                f"the {self.config.template} prompt for {len(self.labels)} types and "
                f"{len(self.shots)} demonstrations takes {takes} tokens; with "
                f"source_length {self.config.source_length} and target_length "
                f"{self.config.target_length} that is {need}, past the context of {context} "
                f"({said}): ask for fewer types, use fewer shots, or lower source_length or "
                "target_length")

    def _tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    # -- prompts ---------------------------------------------------------------------------
    def pieces(self, doc: Document) -> list[tuple[int, int]]:
        """The spans of `doc` asked about one at a time: its sentences, a sentence longer than
        `source_length` tokens cut at word boundaries into pieces that fit (a single word
        longer than that, cut inside)."""
        budget = self.config.source_length
        spans = []
        for s, e in sentence_spans(doc):
            start = end = None
            used = 0
            for us, ue in self._units(doc.text, s, e):
                size = self._size(doc.text[us:ue])
                if start is not None and used + size > budget:
                    spans.append((start, end))
                    start = None
                if start is None:
                    start, used = us, 0
                used += size
                end = ue
            if start is not None:
                spans.append((start, end))
        return spans

    def _size(self, word: str) -> int:
        """Tokens a word takes after a space (a server's: characters / 4)."""
        if self.tokenizer is None:
            return -(-(len(word) + 1) // CHARS_PER_TOKEN)
        return self._tokens(" " + word)

    def _units(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """The words of text[start:end], a word longer than `source_length` tokens cut into
        parts of at most that many (at its tokens' offsets)."""
        budget, units = self.config.source_length, []
        for us, ue in unit_spans(text, start, end):
            if self._size(text[us:ue]) <= budget:
                units.append((us, ue))
            elif self.tokenizer is None:
                step = budget * CHARS_PER_TOKEN
                units += [(a, min(a + step, ue)) for a in range(us, ue, step)]
            else:
                offsets = self.tokenizer(text[us:ue], add_special_tokens=False,
                                         return_offsets_mapping=True)["offset_mapping"]
                cuts = [offsets[i][0] for i in range(0, len(offsets), budget)] + [ue - us]
                units += [(us + a, us + b) for a, b in zip(cuts, cuts[1:]) if b > a]
        return units

    def prompts(self, docs: list[Document], labels_of=None, shots=()) -> list[Prompt]:
        """Every question about every piece of `docs`; `labels_of(k)`: the types asked about
        document k (default: `self.labels`)."""
        made = []
        for k, doc in enumerate(docs):
            labels = labels_of(k) if labels_of else self.labels
            if not labels:
                continue
            for s, e in self.pieces(doc):
                for q in templates.questions(self.config.template, doc.text[s:e], labels,
                                             self.glosses, self.config.domain, shots):
                    size = sum(len(m["content"]) for m in q.messages)
                    asked = labels if q.label is None else [q.label]
                    made.append(Prompt(k, doc.id, s, e, doc.text[s:e], q, asked, size))
        return made

    def prediction_inputs(self, docs: list[Document]) -> list[Prompt]:
        return self.prompts(docs, shots=self.shots)

    def model_view(self, docs: list[Document]) -> list[Document]:
        return docs

    # -- training ----------------------------------------------------------------------------
    def examples(self, docs: list[Document], annotated: list[Annotated]) -> list[Prompt]:
        """Each piece's questions with the answer its gold entities give, asking only for
        the types its source annotates; draws the demonstrations (`shots`) too. Entities cut
        by a piece's edge or made of fragments, and those of an answer longer than
        `target_length`, are counted in `skipped`."""
        self.skipped = 0
        made = self.prompts(docs, lambda k: [t for t in self.labels if annotated[k].entity(t)])
        self._draw_shots(docs, annotated)
        if self.module is None:  # a server's model is asked, never trained: no targets
            return made
        kept, edges = [], set()
        for p in made:
            doc = docs[p.doc]
            inside = [e for e in doc.entities if p.start <= e.start < p.end and e.label in p.asked]
            whole = [e for e in inside if not e.fragments and e.end <= p.end]
            if (p.doc, p.start, p.question.label) not in edges:  # once a piece and type
                edges.add((p.doc, p.start, p.question.label))
                self.skipped += len(inside) - len(whole)
            found = [(e.label, doc.text[e.start:e.end])
                     for e in sorted(whole, key=lambda e: (e.start, e.end))]
            p.target = templates.answer(self.config.template, found, p.asked, p.question.label)
            prompt_ids = self.tokenizer(chat_text(self.tokenizer, p.question.messages),
                                        add_special_tokens=False)["input_ids"]
            target_ids = self.tokenizer(p.target, add_special_tokens=False)["input_ids"] + \
                [self.tokenizer.eos_token_id]
            if len(target_ids) > self.config.target_length:
                self.skipped += len(whole)
                continue
            p.ids, p.size = {"prompt": prompt_ids, "target": target_ids}, \
                len(prompt_ids) + len(target_ids)
            kept.append(p)
        return kept

    def _draw_shots(self, docs: list[Document], annotated: list[Annotated]) -> None:
        """`shots` pieces with entities, drawn at random (seeded) from documents whose source
        annotates every type asked for (else from any), each with its entities."""
        if not self.config.shots:
            return
        complete = [k for k in range(len(docs)) if all(annotated[k].entity(t) for t in self.labels)]
        pool = [(k, s, e) for k in (complete or range(len(docs))) for s, e in self.pieces(docs[k])
                if any(s <= x.start < e and x.label in self.labels for x in docs[k].entities)]
        chosen = random.Random(self.config.shot_seed).sample(pool, min(self.config.shots,
                                                                       len(pool)))
        self.shots = []
        for k, s, e in chosen:
            doc = docs[k]
            pairs = [(x.label, doc.text[x.start:x.end]) for x in
                     sorted(doc.entities, key=lambda x: (x.start, x.end))
                     if s <= x.start and x.end <= e and not x.fragments and x.label in self.labels]
            self.shots.append((doc.text[s:e], pairs))
        self._check_context()

    def collate(self, prompts: list[Prompt]) -> dict:
        """Training: prompt and answer tokens, right-padded, the loss on the answer alone.
        Prediction: the prompts themselves (the backend tokenizes them)."""
        batch: dict = {"examples": prompts}
        if not prompts[0].ids:
            return batch
        rows = [p.ids["prompt"] + p.ids["target"] for p in prompts]
        width, pad = max(map(len, rows)), self.tokenizer.pad_token_id
        batch["input_ids"] = torch.tensor([r + [pad] * (width - len(r)) for r in rows],
                                          device=self.device)
        batch["attention_mask"] = torch.tensor(
            [[1] * len(r) + [0] * (width - len(r)) for r in rows], device=self.device)
        batch["labels"] = torch.tensor(
            [[-100] * len(p.ids["prompt"]) + p.ids["target"] + [-100] * (width - len(r))
             for p, r in zip(prompts, rows)], device=self.device)
        return batch

    def training_step(self, batch: dict) -> dict[str, torch.Tensor]:
        """Cross-entropy of the answer's tokens given the prompt."""
        if self.module is None:
            raise ValueError("model.url: a model behind a server is asked, not trained here; "
                             "set train.epochs = 0, or train a local model (model.model)")
        loss = self.module.lm(input_ids=batch["input_ids"],
                              attention_mask=batch["attention_mask"],
                              labels=batch["labels"]).loss
        return {"loss": loss, "ner": loss}

    def parameter_groups(self) -> tuple[list, list]:
        """Everything trained (adapters, or every weight) is the language model's: it takes
        the encoder learning rate; there are no heads."""
        if self.module is None:
            return [], []
        return [p for p in self.module.parameters() if p.requires_grad], []

    def encoder_inputs(self, batch: dict) -> dict:
        """The prompts, tokenized: what the model reads before it answers."""
        return prompt_inputs(self.tokenizer, [p.question.messages for p in batch["examples"]],
                             self.device)

    def default_batch(self) -> int:
        """Prompts a batch: a server is sent twice as many as it takes at once (its
        `concurrency`), so it never waits on the slowest of a batch alone."""
        if self.module is None:
            return 2 * self.config.concurrency
        return 8 if self.device.type == "cpu" else 32

    # -- prediction ----------------------------------------------------------------------------
    def _predict_batch(self, batch: dict, found: list) -> None:
        """Ask, parse, place: each placed mention an entity candidate of its document (the
        flat choice among them is made in `answer`)."""
        prompts = batch["examples"]
        replies = self.backend.generate([p.question.messages for p in prompts],
                                        self.config.target_length,
                                        [p.question.label for p in prompts])
        for p, reply in zip(prompts, replies):
            parsed = answers.parse(reply.text, p.asked, p.question.label)
            spans, missing = answers.locate(p.text, parsed.pairs, self.config.match == "all")
            entities, cut = found[p.doc]
            score = 1.0 if reply.confidence is None else reply.confidence
            entities += [Entity(p.start + s, p.start + e, t, score=score, id=f"E{len(entities) + k}")
                         for k, (s, e, t) in enumerate(spans, 1)]
            cut.append(reply.cut)
            self.counts["prompts"] += 1
            self.counts["cut"] += reply.cut
            self.counts["unplaced"] += len(missing)
            self.counts["unknown_types"] += len(parsed.unknown)
            self.counts["mended"] += parsed.mended
            if self.transcript:
                self.transcript.write(json.dumps({
                    "doc": p.doc_id, "start": p.start, "end": p.end, "asked": p.asked,
                    "messages": p.question.messages, "answer": reply.text, "cut": reply.cut,
                    "pairs": parsed.pairs, "unknown_types": parsed.unknown,
                    "not_in_text": missing, "mended": parsed.mended,
                    "entities": [[p.start + s, p.start + e, t] for s, e, t in spans]},
                    ensure_ascii=False) + "\n")

    def prompt_counts(self) -> dict[str, int]:
        return dict(self.counts)

    def predict(self, docs: Iterable[Document], batch_size: int | None = None
                ) -> Iterator[Document]:
        """As every family's (`TorchExtractor.predict`), without a module to call when the
        answers come from a server, and with each document's cut answers counted."""
        if self.module is not None:
            self.module.eval()
        self.counts = dict.fromkeys(self.counts, 0)
        batch_size = batch_size or self.default_batch()
        docs = iter(docs)
        while chunk := list(islice(docs, CHUNK * batch_size)):
            found: list[tuple[list, list]] = [([], []) for _ in chunk]
            with inference(self.device):
                for batch in self.batches(self.prediction_inputs(chunk), batch_size):
                    self._predict_batch(batch, found)
            for doc, (entities, cut) in zip(chunk, found):
                yield self.answer(doc, entities, cut)

    def answer(self, doc: Document, entities: list[Entity], cut: list[bool]) -> Document:
        """The document with the placed mentions that do not overlap (the longer wins, then
        the earlier answer); answers cut by `target_length` counted in meta `llm.cut`."""
        span = lambda e: (e.start, e.end)  # noqa: E731
        kept = select_spans(entities, span, longest_first(span), "flat")
        predicted = super().answer(doc, kept, [])
        if any(cut):
            predicted = replace(predicted, meta={**doc.meta, "llm": {"cut": sum(cut)}})
        return predicted
