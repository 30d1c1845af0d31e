"""The Trainer shared by every family.

AdamW with one learning rate for the encoder and another for the heads, linear warm-up and
decay, gradient clipping, evaluation on dev after every epoch, the best model saved by a named
dev metric, early stopping, and a checkpoint after every epoch from which `resume=True` goes on
exactly where an interrupted run stopped (data order, dropout and schedule included).

The output directory ends up holding the best model (config.json, weights, schema.json,
tokenizer/), `recipe.json` (the resolved recipe), `metrics.json` (its dev scores), `log.jsonl`
(one line per epoch), `README.md` (the model card) and `checkpoint/` (the last epoch's state).
"""
from __future__ import annotations

import json
import os
import platform
import random
import shutil
import time
from datetime import date
from pathlib import Path

import numpy as np
import torch
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)

from assay import metrics
from assay.doc import Document
from assay.models.base import load_state, trainable_state
from assay.models.registry import family
from assay.training.data import (EpochSampler, TrainingData, in_dev, read_sources,
                                 without_entities)
from assay.training.recipe import Recipe, RecipeError

# a run folder's last checkpoint, relative to the folder (the bench runner reads it too)
STATE = Path("checkpoint") / "state.pt"


# the scores a train.metric may name after its protocol's part: `entities_strict.micro_f1`
METRIC_FIELDS = ("micro_p", "micro_r", "micro_f1", "macro_p", "macro_r", "macro_f1")


