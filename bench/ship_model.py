"""Put a trained model into the package (src/assay/zoo/NAME) in half precision, and measure
what that costs on dev against the full-precision model.

Run: .venv/bin/python bench/ship_model.py build/runs/joint-s13 software \\
        --data ../shared/datasets/somd2025/dev --format somd --protocol somd

Only the parameters the model tuned are stored (frozen encoder parameters come from the
encoder's own package when the model loads). The card, metrics and recipe go along.
"""
from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import torch

from assay import formats, metrics
from assay.models.registry import load_model
from assay.pipeline import ZOO, Pipeline


def scores(model_dir: Path, docs, protocol: str) -> dict:
    predicted = list(Pipeline([load_model(model_dir)]).pipe(docs))
    return metrics.to_json(metrics.evaluate(docs, predicted, protocol))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("name")
    parser.add_argument("--data", required=True)
    parser.add_argument("--format", required=True)
    parser.add_argument("--protocol", required=True)
    args = parser.parse_args()
    target = ZOO / args.name
    if target.exists():
        shutil.rmtree(target)
    load_model(args.source).save(target, dtype=torch.float16)
    for name in ("metrics.json", "recipe.json", "log.jsonl"):
        shutil.copy(args.source / name, target / name)
    docs = list(formats.read(args.data, args.format))
    full, half = scores(args.source, docs, args.protocol), scores(target, docs, args.protocol)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    report = {"source": str(args.source), "shipped": f"src/assay/zoo/{args.name}", "size_mb": round(size / 2**20, 1),
              "float32": {k: v["micro_f1"] for k, v in full.items()},
              "float16": {k: v["micro_f1"] for k, v in half.items()},
              "float32_macro": {k: v["macro_f1"] for k, v in full.items()},
              "float16_macro": {k: v["macro_f1"] for k, v in half.items()}}
    (target / "shipping.json").write_text(json.dumps(report, indent=2) + "\n")
    card = (args.source / "README.md").read_text().splitlines()[1:]
    (target / "README.md").write_text("\n".join([
        f"# {args.name}", *card, "", "## As shipped", "",
        f"Trained in `{args.source}`; stored here in half precision, {report['size_mb']} MB, "
        "holding only the parameters training changed (the word embeddings stay those of the "
        "encoder's package). Dev micro F1 in float32 / float16: " + ", ".join(
            f"{k} {report['float32'][k]:.4f} / {report['float16'][k]:.4f}"
            for k in report["float32"]) + ".", ""]))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
