"""Releasing trained models into the zoo (`assay package`): a model directory, or a pipeline of
them (NER, then relations), stored in half precision with only the parameters training changed
(frozen encoder parameters come from the encoder's own package when it loads), with its card,
metrics, recipe and log, and `shipping.json`: what half precision costs on dev.

The zoo entry is written whole or not at all: it is built in a temporary folder inside the zoo
and renamed into place, so a failure leaves the entry that was there before, never half of a
new one (the temporary folder holds the model one level down, so `assay models` never lists it).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from assay import metrics
from assay.doc import Document
from assay.pipeline import PIPELINE, Pipeline, model_dirs

# what a training run's folder holds beside the weights, shipped along
KEPT = ("metrics.json", "recipe.json", "log.jsonl", "README.md")


def package(sources: list[Path], name: str, zoo: Path, docs: list[Document], protocol: str,
            dev: str, against: list[Path] = ()) -> dict:
    """Ship `sources` (model directories, in the order they run) as `zoo/name`, scored on
    `docs` (described as `dev`) in float32 and as shipped; `against`: other model directories
    scored on the same documents for comparison. Returns what shipping.json holds."""
    from assay.models.registry import load_model

    models = [load_model(s) for s in sources]
    steps = [m.family.name for m in models]
    if len(set(steps)) < len(steps):
        raise ValueError(f"two steps of one family ({', '.join(steps)}): not supported")
    full = _scores(models, docs, protocol)
    zoo.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=zoo, prefix=f".{name}-packaging-"))
    try:
        staged = work / name
        folders = [staged] if len(models) == 1 else [staged / step for step in steps]
        for model, source, folder in zip(models, sources, folders):
            _ship(model, source, folder)
        if len(models) > 1:
            (staged / PIPELINE).write_text(json.dumps({"steps": steps}, indent=2) + "\n")
        half = _scores([load_model(f) for f in model_dirs(staged)], docs, protocol)
        size = sum(p.stat().st_size for p in staged.rglob("*") if p.is_file())
        report = {"sources": [str(s) for s in sources], "shipped": os.path.relpath(zoo / name),
                  "size_mb": round(size / 2**20, 1), "dev": dev,
                  "float32": _pick(full, "micro_f1"), "float16": _pick(half, "micro_f1"),
                  "float32_macro": _pick(full, "macro_f1"),
                  "float16_macro": _pick(half, "macro_f1")}
        if against:
            reference = _scores([load_model(a) for a in against], docs, protocol)
            report["against"] = {"models": [str(a) for a in against],
                                 "float32": _pick(reference, "micro_f1"),
                                 "float32_macro": _pick(reference, "macro_f1")}
        (staged / "shipping.json").write_text(json.dumps(report, indent=2) + "\n")
        (staged / "metrics.json").write_text(json.dumps(
            {"protocol": protocol, "dev": half}, indent=2) + "\n")
        (staged / "README.md").write_text(card(name, sources, report), encoding="utf-8")
        _replace(staged, zoo / name, work / "replaced")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return report


def card(name: str, sources: list[Path], report: dict) -> str:
    """The shipped model's card: its sources' cards, then what shipping it cost."""
    cards = [(s / "README.md").read_text(encoding="utf-8").splitlines()[1:] for s in sources]
    f32, f16 = report["float32"], report["float16"]
    lines = [f"# {name}", *[line for c in cards for line in c], "", "## As shipped", "",
             f"Trained in {', '.join(f'`{s}`' for s in sources)}; stored here in half "
             f"precision, {report['size_mb']} MB, holding only the parameters training changed "
             "(the rest stay those of the encoder's package). Dev micro F1 in float32 / float16 "
             f"on {report['dev']}: " + ", ".join(f"{k} {f32[k]:.4f} / {f16[k]:.4f}" for k in f32)
             + "."]
    if "against" in report:
        ref, f16_macro = report["against"], report["float16_macro"]
        lines += ["", "Dev micro (macro) F1 of " + ", ".join(f"`{a}`" for a in ref["models"])
                  + " → of the shipped model: " + ", ".join(
                      f"{k} {ref['float32'][k]:.4f} ({ref['float32_macro'][k]:.4f}) → "
                      f"{f16[k]:.4f} ({f16_macro[k]:.4f})" for k in f32) + "."]
    return "\n".join(lines + [""])


def _ship(model, source: Path, folder: Path) -> None:
    import torch

    model.save(folder, dtype=torch.float16)
    for name in KEPT:
        shutil.copy(source / name, folder / name)


def _replace(staged: Path, target: Path, aside: Path) -> None:
    """Move `staged` to `target`; an entry already there is moved `aside` first (and goes
    with the temporary folder), and moved back if the second rename fails."""
    if target.exists():
        target.rename(aside)
    try:
        staged.rename(target)
    except OSError:
        if aside.exists():
            aside.rename(target)
        raise


def _scores(models: list, docs: list[Document], protocol: str) -> dict:
    predicted = list(Pipeline(models).pipe(docs))
    return metrics.to_json(metrics.evaluate(docs, predicted, protocol))


def _pick(scored: dict, field: str) -> dict:
    return {name: score[field] for name, score in scored.items()}