def _json_or_none(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return None


def _changes(old, new, key: str = "") -> list[tuple[str, object, object]]:
    """(dotted key, old value, new value) of each leaf two JSON objects differ in."""
    if isinstance(old, dict) and isinstance(new, dict):
        return [change for k in sorted(set(old) | set(new), key=str)
                for change in _changes(old.get(k), new.get(k), f"{key}.{k}" if key else k)]
    return [] if old == new else [(key, old, new)]


def _logged(scores: dict) -> dict:
    """What log.jsonl keeps of an epoch's dev scores: micro and macro F1, and each label's F1
    (a type that collapses shows in the epoch it does)."""
    return {k: {"micro_f1": v["micro_f1"], "macro_f1": v["macro_f1"],
                "per_label_f1": {label: x["f1"] for label, x in v.get("per_label", {}).items()}}
            for k, v in scores.items()}


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


class Trainer:
    def __init__(self, recipe: Recipe, data: TrainingData, dev_docs: list[Document] | None,
                 quiet: bool = False):
        from assay.schema import Schema

        self.recipe, self.cfg = recipe, recipe.train
        self.data, self.dev_docs = data, dev_docs
        self.output = Path(self.cfg.output)
        self.quiet = quiet
        seed_everything(self.cfg.seed)
        config = recipe.model_config_object()
        self.extractor = family(config.family).extractor.create(
            config, Schema.from_documents(data.docs))
        self.examples = self.extractor.examples(self.extractor.model_view(data.docs),
                                                data.annotated)
        if self.extractor.skipped:
            self.say(f"{self.extractor.skipped} training annotations are left out: "
                     f"{self.extractor.skip_reason}")
        if self.extractor.fresh:
            self.say(f"model.init_from: {len(self.extractor.fresh)} weights start fresh (this "
                     f"data's labels differ from that model's): "
                     f"{', '.join(self.extractor.fresh[:4])}" + ", ..." * (
                         len(self.extractor.fresh) > 4))
        self.sampler = self.sample(recipe.data.drop_dev_sentences)
        if len(data.names) > 1:
            self.say("sources (documents, examples an epoch): " + ", ".join(
                f"{name} ({n}, {quota})" for (name, n), quota in
                zip(data.counts().items(), self.sampler.quota)))
        encoder_params, head_params = self.extractor.parameter_groups()
        self.optimizer = torch.optim.AdamW(
            [{"params": encoder_params, "lr": self.cfg.lr_encoder},
             {"params": head_params, "lr": self.cfg.lr_head}], weight_decay=self.cfg.weight_decay,
            fused=True)  # one kernel for all parameters: 8x faster than the default on a CPU
        steps_per_epoch = -(-len(self.sampler) // self.cfg.batch_size)
        total = steps_per_epoch * self.cfg.epochs
        warmup = int(self.cfg.warmup * total)
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, lambda step: min(
            (step + 1) / max(1, warmup), max(0.0, (total - step) / max(1, total - warmup))))
        self.state = {"epoch": 0, "best": None, "best_epoch": None, "bad_epochs": 0}
        self.average = WeightAverage(self.extractor.module, self.cfg.ema) if self.cfg.ema else None

    def sample(self, drop_dev: bool) -> EpochSampler:
        """The sampler of the examples (those that are dev sentences left out first, with
        `drop_dev`); what each source gives is said and written to training_data.json."""
        docs, counts = self.data.docs, {}
        if drop_dev and self.dev_docs:
            leaked = in_dev(self.examples, docs, self.dev_docs)
            for x, bad in zip(self.examples, leaked):
                if bad:
                    name = self.data.names[self.data.source[x.doc]]
                    counts.setdefault(name, {"dev_sentences_left_out": 0})
                    counts[name]["dev_sentences_left_out"] += 1
            self.examples = [x for x, bad in zip(self.examples, leaked) if not bad]
            left_out = ", ".join(f"{c['dev_sentences_left_out']} of {name}"
                                 for name, c in counts.items())
            self.say(f"{sum(leaked)} training examples are dev sentences, left out ({left_out})"
                     if left_out else "no training example is a dev sentence")
        empty = without_entities(self.examples, docs)
        sources = [self.data.source[x.doc] for x in self.examples]
        sampler = EpochSampler(sources, self.data.weights, self.data.inverse, empty,
                               self.data.empty_weights)
        for k, name in enumerate(self.data.names):
            mine = [e for s, e in zip(sources, empty) if s == k]
            counts[name] = {**counts.get(name, {}), "documents": self.data.source.count(k),
                            "examples": len(mine), "without_entities": sum(mine),
                            "an_epoch": sampler.quota[k]}
        self.output.mkdir(parents=True, exist_ok=True)
        (self.output / "training_data.json").write_text(json.dumps(counts, indent=2))
        return sampler

    # -- checkpoints -------------------------------------------------------------------------
    def save_checkpoint(self) -> None:
        state = self.output / STATE
        state.parent.mkdir(parents=True, exist_ok=True)
        tmp = state.with_name(state.name + ".tmp")
        # frozen encoder parameters are left out: resuming builds the model from the
        # pretrained encoder, as loading a model directory does
        torch.save({"module": trainable_state(self.extractor.module),
                    "optimizer": self.optimizer.state_dict(),
                    "scheduler": self.scheduler.state_dict(), "state": self.state,
                    "average": self.average.state_dict() if self.average else None,
                    "rng": {"python": random.getstate(), "numpy": np.random.get_state(),
                            "torch": torch.get_rng_state(),
                            "cuda": torch.cuda.get_rng_state_all()
                            if torch.cuda.is_available() else None}}, tmp)
        os.replace(tmp, state)  # a kill while writing leaves the last one whole

    def load_checkpoint(self) -> None:
        saved = torch.load(self.output / STATE, weights_only=False,
                           map_location=self.extractor.device)
        load_state(self.extractor.module, saved["module"], self.output / STATE)
        self.optimizer.load_state_dict(saved["optimizer"])
        self.scheduler.load_state_dict(saved["scheduler"])
        self.state = saved["state"]
        if self.average and saved.get("average"):
            self.average.load_state_dict(saved["average"])
        random.setstate(saved["rng"]["python"])
        np.random.set_state(saved["rng"]["numpy"])
        torch.set_rng_state(saved["rng"]["torch"])
        if saved["rng"].get("cuda") is not None and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(saved["rng"]["cuda"])

    def forget_after(self, epoch: int) -> None:
        """Drop the log lines of epochs after the checkpoint's: they are done again (and a
        line cut short by a kill while it was written)."""
        log = self.output / "log.jsonl"
        if log.exists():
            kept = [line for line in log.read_text().splitlines()
                    if (record := _json_or_none(line)) and record["epoch"] <= epoch]
            tmp = log.with_name(log.name + ".tmp")
            tmp.write_text("".join(line + "\n" for line in kept))
            os.replace(tmp, log)

    def say_recipe_changes(self) -> None:
        """On resuming: what the recipe changes from the one the run started with (a branch
        run changes some on purpose; an epoch count changed moves the schedule)."""
        old = _json_or_none((self.output / "recipe.json").read_text()) \
            if (self.output / "recipe.json").exists() else None
        if old is None:
            return
        changed = _changes(old, json.loads(self.recipe.model_dump_json()))
        if changed:
            self.say("resuming with a recipe that differs from the run's: " + "; ".join(
                f"{key} {a!r} -> {b!r}" for key, a, b in changed))

    # -- the loop ------------------------------------------------------------------------------
    def fit(self, resume: bool = False) -> dict:
        """Train; returns the best epoch's dev scores (or the last epoch's without dev)."""
        has_checkpoint = (self.output / STATE).exists()
        if resume and has_checkpoint:
            self.load_checkpoint()
            self.forget_after(self.state["epoch"])
            self.say_recipe_changes()
        elif has_checkpoint:
            raise RecipeError(f"{self.output} holds a checkpoint of an earlier run: resume it "
                              "(--resume) or choose another train.output")
        self.output.mkdir(parents=True, exist_ok=True)
        (self.output / "recipe.json").write_text(self.recipe.model_dump_json(indent=2))
        if self.dev_docs:  # a metric the protocol does not give fails now, not after an epoch
            self.metric(metrics.to_json(metrics.evaluate(self.dev_docs, self.dev_docs,
                                                         self.recipe.data.protocol)))
        if self.cfg.epochs == 0:  # the model as it is: scored once, saved
            start = time.perf_counter()
            scores = self.evaluate() if self.dev_docs else {}
            record = {"epoch": 0, "seconds": round(time.perf_counter() - start, 1),
                      "dev": _logged(scores)}
            self.save_best(scores, record)
            (self.output / "log.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
        for epoch in range(self.state["epoch"] + 1, self.cfg.epochs + 1):
            if self.state["bad_epochs"] >= self.cfg.patience:
                self.say(f"stopped early: {self.cfg.patience} epochs without a better dev score")
                break
            record = self.train_epoch(epoch)
            if self.average:
                self.average.swap()  # score and save the averaged weights
            scores = self.evaluate() if self.dev_docs else {}
            record["dev"] = _logged(scores)
            value = self.metric(scores) if scores else float(epoch)
            self.state["epoch"] = epoch
            if self.state["best"] is None or value > self.state["best"]:
                self.state.update(best=value, best_epoch=epoch, bad_epochs=0)
                self.save_best(scores, record)
            else:
                self.state["bad_epochs"] += 1
            if self.average:
                self.average.swap()  # training goes on from the raw weights
            record.update(metric=self.cfg.metric, value=value, best=self.state["best"])
            with open(self.output / "log.jsonl", "a", encoding="utf-8") as log:
                log.write(json.dumps(record) + "\n")
            self.save_checkpoint()
            self.say(f"epoch {epoch}: loss {record['loss']:.4f}, dev {self.cfg.metric} "
                     f"{value:.4f} (best {self.state['best']:.4f} at {self.state['best_epoch']})")
        return json.loads((self.output / "metrics.json").read_text())

    def train_epoch(self, epoch: int) -> dict:
        module = self.extractor.module
        module.train()
        sums: dict[str, float] = {}
        steps, seen, start = 0, 0, time.perf_counter()
        seed = self.cfg.seed * 1000 + epoch
        self.extractor.start_epoch(epoch)
        examples = [self.examples[i] for i in self.sampler.epoch(seed)]
        n_batches = -(-len(examples) // self.cfg.batch_size)
        with self.progress() as bar:
            task = bar.add_task(f"epoch {epoch}/{self.cfg.epochs}", total=n_batches, info="")
            for batch in self.extractor.batches(examples, self.cfg.batch_size, seed=seed):
                losses = self.extractor.training_step(batch)
                losses["loss"].backward()
                torch.nn.utils.clip_grad_norm_(
                    [p for g in self.optimizer.param_groups for p in g["params"]], self.cfg.clip)
                self.optimizer.step()
                self.scheduler.step()
                self.optimizer.zero_grad(set_to_none=True)
                if self.average:
                    self.average.update()
                for name, value in losses.items():
                    sums[name] = sums.get(name, 0.0) + float(value.detach())
                steps += 1
                seen += len(batch["examples"])
                rate = seen / (time.perf_counter() - start)
                bar.update(task, advance=1, info=" ".join(
                    f"{k} {v / steps:.3f}" for k, v in sums.items()) + f"  {rate:.1f} ex/s")
        seconds = time.perf_counter() - start
        return {"epoch": epoch, **{k: v / max(1, steps) for k, v in sums.items()},
                "seconds": round(seconds, 1), "examples_per_s": round(seen / seconds, 1)}

    def evaluate(self) -> dict:
        gold = self.dev_docs
        pred = list(self.extractor.predict(gold, batch_size=self.cfg.eval_batch_size))
        return metrics.to_json(metrics.evaluate(gold, pred, self.recipe.data.protocol))

    def metric(self, scores: dict) -> float:
        name, _, field = self.cfg.metric.partition(".")
        if name not in scores or field not in METRIC_FIELDS:
            raise RecipeError(f"train.metric {self.cfg.metric!r} is not among the "
                              f"{self.recipe.data.protocol} protocol's scores: one of "
                              f"{', '.join(scores)}, then .{' .'.join(METRIC_FIELDS)}")
        return float(scores[name][field])

    def save_best(self, scores: dict, record: dict) -> None:
        """The model, its card and metrics.json, written beside and then moved over the last
        best one file by file (metrics.json last): a kill leaves no file cut short."""
        new = self.output / ".best.tmp"
        shutil.rmtree(new, ignore_errors=True)
        self.extractor.save(new, dtype=getattr(torch, self.cfg.save_dtype))
        (new / "README.md").write_text(self.card(scores, record), encoding="utf-8")
        (new / "metrics.json").write_text(json.dumps(
            {"epoch": record["epoch"], "protocol": self.recipe.data.protocol, "dev": scores},
            indent=2))
        files = sorted((p for p in new.rglob("*") if p.is_file()),
                       key=lambda p: p.name == "metrics.json")
        for path in files:
            target = self.output / path.relative_to(new)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        shutil.rmtree(new)

    def card(self, scores: dict, record: dict) -> str:
        data, model = self.recipe.data, self.recipe.model
        dev = (data.dev or data.dev_ids and f"the training documents listed in {data.dev_ids}, "
               "held out" or ", ".join(p + (f" (the documents listed in {s.dev_ids})"
                                            if s.dev_ids else "")
                                       for s in data.all_sources() for p in s.dev)
               or "none (the last epoch is kept)")
        counts = self.data.counts()
        lines = [f"# {self.output.name}", "",
                 # an llm names its language model `model`, the others their `encoder`
                 f"A `{model.get('family')}` model on "
                 f"`{model.get('encoder') or model.get('model') or 'minilm'}`, "
                 f"trained by `assay train` on {date.today().isoformat()} "
                 f"({platform.machine()}, {os.cpu_count()} CPU cores, "
                 f"{'GPU' if torch.cuda.is_available() else 'no GPU'}).", "",
                 *[f"- train: {', '.join(s.train)} ({s.format}, {counts[s.name]} documents"
                   f"{' listed in ' + s.train_ids if s.train_ids else ''}"
                   f"{', weight ' + str(s.weight) if s.weight != 1 else ''}"
                   f"{', label map ' + str(s.label_map) if s.label_map else ''}"
                   f"{', empty_weight ' + str(s.empty_weight) if s.empty_weight != 1 else ''})"
                   for s in data.all_sources()],
                 f"- dev: {dev} (protocol `{data.protocol}`); best epoch {record['epoch']} "
                 f"of {self.cfg.epochs} by `{self.cfg.metric}`", "",
                 "| score | micro P | micro R | micro F1 | macro F1 |", "|---|---|---|---|---|"]
        for name, s in scores.items():
            lines.append(f"| {name} | {s['micro_p']:.4f} | {s['micro_r']:.4f} | "
                         f"{s['micro_f1']:.4f} | {s['macro_f1']:.4f} |")
        lines += ["", "The full recipe is in `recipe.json`, each epoch in `log.jsonl`."]
        return "\n".join(lines) + "\n"

    def progress(self) -> Progress:
        return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), TimeRemainingColumn(), TextColumn("{task.fields[info]}"),
                        disable=self.quiet, transient=False)

    def say(self, message: str) -> None:
        if not self.quiet:
            print(message, flush=True)


def train(recipe: Recipe, resume: bool = False, quiet: bool = False) -> dict:
    """Read the recipe's data, train, and return the best dev scores."""
    data, dev_docs = read_sources(recipe.data)  # what it skips or leaves out is always said
    return Trainer(recipe, data.take(recipe.train.max_docs), dev_docs, quiet=quiet
                   ).fit(resume=resume)


class WeightAverage:
    """An exponential moving average of a module's trained weights. Its decay per step is
    `decay`, less over the first steps, (1 + t) / (10 + t) at step t, so that the average does
    not linger on the initial weights. `swap` exchanges the averaged and the raw weights in
    place, so one module serves both."""

    def __init__(self, module: torch.nn.Module, decay: float):
        self.decay = decay
        self.params = {n: p for n, p in module.named_parameters() if p.requires_grad}
        self.shadow = {n: p.detach().clone() for n, p in self.params.items()}
        self.steps = 0

    @torch.no_grad()
    def update(self) -> None:
        self.steps += 1
        decay = min(self.decay, self.steps / (9 + self.steps))
        for name, p in self.params.items():
            self.shadow[name].lerp_(p.detach(), 1.0 - decay)

    @torch.no_grad()
    def swap(self) -> None:
        for name, p in self.params.items():
            raw = p.detach().clone()
            p.copy_(self.shadow[name])
            self.shadow[name].copy_(raw)

    def state_dict(self) -> dict:
        return {"steps": self.steps, "shadow": dict(self.shadow)}

    def load_state_dict(self, saved: dict) -> None:
        self.steps = saved["steps"]
        for name, tensor in saved["shadow"].items():
            self.shadow[name].copy_(tensor)
