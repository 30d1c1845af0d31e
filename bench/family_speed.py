"""Prediction speed of several models on the same sentences, one after the other in one process
(`assay.speed.measure`: end to end and the bare encoders' ceiling, median of --runs after a
warm-up), and training speed: a recipe trained for one epoch on its first --train-docs
documents, without dev scoring, as the Trainer counts it (training sentences/s). For the
`transition` family beside `joint` (the shipped `software`) on BC5CDR devel.

Run through the runner, with nothing else busy on the machine (bench/experiments.toml:
speed-transition):
    .venv/bin/python bench/run.py speed-transition
    (which runs: .venv/bin/python bench/family_speed.py --model M ... --data D --format F
        [--documents N] [--train-recipe R --train-docs N] --json RESULT.json)
"""
from __future__ import annotations

import argparse
import json
import tempfile
from itertools import islice
from pathlib import Path

from assay import formats
from assay.pipeline import load
from assay.speed import measure


def train_speed(recipe: str, documents: int, sets: dict | None = None,
                output: Path | None = None) -> dict:
    """One epoch of `recipe` (with `sets`) on its first `documents` training documents, no dev
    scoring; the model is kept in `output` when one is given."""
    from assay.training import load_recipe, train

    with tempfile.TemporaryDirectory() as folder:
        loaded = load_recipe(recipe, {**(sets or {}), "train.epochs": 1,
                                      "train.max_docs": documents,
                                      "train.output": str(output or folder), "data.dev": None})
        train(loaded, quiet=True)
        made = Path(loaded.train.output)
        epoch = json.loads((made / "log.jsonl").read_text().splitlines()[0])
        sources = json.loads((made / "training_data.json").read_text()).values()
    return {"recipe": recipe, "documents": sum(s["documents"] for s in sources),
            "batch_size": loaded.train.batch_size, "seconds": epoch["seconds"],
            "sentences_per_s": epoch["examples_per_s"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", required=True,
                        help="a shipped model's name or a model directory (repeat)")
    parser.add_argument("--data", required=True)
    parser.add_argument("--format", required=True)
    parser.add_argument("--documents", type=int, default=1000, help="the first N documents")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--train-recipe", help="a recipe to time one epoch of training of")
    parser.add_argument("--train-docs", type=int, default=512)
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args()
    docs = list(islice(formats.read(args.data, args.format), args.documents))
    results = {"data": args.data, "documents": len(docs),
               "models": {m: measure(load(m), lambda: iter(docs), runs=args.runs)
                          for m in args.model}}
    if args.train_recipe:
        results["training"] = train_speed(args.train_recipe, args.train_docs)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
