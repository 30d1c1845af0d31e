"""What a larger encoder costs (issue 20: MPNet-base beside MiniLM): for each encoder and each
recipe, one epoch of training on the first --train-docs documents, as the Trainer counts it
(`family_speed.train_speed`), then the prediction speed of the model it made on the first
--documents documents of the recipe's dev carve (`assay.speed.measure`: end to end and the bare
encoder's ceiling, after a warm-up over the same documents). A docre model reads the gold
entities of those documents, so both encoders see the same pairs; the pipeline's abstracts/s
follows from the two steps' seconds. Speed does not depend on how well a model has learnt, but
a span model's decoding cost grows with the spans it keeps: one epoch keeps about as many as a
trained one only roughly.

Run through the runner, with nothing else busy on the machine (bench/experiments.toml:
speed-gutbrain-encoders):
    .venv/bin/python bench/run.py speed-gutbrain-encoders
    (which runs: .venv/bin/python bench/encoder_speed.py --encoder E ... --recipe R ...
        [--train-docs N] [--documents N] --json RESULT.json)
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from family_speed import train_speed

from assay.pipeline import load
from assay.speed import measure
from assay.training import load_recipe
from assay.training.data import read_sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", action="append", required=True,
                        help="an encoder name, id or path (repeat)")
    parser.add_argument("--recipe", action="append", required=True, help="a recipe (repeat)")
    parser.add_argument("--train-docs", type=int, default=24)
    parser.add_argument("--documents", type=int, default=24, help="dev documents predicted")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args()
    results = {"train_docs": args.train_docs, "encoders": {}}
    for encoder in args.encoder:
        found = results["encoders"][encoder] = {}
        for recipe in args.recipe:
            dev = read_sources(load_recipe(recipe).data, say=lambda _: None)[1]
            if not dev:
                raise SystemExit(f"{recipe}: no dev documents to predict")
            dev = dev[:args.documents]
            with tempfile.TemporaryDirectory() as folder:
                training = train_speed(recipe, args.train_docs, {"model.encoder": encoder,
                                                                 "data.dev_ids": None},
                                       Path(folder) / "model")
                training["documents_per_s"] = round(args.train_docs / training["seconds"], 3)
                predicting = measure(load(str(Path(folder) / "model")), lambda: iter(dev),
                                     runs=args.runs)
            predicting["documents_per_s"] = round(
                len(dev) * predicting["sentences_per_s"] / predicting["sentences"], 3)
            found[recipe] = {"training": training, "prediction": predicting}
            print(f"{encoder} {recipe}: training {training['documents_per_s']} documents/s, "
                  f"prediction {predicting['documents_per_s']} documents/s", flush=True)
        found["pipeline_abstracts_per_s"] = round(1 / sum(
            1 / found[r]["prediction"]["documents_per_s"] for r in args.recipe), 3)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
