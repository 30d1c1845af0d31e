"""The GutBrainIE span NER threshold chosen on the 60-document dev carve (issue 20: the span
models trained here find entities with higher precision than recall, 0.81 against 0.73).

The span model predicts once over the carve at a low floor, every entity with its score; each
threshold of GRID keeps the entities scored above it. That is what the model predicts with
`model.threshold` set to it: decoding (flat or nested) is a greedy pass, highest score first,
where whether a span is kept depends only on the spans kept before it, so the spans above a
threshold are taken alike whatever lies below it. Scores compare in float32, as the model's.
Reported: NER micro and macro F1 with predicted against gold counts at every threshold; the
threshold chosen on the whole carve (micro F1); and, for selection you can trust, the carve cut
in the same two seeded halves as bench/gutbrain_calibrate.py, the threshold chosen on one half
and scored on the other, both ways, counts pooled. `--out` is the span model with the chosen
threshold in its config, which bench/gutbrain_calibrate.py can then run end to end.

Run through the runner (experiment gutbrain-ner-threshold):
    .venv/bin/python bench/run.py gutbrain-ner-threshold
"""
from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

import numpy as np
from gutbrain_calibrate import (CARVE, DATA, cut_in_halves, dev_documents, pooled, scores,
                                summary, write_calibrated)

from assay.doc import Document
from assay.models.registry import load_model

GRID = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)
DEFAULT = 0.5  # what the recipes train and ship with


def kept(docs: list[Document], threshold: float) -> list[Document]:
    """The documents with the entities the model predicts at `threshold`."""
    floor = np.float32(threshold)  # the model compares its float32 scores with the threshold
    return [replace(d, entities=[e for e in d.entities if np.float32(e.score) > floor])
            for d in docs]


def ner(gold: list[Document], predicted: list[Document]) -> dict:
    """NER micro P / R / F1 and macro F1, with predicted and gold counts."""
    return summary(scores(gold, predicted))["NER"]


def best_threshold(gold: list[Document], predicted: list[Document]) -> float:
    return max(GRID, key=lambda t: (scores(gold, kept(predicted, t))["NER"].micro()[2],
                                    t == DEFAULT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ner", type=Path, required=True, help="a span model")
    parser.add_argument("--out", type=Path, required=True,
                        help="the span model with the chosen threshold, written here")
    parser.add_argument("--dev-ids", type=Path, default=CARVE,
                        help="the documents of platinum + gold scored and chosen on")
    parser.add_argument("--seed", type=int, default=13, help="the carve's cut in halves")
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args()
    dev = dev_documents(args.dev_ids)
    model = load_model(args.ner)
    model.config = model.config.model_copy(update={"threshold": GRID[0]})
    predicted = list(model.predict(dev))
    chosen = best_threshold(dev, predicted)
    halves = cut_in_halves(dev, predicted, args.seed)
    results = {
        "dev": f"{DATA}/train_platinum.json + train_gold.json (the {len(dev)} documents in "
               f"{args.dev_ids})", "ner": str(args.ner), "grid": list(GRID),
        "objective": "NER micro F1", "chosen_threshold": chosen,
        "by_threshold": {str(t): ner(dev, kept(predicted, t)) for t in GRID},
        "cross_validated": {
            "halves": [len(h[0]) for h in halves],
            "global_choices": [best_threshold(*h) for h in halves],
            "default": summary(pooled(halves, lambda g, p: DEFAULT, kept))["NER"],
            "chosen": summary(pooled(halves, best_threshold, kept))["NER"]}}
    write_calibrated(results, args.ner, chosen, args.out, args.json)


if __name__ == "__main__":
    main()
