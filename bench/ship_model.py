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
    for name in ("README.md", "metrics.json", "recipe.json"):
        shutil.copy(args.source / name, target / name)
    docs = list(formats.read(args.data, args.format))
    full, half = scores(args.source, docs, args.protocol), scores(target, docs, args.protocol)
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    report = {"source": str(args.source), "shipped": str(target), "size_mb": round(size / 2**20, 1),
              "float32": {k: v["micro_f1"] for k, v in full.items()},
              "float16": {k: v["micro_f1"] for k, v in half.items()},
              "float32_macro": {k: v["macro_f1"] for k, v in full.items()},
              "float16_macro": {k: v["macro_f1"] for k, v in half.items()}}
    (target / "shipping.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
