"""What a larger encoder costs (issue 20: MPNet-base beside MiniLM): for each encoder and each
recipe, one epoch of training on the first --train-docs training documents, timed as the
Trainer counts it (`family_speed.train_speed`; the recipe's dev carve is scored after the
epoch, untimed), then the prediction speed of the model it made on the first --documents
documents of that carve (`assay.speed.measure`: end to end and the bare encoder's ceiling,
after a warm-up over the same documents). A docre model reads the gold entities of those
documents, so every encoder is timed on the same pairs; the pipeline's abstracts/s adds the
two steps' seconds. A span model's decoding grows with the spans it keeps, which after one
epoch need not be as many as after a whole training: its figure is the encoder's cost, not a
trained model's exact speed.

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
    devs = {}  # read once: every encoder predicts the same documents
    for recipe in args.recipe:
        dev = read_sources(load_recipe(recipe).data, say=lambda _: None)[1]
        if not dev:
            raise SystemExit(f"{recipe}: no dev documents to predict")
        devs[recipe] = dev[:args.documents]
    if len({tuple(d.id for d in dev) for dev in devs.values()}) > 1:
        raise SystemExit("the recipes predict different dev documents: no pipeline speed")
    results = {"train_docs": args.train_docs, "encoders": {}}
    for encoder in args.encoder:
        recipes = {}
        for recipe, dev in devs.items():
            with tempfile.TemporaryDirectory() as folder:
                training = train_speed(recipe, args.train_docs, {"model.encoder": encoder},
                                       Path(folder) / "model")
                predicting = measure(load(str(Path(folder) / "model")), lambda: iter(dev),
                                     runs=args.runs)
            training["documents_per_s"] = round(training["documents"] / training["seconds"], 3)
            predicting["documents_per_s"] = round(len(dev) / predicting["seconds"], 3)
            del predicting["peak_rss_mib"]  # the process's, training and earlier models included
            recipes[recipe] = {"training": training, "prediction": predicting}
            print(f"{encoder} {recipe}: training {training['documents_per_s']} documents/s, "
                  f"prediction {predicting['documents_per_s']} documents/s", flush=True)
        results["encoders"][encoder] = {"recipes": recipes, "pipeline_abstracts_per_s": round(
            len(dev) / sum(r["prediction"]["seconds"] for r in recipes.values()), 3)}
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
