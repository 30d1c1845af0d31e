"""Put a trained model, or a pipeline of trained models (NER, then relations), into the
package (src/assay/zoo/NAME) in half precision, and measure what that costs on dev against
the full-precision models.

Run:
    .venv/bin/python bench/ship_model.py build/runs/joint-s13 --name software \\
        --data ../shared/datasets/somd2025/dev --format somd --protocol somd
    .venv/bin/python bench/ship_model.py build/models/gutbrain-span build/models/gutbrain-atlop \\
        --name gutbrain --data ../shared/datasets/gutbrainie2025/train_platinum.json \\
        --format gutbrainie --protocol gutbrainie --dev-ids configs/gutbrainie-dev-ids.txt

Only the parameters the models tuned are stored (frozen encoder parameters come from the
encoder's own package when a model loads). Cards, metrics and recipes go along; a pipeline's
steps go in folders named by their family, listed in its pipeline.json.
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import torch

from assay import formats, metrics
from assay.models.registry import load_model
from assay.pipeline import PIPELINE, ZOO, Pipeline
from assay.training.trainer import carve


def scores(model_dirs: list[Path], docs, protocol: str) -> dict:
    predicted = list(Pipeline([load_model(d) for d in model_dirs]).pipe(docs))
    return metrics.to_json(metrics.evaluate(docs, predicted, protocol))


def pick(scored: dict, field: str) -> dict:
    return {name: score[field] for name, score in scored.items()}


def ship(source: Path, target: Path) -> None:
    load_model(source).save(target, dtype=torch.float16)
    for name in ("metrics.json", "recipe.json", "log.jsonl", "README.md"):
        shutil.copy(source / name, target / name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", type=Path, nargs="+", help="model directories, in the "
                        "order they run")
    parser.add_argument("--name", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--format", required=True)
    parser.add_argument("--protocol", required=True)
    parser.add_argument("--dev-ids", type=Path, help="score only these documents of --data")
    parser.add_argument("--against", type=Path, nargs="+", help="model directories to score "
                        "on the same dev set for comparison (full fine-tuning, say)")
    args = parser.parse_args()
    target = ZOO / args.name
    if target.exists():
        shutil.rmtree(target)
    if len(args.sources) == 1:
        ship(args.sources[0], target)
        shipped = [target]
    else:
        steps = [load_model(s).family for s in args.sources]
        if len(set(steps)) < len(steps):
            raise SystemExit(f"two steps of one family ({steps}): not supported")
        shipped = [target / step for step in steps]
        for source, folder in zip(args.sources, shipped):
            ship(source, folder)
        (target / PIPELINE).write_text(json.dumps({"steps": steps}, indent=2) + "\n")
    docs = list(formats.read(args.data, args.format))
    if args.dev_ids:
        docs = carve(docs, args.dev_ids)[1]
    full = scores(args.sources, docs, args.protocol)
    half = scores(shipped, docs, args.protocol)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    report = {"sources": [str(s) for s in args.sources], "shipped": f"src/assay/zoo/{args.name}",
              "size_mb": round(size / 2**20, 1), "dev": f"{args.data}" + (
                  f" (the documents in {args.dev_ids})" if args.dev_ids else ""),
              "float32": pick(full, "micro_f1"), "float16": pick(half, "micro_f1"),
              "float32_macro": pick(full, "macro_f1"), "float16_macro": pick(half, "macro_f1")}
    if args.against:
        reference = scores(args.against, docs, args.protocol)
        report["against"] = {"models": [str(a) for a in args.against],
                             "float32": pick(reference, "micro_f1"),
                             "float32_macro": pick(reference, "macro_f1")}
    (target / "shipping.json").write_text(json.dumps(report, indent=2) + "\n")
    (target / "metrics.json").write_text(json.dumps(
        {"protocol": args.protocol, "dev": half}, indent=2) + "\n")
    cards = [(s / "README.md").read_text().splitlines()[1:] for s in args.sources]
    (target / "README.md").write_text("\n".join([
        f"# {args.name}", *[line for card in cards for line in card], "", "## As shipped", "",
        f"Trained in {', '.join(f'`{s}`' for s in args.sources)}; stored here in half "
        f"precision, {report['size_mb']} MB, holding only the parameters training changed "
        "(the rest stay those of the encoder's package). Dev micro F1 in float32 / float16 "
        f"on {report['dev']}: " + ", ".join(
            f"{k} {report['float32'][k]:.4f} / {report['float16'][k]:.4f}"
            for k in report["float32"]) + "."] + ([
        "", f"Dev micro (macro) F1 of {', '.join(f'`{a}`' for a in args.against)} → of the "
        "shipped model: " + ", ".join(
            f"{k} {report['against']['float32'][k]:.4f} "
            f"({report['against']['float32_macro'][k]:.4f}) → {report['float16'][k]:.4f} "
            f"({report['float16_macro'][k]:.4f})" for k in report["float32"]) + "."]
        if args.against else []) + [""]))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
